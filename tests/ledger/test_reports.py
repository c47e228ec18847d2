"""The book reports, checked to the fen against books written by hand.

Book R-2023 (2023 chart), opened 2025-01-01 with opening balances (yuan):
    101 库存现金 2,000  10201 农商行 50,000  10202 邮储银行 10,000
    11301 内部往来-张三 3,000 Dr  11302 内部往来-李四 1,000 Cr
    151 固定资产 100,000  152 累计折旧 20,000 Cr  211 应付款 5,000 Cr
    301 资本 131,000 Cr  32202 未分配收益 8,000 Cr
then the 2025 vouchers in JOURNAL_2023, a red-ink reversal of the wrong tax (300 → 350), the
year-end close, and one voucher in January 2026. Every figure asserted below is worked out in
the comments beside it.
"""

import datetime as dt
import io
import json
import re

import pytest
from openpyxl import load_workbook

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.core.pdf import render_pdf
from sanwu.ledger import services
from sanwu.ledger.services import reconcile, reports
from sanwu.ledger.models import Voucher

from .conftest import post_journal
from .journal import parse

Y = 100  # fen per yuan

JOURNAL_2023 = """
2025-01-10 收到光伏发电收入
  10201  12000.00  -
  50101  -         12000.00
2025-01-10 收到门面租金
  101    3000.00   -         cash
  50102  -         3000.00
2025-01-20 支付办公费
  513    800.00    -
  101    -         800.00    cash
2025-02-05 收到村级运转补助
  10202  20000.00  -         bank
  503    -         20000.00  subsidy
2025-02-05 现金存入银行
  10201  1000.00   -
  101    -         1000.00
2025-02-18 张三还款
  101    2000.00   -
  11301  -         2000.00
2025-03-03 收到合作社分红
  10201  5000.00   -
  502    -         5000.00   investment
2025-03-15 支付经营支出
  511    4000.00   -
  10201  -         4000.00
2025-03-20 缴纳税金及附加
  512    300.00    -
  10201  -         300.00
2025-04-08 修缮村道（公益）
  514    6000.00   -
  10202  -         6000.00
2025-04-09 银行存款利息
  10202  50.00     -
  504    -         50.00
2025-04-10 其他支出
  515    200.00    -
  101    -         200.00
2025-06-30 计提所得税
  521    100.00    -
  214    -         100.00
2025-07-01 分配到户
  3220102  4000.00   -
  11302  -         4000.00
"""

REVERSAL = """
2025-05-06 冲销3月税金（金额有误）
  512    -300.00   -
  10201  -         -300.00
2025-05-06 补记3月税金
  512    350.00    -
  10201  -         350.00
"""

JANUARY_2026 = """
2026-01-05 收到光伏发电收入
  10201  1500.00   -
  50101  -         1500.00
"""


@pytest.fixture
def books(demo):
    """R-2023 as described above; returns (book, vouchers by summary)."""
    return build_books(demo)


def build_books(demo):
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(demo.county, "R-2023", village, "2023", start_date=dt.date(2025, 1, 1))
    for parent, code, name, source in [
        ("102", "10201", "农商行", ""), ("102", "10202", "邮储银行", ""),
        ("113", "11301", "张三", ""), ("113", "11302", "李四", ""),
        ("501", "50101", "光伏发电收入", "pv"), ("501", "50102", "租赁收入", "rent"),
    ]:
        services.add_sub_account(demo.accountant, b, parent, code, name, default_source=source)
    services.set_opening_balances(demo.accountant, b, {
        "101": 2000 * Y, "10201": 50000 * Y, "10202": 10000 * Y, "11301": 3000 * Y, "11302": -1000 * Y,
        "151": 100000 * Y, "152": -20000 * Y, "211": -5000 * Y, "301": -131000 * Y, "32202": -8000 * Y,
    })
    services.confirm_opening(demo.accountant, b)
    posted = post_journal(demo.accountant, b, JOURNAL_2023)
    by_summary = {v.summary: v for v in posted}
    wrong_tax = by_summary["缴纳税金及附加"]
    drafts = parse(REVERSAL)
    drafts[0].reverses_id = wrong_tax.pk
    for v in services.post_drafts(demo.accountant, b, drafts):
        by_summary[v.summary] = v
    closing = services.close_year(demo.accountant, b, 2025)
    by_summary.update({v.summary: v for v in closing})
    post_journal(demo.accountant, b, JANUARY_2026)
    return b, by_summary


def _row(rows, code):
    return next(r for r in rows if r["code"] == code)


# --- 科目余额表 ----------------------------------------------------------------------------------


