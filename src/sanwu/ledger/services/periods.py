"""Periods and the year's end: months closed by the accountant (open → audit_hold; a range of
months in one step, after the pre-close checks of `close_checks`), confirmed
by the township (→ closed), reopened only by the county with a reason; year-end closing
vouchers (结转) computed from the kept totals and posted through the one posting path."""

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q

from sanwu.core.permissions import refuse
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.scope import can_write

from .. import hooks
from ..charts import EXPENSE_ROLES, INCOME_ROLES
from ..models import Account, BankAssertion, Book, Entry, Period, Voucher
from .drafts import EntryDraft, VoucherDraft, closing_state
from .posting import post_drafts
from .reconcile import agreed_months
from .reports import balance_at_end_of, balances_for
from .roles import MAKE_ROLES, REVIEW_ROLES, audit_change, require_role



def _period(book: Book, year: int, month: int) -> Period:
    period, _ = Period.objects.select_for_update().get_or_create(book=book, year=year, month=month)
    return period


Month = tuple[int, int]  # (year, month)


def months_between(first: Month, last: Month) -> list[Month]:
    y, m = first
    out = []
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass
class MonthCheck:
    """What the pre-close checks found in one month: `blocking` keeps it open (vouchers not yet
    posted); `notes` are shown for the accountant to see before closing (receipts missing, bank
    not reconciled, warnings open)."""

    year: int
    month: int
    status: str = "open"
    posted: int = 0
    blocking: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing in it: no voucher and nothing to say (closed together with its like)."""
        return not self.posted and not self.blocking and not self.notes

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


def close_checks(book: Book, first: Month, last: Month) -> list[MonthCheck]:
    """The pre-close checks of every month from `first` to `last`, in a few queries whatever the
    range: vouchers not posted and, in December, the year-end closing not done (which keep a
    month open), posted vouchers without a receipt file,
    bank accounts with entries and no matching statement balance in the month, and what the
    apps above the ledger register (`hooks.register_close_check`: the open warnings)."""
    months = months_between(first, last)
    checks = {ym: MonthCheck(*ym) for ym in months}
    stored = {(p.year, p.month): p.status for p in Period.objects.filter(book=book)}
    for ym, c in checks.items():
        c.status = stored.get(ym, "open")
    in_range = Q(year__gt=first[0]) | Q(year=first[0], month__gte=first[1])
    in_range &= Q(year__lt=last[0]) | Q(year=last[0], month__lte=last[1])
    vouchers = Voucher.objects.filter(in_range, book=book)
    names = dict(Voucher.STATUSES)
    waiting: dict[Month, dict[str, int]] = {}
    for y, m, st, n in vouchers.values_list("year", "month", "status").annotate(n=Count("id")).order_by():
        if st == "posted":
            checks[(y, m)].posted += n
        else:
            waiting.setdefault((y, m), {})[st] = n
    for ym, by_status in waiting.items():
        parts = "、".join(f"{names[st]} {n} 张" for st, n in sorted(by_status.items()))
        checks[ym].blocking.append(f"还有 {sum(by_status.values())} 张凭证未记账（{parts}），请先处理")
    bare = (
        vouchers.filter(status="posted", kind="normal", reverses__isnull=True)
        .annotate(files=Count("attachments")).filter(files=0)
        .values_list("year", "month").annotate(n=Count("id")).order_by()
    )
    for y, m, n in bare:
        checks[(y, m)].notes.append(f"{n} 张已记账凭证没有上传原始凭证（附件）")
    for ym, lines in _unreconciled(book, first, last).items():
        checks[ym].notes.extend(lines)
    for ym, lines in hooks.close_check_notes(book, months).items():
        if ym in checks:
            checks[ym].notes.extend(lines)
    for ym, lines in hooks.close_blocker_lines(book, months).items():
        if ym in checks and checks[ym].status == "open":
            checks[ym].blocking.extend(lines)
    for (y, m), c in checks.items():
        if m == 12 and c.status == "open":  # December waits for the year-end closing
            c.blocking.extend(year_end_left(book, y))
    return [checks[ym] for ym in months]


def _unreconciled(book: Book, first: Month, last: Month) -> dict[Month, list[str]]:
    """Bank accounts with posted entries in a month and neither a statement balance (对账) at a
    day of that month that agrees with the books nor an imported statement covering the month
    whose 银行存款余额调节表 at the month's end agrees."""
    banks = {a.pk: a for a in Account.objects.filter(book=book, is_leaf=True) if "bank" in a.role_set}
    if not banks:
        return {}
    start, end = dt.date(*first, 1), dt.date(*last, monthrange(*last)[1])
    moved = set(
        Entry.objects.filter(voucher__book=book, voucher__status="posted", account_id__in=banks, voucher__date__gte=start, voucher__date__lte=end)
        .values_list("voucher__year", "voucher__month", "account_id").distinct().order_by()
    )
    if not moved:
        return {}
    agreed: set[tuple[int, int, int]] = set()
    for a in BankAssertion.objects.filter(book=book, account_id__in=banks, date__gte=start, date__lte=end):
        key = (a.date.year, a.date.month, a.account_id)
        if key in moved and key not in agreed and balance_at_end_of(book, [a.account_id], a.date) == a.balance:
            agreed.add(key)
    if moved - agreed:
        # An imported bank statement whose 调节表 agrees at the month's end counts as well.
        agreed |= agreed_months(book, {acc for _, _, acc in moved - agreed}, first, last)
    out: dict[Month, list[str]] = {}
    for y, m, acc in sorted(moved - agreed):
        out.setdefault((y, m), []).append(f"银行账户「{banks[acc]}」本月未对账或对账不符")
    return out


