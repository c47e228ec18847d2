"""The `sanwu` command: users, tokens, the demo city, errors on stderr with exit status 1."""

import io
import json
import os
import random
import subprocess
import sys
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from sanwu.core.codes import id_number_errors
from sanwu.core.models import AuditEvent
from sanwu.decisions.models import Matter
from sanwu.demo import generator, parts
from sanwu.regions.models import Person, Region
from tests.conftest import database_url


def test_user_add_and_token(demo):
    out = io.StringIO()
    call_command("user", "add", "wang", "--role", "township_supervisor", "--region", "340828100000", "--password", "long-enough-pass-1", stdout=out)
    assert "乡镇监管@340828100000" in out.getvalue()
    user = get_user_model().objects.get(username="wang")
    assert user.check_password("long-enough-pass-1")
    assert AuditEvent.objects.filter(action="role.grant", actor_name="", object_id=str(user.pk)).exists()

    out = io.StringIO()
    call_command("token", "wang", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("sw_")
    me = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me").json()
    assert me["username"] == "wang"


def test_user_add_generates_a_password_when_none_given(demo):
    out = io.StringIO()
    call_command("user", "add", "li", "--role", "auditor", "--region", "340828000000", stdout=out)
    assert "密码：" in out.getvalue()


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["--role", "village_accountant", "--region", "340828000000"], "只能授予村（社区）"),
        (["--role", "township_supervisor", "--region", "340828199000"], "不存在"),
        (["--role", "township_supervisor", "--region", "340828100000", "--password", "123"], "密码"),
    ],
)
def test_user_add_errors(demo, args, fragment):
    with pytest.raises(CommandError, match=fragment):
        call_command("user", "add", "zhao", *args)
    assert not get_user_model().objects.filter(username="zhao").exists()


def test_token_for_unknown_user(db):
    with pytest.raises(CommandError, match="不存在"):
        call_command("token", "ghost")
    with pytest.raises(CommandError, match="用户「ghost」不存在或已停用"):
        call_command("user", "token", "ghost")


def test_user_token_is_the_area_spelling_of_sanwu_token(demo):
    tokens = []
    for args in (["user", "token", "county_yuexi"], ["token", "county_yuexi"]):
        out = io.StringIO()
        call_command(*args, stdout=out)
        tokens.append(out.getvalue().strip())
    assert len(set(tokens)) == 2
    for token in tokens:
        assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me").json()["username"] == "county_yuexi"
    assert AuditEvent.objects.filter(action="token.issue", object_id=str(demo.county.pk)).count() == 2
    # an inactive user gets none, in either spelling
    get_user_model().objects.filter(pk=demo.auditor.pk).update(is_active=False)
    for args in (["user", "token", "auditor_yuexi"], ["token", "auditor_yuexi"]):
        with pytest.raises(CommandError, match="不存在或已停用"):
            call_command(*args)


@pytest.mark.django_db
def test_demo_is_deterministic_for_a_seed():
    rows_a = generator.region_rows(random.Random(7), "county")
    rows_b = generator.region_rows(random.Random(7), "county")
    rows_c = generator.region_rows(random.Random(8), "county")
    assert rows_a == rows_b and rows_a != rows_c
    yuexi_villages = [c for c, _ in rows_a if c.startswith("340828") and len(c) == 12 and c[9:] != "000"]
    assert len(yuexi_villages) == 182


@pytest.mark.django_db
def test_demo_command_loads_once():
    out = io.StringIO()
    call_command("demo", "--scale", "small", stdout=out)
    assert "county_yuexi" in out.getvalue() and "township_1" in out.getvalue()
    assert Region.objects.filter(code="340828000000", name="岳西县").exists()
    assert Person.objects.count() > 0
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    with pytest.raises(CommandError, match="已有数据"):
        call_command("demo")


def test_demo_only_loads_one_part_and_the_app_demo_is_its_alias(demo):
    out = io.StringIO()
    call_command("demo", "--only", "decisions", "--seed", "3", stdout=out)
    made = Matter.objects.count()
    assert made > 0 and f"四议两公开示例：新增事项 {made} 个" in out.getvalue()
    assert "已载入示例城市" not in out.getvalue()  # the city itself is not loaded again
    # `sanwu decisions demo` is the same loader: everything is there already
    out = io.StringIO()
    call_command("decisions", "demo", "--seed", "3", stdout=out)
    assert out.getvalue().strip() == "四议两公开示例：新增事项 0 个，关联凭证 0 张" and Matter.objects.count() == made
    assert parts.load_part("decisions", seed=3) == out.getvalue().strip()


@pytest.mark.parametrize("app", ["partywork", "assessment"])
def test_demo_only_says_what_the_apps_own_demo_command_says(demo, app):
    """`sanwu partywork demo` and `sanwu assessment demo` can become aliases of `--only` without
    changing a word of their output."""
    call_command(app, "demo", stdout=io.StringIO())
    said = []
    for args in (["demo", "--only", app], [app, "demo"]):
        out = io.StringIO()
        call_command(*args, stdout=out)
        said.append(out.getvalue())
    assert said[0] == said[1] != ""


def test_demo_only_names_every_part_and_refuses_the_whole_city_options(db):
    assert parts.KEYS == ("decisions", "coop", "partywork", "assessment", "budgets", "assets", "contracts", "disclosure", "economy", "bank", "oversight", "payments")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("demo", "--only", "ledger")
    with pytest.raises(CommandError, match="--only 不能与 --if-empty、--no-books 同时使用"):
        call_command("demo", "--only", "decisions", "--if-empty")
    assert not Region.objects.exists()


def test_demo_people_have_valid_id_numbers(demo):
    for p in Person.objects.all():
        assert id_number_errors(p.id_number) == []


def test_regions_list_formats(demo):
    out = io.StringIO()
    call_command("regions", "list", "--within", "340828100000", "--level", "village", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert {r["code"] for r in data} == set(Region.objects.filter(parent_id="340828100000").values_list("code", flat=True))


def test_sanwu_command_exits_1_with_chinese_on_stderr(django_db_setup, tmp_path):
    env = {**os.environ, "SANWU_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "sanwu.settings", "DATABASE_URL": database_url()}
    sanwu = [sys.executable, "-m", "sanwu.cli"]
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n340828100200,孤村\n", encoding="utf-8")
    proc = subprocess.run([*sanwu, "regions", "import", str(bad)], env=env, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "第2行" in proc.stderr and "不存在" in proc.stderr and proc.stdout == ""


def test_city_scale_has_yuexi_largest():
    rows = generator.region_rows(random.Random(2021), "city")
    villages = Counter(c[:6] for c, _ in rows if len(c) == 12 and c[9:] != "000")
    assert villages["340828"] == 182 and max(villages.values()) == 182
    assert sum(villages.values()) == 1332 and len(villages) == 10