def test_trial_balance_of_the_year_with_sub_accounts_and_closing(books):
    book, _ = books
    tb = reports.trial_balance(book, 2025, 1, 12)
    assert tb["balanced"]
    bank = _row(tb["rows"], "102")
    # debits 12,000 + 20,000 + 1,000 + 5,000 + 50; credits 4,000 + 300 − 300 (red ink) + 350 + 6,000
    assert (bank["opening_debit"], bank["debit"], bank["credit"], bank["closing_debit"]) == (6000000, 3805000, 1035000, 8770000)
    assert _row(tb["rows"], "10201")["closing_debit"] == 6365000  # 50,000 + 12,000 + 1,000 + 5,000 − 4,000 − 350
    assert _row(tb["rows"], "10202")["closing_debit"] == 2405000  # 10,000 + 20,000 − 6,000 + 50
    # 内部往来 nets to a credit of 4,000 at the parent; its households keep their own sides
    internal = _row(tb["rows"], "113")
    assert (internal["opening_debit"], internal["credit"], internal["closing_credit"]) == (200000, 600000, 400000)
    assert _row(tb["rows"], "11301")["closing_debit"] == 100000
    assert _row(tb["rows"], "11302")["closing_credit"] == 500000
    assert _row(tb["rows"], "10201")["level"] == 2 and _row(tb["rows"], "102")["level"] == 1
    # vouchers 58,500 of debits + closing 40,050 (income zeroed) + 28,600 (本年收益 → 未分配收益)
    # + 4,000 (各项分配 → 未分配收益)
    assert tb["totals"] == {
        "opening_debit": 16400000, "opening_credit": 16400000, "debit": 13115000, "credit": 13115000,
        "closing_debit": 19270000, "closing_credit": 19270000,
    }
    for code in ("50101", "50102", "502", "503", "504", "511", "512", "513", "514", "515", "521", "321"):
        r = _row(tb["rows"], code)
        assert r["closing_debit"] == r["closing_credit"] == 0
    assert _row(tb["rows"], "32202")["closing_credit"] == 3260000  # 8,000 + 28,600 − 4,000 distributed
    assert _row(tb["rows"], "32201")["closing_debit"] == 0


def test_trial_balance_of_a_month_range(books):
    book, _ = books
    tb = reports.trial_balance(book, 2025, 2, 3)
    cash = _row(tb["rows"], "101")
    # opening at 1 Feb: 2,000 + 3,000 − 800; Feb: +2,000 −1,000
    assert (cash["opening_debit"], cash["debit"], cash["credit"], cash["closing_debit"]) == (420000, 200000, 100000, 520000)
    assert tb["balanced"] and tb["totals"]["debit"] == 3230000  # 20,000 + 1,000 + 2,000 + 5,000 + 4,000 + 300


# --- 总账 -----------------------------------------------------------------------------------------


def test_general_ledger_by_month(books):
    book, _ = books
    gl = reports.general_ledger(book, 2025)
    bank = next(a for a in gl["accounts"] if a["code"] == "102")
    assert bank["opening"] == 6000000
    assert [(m["month"], m["debit"], m["credit"], m["balance"]) for m in bank["months"]] == [
        (1, 1200000, 0, 7200000),
        (2, 2100000, 0, 9300000),
        (3, 500000, 430000, 9370000),
        (4, 5000, 600000, 8775000),
        (5, 0, 5000, 8770000),  # −300 (red ink) + 350
    ]
    assert (bank["debit"], bank["credit"], bank["closing"]) == (3805000, 1035000, 8770000)
    income = next(a for a in gl["accounts"] if a["code"] == "501")
    assert [(m["month"], m["debit"], m["credit"], m["balance"]) for m in income["months"]] == [(1, 0, 1500000, -1500000), (12, 1500000, 0, 0)]
    assert reports.direction(income["closing"]) == ("平", 0)
    assert {a["code"] for a in gl["accounts"]} >= {"101", "102", "113", "151", "152", "211", "214", "301", "321", "322"}
    assert not any(a["code"] in ("111", "121") for a in gl["accounts"])  # neither balance nor activity
    # one chosen sub-account
    one = reports.general_ledger(book, 2025, account_code="11302")
    (li,) = one["accounts"]
    assert li["opening"] == -100000 and li["months"] == [{"month": 7, "debit": 0, "credit": 400000, "balance": -500000}]
    assert reports.direction(li["closing"]) == ("贷", 500000)
    # the next year opens at the closing balance
    nxt = reports.general_ledger(book, 2026, 1, "102")
    assert nxt["accounts"][0]["opening"] == 8770000 and nxt["accounts"][0]["closing"] == 8920000


# --- 明细账 and 日记账 ------------------------------------------------------------------------------


