"""The books' domain logic: books and accounts, vouchers through make → submit → review → post,
reversals, periods, and the batch posting used by imports and the demo.

Every function takes the acting user (None for the system operator on the CLI) and checks the
scope gate itself; web, API, importer and CLI all call these.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models.base import ModelState
from django.db.models import Max
from django.utils import timezone

from sanwu.core import audit
from sanwu.core.bulk import insert_rows
from sanwu.core.codes import credit_code_errors, normalize_credit_code
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.heap import long_lived_frozen
from sanwu.core.money import format_yuan
from sanwu.core.scope import can_write, code_in_scope
from sanwu.regions.models import Region

from . import chain, hooks
from .charts import CHART_VERSIONS, CHARTS, EXPENSE_ROLES, INCOME_ROLES, SETTLEMENTS, SOURCES
from .models import Account, AccountMonth, Book, Entry, OpeningBalance, Period, RoleYear, SourceMonth, Voucher

FLOW_ROLES = INCOME_ROLES | EXPENSE_ROLES  # kept per year in RoleYear

MAKE_ROLES = {"village_accountant"}
REVIEW_ROLES = {"township_supervisor", "county_supervisor"}
POST_ROLES = {"village_accountant", "township_supervisor", "county_supervisor"}
BOOK_ADMIN_ROLES = {"county_supervisor", "city_admin"}


# --- Drafts (what a form, an API call or an import row says) --------------------------------


@dataclass(slots=True)
class EntryDraft:
    account: str  # account code in the book
    debit: int = 0
    credit: int = 0
    summary: str = ""
    counterparty: str = ""
    settlement: str = ""
    source: str = ""
    row: int | None = None  # line in an import file


@dataclass(slots=True)
class VoucherDraft:
    date: dt.date
    summary: str
    entries: list[EntryDraft] = field(default_factory=list)
    source_no: str = ""
    attachment_count: int = 0
    reverses_id: int | None = None
    kind: str = "normal"  # "closing" for year-end closing vouchers
    row: int | None = None


def _actor_may(user, book: Book, roles: set[str]) -> bool:
    """The system operator (CLI, user None) may; otherwise a writing role in the book's scope."""
    return user is None or can_write(user, book.region_id, roles)


def _require(user, book: Book, roles: set[str], what: str) -> None:
    if not _actor_may(user, book, roles):
        from sanwu.core.permissions import refuse

        refuse(user, f"ledger.{what}", book.code, book.region_id)
        raise Refused(f"无权{what}：{book}")


def _audit(user, action, obj=None, **kw):
    return audit.record(action, obj, actor=user, **kw)


def today() -> dt.date:
    return timezone.localdate()


# --- Books and accounts ----------------------------------------------------------------------


def create_book(user, code: str, region_code: str, chart: str, name: str = "", credit_code: str = "", start_date: dt.date | None = None) -> Book:
    problems = []
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level != "village":
        problems.append(Problem(f"「{region_code}」不是已登记的村", field="region"))
    if chart not in CHART_VERSIONS:
        problems.append(Problem(f"会计制度应为 2023 或 2004，而不是「{chart}」", field="chart"))
    if not code or len(code) > 32:
        problems.append(Problem("账套编码不能为空且不超过32个字符", field="code"))
    elif Book.objects.filter(code=code).exists():
        problems.append(Problem(f"账套编码「{code}」已存在", field="code"))
    if credit_code:
        problems.extend(Problem(e, field="credit_code") for e in credit_code_errors(credit_code))
    if problems:
        raise Invalid(problems)
    if user is not None and not code_in_scope(user, region.code, BOOK_ADMIN_ROLES):
        from sanwu.core.permissions import refuse

        refuse(user, "ledger.book.create", code, region.code)
        raise Refused("无权为该村建立账套")
    with transaction.atomic():
        book = Book.objects.create(
            code=code,
            name=name or f"{region.name}股份经济合作社",
            region=region,
            chart=chart,
            start_date=start_date or dt.date(today().year, 1, 1),
            credit_code=normalize_credit_code(credit_code),
        )
        _install_chart(book)
        _audit(user, "book.create", book, new={"code": code, "region": region.code, "chart": chart, "credit_code": book.credit_code}, region_code=region.code)
    return book


