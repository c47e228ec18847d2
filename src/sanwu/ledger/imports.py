"""Voucher import from CSV or XLSX: one row per entry, rows with the same voucher number form
one voucher. All or nothing: every problem in the file is listed by row and column, and a bad
file writes nothing.

Columns (Chinese or English headers):
    日期/date  凭证号/voucher_no  摘要/summary  科目编码/account  借方金额/debit  贷方金额/credit
    结算方式/settlement  收入来源/source  往来单位/counterparty  附件数/attachments
    往来单位类别/counterparty_kind (optional: 个人 or 单位; blank when not said)

A voucher's rows must be contiguous. Many bookkeeping programs number vouchers per month
(记-1, 记-2 … every month), so a voucher number is unique within its month: the same number
in another month is another voucher, while the same number again in the same month — later in
the file, or already imported into the book (kept as `Voucher.source_no`) — is a duplicate.
Sanwu numbers the posted vouchers itself.

Bank statements (银行对账单) are imported here too, the same way: see "Bank statements" below.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from django.db import transaction

from sanwu.core import audit
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.heap import long_lived_frozen
from sanwu.core.money import MoneyError, format_yuan, parse_yuan
from sanwu.core.readers import parse_date, read_rows, read_table

from . import services
from .charts import COUNTERPARTY_KINDS, SETTLEMENTS, SOURCES
from .models import BankStatement, Book, Voucher
from .services import EntryDraft, VoucherDraft, reconcile
from .services.roles import require_role

COLUMNS: dict[str, list[str]] = {
    "date": ["日期", "凭证日期", "记账日期"],
    "voucher_no": ["凭证号", "凭证编号", "凭证字号", "voucher no", "voucher"],
    "summary": ["摘要"],
    "account": ["科目编码", "科目代码", "科目"],
    "debit": ["借方金额", "借方"],
    "credit": ["贷方金额", "贷方"],
    "settlement": ["结算方式"],
    "source": ["收入来源", "来源"],
    "counterparty": ["往来单位", "对方单位"],
    "attachments": ["附件数", "附件张数", "附件"],
    "counterparty_kind": ["往来单位类别", "往来类别", "counterparty_kind", "counterparty kind"],
}
REQUIRED = ("date", "voucher_no", "summary", "account", "debit", "credit")
LABELS = {key: names[0] for key, names in COLUMNS.items()}

SETTLEMENT_NAMES = {**{k: k for k in SETTLEMENTS}, **{v: k for k, v in SETTLEMENTS.items()}}
SOURCE_NAMES = {**{k: k for k in SOURCES}, **{v: k for k, v in SOURCES.items()}}
KIND_NAMES = {**{k: k for k in COUNTERPARTY_KINDS}, **{v: k for k, v in COUNTERPARTY_KINDS.items()}}

MAX_SUMMARY = 200
MAX_COUNTERPARTY = 100
MAX_NUMBER = 40
PROGRESS_EVERY = 2000

# progress(phase, done, total): phase "check" counts rows read (total estimated, None for
# Excel), "write" counts vouchers written.
Progress = Callable[[str, int, int | None], None]

_VOUCHER_LEVEL = ("借贷不平", "凭证金额合计", "一张凭证至少", "一张凭证最多", "凭证借方合计")


class _Row(NamedTuple):
    line: int
    date: dt.date | None
    number: str
    summary: str
    account: str
    debit: int
    credit: int
    settlement: str
    source: str
    counterparty: str
    attachments: int
    counterparty_kind: str
    bad: bool  # a value in this row could not be read (already reported)
    group: tuple  # (number, year, month): vouchers are numbered per month, so the same number in
    #               the next month is another voucher


def _count_lines(data: bytes, filename: str) -> int | None:
    if Path(filename).suffix.lower() in (".csv", ".txt"):
        return max(data.count(b"\n") - (0 if data.endswith(b"\n") else -1) - 1, 0)
    return None


def parse_vouchers(
    book: Book, data: bytes, filename: str, progress: Progress | None = None, ctx: services.BookContext | None = None
) -> list[VoucherDraft]:
    """Read and check a whole file against the book (`ctx`: the book's context, if the caller
    has loaded it); return the vouchers as drafts, or raise `Invalid` listing every problem
    (file, row, column)."""
    name = Path(filename).name
    keys, rows = read_table(data, name, COLUMNS)
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        raise Invalid([Problem(f"缺少必需的列「{LABELS[k]}（{k}）」", row=1, field=k, file=name) for k in missing])
    if not book.opening_confirmed:
        raise Invalid(Problem(f"账套「{book.code}」的期初余额尚未确认（借贷平衡并确认后才能导入凭证）", file=name))

    ctx = ctx or services.BookContext(book)
    imported = set(Voucher.objects.filter(book=book).exclude(source_no="").values_list("year", "month", "source_no"))
    problems: list[Problem] = []
    drafts: list[VoucherDraft] = []
    seen: dict[tuple[int, int, str], int] = {}  # (year, month, number) -> first line
    total_rows = _count_lines(data, name)

    def finish(group: list[_Row]) -> None:
        first = group[0]
        number, date = first.number, first.date
        broken = first.bad
        summary, attachments = first.summary, first.attachments
        for r in group[1:]:  # one pass: the voucher's summary, attachments, and rows that disagree
            broken = broken or r.bad
            summary = summary or r.summary
            if r.attachments > attachments:
                attachments = r.attachments
            if r.date is not None and date is not None and r.date != date:
                problems.append(Problem(f"日期 {r.date} 与同一凭证（凭证号「{number}」）第{first.line}行的日期 {date} 不一致", row=r.line, field="date", file=name))
                broken = True
        if date is not None:
            key = (date.year, date.month, number)
            if key in seen:
                problems.append(Problem(
                    f"凭证号「{number}」与第{seen[key]}行的凭证重复（{date.year}年{date.month}月；同一凭证的各行须相邻）",
                    row=first.line, field="voucher_no", file=name,
                ))
            elif key in imported:
                problems.append(Problem(
                    f"凭证号「{number}」（{date.year}年{date.month}月）已导入过本账套，不能重复导入",
                    row=first.line, field="voucher_no", file=name,
                ))
            else:
                seen[key] = first.line
        draft = VoucherDraft(
            date or book.start_date, summary,
            [EntryDraft(r.account, r.debit, r.credit, r.summary, r.counterparty, r.settlement, r.source, r.line, r.counterparty_kind) for r in group],
            number, attachments, None, "normal", first.line,
        )
        for p in services.voucher_errors(ctx, draft, file=name):
            if broken and (p.field != "account" or p.message == "请选择科目"):
                continue  # amounts, dates or empty account codes that could not be read are reported already
            if p.message.startswith(_VOUCHER_LEVEL):
                span = f"第{first.line}行" if len(group) == 1 else f"第{first.line}至{group[-1].line}行"
                p = Problem(f"凭证号「{number}」（{span}）{p.message}", row=p.row, field=p.field, file=p.file)
            problems.append(p)
        drafts.append(draft)

    group: list[_Row] = []
    count = 0
    read = _RowReader(name, problems).read
    for line, raw in rows:
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress("check", count, total_rows)
        row = read(line, raw)
        if row is None:
            continue
        if group and row.group != group[0].group:
            finish(group)
            group = []
        group.append(row)
    if group:
        finish(group)
    if progress:
        progress("check", count, count)
    if not count:
        problems.append(Problem("文件中没有数据行", file=name))
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise Invalid(problems)
    return drafts


class _RowReader:
    """Turns one file's rows into `_Row`s, reporting what cannot be read. Dates repeat a lot
    in a file (a year has 365 of them), so each distinct date text is read once."""

    def __init__(self, name: str, problems: list[Problem]):
        self.name, self.problems = name, problems
        self.dates: dict[str, dt.date | None] = {}

    def read(self, line: int, values: list[str]) -> _Row | None:
        """`values`: the row's texts in the order of COLUMNS ("" for a column the file lacks)."""
        text, number, summary, account, debit, credit, settlement, source, counterparty, attachments, kind = values
        if not number:
            self.problems.append(Problem("凭证号不能为空", row=line, field="voucher_no", file=self.name))
            return None
        errors: list[tuple[str, str]] = []  # (message, field); this method runs once per line of the file
        if len(number) > MAX_NUMBER:
            errors.append((f"凭证号超过{MAX_NUMBER}个字符", "voucher_no"))

        try:
            date = self.dates[text]
        except KeyError:
            date = self.dates[text] = parse_date(text) if text else None
        if not text:
            errors.append(("日期不能为空", "date"))
        elif date is None:
            errors.append((f"日期「{text}」无效（应为 2025-03-05 这样的日期）", "date"))

        debit = _amount(debit, "debit", errors)
        credit = _amount(credit, "credit", errors)

        if len(summary) > MAX_SUMMARY:
            errors.append((f"摘要超过{MAX_SUMMARY}个字", "summary"))
        if len(counterparty) > MAX_COUNTERPARTY:
            errors.append((f"往来单位超过{MAX_COUNTERPARTY}个字", "counterparty"))

        if not account:
            errors.append(("科目编码不能为空", "account"))

        if settlement:
            key = SETTLEMENT_NAMES.get(settlement) or SETTLEMENT_NAMES.get(settlement.lower())
            if key is None:
                errors.append((f"结算方式「{settlement}」无效（现金、银行、转账）", "settlement"))
            settlement = key or ""

        if source:
            key = SOURCE_NAMES.get(source) or SOURCE_NAMES.get(source.lower())
            if key is None:
                errors.append((f"收入来源「{source}」无效（{'、'.join(SOURCES.values())}）", "source"))
            source = key or ""

        if kind:
            key = KIND_NAMES.get(kind) or KIND_NAMES.get(kind.lower())
            if key is None:
                errors.append((f"往来单位类别「{kind}」无效（个人、单位，或不填）", "counterparty_kind"))
            kind = key or ""

        text, attachments = attachments, 0
        if text:
            if text.isdigit() and int(text) <= 9999:
                attachments = int(text)
            else:
                errors.append((f"附件数「{text}」应为不小于0的整数", "attachments"))

        for message, fld in errors:
            self.problems.append(Problem(message, row=line, field=fld, file=self.name))
        month = (date.year, date.month) if date is not None else None
        return _new(_Row, (line, date, number, summary, account, debit, credit, settlement, source, counterparty, attachments, kind, bool(errors), (number, month)))


