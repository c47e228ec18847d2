"""Old chart to new (财会〔2023〕20号): a 2004 book moves to the 2023 chart at a year boundary for
the same collective, its closing balances carried into the new book's confirmed opening through
the mapping in the chart data, detail sub-accounts carried under the new parents; refused
before the year is closed, twice, and for anyone but the book's accountant and the county; the
old book stays readable, verifies and takes no more vouchers."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.core.errors import Invalid, Refused
from sanwu.ledger import services
from sanwu.ledger.charts import CHART_2004, CHART_2023, chart_moves
from sanwu.ledger.models import Account, Book, ChartMove, Collective, OpeningBalance, Period
from sanwu.ledger.services import reports
from sanwu.ledger.services.verify import verify_book

from ..conftest import client_for
from .conftest import post_journal
from .journal import parse



OPENING = {
    "101": 500_000, "102": 80_000_000, "11201": 1_200_000, "13101": 300_000, "13102": 2_000_000,
    "151": 150_000_000, "152": -30_000_000, "154": 5_000_000, "20201": -4_000_000, "212": -600_000,
    "301": -185_000_000, "311": -10_000_000, "32202": -9_400_000,
}

JOURNAL_2025 = """
2025-03-05 收到光伏发电收入
  102    1200.00  -        bank
  50101  -        1200.00  pv
2025-04-10 收到承包金
  102    300.00   -        bank
  51101  -        300.00   contracting
2025-05-06 支付办公费
  541    30.00    -
  101    -        30.00    cash
2025-06-01 水面发包款未收
  11201  50.00    -
  51103  -        50.00
2025-07-01 欠某公司维修费
  541    20.00    -
  20201  -        20.00
