"""Periods and the year's end: a month closed by the accountant (open → audit_hold), confirmed
by the township (→ closed), reopened only by the county with a reason; year-end closing
vouchers (结转) computed from the kept totals and posted through the one posting path."""

import datetime as dt

from django.db import transaction

from sanwu.core.permissions import refuse
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.scope import can_write

from ..charts import EXPENSE_ROLES, INCOME_ROLES
from ..models import Account, Book, Period, Voucher
from .drafts import EntryDraft, VoucherDraft
from .posting import post_drafts
from .reports import balances_for
from .roles import MAKE_ROLES, REVIEW_ROLES, _audit, _require



def _period(book: Book, year: int, month: int) -> Period:
    period, _ = Period.objects.select_for_update().get_or_create(book=book, year=year, month=month)
    return period


def close_month(user, book: Book, year: int, month: int) -> Period:
    """The accountant closes a month: open → audit_hold. Nothing may wait unposted in it."""
    _require(user, book, MAKE_ROLES, "结账")
    with transaction.atomic():
        p = _period(book, year, month)
        if p.status != "open":
            raise Invalid(Problem(f"{year}年{month}月状态为「{p.get_status_display()}」，不能结账"))
        statuses = {(q.year, q.month): q.status for q in Period.objects.filter(book=book)}
        y, m = book.start_date.year, book.start_date.month
        while (y, m) < (year, month):
            if statuses.get((y, m), "open") == "open":
                raise Invalid(Problem(f"请先结账 {y}年{m}月"))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        waiting = Voucher.objects.filter(book=book, year=year, month=month, status__in=("draft", "submitted", "reviewed")).count()
        if waiting:
            raise Invalid(Problem(f"{year}年{month}月还有 {waiting} 张凭证未记账（草稿、已提交或已审核），请先处理"))
        p.status = "audit_hold"
        p.save(update_fields=["status", "changed_at"])
        _audit(user, "period.close", p, old={"status": "open"}, new={"status": "audit_hold"}, region_code=book.region_id)
    return p


def confirm_close(user, book: Book, year: int, month: int) -> Period:
    """The township confirms the close after its audit: audit_hold → closed."""
    _require(user, book, REVIEW_ROLES, "确认结账")
    with transaction.atomic():
        p = _period(book, year, month)
        if p.status != "audit_hold":
            raise Invalid(Problem(f"{year}年{month}月状态为「{p.get_status_display()}」，不能确认结账"))
        p.status = "closed"
        p.save(update_fields=["status", "changed_at"])
        _audit(user, "period.confirm", p, old={"status": "audit_hold"}, new={"status": "closed"}, region_code=book.region_id)
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
        _audit(user, "period.reopen", p, old={"status": old}, new={"status": "open"}, note=reason.strip(), region_code=book.region_id)
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
        drafts.append(VoucherDraft(date=d, summary=f"{year}年损益结转本年收益", entries=lines, kind="closing"))
    if income_total > 0:
        second = [EntryDraft(cyi[0].code, debit=income_total), EntryDraft(und[0].code, credit=income_total)]
    elif income_total < 0:
        second = [EntryDraft(und[0].code, debit=-income_total), EntryDraft(cyi[0].code, credit=-income_total)]
    else:
        second = []
    # 各项分配 (distributions made this year) closes into 未分配收益 too.
    for acc in [a for a in accounts if "distribution_items" in a.role_set]:
        amount = closing.get(acc.pk, 0)
        if amount:
            second.append(EntryDraft(acc.code, debit=-amount if amount < 0 else 0, credit=amount if amount > 0 else 0, summary="结转各项分配"))
            second.append(EntryDraft(und[0].code, debit=amount if amount > 0 else 0, credit=-amount if amount < 0 else 0, summary="结转各项分配"))
    if second:
        drafts.append(VoucherDraft(date=d, summary=f"{year}年本年收益及各项分配转入未分配收益", entries=second, kind="closing"))
    return drafts


def close_year(user, book: Book, year: int) -> list[Voucher]:
    drafts = year_end_drafts(book, year)
    if not drafts:
        raise Invalid(Problem(f"{year}年没有需要结转的损益"))
    return post_drafts(user, book, drafts)
