"""A county's rules for asset registers (`AssetSettings`): the cost from which a disposal rests on
a 四议两公开 matter, and each kind's useful life and residual rate. Defaults in `rules.DEFAULTS`."""

from django.db import transaction

from sanwu.core import audit, permissions
from sanwu.core.codes import county_of
from sanwu.core.errors import Invalid, Problem

from .. import rules
from ..models import AssetSettings
from .permissions import SETTING_ROLES


def settings_for(region_code: str) -> rules.Settings:
    county = county_of(region_code) or region_code
    row = AssetSettings.objects.filter(county_id=county).first()
    if row is None:
        return rules.DEFAULTS
    return rules.Settings(row.disposal_matter_threshold, tuple(tuple(k) for k in row.kinds))


def set_settings(user, county_code: str, *, disposal_matter_threshold: int | None = None, kind: str | None = None,
                 life_months: int | None = None, residual_bp: int | None = None) -> rules.Settings:
    """The county supervisor sets the disposal threshold and/or one kind's life and residual rate."""
    permissions.require(user, SETTING_ROLES, county_code, "修改本县资产台账参数", object_type="assets.settings.update")
    old = settings_for(county_code)
    problems = []
    threshold = old.disposal_matter_threshold if disposal_matter_threshold is None else disposal_matter_threshold
    if threshold < 0:
        problems.append(Problem("处置金额标准不能为负数", field="disposal_matter_threshold"))
    kinds = dict((k, (life, bp)) for k, life, bp in old.kinds)
    if kind is not None:
        if kind not in rules.KINDS:
            problems.append(Problem(f"「{kind}」不是资产种类", field="kind"))
        elif life_months is None or residual_bp is None or not 0 <= life_months <= 1_200 or not 0 <= residual_bp <= 10_000:
            problems.append(Problem("使用年限应在0到1200个月之间，残值率在0到100%之间", field="life_months"))
        elif kind in rules.NEVER_DEPRECIATED and life_months:
            problems.append(Problem("土地不计提折旧，使用年限应为0", field="life_months"))
        else:
            kinds[kind] = (life_months, residual_bp)
    if problems:
        raise Invalid(problems)
    rows = [[k, life, bp] for k, (life, bp) in sorted(kinds.items())]
    with transaction.atomic():
        AssetSettings.objects.update_or_create(
            county_id=county_code,
            defaults={"disposal_matter_threshold": threshold, "kinds": rows, "updated_by": user if getattr(user, "pk", None) else None},
        )
        audit.record("assets.settings.update", None, actor=user, region_code=county_code,
                     old={"disposal_matter_threshold": old.disposal_matter_threshold, "kinds": [list(k) for k in old.kinds]},
                     new={"disposal_matter_threshold": threshold, "kinds": rows})
    return settings_for(county_code)
