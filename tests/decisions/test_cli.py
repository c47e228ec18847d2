"""`sanwu decisions list|quorum|demo`: parseable output, errors in Chinese, scope with --as."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanwu.decisions import services
from sanwu.decisions.models import Matter


def run(*args) -> str:
    out = io.StringIO()
    call_command("decisions", *args, stdout=out)
    return out.getvalue()


def test_list_as_json_and_within_scope(demo, matter, other_matter):
    rows = json.loads(run("list", "--format", "json"))
    assert sorted(r["title"] for r in rows) == ["关河村山场流转", "村组道路硬化工程"]
    rows = json.loads(run("list", "--format", "json", "--as", demo.other_township.username))
    assert [r["title"] for r in rows] == ["关河村山场流转"]
    assert run("list", "--within", matter.village_id).splitlines()[0].startswith("id,village,title")


def test_quorum_sets_a_county_rule_and_refuses_outsiders(demo, matter):
    out = run("quorum", "--region", "340828000000", "--meeting", "representatives", "--present", "1/2", "--more-than", "--as", demo.county.username)
    assert "村民代表会议到会须超过1/2" in out
    assert services.quorum_rule_for(matter.village_id, "representatives").source == "岳西县规定"
    with pytest.raises(CommandError, match="无权设置村民会议到会人数规则"):
        run("quorum", "--region", "340828000000", "--meeting", "villagers", "--present", "1/2", "--as", demo.township.username)
    with pytest.raises(CommandError, match="到会比例「half」无效"):
        run("quorum", "--region", "340828000000", "--meeting", "villagers", "--present", "half")


def test_demo_command_is_idempotent(demo):
    assert "新增事项" in run("demo", "--seed", "3")
    n = Matter.objects.count()
    assert "新增事项 0 个" in run("demo", "--seed", "3") and Matter.objects.count() == n > 0
