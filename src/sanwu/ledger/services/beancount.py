"""Export a book to Beancount text (`bean-check` accepts it; its balances equal Sanwu's).

Accounts map onto Beancount's five roots by category and role: assets and cost (work in
progress stays on the balance sheet) under Assets, liabilities under Liabilities, equity under
Equity, income roles under Income, expense roles under Expenses. Names are ASCII and follow the
code hierarchy — `Assets:C102`, `Income:C501:C50101` — so a parent's Beancount balance (which
includes its children) equals the parent row of the trial balance; the Chinese name goes into
`name:` metadata. Amounts are debit-positive fen written as CNY with two decimals using integer
arithmetic only.
"""

import io
from collections.abc import Iterator
from typing import TextIO

from ..charts import EXPENSE_ROLES, INCOME_ROLES
from ..models import Account, Book, Entry, OpeningBalance, Voucher

CURRENCY = "CNY"
OPENING_ACCOUNT = "Equity:Opening-Balances"
CHUNK = 2000


def amount(fen: int) -> str:
    """Integer fen as a decimal string with two places: -120050 -> '-1200.50'."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{yuan}.{cents:02d}"


def quote(text: str) -> str:
    text = " ".join(str(text).split())  # no newlines or tabs inside a string
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def root_of(account: Account) -> str:
    if account.category in ("asset", "cost"):
        return "Assets"
    if account.category == "liability":
        return "Liabilities"
    if account.category == "equity":
        return "Equity"
    roles = account.role_set
    if roles & INCOME_ROLES:
        return "Income"
    if roles & EXPENSE_ROLES:
        return "Expenses"
    return "Income" if account.side == "credit" else "Expenses"


def account_names(book: Book) -> dict[int, str]:
    """Account id -> Beancount account name, for every account of the book."""
    accounts = {a.pk: a for a in Account.objects.filter(book=book)}
    names: dict[int, str] = {}

    def name(acc: Account) -> str:
        if acc.pk not in names:
            parent = accounts.get(acc.parent_id)
            prefix = name(parent) if parent is not None else root_of(acc)
            names[acc.pk] = f"{prefix}:C{acc.code}"
        return names[acc.pk]

    for acc in accounts.values():
        name(acc)
    return names


def _posted(book: Book):
    return Voucher.objects.filter(book=book, status="posted")


def lines(book: Book) -> Iterator[str]:
    """The Beancount file, line by line; vouchers are read in chunks (memory stays flat)."""
    names = account_names(book)
    accounts = {a.pk: a for a in Account.objects.filter(book=book)}
    openings = list(OpeningBalance.objects.filter(book=book).exclude(balance=0).order_by("account__code").values_list("account_id", "balance"))
    used = set(Entry.objects.filter(voucher__book=book, voucher__status="posted").values_list("account_id", flat=True).distinct())
    used |= {acc_id for acc_id, _ in openings}
    start = book.start_date.isoformat()

    yield f"; 三务 Sanwu 账套导出：{book.name}（{book.code}）"
    yield f"; 会计制度 {book.chart}，启用日期 {start}；金额单位：元（{CURRENCY}），借方为正"
    yield f"option \"title\" {quote(f'{book.name}（{book.code}）')}"
    yield f'option "operating_currency" "{CURRENCY}"'
    yield ""
    yield f"{start} open {OPENING_ACCOUNT} {CURRENCY}"
    yield f"  name: {quote('期初余额')}"
    for acc_id in sorted(used, key=lambda i: accounts[i].code):
        acc = accounts[acc_id]
        yield f"{start} open {names[acc_id]} {CURRENCY}"
        yield f"  name: {quote(acc.name)}"
        yield f"  code: {quote(acc.code)}"
    yield ""
    if openings:
        yield f"{start} * {quote('期初余额')}"
        for acc_id, balance in openings:
            yield f"  {names[acc_id]}  {amount(balance)} {CURRENCY}"
        residual = -sum(b for _, b in openings)  # zero once the opening balances are confirmed
        yield f"  {OPENING_ACCOUNT}  {amount(residual)} {CURRENCY}"
        yield ""

    last_seq = 0
    qs = _posted(book).order_by("seq")
    while True:
        batch = list(qs.filter(seq__gt=last_seq).values("pk", "seq", "date", "year", "month", "number", "summary", "hash", "reverses_id")[:CHUNK])
        if not batch:
            break
        last_seq = batch[-1]["seq"]
        entries: dict[int, list] = {}
        for e in Entry.objects.filter(voucher_id__in=[v["pk"] for v in batch]).order_by("voucher_id", "line").values_list(
            "voucher_id", "account_id", "debit", "credit", "summary", "counterparty", "source"
        ):
            entries.setdefault(e[0], []).append(e[1:])
        for v in batch:
            label = f"{v['year']}-{v['month']:02d} {Voucher.WORD}-{v['number']:04d}"
            yield f"{v['date'].isoformat()} * {quote(v['summary'])}"
            yield f"  voucher: {quote(label)}"
            yield f"  seq: {v['seq']}"
            yield f"  hash: {quote(v['hash'])}"
            if v["reverses_id"]:
                yield f"  reverses: {quote(_label_of(v['reverses_id']))}"
            for acc_id, debit, credit, summary, counterparty, source in entries.get(v["pk"], []):
                yield f"  {names[acc_id]}  {amount(debit - credit)} {CURRENCY}"
                if summary and summary != v["summary"]:
                    yield f"    summary: {quote(summary)}"
                if counterparty:
                    yield f"    counterparty: {quote(counterparty)}"
                if source:
                    yield f"    source: {quote(source)}"
            yield ""


def _label_of(voucher_id: int) -> str:
    v = Voucher.objects.filter(pk=voucher_id).only("year", "month", "number").first()
    return v.label if v is not None else str(voucher_id)


def write_book(book: Book, out: TextIO) -> int:
    """Write the export to a text stream; returns the number of vouchers written."""
    for line in lines(book):
        out.write(line + "\n")
    return _posted(book).count()


def export_book(book: Book) -> str:
    buf = io.StringIO()
    write_book(book, buf)
    return buf.getvalue()