def _amount(text: str, fld: str, errors: list) -> int:
    if text and text not in _NO_AMOUNT:
        try:
            return parse_yuan(text)
        except MoneyError as exc:
            errors.append((str(exc), fld))
    return 0


_NO_AMOUNT = ("-", "—")
_new = tuple.__new__  # a named tuple made without its keyword handling (a row per file line)


def import_vouchers(user, book: Book, data: bytes, filename: str, *, post: bool, progress: Progress | None = None) -> dict:
    """Import a file into `book` as drafts, or (post=True) straight into the books.

    Reading, checking and writing happen in one transaction holding the book's lock, so two
    imports of the same file cannot both pass the duplicate check, and a file with any problem
    — or a process killed half-way — leaves the book exactly as it was.
    Returns counts: vouchers, entries, posted, drafts, months.
    """
    if post:
        require_role(user, book, services.POST_ROLES, "导入并记账")
    else:
        require_role(user, book, services.MAKE_ROLES, "导入凭证")
    name = Path(filename).name
    with long_lived_frozen(), transaction.atomic():
        book = Book.objects.select_for_update().get(pk=book.pk)
        ctx = services.BookContext(book)
        drafts = parse_vouchers(book, data, name, progress, ctx)
        total = len(drafts)
        entries = sum(len(d.entries) for d in drafts)
        months = sorted({(d.date.year, d.date.month) for d in drafts})
        if progress:
            progress("write", 0, total)
        if post:
            done = 0

            def advance(n: int) -> None:
                nonlocal done
                done += n
                progress("write", done, total)

            services.post_drafts(user, book, drafts, file=name, progress=advance if progress else None, checked=ctx)
        else:
            for i, d in enumerate(drafts, start=1):
                services.save_draft(user, book, d)
                if progress and (i % 200 == 0 or i == total):
                    progress("write", i, total)
        audit.record(
            "voucher.import", book, actor=user,
            new={"file": name, "vouchers": total, "entries": entries, "post": post}, region_code=book.region_id,
        )
    return {
        "vouchers": total,
        "entries": entries,
        "posted": total if post else 0,
        "drafts": 0 if post else total,
        "months": [f"{y}-{m:02d}" for y, m in months],
    }


