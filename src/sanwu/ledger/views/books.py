"""The book pages: the list of books in scope, one book's overview, its chart of accounts (with
detail sub-accounts added), its opening balances and the move to the new chart."""

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from sanwu.core.errors import Invalid, Refused
from sanwu.core.money import format_yuan
from sanwu.core.tables import Column, Table, download
from sanwu.core.pdf import pdf_response
from sanwu.core.web import export_format, paginate, role_required, shows_problems
from sanwu.regions.models import Region

from .. import services
from ..charts import CATEGORIES, ROLE_LABELS, SIDES, SOURCES
from ..forms import DIRECTIONS, SubAccountForm, parse_opening
from ..models import Account, Book, OpeningBalance, Voucher
from .common import book_context, dress, forbidden, get_book, may, problem_lines, refused, this_month

UNPOSTED = ("draft", "submitted", "reviewed", "rejected")


def _status_counts(book_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per book: drafts (with rejected), waiting review, posted this month."""
    y, m = this_month()
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"drafts": 0, "waiting": 0, "reviewed": 0, "posted_month": 0})
    for i in range(0, len(book_ids), 500):
        rows = (
            Voucher.objects.filter(book_id__in=book_ids[i : i + 500])
            .filter(Q(status__in=UNPOSTED) | Q(status="posted", year=y, month=m))
            .values_list("book_id", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for book_id, status, n in rows:
            c = out[book_id]
            if status in ("draft", "rejected"):
                c["drafts"] += n
            elif status == "submitted":
                c["waiting"] += n
            elif status == "reviewed":
                c["reviewed"] += n
            else:
                c["posted_month"] += n
    return out



# --- books -----------------------------------------------------------------------------------


@role_required()
def book_list(request):
    books = Book.objects.visible_to(request.user).select_related("region__parent")
    townships = Region.objects.filter(code__in=books.values("region__parent_id")).order_by("code")
    township = request.GET.get("township", "").strip()
    if township:
        books = books.filter(region__parent_id=township)
    q = request.GET.get("q", "").strip()
    if q:
        books = books.filter(
            Q(name__contains=q) | Q(code__startswith=q) | Q(region__name__contains=q) | Q(region__parent__name__contains=q)
        )
    books = books.order_by("code")
    fmt = export_format(request)
    if fmt:
        rows = list(books[:20000])
        counts = _status_counts([b.pk for b in rows])
        table = Table(
            "账套",
            [
                Column("code", "账套编码", width=16), Column("name", "集体经济组织", width=30), Column("village", "村"),
                Column("township", "乡镇"), Column("chart", "会计制度"), Column("credit_code", "统一社会信用代码", width=22),
                Column("drafts", "草稿及退回"), Column("waiting", "待审核"), Column("reviewed", "已审核待记账"),
                Column("posted_month", "本月已记账"),
            ],
            [
                {
                    "code": b.code, "name": b.name, "village": b.region.name,
                    "township": b.region.parent.name if b.region.parent else "", "chart": b.chart,
                    "credit_code": b.credit_code, **counts[b.pk],
                }
                for b in rows
            ],
        )
        return download(table, "账套", fmt)
    page = paginate(request, books)
    counts = _status_counts([b.pk for b in page])
    for b in page:
        b.counts = counts[b.pk]
    y, m = this_month()
    return render(
        request,
        "ledger/book_list.html",
        {"page": page, "q": q, "township": township, "townships": townships if townships.count() > 1 else [], "month": m, "year": y},
    )


@role_required()
def book_detail(request, code: str):
    book = get_book(request, code)
    ctx = book_context(request, book, "book")
    vouchers = Voucher.objects.visible_to(request.user).filter(book=book)
    counts = _status_counts([book.pk])[book.pk]
    recent = [dress(v) for v in vouchers.select_related("maker", "reviewer", "poster").order_by("-created_at", "-id")[:10]]
    y, m = this_month()
    ctx.update({"counts": counts, "recent": recent, "posted_total": vouchers.filter(status="posted").count(), "this_month": f"{y}-{m:02d}"})
    return render(request, "ledger/book.html", ctx)

# --- accounts and opening balances -----------------------------------------------------------


@role_required()
def accounts(request, code: str):
    book = get_book(request, code)
    rows = list(Account.objects.visible_to(request.user).filter(book=book).order_by("code"))
    for a in rows:
        a.depth = 0 if a.parent_id is None else (len(a.code) - 3) // 2
        a.role_label = "、".join(ROLE_LABELS.get(r, r) for r in sorted(a.role_set))
        a.side_label = SIDES.get(a.side, a.side)
        a.category_label = CATEGORIES.get(a.category, a.category)
    fmt = export_format(request)
    if fmt:
        table = Table(
            "会计科目",
            [
                Column("code", "科目编码"), Column("name", "科目名称", width=24), Column("category", "类别"), Column("side", "余额方向"),
                Column("roles", "用途", width=24), Column("standard", "标准科目"), Column("leaf", "末级"), Column("open", "启用"),
                Column("source", "默认收入来源"),
            ],
            [
                {
                    "code": a.code, "name": a.name, "category": a.category_label, "side": a.side_label, "roles": a.role_label,
                    "standard": "是" if a.standard else "否", "leaf": "是" if a.is_leaf else "否", "open": "是" if a.is_open else "否",
                    "source": SOURCES.get(a.default_source, ""),
                }
                for a in rows
            ],
        )
        return download(table, f"会计科目-{book.code}", fmt)
    problems: list[str] = []
    form = SubAccountForm(request.POST or None, accounts=rows)
    if request.method == "POST":
        if not may(request.user, book, services.MAKE_ROLES | services.BOOK_ADMIN_ROLES):
            return forbidden(request, book, "account.create")
        if form.is_valid():
            d = form.cleaned_data
            try:
                acc = services.add_sub_account(request.user, book, d["parent"], d["code"].strip(), d["name"], d["default_source"])
            except Invalid as exc:
                problems = problem_lines(exc)
            except Refused:
                return refused(request)
            else:
                messages.success(request, f"已增设明细科目「{acc.code} {acc.name}」。")
                return redirect("ledger:accounts", book.code)
        else:
            for name, errs in form.errors.items():
                problems.extend(f"{form.fields[name].label}：{e}" for e in errs)
    ctx = book_context(request, book, "accounts")
    ctx.update({"accounts": rows, "form": form, "problems": problems})
    return render(request, "ledger/accounts.html", ctx)


@role_required()
def opening(request, code: str):
    book = get_book(request, code)
    leaves = [a for a in Account.objects.filter(book=book, is_leaf=True).order_by("code") if a.category != "pnl"]
    problems: list[str] = []
    may_edit = may(request.user, book, services.MAKE_ROLES | services.BOOK_ADMIN_ROLES)
    typed = None
    if request.method == "POST":
        if not may_edit:
            return forbidden(request, book, "book.opening")
        balances, problems = parse_opening(request.POST, leaves)
        typed = request.POST
        if not problems:
            try:
                services.set_opening_balances(request.user, book, balances)
                if request.POST.get("then") == "confirm":
                    services.confirm_opening(request.user, book)
            except Invalid as exc:
                problems = problem_lines(exc)
            except Refused:
                return refused(request)
            else:
                book.refresh_from_db()
                messages.success(request, "期初余额已确认，可以开始记账。" if book.opening_confirmed else "期初余额已保存（尚未确认）。")
                return redirect("ledger:opening", book.code)
        book.refresh_from_db()
    saved = dict(OpeningBalance.objects.filter(book=book).values_list("account__code", "balance"))
    rows = []
    debit_total = credit_total = 0
    for a in leaves:
        bal = saved.get(a.code, 0)
        debit_total += max(bal, 0)
        credit_total += max(-bal, 0)
        if typed is not None:
            amount, side = typed.get(f"amount_{a.code}", ""), typed.get(f"side_{a.code}", "")
        else:
            amount = format_yuan(abs(bal), grouping=False) if bal else ""
            side = ("debit" if bal > 0 else "credit") if bal else ("credit" if a.side == "credit" else "debit")
        rows.append(
            {
                "account": a, "category": CATEGORIES[a.category], "normal": SIDES.get(a.side, a.side), "amount": amount, "side": side,
                "debit": format_yuan(bal) if bal > 0 else "", "credit": format_yuan(-bal) if bal < 0 else "",
            }
        )
    fmt = export_format(request)
    if fmt:
        table = Table(
            "期初余额",
            [Column("code", "科目编码"), Column("name", "科目名称", width=24), Column("debit", "借方", money=True, width=16), Column("credit", "贷方", money=True, width=16)],
            [{"code": a.code, "name": a.name, "debit": max(saved.get(a.code, 0), 0), "credit": max(-saved.get(a.code, 0), 0)} for a in leaves],
        )
        return download(table, f"期初余额-{book.code}", fmt)
    ctx = book_context(request, book, "opening")
    ctx.update(
        {
            "rows": rows, "problems": problems, "editable": may_edit and not book.opening_confirmed, "directions": DIRECTIONS,
            "debit_total": format_yuan(debit_total), "credit_total": format_yuan(credit_total),
            "opening_balanced": debit_total == credit_total, "diff": format_yuan(abs(debit_total - credit_total)),
        }
    )
    return render(request, "ledger/opening.html", ctx)


# --- old chart to new ------------------------------------------------------------------------


@role_required()
@shows_problems
def chart_move(request, code: str, problems=()):
    """新旧制度衔接: before the move, what it would do (or what stops it) and the form for the
    book's accountant or the county; after it, the mapping report on either book, as
    `?format=xlsx|csv|json|pdf` too."""
    book = get_book(request, code)
    move = services.chart_move_of(book)
    can_move = may(request.user, book, services.MOVE_ROLES)
    if request.method == "POST" and move is None and not problems:
        if not can_move:
            return forbidden(request, book, "book.chart_move")
        move = services.migrate_chart(request.user, book, "2023", request.POST.get("new_code", "").strip())
        messages.success(request, f"已换用新会计制度：新账套 {move.new_book.code}，原账年末余额已转为新账期初余额并确认。")
        return redirect("ledger:chart_move", book.code)
    ctx = book_context(request, book, "book")
    if move is not None:
        report = services.chart_move_report(move)
        fmt = request.GET.get("format", "")
        name = f"新旧制度科目对照表-{move.old_book.code}-{move.new_book.code}"
        if fmt == "pdf":
            return pdf_response("ledger/pdf/chart_move.html", {**report, "printed": services.today()}, name)
        if fmt in ("xlsx", "csv", "json"):
            return download(services.chart_move_table(report), name, fmt)
        ctx.update({"report": report, **report, "book": book})
        return render(request, "ledger/chart_move.html", ctx)
    cutoff, blocking = services.move_cutoff(book, "2023")
    ctx.update({
        "cutoff": cutoff, "start": cutoff and cutoff + dt.timedelta(days=1), "blocking": [p.message for p in blocking],
        "problems": problems, "can_move": can_move and cutoff is not None,
        "new_code": request.POST.get("new_code", f"{book.code}-2023"),
    })
    return render(request, "ledger/chart_move.html", ctx)
