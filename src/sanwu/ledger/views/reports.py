"""The book's report pages (thin: the figures come from `reports` and `reconcile`).

Every report answers on screen, as `?format=xlsx|csv|json` (its Table) and as `?format=pdf`.
The book is fetched through the scope gate: outside the user's regions it is a 404.
"""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core.errors import Invalid, Refused
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.money import MoneyError, parse_yuan
from sanwu.core.pdf import pdf_response
from sanwu.core.tables import download
from sanwu.core.web import paginate, role_required

from .. import services
from ..charts import CHART_VERSIONS
from ..models import BankAssertion, Book
from ..services import reconcile, reports, statements
from ..services.statements import display
from .common import get_book, refused

TABLE_FORMATS = ("xlsx", "csv", "json")

# --- Parameters ---------------------------------------------------------------------------------


def _default_ym(book: Book) -> tuple[int, int]:
    t = services.today()
    ym = (t.year, t.month)
    start = (book.start_date.year, book.start_date.month)
    return max(ym, start)


def _years(book: Book) -> list[int]:
    last = max(services.today().year, book.start_date.year)
    return list(range(last, book.start_date.year - 1, -1))


def _int(request, name: str, default: int, lo: int, hi: int, errors: list[str], label: str) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        v = int(raw)
    except ValueError:
        v = None
    if v is None or not lo <= v <= hi:
        errors.append(f"{label}「{raw}」无效，已改用 {default}")
        return default
    return v


def _date(request, name: str, default: dt.date, errors: list[str], label: str) -> dt.date:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label}「{raw}」不是有效日期（格式如 2025-03-31），已改用 {default}")
        return default


def _year_month(request, book: Book, errors: list[str], *, range_: bool = False):
    dy, dm = _default_ym(book)
    years = _years(book)
    year = _int(request, "year", dy, min(years), max(years), errors, "年份")
    if year != dy:
        dm = 12
    if range_:
        month_from = _int(request, "from", dm, 1, 12, errors, "起始月份")
        month_to = _int(request, "to", month_from if "from" in request.GET and "to" not in request.GET else dm, 1, 12, errors, "截止月份")
        if month_from > month_to:
            errors.append("起始月份晚于截止月份，已交换")
            month_from, month_to = month_to, month_from
        return year, month_from, month_to
    return year, _int(request, "month", dm, 1, 12, errors, "月份")


def _dates(request, book: Book, errors: list[str], *, whole_year: bool) -> tuple[dt.date, dt.date]:
    y, m = _default_ym(book)
    start = dt.date(y, 1, 1) if whole_year else dt.date(y, m, 1)
    start = max(start, book.start_date)
    end = reports.month_end(y, m)
    date_from = _date(request, "from", start, errors, "起始日期")
    date_to = _date(request, "to", end, errors, "截止日期")
    if date_from > date_to:
        errors.append("起始日期晚于截止日期，已交换")
        date_from, date_to = date_to, date_from
    return date_from, date_to


def _query(request) -> str:
    """The page's query string without format and page (for export links and the pager)."""
    q = request.GET.copy()
    q.pop("format", None)
    q.pop("page", None)
    return q.urlencode()


def _respond(request, book: Book, *, template: str, context: dict, table, filename: str, statement: tuple[str, dict] | None = None,
             pdf_template: str = ""):
    """On screen, as a Table download, or as a PDF, from the same figures. A report of
    `reports.REPORT_NAMES` gives `statement=(name, data)`: its PDF is the printed statement of
    `statements` (the one the CLI prints); others give their `pdf_template`."""
    fmt = request.GET.get("format", "")
    name = f"{filename}-{book.code}"
    if fmt in TABLE_FORMATS:
        return download(table(), name, fmt)
    if fmt == "pdf" and statement:
        return pdf_response(statements.PDF_TEMPLATES[statement[0]], statements.pdf_context(*statement), name)
    context = {"book": book, "query": _query(request), "chart_label": CHART_VERSIONS.get(book.chart, book.chart), **context}
    if fmt == "pdf":
        context["printed"] = services.today()
        return pdf_response(pdf_template, context, name)
    return render(request, template, context)


# --- Pages --------------------------------------------------------------------------------------


