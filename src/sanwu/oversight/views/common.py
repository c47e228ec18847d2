"""Pieces the oversight pages share: the roles that open each tab, the tabs, and the township and
village pickers of the filters."""

from django.shortcuts import render

from sanwu.core.codes import region_prefix
from sanwu.core.scope import roles_of
from sanwu.regions.models import Region

SUPERVISOR_ROLES = ("township_supervisor", "county_supervisor", "city_admin", "auditor")
QUEUE_ROLES = ("township_supervisor", "county_supervisor", "city_admin", "auditor")

TABS = [
    ("oversight:feed", "实时监管", None),
    ("oversight:warnings", "预警", None),
    ("oversight:dashboard", "监管看板", set(SUPERVISOR_ROLES)),
    ("oversight:queue", "待审核凭证", set(QUEUE_ROLES)),
    ("oversight:settings", "预警参数", None),
]


def render_page(request, template: str, ctx: dict):
    """render() plus the oversight tabs the user may open."""
    mine = roles_of(request.user)
    ctx["tabs"] = [(name, label) for name, label, roles in TABS if roles is None or mine & roles]
    return render(request, template, ctx)


def region_picker(user, township: str = ""):
    """Townships and villages the user may filter by (villages once a township is chosen, or
    when the scope is small)."""
    regions = Region.objects.visible_to(user)
    townships = list(regions.filter(level="township").order_by("code").only("code", "name"))
    villages = regions.filter(level="village")
    if township:
        villages = villages.filter(code__startswith=region_prefix(township))
    elif villages.count() > 80:
        villages = villages.none()
    return townships, list(villages.order_by("code").only("code", "name")[:300])
