"""资产台账 pages. Thin: books and cards through the scope gate, every change through the services
(which check roles themselves); forms appear only for those who may use them."""

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.codes import region_prefix
from sanwu.core.dates import today
from sanwu.core.money import format_yuan
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, import_page, paginate, role_required, shows_problems
from sanwu.decisions.services import completed_matters
from sanwu.disclosure.services.public import qr_data_uri
from sanwu.ledger.models import Book

from . import imports, rules, services
from .forms import CardForm, ChangeForm, DisposeForm, FilterForm, ResourceForm, UseForm
from .models import Card, CardEvent, DepreciationLine, DepreciationRun, Disposal, Resource
from .tables import areas_table, cards_table, disposals_table, events_table, plan_table, resources_table, runs_table, ties_table


def _book(request, code: str) -> Book:
    return get_visible_or_404(Book, request.user, code=code)


def _card(request, pk: int) -> Card:
    return get_visible_or_404(Card, request.user, pk=pk)


def _may_keep(request, book: Book) -> bool:
    return permissions.may(request.user, services.KEEP_ROLES, book.region_id)


def _filtered(request, qs):
    form = FilterForm(request.GET or None)
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(number__icontains=d["q"]) | Q(name__icontains=d["q"]))
        if d["category"]:
            qs = qs.filter(category=d["category"])
        if d["state"]:
            qs = qs.filter(state=d["state"])
    return form, qs


@role_required()
def card_list(request):
    """Every card in the user's scope, with the books that keep a register."""
    form, qs = _filtered(request, Card.objects.visible_to(request.user).select_related("book__region", "account"))
    qs = qs.order_by("book__code", "number")
    fmt = export_format(request)
    if fmt:
        return download(cards_table(qs.iterator(chunk_size=2_000)), "资产台账", fmt)
    books = list(Book.objects.visible_to(request.user).filter(asset_register__isnull=False).select_related("region").order_by("code")[:200])
    held = {
        r["book_id"]: r for r in Card.objects.filter(book__in=books).exclude(state="disposed").values("book_id")
        .annotate(n=Count("id"), cost=Sum("cost"), acc=Sum("accumulated"))
    }
    for b in books:
        r = held.get(b.pk, {})
        b.cards, b.cost, b.acc = r.get("n", 0), r.get("cost", 0), r.get("acc", 0)
    keep = [b for b in Book.objects.visible_to(request.user).select_related("region").order_by("code")[:50] if _may_keep(request, b)]
    return render(request, "assets/list.html", {"page": paginate(request, qs), "form": form, "books": books, "keep": keep})


@role_required()
def register(request, code: str):
    """One book's register: its cards, the tie to the books, vouchers wanting cards, the runs."""
    book = _book(request, code)
    form, qs = _filtered(request, Card.objects.filter(book=book).select_related("book", "account"))
    qs = qs.order_by("number")
    fmt = export_format(request)
    which = request.GET.get("table", "cards")
    if fmt:
        if which == "ties":
            return download(ties_table(services.ties(book)), f"资产台账核对-{book.code}", fmt)
        if which == "runs":
            return download(runs_table(DepreciationRun.objects.filter(book=book).select_related("voucher")), f"折旧计提记录-{book.code}", fmt)
        if which == "events":
            return download(events_table(CardEvent.objects.filter(card__book=book).select_related("card").order_by("at", "id")), f"卡片变动记录-{book.code}", fmt)
        if which == "disposals":
            return download(disposals_table(Disposal.objects.filter(card__book=book).select_related("card", "voucher")), f"资产处置-{book.code}", fmt)
        return download(cards_table(qs), f"资产台账-{book.code}", fmt)
    reg = services.register_of(book)
    by_category = (
        Card.objects.filter(book=book).exclude(state="disposed").values("category")
        .annotate(n=Count("id"), cost=Sum("cost"), acc=Sum("accumulated")).order_by("category")
    )
    now = today()
    ctx = {
        "book": book, "reg": reg, "form": form, "page": paginate(request, qs), "may_keep": _may_keep(request, book),
        "ties": services.ties(book) if reg else [], "wanting": services.vouchers_wanting_cards(book, 20) if reg else [],
        "runs": DepreciationRun.objects.filter(book=book).exclude(status="void").select_related("voucher")[:12],
        "by_category": [{**r, "label": rules.CATEGORY_LABELS[r["category"]], "net": (r["cost"] or 0) - (r["acc"] or 0)} for r in by_category],
        "this_month": (now.year, now.month),
    }
    return render(request, "assets/register.html", ctx)


