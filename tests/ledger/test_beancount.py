"""Beancount export: bean-check accepts it, and the balances Beancount computes equal Sanwu's
trial balance, account by account (parents included), to the fen."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import realization

from sanwu.ledger.services import beancount as export
from sanwu.ledger import services
from sanwu.ledger.models import Account, Voucher
from sanwu.ledger.services.reports import trial_balance

from .conftest import post_journal

BEAN_CHECK = str(Path(sys.executable).parent / "bean-check")

JOURNAL = """
2025-01-05 收到光伏发电收入
  102    120000.50  -          bank
  50101  -          120000.50  pv
2025-02-10 收到土地承包金
  101    8000.00    -          cash
  51101  -          8000.00    contracting 张三
2025-03-15 支付办公费
  541    612.34     -
  101    -          612.34     cash
2025-03-20 红字更正多记的电费
  102    -100.00    -          bank
  50101  -          -100.00    pv
2025-06-30 上级补助
  102    50000.00   -          bank
  522    -          50000.00   subsidy
"""


@pytest.fixture
def full_book(demo):
    """A 2004-chart book with opening balances, sub-accounts (standard and our own), a red-ink
    correction, a reversal linked to its voucher, and the year-end closing."""
    village = demo.other_accountant.role_assignments.get().region_id
    b = services.create_book(None, "BC-1", village, "2004", start_date=dt.date(2025, 1, 1))
    services.add_sub_account(None, b, "501", "50101", "光伏发电收入", default_source="pv")
    services.set_opening_balances(None, b, {"101": 150000, "102": 98765432, "151": 50000000, "301": -148915432})
    services.confirm_opening(None, b)
    vs = post_journal(demo.other_accountant, b, JOURNAL)
    services.close_year(demo.other_accountant, b, 2025)
    rev = services.start_reversal(demo.other_accountant, vs[2])
    services.submit(demo.other_accountant, rev)
    services.review_and_post(demo.other_township, rev)
    return b


def beancount_balances(text: str, upto: dt.date | None = None):
    """(balance in fen of a Beancount account, children included; the loader's errors)."""
    entries, errors, _ = loader.load_string(text)
    if upto is not None:
        entries = [e for e in entries if e.date <= upto]
    root = realization.realize(entries)

    def fen_of(name):
        node = realization.get(root, name)
        if node is None:
            return 0
        inv = realization.compute_balance(node)
        pos = inv.get_currency_units("CNY")
        return int(pos.number * 100)

    return fen_of, errors


def test_amounts_are_exact_and_strings_escaped():
    assert export.amount(0) == "0.00"
    assert export.amount(-5) == "-0.05"
    assert export.amount(120050) == "1200.50"
    assert export.amount(123456789012345678) == "1234567890123456.78"
    assert export.quote('他说"好"\\\n再见') == '"他说\\"好\\"\\\\ 再见"'


def test_bean_check_accepts_the_export(full_book, tmp_path):
    text = export.export_book(full_book)
    path = tmp_path / "book.beancount"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run([BEAN_CHECK, str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    assert 'open Income:C501:C50101 CNY' in text and 'name: "光伏发电收入"' in text
    assert "Income:C511:C51101" in text and "Assets:C151" in text and "Equity:Opening-Balances" in text
    # Every posted voucher appears once, with its label and hash.
    for v in Voucher.objects.filter(book=full_book, status="posted"):
        assert text.count(f'hash: "{v.hash}"') == 1 and f'voucher: "{v.label}"' in text
    assert 'reverses: "2025-03 记-0001"' in text


def test_beancount_balances_equal_the_trial_balance(full_book):
    text = export.export_book(full_book)
    names = export.account_names(full_book)
    accounts = list(Account.objects.filter(book=full_book))
    year = services.today().year
    # Mid-2025 (income and expenses still open), end of 2025 (after the closing), and now.
    for upto, tb in (
        (dt.date(2025, 6, 30), trial_balance(full_book, 2025, 1, 6)),
        (dt.date(2025, 12, 31), trial_balance(full_book, 2025, 1, 12)),
        (None, trial_balance(full_book, year, 1, 12)),
    ):
        fen_of, errors = beancount_balances(text, upto)
        assert errors == []
        rows = {r["code"]: r for r in tb["rows"]}
        for acc in accounts:
            row = rows.get(acc.code)
            sanwu = (row["closing_debit"] - row["closing_credit"]) if row else 0
            assert fen_of(names[acc.pk]) == sanwu, (upto, acc)
        assert len(rows) >= 7
    fen_of, _ = beancount_balances(text, dt.date(2025, 6, 30))
    assert fen_of("Income:C501") == -(120000_50 - 100_00) and fen_of("Income:C511:C51101") == -8000_00
    fen_of, _ = beancount_balances(text)
    # Roots: assets = -(liabilities + equity + income + expenses), all in balance.
    assert sum(fen_of(r) for r in ("Assets", "Liabilities", "Equity", "Income", "Expenses")) == 0
    # The year-end closing emptied 2025's income and expenses into 未分配收益.
    tb25 = trial_balance(full_book, 2025, 12, 12)
    undistributed = next(r for r in tb25["rows"] if r["code"] == "32202")
    assert undistributed["closing_credit"] == 120000_50 - 100_00 + 8000_00 + 50000_00 - 612_34
    assert fen_of(names[Account.objects.get(book=full_book, code="101").pk]) == 150000 + 800000 - 61234 + 61234


def test_a_2023_book_with_only_vouchers(demo, tmp_path):
    village = demo.accountant.role_assignments.get().region_id
    book = services.create_book(None, "BC-2", village, "2023", start_date=dt.date(2025, 1, 1))
    services.confirm_opening(None, book)
    post_journal(demo.accountant, book, "2025-03-05 电费\n  102 1200.50 -\n  501 - 1200.50 pv\n2025-04-01 成本\n  401 10.00 -\n  102 - 10.00\n")
    text = export.export_book(book)
    assert '* "期初余额"' not in text  # no opening transaction without opening balances
    fen_of, errors = beancount_balances(text)
    assert errors == []
    assert fen_of("Income:C501") == -120050 and fen_of("Assets:C401") == 1000  # work in progress stays an asset
    (tmp_path / "b.beancount").write_text(text, encoding="utf-8")
    proc = subprocess.run([BEAN_CHECK, str(tmp_path / "b.beancount")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_empty_book_exports_cleanly(other_book):
    text = export.export_book(other_book)
    _, errors = beancount_balances(text)
    assert errors == [] and "open Equity:Opening-Balances" in text and "voucher:" not in text
