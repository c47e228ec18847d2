"""The month's depreciation and amortisation of a book: the plan (what each card is charged, by
the straight line of `rules.charge`), the run that records it with one voucher submitted for the
township's review like any other, and what the books do with it — the posting refuses a run's
voucher that no longer says what the run says, the posted voucher adds each line to its card's
kept `accumulated`, and a month with depreciation due and no run cannot be closed.

Runs go month by month from the register's first month, one at a time: the next month waits
until the last one's voucher is posted, so that every plan starts from posted figures.
"""

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery

from sanwu.core import audit, permissions
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_yuan
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Account, Book

from .. import rules
from ..models import Card, DepreciationLine, DepreciationRun, Disposal, Register
from .permissions import KEEP_ROLES


@dataclass
class PlanLine:
    card: Card
    amount: int
    k: int  # months after acquisition

    @property
    def accumulated_after(self) -> int:
        return self.card.accumulated + self.amount


@dataclass
class MonthPlan:
    book: Book
    year: int
    month: int
    lines: list[PlanLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    run: DepreciationRun | None = None  # the month's run, when it has one
    stale: list[DepreciationRun] = field(default_factory=list)  # runs whose draft voucher was deleted

    @property
    def total(self) -> int:
        return sum(ln.amount for ln in self.lines)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    def by_category(self) -> list[tuple[str, int, int]]:
        out: dict[str, list[int]] = {}
        for ln in self.lines:
            t = out.setdefault(ln.card.category, [0, 0])
            t[0] += 1
            t[1] += ln.amount
        return [(rules.CATEGORY_LABELS[c], n, amount) for c, (n, amount) in out.items()]


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, monthrange(year, month)[1])


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


CARD_FIELDS = ("id", "book_id", "number", "name", "category", "kind", "account_id", "acquired", "cost", "residual_bp", "life_months", "accumulated", "expense_role")


def due_cards(book: Book, year: int, month: int):
    """The cards a month may charge: depreciable, held, acquired before the month began, with no
    disposal under way or done (only the fields a plan reads)."""
    return (
        Card.objects.filter(book=book, depreciable=True, acquired__lt=dt.date(year, month, 1))
        .exclude(state="disposed").exclude(disposals__status__in=("pending", "posted"))
        .only(*CARD_FIELDS).order_by("number")
    )


def charges(cards, year: int, month: int) -> list[PlanLine]:
    """Each card's charge for the month from its posted accumulated (none that are zero)."""
    out = []
    for c in cards:
        k = rules.months_after(c.acquired, year, month)
        amount = rules.charge(c.cost, rules.residual_of(c.cost, c.residual_bp), c.life_months, c.accumulated, k)
        if amount:
            out.append(PlanLine(c, amount, k))
    return out


def run_of(book: Book, year: int, month: int) -> DepreciationRun | None:
    return DepreciationRun.objects.filter(book=book, year=year, month=month).exclude(status="void").select_related("voucher").first()


def _order_problems(book: Book, reg: Register | None, year: int, month: int, runs: list[DepreciationRun]) -> list[Problem]:
    """What keeps the month from being run: no register, before it, not yet come, the last
    month's voucher not yet posted, or the month before not run (`runs`: the book's runs of this
    month and the one before, and any pending)."""
    if reg is None:
        return [Problem(f"账套「{book}」还没有资产台账：请先登记或导入资产卡片")]
    if (year, month) < reg.since:
        return [Problem(f"资产台账从 {reg.since_year}年{reg.since_month}月起计提折旧，{year}年{month}月在此之前")]
    now = today()
    if (year, month) > (now.year, now.month):
        return [Problem(f"{year}年{month}月还没有到")]
    out = []
    pending = next((r for r in runs if r.status == "pending" and r.voucher_id and (r.year, r.month) != (year, month)), None)
    if pending is not None:
        out.append(Problem(f"{pending.label}的折旧凭证尚未记账：记账后再计提下一个月"))
    before = _previous(year, month)
    if (year, month) > reg.since and not any((r.year, r.month) == before for r in runs):
        out.append(Problem(f"请先计提 {before[0]}年{before[1]}月的折旧"))
    return out


