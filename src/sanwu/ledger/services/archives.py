"""会计档案: a closed year of a book bundled for the archive, and when each part of it is due
for appraisal (鉴定) under the archive rules.

A year can be bundled once its December is closed (结账待审 or 已结账). The bundle is a ZIP:

    清单.json                 the book, the year, the chain head the year ends on, every file's sha256
    报表/…                    the year's statements (trial balance, balance sheet, income statement, income and
                              expense detail) as PDF and CSV
    账簿/…                    general ledger and the cash and bank journals, PDF and CSV
    凭证/记账凭证.pdf          every posted voucher of the year, one to a page
    凭证/原始凭证/…            every receipt as uploaded, named by its voucher
    数据/凭证.csv, 分录.csv, 科目.csv   the data, each value as text

It is kept as an `Archive` row (a `StoredFile`) and never changed; bundling a year again makes a
new row. The retention periods are those of 《会计档案管理办法》 (财政部 国家档案局令第79号, 2015,
in force 2016-01-01), 附表一, which the collective's archive follows (domain.md 1.6: archives kept
by the collective or entrusted to the township); they run from the first day after the year ends.
"""

import csv
import datetime as dt
import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass

from django.core.files import File
from django.utils import timezone

from sanwu.core.codes import region_prefix
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.permissions import get_visible, visible

from ..models import Account, Archive, Attachment, Book, Entry, Period, Voucher
from . import printing, reports, statements
from .roles import MAKE_ROLES, REVIEW_ROLES, audit_change, require_role

SOURCE = "《会计档案管理办法》（财政部 国家档案局令第79号）附表一 企业和其他组织会计档案保管期限表"


@dataclass(frozen=True)
class Retention:
    key: str
    label: str
    years: int | None  # None: kept permanently (永久)
    parts: tuple[str, ...]  # the bundle's folders or files it covers

    @property
    def period(self) -> str:
        return "永久" if self.years is None else f"{self.years}年"


RETENTION = [
    Retention("vouchers", "会计凭证（原始凭证、记账凭证）", 30, ("凭证/",)),
    Retention("books", "会计账簿（总账、明细账、日记账）", 30, ("账簿/", "数据/")),
    Retention("monthly_reports", "月度、季度财务会计报告（科目余额表）", 10, ("报表/科目余额表",)),
    Retention("annual_reports", "年度财务会计报告（资产负债表、收益及收益分配表）", None, ("报表/资产负债表", "报表/收益及收益分配表")),
    Retention("manifest", "会计档案保管清册（本档案清单）", None, ("清单.json",)),
]

# What the archive prints of the year, each as CSV and PDF (the same pages and tables as the
# report pages and `sanwu report`): (report name, path in the bundle).
STATEMENTS = [
    ("trial-balance", "报表/科目余额表"),
    ("balance-sheet", "报表/资产负债表"),
    ("income-statement", "报表/收益及收益分配表"),
    ("income-expense", "报表/收支明细表"),
    ("general-ledger", "账簿/总账"),
]
JOURNALS = [("cash-journal", "账簿/现金日记账"), ("bank-journal", "账簿/银行存款日记账")]


def due_on(year: int, rule: Retention) -> dt.date | None:
    """The day a part of the year's archive reaches the end of its retention (None: never)."""
    return None if rule.years is None else dt.date(year + rule.years + 1, 1, 1)


def closed_years(book: Book) -> list[int]:
    """The years whose December is closed, newest first: the years that can be archived."""
    return sorted(Period.objects.filter(book=book, month=12).exclude(status="open").values_list("year", flat=True), reverse=True)


def _csv(rows, header) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for r in rows:
        # every value as text: a typed summary beginning with = stays text in a spreadsheet
        w.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@\t\r" else v for v in r])
    return ("\ufeff" + buf.getvalue()).encode()


def _receipt_name(voucher: Voucher, n: int, filename: str) -> str:
    safe = "".join(ch for ch in filename if ch not in '\\/:*?"<>|\0').strip() or "附件"
    return f"凭证/原始凭证/{voucher.year}-{voucher.month:02d}-{voucher.WORD}{voucher.number:04d}-{n}-{safe}"