REPORTS = [
    ("trial_balance", "科目余额表", "各科目期初、本期发生与期末余额，检查借贷平衡（按月或月份区间）"),
    ("general_ledger", "总账", "一级科目逐月的借方、贷方与余额"),
    ("account_ledger", "明细账", "一个科目（含其明细科目）逐笔登记，带余额"),
    ("cash_journal", "现金日记账", "库存现金逐日登记，每日小计"),
    ("bank_journal", "银行日记账", "银行存款逐日登记，每日小计"),
    ("income_expense", "收支明细表", "各项收入、支出及按来源（光伏、租赁……）的收入"),
    ("balance_sheet", "资产负债表", "月末的资产、负债和所有者权益，含年初数"),
    ("income_statement", "收益及收益分配表", "本年收益、可分配收益与年末未分配收益"),
    ("reconciliation", "银行对账", "录入银行对账单余额，与账面余额逐笔核对"),
    ("bank_reconciliation", "银行存款余额调节表", "导入银行对账单，与银行日记账逐笔匹配，列出未达账项并编制调节表"),
    ("ageing", "往来款项明细", "应收款、应付款、内部往来按往来单位的余额与账龄"),
]


@role_required()
def index(request, code: str):
    book = get_book(request, code)
    links = [(reverse(f"ledger:{name}", args=[book.code]), title, hint) for name, title, hint in REPORTS]
    return render(request, "ledger/reports/index.html", {"book": book, "reports": links, "chart_label": CHART_VERSIONS.get(book.chart, book.chart)})


@role_required()
def trial_balance(request, code: str):
    book = get_book(request, code)
    errors: list[str] = []
    year, month_from, month_to = _year_month(request, book, errors, range_=True)
    tb = reports.trial_balance(book, year, month_from, month_to)
    return _respond(
        request, book, template="ledger/reports/trial_balance.html", statement=("trial-balance", tb),
        context={"tb": display(tb), "year": year, "month_from": month_from, "month_to": month_to, "years": _years(book),
                 "months": range(1, 13), "errors": errors, "period": reports.period_label(year, month_from, month_to)},
        table=lambda: reports.trial_balance_table(tb), filename=f"科目余额表-{reports.period_label(year, month_from, month_to)}",
    )


def _account_choices(book: Book, chart: reports.Chart | None = None) -> list[tuple[str, str]]:
    chart = chart or reports.Chart(book)
    return [(a.code, "　" * (chart.level(a) - 1) + f"{a.code} {a.name}") for a in chart.accounts]


@role_required()
def general_ledger(request, code: str):
    book = get_book(request, code)
    errors: list[str] = []
    year, month = _year_month(request, book, errors)
    account = request.GET.get("account", "").strip()
    try:
        gl = reports.general_ledger(book, year, month, account or None)
    except Invalid as exc:
        errors.extend(exc.messages)
        account = ""
        gl = reports.general_ledger(book, year, month)
    return _respond(
        request, book, template="ledger/reports/general_ledger.html", statement=("general-ledger", gl),
        context={"gl": display(gl), "year": year, "month": month, "account": account, "years": _years(book), "months": range(1, 13),
                 "choices": _account_choices(book), "errors": errors},
        table=lambda: reports.general_ledger_table(gl), filename=f"总账-{year}年",
    )


def _paged_ledger(request, led: dict):
    """Screen pages of a ledger's rows, with the balance brought forward (承前页) on later pages."""
    page = paginate(request, led["rows"])
    forward = None
    if page.number > 1:
        forward = led["rows"][page.start_index() - 2]["balance"]
    return page, forward


@role_required()
def account_ledger(request, code: str):
    book = get_book(request, code)
    errors: list[str] = []
    chart = reports.Chart(book)
    date_from, date_to = _dates(request, book, errors, whole_year=True)
    account = request.GET.get("account", "").strip()
    led = None
    if account:
        try:
            led = reports.account_ledger(book, account, date_from, date_to)
        except Invalid as exc:
            errors.extend(exc.messages)
    context = {"date_from": date_from, "date_to": date_to, "account": account, "choices": _account_choices(book, chart), "errors": errors}
    if led is None:
        if request.GET.get("format"):
            errors.append("请先选择科目")
        return render(request, "ledger/reports/account_ledger.html", {"book": book, "query": _query(request), **context})
    shown = display(led)
    page, forward = _paged_ledger(request, shown)
    return _respond(
        request, book, template="ledger/reports/account_ledger.html", statement=("account-ledger", led),
        context={**context, "led": shown, "page": page, "forward": forward, "show_account": not led["is_leaf"]},
        table=lambda: reports.account_ledger_table(led), filename=f"明细账-{led['code']}{led['name']}-{date_from}至{date_to}",
    )


