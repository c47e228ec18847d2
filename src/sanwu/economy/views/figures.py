"""The figures pages: the overview of a region's year (its villages by class and tier, its
counties or townships side by side; a village's own history), the trends over the years and the
ranked village table. Thin: parameters through the scope gate, figures from `services`, tables
from `tables`, charts as data for `static/sanwu/economy.js` (`graphs`). Every table answers
`?format=xlsx|csv|json` with the same rows."""

from django.shortcuts import render

from sanwu.core.codes import region_prefix
from sanwu.core.tables import download
from sanwu.core.web import export_format, paginate, role_required
from sanwu.regions.models import Region

from .. import rules as R
from .. import hooks, services, tables
from . import graphs
from .common import base_context, region_param, year_param


# --- Overview -------------------------------------------------------------------------------------


@role_required()
def overview(request):
    errors: list[str] = []
    region = region_param(request, errors)
    year, years = year_param(request, region, errors)
    ov = services.overview(request.user, region, year, with_prev=region.level == "village")
    fmt = export_format(request)
    if fmt:
        return download(tables.overview_table(ov, f"集体经济概况{year}"), f"集体经济概况-{region.name}-{year}年", fmt)
    s = ov.summary
    ctx = base_context(request, region, "overview", errors, year=year, years=years, ov=ov, s=s, classes=[(c, R.CLASS_LABELS[c], s.classes.get(c, 0), s.share(c)) for c in R.CLASSES])
    ctx["top_villages"] = ov.ranked[:10]
    ctx["more"] = hooks.figures_for(region.code, year)
    ctx["charts"] = {
        "eco-classes": graphs.classes_pie(s),
        "eco-distribution": graphs.distribution(s),
        "eco-tiers": graphs.tiers(s),
    }
    if ov.children:
        ctx["charts"]["eco-children"] = graphs.children_classes(ov.children)
        ctx["charts"]["eco-children-average"] = graphs.children_average(ov.children)
    if region.level == "village":
        history = services.trends(request.user, region, [y for y in years if y <= year][:6])
        ctx["village"] = ov.villages[0] if ov.villages else None
        ctx["history"] = history
        ctx["charts"] = {"eco-history": graphs.village_history(history)}
        if ctx["village"]:
            ctx["award"] = next(iter(services.award_rows(request.user, region, year, ov.villages)), None)
    return render(request, "economy/overview.html", ctx)


# --- Trends ---------------------------------------------------------------------------------------


@role_required()
def trends(request):
    errors: list[str] = []
    region = region_param(request, errors)
    years = services.year_choices(request.user, region)
    last_default = services.default_year(request.user, region)
    last, _ = year_param(request, region, errors, "to", last_default)
    first, _ = year_param(request, region, errors, "from", min(years) if years else last)
    if first > last:
        errors.append("起始年晚于截止年，已交换")
        first, last = last, first
    if last - first > 30:
        first = last - 30
    summaries = services.trends(request.user, region, list(range(first, last + 1)))
    fmt = export_format(request)
    if fmt:
        return download(tables.trends_table(summaries, "集体经济趋势"), f"集体经济趋势-{region.name}-{first}-{last}年", fmt)
    ctx = base_context(request, region, "trends", errors, years=sorted(set(years) | {last_default}, reverse=True), first=first, last=last, summaries=summaries)
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
        "eco-shares": graphs.trend_shares(summaries),
        "eco-average": graphs.trend_average(summaries),
        "eco-trend-tiers": graphs.trend_tiers(summaries),
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
    region = region_param(request, errors)
    year, years = year_param(request, region, errors)
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
            rows = [v for v in rows if v.tier_value >= th]
        else:
            errors.append("档次无效，已忽略")
            tier = ""
    if within:
        prefix = region_prefix(within)
        rows = [v for v in rows if v.code.startswith(prefix)]
    if q:
        rows = [v for v in rows if q in v.name or q in v.township_name or v.code.startswith(q)]
    rows = sorted(rows, key=SORTS[sort][1])
    fmt = export_format(request)
    if fmt:
        table = tables.villages_table(rows, f"各村集体经济{year}")
        for r in table.rows:
            r["rank"] = ranks.get(r["code"])
        return download(table, f"各村集体经济-{region.name}-{year}年", fmt)
    page = paginate(request, rows)
    for v in page.object_list:
        v.rank = ranks.get(v.code)
    ctx = base_context(
        request, region, "villages", errors, year=year, years=years, page=page, cls=cls, tier=tier, within=within, q=q, sort=sort,
        sorts=[(k, label) for k, (label, _) in SORTS.items()], class_choices=list(R.CLASS_LABELS.items()),
        tier_choices=[(str(th), f"{R.wan_text(th)}万元以上") for th in thresholds], subregions=subregions,
        filtered=bool(cls or tier or within or q),
    )
    return render(request, "economy/villages.html", ctx)
