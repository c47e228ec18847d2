"""The posting rules for any vouchers, not only the ones we thought of (hypothesis): a voucher the
services accept balances, one that does not balance is refused, and after any sequence of posts
(one by one through review, or as a batch) and reversals the kept totals — AccountMonth, RoleYear,
SourceMonth — equal the sums over the posted entries, and `verify` finds the chain intact.

Every example runs in a savepoint rolled back at its end, so each starts from the same empty book
(tests/ledger/conftest.py: 大歇村, 2023 chart, opened 2025-01-01)."""

import datetime as dt
from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanwu.core.errors import Invalid
from sanwu.ledger import services
from sanwu.ledger.charts import SOURCES
from sanwu.ledger.models import AccountMonth, Entry, RoleYear, SourceMonth, Voucher
from sanwu.ledger.services import FLOW_ROLES, EntryDraft, VoucherDraft
from sanwu.ledger.services.verify import verify_book

pytestmark = pytest.mark.django_db

# Accounts by role (never a literal code): money, income, expenses.
ROLES = ["cash", "bank", "operating_income", "subsidy_income", "other_income", "management_expense", "operating_expense"]
AMOUNT = st.integers(min_value=1, max_value=10_000_000)  # up to 10 万元 an entry
FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@st.composite
def drafts(draw, balanced=None, roles=ROLES):
    """A voucher of 2–7 entries on the book's accounts (by role), dated in 2025, red-ink
    (negative) amounts among them; balanced unless `balanced` is False (then off by a few fen),
    or either way when None."""
    n = draw(st.integers(min_value=1, max_value=4))
    entries = []
    for _ in range(n):
        role = draw(st.sampled_from(roles))
        side = draw(st.sampled_from(["debit", "credit"]))
        amount = draw(AMOUNT) * draw(st.sampled_from([1, 1, 1, -1]))
        source = draw(st.sampled_from(["", *SOURCES])) if role.endswith("income") else ""
        entries.append((role, side, amount, source))
    debit = sum(a for _, side, a, _ in entries if side == "debit")
    credit = sum(a for _, side, a, _ in entries if side == "credit")
    gap = debit - credit
    if balanced is None:
        balanced = draw(st.booleans())
    if not balanced:
        gap += draw(st.sampled_from([-3, -1, 1, 7]))
    if gap == 0:
        gap = draw(AMOUNT)  # one more pair, so the voucher has two entries at least
        entries.append((draw(st.sampled_from(roles)), "debit", gap, ""))
    entries.append((draw(st.sampled_from(roles)), "credit" if gap > 0 else "debit", abs(gap), ""))
    if sum(a for _, side, a, _ in entries if side == "debit") == 0:  # red ink cancelled it all out
        entries += [("bank", "debit", 100, ""), ("operating_income", "credit", 100, "")]
    day = draw(st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2025, 12, 31)))
    return day, entries, balanced


def to_draft(book, accounts, spec) -> VoucherDraft:
    day, entries, _balanced = spec
    return VoucherDraft(
        date=day, summary="随机凭证",
        entries=[
            EntryDraft(account=accounts[role].code, debit=amount if side == "debit" else 0, credit=amount if side == "credit" else 0, source=source)
            for role, side, amount, source in entries
        ],
    )


def balances(voucher: Voucher) -> bool:
    rows = list(Entry.objects.filter(voucher=voucher).values_list("debit", "credit"))
    return len(rows) >= 2 and sum(d for d, _ in rows) == sum(c for _, c in rows)


def role_accounts(book) -> dict:
    return {role: services.accounts_with_role(book, role)[0] for role in ROLES}


@pytest.fixture
def ledger(demo, book):
    return demo, book, role_accounts(book)


def in_savepoint(fn):
    with transaction.atomic():
        try:
            return fn()
        finally:
            transaction.set_rollback(True)


def post_one(demo, book, draft) -> Voucher:
    """The single path: made by the accountant, reviewed and posted by the township."""
    v = services.save_draft(demo.accountant, book, draft)
    services.submit(demo.accountant, v)
    return services.review_and_post(demo.township, v)


