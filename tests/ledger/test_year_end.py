"""The year end enforced (issue 12 items 0, 1 and 7): the distribution section counts credits
back and shows the official lines, the closing leaves 本年收益 and every income and expense
account at zero, December waits for the closing, a closed year takes no more income or expense
until a county supervisor reopens it with a reason, a closing of a past year cannot be reversed
into a later year, and `sanwu book year-end` runs the same service as the page.

Book Y-2004 (2004 chart), opened 2025-01-01 with 100,000 yuan cash against 资本; in 2025 a sale
of 300,000 and 50,000 of management expenses, then the distribution 借 农户分配 10,000 / 贷 应付款
corrected by 借 应付款 4,000 / 贷 农户分配 (各项分配 6,000)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.ledger import services
from sanwu.ledger.models import Account, Period, Voucher
from sanwu.ledger.services import reports
from sanwu.ledger.charts import EXPENSE_ROLES, INCOME_ROLES
from sanwu.ledger.services.verify import verify_book

from .conftest import post_journal

Y = 100

SALES = """
2025-03-01 销售农产品
  101    300000.00  -
  501    -          300000.00
2025-06-30 办公费
  541    50000.00   -
  101    -          50000.00
"""


def _dist(book) -> Account:
    """The 各项分配 leaf for payouts to households (农户分配 where the chart has it)."""
    leaves = Account.objects.filter(book=book, is_leaf=True, roles__contains="distribution_items").order_by("code")
    return next((a for a in leaves if "农户" in a.name), None) or leaves.first()


DISTRIBUTION = """
2025-12-20 分配到户
  {dist}   10000.00   -
  202      -          10000.00
2025-12-28 更正分配（多分部分收回）
  202      4000.00    -
  {dist}   -          4000.00
