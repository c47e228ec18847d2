"""ID numbers at rest: encrypted with a key kept apart from the database, found by a keyed
hash, shown masked, revealed only to a role that needs it, and the key can be rotated."""

import json
import os
import stat

import pytest
from django.core.management import call_command
from django.db import connection

from sanwu.core import crypto
from sanwu.core.errors import Invalid, Refused
from sanwu.regions import services
from sanwu.regions.models import Person

pytestmark = pytest.mark.django_db

NUMBER = "340828199001011234"


def _fixed(number17: str) -> str:
    from sanwu.core.codes import id_check_char

    return number17 + id_check_char(number17)


def test_no_id_number_is_stored_in_plain_text(demo):
    person = services.add_person(None, "340828100200", "王小明", _fixed("34082819900101123"))
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {Person._meta.db_table} WHERE id = %s", [person.pk])
        row = cur.fetchone()
    assert person.id_number not in " ".join(str(v) for v in row)
    # Nor any demo person's.
    with connection.cursor() as cur:
        cur.execute(f"SELECT id_number_encrypted, id_number_masked FROM {Person._meta.db_table}")
        rows = cur.fetchall()
    assert rows and all("*" in masked and not token.isdigit() for token, masked in rows)
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.id_number == person.id_number
    assert fresh.masked_id_number == person.id_number[:4] + "*" * 10 + person.id_number[-4:]


def test_found_by_keyed_hash_duplicates_refused(demo):
    number = _fixed("34082819850202123")
    services.add_person(None, "340828100200", "李四", number)
    assert Person.objects.with_id_number(number.lower()).count() == 1
    with pytest.raises(Invalid) as exc:
        services.add_person(None, "340828100200", "李四", number)
    assert "已登记" in exc.value.messages[0]


def test_reveal_decrypts_for_the_township_not_for_an_outsider(demo):
    person = services.add_person(None, "340828100200", "赵五", _fixed("34082819700303123"))
    assert services.reveal_person(demo.township, person)["id_number"] == person.id_number
    with pytest.raises(Refused):
        services.reveal_person(demo.other_township, person)


def test_key_file_is_private_and_apart_from_the_database(demo, settings):
    path = crypto.key_file()
    assert path.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert str(path) != str(settings.DATABASES["default"]["NAME"])
    key = json.loads(path.read_text())["keys"][0]
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {Person._meta.db_table} WHERE id_number_encrypted LIKE %s", [f"%{key}%"])
        assert cur.fetchone()[0] == 0


def test_a_wrong_key_file_cannot_read(demo, settings, tmp_path):
    person = Person.objects.first()
    settings.SANWU_PII_KEY_FILE = str(tmp_path / "other.json")
    crypto.forget_keys()
    try:
        with pytest.raises(Invalid):
            Person.objects.get(pk=person.pk).id_number
    finally:
        crypto.forget_keys()


def test_rotation_reencrypts_everything_and_drops_the_old_key(demo, settings, tmp_path):
    Person.objects.all().delete()  # the demo's rows are under the suite's key file
    settings.SANWU_PII_KEY_FILE = str(tmp_path / "keys.json")
    crypto.forget_keys()
    try:
        person = services.add_person(None, "340828100200", "钱六", _fixed("34082819600404123"))
        number, before = person.id_number, Person.objects.get(pk=person.pk).id_number_encrypted
        old_key = json.loads(crypto.key_file().read_text())["keys"][0]
        call_command("keys", "rotate")
        keys = json.loads(crypto.key_file().read_text())["keys"]
        assert keys != [old_key] and len(keys) == 1
        after = Person.objects.get(pk=person.pk)
        assert after.id_number_encrypted != before and after.id_number == number
        assert Person.objects.with_id_number(number).get().pk == person.pk  # the lookup hash survives rotation
    finally:
        crypto.forget_keys()


def _first_key_file(path: str) -> str:
    from django.conf import settings as live

    live.SANWU_PII_KEY_FILE = path
    crypto.forget_keys()
    return crypto.lookup_hash("340828196004041234")


def test_processes_starting_at_once_share_one_key_file(tmp_path):
    """Server and test workers create the key file on first use, all at the same moment."""
    import concurrent.futures
    import multiprocessing

    path = str(tmp_path / "race" / "pii.key")
    with concurrent.futures.ProcessPoolExecutor(8, mp_context=multiprocessing.get_context("fork")) as pool:
        hashes = set(pool.map(_first_key_file, [path] * 32))
    assert len(hashes) == 1
    assert [p.name for p in (tmp_path / "race").iterdir()] == ["pii.key"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
