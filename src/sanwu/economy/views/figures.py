"""The collective-economy pages. Thin: parameters through the scope gate, figures from `services`,
tables from `exports`, charts as data for `static/sanwu/economy.js`. Every table page answers
`?format=xlsx|csv|json` with the same rows; the brief answers `?format=txt|doc|pdf`."""

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core.errors import Invalid, Refused
from sanwu.core.gate import get_visible_or_404
from sanwu.core.scope import can_write
from sanwu.core.tables import download
from sanwu.core.web import current_region_code, export_format, paginate, role_required
from sanwu.decisions import services as decision_services
from sanwu.regions.models import Region

from . import brief as brief_mod
from . import charts, exports, forms, services
from . import rules as R
from .models import CadreReward

SETTINGS_VIEW_ROLES = ("county_supervisor", "city_admin", "auditor")


# --- Parameters ---------------------------------------------------------------------------------


def _region(request, errors: list[str]) -> Region:
    """The region asked for (?region=), else the one picked in the session / the user's own."""
    code = request.GET.get("region", "").strip() or current_region_code(request) or ""
    try:
        return services.region_for(request.user, code)
    except Invalid as exc:
        errors.extend(exc.messages)
        fallback = current_region_code(request)
        if not fallback or fallback == code:
            raise Http404("未找到") from None
        return services.region_for(request.user, fallback)


def _year(request, region: Region, errors: list[str], name: str = "year", default: int | None = None) -> tuple[int, list[int]]:
    years = services.year_choices(request.user, region)
    default = default if default is not None else services.default_year(request.user, region)
    if default not in years:
        years = sorted(set(years) | {default}, reverse=True)
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default, years
    if raw.isdigit() and int(raw) in years:
        return int(raw), years
    errors.append(f"年份「{raw}」无效，已改用 {default} 年")
    return default, years


def _region_options(user) -> list[Region]:
    qs = Region.objects.visible_to(user).filter(level__in=("city", "county", "township")).order_by("code")
    options = list(qs[:400])
    if not options:
        options = list(Region.objects.visible_to(user).filter(level="village").order_by("code")[:50])
    return options


def _crumbs(user, region: Region) -> list[Region]:
    return [r for r in region.ancestors() if r.level in services.LEVELS and Region.objects.visible_to(user).filter(code=r.code).exists()]


def _base(request, region: Region, tab: str, errors: list[str], **extra) -> dict:
    return {
        "region": region,
        "tab": tab,
        "errors": errors,
        "region_options": _region_options(request.user),
        "crumbs": _crumbs(request.user, region),
        "county_code": services.county_of(region.code) if region.level != "city" else "",
        "may_see_settings": bool(set(SETTINGS_VIEW_ROLES) & _roles(request.user)),
        **extra,
    }


def _roles(user) -> set[str]:
    from sanwu.core.scope import roles_of

    return roles_of(user)


def _refused(request):
    return render(request, "403.html", status=403)


# --- Overview -------------------------------------------------------------------------------------


@role_required()
def overview(request):
    errors: list[str] = []
    region = _region(request, errors)
    year, years = _year(request, region, errors)
    ov = services.overview(request.user, region, year, with_prev=region.level == "village")
    fmt = export_format(request)
    if fmt:
        return download(exports.overview_table(ov, f"集体经济概况{year}"), f"集体经济概况-{region.name}-{year}年", fmt)
    s = ov.summary
    ctx = _base(request, region, "overview", errors, year=year, years=years, ov=ov, s=s, classes=[(c, R.CLASS_LABELS[c], s.classes.get(c, 0), s.share(c)) for c in R.CLASSES])
    ctx["top_villages"] = ov.ranked[:10]
    ctx["charts"] = {
        "eco-classes": charts.classes_pie(s),
        "eco-distribution": charts.distribution(s),
        "eco-tiers": charts.tiers(s),
    }
    if ov.children:
        ctx["charts"]["eco-children"] = charts.children_classes(ov.children)
        ctx["charts"]["eco-children-average"] = charts.children_average(ov.children)
    if region.level == "village":
        history = services.trends(request.user, region, [y for y in years if y <= year][:6])
        ctx["village"] = ov.villages[0] if ov.villages else None
        ctx["history"] = history
        ctx["charts"] = {"eco-history": charts.village_history(history)}
        if ctx["village"]:
            ctx["award"] = next(iter(services.award_rows(request.user, region, year, ov.villages)), None)
    return render(request, "economy/overview.html", ctx)


