"""The book's accounting periods: month-end closing, the township's confirmation, reopening by
the county, and the year-end closing of income and expenses."""

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.money import format_yuan, to_capital
from sanwu.core.tables import Column, Table, download
from sanwu.core.web import export_format, paginate, role_required, shows_problems

from .. import services
from ..models import Account, Book, Period, Voucher
from .common import book_context, forbidden, get_book, may, problem_lines, refused

PERIOD_LABELS = dict(Period.STATUSES)


def _months(book: Book):
    today = services.today()
    y, m = book.start_date.year, book.start_date.month
    out = []
    while (y, m) <= (today.year, today.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _month_param(text: str | None, what: str) -> tuple[int, int]:
    try:
        y, m = (int(x) for x in (text or "").strip().split("-"))
        dt.date(y, m, 1)
    except ValueError:
        raise Invalid(Problem(f"{what}「{text or ''}」应为 2025-03 这样的月份", field="from" if what == "起始月份" else "to")) from None
    return y, m


def _default_range(book: Book, stored: dict) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """From the first month still open to last month (or this month, if that is the first)."""
    months = _months(book)
    open_months = [ym for ym in months if (stored[ym].status if ym in stored else "open") == "open"]
    if not open_months:
        return None
    first = open_months[0]
    today = services.today()
    last = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return first, max(first, last)


def _check_groups(checks) -> list[dict]:
    """The pre-close checks for the page: a month with something to say on its own line,
    consecutive months with nothing in them together on one."""
    groups: list[dict] = []
    for c in checks:
        if c.empty and groups and groups[-1]["empty"]:
            g = groups[-1]
            g["months"] += 1
            g["label"] = f"{g['first']}至{c.label}"
            continue
        groups.append({"first": c.label, "label": c.label, "months": 1, "empty": c.empty, "posted": c.posted, "blocking": c.blocking, "notes": c.notes, "status": PERIOD_LABELS[c.status]})
    return groups


def _close_panel(request, book: Book, stored: dict, chosen=None) -> dict | None:
    """The range close: the months chosen (or the default range) with their checks."""
    if not may(request.user, book, services.MAKE_ROLES):
        return None
    problems = []
    if chosen is None and request.GET.get("from"):
        try:
            chosen = (_month_param(request.GET.get("from"), "起始月份"), _month_param(request.GET.get("to") or request.GET.get("from"), "结束月份"))
        except Invalid as exc:
            problems = exc.messages
    chosen = chosen or _default_range(book, stored)
    if chosen is None:
        return {"none_open": True, "problems": problems}
    first, last = chosen
    if first > last:
        return {"first": first, "last": last, "groups": [], "problems": [*problems, "起始月份晚于结束月份"]}
    start = (book.start_date.year, book.start_date.month)
    checks = services.close_checks(book, max(first, start), last)
    return {
        "first": f"{first[0]}-{first[1]:02d}", "last": f"{last[0]}-{last[1]:02d}", "groups": _check_groups(checks),
        "count": len(checks), "blocked": any(c.blocking or c.status != "open" for c in checks), "problems": problems,
        "span": f"{first[0]}年{first[1]}月" + ("" if first == last else f"至{last[0]}年{last[1]}月"),
    }


@role_required()
def periods(request, code: str, problems=(), status=200, chosen=None):
    book = get_book(request, code)
    stored = {(p.year, p.month): p for p in Period.objects.visible_to(request.user).filter(book=book)}
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: {"posted": 0, "waiting": 0})
    rows_by_status = Voucher.objects.filter(book=book).values_list("year", "month", "status").annotate(n=Count("id")).order_by()
    for y, m, st, n in rows_by_status:
        counts[(y, m)]["posted" if st == "posted" else "waiting"] += n
    rows = []
    for y, m in reversed(_months(book)):
        p = stored.get((y, m))
        st = p.status if p else "open"
        rows.append({"year": y, "month": m, "status": st, "label": PERIOD_LABELS[st], "changed_at": p.changed_at if p else None, **counts[(y, m)]})
    fmt = export_format(request)
    if fmt:
        table = Table(
            "会计期间",
            [Column("period", "期间"), Column("status", "状态"), Column("posted", "已记账凭证"), Column("waiting", "未记账凭证")],
            [{"period": f"{r['year']}-{r['month']:02d}", "status": r["label"], "posted": r["posted"], "waiting": r["waiting"]} for r in rows],
        )
        return download(table, f"会计期间-{book.code}", fmt)
    ctx = book_context(request, book, "periods")
    years = sorted({y for y, _ in _months(book)}, reverse=True)
    ctx.update({"page": paginate(request, rows, 24), "years": years, "problems": problems, "close": _close_panel(request, book, stored, chosen)})
    return render(request, "ledger/periods.html", ctx, status=status)


