"""The incentives: the volume award (体量奖), the increment award (增量奖) and the cadre reward
(村干部奖励), which the township approves only on the village's completed 四议两公开 decision and
the county may revoke. Every decision is frozen in `CadreReward` with its history."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sanwu.core import audit, permissions
from sanwu.core.codes import region_prefix
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_wan
from sanwu.decisions import services as decisions
from sanwu.decisions.models import Matter
from sanwu.regions.models import Region
from sanwu.workbench.services import inbox

from .. import rules as R
from ..models import CadreReward, CadreRewardEvent
from .access import APPROVE_ROLES, REVOKE_ROLES
from .common import check_year
from .figures import VillageYear, village_year, village_years


# --- The village's decision (四议两公开) ---------------------------------------------------------

CADRE_PURPOSE = "cadre_reward"


def decision_for(village_code: str, year: int) -> Matter | None:
    """The village's completed 四议两公开 decision on the year's cadre reward (the latest decided),
    or None. The one place that decides whether the village has decided: the decisions module
    says what "completed" means (resolution published, never abandoned)."""
    found = decisions.completed_matters(village_code, CADRE_PURPOSE, year)
    return found[-1] if found else None


def _decisions_in(user, prefix: str, year: int) -> dict[str, Matter]:
    """Each village's latest completed cadre-reward decision of the year under `prefix` (one query,
    through the scope gate). Uses the decisions module's own definition of "completed", so that
    the list and the approval agree."""
    qs = decisions.completed_matters_under(prefix, CADRE_PURPOSE, year)
    if user is not None:
        qs = qs.visible_to(user)
    out: dict[str, Matter] = {}
    for m in qs.order_by("village_id", "decided_on", "id"):
        out[m.village_id] = m  # the latest wins
    return out


def cadre_matters(user, village_code: str, year: int) -> list[Matter]:
    """All of the village's cadre-reward matters for the year the user may see, in any state
    (the award page lists them with their stage), latest first."""
    return list(
        permissions.visible(Matter, user).filter(village_id=village_code, purpose=CADRE_PURPOSE, year=year).order_by("-created_at", "-id")
    )


# --- Incentives ------------------------------------------------------------------------------------


@dataclass
class AwardRow:
    village: VillageYear
    matter: Matter | None  # the village's completed 四议两公开 decision for the year's cadre reward
    decision: CadreReward | None  # the township's decision on the reward

    @property
    def v(self) -> VillageYear:
        return self.village

    @property
    def volume(self) -> int:
        return self.village.volume_award

    @property
    def increment(self) -> int:
        return self.village.increment_award

    @property
    def cadre(self) -> int:
        """What the rule gives today, from the books."""
        return self.village.cadre_reward

    @property
    def cadre_granted(self) -> int:
        return self.decision.amount if self.decision and self.decision.status == "approved" else 0

    @property
    def status(self) -> str:
        if self.decision is not None:
            return self.decision.status
        if self.cadre <= 0:
            return "none"
        return "pending" if self.matter else "no_resolution"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def changed_since(self) -> bool:
        """The books moved after the township approved (the approved amount stays as approved)."""
        return bool(self.decision and self.decision.status == "approved" and self.decision.amount != self.cadre)

    @property
    def basis(self) -> Matter | None:
        """The decision the reward rests on: the one the township approved with, else the village's
        current completed decision."""
        if self.decision is not None and self.decision.matter_id is not None:
            return self.decision.matter
        return self.matter

    @property
    def basis_abandoned(self) -> bool:
        """The decision an approval rests on was abandoned afterwards (the county may revoke)."""
        return bool(self.decision and self.decision.status == "approved" and self.decision.matter and self.decision.matter.status == "abandoned")

    @property
    def total(self) -> int:
        return self.volume + self.increment + self.cadre_granted

    @property
    def volume_reason(self) -> str:
        return volume_reason(self.village)

    @property
    def increment_reason(self) -> str:
        return increment_reason(self.village)

    @property
    def cadre_reason(self) -> str:
        return cadre_reason(self.village)

    def row(self) -> dict:
        """One plain row (the API, the exports); the pages' and exports' link to the decision is
        added by `tables.awards_table`."""
        v = self.village
        return {
            "code": v.code, "name": v.name, "township": v.township_name, "year": v.year,
            "measure": v.measure, "measure_label": v.rules.measure_label, "tier": v.tier_label,
            "volume_award": self.volume, "volume_reason": self.volume_reason,
            "increment_award": self.increment, "increment_reason": self.increment_reason,
            "operating_income_change": v.operating_income_change,
            "cadre_reward": self.cadre, "cadre_reason": self.cadre_reason,
            "cadre_status": self.status, "cadre_status_label": self.status_label, "cadre_granted": self.cadre_granted,
            "decision_id": self.basis.pk if self.basis else None,
            "decision_title": self.basis.title if self.basis else "",
            "resolution_date": self.basis.decided_on if self.basis else None,
            "total": self.total,
        }


STATUS_LABELS = {
    "none": "无增量",
    "no_resolution": "待四议两公开决策",
    "pending": "待乡镇核准",
    "approved": "已核准",
    "rejected": "未核准",
    "revoked": "已撤销",
}


def _w(fen: int) -> str:
    return f"{format_wan(fen)}万元"


def volume_reason(v: VillageYear) -> str:
    t = v.tier
    if t is None:
        return ""
    return f"{v.rules.tier_measure_label}{_w(v.tier_value)}，达到{t.label}档，体量奖{_w(t.volume_award)}"


def increment_reason(v: VillageYear) -> str:
    growth = v.measure_change
    if not v.increment_award:
        return ""
    r = v.rules
    steps = growth // r.increment_step
    text = f"{r.measure_label}比上年增长{_w(growth)}，满{steps}个{R.wan_text(r.increment_step)}万元，每个奖{_w(r.increment_award)}"
    if r.increment_cap and steps * r.increment_award > r.increment_cap:
        text += f"，按上限{_w(r.increment_cap)}"
    return text


def cadre_reason(v: VillageYear) -> str:
    inc = v.operating_income_change
    if inc is None:
        return "账簿中没有上年数据"
    if inc <= 0:
        return f"经营性收入比上年{'减少' + _w(-inc) if inc < 0 else '持平'}，没有增量"
    r = v.rules
    raw = inc * r.cadre_rate_bp // 10_000
    text = f"经营性收入比上年增加{_w(inc)}，按{R.rate_text(r.cadre_rate_bp)}计{_w(raw)}"
    if raw > r.cadre_cap:
        text += f"，按每村上限{_w(r.cadre_cap)}"
    return text


def award_rows(user, region: Region, year: int, villages: list[VillageYear] | None = None) -> list[AwardRow]:
    """Villages that qualify for a volume, increment or cadre reward in the year (or on which the
    township has decided), highest total first."""
    villages = villages if villages is not None else village_years(user, region, year)
    prefix = region_prefix(region.code)
    matters = _decisions_in(user, prefix, year)
    rewards = {d.village_id: d for d in permissions.visible(CadreReward, user).filter(village__code__startswith=prefix, year=year).select_related("matter")}
    out = []
    for v in villages:
        row = AwardRow(v, matters.get(v.code), rewards.get(v.code))
        if row.volume or row.increment or row.cadre or row.decision:
            out.append(row)
    return sorted(out, key=lambda a: (-(a.volume + a.increment + max(a.cadre, a.cadre_granted)), a.village.code))


def _village(code: str) -> Region:
    village = Region.objects.filter(code=code, level="village").first()
    if village is None:
        raise Invalid(Problem(f"「{code}」不是已登记的村", field="region"))
    return village


def approve_cadre_reward(user, village_code: str, year: int, note: str = "") -> CadreReward:
    """The township approves a village's cadre reward: only with the village's completed 四议两公开
    decision on it (purpose `cadre_reward`, the same year) and an increase in operating income; the
    figures, the amount and the decision it rests on are frozen in the reward."""
    village = _village(village_code)
    year = check_year(year)
    permissions.require(user, APPROVE_ROLES, village.code, f"核准村干部奖励（{village.code}）", object_type="economy.核准村干部奖励", object_id=village.code)
    with transaction.atomic():
        Region.objects.select_for_update().filter(code=village.code).first()  # one decision at a time per village
        reward = CadreReward.objects.select_for_update().filter(village=village, year=year).first()
        if reward is not None and reward.status == "approved":
            raise Invalid(Problem(f"{village.name}{year}年度村干部奖励已核准"))
        # Lock the candidate matters: a decision abandoned meanwhile must not be approved on.
        list(Matter.objects.select_for_update().filter(village=village, purpose=CADRE_PURPOSE, year=year).values_list("pk", flat=True))
        matter = decision_for(village.code, year)
        problems = []
        if matter is None:
            problems.append(Problem(f"{village.name}没有已完成的{year}年度村干部奖励“四议两公开”决策（决议尚未公开），不能核准"))
        vy = village_year(None, village, year)
        if vy is None or vy.prev is None:
            problems.append(Problem(f"{village.name}的账簿没有{year - 1}年的数据，无法计算增量"))
        elif vy.cadre_reward <= 0:
            problems.append(Problem(f"{village.name}{year}年经营性收入比上年没有增加，没有村干部奖励"))
        if problems:
            raise Invalid(problems)
        old = reward.status if reward else ""
        reward = reward or CadreReward(village=village, year=year)
        reward.status = "approved"
        reward.operating_income = vy.now.operating_income
        reward.prev_operating_income = vy.prev.operating_income
        reward.increase = vy.operating_income_change
        reward.amount = vy.cadre_reward
        reward.rate_bp, reward.cap = vy.rules.cadre_rate_bp, vy.rules.cadre_cap
        reward.matter = matter
        reward.reason = (note or "").strip()[:200]
        reward.decided_by, reward.decided_at = user, timezone.now()
        reward.save()
        CadreRewardEvent.record(user, "approve", from_status=old, to_status=reward.status, note=reward.reason, reward=reward, amount=reward.amount)
        audit.record(
            "economy.cadre_reward.approve", reward, actor=user, region_code=village.code, old={"status": old} if old else None,
            new={"status": "approved", "year": year, "increase": reward.increase, "amount": reward.amount, "matter": matter.pk},
        )
    return reward


def reject_cadre_reward(user, village_code: str, year: int, reason: str) -> CadreReward:
    village = _village(village_code)
    year = check_year(year)
    permissions.require(user, APPROVE_ROLES, village.code, f"审核村干部奖励（{village.code}）", object_type="economy.审核村干部奖励", object_id=village.code)
    if not (reason or "").strip():
        raise Invalid(Problem("请填写不予核准的原因", field="reason"))
    with transaction.atomic():
        Region.objects.select_for_update().filter(code=village.code).first()
        reward = CadreReward.objects.select_for_update().filter(village=village, year=year).first()
        if reward is not None and reward.status in ("approved", "rejected"):
            raise Invalid(Problem(f"{village.name}{year}年度村干部奖励已{reward.get_status_display()}"))
        old = reward.status if reward else ""
        reward = reward or CadreReward(village=village, year=year)
        reward.status, reward.amount, reward.reason = "rejected", 0, reason.strip()[:200]
        reward.matter = decision_for(village.code, year)
        reward.decided_by, reward.decided_at = user, timezone.now()
        reward.save()
        CadreRewardEvent.record(user, "reject", from_status=old, to_status=reward.status, note=reward.reason, reward=reward, amount=reward.amount)
        audit.record("economy.cadre_reward.reject", reward, actor=user, region_code=village.code, old={"status": old} if old else None, new={"status": "rejected", "year": year}, note=reward.reason)
        inbox.notify(inbox.holders({"village_secretary"}, village.code, exact=True), "rejected", f"{year}年村干部奖励未核准", body=reward.reason, subject=reward, region_code=village.code, exclude=user)
    return reward


def revoke_cadre_reward(user, village_code: str, year: int, reason: str) -> CadreReward:
    """The county revokes an approval (a decision abandoned or wrong, corrected books); the township
    may then decide again."""
    village = _village(village_code)
    year = check_year(year)
    permissions.require(user, REVOKE_ROLES, village.code, f"撤销村干部奖励核准（{village.code}）", object_type="economy.撤销村干部奖励核准", object_id=village.code)
    if not (reason or "").strip():
        raise Invalid(Problem("请填写撤销原因", field="reason"))
    with transaction.atomic():
        reward = CadreReward.objects.select_for_update().filter(village=village, year=year).first()
        if reward is None or reward.status != "approved":
            raise Invalid(Problem(f"{village.name}{year}年度村干部奖励未核准，无需撤销"))
        old_amount = reward.amount
        reward.status, reward.reason = "revoked", reason.strip()[:200]
        reward.decided_by, reward.decided_at = user, timezone.now()
        reward.save()
        CadreRewardEvent.record(user, "revoke", from_status="approved", to_status=reward.status, note=reward.reason, reward=reward, amount=reward.amount)
        audit.record("economy.cadre_reward.revoke", reward, actor=user, region_code=village.code, old={"status": "approved", "amount": old_amount}, new={"status": "revoked"}, note=reward.reason)
        inbox.notify(inbox.holders({"village_secretary"}, village.code, exact=True), "rejected", f"{year}年村干部奖励核准已撤销", body=reward.reason, subject=reward, region_code=village.code, exclude=user)
    return reward


def reward_events(user, village_code: str, year: int) -> list[CadreRewardEvent]:
    return list(permissions.visible(CadreRewardEvent, user).filter(reward__village_id=village_code, reward__year=year).select_related("actor"))
