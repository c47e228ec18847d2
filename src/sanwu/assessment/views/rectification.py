"""Pages of the rectification of weak and lax village Party organisations: the list (Excel and
PDF), the yearly screening of every village, and each organisation's ledger (plan, measures,
acceptance). Thin: services decide; rows come through the scope gate."""

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.codes import county_of, region_prefix
from sanwu.core.dates import today
from sanwu.core.errors import NotFound
from sanwu.core.money import format_yuan
from sanwu.core.pdf import pdf_response
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, flash_problems, paginate, role_required, shows_problems
from sanwu.regions.models import Region

from .. import imports, services, tables
from ..forms import AcceptanceForm, MeasureForm, RectificationForm, ScreenForm
from ..models import AcceptanceCheck, History, Measure, Rectification, Screening
from ..services import can_manage
from ..tables import RECTIFICATION_STATUSES as STATUS_LABELS
from .common import MANAGE, VILLAGE_VIEW, current_county, import_page, task_url, township_filter


def _year(request, default: int | None = None) -> int | None:
    try:
        y = int(request.GET.get("year", ""))
    except ValueError:
        return default
    return y if 2000 <= y <= 2100 else default


def _cases(request, county):
    """The rectification list as filtered: status (default: under rectification), year listed,
    township, village name."""
    user = request.user
    qs = (
        Rectification.objects.visible_to(user)
        .select_related("village__parent")
        .prefetch_related(
            "situations",
            Prefetch("measures", queryset=Measure.objects.order_by("date", "id")),
            Prefetch("checks", queryset=AcceptanceCheck.objects.order_by("date", "id")),
        )
    )
    if county is not None:
        qs = qs.filter(county=county)
    status = request.GET.get("status", "listed")
    if status in STATUS_LABELS:
        qs = qs.filter(status=status)
    year = _year(request)
    if year:
        qs = qs.filter(year=year)
    township, towns = township_filter(request, county, user)
    if township:
        qs = qs.filter(village__parent_id=township)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(village__name__contains=q) | Q(first_secretary__contains=q) | Q(county_leader__contains=q))
    return qs.order_by("-year", "village_id"), {"status": status, "year": year, "township": township, "towns": towns, "q": q}


@role_required(*VILLAGE_VIEW)
def rectification_list(request):
    county = current_county(request)
    qs, filters = _cases(request, county)
    status_label = STATUS_LABELS.get(filters["status"], "全部")
    title = f"{county.name if county else ''}{filters['year'] or ''}{'年度' if filters['year'] else ''}软弱涣散村党组织整顿台账（{status_label}）"
    fmt = request.GET.get("format")
    if fmt == "pdf":
        rows = [tables.rectification_row(c) for c in qs[:2000]]
        for r in rows:
            r["party_funds"], r["project_funds"] = format_yuan(r["party_funds"]), format_yuan(r["project_funds"])
        return pdf_response("assessment/pdf/rectification_list.html", {"title": title, "rows": rows, "printed": today(), "county": county}, title)
    fmt = export_format(request)
    if fmt:
        return download(tables.rectification_table(qs[:20000]), title, fmt)
    page = paginate(request, qs)
    for c in page:
        c.row = tables.rectification_row(c)
    years = sorted(set(Rectification.objects.visible_to(request.user).filter(county=county).values_list("year", flat=True)), reverse=True) if county else []
    return render(request, "assessment/rectification_list.html", {
        "county": county, "counties": services.counties_offered(request.user), "page": page, **filters, "years": years,
        "statuses": STATUS_LABELS, "can_manage": bool(county and can_manage(request.user, county.code)),
        "can_import": bool(county and services.may_import_rectifications(request.user, county.code)),
    })


@role_required(*VILLAGE_VIEW)
def screening(request):
    """Every village of the county (in the user's scope) and its screening for the year."""
    county = current_county(request)
    user = request.user
    year = _year(request, today().year)
    if county is None:
        return render(request, "assessment/screening.html", {"county": None, "page": paginate(request, []), "year": year})
    villages = Region.objects.visible_to(user).filter(level="village", code__startswith=region_prefix(county.code)).select_related("parent")
    township, towns = township_filter(request, county, user)
    if township:
        villages = villages.filter(parent_id=township)
    screened = {s.village_id: s for s in Screening.objects.visible_to(user).filter(year=year, county=county).prefetch_related("situations")}
    open_cases = {c.village_id: c for c in Rectification.objects.visible_to(user).filter(county=county, status="listed")}
    show = request.GET.get("show", "")
    if show == "todo":
        villages = villages.exclude(code__in=list(screened))
    elif show == "matched":
        villages = villages.filter(code__in=[v for v, s in screened.items() if s.situations.all()])
    rows = [{"village": v, "screening": screened.get(v.code), "case": open_cases.get(v.code)} for v in villages.order_by("code")]
    all_villages = Region.objects.visible_to(user).filter(level="village", code__startswith=region_prefix(county.code)).count()
    fmt = export_format(request)
    if fmt:
        return download(tables.screening_table(year, rows), f"软弱涣散村党组织排查-{county.name}-{year}", fmt)
    return render(request, "assessment/screening.html", {
        "county": county, "counties": services.counties_offered(user), "year": year, "page": paginate(request, rows), "towns": towns, "township": township,
        "show": show, "screened": len(screened), "all_villages": all_villages,
        "matched": sum(1 for s in screened.values() if s.situations.all()), "can_manage": can_manage(user, county.code),
        "years": list(range(today().year, today().year - 6, -1)),
    })


