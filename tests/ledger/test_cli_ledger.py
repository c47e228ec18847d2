"""The ledger's CLI: `sanwu book`, `sanwu import vouchers`, `sanwu report trial-balance`,
`sanwu export beancount`, `sanwu verify` — and `--as USERNAME` keeping each user in scope."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from openpyxl import load_workbook

from sanwu.core.models import AuditEvent
from sanwu.ledger import triggers
from sanwu.ledger.models import Account, Book, Entry, OpeningBalance, Voucher

from .conftest import post_journal
from .test_import import GOOD, csv_bytes, state

JOURNAL = """
2025-03-05 收到光伏发电收入
  102  1200.50  -        bank
  501  -        1200.50  pv
2025-04-06 支付办公费
  513  300.00   -
  101  -        300.00   cash
"""


def run(*args, **kw):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **kw)
    return out.getvalue(), err.getvalue()


# --- sanwu book --------------------------------------------------------------------------------


def test_book_add_opening_and_sub_account(demo):
    village = demo.other_accountant.role_assignments.get().region_id
    out, _ = run("book", "add", "GH-1", "--region", village, "--chart", "2004", "--name", "关河村经济合作社",
                 "--credit-code", "n2340828mf1234567q", "--start", "2025-01-01")
    assert "已建立账套 GH-1" in out and "期初余额尚未确认" in out
    book = Book.objects.get(code="GH-1")
    assert (book.chart, book.start_date, book.credit_code, book.opening_confirmed) == ("2004", dt.date(2025, 1, 1), "N2340828MF1234567Q", False)

    with pytest.raises(CommandError, match="借方多 100.00 元"):
        run("book", "opening", "GH-1", "--set", "101=500.00", "102=10000", "301=-10400", "--confirm")
    assert not Book.objects.get(code="GH-1").opening_confirmed
    out, _ = run("book", "opening", "GH-1", "--set", "101=400.00", "102=10000", "301=-10400", "--confirm")
    assert "期初余额已确认" in out
    assert dict(OpeningBalance.objects.filter(book=book).values_list("account__code", "balance")) == {"101": 40000, "102": 1000000, "301": -1040000}
    with pytest.raises(CommandError, match="已确认"):
        run("book", "opening", "GH-1", "--set", "101=1")

    out, _ = run("book", "sub-account", "GH-1", "--parent", "501", "--account", "50101", "--name", "光伏发电收入", "--source", "pv")
    assert Account.objects.get(book=book, code="50101").default_source == "pv"


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["book", "add", "X", "--region", "340828000000", "--chart", "2023"], "不是已登记的村"),
        (["book", "add", "X", "--region", "340828100200", "--chart", "2023", "--credit-code", "N2340828MF1234567A"], "校验码错误"),
        (["book", "add", "X", "--region", "340828100200", "--chart", "2023", "--start", "2025-13-01"], "启用日期"),
        (["book", "opening", "NOPE", "--confirm"], "账套「NOPE」不存在"),
        (["book", "opening", "340828100200", "--set", "101=1.001"], "超过两位小数"),
        (["book", "opening", "340828100200", "--set", "101"], "科目=金额"),
    ],
)
def test_book_errors(demo, book, args, fragment):
    with pytest.raises(CommandError, match=fragment):
        run(*args)
    assert not Book.objects.filter(code="X").exists()


def test_book_add_as_a_user_is_scope_checked(demo):
    village = demo.accountant.role_assignments.get().region_id
    with pytest.raises(CommandError, match="无权"):
        run("book", "add", "DX", "--region", village, "--chart", "2023", "--as", "accountant_1")
    with pytest.raises(CommandError, match="用户「ghost」不存在"):
        run("book", "add", "DX", "--region", village, "--chart", "2023", "--as", "ghost")
    run("book", "add", "DX", "--region", village, "--chart", "2023", "--as", "county_yuexi")
    assert AuditEvent.objects.filter(action="book.create", actor=demo.county, channel="cli").exists()


# --- sanwu import vouchers ------------------------------------------------------------------------


def test_import_vouchers_post_and_drafts(demo, book, tmp_path):
    f = tmp_path / "v.csv"
    f.write_bytes(csv_bytes(GOOD))
    out, _ = run("import", "vouchers", str(f), "--book", book.code, "--post")
    assert "凭证 3 张、分录 6 条，已记账 3 张" in out and "2025-03、2025-04" in out
    assert Voucher.objects.filter(book=book, status="posted").count() == 3

    other = tmp_path / "d.csv"
    other.write_bytes(csv_bytes([[c if i != 1 else "D" + c for i, c in enumerate(r)] for r in GOOD]))
    out, _ = run("import", "vouchers", str(other), "--book", book.code, "--as", "accountant_1")
    assert "存为草稿 3 张" in out
    assert Voucher.objects.filter(book=book, status="draft", maker=demo.accountant).count() == 3


def test_import_bad_file_lists_every_row_and_writes_nothing(demo, book, tmp_path):
    rows = [list(r) for r in GOOD]
    rows[1][3] = "599"
    rows[2][4] = "1.001"
    f = tmp_path / "bad.csv"
    f.write_bytes(csv_bytes(rows))
    before = state(book)
    with pytest.raises(CommandError) as exc:
        run("import", "vouchers", str(f), "--book", book.code, "--post")
    msg = str(exc.value)
    assert "文件「bad.csv」第3行" in msg and "「599」在本账套中不存在" in msg
    assert "第4行" in msg and "超过两位小数" in msg
    assert state(book) == before
    with pytest.raises(CommandError, match="不存在"):
        run("import", "vouchers", str(tmp_path / "missing.csv"), "--book", book.code)


def test_import_scope_with_as(demo, book, other_book, tmp_path):
    f = tmp_path / "v.csv"
    f.write_bytes(csv_bytes(GOOD))
    before = state(other_book)
    with pytest.raises(CommandError, match=f"账套「{other_book.code}」不存在或不在您的管辖范围内"):
        run("import", "vouchers", str(f), "--book", other_book.code, "--post", "--as", "accountant_1")
    with pytest.raises(CommandError, match="无权导入并记账"):
        run("import", "vouchers", str(f), "--book", book.code, "--post", "--as", "auditor_yuexi")
    assert state(other_book) == before and not Voucher.objects.exists()
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.accountant, object_id=other_book.code).exists()


def big_file(n: int, month: int = 5) -> bytes:
    rows = []
    for i in range(1, n + 1):
        amount = f"{i}.{i % 100:02d}"
        rows.append([f"2025-{month:02d}-{i % 28 + 1:02d}", f"B{i}", f"批量{i}", "102", amount, "", "", "", "", ""])
        rows.append([f"2025-{month:02d}-{i % 28 + 1:02d}", f"B{i}", f"批量{i}", "501", "", amount, "", "pv", "", ""])
    return csv_bytes(rows)


def test_import_progress_lines_on_stderr_for_large_files(demo, book, tmp_path):
    f = tmp_path / "big.csv"
    f.write_bytes(big_file(1500))
    out, err = run("import", "vouchers", str(f), "--book", book.code, "--post")
    assert "凭证 1500 张、分录 3000 条" in out
    lines = err.splitlines()
    assert "读取并校验：3000/3000 行" in lines
    assert lines[-1] == "写入账套：1500/1500 张凭证" and "写入账套：0/1500 张凭证" in lines
    numbers = list(Voucher.objects.filter(book=book, month=5).order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, 1501))


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_import_progress_bar_on_a_terminal(demo, book, tmp_path):
    f = tmp_path / "big.csv"
    f.write_bytes(big_file(1200))
    err = Terminal()
    call_command("import", "vouchers", str(f), "--book", book.code, "--post", stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    assert "写入账套（张凭证）" in text and "1200/1200" in text


# --- sanwu report trial-balance -------------------------------------------------------------------


def test_report_trial_balance_formats(demo, book, tmp_path):
    post_journal(demo.accountant, book, JOURNAL)
    out, _ = run("report", "trial-balance", "--book", book.code, "--year", "2025", "--month", "3", "--format", "csv")
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["102"]["debit"] == "1200.50" and rows["501"]["closing_credit"] == "1200.50" and "513" not in rows
    assert rows[""]["name"] == "合计" and rows[""]["debit"] == rows[""]["credit"] == "1200.50"

    out, _ = run("report", "trial-balance", "--book", book.code, "--year", "2025", "--from", "3", "--to", "4", "--format", "json", "--as", "accountant_1")
    data = {r["code"]: r for r in json.loads(out)}
    assert data["101"]["credit"] == "300.00" and data["513"]["debit"] == "300.00"

    out, _ = run("report", "trial-balance", "--book", book.code, "--year", "2025", "--month", "4", "--format", "json")
    data = {r["code"]: r for r in json.loads(out)}
    assert data["102"]["opening_debit"] == "1200.50" and data["102"]["debit"] == "0.00"

    xlsx = tmp_path / "tb.xlsx"
    run("report", "trial-balance", "--book", book.code, "--year", "2025", "--format", "xlsx", "--output", str(xlsx), "--as", "township_1")
    ws = load_workbook(xlsx).active
    header = [c.value for c in ws[1]]
    assert header[:2] == ["科目编码", "科目名称"]
    values = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert float(values["102"][header.index("期末借方")]) == 1200.50


@pytest.mark.parametrize(
    "extra,fragment",
    [
        (["--month", "3", "--from", "1"], "只能选一种"),
        (["--month", "13"], "1 到 12"),
        (["--from", "5", "--to", "2"], "晚于截止月"),
        (["--as", "accountant_2"], "不存在或不在您的管辖范围内"),
        (["--as", "township_2"], "不存在或不在您的管辖范围内"),
    ],
)
def test_report_errors_and_outsiders(demo, book, extra, fragment):
    with pytest.raises(CommandError, match=fragment):
        run("report", "trial-balance", "--book", book.code, "--year", "2025", "--format", "csv", *extra)


# --- sanwu export beancount -----------------------------------------------------------------------


def test_export_beancount_to_stdout_and_file(demo, book, tmp_path):
    post_journal(demo.accountant, book, JOURNAL)
    out, _ = run("export", "beancount", "--book", book.code)
    assert 'voucher: "2025-03 记-0001"' in out and "Income:C501  -1200.50 CNY" in out
    f = tmp_path / "b.beancount"
    _, err = run("export", "beancount", "--book", book.code, "--output", str(f), "--as", "accountant_1")
    assert f.read_text(encoding="utf-8") == out and "2 张凭证" in err
    with pytest.raises(CommandError, match="不在您的管辖范围内"):
        run("export", "beancount", "--book", book.code, "--as", "accountant_2")


# --- sanwu verify ---------------------------------------------------------------------------------


def test_verify_all_books_and_one(demo, book, other_book):
    post_journal(demo.accountant, book, JOURNAL)
    out, _ = run("verify")
    assert f"{book.code} ok（2 张已记账凭证）" in out and f"{other_book.code} ok（0 张已记账凭证）" in out
    out, _ = run("verify", "--book", book.code)
    assert out.strip() == f"{book.code} ok（2 张已记账凭证）；尚未建立资产台账"  # what the asset register adds
    out, _ = run("verify", "--as", "accountant_1")
    assert book.code in out and other_book.code not in out
    with pytest.raises(CommandError, match="不存在或不在您的管辖范围内"):
        run("verify", "--book", other_book.code, "--as", "accountant_1")


def rewrite_entry(voucher, line: int, **values) -> None:
    """Change a posted entry behind the triggers' back, as someone with the database file could."""
    triggers.uninstall(connection)
    try:
        Entry.objects.filter(voucher=voucher, line=line).update(**values)
    finally:
        triggers.install(connection)