# --- Trends ---------------------------------------------------------------------------------------


@role_required()
def trends(request):
    errors: list[str] = []
    region = _region(request, errors)
    years = services.year_choices(request.user, region)
    last_default = services.default_year(request.user, region)
    last, _ = _year(request, region, errors, "to", last_default)
    first, _ = _year(request, region, errors, "from", min(years) if years else last)
    if first > last:
        errors.append("起始年晚于截止年，已交换")
        first, last = last, first
    if last - first > 30:
        first = last - 30
    summaries = services.trends(request.user, region, list(range(first, last + 1)))
    fmt = export_format(request)
    if fmt:
        return download(exports.trends_table(summaries, "集体经济趋势"), f"集体经济趋势-{region.name}-{first}-{last}年", fmt)
    ctx = _base(request, region, "trends", errors, years=sorted(set(years) | {last_default}, reverse=True), first=first, last=last, summaries=summaries)
    ctx["rows"] = [
        {"s": s, "pairs": [(s.classes.get(c, 0), R.percent_text(s.classes.get(c, 0), s.villages)) for c in R.CLASSES]}
        for s in summaries
    ]
    ctx["class_labels"] = [R.CLASS_LABELS[c] for c in R.CLASSES]
    ctx["thresholds"] = sorted({t.threshold for s in summaries for t in s.tiers})
    for row in ctx["rows"]:
        row["tiers"] = [next((t.count for t in row["s"].tiers if t.threshold == th), 0) for th in ctx["thresholds"]]
    ctx["threshold_labels"] = [f"{R.wan_text(th)}万以上" for th in ctx["thresholds"]]
    ctx["charts"] = {
        "eco-shares": charts.trend_shares(summaries),
        "eco-average": charts.trend_average(summaries),
        "eco-trend-tiers": charts.trend_tiers(summaries),
    }
    return render(request, "economy/trends.html", ctx)


# --- Villages -------------------------------------------------------------------------------------

SORTS = {
    "measure": ("按分类指标", lambda v: (-v.measure, v.code)),
    "operating_income": ("按经营性收入", lambda v: (-v.now.operating_income, v.code)),
    "operating_return": ("按经营收益", lambda v: (-v.now.operating_return, v.code)),
    "change": ("按同比增量", lambda v: (-(v.operating_income_change if v.operating_income_change is not None else -(10**18)), v.code)),
    "pv_share": ("按光伏占比", lambda v: (-(v.pv_share if v.pv_share is not None else -1), v.code)),
    "code": ("按代码", lambda v: v.code),
}


