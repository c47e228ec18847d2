"""收益分配方案: the year's distribution, from the year-end closed books to the households paid.

1. `compute` (pure reading): 可分配收益 from the year's 收益及收益分配表 (the closing done), the
   appropriations at the county's rates (`settings_for`; `--reserve-rate` overrides 公积公益金),
   the holders' shares as at 31 December, and each holder's amount to the fen by largest
   remainder (households in number order, then members, the collective last: ties go to the
   earlier), so the amounts sum to the distributable total exactly.
2. `draft` (the accountant) saves it; drafting again recomputes a draft.
3. `publish`: the plan is shown to the members (Art. 46: at least 10 days before the meeting).
4. `decide` (the secretary): a 四议两公开 matter of purpose 收益分配, its resolution published,
   decided by a members' (or members' representatives') meeting held 10 days or more after the plan
   was published.
5. `approve` (the township): the plan is checked against the books again, frozen with the book's
   chain head and its digest, and its voucher posted on 31 December — 借 各项分配 (提取公积公益金,
   提取应付福利费, 外来投资分利, 农户分配 / 向成员分配) 贷 公积公益金, 应付福利费, 应付款 — and the
   year-end closing run again so that 各项分配 goes into 未分配收益 (the ledger's year-end order).
   The collective's own share stays with the collective: 借 各项分配—其他 贷 公积公益金.
6. `pay` (the accountant): households paid as the bank pays them, each a `DividendPayment`, one
   payment voucher (借 应付款 贷 银行存款) submitted for the township's review; what is not paid stays
   payable to that household (`unpaid_lines`). `bank_list` is the bank's payment list, with full
   account numbers, for the accountant and the township only, each download audited.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from sanwu.core import audit, permissions
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_yuan
from sanwu.core.tables import Column, Table
from sanwu.decisions.models import Matter
from sanwu.decisions.rules import PURPOSES
from sanwu.decisions.services import current_records
from sanwu.decisions.services.links import completed_matters
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Account, Book, Voucher
from sanwu.ledger.services.books import leaf_for
from sanwu.ledger.services.reports import balances_for, income_statement_line

from .. import rules
from ..models import Distribution, DistributionEvent, DistributionLine, DividendPayment, Household, Member
from .holdings import holdings
from .register import holdings_at
from .permissions import BANK_LIST_ROLES, BOARD_ROLES, KEEP_ROLES, TOWNSHIP_ROLES
from .settings import settings_for

AVAILABLE_LABEL = "可分配收益"  # the income statement's line, on both charts
DECISION_MEETINGS = ("coop_members", "coop_representatives")  # Art. 28: either may decide a distribution
ACTIVE = ~Q(status="withdrawn")


@dataclass(frozen=True)
class Line:
    holder_id: int
    kind: str  # household / member / collective
    key: str  # 户号, the member's masked name, or 集体
    head: str  # the household head's masked name
    units: int
    amount: int


@dataclass(frozen=True)
class Computed:
    book: Book
    year: int
    as_at: dt.date
    reserve_bp: int
    welfare_bp: int
    outside_bp: int
    plan: rules.Plan
    lines: list[Line]

    @property
    def appropriations(self) -> int:
        """福利费 and 外来投资分利: what the CLI calls `other_appropriations_fen`."""
        return self.plan.welfare + self.plan.outside


def available_of(book: Book, year: int) -> int:
    """可分配收益 of the year, from the closed books' 收益及收益分配表."""
    return income_statement_line(book, year, AVAILABLE_LABEL)