def close_months(user, book: Book, first: Month, last: Month) -> list[Period]:
    """The accountant closes every month from `first` to `last` in one step (open → audit_hold),
    all or nothing: each must be open, every month before `first` closed already, and nothing
    may wait unposted in any of them — otherwise nothing is closed and every problem is named."""
    require_role(user, book, MAKE_ROLES, "结账")
    now = today()
    problems: list[Problem] = []
    if first > last:
        raise Invalid(Problem(f"起始月份 {first[0]}年{first[1]}月晚于结束月份 {last[0]}年{last[1]}月", field="from"))
    start = (book.start_date.year, book.start_date.month)
    if first < start:
        raise Invalid(Problem(f"{first[0]}年{first[1]}月早于账套启用月份 {start[0]}年{start[1]}月", field="from"))
    if last > (now.year, now.month):
        raise Invalid(Problem(f"{last[0]}年{last[1]}月还没有到，不能结账", field="to"))
    with transaction.atomic():
        Book.objects.select_for_update().filter(pk=book.pk).first()  # one close of a book at a time
        statuses = {(q.year, q.month): q.status for q in Period.objects.filter(book=book)}
        earlier = [ym for ym in months_between(start, first)[:-1] if statuses.get(ym, "open") == "open"]
        if earlier:
            y, m = earlier[0]
            problems.append(Problem(f"请先结账 {y}年{m}月" + (f"（{first[0]}年{first[1]}月之前还有 {len(earlier)} 个月未结账）" if len(earlier) > 1 else "")))
        checks = close_checks(book, first, last)
        for c in checks:
            if c.status != "open":
                problems.append(Problem(f"{c.label}状态为「{dict(Period.STATUSES)[c.status]}」，不能结账"))
            problems.extend(Problem(f"{c.label}{line}") for line in c.blocking)
        if problems:
            raise Invalid(problems)
        closed = []
        for c in checks:
            p = _period(book, c.year, c.month)
            p.status = "audit_hold"
            p.save(update_fields=["status", "changed_at"])
            closed.append(p)
        audit_change(
            user, "period.close", closed[-1], old={"status": "open"}, region_code=book.region_id,
            new={"status": "audit_hold", "from": f"{first[0]}-{first[1]:02d}", "to": f"{last[0]}-{last[1]:02d}", "months": len(closed)},
        )
    return closed


def close_month(user, book: Book, year: int, month: int) -> Period:
    """The accountant closes one month: open → audit_hold (a range of one)."""
    return close_months(user, book, (year, month), (year, month))[0]


