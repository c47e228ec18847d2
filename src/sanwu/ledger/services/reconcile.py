"""对账 (reconciliation): the bank statement's balance at the end of a day, entered as an
assertion, compared with the book balance at the end of that day (opening + every posted entry
dated on or before it)."""

import datetime as dt

from django.db import transaction

from sanwu.core import audit
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.money import format_yuan
from sanwu.core.scope import can_write

from ..models import Account, BankAssertion, Book
from .reports import balance_at_end_of

RECONCILE_ROLES = {"village_accountant", "township_supervisor"}
# Bank statements, and cash counts (盘点) the same way.
ACCOUNT_ROLES = ("bank", "cash")


def may_reconcile(user, book: Book) -> bool:
    return user is None or can_write(user, book.region_id, RECONCILE_ROLES)


def require_role(user, book: Book, what: str) -> None:
    if not may_reconcile(user, book):
        from sanwu.core.permissions import refuse

        refuse(user, f"ledger.{what}", book.code, book.region_id)
        raise Refused(f"无权{what}：{book}")


def reconcilable_accounts(book: Book) -> list[Account]:
    """Leaf accounts with role bank or cash, bank first, by code."""
    accounts = [a for a in Account.objects.filter(book=book, is_leaf=True).order_by("code") if a.role_set & set(ACCOUNT_ROLES)]
    return sorted(accounts, key=lambda a: ("bank" not in a.role_set, a.code))


def add_assertion(user, book: Book, account_code: str, date: dt.date, balance_fen: int, note: str = "") -> BankAssertion:
    """Record the statement balance of a bank (or cash) account at the end of `date`."""
    require_role(user, book, "录入对账单余额")
    problems = []
    account = Account.objects.filter(book=book, code=(account_code or "").strip()).first()
    if account is None:
        problems.append(Problem(f"科目「{account_code}」在本账套中不存在", field="account"))
    elif not account.role_set & set(ACCOUNT_ROLES):
        problems.append(Problem(f"科目「{account}」不是银行存款或现金科目", field="account"))
    elif not account.is_leaf:
        problems.append(Problem(f"科目「{account}」有明细科目，请按末级科目（每个银行账户）对账", field="account"))
    if not isinstance(date, dt.date):
        problems.append(Problem("日期无效", field="date"))
    elif date < book.start_date:
        problems.append(Problem(f"日期 {date} 早于账套启用日期 {book.start_date}", field="date"))
    elif date > today():
        problems.append(Problem(f"日期 {date} 晚于今天", field="date"))
    if isinstance(balance_fen, bool) or not isinstance(balance_fen, int):
        problems.append(Problem("对账单余额应为以分计的整数", field="balance"))
    note = (note or "").strip()
    if len(note) > 200:
        problems.append(Problem("备注不超过200个字", field="note"))
    if not problems and BankAssertion.objects.filter(book=book, account=account, date=date).exists():
        problems.append(Problem(f"{account} {date} 的对账单余额已录入；如需更正，请先删除原记录", field="date"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        a = BankAssertion.objects.create(book=book, account=account, date=date, balance=balance_fen, note=note, created_by=user)
        audit.record(
            "assertion.add", a, actor=user, region_code=book.region_id,
            new={"book": book.code, "account": account.code, "date": date, "balance": balance_fen, "note": note},
        )
    return a


def delete_assertion(user, assertion: BankAssertion) -> None:
    book = assertion.book
    require_role(user, book, "删除对账记录")
    with transaction.atomic():
        audit.record(
            "assertion.delete", assertion, actor=user, region_code=book.region_id,
            old={"book": book.code, "account": assertion.account.code, "date": assertion.date, "balance": assertion.balance, "note": assertion.note},
        )
        assertion.delete()


def reconciliation(book: Book, account_code: str | None = None) -> dict:
    """Every assertion (newest first) beside the book balance at the end of its day."""
    qs = BankAssertion.objects.filter(book=book).select_related("account", "created_by").order_by("-date", "account__code", "-id")
    if account_code:
        qs = qs.filter(account__code=account_code)
    rows = []
    for a in qs:
        booked = balance_at_end_of(book, [a.account_id], a.date)
        rows.append({
            "id": a.pk, "date": a.date, "account_code": a.account.code, "account_name": a.account.name,
            "statement": a.balance, "book_balance": booked, "difference": a.balance - booked, "note": a.note,
            "created_by": getattr(a.created_by, "username", ""),
        })
    return {
        "book": book, "account": account_code or "", "rows": rows,
        "differences": sum(1 for r in rows if r["difference"]),
    }


def describe(row: dict) -> str:
    """In words, for messages: 相符 or 对账单比账面多/少 X 元."""
    d = row["difference"]
    if not d:
        return "相符"
    return f"对账单比账面{'多' if d > 0 else '少'} {format_yuan(abs(d))} 元"


def reconciliation_table(r: dict):
    from sanwu.core.tables import Column, Table

    cols = [
        Column("date", "日期", width=12), Column("account_code", "科目编码"), Column("account_name", "科目名称", width=18),
        Column("statement", "对账单余额", money=True), Column("book_balance", "账面余额", money=True),
        Column("difference", "差额（对账单−账面）", money=True), Column("result", "结果", width=22), Column("note", "备注", width=24),
    ]
    return Table("银行对账", cols, [{**row, "result": describe(row)} for row in r["rows"]])