"""


@pytest.fixture
def book(demo):
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(demo.county, "Y-2004", village, "2004", start_date=dt.date(2025, 1, 1))
    services.set_opening_balances(demo.accountant, b, {"101": 100000 * Y, "301": -100000 * Y})
    services.confirm_opening(demo.accountant, b)
    post_journal(demo.accountant, b, SALES)
    return b


def _sheet(bs) -> dict[str, int]:
    return {r["label"]: r["closing"] for r in bs["assets"] + bs["liabilities"]}


def _balances(book, year):
    bal = reports.balances_for(book, year, 12)
    return {a.code: bal.get(a.pk, [0, 0, 0, 0])[3] for a in Account.objects.filter(book=book, is_leaf=True)}


def _close_months(user, book, last):
    return services.close_months(user, book, (2025, 1), last)


# --- The statement ---------------------------------------------------------------------------------


def test_a_distribution_credited_back_counts_and_the_statement_ties_with_the_sheet(demo, book):
    post_journal(demo.accountant, book, DISTRIBUTION.format(dist=_dist(book).code))
    for when in ("before", "after"):
        st = reports.income_statement(book, 2025)
        distributed = sum(r["amount"] for r in st["rows"] if r["kind"] == "distribution")
        assert distributed == 6000 * Y, when  # 10,000 − 4,000 credited back
        assert st["by_label"]["本年收益"] == 250000 * Y
        assert st["by_label"]["年末未分配收益"] == (250000 - 6000) * Y
        assert st["by_label"]["年末未分配收益"] == _sheet(reports.balance_sheet(book, 2025, 12))["未分配收益"]
        if when == "before":
            services.close_year(demo.accountant, book, 2025)


def test_the_distribution_section_has_the_official_lines_from_the_chart_data(demo, book):
    labels = [r["label"] for r in reports.income_statement(book, 2025)["rows"]]
    assert labels[labels.index("本年收益"):] == [
        "本年收益", "加：年初未分配收益", "其他转入", "可分配收益",
        "减：提取公积公益金", "提取应付福利费", "外来投资分利", "农户分配", "其他", "年末未分配收益",
    ]
    subs = Account.objects.filter(book=book, parent__roles__contains="distribution_items").order_by("code")
    assert [(a.code, a.name) for a in subs] == [
        ("3220101", "提取公积公益金"), ("3220102", "提取应付福利费"), ("3220103", "外来投资分利"), ("3220104", "农户分配"), ("3220105", "其他"),
    ]
    post_journal(demo.accountant, book, DISTRIBUTION.format(dist=_dist(book).code))
    v = reports.income_statement(book, 2025)["by_label"]
    assert v["农户分配"] == 6000 * Y and v["减：提取公积公益金"] == v["其他"] == 0


def test_the_2023_statement_has_other_transfers_in_and_its_distribution_lines(demo):
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(demo.county, "Y-2023", village, "2023", start_date=dt.date(2025, 1, 1))
    services.set_opening_balances(demo.accountant, b, {"101": 1000 * Y, "311": -5000 * Y, "301": 4000 * Y})
    services.confirm_opening(demo.accountant, b)
    # 公积公益金 used to cover a loss: 其他转入
    post_journal(demo.accountant, b, "2025-05-01 公积公益金弥补亏损\n  311  2000.00  -\n  32202  -  2000.00\n")
    st = reports.income_statement(b, 2025)
    labels = [r["label"] for r in st["rows"]]
    assert labels[labels.index("净收益"):] == [
        "净收益", "加：年初未分配收益", "其他转入", "可分配收益", "减：提取公积公益金", "向成员分配", "其他", "年末未分配收益",
    ]
    assert st["by_label"]["其他转入"] == 2000 * Y
    assert st["by_label"]["年末未分配收益"] == _sheet(reports.balance_sheet(b, 2025, 12))["未分配收益"]
    from sanwu.ledger.charts import CHART_2023

    assert next(a for a in CHART_2023 if a.name == "向成员分配").note  # marked as not verified


# --- The closing -----------------------------------------------------------------------------------


def test_after_the_closing_income_expense_and_current_year_income_are_zero_and_lines_in_code_order(demo, book):
    post_journal(demo.accountant, book, DISTRIBUTION.format(dist=_dist(book).code))
    closing = services.close_year(demo.accountant, book, 2025)
    bal = _balances(book, 2025)
    roles = {a.code: a.role_set for a in Account.objects.filter(book=book)}
    for code, amount in bal.items():
        if roles[code] & (INCOME_ROLES | EXPENSE_ROLES | {"current_year_income", "distribution_items"}):
            assert amount == 0, code
    assert bal["32202"] == -(250000 - 6000) * Y
    for v in closing:
        codes = [e.account.code for e in v.entries.select_related("account").order_by("line")]
        assert codes == sorted(codes), codes
    assert verify_book(book).ok


def test_december_cannot_close_before_the_year_end_closing(demo, book):
    with pytest.raises(Invalid, match="年终结转"):
        _close_months(demo.accountant, book, (2025, 12))
    assert not Period.objects.filter(book=book).exclude(status="open").exists()  # all or nothing
    _close_months(demo.accountant, book, (2025, 11))  # the months before close
    services.close_year(demo.accountant, book, 2025)
    services.close_month(demo.accountant, book, 2025, 12)
    assert Period.objects.get(book=book, year=2025, month=12).status == "audit_hold"


def test_a_closed_year_takes_no_income_or_expense_but_distributions_until_december_closes(demo, book):
    services.close_year(demo.accountant, book, 2025)
    with pytest.raises(Invalid, match="已年终结转"):
        post_journal(demo.accountant, book, "2025-12-31 收到租金\n  101  5000.00  -\n  501  -  5000.00\n")
    with pytest.raises(Invalid, match="已年终结转"):  # a draft saved for it is refused alike
        services.save_draft(demo.accountant, book, services.VoucherDraft(dt.date(2025, 12, 31), "办公费", [
            services.EntryDraft("541", debit=100 * Y), services.EntryDraft("101", credit=100 * Y)]))
    # the distribution plan's vouchers, dated 12-31, after the closing
    post_journal(demo.accountant, book, DISTRIBUTION.format(dist=_dist(book).code).replace("12-20", "12-31").replace("12-28", "12-31"))
    with pytest.raises(Invalid, match="各项分配"):  # ... and closed into 未分配收益 before December closes
        _close_months(demo.accountant, book, (2025, 12))
    again = services.close_year(demo.accountant, book, 2025)  # the closing run again closes what is left
    assert len(again) == 1
    _close_months(demo.accountant, book, (2025, 12))
    assert _balances(book, 2025)["32202"] == -(250000 - 6000) * Y
    # the next year takes income as ever
    post_journal(demo.accountant, book, "2026-01-05 收到租金\n  101  5000.00  -\n  501  -  5000.00\n")


def test_a_closing_of_a_past_year_cannot_be_reversed_into_a_later_year(demo, book):
    first = services.close_year(demo.accountant, book, 2025)[0]
    drafts = [services.VoucherDraft(dt.date(2026, 1, 5), "冲销结转", [
        services.EntryDraft(e.account.code, -e.debit, -e.credit) for e in first.entries.select_related("account")
    ], reverses_id=first.pk, kind="closing")]
    with pytest.raises(Invalid, match="不能冲销到以后年度"):
        services.post_drafts(demo.accountant, book, drafts)
    # the accountant's reversal of a closing is dated on the closing's day, in its year
    draft = services.start_reversal(demo.accountant, first)
    assert draft.date == dt.date(2025, 12, 31) and draft.kind == "closing"


def test_reopening_a_closed_year_is_the_county_supervisors_with_a_reason(demo, book):
    services.close_year(demo.accountant, book, 2025)
    _close_months(demo.accountant, book, (2025, 12))
    for user in (demo.accountant, demo.township):
        with pytest.raises(Refused):
            services.reopen_year(user, book, 2025, "漏记租金")
    with pytest.raises(Invalid, match="原因"):
        services.reopen_year(demo.county, book, 2025, " ")
    head = book.chain_head
    reversals = services.reopen_year(demo.county, book, 2025, "漏记12月租金")
    assert len(reversals) == 2 and all(v.date == dt.date(2025, 12, 31) and v.kind == "closing" and v.reverses_id for v in reversals)
    assert Period.objects.get(book=book, year=2025, month=12).status == "open"
    assert AuditEvent.objects.filter(action="ledger.year.reopen", note="漏记12月租金").exists()
    assert _balances(book, 2025)["501"] == -300000 * Y  # income is back in its account
    post_journal(demo.accountant, book, "2025-12-31 收到租金\n  101  5000.00  -\n  501  -  5000.00\n")
    services.close_year(demo.accountant, book, 2025)
    services.close_month(demo.accountant, book, 2025, 12)
    assert _balances(book, 2025)["32202"] == -255000 * Y
    book.refresh_from_db()
    assert book.chain_head != head and verify_book(book).ok  # nothing posted was changed
    with pytest.raises(Invalid, match="没有已结转"):
        services.reopen_year(demo.county, book, 2024, "无")


# --- The command ------------------------------------------------------------------------------------


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_cli_year_end_runs_the_closing_as_the_page_does(demo, book):
    with pytest.raises(CommandError, match="无权"):
        run("book", "year-end", book.code, "--year", "2025", "--as", demo.secretary.username)
    with pytest.raises(CommandError, match="不存在或不在您的管辖范围内"):
        run("book", "year-end", book.code, "--year", "2025", "--as", demo.other_accountant.username)
    assert not Voucher.objects.filter(book=book, kind="closing").exists()
    out = run("book", "year-end", book.code, "--year", "2025", "--as", demo.accountant.username)
    assert "2025年损益已结转" in out and "2 张" in out
    assert Voucher.objects.filter(book=book, kind="closing", poster=demo.accountant).count() == 2
    with pytest.raises(CommandError, match="没有需要结转"):
        run("book", "year-end", book.code, "--year", "2025")


def test_cli_reopens_a_year_for_the_county_supervisor_only(demo, book):
    run("book", "year-end", book.code, "--year", "2025", "--as", demo.accountant.username)
    with pytest.raises(CommandError, match="县级监管"):
        run("book", "reopen-year", book.code, "--year", "2025", "--reason", "漏记租金", "--as", demo.accountant.username)
    out = run("book", "reopen-year", book.code, "--year", "2025", "--reason", "漏记租金", "--as", demo.county.username)
    assert "2025年的结转已冲销" in out and "红字凭证 2 张" in out
    assert Voucher.objects.filter(book=book, kind="closing").count() == 4  # two closings, two reversals
    assert verify_book(book).ok
    run("book", "year-end", book.code, "--year", "2025", "--as", demo.accountant.username)


# --- Books opened before the sub-accounts ------------------------------------------------------------


def _as_before_the_sub_accounts(book):
    """The book as it was opened before charts.py had 各项分配's sub-accounts."""
    parent = Account.objects.get(book=book, roles="distribution_items")
    Account.objects.filter(parent=parent).delete()
    Account.objects.filter(pk=parent.pk).update(is_leaf=True)
    return parent.code


