"""A county's collective-economy rules (`EconomySettings` + `TierRule`): created with the defaults
on first use, checked by pure rules, edited by the county supervisor (old and new in the audit
trail), and turned into the plain `rules.Rules` the figures apply."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from sanwu.core import audit, permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_wan
from sanwu.regions.models import Region
from sanwu.regions.services import registered_county

from .. import rules as R
from ..models import MEASURES, EconomySettings, TierRule
from ..rules import Rules, Tier
from .access import SETTINGS_ROLES


def rules_of(s: EconomySettings, tiers=None) -> Rules:
    tiers = tiers if tiers is not None else list(s.tiers.all())
    return Rules(
        operating_roles=frozenset(s.role_list),
        measure=s.measure,
        tier_measure=s.tier_measure,
        hollow_line=s.hollow_line,
        weak_line=s.weak_line,
        strong_line=s.strong_line,
        tiers=tuple(sorted((Tier(t.threshold, t.target, t.volume_award) for t in tiers), key=lambda t: t.threshold)),
        increment_step=s.increment_step,
        increment_award=s.increment_award,
        increment_cap=s.increment_cap,
        cadre_rate_bp=s.cadre_rate_bp,
        cadre_cap=s.cadre_cap,
    )


def rules_for(county_codes) -> dict[str, Rules]:
    """Each county's rules; a county that never saved its own uses the defaults (read only)."""
    codes = set(county_codes)
    out = {c: R.DEFAULTS for c in codes}
    for s in EconomySettings.objects.filter(county_id__in=codes).prefetch_related("tiers"):
        out[s.county_id] = rules_of(s)
    return out


def settings_for(county_code: str) -> EconomySettings:
    """The county's settings row, created with the defaults (and the default tiers) on first use."""
    county = registered_county(county_code)
    s = EconomySettings.objects.filter(county=county).first()
    if s is not None:
        return s
    with transaction.atomic():
        Region.objects.select_for_update().filter(code=county_code).first()
        s, created = EconomySettings.objects.get_or_create(county=county)
        if created:
            TierRule.objects.bulk_create([TierRule(settings=s, threshold=t.threshold, target=t.target, volume_award=t.volume_award) for t in R.DEFAULT_TIERS])
            audit.record("economy.settings.create", s, actor=None, new=settings_snapshot(s), region_code=county_code, note="默认规则")
    return s


def settings_snapshot(s: EconomySettings) -> dict:
    return {
        "measure": s.measure,
        "tier_measure": s.tier_measure,
        "operating_roles": s.operating_roles,
        "hollow_line": s.hollow_line,
        "weak_line": s.weak_line,
        "strong_line": s.strong_line,
        "increment_step": s.increment_step,
        "increment_award": s.increment_award,
        "increment_cap": s.increment_cap,
        "cadre_rate_bp": s.cadre_rate_bp,
        "cadre_cap": s.cadre_cap,
        "tiers": [[t.threshold, t.target, t.volume_award] for t in s.tiers.order_by("threshold")],
    }


SETTING_FIELDS = (
    "measure", "tier_measure", "operating_roles", "hollow_line", "weak_line", "strong_line", "increment_step", "increment_award",
    "increment_cap", "cadre_rate_bp", "cadre_cap",
)
MONEY_SETTINGS = {"hollow_line", "weak_line", "strong_line", "increment_step", "increment_award", "increment_cap", "cadre_cap"}
SETTING_LABELS = {
    "measure": "分类指标",
    "tier_measure": "档次指标",
    "operating_roles": "经营性收入口径",
    "hollow_line": "空壳村线",
    "weak_line": "薄弱村线",
    "strong_line": "强村线",
    "increment_step": "增量奖每增长",
    "increment_award": "增量奖奖励",
    "increment_cap": "增量奖上限",
    "cadre_rate_bp": "村干部奖励比例",
    "cadre_cap": "村干部奖励上限",
    "tiers": "档次目标",
}


