"""年度财务预算 pages. Thin: every budget through the scope gate, every change through the
services (which check roles themselves); forms appear only for those who may use them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.dates import today
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, paginate, role_required, shows_problems
from sanwu.decisions.services import completed_matters
from sanwu.ledger.models import Account, Book

from . import rules, services
from .forms import ApproveForm, BudgetForm, FilterForm, LineForm, ReasonForm
from .models import Budget, BudgetEvent
from .tables import budgets_table, comparison_table, history_table, lines_table, months_table


def _budget(request, pk: int) -> Budget:
    return get_visible_or_404(Budget, request.user, pk=pk)


def _totals(budgets) -> list[Budget]:
    budgets = list(budgets)
    for b in budgets:
        data = services.budget_vs_actual(b) if len(budgets) <= 200 else None
        b.income = data["totals"]["income"]["amount"] if data else None
        b.expense = data["totals"]["expense"]["amount"] if data else None
    return budgets


@role_required()
def budget_list(request):
    visible = Budget.objects.visible_to(request.user)
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    form = FilterForm(request.GET or None, years=years)
    qs = visible.select_related("book__region")
    if form.is_valid():
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["year"]:
            qs = qs.filter(year=form.cleaned_data["year"])
    qs = qs.order_by("-year", "book__code", "-version")
    fmt = export_format(request)
    if fmt:
        return download(budgets_table(_totals(qs[:200])), "年度财务预算", fmt)
    page = paginate(request, qs)
    page.object_list = _totals(page.object_list)
    can_create = permissions.holds(request.user, services.DRAFT_ROLES)
    return render(request, "budgets/list.html", {"page": page, "form": form, "can_create": can_create, "labels": rules.STATUS_LABELS})


@role_required(*services.DRAFT_ROLES)
@shows_problems
def budget_new(request, problems=()):
    books = [b for b in Book.objects.visible_to(request.user).select_related("region").order_by("code")[:500] if permissions.may(request.user, services.DRAFT_ROLES, b.region_id)]
    form = BudgetForm(request.POST or None, books=books, initial={"year": today().year})
    if request.method == "POST" and not problems:
        d = checked(form)
        book = next(b for b in books if b.code == d["book"])
        b = services.create_budget(request.user, book, d["year"], d["note"])
        messages.success(request, "预算草稿已建立，请逐项填写预算行。")
        return redirect("budgets:detail", b.pk)
    return render(request, "budgets/new.html", {"form": form, "problems": problems})


def _month(request, budget: Budget) -> int:
    now = today()
    default = 12 if budget.year < now.year else (now.month if budget.year == now.year else 1)
    try:
        m = int(request.GET.get("month", default))
    except ValueError:
        m = default
    return min(max(m, 1), 12)


def _page(request, b: Budget, problems=(), line_form=None, approve_form=None, reason_form=None):
    data = services.budget_vs_actual(b)
    month = _month(request, b)
    fmt = export_format(request)
    if fmt:
        which = request.GET.get("table", "comparison")
        if which == "months":
            return download(months_table(data), f"预算分月执行-{b.book.code}-{b.year}", fmt)
        if which == "lines":
            return download(lines_table(data), f"预算-{b.book.code}-{b.year}-第{b.version}版", fmt)
        if which == "history":
            return download(history_table(BudgetEvent.objects.filter(budget=b)), f"预算记录-{b.pk}", fmt)
        return download(comparison_table(data, month), f"预算执行-{b.book.code}-{b.year}-{month}月", fmt)
    draft = b.status == "draft"
    may_draft, may_approve = services.may_draft(request.user, b), services.may_approve(request.user, b)
    accounts = services.budget_accounts(b.book) if draft and may_draft else []
    matters = completed_matters(b.book.region_id) if draft and may_approve else []
    versions = Budget.objects.filter(book=b.book, year=b.year).order_by("version")
    ctx = {
        "b": b, "data": data, "month": month, "months": range(1, 13), "problems": problems,
        "comparison": comparison_table(data, month), "by_month": months_table(data),
        "events": BudgetEvent.objects.filter(budget=b).order_by("at", "id"), "versions": versions, "intact": services.is_intact(b),
        "line_form": (line_form or LineForm(accounts=accounts)) if accounts else None,
        "approve_form": (approve_form or ApproveForm(matters=matters)) if draft and may_approve else None,
        "reason_form": (reason_form or ReasonForm()) if b.status == "approved" and may_draft else None,
    }
    return render(request, "budgets/detail.html", ctx)


@role_required()
def budget_detail(request, pk: int):
    return _page(request, _budget(request, pk))


@role_required(*services.DRAFT_ROLES)
@require_POST
@shows_problems
def line_edit(request, pk: int, problems=()):
    b = _budget(request, pk)
    form = LineForm(request.POST, accounts=services.budget_accounts(b.book))
    if not problems:
        d = checked(form)
        account = Account.objects.get(book=b.book, code=d["account"])
        if d["remove"]:
            services.remove_line(request.user, b, account)
            messages.success(request, f"已删除预算行：{account.code} {account.name}")
        else:
            services.set_line(request.user, b, account, d["amount"], d["months"], d["note"])
            messages.success(request, f"已保存预算行：{account.code} {account.name}")
        return redirect("budgets:detail", b.pk)
    return _page(request, b, problems, line_form=form)


@role_required(*services.APPROVE_ROLES)
@require_POST
@shows_problems
def approve(request, pk: int, problems=()):
    b = _budget(request, pk)
    matters = completed_matters(b.book.region_id)
    form = ApproveForm(request.POST, matters=matters)
    if not problems:
        d = checked(form)
        matter = next((m for m in matters if m.pk == d["matter"]), None)
        meeting = None if matter else rules.Meeting(d["meeting_type"], d["entitled"], d["present"], d["votes_for"], d["votes_against"] or 0, d["votes_abstain"] or 0)
        services.approve(request.user, b, approved_on=d["date"], meeting=meeting, matter=matter)
        messages.success(request, "预算已批准并冻结；如需调整，请编制新版本。")
        return redirect("budgets:detail", b.pk)
    return _page(request, b, problems, approve_form=form)


@role_required(*services.DRAFT_ROLES)
@require_POST
@shows_problems
def revise(request, pk: int, problems=()):
    b = _budget(request, pk)
    form = ReasonForm(request.POST)
    if not problems:
        new = services.revise(request.user, b, checked(form)["reason"])
        messages.success(request, f"已建立第{new.version}版草稿；批准前第{b.version}版继续有效。")
        return redirect("budgets:detail", new.pk)
    return _page(request, b, problems, reason_form=form)