@role_required()
def villages(request):
    errors: list[str] = []
    region = _region(request, errors)
    year, years = _year(request, region, errors)
    rows = services.village_years(request.user, region, year)
    ranks = {v.code: i for i, v in enumerate(sorted(rows, key=SORTS["measure"][1]), start=1)}
    cls = request.GET.get("class", "")
    tier = request.GET.get("tier", "")
    within = request.GET.get("within", "")
    q = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "measure")
    if sort not in SORTS:
        sort = "measure"
    subregions = list(Region.objects.visible_to(request.user).filter(parent=region).order_by("code")) if region.level in ("city", "county") else []
    if cls in R.CLASS_LABELS:
        rows = [v for v in rows if v.cls == cls]
    else:
        cls = ""
    thresholds = sorted({t.threshold for v in rows for t in v.rules.tiers} | {t.threshold for t in R.DEFAULT_TIERS})
    if tier:
        try:
            th = int(tier)
        except ValueError:
            th = None
        if th in thresholds:
            rows = [v for v in rows if v.measure >= th]
        else:
            errors.append("档次无效，已忽略")
            tier = ""
    if within:
        prefix = within[:6] if within.endswith("000000") else within[:9]
        rows = [v for v in rows if v.code.startswith(prefix)]
    if q:
        rows = [v for v in rows if q in v.name or q in v.township_name or v.code.startswith(q)]
    rows = sorted(rows, key=SORTS[sort][1])
    fmt = export_format(request)
    if fmt:
        table = exports.villages_table(rows, f"各村集体经济{year}")
        for r in table.rows:
            r["rank"] = ranks.get(r["code"])
        return download(table, f"各村集体经济-{region.name}-{year}年", fmt)
    page = paginate(request, rows)
    for v in page.object_list:
        v.rank = ranks.get(v.code)
    ctx = _base(
        request, region, "villages", errors, year=year, years=years, page=page, cls=cls, tier=tier, within=within, q=q, sort=sort,
        sorts=[(k, label) for k, (label, _) in SORTS.items()], class_choices=list(R.CLASS_LABELS.items()),
        tier_choices=[(str(th), f"{R.wan_text(th)}万元以上") for th in thresholds], subregions=subregions,
        filtered=bool(cls or tier or within or q),
    )
    return render(request, "economy/villages.html", ctx)


# --- Awards ---------------------------------------------------------------------------------------


@role_required()
def awards(request):
    errors: list[str] = []
    region = _region(request, errors)
    year, years = _year(request, region, errors)
    rows = services.award_rows(request.user, region, year)
    fmt = export_format(request)
    if fmt:
        return download(exports.awards_table(rows, f"奖励名单{year}"), f"集体经济奖励名单-{region.name}-{year}年", fmt)
    for a in rows:
        a.can_decide = can_write(request.user, a.village.code, services.APPROVE_ROLES)
    totals = {
        "volume": sum(a.volume for a in rows),
        "increment": sum(a.increment for a in rows),
        "cadre": sum(a.cadre for a in rows),
        "granted": sum(a.cadre_granted for a in rows),
        "total": sum(a.total for a in rows),
    }
    ctx = _base(request, region, "awards", errors, year=year, years=years, rows=rows, totals=totals, page=paginate(request, rows))
    return render(request, "economy/awards.html", ctx)


@role_required()
def award(request, village: str, year: int):
    region = get_visible_or_404(Region, request.user, code=village, level="village")
    try:
        services.check_year(year)
    except Invalid:
        raise Http404("年份无效") from None
    vy = services.village_year(request.user, region, year)
    decision = CadreReward.objects.visible_to(request.user).filter(village=region, year=year).select_related("matter").first()
    matter = services.decision_for(region.code, year)
    row = services.AwardRow(vy, matter, decision) if vy is not None else None
    ctx = _base(
        request, region, "awards", [], year=year, vy=vy, row=row, decision=decision, matter=matter,
        matters=services.cadre_matters(request.user, region.code, year),
        events=services.reward_events(request.user, region.code, year),
        can_decide=can_write(request.user, region.code, services.APPROVE_ROLES),
        can_revoke=can_write(request.user, region.code, services.REVOKE_ROLES),
        can_propose=can_write(request.user, region.code, decision_services.RECORD_ROLES),
    )
    return render(request, "economy/award.html", ctx)