def confirm_close(user, book: Book, year: int, month: int) -> Period:
    """The township confirms the close after its audit: audit_hold → closed."""
    require_role(user, book, REVIEW_ROLES, "确认结账")
    with transaction.atomic():
        p = _period(book, year, month)
        if p.status != "audit_hold":
            raise Invalid(Problem(f"{year}年{month}月状态为「{p.get_status_display()}」，不能确认结账"))
        p.status = "closed"
        p.save(update_fields=["status", "changed_at"])
        audit_change(user, "period.confirm", p, old={"status": "audit_hold"}, new={"status": "closed"}, region_code=book.region_id)
    return p


def reopen_month(user, book: Book, year: int, month: int, reason: str) -> Period:
    """Only a county supervisor reopens a month, with a reason kept in the audit trail."""
    if user is not None and not can_write(user, book.region_id, {"county_supervisor"}):

        refuse(user, "ledger.period.reopen", book.code, book.region_id)
        raise Refused("只有县级监管可以反结账")
    if not (reason or "").strip():
        raise Invalid(Problem("请填写反结账原因", field="reason"))
    with transaction.atomic():
        p = _period(book, year, month)
        if p.status == "open":
            raise Invalid(Problem(f"{year}年{month}月本来就未结账"))
        old = p.status
        p.status = "open"
        p.save(update_fields=["status", "changed_at"])
        audit_change(user, "period.reopen", p, old={"status": old}, new={"status": "open"}, note=reason.strip(), region_code=book.region_id)
    return p


# --- Year-end closing ------------------------------------------------------------------------


def year_end_drafts(book: Book, year: int) -> list[VoucherDraft]:
    """结转: income and expense balances of the year into 本年收益, then 本年收益 into 未分配收益.

    Returns the closing vouchers (dated 12-31) for the caller to post; computed from kept totals.
    """
    bal = balances_for(book, year, 12)  # account id -> (opening, debit, credit, closing) for the year to December
    accounts = list(Account.objects.filter(book=book, is_leaf=True))
    return closing_drafts(accounts, {acc_id: t[3] for acc_id, t in bal.items()}, year)


def closing_drafts(accounts: list[Account], closing: dict[int, int], year: int) -> list[VoucherDraft]:
    """The year-end closing vouchers from the book's leaf accounts and each account's
    debit-positive balance at the end of the year (account id → fen). Pure: `year_end_drafts`
    reads the balances from the kept totals; a batch that has the year's vouchers in hand (the
    demo) sums them itself."""
    by_id = {a.pk: a for a in accounts}
    income_total = 0
    lines = []
    for acc_id, amount in closing.items():
        acc = by_id.get(acc_id)
        if acc is None or acc.category != "pnl" or not amount:
            continue
        if acc.role_set & (INCOME_ROLES | EXPENSE_ROLES):
            # the balance is debit-positive; move it out to zero.
            lines.append(EntryDraft(acc.code, debit=-amount if amount < 0 else 0, credit=amount if amount > 0 else 0, summary="结转本年收益"))
            income_total -= amount
    cyi = [a for a in accounts if "current_year_income" in a.role_set]
    und = [a for a in accounts if "undistributed" in a.role_set]
    if not cyi or not und:
        return []
    d = dt.date(year, 12, 31)
    drafts = []
    if lines:
        if income_total >= 0:
            lines.append(EntryDraft(cyi[0].code, credit=income_total, summary="结转本年收益"))
        else:
            lines.append(EntryDraft(cyi[0].code, debit=-income_total, summary="结转本年收益"))
        drafts.append(VoucherDraft(date=d, summary=f"{year}年损益结转本年收益", entries=_in_code_order(lines), kind="closing"))
    if income_total > 0:
        second = [EntryDraft(cyi[0].code, debit=income_total), EntryDraft(und[0].code, credit=income_total)]
    elif income_total < 0:
        second = [EntryDraft(und[0].code, debit=-income_total), EntryDraft(cyi[0].code, credit=-income_total)]
    else:
        second = []
    # 各项分配 (distributions made this year) closes into 未分配收益 too.
    for acc in [a for a in accounts if "distribution_items" in a.role_set and a.is_leaf]:
        amount = closing.get(acc.pk, 0)
        if amount:
            second.append(EntryDraft(acc.code, debit=-amount if amount < 0 else 0, credit=amount if amount > 0 else 0, summary="结转各项分配"))
            second.append(EntryDraft(und[0].code, debit=amount if amount > 0 else 0, credit=-amount if amount < 0 else 0, summary="结转各项分配"))
    if second:
        drafts.append(VoucherDraft(date=d, summary=f"{year}年本年收益及各项分配转入未分配收益", entries=_in_code_order(second), kind="closing"))
    return drafts


