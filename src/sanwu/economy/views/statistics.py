"""The annual 农经统计 forms of a township, a county or the city: both forms on one page, each
with its Excel beside it, the villages whose statements do not tie listed apart, and every figure
one click from the villages behind it (`cell`). Thin: the region and year through the scope gate,
the figures from `services.statistics`, the tables from `tables`."""

from django.shortcuts import redirect, render
from django.urls import reverse

from sanwu.core.tables import download
from sanwu.core.web import export_format, role_required

from .. import services, tables
from .common import base_context, region_param, year_param


def _region_and_year(request, errors):
    region = region_param(request, errors)
    year, years = year_param(request, region, errors)
    return region, year, years


@role_required()
def statistics(request):
    errors: list[str] = []
    region, year, years = _region_and_year(request, errors)
    ctx = base_context(request, region, "statistics", errors, year=year, years=years, stats=None)
    if region.level not in services.statistics.LEVELS:
        errors.append(f"农经统计表按乡镇、县或市汇总；「{region.name}」是{region.level_label}，请在上方选择乡镇、县或市。")
        return render(request, "economy/statistics.html", ctx)
    stats = services.statistics.statistics(request.user, region, year)
    fmt = export_format(request)
    if fmt:
        form = request.GET.get("form", "")
        if form == "not_tied":
            return download(tables.not_tied_table(stats), f"报表不平的村-{region.name}-{year}年", fmt)
        if form:
            services.statistics.check_form(form)
            return download(tables.statistics_form_table(stats, form), f"{stats.form(form).title}-{region.name}-{year}年", fmt)
        return download(tables.statistics_table(stats), f"农经统计年报-{region.name}-{year}年", fmt)
    ctx["stats"] = stats
    return render(request, "economy/statistics.html", ctx)


@role_required()
def cell(request, form: str, code: str):
    errors: list[str] = []
    region, year, years = _region_and_year(request, errors)
    if region.level not in services.statistics.LEVELS:  # the forms' page says why
        return redirect(f"{reverse('economy:statistics')}?region={region.code}&year={year}")
    c = services.statistics.cell(request.user, region, year, form, code)
    fmt = export_format(request)
    if fmt:
        return download(tables.statistics_cell_table(c), f"{c.form.title}-代码{c.row.code}-{region.name}-{year}年", fmt)
    return render(request, "economy/statistics_cell.html", base_context(request, region, "statistics", errors, year=year, years=years, c=c))