@role_required()
@require_POST
@shows_problems
def period_close(request, code: str, problems=()):
    """Close the months from `from` to `to` in one step (one confirmation on the page)."""
    book = get_book(request, code)
    if not may(request.user, book, services.MAKE_ROLES):
        return forbidden(request, book, "period.close")
    if problems:
        try:
            chosen = (_month_param(request.POST.get("from"), "起始月份"), _month_param(request.POST.get("to"), "结束月份"))
        except Invalid:
            chosen = None
        return periods(request, code, problems=problems, status=422, chosen=chosen)
    first = _month_param(request.POST.get("from"), "起始月份")
    last = _month_param(request.POST.get("to"), "结束月份")
    closed = services.close_months(request.user, book, first, last)
    a, b = closed[0], closed[-1]
    span = f"{a.year}年{a.month}月" if len(closed) == 1 else f"{a.year}年{a.month}月至{b.year}年{b.month}月共 {len(closed)} 个月"
    messages.success(request, f"{span}已结账，等待乡镇确认。")
    return redirect("ledger:periods", book.code)


PERIOD_ACTIONS = {
    "close": (services.MAKE_ROLES, lambda u, b, y, m, r: services.close_month(u, b, y, m), "已结账，等待乡镇确认。"),
    "confirm": (services.REVIEW_ROLES, lambda u, b, y, m, r: services.confirm_close(u, b, y, m), "已确认结账。"),
    "reopen": ({"county_supervisor"}, lambda u, b, y, m, r: services.reopen_month(u, b, y, m, r), "已反结账，本月重新开放记账。"),
}


@role_required()
@require_POST
def period_action(request, code: str, year: int, month: int, action: str):
    book = get_book(request, code)
    if action not in PERIOD_ACTIONS or not (1 <= month <= 12):
        raise Http404("没有这个操作")
    roles, call, done = PERIOD_ACTIONS[action]
    if not may(request.user, book, roles):
        return forbidden(request, book, f"period.{action}")
    try:
        call(request.user, book, year, month, request.POST.get("reason", ""))
    except Invalid as exc:
        return periods(request, code, problems=problem_lines(exc))
    except Refused:
        return refused(request)
    messages.success(request, f"{year}年{month}月：{done}")
    return redirect("ledger:periods", book.code)


@role_required()
def year_end(request, code: str, year: int):
    book = get_book(request, code)
    if year < book.start_date.year or year > services.today().year:
        raise Http404("该年度不在账套期间内")
    problems: list[str] = []
    if request.method == "POST":
        if not may(request.user, book, services.POST_ROLES):
            return forbidden(request, book, "period.close_year")
        try:
            done = services.close_year(request.user, book, year)
        except Invalid as exc:
            problems = problem_lines(exc)
        except Refused:
            return refused(request)
        else:
            messages.success(request, f"{year}年损益已结转，生成并记账 {len(done)} 张凭证。")
            return redirect("ledger:periods", book.code)
    return _year_end_page(request, book, year, problems)


def _year_end_page(request, book: Book, year: int, problems):
    accounts = {a.code: a for a in Account.objects.filter(book=book)}
    drafts = []
    for d in services.year_end_drafts(book, year):
        lines = [
            {
                "account": f"{e.account} {accounts[e.account].name}" if e.account in accounts else e.account,
                "summary": e.summary or d.summary,
                "debit": format_yuan(e.debit) if e.debit else "", "credit": format_yuan(e.credit) if e.credit else "",
                "neg": e.debit < 0 or e.credit < 0,
            }
            for e in d.entries
        ]
        total = sum(e.debit for e in d.entries)
        drafts.append({"date": d.date, "summary": d.summary, "lines": lines, "total": format_yuan(total), "capital": to_capital(total)})
    ctx = book_context(request, book, "periods")
    december = Period.objects.filter(book=book, year=year, month=12).values_list("status", flat=True).first() or "open"
    ctx.update({
        "year": year, "drafts": drafts, "problems": problems, "closed": services.year_closed(book, year),
        "left": services.year_end_left(book, year), "deadline": services.december_deadline(book, year),
        "december": PERIOD_LABELS[december], "can_reopen": may(request.user, book, {"county_supervisor"}),
    })
    return render(request, "ledger/year_end.html", ctx)


@role_required()
@require_POST
@shows_problems
def year_reopen(request, code: str, year: int, problems=()):
    """The county supervisor undoes a year's closing, with a reason (services.reopen_year)."""
    book = get_book(request, code)
    if not may(request.user, book, {"county_supervisor"}):
        return forbidden(request, book, "year.reopen")
    if problems:
        return _year_end_page(request, book, year, problems)
    done = services.reopen_year(request.user, book, year, request.POST.get("reason", ""))
    messages.success(request, f"{year}年已反结转：红字冲销 {len(done)} 张结转凭证，12月重新开放；补记后请重新结转。")
    return redirect("ledger:year_end", book.code, year)