def compute(book: Book, year: int, *, reserve_rate_bp: int | None = None) -> Computed:
    """The plan as it would be now (nothing saved). Refused before the year-end closing."""
    if not isinstance(year, int) or not book.start_date.year <= year <= 2100:
        raise Invalid([Problem(f"年度「{year}」不在{book}的账簿年度之内（{book.start_date.year}年起）", field="年度")])
    problems = []
    if not ledger.year_closed(book, year):
        problems.append(Problem(f"{book}尚未完成{year}年年终结转：收益分配以结转后的可分配收益为准", field="年度"))
    conf = settings_for(book.region_id)
    reserve = conf.reserve_rate_bp if reserve_rate_bp is None else reserve_rate_bp
    problems += rules.rate_problems(reserve_bp=reserve, welfare_bp=conf.welfare_rate_bp, outside_bp=conf.outside_rate_bp)
    as_at = dt.date(year, 12, 31)
    _, rows = holdings(book.collective, as_at)
    if not rows:
        problems.append(Problem(f"{book.collective.name}截至{as_at}没有股权登记，无法按股分配"))
    if problems:
        raise Invalid(problems)
    plan = rules.plan(available_of(book, year), [r.total for r in rows], reserve_bp=reserve, welfare_bp=conf.welfare_rate_bp, outside_bp=conf.outside_rate_bp)
    lines = [Line(r.holder_id, r.kind, r.key, r.head, r.total, amount) for r, amount in zip(rows, plan.amounts)]
    return Computed(book, year, as_at, reserve, conf.welfare_rate_bp, conf.outside_rate_bp, plan, lines)


def per_share_of(d: Distribution) -> str:
    """A saved plan's amount per share (fen, four places), as `rules.Plan.per_share` gives it."""
    return rules.Plan(d.available, d.reserve, d.welfare, d.outside, d.distributable, d.total_units, []).per_share


def distribution_of(book: Book, year: int) -> Distribution | None:
    """The year's plan (not withdrawn), if one was drafted."""
    return Distribution.objects.filter(book=book, year=year).filter(ACTIVE).first()


# --- the digest -----------------------------------------------------------------------------------


def canonical(d: Distribution, lines) -> str:
    head = [d.collective_id, d.book_id, d.year, d.as_at.isoformat() if d.as_at else "", d.available, d.reserve_rate_bp, d.reserve,
            d.welfare_rate_bp, d.welfare, d.outside_rate_bp, d.outside, d.distributable, d.total_units, d.chain_head]
    return json.dumps([head, [[ln.holder_id, ln.units, ln.amount] for ln in lines]], separators=(",", ":"))


def digest_of(d: Distribution, lines) -> str:
    return hashlib.sha256(canonical(d, lines).encode()).hexdigest()


def is_intact(d: Distribution) -> bool:
    """Whether an approved plan still matches the digest it was frozen with."""
    return not d.digest or d.digest == digest_of(d, list(d.lines.order_by("id")))


# --- the life cycle ---------------------------------------------------------------------------


def _lock(d: Distribution) -> Distribution:
    return Distribution.objects.select_for_update(of=("self",)).select_related("book", "collective").get(pk=d.pk)


def _move(user, d: Distribution, action: str, to: str, note: str = "", **audit_new) -> None:
    before = d.status
    d.status = to
    d.save()
    DistributionEvent.record(user, action, from_status=before, to_status=to, note=note, distribution=d)
    audit.record(f"coop.distribution.{action}", d, actor=user, region_code=d.collective.region_id, old={"status": before}, new={"status": to, **audit_new})


def _status_problem(d: Distribution, allowed: tuple[str, ...], what: str) -> list[Problem]:
    if d.status in allowed:
        return []
    return [Problem(f"分配方案状态为「{rules.DISTRIBUTION_STATUSES[d.status]}」，不能{what}")]