@role_required(*MANAGE)
@shows_problems
def screen(request, year: int, code: str, problems=()):
    village = get_visible_or_404(Region, request.user, code=code, level="village")
    permissions.require(
        request.user, services.MANAGE_ROLES, village.code, f"排查{village.name}",
        object_type="assessment.screening", object_id=village.code,
    )
    county_code = county_of(village.code)
    situations = services.situations_of(county_code)
    current = Screening.objects.filter(year=year, village=village).first()
    initial = {"screened_on": current.screened_on if current else today(), "note": current.note if current else "",
               "situations": [str(s.pk) for s in current.situations.all()] if current else []}
    form = ScreenForm(request.POST or None, situations=situations, initial=initial)
    if request.method == "POST" and not problems:
        d = checked(form)
        _, case = services.screen_village(request.user, year, village.code, [int(i) for i in d["situations"]], d["note"], d["screened_on"])
        messages.success(request, f"已保存{village.name}的排查结果" + ("，已列入整顿台账。" if case else "。"))
        if case is not None:
            return redirect("assessment:rectification", pk=case.pk)
        return redirect(reverse("assessment:screening") + f"?year={year}&county={county_code}")
    open_case = Rectification.objects.filter(village=village, status="listed").first()
    return render(request, "assessment/screen.html", {"village": village, "year": year, "form": form, "problems": problems, "open_case": open_case})


def _case(request, pk: int) -> Rectification:
    return get_visible_or_404(Rectification, request.user, pk=pk)


@role_required(*VILLAGE_VIEW)
@shows_problems
def rectification_detail(request, pk: int, problems=()):
    case = _case(request, pk)
    user = request.user
    manage = permissions.may(user, services.MANAGE_ROLES, case.village_id)
    may_measure = permissions.may(user, services.MEASURE_ROLES, case.village_id)
    listed = case.status == "listed"
    form = RectificationForm(request.POST or None, initial={
        "causes": case.causes, "plan": case.plan, "county_leader": case.county_leader, "township_lead": case.township_lead,
        "first_secretary": case.first_secretary, "party_funds_fen": format_yuan(case.party_funds_fen, grouping=False),
        "project_funds_fen": format_yuan(case.project_funds_fen, grouping=False), "deadline": case.deadline,
    })
    if request.method == "POST" and not problems:
        permissions.require(
            user, services.MANAGE_ROLES, case.village_id, "修改整顿台账",
            object_type="assessment.rectification", object_id=case.pk,
        )
        services.update_rectification(user, case, **checked(form))
        messages.success(request, "已保存整顿台账。")
        return redirect("assessment:rectification", pk=case.pk)
    settings_row = services.ensure_county_settings(case.county_id)
    others = Rectification.objects.visible_to(user).filter(village=case.village).exclude(pk=case.pk).order_by("-year")
    screenings = Screening.objects.visible_to(user).filter(village=case.village).prefetch_related("situations").order_by("-year")
    return render(request, "assessment/rectification.html", {
        "case": case, "situations": case.situations.all(), "measures": case.measures.select_related("recorded_by"),
        "checks": case.checks.select_related("recorded_by"), "form": form if manage and listed else None, "problems": problems,
        "measure_form": MeasureForm(initial={"date": today()}) if may_measure and listed else None,
        "acceptance_form": AcceptanceForm(initial={"date": today()}) if manage and listed else None,
        "history": History.objects.visible_to(user).filter(kind="rectification", object_id=case.pk).select_related("actor"),
        "others": others, "screenings": screenings, "task_url": task_url(case.task_id), "settings": settings_row,
        "status_label": STATUS_LABELS[case.status],
    })


@role_required(*services.MEASURE_ROLES)
@require_POST
@shows_problems
def measure_add(request, pk: int, problems=()):
    case = _case(request, pk)
    permissions.require(
        request.user, services.MEASURE_ROLES, case.village_id, "记录整顿措施",
        object_type="assessment.measure", object_id=case.pk,
    )
    if problems:
        flash_problems(request, problems)
    else:
        d = checked(MeasureForm(request.POST))
        services.add_measure(request.user, case, d["date"], d["text"])
        messages.success(request, "已记录整顿措施。")
    return redirect("assessment:rectification", pk=case.pk)


@role_required(*MANAGE)
@require_POST
@shows_problems
def acceptance(request, pk: int, problems=()):
    case = _case(request, pk)
    permissions.require(
        request.user, services.MANAGE_ROLES, case.village_id, "组织整顿验收",
        object_type="assessment.acceptancecheck", object_id=case.pk,
    )
    if problems:
        flash_problems(request, problems)
    else:
        d = checked(AcceptanceForm(request.POST))
        check = services.record_acceptance(request.user, case, date=d["date"], passed=d["passed"], result=d["result"], checked_by=d["checked_by"])
        messages.success(request, "验收通过，已销号。" if check.passed else "已记录验收（未通过），继续整顿。")
    return redirect("assessment:rectification", pk=case.pk)


@role_required(*services.MEASURE_ROLES)
def rectification_import(request):
    """Import the rectification list (its own export, edited): the county updates and lists, a
    township records its villages' measures."""
    county = current_county(request)
    if county is None:
        raise NotFound()
    return import_page(
        request, county, template="assessment/rectification_import.html", run=imports.import_rectifications,
        back="assessment:rectification_list", columns={k: v for k, v in imports.RECTIFICATION_COLUMNS.items() if k not in ("delisted_on", "check")},
        done=imports.rectification_summary,
    )
