"""The annual 农经统计 forms (issue 12 item 6): every figure is the sum of the village statements
that tie, a village that does not tie is listed apart and summed nowhere, each figure opens to its
villages, the Excel has the form's rows, the JSON its shape, and the outsiders see nothing."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.core.errors import Invalid
from sanwu.economy.management.commands import economy as cli
from sanwu.economy.models import KeptBookForms
from sanwu.ledger import services as ledger
from tests.ledger.journal import parse
from sanwu.economy.services import statistics as S
from sanwu.ledger.charts import STATISTICS_FORMS
from sanwu.ledger.models import Account, Book, OpeningBalance
from sanwu.ledger.services import reports
from sanwu.regions.models import Region, RoleAssignment

from .conftest import CITY, T1, TOWN1, V1, V2, YUEXI

YEAR = 2025


def yuexi():
    return Region.objects.get(code=YUEXI)


def statement_sums(region_code: str) -> dict[str, int]:
    """The villages' own statements, summed by hand: the figures the forms must show."""
    out = {"货币资金": 0, "资产总计": 0, "未分配收益": 0, "经营收入": 0, "年末未分配收益": 0, "经营收益": 0}
    for book in Book.objects.filter(region__code__startswith=region_code[:6]):
        bs = reports.balance_sheet(book, YEAR, 12)
        st = reports.income_statement(book, YEAR, 12)
        lines = {r["label"]: r["closing"] for r in bs["assets"] + bs["liabilities"]}
        out["货币资金"] += lines["货币资金"]
        out["资产总计"] += lines["资产总计"]
        out["未分配收益"] += lines["未分配收益"]
        out["经营收入"] += st["by_label"]["经营收入"]
        out["年末未分配收益"] += st["by_label"]["年末未分配收益"]
        out["经营收益"] += st["by_label"]["经营收益"]
    return out


def value(stats, form, code):
    return next(r.value for r in stats.form(form).rows if r.code == code)


def test_the_forms_are_the_sum_of_the_village_statements(hand):
    stats = S.statistics(hand.demo.county, yuexi(), YEAR)
    assert [v.code for v in stats.villages] == sorted(b.region_id for b in hand.books.values() if b.region_id.startswith("340828"))
    assert stats.not_tied == []
    want = statement_sums(YUEXI)
    assert value(stats, "balance_sheet", "2") == want["货币资金"]
    assert value(stats, "balance_sheet", "18") == want["资产总计"] == value(stats, "balance_sheet", "33")
    assert value(stats, "balance_sheet", "32") == want["未分配收益"]
    assert value(stats, "income_distribution", "1") == want["经营收入"]
    assert value(stats, "income_distribution", "7") == want["经营收益"]
    assert value(stats, "income_distribution", "21") == want["年末未分配收益"] == want["未分配收益"]
    assert value(stats, "income_distribution", "22") == 6  # villages summed
    # the counts partition as the form's balance relations say: 22 = 23 + 24, 25 = 26 + 27 + 28
    assert value(stats, "income_distribution", "23") + value(stats, "income_distribution", "24") == 6
    assert value(stats, "income_distribution", "25") == sum(value(stats, "income_distribution", c) for c in ("26", "27", "28"))


def test_the_city_takes_in_the_2023_book_and_the_township_its_villages(hand):
    city = S.statistics(None, Region.objects.get(code=CITY), YEAR)
    assert T1 in [v.code for v in city.villages]  # Taihu's book on the 2023 chart, mapped by its own lines
    assert value(city, "income_distribution", "1") == statement_sums(YUEXI)["经营收入"] + 20_000_000
    town = S.statistics(hand.demo.township, Region.objects.get(code=TOWN1), YEAR)
    assert {v.code for v in town.villages} == {"340828100200", "340828100201", "340828100202"}
    with pytest.raises(Invalid, match="按乡镇、县或市汇总"):
        S.statistics(None, Region.objects.get(code=V1), YEAR)