def test_the_migration_adds_the_sub_accounts_only_where_no_entry_needs_moving(demo, book):
    import importlib
    import pkgutil

    from django.apps import apps

    import sanwu.ledger.migrations as migrations

    name = next(m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name.endswith("_distribution_sub_accounts"))
    migration = importlib.import_module(f"{migrations.__name__}.{name}")
    village = demo.other_accountant.role_assignments.get().region_id
    used = services.create_book(None, "Y-USED", village, "2004", start_date=dt.date(2025, 1, 1))
    services.set_opening_balances(None, used, {"101": 100000 * Y, "301": -100000 * Y})
    services.confirm_opening(None, used)
    code = _as_before_the_sub_accounts(book)
    _as_before_the_sub_accounts(used)
    post_journal(None, used, SALES + DISTRIBUTION.format(dist=code))
    migration.add_sub_accounts(apps, None)
    assert [a.name for a in Account.objects.filter(book=book, parent__code=code).order_by("code")] == [
        "提取公积公益金", "提取应付福利费", "外来投资分利", "农户分配", "其他",
    ]
    assert not Account.objects.get(book=book, code=code).is_leaf
    # the book with entries on its leaf 各项分配 keeps it; its statement shows them under 其他
    assert Account.objects.get(book=used, code=code).is_leaf and not Account.objects.filter(book=used, parent__code=code).exists()
    v = reports.income_statement(used, 2025)["by_label"]
    assert v["其他"] == 6000 * Y and v["农户分配"] == 0
    assert v["年末未分配收益"] == _sheet(reports.balance_sheet(used, 2025, 12))["未分配收益"]
    assert verify_book(used).ok and verify_book(book).ok


