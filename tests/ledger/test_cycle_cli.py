"""A book's whole year from the command line, as the village accountant and the township would
run it: open the book, enter and confirm the opening balances, import the year's vouchers,
close January to November, close the year (结转), close December, and print every statement
as JSON — the statements tie with each other and with the vouchers imported."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanwu.ledger.models import Period, Voucher

VOUCHERS = """日期,凭证号,摘要,科目编码,借方金额,贷方金额
2025-02-10,1,收到机动地承包费,102,80000.00,
2025-02-10,1,收到机动地承包费,51101,,80000.00
2025-05-20,2,收到光伏发电收入,102,120000.00,
2025-05-20,2,收到光伏发电收入,501,,120000.00
2025-07-03,3,支付村部水电费,541,6500.00,
2025-07-03,3,支付村部水电费,102,,6500.00
2025-11-18,4,道路维修,551,20000.00,
2025-11-18,4,道路维修,102,,20000.00
"""


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def statement(name: str, code: str, user) -> dict:
    return json.loads(run("report", name, "--book", code, "--year", "2025", "--format", "json", "--as", user.username))


@pytest.fixture
def opened(demo, tmp_path):
    village = demo.accountant.role_assignments.get().region_id
    code = f"C{village}"
    run("book", "add", code, "--region", village, "--chart", "2004", "--start", "2025-01-01")
    acc = demo.accountant.username
    run("book", "opening", code, "--set", "102=50000.00", "301=-50000.00", "--confirm", "--as", acc)
    path = tmp_path / "vouchers.csv"
    path.write_text(VOUCHERS, encoding="utf-8")
    run("book", "import", code, str(path), "--post", "--as", acc)
    return code


def test_a_year_from_opening_to_the_year_end_closing_on_the_command_line(demo, opened):
    code, acc = opened, demo.accountant
    run("book", "close", code, "--from", "2025-01", "--to", "2025-11", "--as", acc.username)
    # December waits for the closing: income and expense still carry balances
    with pytest.raises(CommandError, match="年终结转"):
        run("book", "close", code, "--from", "2025-12", "--to", "2025-12", "--as", acc.username)
    said = run("book", "year-end", code, "--year", "2025", "--as", acc.username)
    assert "2025年损益已结转" in said
    run("book", "close", code, "--from", "2025-12", "--to", "2025-12", "--as", acc.username)
    assert Period.objects.get(book__code=code, year=2025, month=12).status == "audit_hold"

    sheet = statement("balance-sheet", code, acc)
    income = statement("income-statement", code, acc)
    assert sheet["book"]["code"] == code and income["book"]["code"] == code
    by_name = {line["name"]: line for line in sheet["lines"]}
    # 50,000 opening + 80,000 + 120,000 − 6,500 − 20,000 in the bank
    assert by_name["货币资金"]["end_fen"] == 22_350_000
    assert by_name["资产总计"]["end_fen"] == by_name["负债和所有者权益总计"]["end_fen"] == 22_350_000
    # the year's income 173,500 is undistributed at the year's end, on both statements
    assert by_name["未分配收益"]["end_fen"] == 17_350_000
    lines = {line["name"]: line for line in income["lines"]}
    assert lines["本年收益"]["amount_fen"] == 17_350_000
    assert lines["年末未分配收益"]["amount_fen"] == by_name["未分配收益"]["end_fen"]
    assert all(isinstance(line["amount_fen"], int) for line in income["lines"] if line["amount_fen"] is not None)

    for name, extra in (("general-ledger", []), ("cash-journal", []), ("bank-journal", []), ("account-ledger", ["--account", "102"])):
        doc = json.loads(run("report", name, "--book", code, "--year", "2025", *extra, "--format", "json", "--as", acc.username))
        assert {"book", "period", "lines"} <= set(doc)
    bank = json.loads(run("report", "bank-journal", "--book", code, "--year", "2025", "--format", "json", "--as", acc.username))
    assert [line["balance_fen"] for line in bank["lines"] if line.get("voucher")][-1] == 22_350_000


def test_an_outsider_runs_none_of_the_cycle(demo, opened):
    other = demo.other_accountant.username
    for args in (
        ("book", "close", opened, "--from", "2025-01", "--to", "2025-01", "--as", other),
        ("book", "year-end", opened, "--year", "2025", "--as", other),
        ("report", "balance-sheet", "--book", opened, "--year", "2025", "--format", "json", "--as", other),
    ):
        with pytest.raises(CommandError, match="不存在或不在您的管辖范围内"):
            run(*args)
    assert not Period.objects.filter(book__code=opened).exclude(status="open").exists()
    assert not Voucher.objects.filter(book__code=opened, kind="closing").exists()
    # the same steps as the book's own accountant do happen
    run("book", "close", opened, "--from", "2025-01", "--to", "2025-01", "--as", demo.accountant.username)
    assert Period.objects.get(book__code=opened, year=2025, month=1).status == "audit_hold"
