"""The book and voucher pages. Thin: read the form into drafts, call the services (which check
permissions and rules themselves), show their problems; buttons appear only for those who may
use them. Every object is fetched through the scope gate."""

from collections import defaultdict

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanwu.core import uploads
from sanwu.core.errors import Invalid, Refused
from sanwu.core.gate import get_visible_or_404, refuse
from sanwu.core.money import format_yuan, to_capital
from sanwu.core.scope import can_write
from sanwu.core.tables import Column, Table, download
from sanwu.core.web import export_format, paginate, role_required
from sanwu.regions.models import Region

from . import attachments, services
from .charts import CATEGORIES, CHART_NOTES, CHART_VERSIONS, INCOME_ROLES, ROLE_LABELS, SETTLEMENTS, SIDES, SOURCES
from .forms import (
    DIRECTIONS,
    AttachmentForm,
    ReasonForm,
    SubAccountForm,
    VoucherFilterForm,
    VoucherForm,
    entry_rows,
    parse_entries,
    parse_opening,
    rows_of_voucher,
    voucher_draft,
)
from .models import Account, Attachment, Book, OpeningBalance, Period, Voucher

UNPOSTED = ("draft", "submitted", "reviewed", "rejected")
PERIOD_LABELS = dict(Period.STATUSES)
STATUS_LABELS = dict(Voucher.STATUSES)


# --- helpers ---------------------------------------------------------------------------------


def _may(user, book: Book, roles) -> bool:
    """Whether to offer an action (the services decide for themselves when it is used)."""
    return can_write(user, book.region_id, set(roles))


def _forbidden(request, book: Book, what: str):
    refuse(request.user, f"ledger.{what}", book.code, book.region_id)
    return render(request, "403.html", status=403)


def _refused(request):
    """A service said no (and has written the refusal to the audit trail)."""
    return render(request, "403.html", status=403)


def _problems(exc: Invalid) -> list[str]:
    """Problems in Chinese; entry problems name the line of the voucher."""
    return [f"第{p.row}行分录：{p.message}" if p.row is not None else p.message for p in exc.problems]


def _book(request, code: str) -> Book:
    return get_visible_or_404(Book, request.user, code=code)


def _voucher(request, book: Book, pk: int) -> Voucher:
    return get_visible_or_404(Voucher, request.user, pk=pk, book=book)


def _name(user) -> str:
    if user is None:
        return ""
    return user.first_name or user.username


def _number(v: Voucher) -> str:
    return f"{v.WORD}-{v.number:04d}" if v.number is not None else ""


def _dress(v: Voucher) -> Voucher:
    """Display values a template cannot compute (money as yuan, the voucher number)."""
    v.total_yuan = format_yuan(v.total)
    v.no = _number(v)
    v.names = {"maker": _name(v.maker), "reviewer": _name(v.reviewer), "poster": _name(v.poster)}
    return v


def _this_month() -> tuple[int, int]:
    t = services.today()
    return t.year, t.month


def book_context(request, book: Book, tab: str) -> dict:
    """What `ledger/_book_head.html` (the book's header and tabs) needs; other book pages
    (reports, import) may use it with tab "reports" or "import"."""
    region = book.region
    township = region.parent
    user = request.user
    return {
        "book": book,
        "tab": tab,
        "village": region,
        "township": township,
        "chart_label": CHART_VERSIONS.get(book.chart, book.chart),
        "chart_note": CHART_NOTES.get(book.chart, ""),
        "can_make": _may(user, book, services.MAKE_ROLES),
        "can_review": _may(user, book, services.REVIEW_ROLES),
        "can_post": _may(user, book, services.POST_ROLES),
        "can_setup": _may(user, book, services.MAKE_ROLES | services.BOOK_ADMIN_ROLES),
        "can_reopen": _may(user, book, {"county_supervisor"}),
    }


