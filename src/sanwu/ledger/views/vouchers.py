"""The voucher pages. Thin: read the form into drafts, call the services (which check
permissions and rules themselves), show their problems; buttons appear only for those who may
use them. Every object is fetched through the scope gate."""

from functools import lru_cache

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanwu.core.errors import Invalid, Refused
from pypinyin import Style, lazy_pinyin

from sanwu.core.money import format_yuan, to_capital
from sanwu.core.pdf import pdf_bytes_response
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import Column, Table, download
from sanwu.core.web import checked, export_format, paginate, role_required, shows_problems

from .. import hooks, services
from ..charts import CATEGORIES, COUNTERPARTY_KINDS, INCOME_ROLES, SETTLEMENTS, SOURCES
from ..forms import (
    AttachmentForm,
    ReasonForm,
    TemplateForm,
    VoucherFilterForm,
    VoucherForm,
    entry_rows,
    parse_entries,
    receipts_of,
    rows_of_template,
    rows_of_voucher,
    voucher_draft,
)
from ..models import Account, Book, Entry, Voucher, VoucherTemplate
from ..services import printing
from .common import book_context, dress, forbidden, get_book, get_voucher, may, problem_lines, refused, user_name, voucher_no

STATUS_LABELS = dict(Voucher.STATUSES)


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
            Column("maker", "制单"), Column("reviewer", "审核"), Column("poster", "记账"), Column("hash", "防篡改校验码", width=20),
        ],
        [
            {
                "date": v.date, "no": voucher_no(v), "summary": v.summary, "total": v.total, "status": STATUS_LABELS[v.status],
                "attachments": v.attachment_count, "maker": user_name(v.maker), "reviewer": user_name(v.reviewer),
                "poster": user_name(v.poster), "hash": v.hash[:16],
            }
            for v in vouchers
        ],
    )


def _entry_table(vouchers) -> Table:
    """One row per entry, with the import file's headers (日期, 凭证号, 摘要, 科目编码, …)."""
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
            Column("counterparty_kind", "往来单位类别"),
        ],
        [
            {
                "date": e.voucher.date, "voucher_no": voucher_no(e.voucher) or f"草稿{e.voucher_id}", "summary": e.summary,
                "account": e.account.code, "account_name": e.account.name, "debit": e.debit, "credit": e.credit,
                "settlement": SETTLEMENTS.get(e.settlement, ""), "source": SOURCES.get(e.source, ""),
                "counterparty": e.counterparty, "attachments": e.voucher.attachment_count if e.line == 1 else "",
                "status": STATUS_LABELS[e.voucher.status], "counterparty_kind": COUNTERPARTY_KINDS.get(e.counterparty_kind, ""),
            }
            for e in entries
        ],
    )


@role_required()
def voucher_list(request, code: str, queue: bool = False):
    book = get_book(request, code)
    form, qs = _filtered_vouchers(request, book, queue)
    fmt = export_format(request)
    if fmt:
        rows = list(qs[:50000])
        if request.GET.get("detail") == "entries":
            return download(_entry_table(rows), f"分录明细-{book.code}", fmt)
        return download(_voucher_table(rows), f"记账凭证-{book.code}", fmt)
    page = paginate(request, qs)
    for v in page:
        dress(v)
    ctx = book_context(request, book, "queue" if queue else "vouchers")
    ctx.update({"page": page, "form": form, "queue": queue, "filtered": bool(request.GET.get("status") or request.GET.get("month") or request.GET.get("q") or request.GET.get("amount"))})
    return render(request, "ledger/voucher_list.html", ctx)


@role_required()
def review_queue(request, code: str):
    return voucher_list(request, code, queue=True)


# --- voucher form ----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def pinyin_keys(name: str) -> str:
    """What the account picker matches besides code and name: the name's pinyin initials and
    full pinyin (银行存款 → "yhck yinhangcunkuan"), from pypinyin."""
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore"))
    full = "".join(lazy_pinyin(name, errors="ignore"))
    return f"{initials} {full}".lower()


def _account_choices(book: Book, keep: set[str] = frozenset()):
    """Leaf, open accounts grouped by category, each with whether it is an income account and
    the words the picker searches (code, name, pinyin)."""
    accounts = list(Account.objects.filter(book=book).select_related("parent").order_by("code"))
    groups: dict[str, list] = {k: [] for k in CATEGORIES}
    for a in accounts:
        usable = a.is_leaf and a.is_open
        if not usable and a.code not in keep:
            continue
        label = printing.account_label(a)
        if not usable:
            label += "（不可用）"
        names = label.split(" ", 1)[-1]
        groups[a.category].append({
            "code": a.code, "label": label, "income": bool(a.role_set & INCOME_ROLES), "source": a.default_source,
            "search": f"{a.code} {names} {pinyin_keys(names.replace('—', ''))}",
        })
    return [(CATEGORIES[k] + "类", items) for k, items in groups.items() if items]


def _blank_row() -> dict:
    return {"account": "", "entry_summary": "", "debit": "", "credit": "", "counterparty": "", "counterparty_kind": "", "settlement": "", "source": ""}