"""


def _credit_code() -> str:
    import random

    from sanwu.demo.books import credit_code_for

    return credit_code_for(random.Random(1), "340828000000")


@pytest.fixture
def old_book(demo) -> Book:
    """大歇村's book on the 2004 chart from 2025-01-01, with detail sub-accounts under 112, 202,
    501 and 511, a year of vouchers, the year-end closing posted and December confirmed."""
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(demo.county, "OLD" + village, village, "2004", start_date=dt.date(2025, 1, 1), credit_code=_credit_code())
    for parent, code, name, source in [("112", "11201", "张三", ""), ("202", "20201", "岳西县某建筑公司", ""),
                                       ("501", "50101", "光伏发电收入", "pv"), ("511", "51103", "水面发包收入", "contracting")]:
        services.add_sub_account(demo.accountant, b, parent, code, name, source)
    services.set_opening_balances(demo.accountant, b, OPENING)
    services.confirm_opening(demo.accountant, b)
    post_journal(demo.accountant, b, JOURNAL_2025)
    services.close_year(demo.accountant, b, 2025)
    services.close_months(demo.accountant, b, (2025, 1), (2025, 12))
    services.confirm_close(demo.township, b, 2025, 12)
    return b


def _closing_by_code(book, year):
    closing = reports.balances(book, (year, 1), (year, 12))
    return {a.code: closing.get(a.pk, [0, 0, 0, 0])[3] for a in Account.objects.filter(book=book, is_leaf=True)}


def test_every_2004_account_has_a_2023_account():
    moves = chart_moves("2004", "2023")
    assert set(moves) == {a.code for a in CHART_2004}
    assert {m.new for m in moves.values()} <= {a.code for a in CHART_2023}
    # the judgements are said, and marked
    assert moves["511"].sub == "发包及上交收入" and moves["511"].new == "501" and moves["511"].uncertain
    assert moves["212"].new == "211" and moves["212"].uncertain
    assert moves["521"].new == "504" and moves["13102"].new == "132" and moves["13202"].new == "134"


def test_the_move_carries_every_balance_and_sub_account(demo, old_book):
    before = reports.trial_balance(old_book, 2025, 1, 12)
    old_closing = _closing_by_code(old_book, 2025)
    move = services.migrate_chart(demo.accountant, old_book, "2023", "NEW" + old_book.region_id)
    new = move.new_book
    old_book.refresh_from_db()
    assert old_book.successor == new and new.chart == "2023" and new.start_date == dt.date(2026, 1, 1)
    assert new.collective == old_book.collective and new.opening_confirmed
    assert Collective.objects.filter(region=old_book.region, credit_code=old_book.credit_code).count() == 1

    # trial balance: the old book's closing totals are the new book's opening totals
    after = reports.trial_balance(new, 2026, 1, 1)
    assert before["balanced"] and after["balanced"]
    assert (after["totals"]["opening_debit"], after["totals"]["opening_credit"]) == (before["totals"]["closing_debit"], before["totals"]["closing_credit"])

    acc = {a.code: a for a in Account.objects.filter(book=new)}
    opening = {ob.account.code: ob.balance for ob in OpeningBalance.objects.filter(book=new).select_related("account")}
    # each mapped line
    assert opening["101"] == old_closing["101"] and opening["102"] == old_closing["102"]
    assert opening["131"] == 300_000 and opening["132"] == 2_000_000  # 幼畜 → 消耗性, 产役畜 → 生产性生物资产
    assert opening["153"] == 5_000_000 and "154" not in opening and opening["152"] == -30_000_000  # 在建工程 154 → 153
    assert acc["21101"].name == "岳西县某建筑公司" and opening["21101"] == -4_002_000  # 202's detail under 211 应付款
    assert acc["21102"].name == "应付福利费" and opening["21102"] == -600_000  # 应付福利费 → 应付款—应付福利费
    assert acc["11201"].name == "张三" and opening["11201"] == 1_205_000
    # 本年收益 closed into 未分配收益 (1200 + 300 + 50 − 30 − 20 yuan this year)
    assert opening["32202"] == -9_400_000 - 150_000
    assert not any(acc[c].category == "pnl" for c in opening)
    # detail sub-accounts of income accounts move under the mapped parents with their names
    assert acc["50101"].name == "光伏发电收入" and acc["50101"].default_source == "pv" and "operating_income" in acc["50101"].role_set
    contracting = acc["50102"]
    assert contracting.name == "发包及上交收入" and not contracting.is_leaf
    assert acc["5010201"].name == "水面发包收入" and acc["5010201"].default_source == "contracting"
    # a standard sub-account in use keeps a sub-account of its name; one never used makes none
    assert move.account_map["51101"] == "50103" and acc["50103"].name == "承包金"
    assert move.account_map["51102"] == "502" and acc["502"].is_leaf
    assert move.account_map["51103"] == "5010201" and move.account_map["13102"] == "132"
    assert move.account_map["171"] == "141" and acc["141"].is_leaf  # 拨付所属单位资金 unused: no sub-account

    # the report ties, line by line
    report = services.chart_move_report(move)
    assert report["tied"]
    lines = {line["old_code"]: line for line in report["lines"]}
    assert lines["212"]["new_code"] == "21102" and lines["212"]["new_name"] == "应付款—应付福利费" and "待核对" in lines["212"]["note"]
    assert lines["51103"]["new_code"] == "5010201" and "随上级「511 发包及上交收入」" in lines["51103"]["note"]
    assert sum(line["balance"] for line in report["lines"]) == 0

    # both books verify; the old one takes no more vouchers
    assert verify_book(old_book).ok and verify_book(new).ok
    with pytest.raises(Invalid, match="已换用新会计制度"):
        services.save_draft(demo.accountant, old_book, parse("""
2025-12-30 补记
  101  1.00  -
  301  -     1.00
""")[0])
    # the new book takes its first voucher
    post_journal(demo.accountant, new, """
2026-01-05 收到光伏发电收入
  102    100.00  -       bank
  50101  -       100.00  pv