def test_a_village_that_does_not_tie_is_listed_apart_and_not_summed(hand):
    before = S.statistics(None, yuexi(), YEAR)
    book = hand.books[V2]
    # An account with a balance that no line of the balance sheet takes in.
    odd = Account.objects.create(book=book, code="199", name="待查资产", category="asset", side="debit", roles="", standard=False)
    OpeningBalance.objects.create(book=book, account=odd, balance=123_456)
    stats = S.statistics(None, yuexi(), YEAR)  # the book changed: its figures are read again
    assert [v.code for v in stats.not_tied] == [V2]
    apart = stats.not_tied[0]
    assert any("科目199 待查资产有余额" in p for p in apart.problems)
    assert V2 not in [v.code for v in stats.villages]
    v2_cash = reports.balance_sheet(book, YEAR, 12)["assets"][0]["closing"]
    assert value(stats, "balance_sheet", "2") == value(before, "balance_sheet", "2") - v2_cash
    assert value(stats, "income_distribution", "22") == 5
    # the page lists it apart, with its reason
    html = _client(hand.demo.county).get(reverse("economy:statistics"), {"region": YUEXI, "year": YEAR}).content.decode()
    assert "报表不平、未汇入的村" in html and "待查资产" in html
    data = _run(format="json")
    assert [v["code"] for v in data["not_tied"]] == [V2] and data["villages"] == 5


def test_kept_figures_follow_the_books(hand):
    first = S.statistics(None, yuexi(), YEAR)
    assert KeptBookForms.objects.filter(year=YEAR).count() == 6
    ledger.post_drafts(None, hand.books[V1], parse("""
2025-12-20 出租仓库
  102    1000.00    -          bank
  501    -          1000.00    rent
"""))
    again = S.statistics(None, yuexi(), YEAR)  # V1's book was posted to: read again, the others kept
    assert value(again, "income_distribution", "1") == value(first, "income_distribution", "1") + 100_000
    assert value(again, "balance_sheet", "2") == value(first, "balance_sheet", "2") + 100_000
    assert value(again, "income_distribution", "1") == statement_sums(YUEXI)["经营收入"]


def test_the_book_year_checks_the_ties(hand):
    by = S.book_year(hand.books[V1], YEAR)
    assert by.problems == []
    assert by.values["income_distribution"]["21"] == reports.income_statement(hand.books[V1], YEAR)["by_label"]["年末未分配收益"]
    assert S.plain_label("减：经营支出") == "经营支出" and S.plain_label("（1）固定资产原价") == "固定资产原价" and S.plain_label("加：年初未分配收益") == "年初未分配收益"


def _client(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_the_page_and_the_drill_down_show_the_villages(hand):
    c = _client(hand.demo.county)
    resp = c.get(reverse("economy:statistics"), {"region": YUEXI, "year": YEAR})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "村集体经济组织收益分配统计表" in html and "村集体经济组织资产负债情况统计表" in html and "农市(经)年综7表" in html
    cell_url = reverse("economy:statistics_cell", args=["balance_sheet", "2"])
    assert cell_url in html
    resp = c.get(cell_url, {"region": YUEXI, "year": YEAR})
    assert resp.status_code == 200
    cell = resp.context["c"]
    assert sum(x for _, x in cell.villages) == cell.row.value
    names = [Region.objects.get(code=v.code).name for v, _ in cell.villages]
    assert len(names) == 6 and all(n in resp.content.decode() for n in names)
    assert [ch[1] for ch in cell.children] == ["主簿镇", "五河镇"]  # by township
    assert sum(ch[3] for ch in cell.children) == cell.row.value
    # a count opens to the villages counted
    resp = c.get(reverse("economy:statistics_cell", args=["income_distribution", "22"]), {"region": YUEXI, "year": YEAR})
    assert len(resp.context["c"].villages) == 6
    # the drill-down's Excel has the villages and the total
    rows = _xlsx(c.get(cell_url, {"region": YUEXI, "year": YEAR, "format": "xlsx"}))
    assert rows[0][0] == "村代码" and rows[-1][1] == "合计" and len(rows) == 8
    assert c.get(reverse("economy:statistics_cell", args=["balance_sheet", "99"]), {"region": YUEXI, "year": YEAR}).status_code == 404
    # a village is no level the forms are filed at: the page says so
    resp = c.get(reverse("economy:statistics"), {"region": V1, "year": YEAR})
    assert resp.status_code == 200 and "请在上方选择乡镇、县或市" in resp.content.decode()
    assert c.get(reverse("economy:statistics_cell", args=["balance_sheet", "2"]), {"region": V1, "year": YEAR}).status_code == 302


def _xlsx(resp):
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))