def _install_chart(book: Book) -> None:
    std = CHARTS[book.chart]
    parents = {a.parent for a in std if a.parent}
    made: dict[str, Account] = {}
    for a in std:  # the data lists parents before their sub-accounts
        made[a.code] = Account.objects.create(
            book=book,
            code=a.code,
            name=a.name,
            category=a.category,
            side=a.side,
            roles=",".join(a.roles),
            parent=made.get(a.parent) if a.parent else None,
            standard=True,
            is_leaf=a.code not in parents,
        )


def add_sub_account(user, book: Book, parent_code: str, code: str, name: str, default_source: str = "") -> Account:
    _require(user, book, MAKE_ROLES | BOOK_ADMIN_ROLES, "增设明细科目")
    parent = Account.objects.filter(book=book, code=parent_code).first()
    problems = []
    if parent is None:
        problems.append(Problem(f"上级科目「{parent_code}」不存在", field="parent"))
    elif not code.startswith(parent.code) or len(code) != len(parent.code) + 2 or not code.isdigit():
        problems.append(Problem(f"明细科目编码应为上级编码「{parent.code}」加两位数字", field="code"))
    elif Account.objects.filter(book=book, code=code).exists():
        problems.append(Problem(f"科目编码「{code}」已存在", field="code"))
    elif parent.is_leaf and (Entry.objects.filter(account=parent).exists() or OpeningBalance.objects.filter(account=parent).exists()):
        problems.append(Problem(f"科目「{parent}」已有发生额或期初余额，不能再增设明细", field="parent"))
    if not name.strip():
        problems.append(Problem("科目名称不能为空", field="name"))
    if default_source and default_source not in SOURCES:
        problems.append(Problem(f"未知收入来源「{default_source}」", field="source"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        account = Account.objects.create(
            book=book, code=code, name=name.strip(), category=parent.category, side=parent.side, roles=parent.roles,
            parent=parent, standard=False, is_leaf=True, default_source=default_source,
        )
        if parent.is_leaf:
            parent.is_leaf = False
            parent.save(update_fields=["is_leaf"])
        _audit(user, "account.create", account, new={"book": book.code, "code": code, "name": account.name}, region_code=book.region_id)
    return account


def accounts_with_role(book: Book, role: str, leaf_only: bool = True) -> list[Account]:
    qs = Account.objects.filter(book=book)
    if leaf_only:
        qs = qs.filter(is_leaf=True)
    return [a for a in qs if role in a.role_set]


def set_opening_balances(user, book: Book, balances: dict[str, int]) -> None:
    """Opening balances by account code, debit-positive fen. Only before confirmation."""
    _require(user, book, MAKE_ROLES | BOOK_ADMIN_ROLES, "录入期初余额")
    if book.opening_confirmed:
        raise Invalid(Problem("期初余额已确认，不能再修改"))
    accounts = {a.code: a for a in Account.objects.filter(book=book)}
    problems = []
    for code, amount in balances.items():
        acc = accounts.get(code)
        if acc is None:
            problems.append(Problem(f"科目「{code}」不存在", field="account"))
        elif not acc.is_leaf:
            problems.append(Problem(f"科目「{acc}」有明细科目，请在末级科目录入", field="account"))
        elif acc.category == "pnl" and amount:
            problems.append(Problem(f"损益类科目「{acc}」没有期初余额", field="account"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        old = {ob.account.code: ob.balance for ob in OpeningBalance.objects.filter(book=book).select_related("account")}
        OpeningBalance.objects.filter(book=book).delete()
        OpeningBalance.objects.bulk_create(
            [OpeningBalance(book=book, account=accounts[c], balance=v) for c, v in balances.items() if v]
        )
        _audit(user, "book.opening.set", book, old=old, new={c: v for c, v in balances.items() if v}, region_code=book.region_id)


def confirm_opening(user, book: Book) -> None:
    """Check debits = credits and lock the opening balances (required before the first voucher)."""
    _require(user, book, MAKE_ROLES | BOOK_ADMIN_ROLES, "确认期初余额")
    total = sum(OpeningBalance.objects.filter(book=book).values_list("balance", flat=True))
    if total != 0:
        side = "借方" if total > 0 else "贷方"
        raise Invalid(Problem(f"期初余额借贷不平：{side}多 {format_yuan(abs(total))} 元"))
    with transaction.atomic():
        book.opening_confirmed = True
        book.save(update_fields=["opening_confirmed"])
        _audit(user, "book.opening.confirm", book, region_code=book.region_id)


# --- Validation (pure over a loaded book context) --------------------------------------------


class BookContext:
    """What validating a voucher needs from the database, loaded once per book."""

    def __init__(self, book: Book):
        self.book = book
        self.accounts = {a.code: a for a in Account.objects.filter(book=book)}
        self.periods = {(p.year, p.month): p.status for p in Period.objects.filter(book=book)}
        self.today = today()

    def period_status(self, year: int, month: int) -> str:
        return self.periods.get((year, month), "open")


def voucher_errors(ctx: BookContext, draft: VoucherDraft, file: str | None = None, check_period: bool = True) -> list[Problem]:
    problems: list[Problem] = []

    def p(msg, fld=None, row=None):
        problems.append(Problem(msg, row=row if row is not None else draft.row, field=fld, file=file))

    book = ctx.book
    if not book.opening_confirmed:
        p("账套的期初余额尚未确认（借贷平衡后才能记账）")
    if not isinstance(draft.date, dt.date):
        p("日期无效", "date")
        return problems
    if draft.date < book.start_date:
        p(f"日期 {draft.date} 早于账套启用日期 {book.start_date}", "date")
    if draft.date > ctx.today:
        p(f"日期 {draft.date} 晚于今天", "date")
    if check_period:
        status = ctx.period_status(draft.date.year, draft.date.month)
        if status != "open":
            p(f"{draft.date.year}年{draft.date.month}月已结账（{dict(Period.STATUSES)[status]}），不能再记账", "date")
    if not (draft.summary or "").strip():
        p("摘要不能为空", "summary")
    elif len(draft.summary.strip()) > 200:
        p("摘要不能超过200个字", "summary")
    if len(draft.source_no or "") > 40:
        p("凭证号不能超过40个字符", "voucher_no")
    if len(draft.entries) < 2:
        p("一张凭证至少要有两条分录", "account")
    debit = credit = 0
    for e in draft.entries:
        acc = ctx.accounts.get(e.account)
        if acc is None:
            p(f"科目「{e.account}」在本账套中不存在", "account", e.row)
        elif not acc.is_leaf:
            p(f"科目「{acc}」有明细科目，请选择末级科目", "account", e.row)
        elif not acc.is_open:
            p(f"科目「{acc}」已停用", "account", e.row)
        if len(e.summary or "") > 200:
            p("分录摘要不能超过200个字", "summary", e.row)
        if len(e.counterparty or "") > 100:
            p("往来单位不能超过100个字", "counterparty", e.row)
        if e.debit and e.credit:
            p("同一条分录不能同时有借方和贷方金额", "debit", e.row)
        elif not e.debit and not e.credit:
            p("分录金额不能为零", "debit", e.row)
        if e.settlement and e.settlement not in SETTLEMENTS:
            p(f"结算方式「{e.settlement}」无效（现金、银行、转账）", "settlement", e.row)
        if e.source and e.source not in SOURCES:
            p(f"收入来源「{e.source}」无效（{'、'.join(SOURCES.values())}）", "source", e.row)
        debit += e.debit
        credit += e.credit
    if draft.entries and debit != credit:
        p(f"借贷不平：借方合计 {format_yuan(debit)}，贷方合计 {format_yuan(credit)}", "debit")
    elif draft.entries and debit == 0:
        p("凭证金额合计不能为零", "debit")
    return problems


# --- Vouchers through their states ------------------------------------------------------------


def _write_entries(voucher: Voucher, ctx: BookContext, draft: VoucherDraft) -> None:
    Entry.objects.filter(voucher=voucher).delete()
    Entry.objects.bulk_create(
        [
            Entry(
                voucher=voucher, line=i, account=ctx.accounts[e.account], summary=e.summary or draft.summary,
                debit=e.debit, credit=e.credit, counterparty=e.counterparty, settlement=e.settlement,
                source=e.source or ctx.accounts[e.account].default_source,
            )
            for i, e in enumerate(draft.entries, start=1)
        ]
    )


def save_draft(user, book: Book, draft: VoucherDraft, voucher: Voucher | None = None) -> Voucher:
    """Create or edit a draft (or a rejected voucher being corrected). Checks all but the period."""
    _require(user, book, MAKE_ROLES, "制单")
    ctx = BookContext(book)
    problems = voucher_errors(ctx, draft, check_period=False)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        if voucher is None:
            voucher = Voucher(book=book, maker=user)
            old = None
        else:
            voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
            if voucher.status not in ("draft", "rejected"):
                raise Invalid(Problem(f"凭证状态为「{voucher.get_status_display()}」，不能修改"))
            old = {"date": voucher.date, "summary": voucher.summary, "total": voucher.total}
        voucher.date, voucher.year, voucher.month = draft.date, draft.date.year, draft.date.month
        voucher.summary = draft.summary.strip()
        voucher.total = sum(e.debit for e in draft.entries)
        voucher.attachment_count = max(draft.attachment_count, voucher.attachment_count if voucher.pk else 0)
        voucher.source_no = draft.source_no
        voucher.reverses_id = draft.reverses_id or voucher.reverses_id
        if voucher.reverses_id:  # a reversal is of its original's kind (a closing's reversal is a closing)
            voucher.kind = Voucher.objects.get(pk=voucher.reverses_id).kind
        voucher.status = "draft"
        voucher.save()
        _write_entries(voucher, ctx, draft)
        _audit(user, "voucher.save", voucher, old=old, new={"date": voucher.date, "summary": voucher.summary, "total": voucher.total}, region_code=book.region_id)
    return voucher


def delete_draft(user, voucher: Voucher) -> None:
    """A draft or rejected voucher may be thrown away by its book's accountant (never a posted one)."""
    _require(user, voucher.book, MAKE_ROLES, "删除草稿")
    with transaction.atomic():
        v = _locked(voucher, ("draft", "rejected"), "删除")
        if v.attachments.exists():
            raise Invalid(Problem("凭证已有附件，不能删除；请修改后提交"))
        _audit(user, "voucher.delete", v, old={"date": v.date, "summary": v.summary, "total": v.total}, region_code=v.book.region_id)
        Entry.objects.filter(voucher=v).delete()
        v.delete()


def _locked(voucher: Voucher, allowed: tuple[str, ...], action: str) -> Voucher:
    v = Voucher.objects.select_for_update().select_related("book").get(pk=voucher.pk)
    if v.status not in allowed:
        raise Invalid(Problem(f"凭证「{v.label}」状态为「{v.get_status_display()}」，不能{action}"))
    return v


def submit(user, voucher: Voucher) -> Voucher:
    _require(user, voucher.book, MAKE_ROLES, "提交凭证")
    with transaction.atomic():
        v = _locked(voucher, ("draft", "rejected"), "提交")
        problems = voucher_errors(BookContext(v.book), _draft_of(v))
        if problems:
            raise Invalid(problems)
        v.status, v.submitted_at, v.reject_reason = "submitted", timezone.now(), ""
        v.save(update_fields=["status", "submitted_at", "reject_reason"])
        _audit(user, "voucher.submit", v, region_code=v.book.region_id)
    return v


def review(user, voucher: Voucher) -> Voucher:
    _require(user, voucher.book, REVIEW_ROLES, "审核凭证")
    with transaction.atomic():
        v = _locked(voucher, ("submitted",), "审核")
        if user is not None and v.maker_id == user.pk:
            raise Invalid(Problem("审核人不能是制单人"))
        v.status, v.reviewer, v.reviewed_at = "reviewed", user, timezone.now()
        v.save(update_fields=["status", "reviewer", "reviewed_at"])
        _audit(user, "voucher.review", v, region_code=v.book.region_id)
    return v


def reject(user, voucher: Voucher, reason: str) -> Voucher:
    _require(user, voucher.book, REVIEW_ROLES, "退回凭证")
    if not (reason or "").strip():
        raise Invalid(Problem("请填写退回原因", field="reason"))
    with transaction.atomic():
        v = _locked(voucher, ("submitted", "reviewed"), "退回")
        if user is not None and v.maker_id == user.pk:
            raise Invalid(Problem("制单人不能退回自己的凭证"))
        v.status, v.reject_reason, v.reviewer, v.reviewed_at = "rejected", reason.strip()[:200], None, None
        v.save(update_fields=["status", "reject_reason", "reviewer", "reviewed_at"])
        _audit(user, "voucher.reject", v, new={"reason": v.reject_reason}, region_code=v.book.region_id)
    return v


def post(user, voucher: Voucher) -> Voucher:
    """Reviewed → posted: number, chain link and kept totals, in one transaction."""
    _require(user, voucher.book, POST_ROLES, "记账")
    with transaction.atomic():
        book = Book.objects.select_for_update().get(pk=voucher.book_id)
        v = _locked(voucher, ("reviewed",), "记账")
        ctx = BookContext(book)
        problems = voucher_errors(ctx, _draft_of(v))
        if problems:
            raise Invalid(problems)
        entries = list(v.entries.select_related("account").order_by("line"))
        _post_in_place(book, [(v, entries)], poster=user)
        hooks.notify_posted(book, [v], entries)
        _audit(user, "voucher.post", v, new={"number": v.label, "hash": v.hash, "total": v.total}, region_code=book.region_id)
    return v


def review_and_post(user, voucher: Voucher) -> Voucher:
    # Check before the transaction, so that a refusal stays in the audit trail.
    _require(user, voucher.book, REVIEW_ROLES, "审核凭证")
    _require(user, voucher.book, POST_ROLES, "记账")
    with transaction.atomic():
        review(user, voucher)
        return post(user, voucher)


def _draft_of(v: Voucher) -> VoucherDraft:
    return VoucherDraft(
        date=v.date, summary=v.summary, attachment_count=v.attachment_count, reverses_id=v.reverses_id,
        entries=[
            EntryDraft(e.account.code, e.debit, e.credit, e.summary, e.counterparty, e.settlement, e.source)
            for e in v.entries.select_related("account").order_by("line")
        ],
    )


def start_reversal(user, voucher: Voucher) -> Voucher:
    """红字冲销: a draft that negates a posted voucher, dated today, linked both ways."""
    _require(user, voucher.book, MAKE_ROLES, "冲销凭证")
    if voucher.status != "posted":
        raise Invalid(Problem("只有已记账的凭证才能冲销"))
    if Voucher.objects.filter(reverses=voucher).exclude(status="rejected").exists():
        raise Invalid(Problem(f"凭证「{voucher.label}」已有冲销凭证"))
    if voucher.reverses_id:
        raise Invalid(Problem("冲销凭证本身不能再冲销"))
    draft = VoucherDraft(
        date=today(),
        summary=f"冲销{voucher.label}：{voucher.summary}"[:200],
        reverses_id=voucher.pk,
        kind=voucher.kind,
        entries=[
            EntryDraft(e.account.code, -e.debit, -e.credit, f"冲销：{e.summary}"[:200], e.counterparty, e.settlement, e.source)
            for e in voucher.entries.select_related("account").order_by("line")
        ],
    )
    return save_draft(user, voucher.book, draft)


# --- Posting (one voucher or a batch) ---------------------------------------------------------


def _post_in_place(book: Book, items: list[tuple[Voucher, list[Entry]]], poster, now=None) -> None:
    """Give saved vouchers their numbers and chain links, mark them posted, update kept totals.

    The caller holds the book's row lock (select_for_update) inside a transaction.
    """
    now = now or timezone.now()
    numbers = _next_numbers(book)
    seq_of = _seq_lookup(book, {v.reverses_id for v, _ in items if v.reverses_id})
    for v, entries in items:
        key = (v.year, v.month)
        numbers[key] = numbers.get(key, 0) + 1
        book.posted_count += 1
        v.number, v.seq, v.prev_hash = numbers[key], book.posted_count, book.chain_head
        v.hash = chain.link(book.chain_head, canonical_of(book, v, entries, seq_of))
        book.chain_head = v.hash
        v.status, v.posted_at, v.poster = "posted", now, poster
        v.save(update_fields=["number", "seq", "prev_hash", "hash", "status", "posted_at", "poster"])
        seq_of[v.pk] = v.seq
    _add_totals(book, [e for _, es in items for e in es], {v.pk: v for v, _ in items}, {e.account_id: e.account for _, es in items for e in es})
    book.save(update_fields=["chain_head", "posted_count"])


def canonical_of(book: Book, v: Voucher, entries: list[Entry], seq_of: dict[int, int]) -> str:
    return chain.canonical(
        book_code=book.code, seq=v.seq, year=v.year, month=v.month, number=v.number, date=v.date.isoformat(),
        summary=v.summary, reverses_seq=seq_of.get(v.reverses_id) if v.reverses_id else None, kind=v.kind,
        entries=[(e.account.code, e.debit, e.credit, e.summary, e.counterparty, e.settlement, e.source) for e in entries],
    )


def _next_numbers(book: Book) -> dict[tuple[int, int], int]:
    rows = Voucher.objects.filter(book=book, status="posted").values("year", "month").annotate(n=Max("number")).order_by()
    return {(r["year"], r["month"]): r["n"] or 0 for r in rows}


def _seq_lookup(book: Book, ids: set) -> dict[int, int]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(Voucher.objects.filter(book=book, pk__in=ids).values_list("pk", "seq"))


def _add_totals(book: Book, entries, vouchers: dict[int, Voucher], accounts: dict[int, Account]) -> None:
    """Add posted entries (Entry or EntryRow) to the kept totals; `accounts` by id, for their roles."""
    months: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    sources: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    flows: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    roles_of: dict[int, list[str]] = {}
    for e in entries:
        v = vouchers[e.voucher_id]
        t = months[(e.account_id, v.year, v.month)]
        t[0] += e.debit
        t[1] += e.credit
        if v.kind == "closing":
            t[2] += e.debit
            t[3] += e.credit
            continue
        if e.source:
            s = sources[(e.account_id, e.source, v.year, v.month)]
            s[0] += e.debit
            s[1] += e.credit
        roles = roles_of.get(e.account_id)
        if roles is None:
            roles = roles_of[e.account_id] = [r for r in accounts[e.account_id].role_set if r in FLOW_ROLES]
        for role in roles:
            f = flows[(v.year, role)]
            f[0] += e.debit
            f[1] += e.credit
    _upsert(AccountMonth, book, months, ("account_id", "year", "month"), ("debit", "credit", "close_debit", "close_credit"))
    _upsert(SourceMonth, book, sources, ("account_id", "source", "year", "month"), ("debit", "credit"))
    _upsert(RoleYear, book, flows, ("year", "role"), ("debit", "credit"))


def _upsert(model, book: Book, totals: dict, key_fields: tuple[str, ...], value_fields: tuple[str, ...]) -> None:
    """Add `totals` ({key: [values]}) to the kept rows in one statement per batch: a row is
    inserted, or on the unique constraint the amounts are added to it (ON CONFLICT … DO UPDATE,
    on SQLite and PostgreSQL)."""
    if not totals:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    keys = ("book_id", *key_fields)
    cols = ", ".join(qn(c) for c in (*keys, *value_fields))
    marks = ", ".join(["%s"] * (len(keys) + len(value_fields)))
    add = ", ".join(f"{qn(f)} = {table}.{qn(f)} + excluded.{qn(f)}" for f in value_fields)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT ({', '.join(qn(c) for c in keys)}) DO UPDATE SET {add}"
    with connection.cursor() as cur:
        cur.executemany(sql, [(book.pk, *key, *values) for key, values in totals.items()])


def post_drafts(
    user, book: Book, drafts: list[VoucherDraft], *, file: str | None = None, progress=None, checked: BookContext | None = None
) -> list[Voucher]:
    """Validate every draft, then save and post them all in one transaction — or none.

    Used by the importer (`--post`), the demo and the benchmark. The acting user is recorded as
    maker and poster; imported vouchers are treated as reviewed by the import itself.
    """
    _require(user, book, POST_ROLES, "导入并记账")
    with long_lived_frozen(), transaction.atomic():
        # `checked`: the context the caller validated these drafts with, against this book,
        # inside this same transaction and under the same lock (the importer does): skip doing
        # it twice.
        if checked is not None:
            book, ctx = checked.book, checked
        else:
            book = Book.objects.select_for_update().get(pk=book.pk)
            ctx = BookContext(book)
            problems = [p for d in drafts for p in voucher_errors(ctx, d, file=file)]
            if problems:
                raise Invalid(problems)
        return _save_and_post(book, ctx, sorted(drafts, key=lambda d: d.date), user, progress)


class EntryRow(NamedTuple):
    """An entry on the batch path, as its row is written (the columns of `_ENTRY_COLS`); also
    what totals and the posting hook read, without the cost of a model instance."""

    voucher_id: int
    line: int
    account_id: int
    summary: str
    debit: int
    credit: int
    counterparty: str
    settlement: str
    source: str


def _save_and_post(book: Book, ctx: BookContext, drafts: list[VoucherDraft], user, progress=None) -> list[Voucher]:
    """Numbers and chain links are computed in memory. The entries are written first and the
    vouchers after them, already posted: while an entry goes in, its voucher is not there yet,
    so the database's no-insert trigger (entries of a posted voucher) lets it pass, and the
    foreign key is checked at commit. From the voucher insert on, the triggers lock both."""
    now = timezone.now()
    numbers = _next_numbers(book)
    seq_of = _seq_lookup(book, {d.reverses_id for d in drafts})
    ids = _reserve_ids(Voucher, len(drafts))
    uid = user.pk if user is not None else None
    accounts = ctx.accounts
    row = tuple.__new__  # EntryRow(...) without the keyword handling of a named tuple's __new__: a third of the cost
    ops = connection.ops
    ts = ops.adapt_datetimefield_value(now)
    vouchers: list[Voucher] = []
    voucher_rows: list[tuple] = []  # as written: the columns of _VOUCHER_COLS
    flat: list[EntryRow] = []
    for d, pk in zip(drafts, ids):
        summary = d.summary.strip()
        es, content_lines, total = [], [], 0
        for i, e in enumerate(d.entries, start=1):
            acc = accounts[e.account]
            text, source = e.summary or summary, e.source or acc.default_source
            es.append(row(EntryRow, (pk, i, acc.pk, text, e.debit, e.credit, e.counterparty, e.settlement, source)))
            content_lines.append((acc.code, e.debit, e.credit, text, e.counterparty, e.settlement, source))
            total += e.debit
        year, month = d.date.year, d.date.month
        key = (year, month)
        number = numbers[key] = numbers.get(key, 0) + 1
        book.posted_count += 1
        seq, prev = book.posted_count, book.chain_head
        content = chain.canonical(
            book_code=book.code, seq=seq, year=year, month=month, number=number, date=d.date.isoformat(), summary=summary,
            reverses_seq=seq_of.get(d.reverses_id) if d.reverses_id else None, kind=d.kind, entries=content_lines,
        )
        book.chain_head = chain.link(prev, content)
        voucher_rows.append((
            pk, book.pk, ops.adapt_datefield_value(d.date), year, month, number, "posted", summary, d.kind, d.attachment_count,
            total, d.source_no, d.reverses_id, uid, uid, uid, "", ts, ts, ts, ts, seq, prev, book.chain_head,
        ))
        vouchers.append(_posted_voucher(
            book, id=pk, date=d.date, year=year, month=month, number=number, status="posted", summary=summary, kind=d.kind,
            attachment_count=d.attachment_count, total=total, source_no=d.source_no,
            reverses_id=d.reverses_id, maker_id=uid, reviewer_id=uid, poster_id=uid, reject_reason="", created_at=now,
            submitted_at=now, reviewed_at=now, posted_at=now, seq=seq, prev_hash=prev, hash=book.chain_head,
        ))
        flat.extend(es)
    _fast_insert_entries(flat)
    if progress:
        progress(len(vouchers) // 2)
    insert_rows(Voucher._meta.db_table, _VOUCHER_COLS, voucher_rows)
    _add_totals(book, flat, {v.id: v for v in vouchers}, {a.pk: a for a in accounts.values()})
    book.save(update_fields=["chain_head", "posted_count"])
    hooks.notify_posted(book, vouchers, flat)
    _audit(user, "voucher.batch_post", book, new={"count": len(vouchers), "head": book.chain_head}, region_code=book.region_id)
    if progress:
        progress(len(vouchers) - len(vouchers) // 2)
    return vouchers


def _posted_voucher(book: Book, **values) -> Voucher:
    """A Voucher instance for a row this process is about to write, made the way `Model.from_db`
    makes one for a row read back (every concrete field given, no defaults looked up, no
    descriptors), which costs a tenth of `Voucher(**values)` on the batch path."""
    v = Voucher.__new__(Voucher)
    v.__dict__.update(values, book_id=book.pk)
    state = v._state = ModelState()
    state.adding, state.db = False, connection.alias
    state.fields_cache["book"] = book
    return v


def _reserve_ids(model, n: int) -> list[int]:
    """Primary keys for n new rows. SQLite: the writer holds the database lock (BEGIN IMMEDIATE),
    so max(id) is stable; PostgreSQL: taken from the table's sequence."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [n])
            return [r[0] for r in cur.fetchall()]
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = cur.fetchone()[0] + 1
        return list(range(start, start + n))


_VOUCHER_COLS = (
    "id", "book_id", "date", "year", "month", "number", "status", "summary", "kind", "attachment_count", "total", "source_no",
    "reverses_id", "maker_id", "reviewer_id", "poster_id", "reject_reason", "created_at", "submitted_at", "reviewed_at",
    "posted_at", "seq", "prev_hash", "hash",
)
_ENTRY_COLS = EntryRow._fields


def _fast_insert_entries(entries: list[EntryRow]) -> None:
    insert_rows(Entry._meta.db_table, _ENTRY_COLS, entries)


# --- Periods ---------------------------------------------------------------------------------


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
        from sanwu.core.permissions import refuse

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
    from .reports import balances_for

    bal = balances_for(book, year, 12)  # account id -> (opening, debit, credit, closing) for the year to December
    accounts = {a.pk: a for a in Account.objects.filter(book=book, is_leaf=True)}
    income_total = 0
    lines = []
    for acc_id, (_, _, _, closing) in bal.items():
        acc = accounts.get(acc_id)
        if acc is None or acc.category != "pnl" or not closing:
            continue
        if acc.role_set & (INCOME_ROLES | EXPENSE_ROLES):
            # closing is debit-positive; move it out to zero.
            lines.append(EntryDraft(acc.code, debit=-closing if closing < 0 else 0, credit=closing if closing > 0 else 0, summary="结转本年收益"))
            income_total -= closing
    cyi = accounts_with_role(book, "current_year_income")
    und = accounts_with_role(book, "undistributed")
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
    for acc in accounts_with_role(book, "distribution_items"):
        closing = bal.get(acc.pk, [0, 0, 0, 0])[3]
        if closing:
            second.append(EntryDraft(acc.code, debit=-closing if closing < 0 else 0, credit=closing if closing > 0 else 0, summary="结转各项分配"))
            second.append(EntryDraft(und[0].code, debit=closing if closing > 0 else 0, credit=-closing if closing < 0 else 0, summary="结转各项分配"))
    if second:
        drafts.append(VoucherDraft(date=d, summary=f"{year}年本年收益及各项分配转入未分配收益", entries=second, kind="closing"))
    return drafts


def close_year(user, book: Book, year: int) -> list[Voucher]:
    drafts = year_end_drafts(book, year)
    if not drafts:
        raise Invalid(Problem(f"{year}年没有需要结转的损益"))
    return post_drafts(user, book, drafts)