@FIXTURES
@given(spec=drafts())
def test_an_accepted_voucher_balances_and_an_unbalanced_one_is_refused(ledger, spec):
    demo, book, accounts = ledger

    def run():
        try:
            v = post_one(demo, book, to_draft(book, accounts, spec))
        except Invalid as exc:
            # refused: unbalanced, or (a rule about cash) it touches cash — never a plain balanced one
            assert not spec[2] or any(role == "cash" for role, *_ in spec[1]), exc
            return
        assert spec[2], "an unbalanced voucher was posted"
        assert v.status == "posted" and balances(v)

    in_savepoint(run)


@FIXTURES
@given(specs=st.lists(drafts(), min_size=1, max_size=6))
def test_a_batch_is_posted_whole_and_balanced_or_not_at_all(ledger, specs):
    demo, book, accounts = ledger

    def run():
        before = Voucher.objects.filter(book=book).count()
        try:
            posted = services.post_drafts(demo.accountant, book, [to_draft(book, accounts, s) for s in specs])
        except Invalid:
            assert not all(s[2] for s in specs)
            assert Voucher.objects.filter(book=book).count() == before  # nothing written
            return
        assert all(s[2] for s in specs)
        assert len(posted) == len(specs) and all(balances(v) for v in posted)

    in_savepoint(run)


# One step of a history: post one voucher, post a batch, or reverse an earlier posting (balanced
# vouchers through the bank, so that no rule about cash on hand refuses one).
NO_CASH = [r for r in ROLES if r != "cash"]
STEPS = st.one_of(
    st.tuples(st.just("one"), drafts(balanced=True, roles=NO_CASH)),
    st.tuples(st.just("batch"), st.lists(drafts(balanced=True, roles=NO_CASH), min_size=1, max_size=4)),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=50)),
)


@FIXTURES
@given(steps=st.lists(STEPS, min_size=1, max_size=8))
def test_kept_totals_equal_the_entries_after_any_posts_and_reversals(ledger, steps):
    demo, book, accounts = ledger

    def run():
        posted: list[Voucher] = []
        for kind, arg in steps:
            if kind == "one":
                posted.append(post_one(demo, book, to_draft(book, accounts, arg)))
            elif kind == "batch":
                posted.extend(services.post_drafts(demo.accountant, book, [to_draft(book, accounts, s) for s in arg]))
            else:
                reversible = [v for v in posted if not v.reverses_id and not Voucher.objects.filter(reverses=v).exists()]
                if reversible:
                    posted.append(post_one_reversal(demo, reversible[arg % len(reversible)]))
        book.refresh_from_db()
        assert kept_totals(book) == totals_from_entries(book)
        check = verify_book(book)
        assert check.ok and check.first_bad is None, check.problems
        assert check.vouchers == book.posted_count == len(posted)

    in_savepoint(run)


def post_one_reversal(demo, voucher) -> Voucher:
    reversal = services.start_reversal(demo.accountant, voucher)
    services.submit(demo.accountant, reversal)
    return services.review_and_post(demo.township, reversal)


def _nonzero(rows: dict) -> dict:
    return {k: tuple(v) for k, v in rows.items() if any(v)}


def kept_totals(book) -> dict:
    return {
        "months": _nonzero({(r.account_id, r.year, r.month): (r.debit, r.credit, r.close_debit, r.close_credit) for r in AccountMonth.objects.filter(book=book)}),
        "roles": _nonzero({(r.year, r.role): (r.debit, r.credit) for r in RoleYear.objects.filter(book=book)}),
        "sources": _nonzero({(r.account_id, r.source, r.year, r.month): (r.debit, r.credit) for r in SourceMonth.objects.filter(book=book)}),
    }


def totals_from_entries(book) -> dict:
    """The same figures summed in Python over every posted entry, one by one."""
    months, roles, sources = defaultdict(lambda: [0, 0, 0, 0]), defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for e in Entry.objects.filter(voucher__book=book, voucher__status="posted").select_related("voucher", "account"):
        year, month = e.voucher.date.year, e.voucher.date.month
        m = months[(e.account_id, year, month)]
        m[0] += e.debit
        m[1] += e.credit
        if e.voucher.kind == "closing":
            m[2] += e.debit
            m[3] += e.credit
            continue
        for role in e.account.role_set & FLOW_ROLES:
            roles[(year, role)][0] += e.debit
            roles[(year, role)][1] += e.credit
        if e.source:
            sources[(e.account_id, e.source, year, month)][0] += e.debit
            sources[(e.account_id, e.source, year, month)][1] += e.credit
    return {"months": _nonzero(months), "roles": _nonzero(roles), "sources": _nonzero(sources)}