def draft(user, book: Book, year: int, *, reserve_rate_bp: int | None = None) -> Distribution:
    """The accountant drafts the year's plan, or recomputes a draft not yet published."""
    permissions.require(user, KEEP_ROLES, book.region_id, "草拟收益分配方案", object_type="coop.distribution.draft", object_id=f"{book.code}/{year}")
    with transaction.atomic():
        Book.objects.select_for_update().filter(pk=book.pk).first()
        c = compute(book, year, reserve_rate_bp=reserve_rate_bp)
        d = distribution_of(book, year)
        if d is not None and d.status != "draft":
            raise Invalid(_status_problem(d, ("draft",), "重新计算"))
        action = "recompute" if d is not None else "draft"
        if d is None:
            d = Distribution(collective=book.collective, book=book, year=year, created_by=user if getattr(user, "pk", None) else None)
        d.as_at, d.available, d.total_units = c.as_at, c.plan.available, c.plan.total_units
        d.reserve_rate_bp, d.reserve = c.reserve_bp, c.plan.reserve
        d.welfare_rate_bp, d.welfare = c.welfare_bp, c.plan.welfare
        d.outside_rate_bp, d.outside = c.outside_bp, c.plan.outside
        d.distributable = c.plan.distributable
        d.save()
        d.lines.all().delete()  # a draft's lines only: nothing is frozen before approval
        DistributionLine.objects.bulk_create(
            [DistributionLine(distribution=d, holder_id=ln.holder_id, units=ln.units, amount=ln.amount) for ln in c.lines], batch_size=1000
        )
        DistributionEvent.record(user, action, to_status="draft", note=f"可分配收益{format_yuan(d.available)}元，向成员分配{format_yuan(d.distributable)}元", distribution=d)
        audit.record(f"coop.distribution.{action}", d, actor=user, region_code=book.region_id, new={"year": year, "available": d.available, "distributable": d.distributable})
    return d


def publish(user, d: Distribution, on: dt.date | None = None) -> Distribution:
    """The plan shown to the members (公布): the members' meeting may decide it 10 days later."""
    permissions.require(user, KEEP_ROLES | BOARD_ROLES, d.collective.region_id, "公布收益分配方案", object_type="coop.distribution.publish", object_id=d.pk)
    with transaction.atomic():
        d = _lock(d)
        problems = _status_problem(d, ("draft",), "公布")
        if problems:
            raise Invalid(problems)
        d.published_on = on or today()
        _move(user, d, "publish", "published", note=f"{d.published_on}向成员公布", published_on=d.published_on.isoformat())
    return d


def decide_problems(d: Distribution, matter: Matter | None) -> list[Problem]:
    out = _status_problem(d, ("published",), "记录成员大会决议")
    if matter is None:
        return out + [Problem("请选择通过分配方案的四议两公开事项（成员大会决议）", field="四议两公开事项")]
    village = d.collective.region_id
    if matter.village_id != village:
        return out + [Problem("四议两公开事项不属于本村", field="四议两公开事项")]
    if matter.purpose != "dividend":
        out.append(Problem(f"四议两公开事项的用途应为「{PURPOSES['dividend']}」", field="四议两公开事项"))
    if matter.pk not in {m.pk for m in completed_matters(village, purpose=matter.purpose)}:
        out.append(Problem(f"事项「{matter.title}」的决议尚未公开：四议两公开完成后才能据以分配", field="四议两公开事项"))
    meeting = current_records(matter).get("villagers_meeting")
    if meeting is None:
        out.append(Problem(f"事项「{matter.title}」还没有记录成员大会决议", field="四议两公开事项"))
    elif meeting.meeting_type not in DECISION_MEETINGS:
        out.append(Problem("收益分配方案须由集体经济组织成员大会（或成员代表大会）决定", field="四议两公开事项"))
    elif d.published_on and meeting.date < d.published_on + dt.timedelta(days=rules.NOTICE_DAYS):
        out.append(
            Problem(
                f"成员大会 {meeting.date} 距方案公布（{d.published_on}）不足{rules.NOTICE_DAYS}日"
                "（农村集体经济组织法第四十六条：分配方案应在会议召开十日前提供给成员查阅）",
                field="四议两公开事项",
            )
        )
    return out