def test_verify_names_the_tampered_voucher(demo, book, other_book):
    vs = post_journal(demo.accountant, book, JOURNAL)
    rewrite_entry(vs[1], 1, debit=30001)
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("verify", stdout=out)
    assert "第一张不再相符的凭证：2025-04 记-0001" in str(exc.value) and f"账套 {book.code}" in str(exc.value)
    assert "被改动" in out.getvalue() and f"{other_book.code} ok" in out.getvalue()


# --- sanwu book import|export|verify: the area's verbs, the verb-first spellings as aliases -------


def test_book_import_is_the_import_vouchers_command(demo, book, other_book, tmp_path):
    f = tmp_path / "v.csv"
    f.write_bytes(csv_bytes(GOOD))
    out, _ = run("book", "import", book.code, str(f), "--post")
    assert out.strip() == f"导入完成：账套 {book.code}，文件「v.csv」，凭证 3 张、分录 6 条，已记账 3 张；月份 2025-03、2025-04"
    assert Voucher.objects.filter(book=book, status="posted").count() == 3
    # the outsider: another village's book does not exist for this accountant, nothing is written
    before = state(other_book)
    with pytest.raises(CommandError, match=f"账套「{other_book.code}」不存在或不在您的管辖范围内"):
        run("book", "import", other_book.code, str(f), "--post", "--as", "accountant_1")
    assert state(other_book) == before
    drafts = tmp_path / "d.csv"
    drafts.write_bytes(csv_bytes([[c if i != 1 else "D" + c for i, c in enumerate(r)] for r in GOOD]))
    out, _ = run("book", "import", book.code, str(drafts), "--as", "accountant_1")
    assert "存为草稿 3 张（待提交审核）" in out
    assert Voucher.objects.filter(book=book, status="draft", maker=demo.accountant).count() == 3


