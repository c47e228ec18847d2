"""What the collective-economy pages share: the region and year asked for (?region=, ?year=), the
region picker and breadcrumbs, and the context every page's header needs."""

from django.http import Http404

from sanwu.core.errors import Invalid
from sanwu.core.scope import roles_of
from sanwu.core.web import current_region_code
from sanwu.regions.models import Region

from .. import services

SETTINGS_VIEW_ROLES = ("county_supervisor", "city_admin", "auditor")


# --- Parameters ---------------------------------------------------------------------------------


def region_param(request, errors: list[str]) -> Region:
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


def year_param(request, region: Region, errors: list[str], name: str = "year", default: int | None = None) -> tuple[int, list[int]]:
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


def region_options(user) -> list[Region]:
    qs = Region.objects.visible_to(user).filter(level__in=("city", "county", "township")).order_by("code")
    options = list(qs[:400])
    if not options:
        options = list(Region.objects.visible_to(user).filter(level="village").order_by("code")[:50])
    return options


def crumbs(user, region: Region) -> list[Region]:
    return [r for r in region.ancestors() if r.level in services.LEVELS and Region.objects.visible_to(user).filter(code=r.code).exists()]


def base_context(request, region: Region, tab: str, errors: list[str], **extra) -> dict:
    return {
        "region": region,
        "tab": tab,
        "errors": errors,
        "region_options": region_options(request.user),
        "crumbs": crumbs(request.user, region),
        "county_code": services.county_of(region.code) if region.level != "city" else "",
        "may_see_settings": bool(set(SETTINGS_VIEW_ROLES) & roles_of(request.user)),
        **extra,
    }
