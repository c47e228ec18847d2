"""Bank reconciliation from an imported statement: the import page (a preview, or every problem
by row and column), the match screen (a line at a time, for a phone) and the 银行存款余额调节表.
Thin: the importer and `reconcile` do the work; the services check who may act."""

import base64
import binascii
import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.pdf import pdf_response
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.readers import read_upload
from sanwu.core.tables import download
from sanwu.core.web import role_required, shows_problems

from .. import imports as importer
from ..charts import CHART_VERSIONS
from ..models import BankStatementLine, Book, Entry
from ..services import reconcile
from .common import get_book
from .reports import _date

# A year of a village account is a few hundred lines (tens of KB). The preview sends the file back
# base64 in a form field, which Django bounds by DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default).
MAX_STATEMENT = 1024 * 1024


def _bank_accounts(book: Book):
    return [a for a in reconcile.reconcilable_accounts(book) if "bank" in a.role_set]


def _chosen(request, book: Book):
    """The bank account the page asks for (?account=), else the first with a statement, else the first."""
    accounts = _bank_accounts(book)
    code = (request.GET.get("account") or request.POST.get("account") or "").strip()
    for a in accounts:
        if a.code == code:
            return a, accounts
    with_statement = {s.account_id for s in reconcile.statements(book)}
    first = next((a for a in accounts if a.pk in with_statement), accounts[0] if accounts else None)
    return first, accounts


def _head(book: Book) -> dict:
    return {"book": book, "chart_label": CHART_VERSIONS.get(book.chart, book.chart)}


@role_required()
@shows_problems
def statement_import(request, code: str, problems=()):
    book = get_book(request, code)
    account, accounts = _chosen(request, book)
    preview = data = filename = None
    if request.method == "POST" and not problems:
        reconcile.require_role(request.user, book, "导入银行对账单")
        if request.POST.get("confirm"):
            filename = request.POST.get("filename", "")
            try:
                content = base64.b64decode(request.POST.get("data", ""), validate=True)
            except (binascii.Error, ValueError):
                raise Invalid(Problem("预览的文件内容已损坏，请重新选择文件")) from None
            statement, matched = importer.import_bank_statement(request.user, book, request.POST.get("account", ""), content, filename)
            messages.success(request, f"已导入对账单「{statement.filename}」{statement.line_count} 笔，自动匹配 {matched} 笔。")
            url = reverse("ledger:bank_match", args=[book.code])
            return redirect(f"{url}?account={statement.account.code}&from={statement.date_from}&to={statement.date_to}")
        content, filename = read_upload(request.FILES.get("file"), MAX_STATEMENT)
        preview = importer.preview_bank_statement(request.user, book, request.POST.get("account", ""), content, filename)
        data = base64.b64encode(content).decode("ascii")
    return render(request, "ledger/reports/bank_import.html", {
        **_head(book), "accounts": accounts, "account": account, "problems": problems, "preview": preview, "data": data,
        "filename": filename, "columns": importer.BANK_COLUMNS, "statements": reconcile.statements(book),
        "can_import": reconcile.may_reconcile(request.user, book),
    })


@role_required()
def match_screen(request, code: str):
    book = get_book(request, code)
    account, accounts = _chosen(request, book)
    errors: list[str] = []
    screen = None
    date_from = date_to = None
    if account is not None:
        latest = reconcile.statements(book, account).first()
        default_from = latest.date_from if latest else dt.date(book.start_date.year, book.start_date.month, 1)
        default_to = latest.date_to if latest else default_from
        date_from = _date(request, "from", default_from, errors, "起始日期")
        date_to = _date(request, "to", default_to, errors, "截止日期")
        screen = reconcile.match_screen(book, account, date_from, date_to)
    return render(request, "ledger/reports/bank_match.html", {
        **_head(book), "accounts": accounts, "account": account, "screen": screen, "date_from": date_from, "date_to": date_to,
        "errors": errors, "can_match": reconcile.may_reconcile(request.user, book),
    })


def _on_line(request, code: str, pk: int, act, done: str):
    """Match or unmatch one statement line, then back to it on the match screen; a rule broken
    is a message there."""
    book = get_book(request, code)
    line = get_visible_or_404(BankStatementLine, request.user, pk=pk, book=book)
    try:
        act(book, line)
    except Invalid as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, f"{done}：{line.date} {line.summary}")
    url = reverse("ledger:bank_match", args=[book.code])
    st = line.statement
    return redirect(f"{url}?account={line.account.code}&from={st.date_from}&to={st.date_to}#line-{line.pk}")


@role_required()
@require_POST
def line_match(request, code: str, pk: int):
    def act(book, line):
        entry = Entry.objects.filter(pk=request.POST.get("entry") or 0, voucher__book=book).select_related("voucher").first()
        if entry is None:
            raise Invalid(Problem("请选择要匹配的日记账分录", field="entry"))
        reconcile.match(request.user, line, entry)

    return _on_line(request, code, pk, act, "已匹配")


@role_required()
@require_POST
def line_unmatch(request, code: str, pk: int):
    return _on_line(request, code, pk, lambda book, line: reconcile.unmatch(request.user, line), "已取消匹配")


@role_required()
@require_POST
def auto_match(request, code: str):
    book = get_book(request, code)
    account, _ = _chosen(request, book)
    n = reconcile.auto_match(request.user, book, account) if account is not None else 0
    messages.success(request, f"自动匹配 {n} 笔（金额与方向相同、日期相差不超过 {reconcile.WINDOW_DAYS} 天）。")
    return redirect(f"{reverse('ledger:bank_match', args=[book.code])}?{request.GET.urlencode()}")


@role_required()
def reconciliation_statement(request, code: str):
    """The 银行存款余额调节表 at a date (?account=&date=), on screen, as Excel/CSV and as PDF."""
    book = get_book(request, code)
    account, accounts = _chosen(request, book)
    errors: list[str] = []
    r = None
    day = None
    if account is not None:
        latest = reconcile.statements(book, account).first()
        day = _date(request, "date", latest.date_to if latest else today(), errors, "截至日期")
        try:
            r = reconcile.bank_reconciliation(book, account.code, day)
        except Invalid as exc:
            errors.extend(exc.messages)
    fmt = request.GET.get("format", "")
    if r is not None and fmt in ("xlsx", "csv"):
        return download(reconcile.bank_reconciliation_table(r), f"银行存款余额调节表-{book.code}-{account.code}-{day}", fmt)
    if r is not None and fmt == "pdf":
        return pdf_response(reconcile.PDF_TEMPLATE, reconcile.pdf_context(r), f"银行存款余额调节表-{book.code}-{account.code}-{day}")
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "ledger/reports/bank_reconciliation.html", {
        **_head(book), "accounts": accounts, "account": account, "day": day, "r": r,
        "rows": reconcile.reconciliation_rows(r) if r else [], "errors": errors, "query": query.urlencode(),
        "outstanding": reconcile.OUTSTANDING,
    })