def test_the_excel_has_the_official_rows(hand):
    c = _client(hand.demo.county)
    for key, spec in STATISTICS_FORMS.items():
        rows = _xlsx(c.get(reverse("economy:statistics"), {"region": YUEXI, "year": YEAR, "form": key, "format": "xlsx"}))
        assert rows[0][:3] == ("指标名称", "代码", "计量单位")
        by_code = {r[1]: r for r in rows[1:] if r[1]}
        assert [r[1] for r in rows[1:] if r[1]] == [row[0] for row in spec["rows"]]
        assert all(by_code[code][0] == name for code, name, *_ in spec["rows"])
        assert any(r[0] == f"表号：{spec['form_no']}" + ("" if spec["form_no_verified"] else "（推定，未与原表核对）") for r in rows)
    stats = S.statistics(hand.demo.county, yuexi(), YEAR)
    rows = _xlsx(c.get(reverse("economy:statistics"), {"region": YUEXI, "year": YEAR, "form": "balance_sheet", "format": "xlsx"}))
    cash = next(r for r in rows if r[1] == "2")
    assert round(cash[3] * 100) == value(stats, "balance_sheet", "2")  # yuan to the fen


def _run(**opts):
    out = io.StringIO()
    cli.run_statistics({"region": YUEXI, "year": YEAR, "format": "json", "output": None, "as_user": None, **opts}, out)
    return json.loads(out.getvalue()) if opts.get("format", "json") == "json" and not opts.get("output") else out.getvalue()


def test_the_cli_json_shape_and_xlsx(hand, tmp_path):
    data = _run()
    assert data["region"] == {"code": YUEXI, "name": "岳西县", "level": "county"} and data["year"] == YEAR and data["villages"] == 6
    assert [f["key"] for f in data["forms"]] == ["income_distribution", "balance_sheet"]
    row = data["forms"][1]["rows"][1]
    assert set(row) == {"code", "name", "unit", "verified", "amount_fen", "villages"} and row["code"] == "2" and isinstance(row["amount_fen"], int)
    assert data["forms"][0]["rows"][20]["code"] == "22" and data["forms"][0]["rows"][20]["count"] == 6
    assert data["not_tied"] == []
    path = tmp_path / "s.xlsx"
    _run(format="xlsx", output=str(path))
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    titles = [r[0] for r in rows if r[0] and r[0].startswith("村集体经济组织")]
    assert titles == ["村集体经济组织收益分配统计表（岳西县 2025年）", "村集体经济组织资产负债情况统计表（岳西县 2025年）"]
    from sanwu.ledger import hooks

    assert "statistics" in [r.name for r in hooks.registered_reports()]


def test_the_outsiders(hand):
    # a village's accountant and another county's supervisor do not see Yuexi's forms
    other = get_user_model().objects.create_user("county_taihu", password="x")
    RoleAssignment.objects.create(user=other, role="county_supervisor", region=Region.objects.get(code="340825000000"))
    for user in (hand.demo.accountant, other):
        c = _client(user)
        assert c.get(reverse("economy:statistics"), {"region": YUEXI, "year": YEAR}).status_code == 404
        assert c.get(reverse("economy:statistics_cell", args=["balance_sheet", "2"]), {"region": YUEXI, "year": YEAR}).status_code == 404
        with pytest.raises(CommandError, match="不在管辖范围内"):
            _run(as_user=user.username)
    # another township's supervisor sees its own township, not this one's villages
    assert _client(hand.demo.other_township).get(reverse("economy:statistics"), {"region": TOWN1, "year": YEAR}).status_code == 404
    from django.test import Client

    assert Client().get(reverse("economy:statistics"), {"region": YUEXI}).status_code == 302  # to the login page


def test_form_values_from_statement_lines():
    # the distribution's total from the statement's line, or from its detail when it prints only that
    lines = {"经营收入": 100, "经营支出": 30, "管理费用": 10, "补助收入": 5, "年初未分配收益": 7, "各项分配": 12, "农户分配": 12}
    v = S.form_values("income_distribution", "2004", lines)
    assert (v["7"], v["11"], v["14"], v["15"], v["19"], v["16"], v["21"]) == (60, 65, 72, 12, 12, None, 60)
    del lines["各项分配"]
    assert S.form_values("income_distribution", "2004", lines)["15"] == 12
    # the statement's distribution lines as the year-end work prints them (no total line)
    v = S.form_values("income_distribution", "2023", {"净收益": 50, "提取公积公益金": 5, "向成员分配": 20, "其他": 1})
    assert (v["15"], v["16"], v["19"], v["20"], v["17"]) == (26, 5, 20, 1, None)
    # a 2023 book: 税金及附加 goes with 经营支出, 公益支出 and 所得税费用 with 其他支出
    v = S.form_values("income_distribution", "2023", {"经营收入": 100, "税金及附加": 3, "公益支出": 4, "所得税费用": 1})
    assert (v["4"], v["7"], v["10"], v["11"]) == (3, 97, 5, 92)