def _card_form_choices(book: Book):
    accounts = [(role, a) for role, accs in services.category_accounts(book).items() for a in accs]
    vouchers = [w["voucher"] for w in services.vouchers_wanting_cards(book, 50)]
    return accounts, vouchers


@role_required(*services.KEEP_ROLES)
@shows_problems
def card_new(request, code: str, problems=()):
    book = _book(request, code)
    accounts, vouchers = _card_form_choices(book)
    initial = {"acquired": today(), "origin": "purchase", "state": "in_use", "expense_role": "management_expense", "quantity": 1}
    if request.GET.get("voucher", "").isdigit():
        initial["voucher"] = int(request.GET["voucher"])
    form = CardForm(request.POST or None, accounts=accounts, vouchers=vouchers, initial=initial)
    if request.method == "POST" and not problems:
        d = checked(form)
        category = next(role for role, a in accounts if a.code == d["account"])
        card = services.add_card(request.user, book, services.CardData(
            number=d["number"], name=d["name"], category=category, kind=d["kind"], account=d["account"], cost=d["cost"],
            acquired=d["acquired"], life_months=d["life_months"],
            residual_bp=None if d["residual_rate"] is None else int(d["residual_rate"] * 100), origin=d["origin"],
            voucher_id=d["voucher"], location=d["location"], quantity=d["quantity"], unit=d["unit"], custodian=d["custodian"],
            state=d["state"], expense_role=d["expense_role"], note=d["note"],
        ))
        messages.success(request, f"已登记资产卡片 {card.number} {card.name}")
        return redirect("assets:card", card.pk)
    return render(request, "assets/card_form.html", {"book": book, "form": form, "problems": problems, "kinds": rules.KINDS.values()})


@role_required(*services.KEEP_ROLES)
def card_import(request, code: str):
    book = _book(request, code)
    return import_page(
        request, run=lambda user, data, name: imports.import_cards(user, book, data, name),
        done=lambda cards: f"已导入资产卡片 {len(cards)} 张。", back=reverse("assets:register", args=[book.code]),
        template="assets/import.html",
        context={"book": book, "columns": [(names[0], key, key in imports.REQUIRED) for key, names in imports.COLUMNS.items()]},
    )


def _card_page(request, card: Card, problems=(), change_form=None, dispose_form=None):
    may_keep = _may_keep(request, card.book)
    held = card.state != "disposed"
    matters = completed_matters(card.book.region_id) if may_keep and held else []
    ctx = {
        "card": card, "problems": problems, "may_keep": may_keep,
        "residual": rules.residual_of(card.cost, card.residual_bp), "monthly": rules.monthly_amount(card.cost, rules.residual_of(card.cost, card.residual_bp), card.life_months) if card.depreciable else 0,
        "events": card.events.order_by("at", "id"), "lines": DepreciationLine.objects.filter(card=card).select_related("run__voucher").order_by("-run__year", "-run__month")[:24],
        "disposals": card.disposals.select_related("voucher", "matter"),
        "change_form": (change_form or ChangeForm(initial={k: getattr(card, k) for k in ("name", "location", "custodian", "state", "expense_role", "note")})) if may_keep and held else None,
        "dispose_form": (dispose_form or DisposeForm(matters=matters, initial={"on": today()})) if may_keep and held else None,
        "needs_matter": services.needs_matter(card), "threshold": services.settings_for(card.book.region_id).disposal_matter_threshold,
        "qr": qr_data_uri(request.build_absolute_uri(reverse("assets:card", args=[card.pk]))),
        "labels": {"category": rules.CATEGORY_LABELS[card.category], "kind": rules.KIND_LABELS.get(card.kind, ""), "origin": rules.ORIGINS[card.origin],
                   "state": rules.STATES[card.state], "expense": rules.EXPENSES[card.expense_role], "rate": rules.rate_label(card.residual_bp)},
    }
    return render(request, "assets/card.html", ctx)


