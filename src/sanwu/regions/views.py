from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core.codes import region_prefix
from sanwu.core.permissions import get_visible_or_404, refuse
from sanwu.core.scope import code_in_scope, roles_of
from sanwu.core.tables import download
from sanwu.core.web import checked, current_region_code, export_format, paginate, role_required, shows_problems

from . import services
from .forms import PersonForm, RegionImportForm
from .models import Person, Region
from .tables import people_table, regions_table

IMPORT_ROLES = ("city_admin", "county_supervisor")
PEOPLE_WRITE_ROLES = {"city_admin", "county_supervisor", "township_supervisor", "village_accountant", "village_secretary"}


@role_required()
def home(request):
    code = current_region_code(request)
    region = Region.objects.visible_to(request.user).filter(code=code).first() if code else None
    counts = services.region_counts(region, request.user)
    people = Person.objects.visible_to(request.user)
    if region is not None:
        people = people.filter(region__code__startswith=region_prefix(region.code))
    return render(
        request,
        "regions/home.html",
        {"region": region, "counts": counts, "people_count": people.count(), "picker": services.picker_choices(request.user)},
    )


@role_required()
@require_POST
def pick_region(request):
    code = request.POST.get("region", "")
    if code_in_scope(request.user, code):
        request.session["region"] = code
    else:
        refuse(request.user, "regions.region", code)
        messages.error(request, "该区划不在您的管辖范围内")
    nxt = request.POST.get("next") or reverse("home")
    return HttpResponseRedirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else reverse("home"))


@role_required()
def tree(request, code: str | None = None):
    visible = Region.objects.visible_to(request.user)
    if code is None:
        code = current_region_code(request)
    node = get_visible_or_404(Region, request.user, code=code)
    q = request.GET.get("q", "").strip()
    if q:
        rows = visible.filter(code__startswith=region_prefix(node.code)).filter(Q(name__contains=q) | Q(code__startswith=q))
    else:
        rows = visible.filter(parent=node)
    rows = rows.annotate(n_children=Count("children")).order_by("code")
    fmt = export_format(request)
    if fmt:
        return download(regions_table(rows), f"行政区划-{node.name}", fmt)
    crumbs = [r for r in node.ancestors() if code_in_scope(request.user, r.code)]
    return render(request, "regions/tree.html", {"node": node, "page": paginate(request, rows), "q": q, "crumbs": crumbs})


@role_required(*IMPORT_ROLES)
@shows_problems
def region_import(request, problems=()):
    form = RegionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not problems:
        upload = checked(form)["file"]
        result = services.import_regions(upload.read(), upload.name)
        messages.success(request, f"导入完成：新增 {result['created']} 个，更新 {result['updated']} 个。")
        return redirect("regions:tree")
    return render(request, "regions/import.html", {"form": form, "problems": problems})


def _people_queryset(request):
    qs = Person.objects.visible_to(request.user).select_related("region")
    code = current_region_code(request)
    if code:
        qs = qs.filter(region__code__startswith=region_prefix(code))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(region__name__contains=q))
    return qs, q


@role_required()
def people(request):
    qs, q = _people_queryset(request)
    fmt = export_format(request)
    if fmt:
        return download(people_table(qs), "人员登记", fmt)
    can_add = bool(roles_of(request.user) & PEOPLE_WRITE_ROLES)
    return render(request, "regions/people.html", {"page": paginate(request, qs), "q": q, "can_add": can_add})


@role_required(*PEOPLE_WRITE_ROLES)
@shows_problems
def person_add(request, problems=()):
    regions = Region.objects.visible_to(request.user).filter(level__in=["village", "group"])
    code = current_region_code(request)
    if code:
        regions = regions.filter(code__startswith=region_prefix(code))
    form = PersonForm(request.POST or None, regions=regions[:2000])
    if request.method == "POST" and not problems:
        d = checked(form)
        services.add_person(request.user, d["region"], d["name"], d["id_number"], d["phone"])
        messages.success(request, "已登记。")
        return redirect("regions:people")
    return render(request, "regions/person_form.html", {"form": form, "problems": problems})


@role_required()
@require_POST
def person_reveal(request, pk: int):
    person = get_visible_or_404(Person, request.user, pk=pk)
    full = services.reveal_person(request.user, person)
    if request.htmx:
        return render(request, "regions/_person_full.html", {"full": full})
    return JsonResponse(full, json_dumps_params={"ensure_ascii": False})