def test_account_ledger_of_a_parent_includes_its_sub_accounts(books):
    book, _ = books
    led = reports.account_ledger(book, "102", dt.date(2025, 2, 1), dt.date(2025, 3, 31))
    assert led["opening"] == 7200000  # 60,000 + January's 12,000
    assert [(r["date"].isoformat(), r["voucher"], r["account_code"], r["debit"], r["credit"], r["balance"]) for r in led["rows"]] == [
        ("2025-02-05", "2025-02 记-0001", "10202", 2000000, 0, 9200000),
        ("2025-02-05", "2025-02 记-0002", "10201", 100000, 0, 9300000),
        ("2025-03-03", "2025-03 记-0001", "10201", 500000, 0, 9800000),
        ("2025-03-15", "2025-03 记-0002", "10201", 0, 400000, 9400000),
        ("2025-03-20", "2025-03 记-0003", "10201", 0, 30000, 9370000),
    ]
    assert (led["debit"], led["credit"], led["closing"]) == (2600000, 430000, 9370000)
    assert led["rows"][0]["summary"] == "收到村级运转补助"


def test_account_ledger_opening_mid_month_and_red_ink(books):
    book, _ = books
    led = reports.account_ledger(book, "10201", dt.date(2025, 3, 10), dt.date(2025, 5, 31))
    assert led["opening"] == 6800000  # 50,000 + 12,000 + 1,000 + 5,000 (3 March, before the 10th)
    assert [(r["debit"], r["credit"], r["balance"]) for r in led["rows"]] == [
        (0, 400000, 6400000), (0, 30000, 6370000), (0, -30000, 6400000), (0, 35000, 6365000),
    ]
    assert led["rows"][2]["summary"].startswith("冲销")
    assert (led["debit"], led["credit"], led["closing"]) == (0, 435000, 6365000)
    with pytest.raises(Invalid, match="不存在"):
        reports.account_ledger(book, "999", dt.date(2025, 1, 1), dt.date(2025, 1, 31))


