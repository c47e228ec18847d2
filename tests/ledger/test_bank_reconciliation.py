"""Bank reconciliation as a 农经站 does it: a bank statement imported (all or nothing), its lines
matched to the bank journal (automatically and by hand, each change an event), the 未达账项 both
ways and the 银行存款余额调节表 whose two adjusted balances agree; the month-close check, the
CLI and the pages; and the outsiders."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from openpyxl import Workbook, load_workbook

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.ledger import imports, services
from sanwu.ledger.models import BankMatch, BankMatchEvent, BankStatement, BankStatementLine
from sanwu.ledger.services import reconcile

from .conftest import post_journal

Y = 100

JOURNAL = """
2025-11-01 现金存入银行
  102  50000.00  -
  101  -         50000.00
2025-11-05 收到门面租金
  102  6000.00   -         bank
  501  -         6000.00   rent
2025-11-10 支付办公费
  513  1200.00   -
  102  -         1200.00   bank
2025-11-20 支付村部电费
  513  800.00    -
  102  -         800.00    bank
2025-11-29 收到鱼塘租金
  102  3000.00   -         bank
  501  -         3000.00   rent
2025-11-30 支付道路养护费
  513  2000.00   -
  102  -         2000.00   bank
"""

STATEMENT = """交易日期,收入金额,支出金额,余额,对方户名,摘要
2025-11-01,50000.00,,50000.00,大歇村股份经济合作社,现金存款
2025-11-06,6000.00,,56000.00,王五,门面租金
2025-11-12,,1200.00,54800.00,岳西文具店,办公费
2025-11-20,,800.00,54000.00,国网岳西供电公司,电费
2025-11-25,,15.00,53985.00,,账户管理费
2025-11-30,120.50,,54105.50,,结息
"""


@pytest.fixture
def bank_book(demo, book):
    post_journal(demo.accountant, book, JOURNAL)
    return book


def _import(user, book, text=STATEMENT, name="nov.csv", account="102"):
    return imports.import_bank_statement(user, book, account, text.encode("utf-8"), name)


def test_a_good_statement_is_imported_in_fen_and_matched_automatically(demo, bank_book):
    st, matched = _import(demo.accountant, bank_book)
    assert (st.date_from, st.date_to, st.line_count) == (dt.date(2025, 11, 1), dt.date(2025, 11, 30), 6)
    assert (st.opening_balance, st.closing_balance) == (0, 5410550)
    lines = list(BankStatementLine.objects.filter(statement=st).order_by("position"))
    assert [x.amount for x in lines] == [5000000, 600000, -120000, -80000, -1500, 12050]
    assert lines[1].counterparty == "王五" and lines[1].row == 3
    assert matched == 4
    assert BankMatch.objects.filter(line__statement=st, how="auto").count() == 4
    assert set(BankMatchEvent.objects.filter(statement=st).values_list("action", flat=True)) == {"import", "auto"}
    assert BankMatchEvent.objects.filter(statement=st, action="auto").count() == 4
    assert AuditEvent.objects.filter(action="bank_statement.import", actor=demo.accountant).exists()


def test_the_outstanding_items_and_the_two_adjusted_balances_agree(demo, bank_book):
    _import(demo.accountant, bank_book)
    r = reconcile.bank_reconciliation(bank_book, "102", dt.date(2025, 11, 30))
    assert r["book_balance"] == 5500000 and r["bank_balance"] == 5410550
    assert [(i["date"], i["amount"]) for i in r["items"]["bank_in"]] == [(dt.date(2025, 11, 30), 12050)]
    assert [(i["date"], i["amount"]) for i in r["items"]["bank_out"]] == [(dt.date(2025, 11, 25), 1500)]
    assert [(i["date"], i["amount"], i["summary"]) for i in r["items"]["book_in"]] == [(dt.date(2025, 11, 29), 300000, "收到鱼塘租金")]
    assert [(i["date"], i["amount"]) for i in r["items"]["book_out"]] == [(dt.date(2025, 11, 30), 200000)]
    assert r["adjusted_book"] == 5500000 + 12050 - 1500 == r["adjusted_bank"] == 5410550 + 300000 - 200000
    assert r["agree"] and r["difference"] == 0
    # Mid-month: the rent received on the 5th reaches the bank on the 6th.
    mid = reconcile.bank_reconciliation(bank_book, "102", dt.date(2025, 11, 5))
    assert [i["amount"] for i in mid["items"]["book_in"]] == [600000] and mid["agree"]
    # Excel: the table reads back with both sides.
    table = reconcile.bank_reconciliation_table(r)
    wb = load_workbook(io.BytesIO(table.render("xlsx")))
    cells = [c.value for row in wb.active.iter_rows() for c in row]
    assert "企业银行存款日记账余额" in cells and "银行对账单余额" in cells and cells.count("调节后的存款余额") == 2


def test_a_difference_is_shown_plainly_when_the_balances_do_not_agree(demo, bank_book):
    text = STATEMENT.splitlines()
    # A statement starting from 100 yuan the books never had.
    shifted = [text[0]] + [",".join(_shift(line.split(","), 10000)) for line in text[1:]]
    _import(demo.accountant, bank_book, "\n".join(shifted) + "\n")
    r = reconcile.bank_reconciliation(bank_book, "102", dt.date(2025, 11, 30))
    assert not r["agree"] and r["difference"] == 10000 and r["opening_difference"] == 10000
    assert reconcile.bank_reconciliation_table(r).rows[-1]["left_amount"] == 10000
    # Such a statement does not count as the month's reconciliation.
    (nov,) = services.close_checks(bank_book, (2025, 11), (2025, 11))
    assert "银行账户「102 银行存款」本月未对账或对账不符" in nov.notes


def _shift(cells, fen):
    from sanwu.core.money import format_yuan, parse_yuan

    cells[3] = format_yuan(parse_yuan(cells[3]) + fen, grouping=False)
    return cells


def test_a_bad_file_writes_nothing_and_names_file_row_and_field(demo, bank_book):
    bad = STATEMENT.replace("2025-11-12,,1200.00", "2025-11-12,,12x0.00").replace("2025-11-20,", "2025-13-20,")
    with pytest.raises(Invalid) as exc:
        _import(demo.accountant, bank_book, bad, "坏文件.csv")
    problems = {(p.row, p.field): p for p in exc.value.problems}
    assert (4, "支出金额") in problems and (5, "交易日期") in problems
    assert all(p.file == "坏文件.csv" for p in exc.value.problems)
    assert "第4行" in "\n".join(exc.value.messages) and "坏文件.csv" in "\n".join(exc.value.messages)
    assert not BankStatement.objects.exists() and not BankStatementLine.objects.exists() and not BankMatch.objects.exists()
    # A balance that does not follow from the line before.
    with pytest.raises(Invalid, match="余额 54,000.00 与第4行余额"):
        _import(demo.accountant, bank_book, STATEMENT.replace("2025-11-20,,800.00,54000.00", "2025-11-20,,900.00,54000.00"))
    with pytest.raises(Invalid, match="缺少必需的列「余额」"):
        _import(demo.accountant, bank_book, "交易日期,收入金额,支出金额\n2025-11-01,1.00,\n")
    with pytest.raises(Invalid, match="不是银行存款科目"):
        _import(demo.accountant, bank_book, account="101")
    assert not BankStatement.objects.exists()


def test_the_same_file_twice_or_an_overlapping_statement_is_refused(demo, bank_book):
    _import(demo.accountant, bank_book)
    with pytest.raises(Invalid, match="已于 .* 导入过"):
        _import(demo.township, bank_book)
    with pytest.raises(Invalid, match="重叠"):
        _import(demo.township, bank_book, STATEMENT + "\n", "again.csv")
    assert BankStatement.objects.count() == 1 and BankStatementLine.objects.count() == 6


def test_header_variants_newest_first_and_xlsx(demo, bank_book):
    wb = Workbook()
    ws = wb.active
    ws.append(["交易日期", "存入金额", "支取金额", "账户余额", "对方账户名称", "用途", "对方账号", "交易流水号"])
    rows = [line.split(",") for line in STATEMENT.strip().splitlines()[1:]]
    for d, i, o, b, cp, s in reversed(rows):  # newest first
        ws.append([dt.datetime.fromisoformat(d), i, o, b, cp, s, "6228480000000000", "X1"])
    buf = io.BytesIO()
    wb.save(buf)
    st, matched = imports.import_bank_statement(demo.accountant, bank_book, "102", buf.getvalue(), "农商行流水.xlsx")
    assert st.line_count == 6 and st.closing_balance == 5410550 and matched == 4
    assert [x.amount for x in BankStatementLine.objects.filter(statement=st).order_by("position")][:2] == [5000000, 600000]


def test_a_gbk_file_with_one_signed_amount_column(demo, bank_book):
    text = "记账日期,交易金额,本次余额,对方名称,附言,币种\n" + "\n".join(
        f"{d},{i or '-' + o},{b},{cp},{s},人民币" for d, i, o, b, cp, s in (line.split(",") for line in STATEMENT.strip().splitlines()[1:])
    ) + "\n"
    st, matched = imports.import_bank_statement(demo.township, bank_book, "102", text.encode("gb18030"), "流水.csv")
    assert st.closing_balance == 5410550 and matched == 4
    assert BankStatementLine.objects.get(statement=st, position=1).counterparty == "王五"


def test_auto_match_is_one_to_one_within_the_window_and_prefers_the_closest_date(demo, book):
    post_journal(demo.accountant, book, """
