"""The ledger's own demo rows, after the demo books: a month's bank statement (the latest month
with a few bank entries) of the first persona village (accountant_1's), as its bank would export it, imported through the importer
and matched automatically. Most lines clear a day or two after the books; the month's last bank
entry has not reached the bank yet (企业未达), and the bank has charged an account fee and paid
a refund or interest the books do not know of (银行未达) — so the 银行存款余额调节表 has a few outstanding
items both ways and its two adjusted balances agree. Idempotent; deterministic for a seed."""

import csv
import datetime as dt
import io
import random
from calendar import monthrange
from dataclasses import dataclass

from sanwu.core.dates import today
from sanwu.core.money import format_yuan
from sanwu.regions.models import RoleAssignment

from . import imports
from .models import BankStatement, Book, Entry
from .services import reconcile
from .services.reports import balance_at_end_of


@dataclass
class BankDemo:
    statements: int = 0
    lines: int = 0
    matched: int = 0


def load_demo(scale: str = "small", seed: int = 2021) -> BankDemo:
    out = BankDemo()
    village = RoleAssignment.objects.filter(role="village_accountant", user__username="accountant_1").values_list("region_id", flat=True).first()
    book = Book.objects.filter(region_id=village).order_by("code").first() if village else None
    if book is None or BankStatement.objects.filter(book=book).exists():
        return out
    bank = next((a for a in reconcile.reconcilable_accounts(book) if "bank" in a.role_set), None)
    if bank is None:
        return out
    y, m, entries = _busy_month(book, bank)
    first, last = dt.date(y, m, 1), dt.date(y, m, monthrange(y, m)[1])
    rng = random.Random(f"{seed}:bank:{book.code}")
    rows = []  # (date, amount, counterparty, summary)
    interest = any("利息" in (e.summary or e.voucher.summary) for e in entries)
    held = next((e for e in reversed(entries) if "利息" not in (e.summary or e.voucher.summary)), None) if len(entries) > 1 else None
    for e in entries:
        amount = e.debit - e.credit
        if not amount or e is held:
            continue  # the month's last payment or receipt is still on its way to the bank
        day = min(e.voucher.date + dt.timedelta(days=rng.choice((0, 0, 1, 1, 2))), last)
        rows.append((day, amount, e.counterparty, e.summary or e.voucher.summary))
    rows.append((dt.date(y, m, min(21, last.day)), -rng.choice((1000, 1500, 2000)), "", "账户管理费"))
    rows.append((dt.date(y, m, min(25, last.day)), rng.randint(800, 4000), "", "退回多收短信服务费" if interest else "结息"))
    rows.sort(key=lambda r: r[0])
    balance = balance_at_end_of(book, [bank.pk], first - dt.timedelta(days=1))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["交易日期", "收入金额", "支出金额", "余额", "对方户名", "摘要"])
    for day, amount, counterparty, summary in rows:
        balance += amount
        w.writerow([day.isoformat(), format_yuan(amount, grouping=False) if amount > 0 else "", format_yuan(-amount, grouping=False) if amount < 0 else "",
                    format_yuan(balance, grouping=False), counterparty, summary])
    statement, matched = imports.import_bank_statement(None, book, bank.code, buf.getvalue().encode("utf-8"), f"{bank.name}对账单-{y}{m:02d}.csv")
    out.statements, out.lines, out.matched = 1, statement.line_count, matched
    return out


def _busy_month(book: Book, bank, wanted: int = 4, back: int = 12):
    """The latest month before this one with at least `wanted` posted bank entries (within `back`
    months; else last month), and those entries in date order."""
    t = today()
    y, m = t.year, t.month
    found = None
    for _ in range(back):
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        first, last = dt.date(y, m, 1), dt.date(y, m, monthrange(y, m)[1])
        entries = list(
            Entry.objects.filter(voucher__book=book, voucher__status="posted", account=bank, voucher__date__gte=first, voucher__date__lte=last)
            .select_related("voucher").order_by("voucher__date", "voucher_id", "line")
        )
        found = found or (y, m, entries)
        if len(entries) >= wanted:
            return y, m, entries
    return found