def test_cash_and_bank_journals_by_day(books):
    book, _ = books
    cash = reports.journal(book, "cash", dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert [a.code for a in cash["accounts"]] == ["101"]
    assert cash["opening"] == 200000
    assert [(d["date"].day, d["debit"], d["credit"], d["balance"], len(d["rows"])) for d in cash["days"]] == [(10, 300000, 0, 500000, 1), (20, 0, 80000, 420000, 1)]
    assert (cash["debit"], cash["credit"], cash["closing"]) == (300000, 80000, 420000)
    bank = reports.journal(book, "bank", dt.date(2025, 2, 1), dt.date(2025, 3, 31))
    assert [a.code for a in bank["accounts"]] == ["10201", "10202"]  # found by role, both banks
    assert bank["opening"] == 7200000
    assert [(d["date"].isoformat(), d["debit"], d["credit"], d["balance"]) for d in bank["days"]] == [
        ("2025-02-05", 2100000, 0, 9300000), ("2025-03-03", 500000, 0, 9800000),
        ("2025-03-15", 0, 400000, 9400000), ("2025-03-20", 0, 30000, 9370000),
    ]
    one = reports.journal(book, "bank", dt.date(2025, 2, 1), dt.date(2025, 3, 31), "10202")
    assert one["opening"] == 1000000 and one["closing"] == 3000000 and one["count"] == 1
    with pytest.raises(Invalid, match="不是"):
        reports.journal(book, "bank", dt.date(2025, 2, 1), dt.date(2025, 3, 31), "101")


# --- 收支明细表 -------------------------------------------------------------------------------------


def test_income_and_expense_detail_with_sources(books):
    book, _ = books
    d = reports.income_expense_detail(book, 2025, 2, 3)
    period = {r["code"]: r["period"] for r in d["income"] + d["expense"]}
    ytd = {r["code"]: r["ytd"] for r in d["income"] + d["expense"]}
    assert period == {"501": 0, "50101": 0, "50102": 0, "502": 500000, "503": 2000000, "504": 0,
                      "511": 400000, "512": 30000, "513": 0, "514": 0, "515": 0, "521": 0}
    assert ytd["501"] == 1500000 and ytd["50101"] == 1200000 and ytd["513"] == 80000
    assert d["income_total"] == {"period": 2500000, "ytd": 4000000}
    assert d["expense_total"] == {"period": 430000, "ytd": 510000}
    assert d["net"] == {"period": 2070000, "ytd": 3490000}
    src = {s["label"]: (s["period"], s["ytd"]) for s in d["sources"]}
    assert src["光伏"] == (0, 1200000) and src["租赁"] == (0, 300000)
    assert src["补助"] == (2000000, 2000000) and src["投资"] == (500000, 500000) and src["未标注来源"] == (0, 0)


def test_income_and_expense_detail_leaves_out_the_year_end_closing(books):
    book, _ = books
    dec = reports.income_expense_detail(book, 2025, 12, 12)
    assert dec["income_total"] == {"period": 0, "ytd": 4005000}  # 15,000 + 5,000 + 20,000 + 50
    assert dec["expense_total"] == {"period": 0, "ytd": 1145000}  # 4,000 + 350 + 800 + 6,000 + 200 + 100
    assert dec["net"]["ytd"] == 2860000
    src = {s["label"]: s["ytd"] for s in dec["sources"]}
    # the closing debit on 50101 carries its default source pv; it is not income lost
    assert src["光伏"] == 1200000 and src["租赁"] == 300000 and src["未标注来源"] == 5000  # the untagged interest


# --- 资产负债表 -------------------------------------------------------------------------------------


def _sheet(bs):
    return {r["label"]: (r["opening"], r["closing"]) for r in bs["assets"] + bs["liabilities"]}


def test_balance_sheet_2023_at_year_end(books):
    book, _ = books
    bs = reports.balance_sheet(book, 2025, 12)
    s = _sheet(bs)
    assert s["货币资金"] == (6200000, 9270000)  # 2,000 + 60,000 → 5,000 + 87,700
    assert s["应收款项"] == (300000, 100000)  # 张三's debit balance only
    assert s["流动资产合计"] == (6500000, 9370000)
    assert s["固定资产原值"] == (10000000, 10000000) and s["减：累计折旧"] == (2000000, 2000000) and s["固定资产净值"] == (8000000, 8000000)
    assert s["非流动资产合计"] == (8000000, 8000000)
    assert s["资产总计"] == (14500000, 17370000)
    assert s["应付款项"] == (600000, 1000000)  # 5,000 + 李四's credit 1,000 → 5,000
    assert s["应交税费"] == (0, 10000)
    assert s["负债合计"] == (600000, 1010000)
    assert s["资本"] == (13100000, 13100000)
    assert s["未分配收益"] == (800000, 3260000)  # 8,000 + 28,600 − 4,000 distributed
    assert s["所有者权益合计"] == (13900000, 16360000)
    assert s["负债和所有者权益总计"] == (14500000, 17370000)
    assert bs["balanced"] and bs["uncovered"] == [] and not bs["verified"]
    assert [r["row"] for r in bs["assets"]][-1] == 23 and bs["total_assets"]["label"] == "资产总计"


def test_balance_sheet_balances_before_the_year_end_close(books):
    book, _ = books
    s = _sheet(reports.balance_sheet(book, 2025, 6))
    # unclosed income and expense (net 28,600) sit in 未分配收益; 李四 is still 1,000 Cr
    assert s["未分配收益"][1] == 3660000 and s["应付款项"][1] == 600000
    assert s["资产总计"][1] == s["负债和所有者权益总计"][1] == 17370000
    nxt = _sheet(reports.balance_sheet(book, 2026, 1))
    assert nxt["资产总计"] == (17370000, 17520000)  # 年初数 is last year's end
    assert nxt["未分配收益"] == (3260000, 3410000)


# --- 收益及收益分配表 --------------------------------------------------------------------------------


def test_income_statement_2023_matches_the_formulas(books):
    book, _ = books
    st = reports.income_statement(book, 2025)
    v = st["by_label"]
    assert v["经营收入"] == 1500000 and v["加：投资收益"] == 500000 and v["减：经营支出"] == 400000
    assert v["税金及附加"] == 35000 and v["管理费用"] == 80000
    # domain.md 1.4 (2023): 经营收益 = 经营收入 + 投资收益 − 经营支出 − 税金及附加 − 管理费用
    assert v["经营收益"] == 1500000 + 500000 - 400000 - 35000 - 80000 == 1485000
    # 收益总额 = 经营收益 + 补助收入 + 其他收入 − 公益支出 − 其他支出; 净收益 = 收益总额 − 所得税费用
    assert v["收益总额"] == 1485000 + 2000000 + 5000 - 600000 - 20000 == 2870000
    assert v["净收益"] == 2870000 - 10000 == 2860000
    assert v["加：年初未分配收益"] == 800000 and v["可分配收益"] == 3660000
    assert v["向成员分配"] == 400000 and v["年末未分配收益"] == 3260000
    # the statement agrees with the balance sheet
    assert v["年末未分配收益"] == _sheet(reports.balance_sheet(book, 2025, 12))["未分配收益"][1]
    assert not st["has_prior"] and st["note"]
    # one line alone (what the distribution reads) is the statement's line, for every line
    assert {label: reports.income_statement_line(book, 2025, label) for label in v} == v


def test_income_statement_year_to_date_and_prior_year(books):
    book, _ = books
    st = reports.income_statement(book, 2026, 1)
    v = st["by_label"]
    assert v["经营收入"] == v["经营收益"] == v["净收益"] == 150000
    assert v["加：年初未分配收益"] == 3260000 and v["年末未分配收益"] == 3410000
    assert v["年末未分配收益"] == _sheet(reports.balance_sheet(book, 2026, 1))["未分配收益"][1]
    prior = {r["label"]: r["prior"] for r in st["rows"]}
    assert st["has_prior"] and prior["经营收入"] == 1500000 and prior["管理费用"] == 80000 and prior["经营收益"] == 1420000
    assert prior["加：年初未分配收益"] == 800000 and prior["年末未分配收益"] == 2220000


JOURNAL_2004 = """
2025-03-01 销售农产品
  102    6000.00   -
  501    -         6000.00
2025-03-02 收到承包金
  102    2000.00   -
  51101  -         2000.00   contracting
2025-03-03 村办企业上交利润
  102    1000.00   -
  51102  -         1000.00
2025-03-04 投资收益
  102    500.00    -
  561    -         500.00
2025-03-05 经营支出
  502    1500.00   -
  102    -         1500.00
2025-03-06 管理费用
  541    700.00    -
  101    -         700.00
2025-03-07 农业税附加返还
  102    100.00    -
  521    -         100.00
2025-03-08 补助收入
  102    3000.00   -
  522    -         3000.00
2025-03-09 其他收入
  101    200.00    -
  531    -         200.00
2025-03-10 其他支出
  551    400.00    -
  101    -         400.00
2025-03-11 借给农户
  113    800.00    -
  102    -         800.00
2025-03-12 生产成本
  401    600.00    -
  102    -         600.00
2025-12-31 结转产品成本
  502    600.00    -
  401    -         600.00
"""


def test_the_2004_chart_statements(demo):
    village = demo.accountant.role_assignments.get().region_id
    book = services.create_book(demo.county, "R-2004", village, "2004", start_date=dt.date(2025, 1, 1))
    services.set_opening_balances(demo.accountant, book, {"101": 1000 * Y, "102": 10000 * Y, "301": -11000 * Y})
    services.confirm_opening(demo.accountant, book)
    post_journal(demo.accountant, book, JOURNAL_2004)
    # an ordinary voucher saying 结转 is business, not closing: 经营支出 is 1,500 + 600
    assert reports.income_expense_detail(book, 2025, 12, 12)["expense_total"]["period"] == 60000
    services.close_year(demo.accountant, book, 2025)
    v = reports.income_statement(book, 2025)["by_label"]
    # domain.md 1.4 (2004): 经营收益 = 经营收入 + 发包及上交收入 + 投资收益 − 经营支出 − 管理费用
    assert v["经营收益"] == 600000 + 300000 + 50000 - 210000 - 70000 == 670000
    # 本年收益 = 经营收益 + 农业税附加返还收入 + 补助收入 + 其他收入 − 其他支出
    assert v["本年收益"] == 670000 + 10000 + 300000 + 20000 - 40000 == 960000
    assert v["加：发包及上交收入"] == 300000 and v["其他转入"] == 0 and v["年末未分配收益"] == 960000
    assert {label: reports.income_statement_line(book, 2025, label) for label in v} == v
    bs = reports.balance_sheet(book, 2025, 12)
    s = _sheet(bs)
    assert s["货币资金"] == (1100000, 1980000)  # 101: 100; 102: 19,700
    assert s["应收款项"] == (0, 80000) and s["存货"] == (0, 0)
    assert s["资产总计"] == s["负债和所有者权益总计"] == (1100000, 2060000)
    assert s["未分配收益"] == (0, 960000)
    assert bs["balanced"] and bs["verified"]
    assert [r["row"] for r in bs["assets"]] == [1, 2, 5, 8, 9, 10, 11, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 32]
    assert reports.trial_balance(book, 2025, 1, 12)["balanced"]


def test_the_optional_2004_accounts_have_balance_sheet_lines(demo):
    # 161 无形资产, 171 拨付所属单位资金 and 241 专项应付款 are optional in 2004 (domain.md 1.3) and have
    # no row in the sources; charts.py gives them rows 27, 28 and 44, so the sheet still balances.
    village = demo.accountant.role_assignments.get().region_id
    book = services.create_book(demo.county, "R-2004b", village, "2004", start_date=dt.date(2025, 1, 1))
    services.set_opening_balances(demo.accountant, book, {"161": 300 * Y, "171": 200 * Y, "241": -100 * Y, "301": -400 * Y})
    services.confirm_opening(demo.accountant, book)
    bs = reports.balance_sheet(book, 2025, 1)
    s = _sheet(bs)
    assert s["无形资产"] == (30000, 30000) and s["拨付所属单位资金"] == (20000, 20000) and s["专项应付款"] == (10000, 10000)
    assert bs["balanced"] and bs["uncovered"] == []


# --- 对账 ------------------------------------------------------------------------------------------


def test_reconciliation_compares_with_the_book_at_the_end_of_the_day(demo, books):
    book, _ = books
    a1 = reconcile.add_assertion(demo.accountant, book, "10201", dt.date(2025, 3, 15), 6400000, "3月对账单")
    reconcile.add_assertion(demo.township, book, "10201", dt.date(2025, 3, 20), 6380000)
    reconcile.add_assertion(demo.accountant, book, "10202", dt.date(2025, 12, 31), 2405000)
    r = reconcile.reconciliation(book)
    rows = {(x["account_code"], x["date"].isoformat()): x for x in r["rows"]}
    assert rows[("10201", "2025-03-15")]["book_balance"] == 6400000 and rows[("10201", "2025-03-15")]["difference"] == 0
    diff = rows[("10201", "2025-03-20")]
    assert diff["book_balance"] == 6370000 and diff["difference"] == 10000
    assert reconcile.describe(diff) == "对账单比账面多 100.00 元"
    assert rows[("10202", "2025-12-31")]["difference"] == 0
    assert r["differences"] == 1
    assert AuditEvent.objects.filter(action="assertion.add", actor=demo.accountant, object_id=str(a1.pk)).exists()
    table = reconcile.reconciliation_table(r)
    assert [row["result"] for row in table.rows].count("相符") == 2


@pytest.mark.parametrize(
    "code,date,fragment",
    [
        ("102", dt.date(2025, 3, 1), "末级科目"),
        ("501", dt.date(2025, 3, 1), "不是银行存款或现金科目"),
        ("999", dt.date(2025, 3, 1), "不存在"),
        ("10201", dt.date(2024, 12, 31), "早于账套启用日期"),
        ("10201", dt.date(2999, 1, 1), "晚于今天"),
    ],
)
def test_reconciliation_rules(demo, books, code, date, fragment):
    book, _ = books
    with pytest.raises(Invalid, match=fragment):
        reconcile.add_assertion(demo.accountant, book, code, date, 100)


def test_reconciliation_is_for_the_accountant_and_the_township(demo, books):
    book, _ = books
    for outsider in (demo.other_accountant, demo.other_township, demo.auditor, demo.secretary):
        with pytest.raises(Refused):
            reconcile.add_assertion(outsider, book, "10201", dt.date(2025, 3, 15), 100)
    a = reconcile.add_assertion(demo.accountant, book, "10201", dt.date(2025, 3, 15), 100)
    with pytest.raises(Invalid, match="已录入"):
        reconcile.add_assertion(demo.township, book, "10201", dt.date(2025, 3, 15), 200)
    with pytest.raises(Refused):
        reconcile.delete_assertion(demo.other_accountant, a)
    reconcile.delete_assertion(demo.township, a)
    assert AuditEvent.objects.filter(action="assertion.delete", actor=demo.township).exists()


# --- Pages, Excel, PDF, scope ------------------------------------------------------------------

PAGES = [
    ("index", ""),
    ("trial-balance", "year=2025&from=1&to=12"),
    ("general-ledger", "year=2025&month=12"),
    ("account-ledger", "account=102&from=2025-01-01&to=2025-12-31"),
    ("cash-journal", "from=2025-01-01&to=2025-12-31"),
    ("bank-journal", "from=2025-01-01&to=2025-12-31"),
    ("income-expense", "year=2025&from=1&to=12"),
    ("balance-sheet", "year=2025&month=12"),
    ("income-statement", "year=2025&month=12"),
    ("reconciliation", ""),
]


def _url(book, slug, query=""):
    base = f"/books/{book.code}/reports/" + (f"{slug}/" if slug != "index" else "")
    return base + (f"?{query}" if query else "")


@pytest.mark.parametrize("slug,query", PAGES)
def test_pages_for_the_book_and_404_for_outsiders(demo, as_user, books, slug, query):
    book, _ = books
    for user in (demo.accountant, demo.secretary, demo.township, demo.county, demo.auditor):
        resp = as_user(user).get(_url(book, slug, query))
        assert resp.status_code == 200, (user, slug)
        html = resp.content.decode()
        assert "style=" not in html and "onclick" not in html and "sanwu/reports.css" in html
        assert f'href="/books/{book.code}/"' in html
    for outsider in (demo.other_accountant, demo.other_township):
        assert as_user(outsider).get(_url(book, slug, query)).status_code == 404
        assert as_user(outsider).get(_url(book, slug, query + "&format=xlsx")).status_code == 404
    from django.test import Client

    assert Client().get(_url(book, slug, query)).status_code == 302  # to the login page


@pytest.mark.parametrize("slug,query", [p for p in PAGES if p[0] != "index"])
def test_every_report_as_excel_csv_json_and_pdf(demo, as_user, books, slug, query):
    book, _ = books
    reconcile.add_assertion(demo.accountant, book, "10201", dt.date(2025, 3, 20), 6380000)
    c = as_user(demo.auditor)  # read-only, may read reports
    resp = c.get(_url(book, slug, query + "&format=xlsx"))
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws.max_row >= 2
    assert c.get(_url(book, slug, query + "&format=csv"))["Content-Type"].startswith("text/csv")
    assert isinstance(json.loads(c.get(_url(book, slug, query + "&format=json")).content), list)
    pdf = c.get(_url(book, slug, query + "&format=pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_trial_balance_page_and_excel_figures(demo, as_user, books):
    book, _ = books
    c = as_user(demo.accountant)
    html = c.get(_url(book, "trial-balance", "year=2025&from=1&to=12")).content.decode()
    assert "借贷平衡" in html and "不平衡" not in html
    assert 'class="lvl-2">农商行' in html and "131,150.00" in html
    assert "年度" in html and '<option value="12" selected>' in html
    ws = load_workbook(io.BytesIO(c.get(_url(book, "trial-balance", "year=2025&from=1&to=12&format=xlsx")).content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("科目编码", "科目名称")
    bank = next(r for r in rows if r[0] == "102")
    assert bank[2:] == (60000, 0, 38050, 10350, 87700, 0)
    assert rows[-1][1] == "合计" and rows[-1][4] == rows[-1][5] == 131150


def test_balance_sheet_and_statement_pages(demo, as_user, books):
    book, _ = books
    c = as_user(demo.township)
    html = c.get(_url(book, "balance-sheet", "year=2025&month=12")).content.decode()
    assert "资产总计 = 负债和所有者权益总计" in html and "173,700.00" in html
    assert "尚未与财政部附录核对" in html  # 2023 lines are what is known
    ws = load_workbook(io.BytesIO(c.get(_url(book, "balance-sheet", "year=2025&month=12&format=xlsx")).content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("资产", "行次", "年初数", "期末数", "负债和所有者权益", "行次", "年初数", "期末数")
    last = next(r for r in rows if r[0] == "资产总计")
    assert last[1:4] == (23, 145000, 173700)
    html = c.get(_url(book, "income-statement", "year=2025")).content.decode()
    assert "经营收益" in html and "14,850.00" in html and "28,600.00" in html


def test_negative_amounts_are_marked(demo, as_user, books):
    book, _ = books
    html = as_user(demo.accountant).get(_url(book, "account-ledger", "account=10201&from=2025-05-01&to=2025-05-31")).content.decode()
    assert re.search(r'<td class="num neg">-300\.00</td>', html)


def test_account_ledger_pages_on_screen_and_is_complete_in_excel(demo, as_user, books, settings):
    settings.SANWU_PAGE_SIZE = 2
    book, _ = books
    c = as_user(demo.accountant)
    q = "account=102&from=2025-01-01&to=2025-12-31"
    first = c.get(_url(book, "account-ledger", q)).content.decode()
    assert "期初余额" in first and "第 1 / 5 页" in first and "本期合计" not in first
    assert "account=102&amp;from=2025-01-01&amp;to=2025-12-31&amp;page=2" in first
    second = c.get(_url(book, "account-ledger", q + "&page=2")).content.decode()
    assert "承前页" in second and "92,000.00" in second  # after 12,000 (Jan) and 20,000 (5 Feb) on 60,000
    last = c.get(_url(book, "account-ledger", q + "&page=5")).content.decode()
    assert "本期合计" in last
    ws = load_workbook(io.BytesIO(c.get(_url(book, "account-ledger", q + "&format=xlsx")).content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 1 + 1 + 10 + 1  # header, opening, 10 entries, totals
    assert rows[1][4] == "期初余额" and rows[-1][4] == "本期合计" and rows[-1][5:] == (38050, 10350, "借", 87700)


def test_journal_page_shows_daily_subtotals(demo, as_user, books):
    book, _ = books
    html = as_user(demo.accountant).get(_url(book, "bank-journal", "from=2025-02-01&to=2025-03-31")).content.decode()
    assert html.count("本日合计") == 4 and "93,000.00" in html
    ws = load_workbook(io.BytesIO(as_user(demo.accountant).get(_url(book, "cash-journal", "from=2025-01-01&to=2025-01-31&format=xlsx")).content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert [r[4] for r in rows[1:]] == ["期初余额", "收到门面租金", "本日合计", "支付办公费", "本日合计", "本期合计"]
    assert rows[-1][5:] == (3000, 800, "借", 4200)


def test_reconciliation_page_form_and_list(demo, as_user, books):
    book, _ = books
    c = as_user(demo.accountant)
    url = _url(book, "reconciliation")
    page = c.get(url).content.decode()
    assert 'name="balance"' in page and "还没有录入" in page
    resp = c.post(url, {"account": "10201", "date": "2025-03-20", "balance": "63,800.00", "note": "银行对账单"})
    assert resp.status_code == 302
    page = c.get(url).content.decode()
    assert 'class="diff"' in page and "对账单比账面多 100.00 元" in page and "1 笔不符" in page
    bad = c.post(url, {"account": "10201", "date": "2025-03-21", "balance": "1.234"}).content.decode()
    assert "超过两位小数" in bad
    # read-only roles see the list without the form; outsiders get 404 even when posting
    assert 'name="balance"' not in as_user(demo.auditor).get(url).content.decode()
    assert as_user(demo.other_accountant).post(url, {"account": "10201", "date": "2025-03-22", "balance": "1"}).status_code == 404
    assert as_user(demo.auditor).post(url, {"account": "10201", "date": "2025-03-22", "balance": "1"}).status_code == 403
    from sanwu.ledger.models import BankAssertion

    a = BankAssertion.objects.get(book=book)
    assert as_user(demo.other_accountant).post(f"{url}{a.pk}/delete/").status_code == 404
    assert c.post(f"{url}{a.pk}/delete/").status_code == 302 and not BankAssertion.objects.filter(book=book).exists()


def test_pdf_uses_the_cjk_font_and_landscape_for_wide_reports(books):
    book, _ = books
    from sanwu.ledger.views.reports import display

    tb = reports.trial_balance(book, 2025, 1, 12)
    ctx = {"book": book, "tb": display(tb), "period": "2025年1月至12月", "chart_label": "2023", "printed": dt.date(2026, 1, 1)}
    pdf = render_pdf("ledger/pdf/trial_balance.html", ctx, uncompressed_pdf=True)
    assert pdf.startswith(b"%PDF") and b"NotoSansCJK" in pdf
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box and float(box.group(1)) > float(box.group(2))  # A4 landscape


@pytest.fixture
def empty_books(demo):
    """A fresh book in each accountant's village, no vouchers (own codes, whatever the demo holds)."""
    mine = demo.accountant.role_assignments.get().region_id
    theirs = demo.other_accountant.role_assignments.get().region_id
    out = []
    for code, village in (("R-mine", mine), ("R-theirs", theirs)):
        b = services.create_book(demo.county, code, village, "2023", start_date=dt.date(2025, 1, 1))
        services.confirm_opening(demo.county, b)
        out.append(b)
    return out


def test_each_accountant_reaches_only_the_reports_of_their_own_village(demo, as_user, empty_books):
    book, other_book = empty_books
    assert as_user(demo.accountant).get(f"/books/{book.code}/reports/").status_code == 200
    assert as_user(demo.accountant).get(f"/books/{other_book.code}/reports/trial-balance/").status_code == 404
    assert as_user(demo.other_accountant).get(f"/books/{other_book.code}/reports/balance-sheet/?format=pdf").status_code == 200
    assert as_user(demo.other_accountant).get(f"/books/{book.code}/reports/balance-sheet/?format=pdf").status_code == 404
    assert as_user(demo.other_township).get(f"/books/{book.code}/reports/income-statement/?format=xlsx").status_code == 404
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.other_accountant, object_type="ledger.book").exists()


def test_empty_book_pages_say_so(demo, as_user, empty_books):
    book, _ = empty_books
    c = as_user(demo.accountant)
    assert "没有余额" in c.get(f"/books/{book.code}/reports/trial-balance/?year=2025&from=1&to=1").content.decode()
    assert "请选择一个科目" in c.get(f"/books/{book.code}/reports/account-ledger/").content.decode()
    assert "没有已记账的现金" in c.get(f"/books/{book.code}/reports/cash-journal/?from=2025-01-01&to=2025-01-31").content.decode()
    assert "还没有录入" in c.get(f"/books/{book.code}/reports/reconciliation/").content.decode()
    html = c.get(f"/books/{book.code}/reports/trial-balance/?year=abc").content.decode()
    assert "年份「abc」无效" in html
    bs = reports.balance_sheet(book, 2025, 1)
    assert bs["balanced"] and all(r["closing"] == 0 for r in bs["assets"])
    assert Voucher.objects.filter(book=book).count() == 0


def test_report_table_by_name_for_the_cli_and_api(books):
    book, _ = books
    t = reports.report_table(book, "balance-sheet", year=2025, month=12)
    assert next(r for r in t.rows if r["asset"] == "资产总计")["asset_closing"] == 17370000
    t = reports.report_table(book, "income-statement", year=2025)
    assert next(r for r in t.rows if r["label"] == "经营收益")["amount"] == 1485000
    t = reports.report_table(book, "trial-balance", year=2025, month_from=2, month=3)
    assert t.title == "科目余额表 2025年2月至3月"
    assert len(reports.report_table(book, "account-ledger", year=2025, account="102").rows) == 12
    assert reports.report_table(book, "bank-journal", year=2025).rows[-1]["balance"] == 8770000
    with pytest.raises(Invalid, match="未知报表"):
        reports.report_table(book, "cash-flow", year=2025)
    with pytest.raises(Invalid, match="指定科目"):
        reports.report_table(book, "account-ledger", year=2025)