""")
    assert verify_book(new).ok


def test_refused_twice(demo, old_book):
    services.migrate_chart(demo.accountant, old_book, "2023", "NEW1")
    old_book.refresh_from_db()
    with pytest.raises(Invalid, match="已换用新会计制度，由账套「NEW1」接续"):
        services.migrate_chart(demo.accountant, old_book, "2023", "NEW2")
    assert not Book.objects.filter(code="NEW2").exists()


def test_refused_before_the_year_is_closed(demo):
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(demo.county, "Y" + village, village, "2004", start_date=dt.date(2025, 1, 1))
    services.set_opening_balances(demo.accountant, b, {"101": 100_000, "301": -100_000})
    services.confirm_opening(demo.accountant, b)
    post_journal(demo.accountant, b, """
2025-03-05 收到租金
  101  100.00  -       cash
  501  -       100.00  rent
""")
    with pytest.raises(Invalid, match="还没有结账并经乡镇确认的年度"):
        services.migrate_chart(demo.accountant, b, "2023", "NEWY")
    # December confirmed but the income never closed into 本年收益
    Period.objects.create(book=b, year=2025, month=12, status="closed")
    with pytest.raises(Invalid, match=r"2025年尚未完成年终结转：501 经营收入 100.00 元仍有余额"):
        services.migrate_chart(demo.accountant, b, "2023", "NEWY")
    assert not Book.objects.filter(code="NEWY").exists()


def test_refused_with_vouchers_after_the_boundary(demo, old_book):
    Period.objects.filter(book=old_book, year=2025, month=12).update(status="open")  # to post a 2026 voucher before the move
    post_journal(demo.accountant, old_book, """
2026-01-03 收到租金
  101    10.00  -      cash
  50101  -      10.00  rent
