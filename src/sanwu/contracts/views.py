"""合同 pages. Thin: contracts through the scope gate, every change through the services."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.dates import today
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.readers import parse_date
from sanwu.core.tables import download
from sanwu.core.web import checked, current_region_code, export_format, import_page, paginate, role_required, shows_problems
from sanwu.ledger.models import Book, Voucher
from sanwu.regions.models import Region

from . import imports, rules, services
from .forms import ReceiptForm
from .models import Contract
from .tables import arrears_table, contracts_table, schedule_table


@role_required()
def contract_list(request):
    qs = Contract.objects.visible_to(request.user).select_related("book__region")
    q, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "")
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(object__icontains=q))
    if kind in rules.KINDS:
        qs = qs.filter(kind=kind)
    qs = qs.order_by("book__code", "number")
    fmt = export_format(request)
    if fmt:
        return download(contracts_table(qs.iterator(chunk_size=2_000)), "合同", fmt)
    keep = [b for b in Book.objects.visible_to(request.user).select_related("region").order_by("code")[:50] if permissions.may(request.user, services.KEEP_ROLES, b.region_id)]
    page = paginate(request, qs)
    for c in page.object_list:
        c.who = services.counterparty_label(c)
    return render(request, "contracts/list.html", {"page": page, "q": q, "kind": kind, "kinds": rules.KINDS, "keep": keep})


def _detail(request, c: Contract, problems=()):
    keep = permissions.may(request.user, services.KEEP_ROLES, c.book.region_id)
    vouchers = []
    if keep:
        vouchers = list(Voucher.objects.filter(book=c.book, status="posted", kind="normal").order_by("-date", "-id")[:30])
    return render(request, "contracts/detail.html", {
        "c": c, "who": services.counterparty_label(c), "schedule": schedule_table(c), "receipts": services.receipts_of(c),
        "events": c.events.order_by("at", "id"), "keep": keep, "vouchers": vouchers, "problems": problems,
        "labels": {"kind": rules.KINDS[c.kind], "period": rules.PERIODS[c.period]},
    })


@role_required()
def contract_detail(request, pk: int):
    c = get_visible_or_404(Contract, request.user, pk=pk)
    if export_format(request):
        return download(schedule_table(c), f"合同应收计划-{c.number}", export_format(request))
    return _detail(request, c)


@role_required(*services.KEEP_ROLES)
@require_POST
@shows_problems
def receipt(request, pk: int, problems=()):
    c = get_visible_or_404(Contract, request.user, pk=pk)
    if not problems:
        d = checked(ReceiptForm(request.POST))
        voucher = get_visible_or_404(Voucher, request.user, pk=d["voucher"])
        links = services.link_receipt(request.user, c, voucher, d["amount"] or None)
        messages.success(request, f"已登记收款：第{'、'.join(str(lk.line.seq) for lk in links)}期")
        return redirect("contracts:detail", c.pk)
    return _detail(request, c, problems)


@role_required(*services.KEEP_ROLES)
def contract_import(request, code: str):
    book = get_visible_or_404(Book, request.user, code=code)
    return import_page(
        request, run=lambda user, data, name: imports.import_contracts(user, book, data, name),
        done=lambda made: f"已导入合同 {len(made)} 份。", back=reverse("contracts:list"), template="contracts/import.html",
        context={"book": book, "columns": [(names[0], key, key in imports.REQUIRED) for key, names in imports.COLUMNS.items()]},
    )


@role_required()
def arrears(request):
    code = request.GET.get("region") or current_region_code(request) or ""
    region = get_visible_or_404(Region, request.user, code=code)
    on = parse_date(request.GET.get("date", "")) or today()
    rows = services.arrears(request.user, region.code, on)
    table = arrears_table(rows, f"{region.name}合同欠款（截至{on}）")
    fmt = export_format(request)
    if fmt:
        return download(table, f"合同欠款-{region.code}-{on}", fmt)
    return render(request, "contracts/arrears.html", {
        "region": region, "on": on, "page": paginate(request, rows), "owed": sum(r["owed_fen"] for r in rows), "count": len(rows),
    })