def _prefill(request, book: Book) -> tuple[dict, list[dict], str]:
    """A new voucher's head and rows: blank, copied from a voucher of the book (?copy=ID), or
    from one of its templates (?template=ID) — dated today either way."""
    initial = {"date": services.today()}
    if request.GET.get("copy", "").isdigit():
        source = get_voucher(request, book, int(request.GET["copy"]))
        initial["summary"] = source.summary
        return initial, rows_of_voucher(source), f"复制自凭证 {source.label}：请核对日期和金额后保存；附件不会复制。"
    if request.GET.get("template", "").isdigit():
        t = get_visible_or_404(VoucherTemplate, request.user, pk=int(request.GET["template"]), book=book)
        initial["summary"] = t.summary
        return initial, rows_of_template(t), f"按模板「{t.name}」填制：请核对日期和金额后保存。"
    return initial, [], ""


def _voucher_form(request, book: Book, voucher: Voucher | None):
    if not may(request.user, book, services.MAKE_ROLES):
        return forbidden(request, book, "voucher.make")
    problems: list[str] = []
    bad_rows: set[int] = set()
    note = ""
    if request.method == "POST":
        form = VoucherForm(request.POST)
        rows = entry_rows(request.POST)
        entries, problems = parse_entries(rows)
        receipts = receipts_of(request.FILES)
        if form.is_valid() and not problems:
            try:
                saved = services.save_draft(request.user, book, voucher_draft(form, entries), voucher=voucher, receipts=receipts)
            except Invalid as exc:
                problems = problem_lines(exc)
                bad_rows = {p.row for p in exc.problems if p.row is not None}
            except Refused:
                return refused(request)
            else:
                if request.POST.get("then") == "submit":
                    try:
                        services.submit(request.user, saved)
                    except Invalid as exc:
                        messages.error(request, "草稿已保存，但未能提交：" + "；".join(problem_lines(exc)))
                    else:
                        messages.success(request, "凭证已保存并提交审核。")
                else:
                    messages.success(request, "凭证草稿已保存。")
                return redirect("ledger:voucher", book.code, saved.pk)
        for name, errs in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            problems.extend(f"{label}：{e}" for e in errs)
        if receipts:
            note = f"所选的 {len(receipts)} 个附件没有保存，请改正问题后重新选择。"
    elif voucher is not None:
        form = VoucherForm(initial={"date": voucher.date, "summary": voucher.summary})
        rows = rows_of_voucher(voucher)
    else:
        initial, rows, note = _prefill(request, book)
        form = VoucherForm(initial=initial)
    while len(rows) < 4:
        rows.append(_blank_row())
    for i, row in enumerate(rows, start=1):
        row["bad"] = i in bad_rows
    ctx = book_context(request, book, "vouchers")
    ctx.update(
        {
            "form": form, "voucher": voucher, "rows": rows, "problems": problems, "note": note,
            "groups": _account_choices(book, {r["account"] for r in rows if r["account"]}),
            "settlements": SETTLEMENTS, "sources": SOURCES, "kinds": COUNTERPARTY_KINDS, "today": services.today(),
            "summaries": services.common_summaries(book),
            "templates": list(VoucherTemplate.objects.visible_to(request.user).filter(book=book)) if voucher is None else [],
            "files": list(voucher.attachments.order_by("uploaded_at", "id")) if voucher is not None else [],
            "notes": hooks.voucher_notes(voucher, list(voucher.entries.all())) if voucher is not None else [],
        }
    )
    if voucher is not None:
        dress(voucher)
    return render(request, "ledger/voucher_form.html", ctx)


@role_required()
def voucher_new(request, code: str):
    return _voucher_form(request, get_book(request, code), None)


@role_required()
def voucher_edit(request, code: str, pk: int):
    book = get_book(request, code)
    voucher = get_voucher(request, book, pk)
    if not may(request.user, book, services.MAKE_ROLES):
        return forbidden(request, book, "voucher.make")
    if voucher.status not in ("draft", "rejected"):
        messages.error(request, f"凭证状态为「{voucher.get_status_display()}」，不能修改。")
        return redirect("ledger:voucher", book.code, voucher.pk)
    return _voucher_form(request, book, voucher)


# --- templates and printing ----------------------------------------------------------------


@role_required()
@require_POST
@shows_problems
def template_add(request, code: str, pk: int, problems=()):
    """Keep this voucher as a named template of the book."""
    book = get_book(request, code)
    voucher = get_voucher(request, book, pk)
    if not may(request.user, book, services.MAKE_ROLES):
        return forbidden(request, book, "voucher_template.add")
    if problems:
        return voucher_page(request, book, voucher, problems, status=422)
    form = TemplateForm(request.POST)
    t = services.save_template(request.user, book, checked(form)["name"], voucher)
    messages.success(request, f"已存为凭证模板「{t.name}」，填制凭证时可选用。")
    return redirect("ledger:voucher", book.code, voucher.pk)