# --- Bank statements (银行对账单) ---------------------------------------------------------------
#
# One row per transaction, as banks export them: 交易日期, 收入/存入金额, 支出/支取金额 (or one
# signed 交易金额), 余额, 对方户名, 摘要; columns a bank adds that reconciliation does not use
# (对方账号, 流水号, 币种 …) are read past. Rows in the file's order, oldest first or newest
# first (a file whose first date is later than its last is read from the bottom); each balance
# must follow from the one before it. All or nothing, like the voucher import.

BANK_COLUMNS: dict[str, list[str]] = {
    "date": ["交易日期", "日期", "记账日期", "入账日期", "发生日期", "交易日", "date"],
    "amount_in": ["收入金额", "存入金额", "收入", "存入", "贷方发生额", "贷方金额（收入）", "收入(元)", "收入（元）", "存入金额(元)", "income", "credit"],
    "amount_out": ["支出金额", "支取金额", "支出", "支取", "付出金额", "借方发生额", "借方金额（支出）", "支出(元)", "支出（元）", "支取金额(元)", "expense", "debit"],
    "amount": ["交易金额", "发生额", "金额", "amount"],
    "balance": ["余额", "账户余额", "本次余额", "交易后余额", "联机余额", "余额(元)", "余额（元）", "balance"],
    "counterparty": ["对方户名", "对方账户名称", "对方名称", "对方账户户名", "对方单位", "收/付方名称", "对方户名称", "counterparty"],
    "summary": ["摘要", "用途", "附言", "交易摘要", "交易用途", "备注", "summary"],
    "ignored": [
        "对方账号", "对方账户", "对方开户行", "对方行名", "流水号", "交易流水号", "凭证号", "凭证种类", "凭证号码", "币种", "钞汇",
        "交易渠道", "交易机构", "交易网点", "交易时间", "交易类型", "序号", "本方账号", "账号", "户名",
    ],
}
BANK_LABELS = {"date": "交易日期", "amount_in": "收入金额", "amount_out": "支出金额", "amount": "交易金额", "balance": "余额",
               "counterparty": "对方户名", "summary": "摘要"}