@role_required()
def card_detail(request, pk: int):
    return _card_page(request, _card(request, pk))


@role_required()
def card_tag(request, pk: int):
    """The printable QR tag to stick on the asset (资产标签)."""
    card = _card(request, pk)
    qr = qr_data_uri(request.build_absolute_uri(reverse("assets:card", args=[card.pk])))
    return render(request, "assets/tag.html", {"card": card, "qr": qr, "category": rules.CATEGORY_LABELS[card.category]})


@role_required(*services.KEEP_ROLES)
@require_POST
@shows_problems
def card_change(request, pk: int, problems=()):
    card = _card(request, pk)
    form = ChangeForm(request.POST)
    if not problems:
        services.change_card(request.user, card, **checked(form))
        messages.success(request, "卡片已修改")
        return redirect("assets:card", card.pk)
    return _card_page(request, card, problems, change_form=form)


@role_required(*services.KEEP_ROLES)
@require_POST
@shows_problems
def card_dispose(request, pk: int, problems=()):
    card = _card(request, pk)
    matters = completed_matters(card.book.region_id)
    form = DisposeForm(request.POST, matters=matters)
    if not problems:
        d = checked(form)
        matter = next((m for m in matters if m.pk == d["matter"]), None)
        disposal = services.dispose(request.user, card, d["kind"], d["on"], d["proceeds"], d["reason"], matter)
        messages.success(request, f"处置凭证 {disposal.voucher.label} 已提交审核；记账后卡片转为已处置。")
        return redirect("assets:card", card.pk)
    return _card_page(request, card, problems, dispose_form=form)


def _month(request) -> tuple[int, int]:
    now = today()
    first = dt.date(now.year, now.month, 1) - dt.timedelta(days=1)
    try:
        y, m = int(request.GET.get("year") or first.year), int(request.GET.get("month") or first.month)
    except ValueError:
        y, m = first.year, first.month
    return (y, m) if 2000 <= y <= 2100 and 1 <= m <= 12 else (first.year, first.month)