def test_book_export_and_verify_print_what_the_old_spellings_print(demo, book, other_book, tmp_path):
    post_journal(demo.accountant, book, JOURNAL)
    assert run("book", "export", book.code) == run("export", "beancount", "--book", book.code)
    f = tmp_path / "b.beancount"
    _, err = run("book", "export", book.code, "--output", str(f), "--as", "accountant_1")
    assert f.read_text(encoding="utf-8") == run("export", "beancount", "--book", book.code)[0] and "2 张凭证" in err
    assert run("book", "verify") == run("verify")
    out, _ = run("book", "verify", book.code)
    assert out == run("verify", "--book", book.code)[0] == f"{book.code} ok（2 张已记账凭证）；尚未建立资产台账\n"
    out, _ = run("book", "verify", "--as", "accountant_1")
    assert book.code in out and other_book.code not in out
    for args in (["book", "export", other_book.code], ["book", "verify", other_book.code]):
        with pytest.raises(CommandError, match="不存在或不在您的管辖范围内"):
            run(*args, "--as", "accountant_1")


def test_book_verify_names_the_tampered_voucher_like_verify(demo, book):
    vs = post_journal(demo.accountant, book, JOURNAL)
    rewrite_entry(vs[0], 1, debit=120051)
    failures = []
    for args in (["book", "verify", book.code], ["verify", "--book", book.code]):
        out = io.StringIO()
        with pytest.raises(CommandError) as exc:
            call_command(*args, stdout=out)
        failures.append((out.getvalue(), str(exc.value)))
    assert failures[0] == failures[1]
    assert "第一张不再相符的凭证：2025-03 记-0001" in failures[0][1]


