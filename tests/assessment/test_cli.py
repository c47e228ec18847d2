"""`sanwu assessment …`: the same services from the command line, errors in Chinese, exit 0 only
on success."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanwu.assessment import services
from sanwu.assessment.models import Consequence

from .conftest import T1, T2, YUEXI
from .test_scores_import import xlsx


def run(*args) -> str:
    out = io.StringIO()
    call_command("assessment", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_apply_ranking_and_consequences(demo, tmp_path):
    a = services.create_assessment(demo.county, YUEXI, 2021)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([[T1, "主簿镇", "x", 1, 1, 1]]))
    with pytest.raises(CommandError, match="第2行「基层党建」列"):
        run("import-scores", str(a.pk), str(bad), "--as", "county_yuexi")
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([[T1, "主簿镇", 90, 90, 90, 90], [T2, "五河镇", 80, 80, 80, 80]]))
    with pytest.raises(CommandError, match="无权录入考核得分"):
        run("import-scores", str(a.pk), str(good), "--as", "township_1")
    assert "2 个考核对象、8 项得分" in run("import-scores", str(a.pk), str(good), "--as", "county_yuexi")
    assert "新认定问责 3 项" in run("apply", str(a.pk))
    assert "新认定问责 0 项，已有 3 项" in run("apply", str(a.pk))
    rows = json.loads(run("ranking", str(a.pk), "--format", "json"))
    assert [(r["code"], r["total"], r["rank"]) for r in rows] == [(T1, "90.00", 1), (T2, "80.00", 2)]
    mine = json.loads(run("ranking", str(a.pk), "--format", "json", "--as", "township_2"))
    assert [r["code"] for r in mine] == [T2]
    assert Consequence.objects.count() == 3
    assert "党建考核末位" in run("consequences", str(a.pk), "--as", "township_2")
    with pytest.raises(CommandError, match="不存在或不在管辖范围内"):
        run("ranking", str(a.pk), "--as", "accountant_1")


def test_rectification_list_and_demo(demo):
    assert "已载入：研判 2 轮" in run("demo")
    assert "已载入：研判 0 轮，整顿对象 0 个，考核 0 次" in run("demo")
    text = run("rectification-list", "--county", YUEXI, "--status", "all")
    assert text.splitlines()[0].startswith("code,township,village,year")
    assert len(text.splitlines()) > 2