def decide(user, d: Distribution, matter: Matter | None) -> Distribution:
    """The secretary records the members' meeting that adopted the plan."""
    permissions.require(user, BOARD_ROLES, d.collective.region_id, "记录成员大会通过分配方案", object_type="coop.distribution.decide", object_id=d.pk)
    with transaction.atomic():
        d = _lock(d)
        problems = decide_problems(d, matter)
        if problems:
            raise Invalid(problems)
        d.matter, d.meeting_on = matter, current_records(matter)["villagers_meeting"].date
        _move(user, d, "decide", "decided", note=f"成员大会 {d.meeting_on}", matter=matter.pk)
    return d


def _end(user, d: Distribution, reason: str, *, roles, allowed: tuple[str, ...], action: str, what: str) -> Distribution:
    permissions.require(user, roles, d.collective.region_id, f"{what}收益分配方案", object_type=f"coop.distribution.{action}", object_id=d.pk)
    reason = (reason or "").strip()
    with transaction.atomic():
        d = _lock(d)
        problems = _status_problem(d, allowed, what)
        if not reason:
            problems.append(Problem(f"请说明{what}原因", field="原因"))
        if problems:
            raise Invalid(problems)
        _move(user, d, action, "withdrawn", note=reason, reason=reason)
    return d


def withdraw(user, d: Distribution, reason: str) -> Distribution:
    """A plan not yet approved is withdrawn by the village (a new one may then be drafted)."""
    return _end(user, d, reason, roles=KEEP_ROLES | BOARD_ROLES, allowed=("draft", "published", "decided"), action="withdraw", what="撤回")


def reject(user, d: Distribution, reason: str) -> Distribution:
    """The township sends a decided plan back (it is then withdrawn and drafted again)."""
    return _end(user, d, reason, roles=TOWNSHIP_ROLES, allowed=("decided",), action="reject", what="退回")


# --- approval: the books ----------------------------------------------------------------------


PAYABLE_WORDS = ("分红", "股金", "分配")


def leaves_of(book: Book) -> list[Account]:
    return list(Account.objects.filter(book=book, is_leaf=True))


def payable_account(book: Book, leaves: list[Account] | None = None) -> Account | None:
    """Where the members' dividends wait to be paid: 应付款 (a 分红 sub-account when the book has one)."""
    return leaf_for(leaves if leaves is not None else leaves_of(book), "payable", prefer=PAYABLE_WORDS)


def voucher_draft(d: Distribution, lines, leaves: list[Account] | None = None) -> ledger.VoucherDraft:
    """The plan's voucher on 31 December of its year, by account role (never a code); `leaves`
    the book's leaf accounts when the caller has read them."""
    book = d.book
    leaves = leaves if leaves is not None else leaves_of(book)
    households = sum(ln.amount for ln in lines if ln.holder.kind != "collective")
    collective_part = sum(ln.amount for ln in lines if ln.holder.kind == "collective")
    entries: list[ledger.EntryDraft] = []
    missing: list[str] = []

    def pair(amount: int, debit_roles: tuple[str, ...], credit: Account | None, what: str):
        if not amount:
            return
        debit = leaf_for(leaves, *debit_roles)
        if debit is None or credit is None:
            missing.append(what)
            return
        summary = f"{d.year}年收益分配：{what}"
        entries.append(ledger.EntryDraft(debit.code, debit=amount, summary=summary))
        entries.append(ledger.EntryDraft(credit.code, credit=amount, summary=summary))

    reserve_fund = leaf_for(leaves, "reserve_fund")
    payable = payable_account(book, leaves)
    pair(d.reserve, ("distribute_reserve",), reserve_fund, "提取公积公益金")
    pair(d.welfare, ("distribute_welfare", "distribute_other"), leaf_for(leaves, "welfare_payable", "payable"), "提取应付福利费")
    pair(d.outside, ("distribute_investors", "distribute_other"), payable, "外来投资分利")
    pair(households, ("distribute_households", "distribute_members"), payable, "向成员（农户）分配")
    pair(collective_part, ("distribute_other",), reserve_fund, "集体股分红留归集体")
    if missing:
        raise Invalid([Problem(f"账套「{book}」缺少{'、'.join(missing)}所需的科目（各项分配、公积公益金或应付款）")])
    return ledger.VoucherDraft(date=dt.date(d.year, 12, 31), summary=f"{d.year}年收益分配（{d.collective.name}）", entries=entries)