@role_required()
@require_POST
def award_action(request, village: str, year: int, action: str):
    region = get_visible_or_404(Region, request.user, code=village, level="village")
    reason = request.POST.get("reason", "").strip()
    funcs = {
        "approve": lambda: services.approve_cadre_reward(request.user, region.code, year, reason),
        "reject": lambda: services.reject_cadre_reward(request.user, region.code, year, reason),
        "revoke": lambda: services.revoke_cadre_reward(request.user, region.code, year, reason),
    }
    if action not in funcs:
        raise Http404("未知操作")
    try:
        reward = funcs[action]()
    except Refused:
        return _refused(request)
    except Invalid as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, f"{region.name}{year}年度村干部奖励：{reward.get_status_display()}。")
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("economy:award", village=region.code, year=year)


# --- Brief ----------------------------------------------------------------------------------------


@role_required()
def brief(request):
    errors: list[str] = []
    region = _region(request, errors)
    year, years = _year(request, region, errors)
    base_raw = request.GET.get("base", "").strip()
    base = None
    if base_raw:
        if base_raw.isdigit() and int(base_raw) in years and int(base_raw) <= year:
            base = int(base_raw)
        else:
            errors.append(f"基准年「{base_raw}」无效，已改用上一年")
    b = brief_mod.build(request.user, region, year, base)
    fmt = request.GET.get("format", "")
    filename = f"集体经济简报-{region.name}-{year}年"
    if fmt == "txt":
        return _file(brief_mod.to_text(b).encode("utf-8"), "text/plain; charset=utf-8", f"{filename}.txt")
    if fmt == "doc":
        return _file(brief_mod.to_doc_html(b).encode("utf-8"), "application/msword; charset=utf-8", f"{filename}.doc")
    if fmt == "pdf":
        return _file(brief_mod.to_pdf(b), "application/pdf", f"{filename}.pdf", inline=True)
    ctx = _base(request, region, "brief", errors, year=year, years=years, base=b.base_year, base_raw=base_raw, b=b, **brief_mod.context(b))
    return render(request, "economy/brief.html", ctx)


def _file(data: bytes, content_type: str, filename: str, inline: bool = False) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    kind = "inline" if inline else "attachment"
    resp["Content-Disposition"] = f"{kind}; filename=\"brief\"; filename*=UTF-8''{quote(filename)}"
    return resp


# --- County settings ------------------------------------------------------------------------------


@role_required(*SETTINGS_VIEW_ROLES)
def settings_page(request):
    errors: list[str] = []
    code = request.GET.get("county", "").strip()
    if not code:
        here = current_region_code(request) or ""
        if len(here) == 12 and here[6:] == "000000" and here[4:6] != "00":
            code = here
        else:
            county = Region.objects.visible_to(request.user).filter(level="county").order_by("code").first()
            code = county.code if county else ""
    county = get_visible_or_404(Region, request.user, code=code, level="county")
    s = services.settings_for(county.code)
    may_edit = can_write(request.user, county.code, services.SETTINGS_ROLES)
    problems: list[str] = []
    data = forms.settings_initial(s)
    if request.method == "POST":
        if not may_edit:
            from sanwu.core.gate import refuse

            refuse(request.user, "economy.settings", county.code, county.code)
            return _refused(request)
        data, values, tiers, problems = forms.read_settings(request.POST)
        if not problems:
            try:
                services.update_settings(request.user, county.code, values, tiers)
            except Refused:
                return _refused(request)
            except Invalid as exc:
                problems = exc.messages
            else:
                messages.success(request, f"已保存{county.name}的集体经济规则。")
                return redirect(f"{reverse('economy:settings')}?county={county.code}")
    counties = list(Region.objects.visible_to(request.user).filter(level="county").order_by("code"))
    ctx = _base(
        request, county, "settings", errors, s=s, data=data, problems=problems, may_edit=may_edit, counties=counties,
        money_fields=[(f, label, hint, data.get(f, "")) for f, label, hint in forms.MONEY_FIELDS],
        measure_choices=forms.MEASURE_CHOICES, role_choices=list(R.OPERATING_ROLE_CHOICES.items()),
        rules=services.rules_of(s),
    )
    return render(request, "economy/settings.html", ctx)