def write_archive(user, book: Book, year: int, out, progress=None) -> dict:
    """The ZIP of one closed year written to the binary file `out`; returns the manifest."""
    progress = progress or (lambda done, total: None)
    vouchers = list(
        Voucher.objects.filter(book=book, year=year, status="posted").select_related("maker", "reviewer", "poster")
        .order_by("month", "number")
    )
    receipts = list(Attachment.objects.filter(voucher__in=vouchers).select_related("voucher").order_by("voucher_id", "id"))
    total = 2 * (len(STATEMENTS) + len(JOURNALS)) + 4 + len(receipts)
    done = 0
    files: list[dict] = []

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:

        def put(path: str, data: bytes) -> None:
            nonlocal done
            z.writestr(path, data)
            files.append({"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
            done += 1
            progress(done, total)

        for name, filename in STATEMENTS:
            data = reports.report_data(book, name, year=year, month_from=1 if name == "trial-balance" else None)
            put(f"{filename}.csv", statements.table(name, data).to_csv().encode())
            put(f"{filename}.pdf", statements.render_pdf(name, data))
        for name, filename in JOURNALS:
            if reports.journal_accounts(book, name.split("-")[0]):
                data = reports.report_data(book, name, year=year)
                put(f"{filename}.csv", statements.table(name, data).to_csv().encode())
                put(f"{filename}.pdf", statements.render_pdf(name, data))
        put("凭证/记账凭证.pdf", printing.vouchers_pdf(book, vouchers) if vouchers else b"")
        numbers = {}
        for a in receipts:
            numbers[a.voucher_id] = numbers.get(a.voucher_id, 0) + 1
            with a.file.open("rb") as fh:
                put(_receipt_name(a.voucher, numbers[a.voucher_id], a.filename), fh.read())
        entries = (
            Entry.objects.filter(voucher__in=vouchers).select_related("voucher", "account")
            .order_by("voucher__month", "voucher__number", "line")
        )
        put("数据/凭证.csv", _csv(
            ((v.label, v.date.isoformat(), v.summary, v.total, v.attachment_count, printing.user_name(v.maker),
              printing.user_name(v.reviewer), printing.user_name(v.poster), v.hash) for v in vouchers),
            ["凭证号", "日期", "摘要", "金额（分）", "附件张数", "制单", "审核", "记账", "校验码"],
        ))
        put("数据/分录.csv", _csv(
            ((e.voucher.label, e.voucher.date.isoformat(), e.line, e.account.code, e.account.name, e.summary, e.debit, e.credit,
              e.counterparty, e.get_counterparty_kind_display() if e.counterparty_kind else "") for e in entries),
            ["凭证号", "日期", "行", "科目编码", "科目名称", "摘要", "借方（分）", "贷方（分）", "往来单位", "往来单位类别"],
        ))
        accounts = Account.objects.filter(book=book).select_related("parent").order_by("code")
        put("数据/科目.csv", _csv(
            ((a.code, a.name, a.parent.code if a.parent else "", a.get_category_display(), a.get_side_display()) for a in accounts),
            ["科目编码", "科目名称", "上级科目", "类别", "余额方向"],
        ))
        manifest = {
            "book": {"code": book.code, "name": book.name, "chart": book.chart, "region": book.region_id},
            "year": year,
            "made_at": timezone.localtime().isoformat(timespec="seconds"),
            "vouchers": len(vouchers),
            "receipts": len(receipts),
            "chain_head": max(vouchers, key=lambda v: v.seq).hash if vouchers else "",  # the year's last link
            "retention": [
                {"part": r.label, "period": r.period, "due": (d.isoformat() if (d := due_on(year, r)) else None), "covers": list(r.parts)}
                for r in RETENTION
            ],
            "retention_source": SOURCE,
            "files": files,
        }
        z.writestr("清单.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        progress(total, total)
    return manifest


def archive_year(user, book: Book, year: int, progress=None) -> Archive:
    """Bundle a closed year and keep it (the accountant or the township); audited. The ZIP is
    written to a temporary file and stored from there, never held in memory whole."""
    check_archivable(user, book, year)
    name = f"会计档案-{book.code}-{year}年.zip"
    with tempfile.TemporaryFile() as out:
        manifest = write_archive(user, book, year, out, progress)
        size = out.tell()
        out.seek(0)
        digest = hashlib.file_digest(out, "sha256").hexdigest()
        out.seek(0)
        archive = Archive(
            book=book, year=year, filename=name, content_type="application/zip", size=size, sha256=digest,
            uploaded_by=user if getattr(user, "pk", None) else None,
            chain_head=manifest["chain_head"], vouchers=manifest["vouchers"], receipts=manifest["receipts"],
        )
        archive.file.save(f"{book.code}-{year}-{digest[:16]}.zip", File(out), save=False)
    archive.save()
    audit_change(user, "archive.make", archive, new={"year": year, "sha256": digest, "vouchers": archive.vouchers}, region_code=book.region_id)
    return archive


def make_download(user, params: dict, out, progress) -> None:
    """`core.downloads` maker: bundle and keep the year, and hand the same ZIP to who asked."""
    book = get_visible(Book, user, code=params["book"])
    archive = archive_year(user, book, int(params["year"]), progress)
    with archive.file.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            out.write(chunk)


def check_archivable(user, book: Book, year: int) -> None:
    """Refused or Invalid unless `user` may bundle `year` of `book` now (before it is queued)."""
    require_role(user, book, MAKE_ROLES | REVIEW_ROLES, "生成会计档案")
    if year not in closed_years(book):
        raise Invalid(Problem(f"{year}年12月尚未结账，不能生成会计档案", field="year"))


@dataclass
class DueItem:
    archive: Archive
    rule: Retention
    due: dt.date

    @property
    def overdue(self) -> bool:
        return self.due <= today()


def current_archives(user, books=None):
    """The latest archive of each book and year the user may see."""
    rows = visible(Archive, user).select_related("book", "book__region")
    if books is not None:
        rows = rows.filter(book__in=books)
    latest = {}
    for a in rows.order_by("book_id", "year", "-id"):
        latest.setdefault((a.book_id, a.year), a)
    return list(latest.values())


def due_by(user, day: dt.date, region_code: str | None = None) -> list[DueItem]:
    """What is due for appraisal (鉴定, then kept longer or listed for destruction) by `day`:
    each part of each current archive whose retention ends on or before it, soonest first.
    Permanent parts never come due."""
    books = None
    if region_code:
        books = visible(Book, user).filter(region__code__startswith=region_prefix(region_code))
    items = []
    for a in current_archives(user, books):
        for rule in RETENTION:
            d = due_on(a.year, rule)
            if d is not None and d <= day:
                items.append(DueItem(a, rule, d))
    return sorted(items, key=lambda i: (i.due, i.archive.book.code, i.rule.key))


def years_with_archives(book: Book) -> list[dict]:
    """The book's closed years with their latest archive (or none yet), newest first."""
    made = {}
    for a in Archive.objects.filter(book=book).order_by("year", "-id"):
        made.setdefault(a.year, a)
    return [{"year": y, "archive": made.get(y), "retention": [(r, due_on(y, r)) for r in RETENTION]} for y in closed_years(book)]