@role_required()
@require_POST
def template_delete(request, code: str, pk: int):
    book = get_book(request, code)
    t = get_visible_or_404(VoucherTemplate, request.user, pk=pk, book=book)
    if not may(request.user, book, services.MAKE_ROLES):
        return forbidden(request, book, "voucher_template.delete")
    services.delete_template(request.user, t)
    messages.success(request, f"凭证模板「{t.name}」已删除。")
    return redirect("ledger:voucher_new", book.code)


@role_required()
def voucher_print(request, code: str, pk: int):
    """The 记账凭证 as a PDF (A5 landscape by default, or A4), with 制单, 审核 and 记账 names."""
    book = get_book(request, code)
    voucher = get_voucher(request, book, pk)
    size = request.GET.get("size", "a5")
    if size not in printing.PAPER:
        raise Http404("没有这种纸张")
    return pdf_bytes_response(printing.voucher_pdf(voucher, size), f"记账凭证-{book.code}-{voucher.label}")


# --- voucher detail and its actions ---------------------------------------------------------


def voucher_page(request, book: Book, voucher: Voucher, problems=(), reject_form=None, upload_form=None, status=200):
    user = request.user
    entries = list(voucher.entries.select_related("account__parent").order_by("line"))
    debit = sum(e.debit for e in entries)
    credit = sum(e.credit for e in entries)
    for e in entries:
        e.debit_yuan = format_yuan(e.debit) if e.debit else ""
        e.credit_yuan = format_yuan(e.credit) if e.credit else ""
        e.account_label = printing.account_label(e.account)
    files = list(voucher.attachments.select_related("uploaded_by").order_by("uploaded_at", "id"))
    for f in files:
        f.uploader = user_name(f.uploaded_by)
        f.size_label = f"{f.size / 1024:.1f} KB" if f.size < 1024 * 1024 else f"{f.size / 1024 / 1024:.1f} MB"
    st = voucher.status
    not_maker = voucher.maker_id != user.pk
    may_make = may(user, book, services.MAKE_ROLES)
    may_review = may(user, book, services.REVIEW_ROLES)
    reversals = [dress(r) for r in voucher.reversed_by.all().order_by("id")]
    actions = {
        "edit": may_make and st in ("draft", "rejected"),
        "submit": may_make and st in ("draft", "rejected"),
        "delete": may_make and st in ("draft", "rejected") and not files,
        "review": may_review and not_maker and st == "submitted",
        "reject": may_review and not_maker and st in ("submitted", "reviewed"),
        "post": may(user, book, services.POST_ROLES) and st == "reviewed",
        "reverse": may_make and st == "posted" and not voucher.reverses_id and not any(r.status != "rejected" for r in reversals),
        "upload": may(user, book, services.MAKE_ROLES | services.POST_ROLES) and st != "posted",
        "copy": may_make and voucher.kind == "normal" and not voucher.reverses_id,
    }
    ctx = book_context(request, book, "vouchers")
    ctx.update(
        {
            "voucher": dress(voucher), "entries": entries, "debit_yuan": format_yuan(debit), "credit_yuan": format_yuan(credit),
            "balanced": debit == credit, "capital": to_capital(debit), "files": files, "actions": actions,
            "any_action": any(actions.values()), "problems": problems, "reversals": reversals,
            "original": dress(voucher.reverses) if voucher.reverses_id else None,
            "reject_form": reject_form or ReasonForm(), "upload_form": upload_form or AttachmentForm(),
            "maker_name": user_name(voucher.maker), "reviewer_name": user_name(voucher.reviewer), "poster_name": user_name(voucher.poster),
            "notes": hooks.voucher_notes(voucher, entries) if st != "posted" else [],
        }
    )
    return render(request, "ledger/voucher_detail.html", ctx, status=status)


@role_required()
def voucher_detail(request, code: str, pk: int):
    book = get_book(request, code)
    return voucher_page(request, book, get_voucher(request, book, pk))


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
    book = get_book(request, code)
    voucher = get_voucher(request, book, pk)
    if action not in ACTIONS:
        raise Http404("没有这个操作")
    roles, call, done = ACTIONS[action]
    if not may(request.user, book, roles):
        return forbidden(request, book, f"voucher.{action}")
    reject_form = None
    reason = ""
    if action == "reject":
        reject_form = ReasonForm(request.POST)
        reason = reject_form.data.get("reason", "")
    try:
        result = call(request.user, voucher, reason)
    except Invalid as exc:
        voucher = Voucher.objects.get(pk=voucher.pk)
        return voucher_page(request, book, voucher, problem_lines(exc), reject_form=reject_form)
    except Refused:
        return refused(request)
    messages.success(request, done)
    if action == "delete":
        return redirect("ledger:vouchers", book.code)
    if action == "reverse":
        return redirect("ledger:voucher", book.code, result.pk)
    if action in ("review-post", "post", "reject") and may(request.user, book, services.REVIEW_ROLES):
        # the reviewer goes straight on to the next voucher waiting
        following = services.next_waiting(request.user, book, after=voucher)
        if following is not None:
            messages.info(request, f"下一张待审核凭证：{following.book.name} {following.label}")
            return redirect("ledger:voucher", following.book.code, following.pk)
        messages.info(request, "没有其他待审核的凭证了。")
    return redirect("ledger:voucher", book.code, voucher.pk)