@role_required()
def journal(request, code: str, role: str):
    book = get_book(request, code)
    errors: list[str] = []
    chart = reports.Chart(book)
    date_from, date_to = _dates(request, book, errors, whole_year=False)
    account = request.GET.get("account", "").strip()
    try:
        j = reports.journal(book, role, date_from, date_to, account or None)
    except Invalid as exc:
        errors.extend(exc.messages)
        account = ""
        j = reports.journal(book, role, date_from, date_to)
    choices = [(a.code, "　" * (chart.level(a) - 1) + f"{a.code} {a.name}") for a in reports.journal_accounts(book, role, chart)]
    shown = display(j)
    # Screen pages hold whole days: page through the days, a page's worth of entries at a time.
    page = paginate(request, shown["days"], per_page=_days_per_page(j["days"]))
    return _respond(
        request, book, template="ledger/reports/journal.html", statement=(f"{role}-journal", j),
        context={"j": shown, "page": page, "date_from": date_from, "date_to": date_to, "account": account, "choices": choices,
                 "errors": errors, "role": role, "show_account": len(j["accounts"]) > 1},
        table=lambda: reports.journal_table(j), filename=f"{j['title']}-{date_from}至{date_to}",
    )


def _days_per_page(days: list[dict]) -> int:
    if not days:
        return 1
    avg = sum(len(d["rows"]) for d in days) / len(days)
    return max(1, int(settings.SANWU_PAGE_SIZE // max(avg, 1)))


@role_required()
def income_expense(request, code: str):
    book = get_book(request, code)
    errors: list[str] = []
    year, month_from, month_to = _year_month(request, book, errors, range_=True)
    d = reports.income_expense_detail(book, year, month_from, month_to)
    return _respond(
        request, book, template="ledger/reports/income_expense.html", statement=("income-expense", d),
        context={"d": display(d), "year": year, "month_from": month_from, "month_to": month_to, "years": _years(book), "months": range(1, 13),
                 "errors": errors, "period": reports.period_label(year, month_from, month_to)},
        table=lambda: reports.income_expense_table(d), filename=f"收支明细表-{reports.period_label(year, month_from, month_to)}",
    )


@role_required()
def balance_sheet(request, code: str):
    book = get_book(request, code)
    errors: list[str] = []
    year, month = _year_month(request, book, errors)
    bs = reports.balance_sheet(book, year, month)
    return _respond(
        request, book, template="ledger/reports/balance_sheet.html", statement=("balance-sheet", bs),
        context={"bs": display(bs), "pairs": display(statements.sheet_pairs(bs)), "year": year, "month": month, "years": _years(book),
                 "months": range(1, 13), "errors": errors},
        table=lambda: reports.balance_sheet_table(bs), filename=f"资产负债表-{year}年{month}月",
    )


@role_required()
def income_statement(request, code: str):
    book = get_book(request, code)
    errors: list[str] = []
    year, month = _year_month(request, book, errors)
    st = reports.income_statement(book, year, month)
    return _respond(
        request, book, template="ledger/reports/income_statement.html", statement=("income-statement", st),
        context={"st": display(st), "year": year, "month": month, "years": _years(book), "months": range(1, 13), "errors": errors},
        table=lambda: reports.income_statement_table(st), filename=f"收益及收益分配表-{year}年" + (f"1-{month}月" if month < 12 else ""),
    )


@role_required()
def reconciliation(request, code: str):
    book = get_book(request, code)
    accounts = reconcile.reconcilable_accounts(book)
    can_add = reconcile.may_reconcile(request.user, book)
    problems: list[str] = []
    form = {"account": accounts[0].code if accounts else "", "date": "", "balance": "", "note": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            date = dt.date.fromisoformat(form["date"])
        except ValueError:
            date = None
            problems.append("「日期」：请填写有效日期（格式如 2025-03-31）")
        try:
            balance = parse_yuan(form["balance"])
        except MoneyError as exc:
            balance = None
            problems.append(f"「对账单余额」：{exc}")
        if not problems:
            try:
                reconcile.add_assertion(request.user, book, form["account"], date, balance, form["note"])
            except Invalid as exc:
                problems = exc.messages
            except Refused:
                return refused(request)
            else:
                messages.success(request, f"已录入 {form['account']} {date} 的对账单余额。")
                return redirect("ledger:reconciliation", code=book.code)
    r = reconcile.reconciliation(book)
    for row in r["rows"]:
        row["result"] = reconcile.describe(row)
    return _respond(
        request, book, template="ledger/reports/reconciliation.html", pdf_template="ledger/pdf/reconciliation.html",
        context={"r": display(r), "accounts": accounts, "can_add": can_add, "problems": problems, "form": form,
                 "today": services.today()},
        table=lambda: reconcile.reconciliation_table(r), filename="银行对账",
    )


@role_required()
@require_POST
def assertion_delete(request, code: str, pk: int):
    book = get_book(request, code)
    assertion = get_visible_or_404(BankAssertion, request.user, pk=pk, book=book)
    try:
        reconcile.delete_assertion(request.user, assertion)
    except Refused:
        return refused(request)
    messages.success(request, "已删除该对账记录。")
    return redirect("ledger:reconciliation", code=book.code)
