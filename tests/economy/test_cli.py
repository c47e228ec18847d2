"""`sanwu report economy` (through `run_report` of the economy command module, which the ledger's
report command calls), `sanwu economy …` and `sanwu brief` (= `sanwu economy brief`): parseable
output, scope, errors in Chinese."""

import argparse
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from sanwu.economy.management.commands import economy as cli
from sanwu.economy.models import CadreReward

from .conftest import TOWN1, V1, YUEXI, decide

HEADER = "code,name,operating_income,operating_return,total_income,pv_income,subsidy_income,class,tier"


def report(**opts):
    out = io.StringIO()
    cli.run_report({"region": YUEXI, "year": 2025, "format": "csv", "output": None, "as_user": None, **opts}, out)
    return out.getvalue()


def test_report_csv_one_row_per_village(hand):
    lines = report().splitlines()
    assert lines[0] == HEADER
    rows = {line.split(",")[0]: line for line in lines[1:]}
    assert len(rows) == 6
    assert rows[V1] == "340828100200,大歇村,700000.55,520000.25,900000.55,100000.00,200000.00,strong,50万"
    assert rows["340828100202"].endswith(",0.00,-8000.00,155000.00,0.00,150000.00,hollow,")
    assert rows["340828100201"].endswith(",120000.10,87000.10,420000.10,120000.10,300000.00,pv_only,")


def test_report_json_xlsx_and_the_command(hand, tmp_path):
    data = json.loads(report(format="json"))
    assert data[0]["code"] == V1 and data[0]["operating_income"] == "700000.55" and data[0]["class"] == "strong"
    path = tmp_path / "e.xlsx"
    report(format="xlsx", output=str(path))
    ws = load_workbook(path).active
    assert ws["A1"].value == "村代码" and ws.max_row == 7
    out = io.StringIO()
    call_command("economy", "report", "--region", YUEXI, "--year", "2025", stdout=out)
    assert out.getvalue() == report()


def test_report_scope_and_errors(hand):
    assert report(as_user="township_1", region=TOWN1).count("\n") == 4  # header + 3 villages
    with pytest.raises(CommandError, match="不在管辖范围内"):
        report(as_user="township_2", region=TOWN1)
    with pytest.raises(CommandError, match="不存在"):
        report(region="340828999000")
    with pytest.raises(CommandError, match="用户「nobody」不存在"):
        report(as_user="nobody")
    with pytest.raises(CommandError, match="年份"):
        report(year=1800)


def test_the_report_parser_fits_the_report_command():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="report")
    cli.add_report_parser(sub)
    opts = parser.parse_args(["economy", "--region", YUEXI, "--year", "2025", "--format", "json"])
    assert (opts.report, opts.region, opts.year, opts.format, opts.as_user) == ("economy", YUEXI, 2025, "json", None)


def test_brief_command(hand, tmp_path):
    out = io.StringIO()
    call_command("brief", "--region", YUEXI, "--year", "2025", "--base-year", "2024", stdout=out)
    text = out.getvalue()
    assert text.startswith("岳西县2025年村级集体经济发展情况\n")
    assert "经营性收入50万元以上的强村2个，占33.3%" in text
    pdf = tmp_path / "b.pdf"
    call_command("brief", "--region", YUEXI, "--year", "2025", "--format", "pdf", "--output", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    html = io.StringIO()
    call_command("brief", "--region", YUEXI, "--year", "2025", "--format", "html", stdout=html)
    assert "urn:schemas-microsoft-com:office:word" in html.getvalue()
    with pytest.raises(CommandError, match="基准年"):
        call_command("brief", "--region", YUEXI, "--year", "2025", "--base-year", "2026", stdout=io.StringIO())


def test_awards_rules_and_approval_commands(hand):
    out = io.StringIO()
    call_command("economy", "awards", "--region", YUEXI, "--year", "2025", "--format", "json", stdout=out)
    rows = {r["code"]: r for r in json.loads(out.getvalue())}
    assert rows[V1]["cadre_reward"] == "50000.11" and rows[V1]["cadre_status"] == "no_resolution"
    out = io.StringIO()
    call_command("economy", "rules", "--county", YUEXI, stdout=out)
    assert json.loads(out.getvalue())["tiers"] == [[30_000_000, 100, 1_000_000], [50_000_000, 50, 2_000_000], [100_000_000, 10, 5_000_000]]
    with pytest.raises(CommandError, match="没有已完成的2025年度村干部奖励“四议两公开”决策"):
        call_command("economy", "approve", "--village", V1, "--year", "2025", "--as", "township_1", stdout=io.StringIO())
    m = decide(None)
    with pytest.raises(CommandError, match="无权"):
        call_command("economy", "approve", "--village", V1, "--year", "2025", "--as", "township_2", stdout=io.StringIO())
    out = io.StringIO()
    call_command("economy", "approve", "--village", V1, "--year", "2025", "--as", "township_1", stdout=out)
    assert "已核准，金额 50,000.11 元" in out.getvalue()
    assert CadreReward.objects.get().decided_by.username == "township_1" and CadreReward.objects.get().matter == m
    out = io.StringIO()
    call_command("economy", "awards", "--region", YUEXI, "--year", "2025", "--format", "json", stdout=out)
    row = {r["code"]: r for r in json.loads(out.getvalue())}[V1]
    assert (row["cadre_status"], row["decision_id"], row["decision_title"], row["decision_url"]) == ("approved", m.pk, m.title, f"/decisions/{m.pk}/")


def test_sanwu_economy_brief_is_sanwu_brief(hand, tmp_path):
    """`sanwu economy brief` is the one implementation; `sanwu brief` (the README's spelling) prints
    the same text and Word document, refuses the same and writes the same PDF."""
    for args in (
        ("--region", YUEXI, "--year", "2025"), ("--region", YUEXI, "--year", "2025", "--base-year", "2024", "--format", "html"),
        ("--region", TOWN1, "--year", "2025", "--as", "township_1"),
    ):
        new, old = io.StringIO(), io.StringIO()
        call_command("economy", "brief", *args, stdout=new)
        call_command("brief", *args, stdout=old)
        assert new.getvalue() == old.getvalue() and new.getvalue(), args
    assert new.getvalue().startswith("主簿镇2025年村级集体经济发展情况\n")  # the township's own brief
    for cmd in (("economy", "brief"), ("brief",)):
        with pytest.raises(CommandError, match="不存在，或不在管辖范围内"):
            call_command(*cmd, "--region", YUEXI, "--year", "2025", "--as", "township_2", stdout=io.StringIO())
    pdf = tmp_path / "b.pdf"
    call_command("economy", "brief", "--region", YUEXI, "--year", "2025", "--format", "pdf", "--output", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
