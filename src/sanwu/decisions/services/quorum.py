"""Quorum rules of villagers' meetings: the county's own, else the city's, else the legal default."""

from django.db import transaction

from sanwu.core import audit
from sanwu.core.errors import Invalid, Problem
from sanwu.regions.models import Region

from .. import rules
from ..models import QuorumRule
from ..rules import MEETING_TYPES, VILLAGERS_MEETING_TYPES, Fraction, fname
from ..rules import QuorumRule as Rule
from sanwu.core.codes import city_of, county_of
from sanwu.core.permissions import require

from .permissions import RULE_ROLES


def quorum_rule_for(village_code: str, meeting_type: str) -> Rule:
    """The rule for a villagers' meeting of this type in this village: the county's own, else the
    city's, else the legal default."""
    default = rules.DEFAULT_QUORUM[meeting_type]
    county = county_of(village_code)
    city = city_of(village_code)
    found = {r.region_id: r for r in QuorumRule.objects.filter(region_id__in=[county, city], meeting_type=meeting_type)}
    for code in (county, city):
        r = found.get(code)
        if r is not None:
            name = Region.objects.filter(code=code).values_list("name", flat=True).first() or code
            return Rule(meeting_type, Fraction(r.present_num, r.present_den, r.strict), source=f"{name}规定")
    return default


def set_quorum_rule(user, region_code: str, meeting_type: str, num: int, den: int, strict: bool) -> QuorumRule:
    """A county (or the city) sets its own quorum for one type of villagers' meeting."""
    problems = []
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level not in ("county", "city"):
        problems.append(Problem(f"「{region_code}」不是已登记的县或市", field="region"))
    if meeting_type not in VILLAGERS_MEETING_TYPES:
        problems.append(Problem(f"会议形式应为：{'、'.join(MEETING_TYPES[m] for m in VILLAGERS_MEETING_TYPES)}", field=fname("meeting_type")))
    if not (isinstance(num, int) and isinstance(den, int) and 0 < num < den <= 100):
        problems.append(Problem("到会比例应为真分数，如 1/2、2/3", field=fname("present")))
    if problems:
        raise Invalid(problems)
    require(user, RULE_ROLES, region_code, "设置村民会议到会人数规则", object_type="decisions.quorum", object_id=region_code)
    with transaction.atomic():
        old = QuorumRule.objects.select_for_update().filter(region=region, meeting_type=meeting_type).first()
        before = {"num": old.present_num, "den": old.present_den, "strict": old.strict} if old else None
        rule, _ = QuorumRule.objects.update_or_create(
            region=region, meeting_type=meeting_type,
            defaults={"present_num": num, "present_den": den, "strict": bool(strict), "updated_by": user if user is not None and getattr(user, "pk", None) else None},
        )
        audit.record("decision.quorum_rule", rule, actor=user, old=before, new={"meeting_type": meeting_type, "num": num, "den": den, "strict": bool(strict)}, region_code=region_code)
    return rule

