"""What the books print: the 记账凭证 sheet, one voucher or a year of them in one PDF (the
voucher page's print and the accounting archive both use it)."""

from sanwu.core.dates import today
from sanwu.core.money import format_yuan, to_capital
from sanwu.core.pdf import render_pdf

from ..models import Account, Book, Voucher

PAPER = {"a4": "A4", "a5": "A5 landscape"}


def user_name(user) -> str:
    if user is None:
        return ""
    return user.first_name or user.username


def voucher_no(v: Voucher) -> str:
    return f"{v.WORD}-{v.number:04d}" if v.number is not None else ""


def account_label(a: Account) -> str:
    """「50101 经营收入—光伏发电收入」: a book's own sub-account shows its parent."""
    if a.parent is None or a.standard:
        return f"{a.code} {a.name}"
    return f"{a.code} {a.parent.name}—{a.name}"


def voucher_sheet(voucher: Voucher, entries=None, files: int | None = None) -> dict:
    """One voucher's printed values: its lines with account labels and yuan, the total in
    大写, the number of receipts, and the 制单/审核/记账 names."""
    if entries is None:
        entries = list(voucher.entries.select_related("account__parent").order_by("line"))
    for e in entries:
        e.account_label = account_label(e.account)
        e.debit_yuan = format_yuan(e.debit) if e.debit else ""
        e.credit_yuan = format_yuan(e.credit) if e.credit else ""
    debit = sum(e.debit for e in entries)
    if files is None:
        files = voucher.attachments.count()
    voucher.no = voucher_no(voucher)
    return {
        "voucher": voucher, "entries": entries, "debit_yuan": format_yuan(debit),
        "credit_yuan": format_yuan(sum(e.credit for e in entries)), "capital": to_capital(debit),
        "attachments": max(voucher.attachment_count, files),
        "maker_name": user_name(voucher.maker), "reviewer_name": user_name(voucher.reviewer), "poster_name": user_name(voucher.poster),
    }


def voucher_pdf(voucher: Voucher, size: str = "a5") -> bytes:
    ctx = {"book": voucher.book, "page_size": PAPER[size], "printed": today(), **voucher_sheet(voucher)}
    return render_pdf("ledger/pdf/voucher.html", ctx)


def vouchers_pdf(book: Book, vouchers: list[Voucher], size: str = "a5") -> bytes:
    """Many vouchers, one to a page, in the order given (the archive: a year's posted vouchers).
    Entries and receipt counts are read in two queries for all of them."""
    from collections import defaultdict

    from django.db.models import Count

    from ..models import Entry

    ids = [v.pk for v in vouchers]
    lines = defaultdict(list)
    for e in Entry.objects.filter(voucher_id__in=ids).select_related("account__parent").order_by("voucher_id", "line"):
        lines[e.voucher_id].append(e)
    files = dict(Voucher.objects.filter(pk__in=ids).annotate(n=Count("attachments")).values_list("pk", "n"))
    sheets = [voucher_sheet(v, lines[v.pk], files.get(v.pk, 0)) for v in vouchers]
    return render_pdf("ledger/pdf/vouchers.html", {"book": book, "page_size": PAPER[size], "printed": today(), "sheets": sheets})