# --- a table for people when no --format is given -----------------------------------------------


def test_report_without_format_draws_a_table_on_a_terminal_and_csv_in_a_pipe(demo, book, tmp_path, monkeypatch):
    post_journal(demo.accountant, book, JOURNAL)
    args = ["report", "trial-balance", "--book", book.code, "--year", "2025", "--month", "3"]
    monkeypatch.setenv("COLUMNS", "160")
    screen = Terminal()
    call_command(*args, stdout=screen)
    lines = screen.getvalue().splitlines()
    assert f"{book.name} 科目余额表 2025年3月" in lines[0]
    assert "科目编码" in lines[2] and "期末借方" in lines[2] and "code,name" not in screen.getvalue()
    row = next(line for line in lines if " 102 " in line)
    assert "1,200.50" in row and "银行存款" in row
    assert any("合计" in line and "1,200.50" in line for line in lines)
    assert "共 5 行" in lines[-1]
    # a script reading a pipe gets the CSV it always got, the same as --format csv
    piped, _ = run(*args)
    assert piped == run(*args, "--format", "csv")[0] and piped.startswith("code,name,")
    # --output without --format: the format the extension names, CSV for any other
    run(*args, "--output", str(tmp_path / "tb.json"))
    assert {r["code"]: r for r in json.loads((tmp_path / "tb.json").read_text(encoding="utf-8"))}["102"]["debit"] == "1200.50"
    run(*args, "--output", str(tmp_path / "tb.txt"))
    assert (tmp_path / "tb.txt").read_bytes().decode("utf-8") == piped


# --- the ledger's commands know nothing of the apps above it --------------------------------------


def test_ledger_commands_import_no_app_above_the_ledger():
    import ast
    from pathlib import Path

    import sanwu.ledger

    above = ("sanwu.economy", "sanwu.disclosure", "sanwu.oversight", "sanwu.decisions", "sanwu.partywork", "sanwu.assessment")
    root = Path(sanwu.ledger.__file__).parent
    for path in [root / "hooks.py", *sorted((root / "management" / "commands").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n.startswith(above)], path.name


def test_report_economy_comes_from_the_economy_app_registration():
    from sanwu.economy.management.commands import economy as cli
    from sanwu.ledger import hooks

    (economy,) = [r for r in hooks.registered_reports() if r.name == "economy"]
    assert (economy.add_arguments, economy.run) == (cli.add_report_arguments, cli.run_report)
