"""The statements and books from the CLI (issue 12 items 2 and 7): `sanwu report balance-sheet`,
`income-statement`, `general-ledger`, `account-ledger`, `cash-journal`, `bank-journal` and
`trial-balance`, each as CSV, JSON, XLSX and PDF from the same figures as the pages; the PDFs in
official dress (表号, 编制单位, 金额单位, the period and its close state, the signers).

The book is R-2023 of test_reports (every figure below is worked out there)."""

import csv
import datetime as dt
import io
import json
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from sanwu.ledger import services
from sanwu.ledger.charts import STATEMENT_FORMS
from sanwu.ledger.services import reports, statements

from .test_reports import Y, build_books

COMMANDS = {
    "balance-sheet": ["--month", "12"],
    "income-statement": [],
    "general-ledger": [],
    "account-ledger": ["--account", "102"],
    "cash-journal": ["--month", "1"],
    "bank-journal": [],
    "trial-balance": [],
}


@pytest.fixture
def book(demo):
    return build_books(demo)[0]


def run(name, book, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("report", name, "--book", book.code, "--year", "2025", *COMMANDS.get(name, []), *args, stdout=out, stderr=err)
    return out.getvalue()


def doc(name, book, *args):
    return json.loads(run(name, book, "--format", "json", *args))


def pdf_text(path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed to read the PDFs"
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


# --- JSON --------------------------------------------------------------------------------------------


def test_balance_sheet_json_in_fen_with_line_numbers(demo, book):
    d = doc("balance-sheet", book, "--as", demo.accountant.username)
    assert set(d) == {"book", "period", "lines"}
    assert d["book"] == {"code": "R-2023", "name": book.name, "chart": "2023"}
    assert d["period"]["from"] == "2025-01-01" and d["period"]["to"] == "2025-12-31" and d["period"]["label"] == "2025年12月31日"
    assert d["period"]["closed"] is False and d["period"]["state_label"] == "未结账"
    lines = {ln["name"]: ln for ln in d["lines"]}
    for ln in d["lines"]:
        assert {"name", "line_no", "code", "begin_fen", "end_fen"} <= set(ln) and ln["code"] is None
        assert isinstance(ln["begin_fen"], int) and isinstance(ln["end_fen"], int)
    assert (lines["货币资金"]["line_no"], lines["货币资金"]["begin_fen"], lines["货币资金"]["end_fen"]) == (1, 6200000, 9270000)
    assert (lines["固定资产原值"]["end_fen"], lines["减：累计折旧"]["end_fen"], lines["固定资产净值"]["end_fen"]) == (100000 * Y, 20000 * Y, 80000 * Y)
    assert lines["资产总计"]["end_fen"] == lines["负债和所有者权益总计"]["end_fen"] == 17370000
    assert lines["资产总计"]["side"] == "assets" and lines["未分配收益"]["side"] == "liabilities_equity"


def test_income_statement_json_follows_the_statement_lines(demo, book):
    d = doc("income-statement", book)
    st = reports.income_statement(book, 2025, 12)
    assert [ln["name"] for ln in d["lines"]] == [r["label"] for r in st["rows"]]  # whatever lines it has
    lines = {ln["name"]: ln for ln in d["lines"]}
    assert lines["经营收益"]["amount_fen"] == 1485000 and lines["经营收益"]["last_year_fen"] is None  # the book began in 2025
    assert all(ln["code"] is None and isinstance(ln["line_no"], int) for ln in d["lines"])
    assert d["period"]["label"] == "2025年"
    half = {ln["name"]: ln for ln in doc("income-statement", book, "--month", "3")["lines"]}
    assert half["经营收入"]["amount_fen"] == 15000 * Y  # 12,000 PV + 3,000 rent


def test_books_json_lines(demo, book):
    gl = doc("general-ledger", book)["lines"]
    bank = [ln for ln in gl if ln["code"] == "102"]
    assert bank[0]["kind"] == "opening" and bank[0]["balance_fen"] == 60000 * Y and bank[0]["date"] == "2025-01-01"
    assert bank[-1]["kind"] == "year_total" and bank[-1]["balance_fen"] == 8770000 and bank[-1]["direction"] == "借"

    cash = doc("cash-journal", book)  # January: 2,000 + 3,000 − 800
    assert cash["period"]["from"] == "2025-01-01" and cash["period"]["to"] == "2025-01-31"
    kinds = [ln["kind"] for ln in cash["lines"]]
    assert kinds == ["opening", "entry", "day_total", "entry", "day_total", "total"]
    entry = cash["lines"][1]
    assert (entry["date"], entry["summary"], entry["debit_fen"], entry["credit_fen"], entry["balance_fen"]) == ("2025-01-10", "收到门面租金", 300000, 0, 500000)
    assert entry["voucher"] == "2025-01 记-0002" and entry["code"] == "101"
    assert cash["lines"][-1]["balance_fen"] == 420000

    led = doc("account-ledger", book, "--account", "11302")["lines"]  # 李四: 1,000 Cr, then 4,000 more
    assert led[0]["balance_fen"] == -1000 * Y and led[0]["direction"] == "贷"
    assert led[-1]["balance_fen"] == -5000 * Y and led[-1]["credit_fen"] == 4000 * Y

    year = doc("bank-journal", book)
    assert year["period"]["from"] == "2025-01-01" and year["lines"][-1]["balance_fen"] == 8770000


def test_trial_balance_json_stays_its_table(book):
    rows = json.loads(run("trial-balance", book, "--format", "json"))
    assert isinstance(rows, list) and rows[-1]["name"] == "合计"


# --- CSV, XLSX, PDF for every command ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_as_csv_xlsx_and_pdf(demo, book, name, tmp_path):
    data_rows = list(csv.DictReader(io.StringIO(run(name, book, "--format", "csv", "--as", demo.township.username))))
    assert data_rows

    xlsx = tmp_path / f"{name}.xlsx"
    run(name, book, "--format", "xlsx", "--output", str(xlsx))
    ws = load_workbook(xlsx).active
    assert ws.max_row == len(data_rows) + 1  # the same rows as the CSV: one Table

    pdf = tmp_path / f"{name}.pdf"
    run(name, book, "--output", str(pdf))  # the extension says pdf
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert f"编制单位：{book.name}" in text and "金额单位：元" in text and "未结账" in text
    signed = name in statements.SIGNED
    assert all((s in text) == signed for s in ("表号", "单位负责人", "会计主管", "制表"))


def test_statement_pdfs_carry_their_form_numbers(demo, book, tmp_path):
    for name, key in (("balance-sheet", "balance_sheet"), ("income-statement", "income_statement")):
        out = tmp_path / f"{name}.pdf"
        run(name, book, "--format", "pdf", "--output", str(out))
        text = pdf_text(out)
        assert STATEMENT_FORMS["2023"][key][0] in text
    text = pdf_text(out)
    assert "收益及收益分配表" in text and "2025年" in text


def test_close_state_follows_the_months(demo, book, tmp_path):
    services.close_months(demo.accountant, book, (2025, 1), (2025, 12))
    assert doc("balance-sheet", book)["period"]["state_label"] == "结账待审"
    for m in range(1, 13):
        services.confirm_close(demo.township, book, 2025, m)
    assert doc("balance-sheet", book)["period"]["closed"] is True
    assert doc("income-statement", book, "--month", "6")["period"]["state"] == "closed"
    out = tmp_path / "bs.pdf"
    run("balance-sheet", book, "--format", "pdf", "--output", str(out))
    assert "已结账" in pdf_text(out) and "未结账" not in pdf_text(out)
    # the page's PDF is the same printed statement
    assert statements.official("balance-sheet", reports.balance_sheet(book, 2025, 12))["state_label"] == "已结账"
    assert statements.official("cash-journal", reports.journal(book, "cash", dt.date(2026, 1, 1), dt.date(2026, 1, 31)))["state"] == "open"


def test_the_page_pdf_is_the_statement_the_cli_prints(demo, as_user, book, tmp_path):
    resp = as_user(demo.accountant).get(f"/books/{book.code}/reports/balance-sheet/?year=2025&month=12&format=pdf")
    page = tmp_path / "page.pdf"
    page.write_bytes(resp.content)
    cli = tmp_path / "cli.pdf"
    run("balance-sheet", book, "--format", "pdf", "--output", str(cli))
    assert pdf_text(page) == pdf_text(cli)


# --- refusals -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(COMMANDS))
def test_an_outsider_is_refused_in_chinese(demo, book, name):
    for outsider in (demo.other_accountant, demo.other_township):
        with pytest.raises(CommandError, match="不存在或不在您的管辖范围内"):
            run(name, book, "--format", "json", "--as", outsider.username)


@pytest.mark.parametrize(
    "name,args,fragment",
    [
        ("balance-sheet", ["--month", "13"], "月份「13」无效"),
        ("cash-journal", ["--month", "abc"], "月份「abc」无效"),
        ("income-statement", ["--month", "0"], "月份「0」无效"),
        ("account-ledger", ["--account", "9999"], "科目「9999」在本账套中不存在"),
        ("general-ledger", ["--year", "20x5"], "年份「20x5」无效"),
    ],
)
def test_bad_month_or_account_is_a_chinese_error(demo, book, name, args, fragment):
    out = io.StringIO()
    base = ["report", name, "--book", book.code]
    if "--year" not in args:
        base += ["--year", "2025"]
    if name == "account-ledger" and "--account" not in args:
        base += ["--account", "102"]
    with pytest.raises(CommandError, match=fragment):
        call_command(*base, *args, "--format", "json", stdout=out)


# --- the 2023 sheet's cost, depreciation and net lines, and a 2004 book -----------------------------------


def test_2023_sheet_shows_cost_less_depreciation_for_biological_assets_and_intangibles(demo):
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(demo.county, "R-NET", village, "2023", start_date=dt.date(2025, 1, 1))
    services.set_opening_balances(demo.accountant, b, {
        "101": 1000 * Y, "132": 30000 * Y, "133": -6000 * Y, "161": 12000 * Y, "162": -2000 * Y, "301": -35000 * Y,
    })
    bs = reports.balance_sheet(b, 2025, 1)
    s = {r["label"]: r["closing"] for r in bs["assets"]}
    assert (s["生产性生物资产原值"], s["减：生产性生物资产累计折旧"], s["生产性生物资产净值"]) == (30000 * Y, 6000 * Y, 24000 * Y)
    assert (s["无形资产原值"], s["减：累计摊销"], s["无形资产净值"]) == (12000 * Y, 2000 * Y, 10000 * Y)
    assert s["非流动资产合计"] == 34000 * Y and s["资产总计"] == 35000 * Y
    assert bs["balanced"] and bs["total_liabilities_equity"]["closing"] == 35000 * Y and bs["uncovered"] == []


def test_a_2004_book_prints_its_own_form_numbers(demo, tmp_path):
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(demo.county, "R-2004", village, "2004", start_date=dt.date(2025, 1, 1))
    services.set_opening_balances(demo.accountant, b, {"101": 500 * Y, "151": 9000 * Y, "152": -1000 * Y, "301": -8500 * Y})
    services.confirm_opening(demo.accountant, b)
    d = doc("balance-sheet", b)
    lines = {ln["name"]: ln for ln in d["lines"]}
    assert lines["固定资产净值"]["line_no"] == 21 and lines["资产总计"]["end_fen"] == 8500 * Y
    for name, number in (("balance-sheet", "村会01表"), ("income-statement", "村会02表")):
        out = tmp_path / f"{name}.pdf"
        run(name, b, "--output", str(out))
        assert number in pdf_text(out)