def settings_errors(values: dict, tiers: list[Tier]) -> list[Problem]:
    """Pure checks of a county's rules (values: SETTING_FIELDS; money in fen, rate in bp)."""
    p: list[Problem] = []

    def bad(field, msg):
        p.append(Problem(msg, field=SETTING_LABELS.get(field, field)))

    if values.get("measure") not in dict(MEASURES):
        bad("measure", "应为经营性收入或经营收益")
    if values.get("tier_measure", "operating_income") not in dict(MEASURES):
        bad("tier_measure", "应为经营性收入或经营收益")
    roles = [r for r in str(values.get("operating_roles", "")).split(",") if r]
    if not roles:
        bad("operating_roles", "至少选择一种收入")
    for r in roles:
        if r in R.NEVER_OPERATING:
            bad("operating_roles", "补助收入不计入经营性收入")
        elif r not in R.OPERATING_ROLE_CHOICES:
            bad("operating_roles", f"未知的收入科目用途「{r}」")
    for f in MONEY_SETTINGS:
        v = values.get(f)
        if not isinstance(v, int) or isinstance(v, bool):
            bad(f, "应为金额")
        elif v < 0:
            bad(f, "不能为负数")
        elif v >= 10**14:
            bad(f, "金额过大")
    if not p:
        if values["weak_line"] > values["strong_line"]:
            bad("weak_line", "薄弱村线不能高于强村线")
        if values["hollow_line"] > values["weak_line"]:
            bad("hollow_line", "空壳村线不能高于薄弱村线")
        if values["increment_step"] <= 0:
            bad("increment_step", "应大于0")
    rate = values.get("cadre_rate_bp")
    if not isinstance(rate, int) or isinstance(rate, bool) or not 0 <= rate <= 10_000:
        bad("cadre_rate_bp", "应在 0% 到 100% 之间")
    seen = set()
    for i, t in enumerate(tiers, start=1):
        where = f"第{i}档："
        if t.threshold <= 0:
            bad("tiers", where + "档次线应大于0")
        elif t.threshold in seen:
            bad("tiers", where + f"档次线 {format_wan(t.threshold)} 万元重复")
        seen.add(t.threshold)
        if t.target < 0 or t.target > 100_000:
            bad("tiers", where + "目标村数应在 0 到 100000 之间")
        if t.volume_award < 0:
            bad("tiers", where + "体量奖不能为负数")
    return p


def update_settings(user, county_code: str, values: dict, tiers: list[Tier]) -> EconomySettings:
    """The county supervisor edits the county's rules; old and new go to the audit trail."""
    permissions.require(user, SETTINGS_ROLES, county_code, f"修改集体经济规则（{county_code}）", object_type="economy.修改集体经济规则", object_id=county_code)
    problems = settings_errors(values, tiers)
    if problems:
        raise Invalid(problems)
    s = settings_for(county_code)
    with transaction.atomic():
        s = EconomySettings.objects.select_for_update().get(pk=s.pk)
        old = settings_snapshot(s)
        for f in SETTING_FIELDS:
            if f == "tier_measure" and f not in values:
                continue  # callers that do not name it (older API clients) leave it as it is
            setattr(s, f, values[f])
        s.updated_by = user
        s.save()
        TierRule.objects.filter(settings=s).delete()
        TierRule.objects.bulk_create(
            [TierRule(settings=s, threshold=t.threshold, target=t.target, volume_award=t.volume_award) for t in sorted(tiers, key=lambda t: t.threshold)]
        )
        new = settings_snapshot(s)
        changed = {k for k in new if new[k] != old.get(k)}
        audit.record(
            "economy.settings.update", s, actor=user, old={k: old[k] for k in changed}, new={k: new[k] for k in changed},
            region_code=county_code,
        )
    return s


def parse_rate(text) -> int:
    """'20' or '20.5' (percent) → basis points (2000, 2050). At most two decimals."""
    try:
        d = Decimal(str(text).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        raise Invalid(Problem(f"比例「{text}」不是数字", field="村干部奖励比例")) from None
    if not d.is_finite() or d != d.quantize(Decimal("0.01")):
        raise Invalid(Problem(f"比例「{text}」最多两位小数", field="村干部奖励比例"))
    return int(d * 100)