def plan(book: Book, year: int, month: int) -> MonthPlan:
    """What the month's run would charge (or what it charged, when the month has a run), and
    what stops it."""
    p = MonthPlan(book, year, month)
    if not 1 <= month <= 12:
        p.problems.append(Problem("月份应在1到12之间", field="month"))
        return p
    py, pm = _previous(year, month)
    runs = list(
        DepreciationRun.objects.filter(book=book).exclude(status="void")
        .filter(Q(year=year, month=month) | Q(year=py, month=pm) | Q(status="pending")).select_related("voucher")
    )
    # A run whose draft voucher was deleted is stale: the month may be run again (`run_month` voids it).
    p.stale = [r for r in runs if r.status == "pending" and r.voucher_id is None]
    runs = [r for r in runs if r not in p.stale]
    p.run = next((r for r in runs if (r.year, r.month) == (year, month)), None)
    if p.run is not None:
        cards = {c.pk: c for c in Card.objects.filter(lines__run=p.run).only(*CARD_FIELDS)}
        for ln in p.run.lines.all():
            card = cards[ln.card_id]
            card.accumulated = ln.accumulated_before  # as it stood before the month
            p.lines.append(PlanLine(card, ln.amount, rules.months_after(card.acquired, year, month)))
        return p
    p.problems = _order_problems(book, Register.objects.filter(book=book).first(), year, month, runs)
    p.lines = charges(due_cards(book, year, month), year, month)
    return p


def voucher_draft(p: MonthPlan, leaves: list[Account]) -> tuple[ledger.VoucherDraft, dict[str, int]]:
    """The month's voucher by account role: 借 管理费用/经营支出, 贷 累计折旧 (累计摊销, or the asset
    itself where the chart has no contra account), one line per account; and the net per account id."""
    book = p.book
    by_id = {a.pk: a for a in leaves}
    found: dict[tuple[str, tuple[str, ...]], Account | None] = {}

    def leaf(role: str, prefer: tuple[str, ...] = ()) -> Account | None:  # once per role and book, not per card
        if (role, prefer) not in found:
            found[(role, prefer)] = ledger.leaf_for(leaves, role, prefer=prefer)
        return found[(role, prefer)]

    debits: dict[Account, int] = {}
    credits: dict[Account, int] = {}
    missing: set[str] = set()
    for ln in p.lines:
        c = ln.card
        expense = leaf(c.expense_role, ("折旧", "摊销"))
        contra_role = rules.CATEGORIES[c.category].contra.get(book.chart)
        contra = by_id.get(c.account_id) if contra_role is None else leaf(contra_role)
        if expense is None:
            missing.add(rules.EXPENSES[c.expense_role])
        if contra is None:
            missing.add(f"{rules.CATEGORY_LABELS[c.category]}的累计{rules.CATEGORIES[c.category].verb}")
        if expense is None or contra is None:
            continue
        debits[expense] = debits.get(expense, 0) + ln.amount
        credits[contra] = credits.get(contra, 0) + ln.amount
    if missing:
        raise Invalid(Problem(f"账套「{book}」缺少{'、'.join(sorted(missing))}科目"))
    verbs = "、".join(dict.fromkeys(rules.CATEGORIES[ln.card.category].verb for ln in p.lines))
    summary = f"计提{p.year}年{p.month}月{verbs}"
    entries = [ledger.EntryDraft(a.code, debit=n, summary=summary) for a, n in sorted(debits.items(), key=lambda t: t[0].code)]
    entries += [ledger.EntryDraft(a.code, credit=n, summary=summary) for a, n in sorted(credits.items(), key=lambda t: t[0].code)]
    net: dict[str, int] = {}
    for a, n in debits.items():
        net[str(a.pk)] = net.get(str(a.pk), 0) + n
    for a, n in credits.items():
        net[str(a.pk)] = net.get(str(a.pk), 0) - n
    day = min(month_end(p.year, p.month), today())
    # Its original document is the month's 折旧计提表, which the register keeps (附件 1 张).
    return ledger.VoucherDraft(date=day, summary=summary, entries=entries, attachment_count=1), {k: v for k, v in net.items() if v}


