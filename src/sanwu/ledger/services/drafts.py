"""What a form, an API call or an import row says (drafts), what validating it needs from the
database (`BookContext`), and the one validator every door reaches (`voucher_errors`): a pure
function returning every problem with its row and field."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from sanwu.core.dates import today
from sanwu.core.errors import Problem
from sanwu.core.codes import credit_code_errors
from sanwu.core.money import format_yuan

from ..charts import COUNTERPARTY_KINDS, EXPENSE_ROLES, INCOME_ROLES, SETTLEMENTS, SOURCES
from ..models import Account, Book, Period, Voucher

PNL_ROLES = INCOME_ROLES | EXPENSE_ROLES


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
    counterparty_kind: str = ""  # person / organisation / "" (not said); see `kind_of`


# A credit code written in the counterparty (统一社会信用代码: 18 characters, 3rd–8th a region code).
_CREDIT_CODE = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])")


def has_credit_code(counterparty: str) -> bool:
    """Whether the counterparty carries a valid credit code (most names are shorter than one:
    the batch path asks this for every entry)."""
    if not counterparty or len(counterparty) < 18:
        return False
    return any(not credit_code_errors(m.group()) for m in _CREDIT_CODE.finditer(counterparty.upper()))


def kind_of(e: EntryDraft) -> str:
    """The counterparty kind an entry is stored with: as said, or organisation when the
    counterparty carries a valid credit code; blank when nothing says."""
    if e.counterparty_kind or not e.counterparty:
        return e.counterparty_kind if e.counterparty else ""
    return "organisation" if has_credit_code(e.counterparty) else ""


@dataclass(slots=True, frozen=True)
class Signed:
    """Who made, reviewed and posted a voucher, and when: what a batch posted by the system
    operator (the demo, an import of vouchers kept elsewhere) records instead of itself."""

    maker_id: int | None
    reviewer_id: int | None
    poster_id: int | None
    made_at: dt.datetime
    submitted_at: dt.datetime
    reviewed_at: dt.datetime
    posted_at: dt.datetime


@dataclass(slots=True)
class VoucherDraft:
    date: dt.date
    summary: str
    entries: list[EntryDraft] = field(default_factory=list)
    source_no: str = ""
    attachment_count: int | None = 0  # None: as many as the files attached (the voucher form)
    reverses_id: int | None = None
    kind: str = "normal"  # "closing" for year-end closing vouchers
    row: int | None = None
    signed: Signed | None = None  # honoured only in a batch posted by the system operator


def closing_state(book: Book) -> tuple[dict[int, int], frozenset[int]]:
    """The book's posted year-end closing vouchers (a few a year): each one's year (by id), and
    the years whose income and expense are closed (a closing voucher not reversed)."""
    rows = list(Voucher.objects.filter(book=book, status="posted", kind="closing").values_list("pk", "year", "reverses_id"))
    reversed_ids = {r for _, _, r in rows if r}
    return {pk: year for pk, year, _ in rows}, frozenset(year for pk, year, r in rows if r is None and pk not in reversed_ids)


class BookContext:
    """What validating a voucher needs from the database, loaded once per book; the amount
    ceilings are read from the settings once here too (`voucher_errors` runs per voucher of an
    import). `accounts` (by code) and `periods` ({(year, month): status}) when the caller has
    loaded what it needs (`for_entries`)."""

    def __init__(self, book: Book, accounts: dict[str, Account] | None = None, periods: dict | None = None):
        self.book = book
        self.accounts = accounts if accounts is not None else {a.code: a for a in Account.objects.filter(book=book)}
        self.by_id = {a.pk: a for a in self.accounts.values()}  # the same accounts by id
        self.cash_ids = frozenset(pk for pk, a in self.by_id.items() if "cash" in a.role_set)
        if periods is None:
            periods = {(p.year, p.month): p.status for p in Period.objects.filter(book=book)}
        self.periods = periods
        self.today = today()
        self.max_entry = settings.SANWU_MAX_ENTRY_FEN
        self.max_voucher = settings.SANWU_MAX_VOUCHER_FEN
        self.max_entries = settings.SANWU_MAX_VOUCHER_ENTRIES

    @classmethod
    def for_entries(cls, book: Book, entries, year: int, month: int) -> "BookContext":
        """The context for one saved voucher of `year`-`month`: the accounts of its `entries`
        (loaded with them) and that month's status — what posting it checks, in one small
        query instead of the whole chart and every period (a single post does this)."""
        table = connection.ops.quote_name(Period._meta.db_table)
        with connection.cursor() as cur:
            cur.execute(f"SELECT status FROM {table} WHERE book_id = %s AND year = %s AND month = %s", [book.pk, year, month])
            row = cur.fetchone()
        return cls(book, {e.account.code: e.account for e in entries}, {(year, month): row[0]} if row else {})

    def period_status(self, year: int, month: int) -> str:
        return self.periods.get((year, month), "open")

    _closings: dict[int, int] | None = None
    _closed_years: frozenset[int] = frozenset()

    def _load_closings(self) -> None:
        self._closings, self._closed_years = closing_state(self.book)

    def closing_year(self, voucher_id: int) -> int | None:
        """The year of a posted closing voucher of the book (None for any other voucher)."""
        if self._closings is None:
            self._load_closings()
        return self._closings.get(voucher_id)

    def year_closed(self, year: int) -> bool:
        """Whether the year's income and expense are closed into 本年收益 (and not undone)."""
        if self._closings is None:
            self._load_closings()
        return year in self._closed_years


