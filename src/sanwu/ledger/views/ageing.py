"""往来款项明细 (receivables, payables and internal accounts by counterparty, with their ageing):
a book's page, and a region's page summing its villages. Thin: the figures come from
`services.ageing`; each answers on screen and as `?format=xlsx|csv|json` (the same Table)."""

from django.shortcuts import render

from sanwu.core.codes import region_level
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.scope import grants_of
from sanwu.core.tables import download
from sanwu.core.web import role_required
from sanwu.regions.models import Region

from .. import services
from ..charts import CHART_VERSIONS
from ..services import ageing
from .common import get_book
from ..services.statements import Yuan
from .reports import TABLE_FORMATS, _date, _query

AMOUNT_KEYS = ("balance", *ageing.BUCKET_KEYS)
LEVELS = {"city": 0, "county": 1, "township": 2, "village": 3}


def _yuan(d: dict) -> dict:
    return {k: Yuan(v) if k in AMOUNT_KEYS else v for k, v in d.items()}


@role_required()
def book_ageing(request, code: str):
    book = get_book(request, code)
    errors: list[str] = []
    as_of = _date(request, "date", services.today(), errors, "截止日期")
    a = ageing.book_ageing(request.user, book, as_of)
    fmt = request.GET.get("format", "")
    if fmt in TABLE_FORMATS:
        return download(ageing.book_ageing_table(a), f"往来款项明细-{book.code}-{as_of:%Y-%m-%d}", fmt)
    sections = [{**s, "rows": [_yuan(r) for r in s["rows"]], "total": _yuan(s["total"])} for s in a["sections"]]
    return render(request, "ledger/reports/ageing.html", {
        "book": book, "chart_label": CHART_VERSIONS.get(book.chart, book.chart), "query": _query(request), "errors": errors,
        "as_of": as_of, "a": a, "sections": sections, "buckets": ageing.BUCKETS,
    })


def _default_region(user) -> str:
    """The widest region the user holds a role in (a township supervisor's township)."""
    grants = sorted(grants_of(user), key=lambda g: LEVELS.get(region_level(g.region_code), len(LEVELS)))
    return grants[0].region_code if grants else ""


@role_required()
def region_ageing(request):
    code = request.GET.get("region", "").strip() or _default_region(request.user)
    region = get_visible_or_404(Region, request.user, code=code)
    errors: list[str] = []
    as_of = _date(request, "date", services.today(), errors, "截止日期")
    a = ageing.region_ageing(request.user, region, as_of)
    table = ageing.region_ageing_table(a)
    fmt = request.GET.get("format", "")
    if fmt in TABLE_FORMATS:
        return download(table, f"往来款项账龄汇总-{region.code}-{as_of:%Y-%m-%d}", fmt)
    villages = [
        {**v, "sections": [(label, _yuan(v["sections"][role])) for role, label, _ in ageing.SECTIONS]} for v in a["villages"]
    ]
    totals = [(label, _yuan(a["totals"][role])) for role, label, _ in ageing.SECTIONS]
    # The regions one step up and down that the user may also open (a county's townships).
    below = Region.objects.visible_to(request.user).filter(parent=region, level__in=("county", "township")).order_by("code")
    above = Region.objects.visible_to(request.user).filter(code=region.parent_id, level__in=("city", "county", "township")).first()
    return render(request, "ledger/reports/region_ageing.html", {
        "region": region, "query": _query(request), "errors": errors, "as_of": as_of, "villages": villages, "totals": totals,
        "buckets": ageing.BUCKETS, "below": below, "above": above,
    })
