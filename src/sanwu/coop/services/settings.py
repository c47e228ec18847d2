"""The county's rules for its cooperatives (`CoopSettings`): holding unit, management, the
per-holder cap and the distribution's rates. A county that has set none has the defaults
(`rules`, domain.md 8.2)."""

from django.db import transaction

from sanwu.core import audit, permissions
from sanwu.core.codes import county_of
from sanwu.core.errors import Invalid, Problem

from .. import rules
from ..models import CoopSettings
from .permissions import SETTING_ROLES

FIELDS = ("holding_unit", "management", "holder_cap_bp", "reserve_rate_bp", "welfare_rate_bp", "outside_rate_bp")


def settings_for(region_code: str) -> CoopSettings:
    """The rules of the county `region_code` lies in (unsaved defaults when it has set none)."""
    county = county_of(region_code) or region_code
    return CoopSettings.objects.filter(county_id=county).first() or CoopSettings(county_id=county)


def settings_problems(values: dict) -> list[Problem]:
    out = []
    if values.get("holding_unit") not in rules.HOLDING_UNITS:
        out.append(Problem("持股单位应为按户或按人", field="holding_unit"))
    if values.get("management") not in rules.MANAGEMENT:
        out.append(Problem("股权管理方式应为静态或动态", field="management"))
    cap = values.get("holder_cap_bp")
    if not isinstance(cap, int) or not 0 <= cap <= rules.BP:
        out.append(Problem("单一持有人持股上限应在0%到100%之间（0为不设上限）", field="holder_cap_bp"))
    out.extend(
        rules.rate_problems(
            reserve_bp=values.get("reserve_rate_bp", 0), welfare_bp=values.get("welfare_rate_bp", 0), outside_bp=values.get("outside_rate_bp", 0)
        )
    )
    return out


def update_settings(user, county_code: str, **values) -> CoopSettings:
    """Change a county's rules (the county supervisor), audited with the old and new values."""
    permissions.require(user, SETTING_ROLES, county_code, "修改本县合作社规则", object_type="coop.settings.update")
    conf = settings_for(county_code)
    merged = {f: values.get(f, getattr(conf, f)) for f in FIELDS}
    problems = settings_problems(merged)
    if problems:
        raise Invalid(problems)
    old = {f: getattr(conf, f) for f in FIELDS}
    with transaction.atomic():
        for f, v in merged.items():
            setattr(conf, f, v)
        conf.updated_by = user if getattr(user, "pk", None) else None
        conf.save()
        audit.record("coop.settings.update", conf, actor=user, region_code=conf.county_id, old=old, new=merged)
    return conf