def _in_code_order(lines: list[EntryDraft]) -> list[EntryDraft]:
    """A closing voucher's lines in account-code order (as the books print them)."""
    return sorted(lines, key=lambda e: e.account)


def close_year(user, book: Book, year: int) -> list[Voucher]:
    """结转 the year (the page's 年终结转 and `sanwu book year-end`): income and expense into
    本年收益, 本年收益 and 各项分配 into 未分配收益. Run again after the distribution plan's
    vouchers (dated 12-31) to close 各项分配; December must still be open."""
    drafts = year_end_drafts(book, year)
    if not drafts:
        raise Invalid(Problem(f"{year}年没有需要结转的损益"))
    return post_drafts(user, book, drafts)


YEAR_END_ROLES = INCOME_ROLES | EXPENSE_ROLES | {"current_year_income"}


def year_closed(book: Book, year: int) -> bool:
    """Whether the year's income and expense are closed (closing vouchers posted, not undone)."""
    return year in closing_state(book)[1]


def year_end_left(book: Book, year: int) -> list[str]:
    """What keeps December of `year` from closing: income or expense accounts or 本年收益 with a
    balance at the year's end (the year-end closing not done, or done before later postings), or
    各项分配 not yet closed into 未分配收益 (the distribution plan's vouchers after the closing)."""
    bal = balances_for(book, year, 12)
    left, dist = [], []
    for a in Account.objects.filter(book=book, is_leaf=True).order_by("code"):
        amount = bal.get(a.pk, (0, 0, 0, 0))[3]
        if amount and a.role_set & YEAR_END_ROLES:
            left.append(a)
        elif amount and "distribution_items" in a.role_set:
            dist.append(a)
    out = []
    if left:
        names = "、".join(str(a) for a in left[:3]) + (f"等 {len(left)} 个科目" if len(left) > 3 else "")
        out.append(f"损益类科目或本年收益尚有余额（{names}），请先进行{year}年年终结转")
    if dist:
        out.append(f"各项分配尚有余额（{'、'.join(str(a) for a in dist[:3])}），请再次进行{year}年年终结转，转入未分配收益")
    return out


def reopen_year(user, book: Book, year: int, reason: str) -> list[Voucher]:
    """Only a county supervisor undoes a year's closing, with a reason: December reopened if it
    was closed, and every closing voucher of the year not yet reversed reversed by a red-ink
    voucher dated 12-31 of that year, through the one posting path (nothing posted is changed).
    The year then takes its late income and expense, and the closing is run again."""
    if user is not None and not can_write(user, book.region_id, {"county_supervisor"}):
        refuse(user, "ledger.year.reopen", book.code, book.region_id)
        raise Refused("只有县级监管可以反结转年度")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(Problem("请填写反结转原因", field="reason"))
    with transaction.atomic():
        Book.objects.select_for_update().filter(pk=book.pk).first()
        closings = Voucher.objects.filter(book=book, year=year, status="posted", kind="closing")
        undone = set(closings.filter(reverses__isnull=False).values_list("reverses_id", flat=True))
        originals = [v for v in closings.filter(reverses__isnull=True).order_by("seq") if v.pk not in undone]
        if not originals:
            raise Invalid(Problem(f"{year}年没有已结转的凭证，无需反结转"))
        if _period(book, year, 12).status != "open":
            reopen_month(user, book, year, 12, reason)
        drafts = [
            VoucherDraft(
                date=dt.date(year, 12, 31), summary=f"反结转：冲销{v.label}：{v.summary}"[:200], reverses_id=v.pk, kind="closing",
                entries=[EntryDraft(e.account.code, -e.debit, -e.credit, f"冲销：{e.summary}"[:200]) for e in v.entries.select_related("account").order_by("line")],
            )
            for v in reversed(originals)
        ]
        posted = post_drafts(user, book, drafts)
        audit_change(
            user, "ledger.year.reopen", book, old={"closed": year}, note=reason, region_code=book.region_id,
            new={"year": year, "reversed": [v.label for v in originals], "reversals": [v.label for v in posted]},
        )
    return posted