def approve_problems(d: Distribution) -> list[Problem]:
    """What stops the approval: the status, or books or holdings changed since the draft (the
    plan's 可分配收益 and each holder's shares as at 31 December must still be what they were)."""
    out = _status_problem(d, ("decided",), "审核通过")
    if out:
        return out
    held: dict[int, int] = {}
    for (holder, _), units in holdings_at(d.collective, d.as_at).items():
        held[holder] = held.get(holder, 0) + units
    saved = dict(d.lines.values_list("holder_id", "units"))
    if available_of(d.book, d.year) != d.available or saved != held:
        out.append(Problem("账簿或股权登记在方案草拟后有变化（可分配收益或持股不同）：请撤回后重新草拟"))
    return out


def closing_after(book: Book, draft_: ledger.VoucherDraft, year: int, leaves: list[Account] | None = None) -> list[ledger.VoucherDraft]:
    """The closing run again once `draft_` is posted: 各项分配 into 未分配收益 (computed from the
    kept totals and the draft's lines, so that both go in one batch)."""
    leaves = leaves if leaves is not None else leaves_of(book)
    closing = {acc_id: t[3] for acc_id, t in balances_for(book, year, 12).items()}
    by_code = {a.code: a.pk for a in leaves}
    for e in draft_.entries:
        closing[by_code[e.account]] = closing.get(by_code[e.account], 0) + e.debit - e.credit
    return ledger.closing_drafts(leaves, closing, year)


def approve(user, d: Distribution) -> Distribution:
    """The township approves: the plan is frozen with the chain head and posted, and the closing
    is run again so that 各项分配 goes into 未分配收益 (one batch: both or neither)."""
    permissions.require(user, TOWNSHIP_ROLES, d.collective.region_id, "审核收益分配方案", object_type="coop.distribution.approve", object_id=d.pk)
    with transaction.atomic():
        d = _lock(d)
        problems = approve_problems(d)
        if problems:
            raise Invalid(problems)
        lines = list(d.lines.select_related("holder").order_by("id"))
        leaves = leaves_of(d.book)
        draft_ = voucher_draft(d, lines, leaves)
        book = Book.objects.get(pk=d.book_id)
        d.chain_head = book.chain_head
        d.digest = digest_of(d, lines)
        d.approved_at, d.approved_by = timezone.now(), user if getattr(user, "pk", None) else None
        _move(user, d, "approve", "approved", digest=d.digest)
        voucher, *_ = ledger.post_drafts(user, book, [draft_, *closing_after(book, draft_, d.year, leaves)])
        d.voucher = voucher
        _move(user, d, "post", "posted", note=f"凭证 {voucher.label}", voucher=voucher.pk)
    return d


# --- paying out -----------------------------------------------------------------------------------


def unpaid_lines(d: Distribution):
    """The households (and members) still owed: each stays a payable to that holder."""
    return (
        d.lines.exclude(holder__kind="collective").filter(amount__gt=0).exclude(paid__gte=F("amount"))
        .select_related("holder__household", "holder__member__person").order_by("id")
    )


def line_key(ln: DistributionLine) -> str:
    h = ln.holder
    return h.household.number if h.kind == "household" else h.member.household.number if h.kind == "member" else rules.COLLECTIVE_HOLDER_LABEL