""")
    Period.objects.filter(book=old_book, year=2025, month=12).update(status="closed")
    with pytest.raises(Invalid, match="2025年12月31日之后还有 1 张凭证"):
        services.migrate_chart(demo.accountant, old_book, "2023", "NEWZ")


def test_outsiders_are_refused(demo, old_book):
    for user in (demo.other_accountant, demo.secretary, demo.township):
        with pytest.raises(Refused):
            services.migrate_chart(user, old_book, "2023", "NEWX")
    assert not Book.objects.filter(code="NEWX").exists() and Book.objects.get(pk=old_book.pk).successor is None
    # the county may
    move = services.migrate_chart(demo.county, old_book, "2023", "NEWC")
    assert move.made_by == demo.county


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_cli_moves_the_book_and_prints_the_report(demo, old_book, tmp_path):
    with pytest.raises(CommandError, match="不存在或不在您的管辖范围内"):
        run("book", "migrate-chart", old_book.code, "--to", "2023", "--new-code", "CLI1", "--as", demo.other_accountant.username)
    with pytest.raises(CommandError, match="无权换用新会计制度"):
        run("book", "migrate-chart", old_book.code, "--to", "2023", "--new-code", "CLI1", "--as", demo.secretary.username)
    assert not Book.objects.filter(code="CLI1").exists()
    xlsx = tmp_path / "对照表.xlsx"
    out = run("book", "migrate-chart", old_book.code, "--to", "2023", "--new-code", "CLI1", "--as", demo.accountant.username, "--output", str(xlsx))
    assert "新账套 CLI1，启用日期 2026-01-01" in out and "与原账相符" in out
    sheet = load_workbook(xlsx).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:5] == ["原科目编码", "原科目名称", "方向", "原账期末余额", "新科目编码"]
    assert ["212", "应付福利费", "贷"] == rows[[r[0] for r in rows].index("212")][:3]
    assert rows[-2][1] == "借方合计" and rows[-2][3] == rows[-2][7] and rows[-2][8] == "相符"
    with pytest.raises(CommandError, match="已换用新会计制度"):
        run("book", "migrate-chart", old_book.code, "--to", "2023", "--new-code", "CLI2")
    assert "ok" in run("book", "verify", old_book.code) and "ok" in run("book", "verify", "CLI1")


def test_cli_writes_the_report_as_pdf(demo, old_book, tmp_path):
    pdf = tmp_path / "对照表.pdf"
    run("book", "migrate-chart", old_book.code, "--to", "2023", "--new-code", "PDF1", "--output", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")


def test_page_moves_the_book_for_its_accountant_only(demo, old_book):
    url = reverse("ledger:chart_move", args=[old_book.code])
    assert client_for(demo.other_accountant).get(url).status_code == 404
    assert client_for(demo.township).post(url, {"new_code": "WEB1"}).status_code == 403
    assert Client().get(url).status_code == 302  # a villager (anonymous) goes to the login page
    assert client_for(demo.secretary).post(url, {"new_code": "WEB1"}).status_code == 403
    assert not Book.objects.filter(code="WEB1").exists()
    page = client_for(demo.accountant).get(url)
    assert page.status_code == 200 and "2026年1月1日" in page.content.decode()
    resp = client_for(demo.accountant).post(url, {"new_code": "WEB1"})
    assert resp.status_code == 302 and ChartMove.objects.get(old_book=old_book).new_book.code == "WEB1"
    page = client_for(demo.township).get(url)  # the township reads the report
    assert page.status_code == 200 and "相符" in page.content.decode()
    xlsx = client_for(demo.accountant).get(url + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client_for(demo.accountant).get(url + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # the new book's page shows the same report
    assert client_for(demo.accountant).get(reverse("ledger:chart_move", args=["WEB1"])).status_code == 200


def test_create_book_reuses_the_collective(demo):
    village = demo.accountant.role_assignments.get().region_id
    a = services.create_book(demo.county, "C1", village, "2004", credit_code=_credit_code())
    b = services.create_book(demo.county, "C2", village, "2023", credit_code=_credit_code())
    c = services.create_book(demo.county, "C3", village, "2023")
    d = services.create_book(demo.county, "C4", village, "2023", collective=c.collective)
    assert a.collective == b.collective != c.collective and d.collective == c.collective
    assert d.name == c.collective.name
    other = demo.other_accountant.role_assignments.get().region_id
    with pytest.raises(Invalid, match="不属于该村"):
        services.create_book(demo.county, "C5", other, "2023", collective=c.collective)


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def test_the_migration_makes_one_collective_per_existing_book(demo_live):
    village = demo_live.accountant.role_assignments.get().region_id
    a = services.create_book(None, "M1", village, "2004", name="甲股份经济合作社", credit_code=_credit_code())
    b = services.create_book(None, "M2", village, "2023", name="乙经济合作社")
    graph = MigrationExecutor(connection).loader.graph
    latest = graph.leaf_nodes()  # every app: those built on the ledger (budgets) were taken back with it
    _migrate([d for d in graph.nodes[("ledger", "0010_collective_and_chart_move")].dependencies if d[0] == "ledger"])
    _migrate(latest)
    a, b = Book.objects.get(pk=a.pk), Book.objects.get(pk=b.pk)
    assert (a.collective.name, a.collective.credit_code, a.collective.region_id) == ("甲股份经济合作社", a.credit_code, village)
    assert (b.collective.name, b.collective.credit_code) == ("乙经济合作社", "") and a.collective != b.collective
    assert Collective.objects.count() == Book.objects.count() == 2


def test_a_succeeded_book_has_no_months_left_to_close(demo, old_book):
    from sanwu.oversight import services as oversight
    from sanwu.oversight.models import Warning

    move = services.migrate_chart(demo.accountant, old_book, "2023", "NEWW")
    oversight.run_daily(None)
    late = Warning.objects.filter(rule="month_not_closed")
    assert not late.filter(book=old_book).exists()  # its 2026 months belong to the new book
    assert late.filter(book=move.new_book).exists()
    assert old_book.code not in {b["book"] for b in oversight.overdue_closings(demo.county, old_book.region_id)}