def _status_counts(book_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per book: drafts (with rejected), waiting review, posted this month."""
    y, m = _this_month()
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
    y, m = _this_month()
    return render(
        request,
        "ledger/book_list.html",
        {"page": page, "q": q, "township": township, "townships": townships if townships.count() > 1 else [], "month": m, "year": y},
    )


@role_required()
def book_detail(request, code: str):
    book = _book(request, code)
    ctx = book_context(request, book, "book")
    vouchers = Voucher.objects.visible_to(request.user).filter(book=book)
    counts = _status_counts([book.pk])[book.pk]
    recent = [_dress(v) for v in vouchers.select_related("maker", "reviewer", "poster").order_by("-created_at", "-id")[:10]]
    y, m = _this_month()
    ctx.update({"counts": counts, "recent": recent, "posted_total": vouchers.filter(status="posted").count(), "this_month": f"{y}-{m:02d}"})
    return render(request, "ledger/book.html", ctx)


# --- voucher list ----------------------------------------------------------------------------


def _filtered_vouchers(request, book: Book, queue: bool):
    form = VoucherFilterForm(request.GET or None)
    qs = Voucher.objects.visible_to(request.user).filter(book=book)
    if queue:
        qs = qs.filter(status__in=("submitted", "reviewed"))
    if form.is_valid():
        d = form.cleaned_data
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["month"]:
            qs = qs.filter(year=d["month"][0], month=d["month"][1])
        if d["q"]:
            text = d["q"]
            cond = Q(summary__contains=text) | Q(entries__summary__contains=text) | Q(entries__counterparty__contains=text)
            digits = text.removeprefix(Voucher.WORD).lstrip("-")
            if digits.isdigit():
                cond |= Q(number=int(digits))
            qs = qs.filter(pk__in=Voucher.objects.filter(book=book).filter(cond).values("pk"))
        if d["amount"] is not None:
            fen = d["amount"]
            cond = Q(total=fen) | Q(entries__debit=fen) | Q(entries__credit=fen)
            qs = qs.filter(pk__in=Voucher.objects.filter(book=book).filter(cond).values("pk"))
    order = ("year", "month", "number", "id") if queue else ("-year", "-month", "-number", "-id")
    return form, qs.select_related("maker", "reviewer", "poster").order_by(*order)


def _voucher_table(vouchers) -> Table:
    return Table(
        "记账凭证",
        [
            Column("date", "日期", width=12), Column("no", "凭证号"), Column("summary", "摘要", width=36),
            Column("total", "金额", money=True, width=16), Column("status", "状态"), Column("attachments", "附件数"),
            Column("maker", "制单"), Column("reviewer", "审核"), Column("poster", "记账"), Column("hash", "哈希", width=20),
        ],
        [
            {
                "date": v.date, "no": _number(v), "summary": v.summary, "total": v.total, "status": STATUS_LABELS[v.status],
                "attachments": v.attachment_count, "maker": _name(v.maker), "reviewer": _name(v.reviewer),
                "poster": _name(v.poster), "hash": v.hash[:16],
            }
            for v in vouchers
        ],
    )


def _entry_table(vouchers) -> Table:
    """One row per entry, with the import file's headers (日期, 凭证号, 摘要, 科目编码, …)."""
    from .models import Entry

    entries = (
        Entry.objects.filter(voucher__in=vouchers).select_related("voucher", "account").order_by("voucher__year", "voucher__month", "voucher__number", "voucher_id", "line")
    )
    return Table(
        "分录明细",
        [
            Column("date", "日期", width=12), Column("voucher_no", "凭证号"), Column("summary", "摘要", width=30),
            Column("account", "科目编码"), Column("account_name", "科目名称", width=20), Column("debit", "借方金额", money=True, width=16),
            Column("credit", "贷方金额", money=True, width=16), Column("settlement", "结算方式"), Column("source", "收入来源"),
            Column("counterparty", "往来单位", width=20), Column("attachments", "附件数"), Column("status", "状态"),
        ],
        [
            {
                "date": e.voucher.date, "voucher_no": _number(e.voucher) or f"草稿{e.voucher_id}", "summary": e.summary,
                "account": e.account.code, "account_name": e.account.name, "debit": e.debit, "credit": e.credit,
                "settlement": SETTLEMENTS.get(e.settlement, ""), "source": SOURCES.get(e.source, ""),
                "counterparty": e.counterparty, "attachments": e.voucher.attachment_count if e.line == 1 else "",
                "status": STATUS_LABELS[e.voucher.status],
            }
            for e in entries
        ],
    )


@role_required()
def voucher_list(request, code: str, queue: bool = False):
    book = _book(request, code)
    form, qs = _filtered_vouchers(request, book, queue)
    fmt = export_format(request)
    if fmt:
        rows = list(qs[:50000])
        if request.GET.get("detail") == "entries":
            return download(_entry_table(rows), f"分录明细-{book.code}", fmt)
        return download(_voucher_table(rows), f"记账凭证-{book.code}", fmt)
    page = paginate(request, qs)
    for v in page:
        _dress(v)
    ctx = book_context(request, book, "queue" if queue else "vouchers")
    ctx.update({"page": page, "form": form, "queue": queue, "filtered": bool(request.GET.get("status") or request.GET.get("month") or request.GET.get("q") or request.GET.get("amount"))})
    return render(request, "ledger/voucher_list.html", ctx)


@role_required()
def review_queue(request, code: str):
    return voucher_list(request, code, queue=True)


# --- voucher form ----------------------------------------------------------------------------


def _account_label(a: Account) -> str:
    """「50101 经营收入—光伏发电收入」: a book's own sub-account shows its parent."""
    if a.parent is None or a.standard:
        return f"{a.code} {a.name}"
    return f"{a.code} {a.parent.name}—{a.name}"


def _account_choices(book: Book, keep: set[str] = frozenset()):
    """Leaf, open accounts grouped by category, each with whether it is an income account."""
    accounts = list(Account.objects.filter(book=book).select_related("parent").order_by("code"))
    groups: dict[str, list] = {k: [] for k in CATEGORIES}
    for a in accounts:
        usable = a.is_leaf and a.is_open
        if not usable and a.code not in keep:
            continue
        label = _account_label(a)
        if not usable:
            label += "（不可用）"
        groups[a.category].append({"code": a.code, "label": label, "income": bool(a.role_set & INCOME_ROLES), "source": a.default_source})
    return [(CATEGORIES[k] + "类", items) for k, items in groups.items() if items]


def _voucher_form(request, book: Book, voucher: Voucher | None):
    if not _may(request.user, book, services.MAKE_ROLES):
        return _forbidden(request, book, "voucher.make")
    problems: list[str] = []
    bad_rows: set[int] = set()
    if request.method == "POST":
        form = VoucherForm(request.POST)
        rows = entry_rows(request.POST)
        entries, problems = parse_entries(rows)
        if form.is_valid() and not problems:
            try:
                saved = services.save_draft(request.user, book, voucher_draft(form, entries), voucher=voucher)
            except Invalid as exc:
                problems = _problems(exc)
                bad_rows = {p.row for p in exc.problems if p.row is not None}
            except Refused:
                return _refused(request)
            else:
                if request.POST.get("then") == "submit":
                    try:
                        services.submit(request.user, saved)
                    except Invalid as exc:
                        messages.error(request, "草稿已保存，但未能提交：" + "；".join(_problems(exc)))
                    else:
                        messages.success(request, "凭证已保存并提交审核。")
                else:
                    messages.success(request, "凭证草稿已保存。")
                return redirect("ledger:voucher", book.code, saved.pk)
        for name, errs in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            problems.extend(f"{label}：{e}" for e in errs)
    elif voucher is not None:
        form = VoucherForm(initial={"date": voucher.date, "summary": voucher.summary, "attachment_count": voucher.attachment_count})
        rows = rows_of_voucher(voucher)
    else:
        form = VoucherForm(initial={"date": services.today(), "attachment_count": 0})
        rows = []
    while len(rows) < 4:
        rows.append({"account": "", "entry_summary": "", "debit": "", "credit": "", "counterparty": "", "settlement": "", "source": ""})
    for i, row in enumerate(rows, start=1):
        row["bad"] = i in bad_rows
    ctx = book_context(request, book, "vouchers")
    ctx.update(
        {
            "form": form, "voucher": voucher, "rows": rows, "problems": problems,
            "groups": _account_choices(book, {r["account"] for r in rows if r["account"]}),
            "settlements": SETTLEMENTS, "sources": SOURCES, "today": services.today(),
        }
    )
    if voucher is not None:
        _dress(voucher)
    return render(request, "ledger/voucher_form.html", ctx)


@role_required()
def voucher_new(request, code: str):
    return _voucher_form(request, _book(request, code), None)


@role_required()
def voucher_edit(request, code: str, pk: int):
    book = _book(request, code)
    voucher = _voucher(request, book, pk)
    if not _may(request.user, book, services.MAKE_ROLES):
        return _forbidden(request, book, "voucher.make")
    if voucher.status not in ("draft", "rejected"):
        messages.error(request, f"凭证状态为「{voucher.get_status_display()}」，不能修改。")
        return redirect("ledger:voucher", book.code, voucher.pk)
    return _voucher_form(request, book, voucher)


# --- voucher detail and its actions ---------------------------------------------------------


def _voucher_page(request, book: Book, voucher: Voucher, problems=(), reject_form=None, upload_form=None, status=200):
    user = request.user
    entries = list(voucher.entries.select_related("account__parent").order_by("line"))
    debit = sum(e.debit for e in entries)
    credit = sum(e.credit for e in entries)
    for e in entries:
        e.debit_yuan = format_yuan(e.debit) if e.debit else ""
        e.credit_yuan = format_yuan(e.credit) if e.credit else ""
        e.account_label = _account_label(e.account)
    files = list(voucher.attachments.select_related("uploaded_by").order_by("uploaded_at", "id"))
    for f in files:
        f.uploader = _name(f.uploaded_by)
        f.size_label = f"{f.size / 1024:.1f} KB" if f.size < 1024 * 1024 else f"{f.size / 1024 / 1024:.1f} MB"
    st = voucher.status
    not_maker = voucher.maker_id != user.pk
    may_make = _may(user, book, services.MAKE_ROLES)
    may_review = _may(user, book, services.REVIEW_ROLES)
    reversals = [_dress(r) for r in voucher.reversed_by.all().order_by("id")]
    actions = {
        "edit": may_make and st in ("draft", "rejected"),
        "submit": may_make and st in ("draft", "rejected"),
        "delete": may_make and st in ("draft", "rejected") and not files,
        "review": may_review and not_maker and st == "submitted",
        "reject": may_review and not_maker and st in ("submitted", "reviewed"),
        "post": _may(user, book, services.POST_ROLES) and st == "reviewed",
        "reverse": may_make and st == "posted" and not voucher.reverses_id and not any(r.status != "rejected" for r in reversals),
        "upload": _may(user, book, services.MAKE_ROLES | services.POST_ROLES) and st != "posted",
    }
    ctx = book_context(request, book, "vouchers")
    ctx.update(
        {
            "voucher": _dress(voucher), "entries": entries, "debit_yuan": format_yuan(debit), "credit_yuan": format_yuan(credit),
            "balanced": debit == credit, "capital": to_capital(debit), "files": files, "actions": actions,
            "any_action": any(actions.values()), "problems": problems, "reversals": reversals,
            "original": _dress(voucher.reverses) if voucher.reverses_id else None,
            "reject_form": reject_form or ReasonForm(), "upload_form": upload_form or AttachmentForm(),
            "maker_name": _name(voucher.maker), "reviewer_name": _name(voucher.reviewer), "poster_name": _name(voucher.poster),
        }
    )
    return render(request, "ledger/voucher_detail.html", ctx, status=status)


@role_required()
def voucher_detail(request, code: str, pk: int):
    book = _book(request, code)
    return _voucher_page(request, book, _voucher(request, book, pk))


# action → (roles that may try it, service call, success message)
ACTIONS = {
    "submit": (services.MAKE_ROLES, lambda u, v, r: services.submit(u, v), "凭证已提交，等待乡镇审核。"),
    "review": (services.REVIEW_ROLES, lambda u, v, r: services.review(u, v), "凭证已审核。"),
    "review-post": (services.REVIEW_ROLES, lambda u, v, r: services.review_and_post(u, v), "凭证已审核并记账。"),
    "post": (services.POST_ROLES, lambda u, v, r: services.post(u, v), "凭证已记账。"),
    "reject": (services.REVIEW_ROLES, lambda u, v, r: services.reject(u, v, r), "凭证已退回制单人。"),
    "reverse": (services.MAKE_ROLES, lambda u, v, r: services.start_reversal(u, v), "已生成红字冲销凭证草稿，请核对后提交。"),
    "delete": (services.MAKE_ROLES, lambda u, v, r: services.delete_draft(u, v), "草稿已删除。"),
}


@role_required()
@require_POST
def voucher_action(request, code: str, pk: int, action: str):
    book = _book(request, code)
    voucher = _voucher(request, book, pk)
    if action not in ACTIONS:
        raise Http404("没有这个操作")
    roles, call, done = ACTIONS[action]
    if not _may(request.user, book, roles):
        return _forbidden(request, book, f"voucher.{action}")
    reject_form = None
    reason = ""
    if action == "reject":
        reject_form = ReasonForm(request.POST)
        reason = reject_form.data.get("reason", "")
    try:
        result = call(request.user, voucher, reason)
    except Invalid as exc:
        voucher = Voucher.objects.get(pk=voucher.pk)
        return _voucher_page(request, book, voucher, _problems(exc), reject_form=reject_form)
    except Refused:
        return _refused(request)
    messages.success(request, done)
    if action == "delete":
        return redirect("ledger:vouchers", book.code)
    if action == "reverse":
        return redirect("ledger:voucher", book.code, result.pk)
    return redirect("ledger:voucher", book.code, voucher.pk)


@role_required()
@require_POST
def attachment_add(request, code: str, pk: int):
    book = _book(request, code)
    voucher = _voucher(request, book, pk)
    if not _may(request.user, book, services.MAKE_ROLES | services.POST_ROLES):
        return _forbidden(request, book, "attachment.add")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _voucher_page(request, book, voucher, ["请选择要上传的文件（JPEG、PNG 或 PDF）"], upload_form=form)
    upload = form.cleaned_data["file"]
    data = upload.read(attachments.MAX_BYTES + 1)  # the service refuses anything larger
    try:
        attachments.add_attachment(request.user, voucher, upload.name, data)
    except Invalid as exc:
        return _voucher_page(request, book, voucher, _problems(exc), upload_form=form)
    except Refused:
        return _refused(request)
    messages.success(request, f"附件「{upload.name}」已上传。")
    return redirect("ledger:voucher", book.code, voucher.pk)


@role_required()
def attachment_file(request, code: str, pk: int):
    """The receipt itself, only through the scope gate (never a public media URL)."""
    book = _book(request, code)
    att = get_visible_or_404(Attachment, request.user, pk=pk, voucher__book=book)
    return uploads.file_response(att.file, att.content_type, att.filename, download=request.GET.get("download") == "1")


# --- periods ---------------------------------------------------------------------------------


def _months(book: Book):
    today = services.today()
    y, m = book.start_date.year, book.start_date.month
    out = []
    while (y, m) <= (today.year, today.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@role_required()
def periods(request, code: str, problems=(), status=200):
    book = _book(request, code)
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
    ctx.update({"page": paginate(request, rows, 24), "years": years, "problems": problems})
    return render(request, "ledger/periods.html", ctx, status=status)


PERIOD_ACTIONS = {
    "close": (services.MAKE_ROLES, lambda u, b, y, m, r: services.close_month(u, b, y, m), "已结账，等待乡镇确认。"),
    "confirm": (services.REVIEW_ROLES, lambda u, b, y, m, r: services.confirm_close(u, b, y, m), "已确认结账。"),
    "reopen": ({"county_supervisor"}, lambda u, b, y, m, r: services.reopen_month(u, b, y, m, r), "已反结账，本月重新开放记账。"),
}


@role_required()
@require_POST
def period_action(request, code: str, year: int, month: int, action: str):
    book = _book(request, code)
    if action not in PERIOD_ACTIONS or not (1 <= month <= 12):
        raise Http404("没有这个操作")
    roles, call, done = PERIOD_ACTIONS[action]
    if not _may(request.user, book, roles):
        return _forbidden(request, book, f"period.{action}")
    try:
        call(request.user, book, year, month, request.POST.get("reason", ""))
    except Invalid as exc:
        return periods(request, code, problems=_problems(exc))
    except Refused:
        return _refused(request)
    messages.success(request, f"{year}年{month}月：{done}")
    return redirect("ledger:periods", book.code)


@role_required()
def year_end(request, code: str, year: int):
    book = _book(request, code)
    if year < book.start_date.year or year > services.today().year:
        raise Http404("该年度不在账套期间内")
    problems: list[str] = []
    if request.method == "POST":
        if not _may(request.user, book, services.POST_ROLES):
            return _forbidden(request, book, "period.close_year")
        try:
            done = services.close_year(request.user, book, year)
        except Invalid as exc:
            problems = _problems(exc)
        except Refused:
            return _refused(request)
        else:
            messages.success(request, f"{year}年损益已结转，生成并记账 {len(done)} 张凭证。")
            return redirect("ledger:periods", book.code)
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
    ctx.update({"year": year, "drafts": drafts, "problems": problems})
    return render(request, "ledger/year_end.html", ctx)


# --- accounts and opening balances -----------------------------------------------------------


@role_required()
def accounts(request, code: str):
    book = _book(request, code)
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
        if not _may(request.user, book, services.MAKE_ROLES | services.BOOK_ADMIN_ROLES):
            return _forbidden(request, book, "account.create")
        if form.is_valid():
            d = form.cleaned_data
            try:
                acc = services.add_sub_account(request.user, book, d["parent"], d["code"].strip(), d["name"], d["default_source"])
            except Invalid as exc:
                problems = _problems(exc)
            except Refused:
                return _refused(request)
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
    book = _book(request, code)
    leaves = [a for a in Account.objects.filter(book=book, is_leaf=True).order_by("code") if a.category != "pnl"]
    problems: list[str] = []
    may = _may(request.user, book, services.MAKE_ROLES | services.BOOK_ADMIN_ROLES)
    typed = None
    if request.method == "POST":
        if not may:
            return _forbidden(request, book, "book.opening")
        balances, problems = parse_opening(request.POST, leaves)
        typed = request.POST
        if not problems:
            try:
                services.set_opening_balances(request.user, book, balances)
                if request.POST.get("then") == "confirm":
                    services.confirm_opening(request.user, book)
            except Invalid as exc:
                problems = _problems(exc)
            except Refused:
                return _refused(request)
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
            "rows": rows, "problems": problems, "editable": may and not book.opening_confirmed, "directions": DIRECTIONS,
            "debit_total": format_yuan(debit_total), "credit_total": format_yuan(credit_total),
            "opening_balanced": debit_total == credit_total, "diff": format_yuan(abs(debit_total - credit_total)),
        }
    )
    return render(request, "ledger/opening.html", ctx)
