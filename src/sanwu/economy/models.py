"""Collective-economy rules and records. The figures themselves are not stored: they are read from
the books' kept yearly role flows (`ledger.RoleYear`, `ledger.SourceMonth`), which the posting
transaction updates, so they are current the moment a voucher is posted.

- `EconomySettings` + `TierRule`: one county's rules (county rules are data; the seed's values are
  the defaults, see `rules.DEFAULTS`).
- `CadreReward` + `CadreRewardEvent`: the township's decision on a village's cadre reward and
  every transition of it (approve, reject, revoke). The approval rests on the village's completed
  四议两公开 decision (`decisions.Matter`, purpose `cadre_reward`), which the reward names.

Money is integer fen; rates are basis points (2000 = 20%).
"""

from django.conf import settings
from django.db import models

from sanwu.core.models import Event
from sanwu.core.scope import ScopedManager

MEASURES = [("operating_income", "经营性收入"), ("operating_return", "经营收益")]


class EconomySettings(models.Model):
    """One county's collective-economy rules. Created with the defaults on first use."""

    county = models.OneToOneField("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县")
    measure = models.CharField("分类指标", max_length=20, choices=MEASURES, default="operating_income")
    # The "351" tiers keep their own measure: a county that classes villages by 经营收益 still
    # counts its tier targets by 经营性收入 unless it says otherwise.
    tier_measure = models.CharField("档次指标", max_length=20, choices=MEASURES, default="operating_income")
    operating_roles = models.CharField(
        "经营性收入口径（科目用途）", max_length=200, default="operating_income,contracting_income,investment_income"
    )
    hollow_line = models.BigIntegerField("空壳村线（分）", default=0, help_text="指标不超过0、或低于此线为空壳村")
    weak_line = models.BigIntegerField("薄弱村线（分）", default=15_000_000)
    strong_line = models.BigIntegerField("强村线（分）", default=50_000_000)
    increment_step = models.BigIntegerField("增量奖：每增长（分）", default=10_000_000)
    increment_award = models.BigIntegerField("增量奖：奖励（分）", default=500_000)
    increment_cap = models.BigIntegerField("增量奖：每村上限（分，0为不设上限）", default=5_000_000)
    cadre_rate_bp = models.PositiveIntegerField("村干部奖励比例（基点，2000 = 20%）", default=2000)
    cadre_cap = models.BigIntegerField("村干部奖励每村上限（分）", default=10_000_000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_field = "county__code"

    class Meta:
        verbose_name = "集体经济规则"

    def __str__(self) -> str:
        return f"集体经济规则 {self.county_id}"

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.operating_roles.split(",") if r]


class TierRule(models.Model):
    """One tier of the county's tier targets (“351”): a line, how many villages should reach it,
    and the volume award (体量奖) for a village whose highest tier it is."""

    settings = models.ForeignKey(EconomySettings, on_delete=models.CASCADE, related_name="tiers")
    threshold = models.BigIntegerField("档次线（分）")
    target = models.PositiveIntegerField("目标村数")
    volume_award = models.BigIntegerField("体量奖（分）", default=0)

    objects = ScopedManager()
    scope_field = "settings__county__code"

    class Meta:
        ordering = ["settings_id", "threshold"]
        constraints = [models.UniqueConstraint(fields=["settings", "threshold"], name="unique_tier_threshold")]
        verbose_name = "档次目标"


class CadreReward(models.Model):
    """The township's decision on one village's cadre reward for one year (村干部奖励).

    The amounts are frozen when the township approves: the year's operating income, the year
    before, the increase and the reward (rate × increase, rounded down to the fen, capped).
    `matter` is the village's completed 四议两公开 decision the approval rests on (the latest
    decided when the township decided; a rejection names it too when there is one)."""

    STATUSES = [("approved", "已核准"), ("rejected", "未核准"), ("revoked", "已撤销")]

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="村")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField(max_length=10, choices=STATUSES)
    operating_income = models.BigIntegerField("本年经营性收入（分）", default=0)
    prev_operating_income = models.BigIntegerField("上年经营性收入（分）", default=0)
    increase = models.BigIntegerField("增量（分）", default=0)
    amount = models.BigIntegerField("奖励金额（分）", default=0)
    rate_bp = models.PositiveIntegerField("比例（基点）", default=0)
    cap = models.BigIntegerField("上限（分）", default=0)
    matter = models.ForeignKey(
        "decisions.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="四议两公开决策",
    )
    reason = models.CharField("说明", max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()
    scope_field = "village__code"

    class Meta:
        ordering = ["-year", "village_id"]
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="unique_cadre_reward")]
        verbose_name = "村干部奖励核准"


class CadreRewardEvent(Event):
    """One transition of a cadre reward: who, when, from which state to which, with what amount."""

    ACTIONS = [("approve", "核准"), ("reject", "不予核准"), ("revoke", "撤销核准")]

    reward = models.ForeignKey(CadreReward, on_delete=models.PROTECT, related_name="events")
    amount = models.BigIntegerField(default=0)

    objects = ScopedManager()
    scope_field = "reward__village__code"

    class Meta(Event.Meta):
        ordering = ["reward_id", "at", "id"]
        verbose_name = "村干部奖励审核记录"

    @property
    def from_label(self) -> str:
        return dict(CadreReward.STATUSES).get(self.from_status, "待核准")

    @property
    def to_label(self) -> str:
        return dict(CadreReward.STATUSES).get(self.to_status, self.to_status)


class KeptBookForms(models.Model):
    """One book's year as the 农经统计 forms read it from the book's statements
    (`services.statistics.book_year`), kept under the book's fingerprint (its posted vouchers'
    count and chain head, opening balances, accounts, and the code that computed it): a figure
    that no longer matches its book is computed again, never shown. Derived data only; deleting
    every row loses nothing."""

    book = models.ForeignKey("ledger.Book", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    fingerprint = models.CharField(max_length=64)
    values = models.JSONField(default=dict)
    problems = models.JSONField(default=list)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["book", "year"], name="unique_kept_book_forms")]
        verbose_name = "农经统计表（按账簿缓存）"