# --- The page ------------------------------------------------------------------------------------


def test_the_year_end_page_shows_the_order_and_the_county_reopens_the_year_there(demo, as_user, book):
    from django.urls import reverse

    page, reopen = (reverse(f"ledger:{n}", args=[book.code, 2025]) for n in ("year_end", "year_reopen"))
    acc, county = as_user(demo.accountant), as_user(demo.county)
    text = acc.get(page).content.decode()
    assert "损益尚未结转" in text and "12月可保留到 2026年3月31日 前结账" in text and "请先进行2025年年终结转" in text
    assert acc.post(page).status_code == 302
    text = acc.get(page).content.decode()
    assert "损益已结转" in text and reopen not in text  # the accountant does not reopen a year
    assert acc.post(reopen, {"reason": "漏记"}).status_code == 403
    assert as_user(demo.township).post(reopen, {"reason": "漏记"}).status_code == 403
    assert as_user(demo.other_accountant).post(reopen, {"reason": "漏记"}).status_code == 404
    assert reopen in county.get(page).content.decode()
    answer = county.post(reopen, {"reason": ""})
    assert answer.status_code == 422 and "请填写反结转原因" in answer.content.decode()
    assert county.post(reopen, {"reason": "漏记12月租金"}).status_code == 302
    assert not services.year_closed(book, 2025) and "损益尚未结转" in acc.get(page).content.decode()


def test_one_batch_cannot_slip_income_in_after_its_own_closing(demo, book):
    closing = services.year_end_drafts(book, 2025)
    late = services.VoucherDraft(dt.date(2025, 12, 31), "收到租金", [services.EntryDraft("101", debit=5000 * Y), services.EntryDraft("501", credit=5000 * Y)])
    with pytest.raises(Invalid, match="已年终结转"):
        services.post_drafts(demo.accountant, book, closing + [late])
    assert not Voucher.objects.filter(book=book, kind="closing").exists()
    services.post_drafts(demo.accountant, book, [late] + closing)  # before it in the same batch: taken
    assert _balances(book, 2025)["501"] == -5000 * Y  # (the closing was computed without it: December waits)
    assert services.year_end_left(book, 2025)