2025-11-01 现金存入银行
  102  10000.00  -
  101  -         10000.00
2025-11-03 支付甲
  513  500.00    -
  102  -         500.00
2025-11-07 支付乙
  513  500.00    -
  102  -         500.00
2025-11-20 支付丙
  513  700.00    -
  102  -         700.00
""")
    text = "交易日期,收入金额,支出金额,余额\n2025-11-01,10000.00,,10000.00\n2025-11-06,,500.00,9500.00\n2025-11-24,,700.00,8800.00\n"
    _, matched = _import(demo.accountant, book, text)
    assert matched == 1 + 1  # the deposit, and the 500 on the 6th with 支付乙 (1 day) not 支付甲 (3 days); 700 is 4 days off
    m = BankMatch.objects.get(line__date=dt.date(2025, 11, 6))
    assert m.entry.voucher.summary == "支付乙"
    assert not BankMatch.objects.filter(line__date=dt.date(2025, 11, 24)).exists()
    assert reconcile.bank_reconciliation(book, "102", dt.date(2025, 11, 30))["agree"]


def test_manual_match_and_unmatch_are_audited_events(demo, bank_book):
    st, _ = _import(demo.accountant, bank_book)
    line = BankStatementLine.objects.get(statement=st, date=dt.date(2025, 11, 12))
    entry = line.match.entry
    reconcile.unmatch(demo.township, line)
    assert not BankMatch.objects.filter(line=line).exists()
    r = reconcile.bank_reconciliation(bank_book, "102", dt.date(2025, 11, 30))
    assert 120000 in [i["amount"] for i in r["items"]["bank_out"]] and 120000 in [i["amount"] for i in r["items"]["book_out"]]
    assert r["agree"]
    fee = BankStatementLine.objects.get(statement=st, date=dt.date(2025, 11, 25))
    with pytest.raises(Invalid, match="金额不同"):
        reconcile.match(demo.accountant, fee, entry)
    reconcile.match(demo.accountant, line, entry)
    assert BankMatch.objects.get(line=line).how == "manual"
    with pytest.raises(Invalid, match="已经匹配"):
        reconcile.match(demo.accountant, line, entry)
    actions = list(BankMatchEvent.objects.filter(line=line).order_by("id").values_list("action", "actor__username"))
    assert actions == [("auto", "accountant_1"), ("unmatch", "township_1"), ("match", "accountant_1")]
    assert AuditEvent.objects.filter(action="bank.unmatch", actor=demo.township).exists()
    assert AuditEvent.objects.filter(action="bank.match", actor=demo.accountant).exists()


def test_statement_lines_are_append_only(demo, bank_book):
    st, _ = _import(demo.accountant, bank_book)
    with pytest.raises(Exception, match="immutable"):
        with connection.cursor() as cur:
            cur.execute("UPDATE ledger_bankstatementline SET amount = 1 WHERE statement_id = %s", [st.pk])


def test_an_agreeing_statement_counts_as_the_months_reconciliation(demo, bank_book):
    note = "银行账户「102 银行存款」本月未对账或对账不符"
    (nov,) = services.close_checks(bank_book, (2025, 11), (2025, 11))
    assert note in nov.notes
    _import(demo.accountant, bank_book)
    (nov,) = services.close_checks(bank_book, (2025, 11), (2025, 11))
    assert note not in nov.notes


def test_outsiders_can_neither_import_nor_match(demo, bank_book):
    for outsider in (demo.other_accountant, demo.other_township, demo.secretary, demo.auditor):
        with pytest.raises(Refused):
            _import(outsider, bank_book)
    assert not BankStatement.objects.exists()
    st, _ = _import(demo.accountant, bank_book)
    line = BankStatementLine.objects.filter(statement=st).first()
    with pytest.raises(Refused):
        reconcile.unmatch(demo.other_accountant, line)
    assert BankStatementLine.objects.visible_to(demo.other_accountant).count() == 0
    assert BankStatement.objects.visible_to(demo.other_township).count() == 0
    assert BankStatement.objects.visible_to(demo.township).count() == 1


# --- CLI -------------------------------------------------------------------------------------------


def test_cli_imports_and_prints_the_reconciliation(demo, bank_book, tmp_path):
    f = tmp_path / "nov.csv"
    f.write_text(STATEMENT, encoding="utf-8")
    out = io.StringIO()
    call_command("book", "bank-import", str(f), "--book", bank_book.code, "--account", "102", "--as", "accountant_1", stdout=out)
    assert "6 笔" in out.getvalue() and "自动匹配 4 笔" in out.getvalue()
    with pytest.raises(CommandError, match="不能重复导入"):
        call_command("book", "bank-import", str(f), "--book", bank_book.code, "--account", "102", stdout=io.StringIO())
    with pytest.raises(CommandError, match="不存在或不在您的管辖范围内"):
        call_command("book", "bank-import", str(f), "--book", bank_book.code, "--account", "102", "--as", "accountant_2", stdout=io.StringIO())
    args = ["report", "bank-reconciliation", "--book", bank_book.code, "--account", "102", "--date", "2025-11-30"]
    out = io.StringIO()
    call_command(*args, "--format", "json", "--as", "township_1", stdout=out)
    data = json.loads(out.getvalue())
    assert data["agree"] and data["adjusted_book_fen"] == data["adjusted_bank_fen"] == 5410550 + 100000
    assert data["outstanding"]["book_in"]["total_fen"] == 300000 and data["outstanding"]["bank_out"]["items"][0]["amount_fen"] == 1500
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    call_command(*args, "--format", "pdf", "--output", str(pdf), stdout=io.StringIO())
    call_command(*args, "--format", "xlsx", "--output", str(xlsx), stdout=io.StringIO())
    assert pdf.read_bytes().startswith(b"%PDF")
    ws = load_workbook(xlsx).active
    assert ws.max_row == 7 and ws["A2"].value == "企业银行存款日记账余额" and ws["D7"].value == "调节后的存款余额"  # header, 5 rows of items, totals
    with pytest.raises(CommandError, match="不存在或不在您的管辖范围内"):
        call_command(*args, "--as", "township_2", stdout=io.StringIO())


# --- Pages -----------------------------------------------------------------------------------------


def _base(book):
    return f"/books/{book.code}/reports/reconciliation/"


def test_import_page_previews_then_imports(demo, as_user, bank_book):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = as_user(demo.accountant)
    page = c.get(_base(bank_book) + "import/")
    assert page.status_code == 200 and "交易日期" in page.content.decode()
    bad = c.post(_base(bank_book) + "import/", {"account": "102", "file": SimpleUploadedFile("bad.csv", STATEMENT.replace("1200.00", "x").encode())})
    assert bad.status_code == 422 and "第4行" in bad.content.decode() and not BankStatement.objects.exists()
    preview = c.post(_base(bank_book) + "import/", {"account": "102", "file": SimpleUploadedFile("nov.csv", STATEMENT.encode())})
    html = preview.content.decode()
    assert preview.status_code == 200 and "结息" in html and "确认导入" in html and not BankStatement.objects.exists()
    done = c.post(_base(bank_book) + "import/", {"account": "102", "data": preview.context["data"], "filename": "nov.csv", "confirm": "1"})
    assert done.status_code == 302 and BankStatement.objects.count() == 1
    match_page = c.get(done["Location"])
    assert match_page.status_code == 200 and "账户管理费" in match_page.content.decode()
    assert 'name="viewport"' in match_page.content.decode()
    line = BankStatementLine.objects.get(date=dt.date(2025, 11, 12))
    entry_id = line.match.entry_id
    resp = c.post(_base(bank_book) + f"bank/lines/{line.pk}/unmatch/")
    assert resp.status_code == 302 and not BankMatch.objects.filter(line=line).exists()
    resp = c.post(_base(bank_book) + f"bank/lines/{line.pk}/match/", {"entry": entry_id})
    assert resp.status_code == 302 and BankMatch.objects.get(line=line).how == "manual"
    assert c.post(_base(bank_book) + "bank/auto/?account=102", {"account": "102"}).status_code == 302
    table = c.get(_base(bank_book) + "bank/?account=102&date=2025-11-30")
    assert table.status_code == 200 and "调节后的存款余额" in table.content.decode() and "两者相符" in table.content.decode()
    pdf = c.get(_base(bank_book) + "bank/?account=102&date=2025-11-30&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = c.get(_base(bank_book) + "bank/?account=102&date=2025-11-30&format=xlsx")
    assert xlsx.status_code == 200
    assert "银行存款余额调节表" in c.get(_base(bank_book)).content.decode()


def test_pages_for_outsiders(demo, as_user, bank_book):
    _import(demo.accountant, bank_book)
    line = BankStatementLine.objects.first()
    urls = [_base(bank_book) + "import/", _base(bank_book) + "bank/match/?account=102", _base(bank_book) + "bank/?account=102&date=2025-11-30"]
    for outsider in (demo.other_accountant, demo.other_township):
        c = as_user(outsider)
        for url in urls:
            assert c.get(url).status_code == 404, (outsider, url)
        assert c.post(_base(bank_book) + f"bank/lines/{line.pk}/unmatch/").status_code == 404
    assert BankMatch.objects.filter(line=line).exists()
    sec = as_user(demo.secretary)
    assert sec.get(_base(bank_book) + "bank/?account=102&date=2025-11-30").status_code == 200  # the village reads it
    assert sec.post(_base(bank_book) + "import/", {"account": "102"}).status_code == 403
    assert sec.post(_base(bank_book) + f"bank/lines/{line.pk}/unmatch/").status_code == 403
    from django.test import Client

    anon = Client()
    for url in urls:
        assert anon.get(url).status_code == 302


# --- Demo ------------------------------------------------------------------------------------------


def test_the_demo_statement_reconciles_with_outstanding_items_both_ways(db):
    from sanwu.demo import generator
    from sanwu.ledger import demo

    generator.load("small", 2021)
    made = demo.load_demo("small", 2021)
    assert made.statements == 1 and made.lines >= 4 and made.matched >= 2
    st = BankStatement.objects.select_related("book", "account").get()
    from sanwu.regions.models import RoleAssignment

    assert RoleAssignment.objects.filter(user__username="accountant_1", region_id=st.book.region_id).exists()
    r = reconcile.bank_reconciliation(st.book, st.account.code, st.date_to)
    assert r["agree"] and r["items"]["bank_in"] and r["items"]["bank_out"] and (r["items"]["book_in"] or r["items"]["book_out"])
    assert demo.load_demo("small", 2021).statements == 0 and BankStatement.objects.count() == 1


def test_a_month_counts_as_reconciled_only_when_the_statements_cover_it_to_its_end():
    """A statement of 1–3 March does not reconcile March; two statements meeting mid-month do."""
    import datetime as dt

    from sanwu.ledger.services.reconcile import _covers

    d = dt.date
    assert not _covers([(d(2026, 3, 1), d(2026, 3, 3))], d(2026, 3, 1), d(2026, 3, 31))
    assert _covers([(d(2026, 2, 15), d(2026, 3, 14)), (d(2026, 3, 15), d(2026, 4, 14))], d(2026, 3, 1), d(2026, 3, 31))
    assert not _covers([(d(2026, 2, 15), d(2026, 3, 10)), (d(2026, 3, 15), d(2026, 4, 14))], d(2026, 3, 1), d(2026, 3, 31))
    assert not _covers([(d(2026, 3, 5), d(2026, 3, 31))], d(2026, 3, 1), d(2026, 3, 31))