def voucher_errors(ctx: BookContext, draft: VoucherDraft, file: str | None = None, check_period: bool = True) -> list[Problem]:
    problems: list[Problem] = []

    def p(msg, fld=None, row=None):
        problems.append(Problem(msg, row=row if row is not None else draft.row, field=fld, file=file))

    book = ctx.book
    if book.successor_id:
        p("账套已换用新会计制度并由新账套接续，不能再记账")
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
    elif len(draft.entries) > ctx.max_entries:
        p(f"一张凭证最多{ctx.max_entries}条分录，这张有{len(draft.entries)}条；请分成几张凭证", "account")
    _year_end_errors(ctx, draft, p)
    debit = credit = 0
    max_entry = ctx.max_entry
    for n, e in enumerate(draft.entries, start=1):
        acc = ctx.accounts.get(e.account)
        if not (e.account or "").strip():
            p("请选择科目", "account", e.row)
        elif acc is None:
            p(f"科目「{e.account}」在本账套中不存在", "account", e.row)
        elif not acc.is_leaf:
            p(f"科目「{acc}」有明细科目，请选择末级科目", "account", e.row)
        elif not acc.is_open:
            p(f"科目「{acc}」已停用", "account", e.row)
        if len(e.summary or "") > 200:
            p("分录摘要不能超过200个字", "summary", e.row)
        if len(e.counterparty or "") > 100:
            p("往来单位不能超过100个字", "counterparty", e.row)
        if e.counterparty_kind and e.counterparty_kind not in COUNTERPARTY_KINDS:
            p(f"往来单位类别「{e.counterparty_kind}」无效（个人、单位，或不填）", "counterparty_kind", e.row)
        elif e.counterparty_kind == "person" and has_credit_code(e.counterparty):
            p(f"往来单位「{e.counterparty}」带有统一社会信用代码，应为单位而不是个人", "counterparty_kind", e.row)
        if e.debit and e.credit:
            p("同一条分录不能同时有借方和贷方金额", "debit", e.row)
        elif not e.debit and not e.credit:
            p("分录金额不能为零", "debit", e.row)
        if e.settlement and e.settlement not in SETTLEMENTS:
            p(f"结算方式「{e.settlement}」无效（现金、银行、转账）", "settlement", e.row)
        if e.source and e.source not in SOURCES:
            p(f"收入来源「{e.source}」无效（{'、'.join(SOURCES.values())}）", "source", e.row)
        for amount, fld, label in ((e.debit, "debit", "借方金额"), (e.credit, "credit", "贷方金额")):
            if amount > max_entry or -amount > max_entry:  # red-ink (negative) amounts are bounded alike
                where = "" if e.row is not None else f"第{n}条分录"
                p(f"{where}{label} {format_yuan(amount)} 元超过一条分录的上限 {format_yuan(max_entry)} 元", fld, e.row)
        debit += e.debit
        credit += e.credit
    if draft.entries and debit != credit:
        p(f"借贷不平：借方合计 {format_yuan(debit)}，贷方合计 {format_yuan(credit)}", "debit")
    elif draft.entries and debit == 0:
        p("凭证金额合计不能为零", "debit")
    elif abs(debit) > ctx.max_voucher:
        p(f"凭证借方合计 {format_yuan(debit)} 元超过一张凭证的上限 {format_yuan(ctx.max_voucher)} 元", "debit")
    return problems


def _year_end_errors(ctx: BookContext, draft: VoucherDraft, p) -> None:
    """The year end (docs/parts/yearend.md): once a year's income and expense are closed, no
    ordinary voucher of that year touches them until a county supervisor undoes the closing
    (`reopen_year`); a closing voucher is reversed only within its own year."""
    year = draft.date.year
    closing_of = ctx.closing_year(draft.reverses_id) if draft.reverses_id else None
    if closing_of is not None and closing_of != year:
        p(f"{closing_of}年的年终结转凭证不能冲销到以后年度（{year}年）；如需重新结转，请县级监管反结转{closing_of}年度", "date")
    if draft.kind == "closing" or closing_of is not None:
        return
    pnl = _pnl_account(ctx, draft)
    if pnl is not None and ctx.year_closed(year):
        p(_closed_year_message(year, pnl), "date")


def _pnl_account(ctx: BookContext, draft: VoucherDraft) -> Account | None:
    return next((a for e in draft.entries if (a := ctx.accounts.get(e.account)) is not None and a.role_set & PNL_ROLES), None)


def _closed_year_message(year: int, account: Account) -> str:
    return f"{year}年已年终结转，损益类科目「{account}」不能再记入{year}年；如需补记，请县级监管反结转该年度后重新结转"


def batch_year_end_errors(ctx: BookContext, drafts: list[VoucherDraft], file: str | None = None) -> list[Problem]:
    """Within one batch, in posting order (`drafts` sorted by date): an ordinary voucher after a
    closing of its year in the same batch may not touch income or expense either."""
    closed: set[int] = set()
    problems = []
    for d in drafts:
        if d.kind == "closing":
            if not d.reverses_id:
                closed.add(d.date.year)
        elif d.date.year in closed and (pnl := _pnl_account(ctx, d)) is not None:
            problems.append(Problem(_closed_year_message(d.date.year, pnl), row=d.row, field="date", file=file))
    return problems