def pay(user, d: Distribution, households: list[str], paid_on: dt.date | None = None) -> Voucher:
    """Households paid (by 户号: what the bank's result lists): each line paid in full, one payment
    voucher for them submitted for the township's review."""
    permissions.require(user, KEEP_ROLES, d.collective.region_id, "登记分红支付", object_type="coop.distribution.pay", object_id=d.pk)
    from sanwu.payments.services.vouchers import paying_account

    paid_on = paid_on or today()
    with transaction.atomic():
        d = _lock(d)
        problems = _status_problem(d, ("posted",), "支付")
        owed = {line_key(ln): ln for ln in unpaid_lines(d)}
        wanted = [h.strip() for h in households if h.strip()]
        if not wanted:
            problems.append(Problem("请选择已支付的户", field="户号"))
        unknown = [h for h in wanted if h not in owed]
        if unknown:
            problems.append(Problem(f"{'、'.join(unknown[:10])}户不在待支付名单中（已付清或不在本方案）", field="户号"))
        if paid_on < dt.date(d.year, 12, 31):
            problems.append(Problem(f"支付日期不能早于分配入账日 {d.year}-12-31", field="支付日期"))
        if problems:
            raise Invalid(problems)
        lines = [owed[h] for h in dict.fromkeys(wanted)]
        total = sum(ln.amount - ln.paid for ln in lines)
        payable, bank = payable_account(d.book), paying_account(d.book)
        summary = f"支付{d.year}年股份分红（{len(lines)}户）"
        v = ledger.save_draft(
            user, d.book,
            ledger.VoucherDraft(date=paid_on, summary=summary, entries=[
                ledger.EntryDraft(payable.code, debit=total, summary=summary, settlement="bank"),
                ledger.EntryDraft(bank.code, credit=total, summary=summary, settlement="bank"),
            ]),
            submit=True,
        )
        payments = []
        for ln in lines:
            payments.append(DividendPayment(line=ln, amount=ln.amount - ln.paid, paid_on=paid_on, voucher=v, created_by=user if getattr(user, "pk", None) else None))
            ln.paid = ln.amount
        DividendPayment.objects.bulk_create(payments, batch_size=1000)
        DistributionLine.objects.bulk_update(lines, ["paid"], batch_size=1000)
        DistributionEvent.record(user, "pay", from_status="posted", to_status="posted", note=f"{len(lines)}户 {format_yuan(total)}元", distribution=d)
        audit.record("coop.distribution.pay", d, actor=user, region_code=d.collective.region_id, new={"households": len(lines), "amount": total, "voucher": v.pk})
    return v


def paid_total(d: Distribution) -> int:
    return sum(d.lines.values_list("paid", flat=True))


def public_plan(collective) -> dict | None:
    """The village page's line of the newest plan the township approved: its year, 可分配收益,
    the reserve, what the members share, the amount per share, and what is paid and still owed
    (in fen). No household is named."""
    d = Distribution.objects.filter(collective=collective, status__in=("approved", "posted")).order_by("-year").first()
    if d is None:
        return None
    owed = paid = 0
    for kind, amount, got in d.lines.values_list("holder__kind", "amount", "paid"):
        if kind != "collective":
            paid += got
            owed += amount - got
    per_share = per_share_of(d)
    return {
        "year": d.year, "available_fen": d.available, "reserve_fen": d.reserve, "distributable_fen": d.distributable,
        "per_share_fen": per_share, "paid_fen": paid, "unpaid_fen": owed,
    }


# --- the tables ---------------------------------------------------------------------------------


def plan_table(c: Computed | Distribution) -> Table:
    """One row per holder: 户号, 户主 (masked), shares, amount. For a saved plan, paid and owed too."""
    saved = isinstance(c, Distribution)
    cols = [Column("household", "户号/持股人", width=14), Column("head", "户主", width=12), Column("shares", "份额（股）"), Column("amount", "分配金额", money=True)]
    if saved:
        cols += [Column("paid", "已支付", money=True), Column("owed", "未支付", money=True)]
        title = f"{c.year}年收益分配方案（{rules.DISTRIBUTION_STATUSES[c.status]}）"
    else:
        title = f"{c.year}年收益分配方案（测算）"
    return Table(title, cols, plan_rows(c))


