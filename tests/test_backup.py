"""`sanwu backup` and `sanwu restore`: the database (SQLite or PostgreSQL, whichever the run uses), the
uploaded files and the secret key, encrypted with a passphrase; restored into a fresh place by
another process, where `sanwu verify` passes. The outsider: whoever lacks the passphrase."""

import datetime as dt
import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from sanwu.ledger import services
from sanwu.ledger.models import Voucher
from tests.ledger.conftest import post_journal

PASSPHRASE = "田间地头的口令 2026"
JOURNAL = """
2025-03-05 收到光伏发电收入
  101   8800.00  -        cash  国网岳西县供电公司
  501   -        8800.00  cash  pv
2025-03-06 支付村部维修材料款
  513   1500.00  -        cash  县建材店
  101   -        1500.00  cash  县建材店
2025-03-07 支付保洁工资
  513   1200.00  -        cash
  101   -        1200.00  cash
"""


@pytest.fixture
def posted_book(demo_live, settings, tmp_path):
    """A book of 大歇村 with three posted vouchers, and a receipt in MEDIA_ROOT — all committed, so
    that another process (the restore, pg_dump) sees them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "attachments" / "2025").mkdir(parents=True)
    (settings.MEDIA_ROOT / "attachments" / "2025" / "发票-0001.pdf").write_bytes(b"%PDF-1.4 receipt of 1500.00\n")
    village = demo_live.accountant.role_assignments.get().region_id
    book = services.create_book(demo_live.county, village, village, "2023", start_date=dt.date(2025, 1, 1))
    services.confirm_opening(demo_live.accountant, book)
    post_journal(demo_live.accountant, book, JOURNAL)
    return book


@pytest.fixture
def passphrase_file(tmp_path):
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


@pytest.fixture
def fresh_place(tmp_path):
    """Environment for a sanwu process with its own var directory and an empty database: a new
    SQLite file there, or a new PostgreSQL database (dropped afterwards)."""
    var = tmp_path / "fresh-var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SANWU_TEST_DB", "SANWU_SECRET_KEY", "SANWU_BACKUP_PASSPHRASE")}
    env.update(SANWU_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="sanwu.settings")
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        name = f"{s['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        admin = dict(host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"], dbname="postgres", autocommit=True)
        with psycopg.connect(**admin) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{name}"
        yield var, env
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield var, env


def sanwu(env, *args, passphrase=None):
    run_env = dict(env)
    if passphrase is not None:
        run_env["SANWU_BACKUP_PASSPHRASE"] = passphrase
    return subprocess.run([sys.executable, "-m", "sanwu.cli", *args], env=run_env, capture_output=True, text=True, timeout=300)


def count_vouchers(env) -> int:
    proc = sanwu(env, "shell", "--no-imports", "-c", "from sanwu.ledger.models import Voucher; print(Voucher.objects.filter(status='posted').count())")
    assert proc.returncode == 0, proc.stderr
    return int(proc.stdout.split()[-1])


def test_backup_restored_into_a_fresh_place_passes_verify(posted_book, passphrase_file, fresh_place, tmp_path):
    var, env = fresh_place
    archive = tmp_path / "sanwu.backup"
    call_command("backup", str(archive), "--passphrase-file", str(passphrase_file))

    data = archive.read_bytes()
    assert archive.stat().st_mode & 0o077 == 0  # only the owner reads it
    assert settings.SECRET_KEY.encode() not in data and b"receipt of 1500.00" not in data and "支付村部维修材料款".encode() not in data

    proc = sanwu(env, "restore", str(archive), passphrase=PASSPHRASE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "恢复：" in proc.stdout and "3 张凭证" in proc.stdout and "上传文件 1 个" in proc.stdout

    verified = sanwu(env, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"{posted_book.code} ok（3 张已记账凭证）" in verified.stdout
    assert count_vouchers(env) == Voucher.objects.filter(status="posted").count() == 3
    assert (var / "secret_key").read_text() == settings.SECRET_KEY
    assert (var / "secret_key").stat().st_mode & 0o077 == 0
    assert (var / "media" / "attachments" / "2025" / "发票-0001.pdf").read_bytes() == b"%PDF-1.4 receipt of 1500.00\n"

    # The place now holds data: a second restore is refused unless told, and then it goes through.
    again = sanwu(env, "restore", str(archive), passphrase=PASSPHRASE)
    assert again.returncode == 1 and "目标数据库不是空的" in again.stderr and "--force" in again.stderr, again.stderr
    forced = sanwu(env, "restore", str(archive), "--force", passphrase=PASSPHRASE)
    assert forced.returncode == 0, forced.stderr
    assert count_vouchers(env) == 3


def test_the_wrong_passphrase_and_a_damaged_file_are_refused_in_chinese(posted_book, passphrase_file, fresh_place, tmp_path):
    var, env = fresh_place
    archive = tmp_path / "sanwu.backup"
    call_command("backup", str(archive), "--passphrase-file", str(passphrase_file))

    wrong = sanwu(env, "restore", str(archive), passphrase="一个猜的口令 123")
    assert wrong.returncode == 1 and "口令不对" in wrong.stderr, wrong.stderr
    assert "Traceback" not in wrong.stderr

    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit in the middle of the database
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(bytes(data))
    proc = sanwu(env, "restore", str(damaged), passphrase=PASSPHRASE)
    assert proc.returncode == 1 and "备份文件已损坏" in proc.stderr, proc.stderr

    cut = tmp_path / "cut.backup"
    cut.write_bytes(archive.read_bytes()[: len(data) - 100])
    proc = sanwu(env, "restore", str(cut), passphrase=PASSPHRASE)
    assert proc.returncode == 1 and "不完整" in proc.stderr, proc.stderr

    # Nothing was written to the fresh place by any of them.
    tables = sanwu(env, "shell", "--no-imports", "-c", "from django.db import connection; print(len(connection.introspection.table_names()))")
    assert tables.stdout.split()[-1] == "0", tables.stdout + tables.stderr
    assert not (var / "media").exists()


def test_no_passphrase_no_backup(posted_book, tmp_path, monkeypatch):
    monkeypatch.delenv("SANWU_BACKUP_PASSPHRASE", raising=False)
    archive = tmp_path / "sanwu.backup"
    with pytest.raises(CommandError, match="需要口令"):
        call_command("backup", str(archive))
    short = tmp_path / "short"
    short.write_text("1234\n")
    with pytest.raises(CommandError, match="口令太短"):
        call_command("backup", str(archive), "--passphrase-file", str(short))
    assert not archive.exists() and not list(tmp_path.glob("*.part"))