MAX_BANK_COUNTERPARTY = 100


class BankLine(NamedTuple):
    row: int
    date: dt.date
    amount: int  # fen, in positive
    balance: int
    counterparty: str
    summary: str


class ParsedStatement(NamedTuple):
    account: object  # the book's Account
    filename: str
    sha256: str
    size: int
    lines: list[BankLine]
    opening: int
    closing: int

    @property
    def date_from(self) -> dt.date:
        return self.lines[0].date

    @property
    def date_to(self) -> dt.date:
        return self.lines[-1].date

    @property
    def total_in(self) -> int:
        return sum(x.amount for x in self.lines if x.amount > 0)

    @property
    def total_out(self) -> int:
        return -sum(x.amount for x in self.lines if x.amount < 0)


def parse_bank_statement(book: Book, account_code: str, data: bytes, filename: str) -> ParsedStatement:
    """Read and check a whole bank statement for one bank account of `book`; nothing is written.
    Raises `Invalid` listing every problem by file, row and column."""
    name = Path(filename).name
    account = reconcile.bank_account(book, account_code, name)
    keys, rows = read_rows(data, name, BANK_COLUMNS)
    problems: list[Problem] = []
    if "date" not in keys:
        problems.append(Problem("缺少必需的列「交易日期」", row=1, field="交易日期", file=name))
    if "balance" not in keys:
        problems.append(Problem("缺少必需的列「余额」", row=1, field="余额", file=name))
    if "amount" not in keys and not {"amount_in", "amount_out"} & set(keys):
        problems.append(Problem("缺少金额列：「收入金额」和「支出金额」（或一列带正负号的「交易金额」）", row=1, field="收入金额", file=name))
    if problems:
        raise Invalid(problems)
    lines: list[BankLine] = []
    last_day = today()
    for line, r in rows:
        bad = False

        def fail(message: str, key: str) -> None:
            nonlocal bad
            problems.append(Problem(message, row=line, field=BANK_LABELS[key], file=name))
            bad = True

        date = parse_date(r.get("date", ""))
        if date is None:
            fail(f"交易日期「{r.get('date', '')}」无法识别（格式如 2025-03-05 或 20250305）" if r.get("date") else "交易日期为空", "date")
        elif date < book.start_date:
            fail(f"交易日期 {date} 早于账套启用日期 {book.start_date}", "date")
        elif date > last_day:
            fail(f"交易日期 {date} 晚于今天", "date")
        amounts = {}
        for key in ("amount_in", "amount_out", "amount", "balance"):
            text = r.get(key, "")
            if text in _NO_AMOUNT or not text:
                amounts[key] = None
                continue
            try:
                amounts[key] = parse_yuan(text)
            except MoneyError as exc:
                fail(str(exc), key)
                amounts[key] = None
        got_in, got_out, signed = amounts["amount_in"] or 0, amounts["amount_out"] or 0, amounts["amount"]
        if got_in and got_out:
            fail("同一行的收入金额和支出金额不能都有数", "amount_in")
        if got_in < 0 or got_out < 0:
            fail("收入金额和支出金额应为正数（支出写在支出列）", "amount_in" if got_in < 0 else "amount_out")
        amount = got_in - got_out if (got_in or got_out) else (signed or 0)
        if not amount and not bad:
            fail("收入金额和支出金额都为空或为零", "amount_in" if "amount" not in keys else "amount")
        if amounts["balance"] is None and not bad:
            fail("余额为空", "balance")
        counterparty, summary = r.get("counterparty", ""), r.get("summary", "")
        if len(counterparty) > MAX_BANK_COUNTERPARTY:
            fail(f"对方户名超过 {MAX_BANK_COUNTERPARTY} 个字", "counterparty")
        if len(summary) > MAX_SUMMARY:
            fail(f"摘要超过 {MAX_SUMMARY} 个字", "summary")
        if not bad:
            lines.append(BankLine(line, date, amount, amounts["balance"], counterparty, summary))
    if not lines and not problems:
        problems.append(Problem("文件里没有交易行", file=name))
    if problems:
        raise Invalid(problems)
    if lines[0].date > lines[-1].date:
        lines.reverse()  # newest first, as some banks print them
    for prev, cur in zip(lines, lines[1:]):
        if cur.date < prev.date:
            problems.append(Problem(f"交易日期 {cur.date} 早于第{prev.row}行的 {prev.date}（请按日期顺序排列）", row=cur.row, field="交易日期", file=name))
        elif prev.balance + cur.amount != cur.balance:
            problems.append(Problem(
                f"余额 {format_yuan(cur.balance)} 与第{prev.row}行余额 {format_yuan(prev.balance)} 加减本行金额不符（应为 {format_yuan(prev.balance + cur.amount)}）",
                row=cur.row, field="余额", file=name,
            ))
    if problems:
        raise Invalid(problems)
    opening = lines[0].balance - lines[0].amount
    digest = hashlib.sha256(data).hexdigest()
    parsed = ParsedStatement(account, name, digest, len(data), lines, opening, lines[-1].balance)
    earlier = BankStatement.objects.filter(book=book, account=account)
    same = earlier.filter(sha256=digest).first()
    if same is not None:
        raise Invalid(Problem(f"这个文件已于 {same.imported_at:%Y-%m-%d} 导入过（{same}），不能重复导入", file=name))
    overlap = earlier.filter(date_from__lt=parsed.date_to, date_to__gt=parsed.date_from).first()
    if overlap is None:
        overlap = earlier.filter(date_from=parsed.date_from, date_to=parsed.date_to).first()
    if overlap is not None:
        raise Invalid(Problem(f"对账单的日期 {parsed.date_from} 至 {parsed.date_to} 与已导入的对账单「{overlap}」重叠，请只导入未导入过的日期", file=name))
    before = earlier.filter(date_to__lte=parsed.date_from).order_by("-date_to", "-id").first()
    if before is not None and before.closing_balance != opening:
        raise Invalid(Problem(
            f"期初余额 {format_yuan(opening)}（第{lines[0].row}行余额减本行金额）与上一张对账单「{before}」的期末余额 {format_yuan(before.closing_balance)} 不符",
            row=lines[0].row, field="余额", file=name,
        ))
    after = earlier.filter(date_from__gte=parsed.date_to).order_by("date_from", "id").first()
    if after is not None and after.opening_balance != parsed.closing:
        raise Invalid(Problem(
            f"期末余额 {format_yuan(parsed.closing)} 与下一张对账单「{after}」的期初余额 {format_yuan(after.opening_balance)} 不符",
            row=lines[-1].row, field="余额", file=name,
        ))
    return parsed


def preview_bank_statement(user, book: Book, account_code: str, data: bytes, filename: str) -> ParsedStatement:
    """What an import would write, for the page to show before the user confirms (nothing written)."""
    reconcile.require_role(user, book, "导入银行对账单")
    return parse_bank_statement(book, account_code, data, filename)


def import_bank_statement(user, book: Book, account_code: str, data: bytes, filename: str):
    """Check and store a bank statement (all or nothing), then match its lines to the bank journal
    automatically. Returns (statement, lines matched)."""
    reconcile.require_role(user, book, "导入银行对账单")
    with transaction.atomic():
        book = Book.objects.select_for_update().get(pk=book.pk)
        parsed = parse_bank_statement(book, account_code, data, filename)
        statement = reconcile.store_statement(user, book, parsed)
        matched = reconcile.auto_match(user, book, parsed.account)
    return statement, matched