def _depreciation_page(request, book: Book, y: int, m: int, problems=()):
    p = services.plan(book, y, m)
    fmt = export_format(request)
    if fmt:
        return download(plan_table(p), f"折旧计提表-{book.code}-{y}-{m:02d}", fmt)
    start = today().year * 12 + today().month - 1
    months = [((start - back) // 12, (start - back) % 12 + 1) for back in range(12, -1, -1)]
    return render(request, "assets/depreciation.html", {
        "book": book, "p": p, "problems": problems, "may_keep": _may_keep(request, book), "months": months,
        "table": plan_table(p), "reg": services.register_of(book),
    })


@role_required()
def depreciation(request, code: str):
    """The month's depreciation: what it charges each card, and the button that records it."""
    return _depreciation_page(request, _book(request, code), *_month(request))


@role_required(*services.KEEP_ROLES)
@require_POST
@shows_problems
def depreciation_run(request, code: str, problems=()):
    book = _book(request, code)
    try:
        y, m = int(request.POST.get("year", "")), int(request.POST.get("month", ""))
    except ValueError:
        y, m = _month(request)
    if not problems:
        run = services.run_month(request.user, book, y, m)
        if run.voucher:
            messages.success(request, f"已计提{run.label}折旧 {format_yuan(run.total)} 元，凭证 {run.voucher.label} 已提交乡镇审核。")
        else:
            messages.success(request, f"{run.label}没有应计提的折旧，已记录。")
        return redirect(f"{reverse('assets:depreciation', args=[book.code])}?year={y}&month={m}")
    return _depreciation_page(request, book, y, m, problems)


# --- resources (资源性资产) ---------------------------------------------------------------------


def _village(request, code: str):
    from sanwu.regions.models import Region

    return get_visible_or_404(Region, request.user, code=code)


@role_required()
def resources(request):
    """Areas by use for a region in scope (its villages, or a village's groups), and the resources."""
    from sanwu.core.web import current_region_code
    from sanwu.regions.models import Region

    code = request.GET.get("region") or current_region_code(request) or ""
    region = get_visible_or_404(Region, request.user, code=code)
    try:
        year = int(request.GET.get("year") or today().year)
    except ValueError:
        year = today().year
    areas = services.areas_by_use(region.code, year)
    qs = Resource.objects.visible_to(request.user).filter(village__code__startswith=region_prefix(region.code))
    kind, use = request.GET.get("kind", ""), request.GET.get("use", "")
    if kind in rules.RESOURCE_KINDS:
        qs = qs.filter(kind=kind)
    if use in rules.USES:
        qs = qs.filter(use=use)
    qs = qs.select_related("village", "group").order_by("village_id", "number")
    fmt = export_format(request)
    if fmt:
        if request.GET.get("table") == "areas":
            return download(areas_table(areas, f"{region.name}资源面积（亩）按利用方式"), f"资源面积-{region.code}", fmt)
        return download(resources_table(qs.iterator(chunk_size=2_000)), f"资源性资产-{region.code}", fmt)
    keep = region.level == "village" and permissions.may(request.user, services.KEEP_ROLES, region.code)
    return render(request, "assets/resources.html", {
        "region": region, "year": year, "areas": areas_table(areas), "page": paginate(request, qs), "keep": keep,
        "kinds": rules.RESOURCE_KINDS, "uses": rules.USES, "kind": kind, "use": use,
    })


@role_required(*services.KEEP_ROLES)
@shows_problems
def resource_new(request, code: str, problems=()):
    from sanwu.regions.models import Region

    village = _village(request, code)
    form = ResourceForm(request.POST or None, groups=Region.objects.filter(parent=village).order_by("code"))
    if request.method == "POST" and not problems:
        d = checked(form)
        area = rules.parse_area(d["area_mu"])
        (r,) = services.add_resources(request.user, village, [services.ResourceData(d["number"], d["name"], d["kind"], area or 0, d["use"], d["group"], d["certificate"], d["note"])])
        messages.success(request, f"已登记资源 {r.number} {r.name}")
        return redirect("assets:resource", r.pk)
    return render(request, "assets/resource_form.html", {"village": village, "form": form, "problems": problems})


@role_required(*services.KEEP_ROLES)
def resource_import(request, code: str):
    village = _village(request, code)
    return import_page(
        request, run=lambda user, data, name: imports.import_resources(user, village, data, name),
        done=lambda made: f"已导入资源性资产 {len(made)} 项。", back=f"{reverse('assets:resources')}?region={village.code}",
        template="assets/resource_import.html",
        context={"village": village, "columns": [(names[0], key, key in imports.RESOURCE_REQUIRED) for key, names in imports.RESOURCE_COLUMNS.items()]},
    )


def _resource_page(request, r: Resource, problems=(), form=None):
    keep = permissions.may(request.user, services.KEEP_ROLES, r.village_id)
    return render(request, "assets/resource.html", {
        "r": r, "problems": problems, "events": r.events.order_by("at", "id"), "area": rules.area_label(r.area_cmu),
        "form": (form or UseForm(initial={"on": today()})) if keep else None, "kind": rules.RESOURCE_KINDS[r.kind], "use": rules.USES[r.use],
    })


@role_required()
def resource_detail(request, pk: int):
    return _resource_page(request, get_visible_or_404(Resource, request.user, pk=pk))


@role_required(*services.KEEP_ROLES)
@require_POST
@shows_problems
def resource_use(request, pk: int, problems=()):
    r = get_visible_or_404(Resource, request.user, pk=pk)
    form = UseForm(request.POST)
    if not problems:
        d = checked(form)
        services.change_use(request.user, r, d["use"], d["on"], d["note"])
        messages.success(request, "利用方式已变更")
        return redirect("assets:resource", r.pk)
    return _resource_page(request, r, problems, form)