def run_month(user, book: Book, year: int, month: int, *, submit: bool = True) -> DepreciationRun:
    """Record the month's depreciation: its lines, and its voucher saved and submitted for review
    (none when nothing is due, and the month counts as done). One run per book and month."""
    permissions.require(user, KEEP_ROLES, book.region_id, "计提折旧", object_type="assets.depreciate", object_id=book.code)
    with transaction.atomic():
        book = Book.objects.select_for_update().get(pk=book.pk)
        p = plan(book, year, month)
        if p.stale:
            DepreciationRun.objects.filter(pk__in=[r.pk for r in p.stale]).update(status="void")
        if p.run is not None:
            raise Invalid(Problem(f"{p.label}已计提折旧（{format_yuan(p.run.total)} 元）"))
        if p.problems:
            raise Invalid(p.problems)
        voucher, net = None, {}
        if p.lines:
            draft, net = voucher_draft(p, list(Account.objects.filter(book=book, is_leaf=True, is_open=True)))
            voucher = ledger.save_draft(user, book, draft, submit=submit)
        run = DepreciationRun.objects.create(
            book=book, year=year, month=month, total=p.total, cards=len(p.lines), status="pending" if voucher else "posted",
            voucher=voucher, entries=net, created_by=user if getattr(user, "pk", None) else None,
        )
        DepreciationLine.objects.bulk_create(
            [DepreciationLine(run=run, card=ln.card, amount=ln.amount, accumulated_before=ln.card.accumulated) for ln in p.lines], batch_size=1_000,
        )
        audit.record("assets.depreciate", run, actor=user, region_code=book.region_id,
                     new={"book": book.code, "month": f"{year}-{month:02d}", "cards": len(p.lines), "total": p.total, "voucher": getattr(voucher, "pk", None)})
    return run


# --- what the books do with it (registered in apps.ready) ------------------------------------------


def _net_of(entries) -> dict[str, int]:
    net: dict[str, int] = {}
    for e in entries:
        net[str(e.account_id)] = net.get(str(e.account_id), 0) + e.debit - e.credit
    return {k: v for k, v in net.items() if v}


def posting_problems(book, vouchers, groups, user) -> list[Problem]:
    """A run's or a disposal's voucher is posted only as it was made (its accounts and amounts),
    so that the cards and the books move together. Marks the vouchers for `on_posted`."""
    ids = [v.pk for v in vouchers if v.pk]
    if not ids:
        return []
    found = {r.voucher_id: r for r in DepreciationRun.objects.filter(voucher_id__in=ids, status="pending")}
    found.update({d.voucher_id: d for d in Disposal.objects.filter(voucher_id__in=ids, status="pending").select_related("card")})
    out = []
    for v, entries in zip(vouchers, groups):
        thing = found.get(v.pk)
        if thing is None:
            continue
        v._asset_record = thing
        if _net_of(entries) != {k: int(n) for k, n in thing.entries.items()}:
            what = "折旧" if isinstance(thing, DepreciationRun) else "资产处置"
            out.append(Problem(f"凭证 {v.label} 是资产台账的{what}凭证，科目或金额已与台账不符，不能记账：请删除该凭证后重新生成"))
    return out


def on_posted(book, vouchers, entries) -> None:
    """The posted voucher's run adds each line to its card; a disposal's takes the card out."""
    for v in vouchers:
        thing = getattr(v, "_asset_record", None)
        if isinstance(thing, DepreciationRun):
            DepreciationRun.objects.filter(pk=thing.pk).update(status="posted")
            lines = DepreciationLine.objects.filter(run=thing)
            amount = lines.filter(card=OuterRef("pk")).values("amount")[:1]
            Card.objects.filter(pk__in=lines.values("card_id")).update(accumulated=F("accumulated") + Subquery(amount))
        elif isinstance(thing, Disposal):
            from .disposal import disposal_posted

            disposal_posted(thing)


def close_blockers(book, months) -> dict[tuple[int, int], list[str]]:
    """Months of a book with a register where depreciation is due and no run was made: the
    month stays open (the run's voucher itself, until posted, keeps it open as any voucher does)."""
    reg = Register.objects.filter(book=book).first()
    months = [ym for ym in months if reg is not None and ym >= reg.since]
    if not months:
        return {}
    done = {(y, m) for y, m in DepreciationRun.objects.filter(book=book).exclude(status="void").values_list("year", "month")}
    wanted = [ym for ym in months if ym not in done]
    if not wanted:
        return {}
    cards = list(due_cards(book, *max(wanted)).select_related(None).only("acquired", "cost", "residual_bp", "life_months", "accumulated"))
    out = {}
    for y, m in wanted:
        n = sum(1 for c in cards if c.acquired < dt.date(y, m, 1) and c.accumulated < c.cost - rules.residual_of(c.cost, c.residual_bp))
        if n:
            out[(y, m)] = [f"资产台账本月折旧尚未计提（{n} 张卡片）：请先计提折旧（资产台账 › 折旧）"]
    return out