def plan_rows(c: Computed | Distribution) -> list[dict]:
    if isinstance(c, Computed):
        return [{"household": ln.key, "head": ln.head, "shares": rules.format_units(ln.units), "amount": ln.amount} for ln in c.lines]
    _, rows = holdings(c.collective, c.as_at)
    names = {r.holder_id: (r.key, r.head) for r in rows}
    out = []
    for ln in c.lines.select_related("holder__household", "holder__member__household").order_by("id"):
        key, head = names.get(ln.holder_id, (line_key(ln), ""))
        owed = 0 if ln.holder.kind == "collective" else ln.amount - ln.paid
        out.append({"household": key, "head": head, "shares": rules.format_units(ln.units), "amount": ln.amount, "paid": ln.paid, "owed": owed})
    return out


def plan_json(c: Computed | Distribution) -> dict:
    """What `sanwu coop distribution --format json` prints (the issue's keys)."""
    if isinstance(c, Computed):
        p = c.plan
        head = dict(available=p.available, reserve=p.reserve, other=p.welfare + p.outside, distributable=p.distributable, units=p.total_units, per_share=p.per_share)
        status = "computed"
    else:
        per_share = per_share_of(c)
        head = dict(available=c.available, reserve=c.reserve, other=c.welfare + c.outside, distributable=c.distributable, units=c.total_units, per_share=per_share)
        status = c.status
    return {
        "book": c.book.code, "year": c.year, "status": status,
        "available_fen": head["available"], "reserve_fen": head["reserve"], "other_appropriations_fen": head["other"],
        "distributable_fen": head["distributable"], "total_shares": rules.format_units(head["units"]), "per_share_fen": head["per_share"],
        "households": [{"household": r["household"], "shares": r["shares"], "amount_fen": r["amount"]} for r in plan_rows(c)],
    }


BANK_COLUMNS = ("序号", "户号", "收款人户名", "开户行", "收款账号", "金额", "用途")


def bank_list(user, d: Distribution) -> Table:
    """The bank's payment list of the households still owed: the head's full name, the bank and the
    full account number. Only for the accountant and the township, each download audited; never on
    a page."""
    region = d.collective.region_id
    permissions.require(user, BANK_LIST_ROLES, region, "下载分红银行代发清单", object_type="coop.distribution.bank_list", object_id=d.pk)
    problems = _status_problem(d, ("posted",), "生成代发清单")
    if problems:
        raise Invalid(problems)
    lines = list(unpaid_lines(d))
    household_ids = {ln.holder.household_id if ln.holder.kind == "household" else ln.holder.member.household_id for ln in lines}
    households = {h.pk: h for h in Household.objects.filter(pk__in=household_ids)}
    heads = {m.household_id: m.person.name for m in Member.objects.filter(household_id__in=household_ids, is_head=True).select_related("person")}
    rows = []
    for i, ln in enumerate(lines, start=1):
        h = ln.holder
        hh = households[h.household_id if h.kind == "household" else h.member.household_id]
        name = heads.get(hh.pk, "") if h.kind == "household" else h.member.person.name
        rows.append({"序号": i, "户号": hh.number, "收款人户名": name, "开户行": hh.bank_name, "收款账号": hh.bank_account, "金额": ln.amount - ln.paid, "用途": f"{d.year}年股份分红"})
    audit.record("coop.distribution.bank_list", d, actor=user, region_code=region, new={"households": len(rows), "amount": sum(r["金额"] for r in rows)})
    cols = [Column(k, k, money=(k == "金额"), width=24 if k in ("收款账号", "开户行") else 0) for k in BANK_COLUMNS]
    return Table(f"{d.year}年股份分红代发清单（{d.collective.name}）", cols, rows)
