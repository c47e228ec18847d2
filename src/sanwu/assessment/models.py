"""Team analysis rounds and the difficult-villages list, rectification of weak and lax village
Party organisations, and assessments with their consequences.

Every model a user can reach names its `scope_field` (a region code path) for the one scope gate.
County-level headers (a round, an assessment, the county's settings) are scoped by the county;
rows about a township or a village by that region, so a township sees its own rows and nothing
of another township's. Money is integer fen; scores are integer hundredths of a point.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sanwu.core.models import Event
from sanwu.core.scope import ScopedManager

from .rules import OUTCOMES, RATINGS

# Who may see what at all (the scope gate narrows it to their regions). Party-work lists are
# the organisation department's: never the village accountant's.
VIEW_ROLES = frozenset({"city_admin", "county_supervisor", "township_supervisor", "auditor"})
VILLAGE_VIEW_ROLES = VIEW_ROLES | {"village_secretary"}

RATING_CHOICES = list(RATINGS.items())
LEVELS = [("township", "乡镇"), ("village", "村")]


class _Scoped(models.Model):
    objects = ScopedManager()

    class Meta:
        abstract = True


# --- County settings (county rules are data) ---------------------------------------------------


class CountySettings(_Scoped):
    """One row per county: funds for rectified villages and what an analysis round looks at."""

    county = models.OneToOneField("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县")
    party_funds_fen = models.BigIntegerField("每村党建经费（分）")
    project_funds_min_fen = models.BigIntegerField("项目扶持资金下限（分）")
    project_funds_max_fen = models.BigIntegerField("项目扶持资金上限（分）")
    analysis_criteria = models.JSONField("研判内容", default=list)

    scope_field = "county__code"
    scope_roles = VIEW_ROLES

    class Meta:
        verbose_name = "县级研判整顿考核设置"


class TypicalSituation(_Scoped):
    """软弱涣散 typical situation (domain.md 5.1), per county; local additions marked."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县")
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("情形", max_length=100)
    description = models.TextField("说明", blank=True)
    is_local = models.BooleanField("地方增补", default=False)
    active = models.BooleanField("启用", default=True)

    scope_field = "county__code"
    scope_roles = VIEW_ROLES

    class Meta:
        ordering = ["county_id", "number"]
        constraints = [models.UniqueConstraint(fields=["county", "number"], name="assessment_situation_number")]
        verbose_name = "软弱涣散典型情形"

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class IndicatorDefault(_Scoped):
    """The indicators and weights a county's new assessments start from."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县")
    key = models.CharField("指标代码", max_length=32)
    name = models.CharField("指标名称", max_length=50)
    weight = models.PositiveSmallIntegerField("权重（%）")
    order = models.PositiveSmallIntegerField("顺序", default=0)

    scope_field = "county__code"
    scope_roles = VIEW_ROLES

    class Meta:
        ordering = ["county_id", "order", "key"]
        constraints = [models.UniqueConstraint(fields=["county", "key"], name="assessment_indicator_default_key")]
        verbose_name = "考核指标（默认）"


class ConsequenceRule(_Scoped):
    """A county's rule turning an assessment result into a consequence (问责)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县")
    key = models.CharField("规则代码", max_length=40)
    name = models.CharField("规则名称", max_length=60)
    level = models.CharField("考核对象", max_length=10, choices=LEVELS, default="township")
    indicator_key = models.CharField("依据指标", max_length=32, blank=True, help_text="空 = 综合得分")
    bottom_n = models.PositiveSmallIntegerField("后N位", default=1)
    years = models.PositiveSmallIntegerField("连续年数", default=1)
    target = models.CharField("对象", max_length=60)
    action = models.CharField("处理", max_length=100)
    bars_promotion = models.BooleanField("当年度不列入推荐提拔或重用对象", default=False)
    deadline_days = models.PositiveSmallIntegerField("落实期限（天）", default=30)
    active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    scope_field = "county__code"
    scope_roles = VIEW_ROLES

    class Meta:
        ordering = ["county_id", "order", "key"]
        constraints = [models.UniqueConstraint(fields=["county", "key"], name="assessment_rule_key")]
        verbose_name = "考核问责规则"


# --- History (a row per state change, shown on the pages) -------------------------------------


class History(Event):
    """What happened to a round, a list entry, a rectification or an assessment, and who did it:
    one row per change, written by `History.record(user, action, kind=…, object_id=…,
    region_code=…, note=…)` (and `from_status`/`to_status` where a status changes)."""

    KINDS = [("round", "研判"), ("difficult", "重点难点村"), ("rectification", "整顿"), ("assessment", "考核")]
    ACTIONS = [
        ("created", "建立"), ("follow_up", "布置后续任务"), ("reviewed", "复核清单"), ("listed", "列入"), ("kept", "保留"),
        ("improved", "好转"), ("removed", "销号移出"), ("task_force", "安排专班"), ("rescreened", "延续整顿"), ("updated", "修改"),
        ("measure", "整顿措施"), ("delisted", "验收销号"), ("check_failed", "验收未通过"), ("indicators", "修改指标"),
        ("scores", "录入得分"), ("finalized", "定稿"), ("consequence", "考核问责"),
    ]

    kind = models.CharField(max_length=16, choices=KINDS)
    object_id = models.PositiveBigIntegerField()
    region_code = models.CharField(max_length=15, db_index=True)

    objects = ScopedManager()
    scope_field = "region_code"
    scope_roles = VILLAGE_VIEW_ROLES

    class Meta(Event.Meta):
        indexes = [models.Index(fields=["kind", "object_id"])]


# --- Team analysis rounds and the difficult-villages list --------------------------------------


class AnalysisRound(_Scoped):
    """班子运行分析研判: one county round (e.g. 2021年第1轮) over the county's villages."""

    STATUSES = [("open", "研判中"), ("reviewed", "已复核清单")]

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县")
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveSmallIntegerField("轮次")
    title = models.CharField("名称", max_length=60)
    held_on = models.DateField("研判日期")
    criteria = models.JSONField("研判内容", default=list)
    summary = models.TextField("总体情况", blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default="open")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_field = "county__code"
    scope_roles = VIEW_ROLES

    class Meta:
        ordering = ["county_id", "-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["county", "year", "number"], name="assessment_round_number")]
        verbose_name = "班子运行分析研判"

    def __str__(self) -> str:
        return self.title


class Rating(_Scoped):
    """One village's rating in a round: overall, per criterion, and the findings."""

    round = models.ForeignKey(AnalysisRound, on_delete=models.CASCADE, related_name="ratings")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="村")
    rating = models.CharField("研判等次", max_length=12, choices=RATING_CHOICES)
    criteria = models.JSONField("分项等次", default=dict)
    findings = models.TextField("主要问题", blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rated_at = models.DateTimeField(auto_now=True)

    scope_field = "village__code"
    scope_roles = VIEW_ROLES

    class Meta:
        ordering = ["round_id", "village_id"]
        constraints = [models.UniqueConstraint(fields=["round", "village"], name="assessment_rating_once")]
        verbose_name = "研判结果"


class FollowUp(_Scoped):
    """A follow-up task decided at a round; it goes into the task ledger (partywork)."""

    round = models.ForeignKey(AnalysisRound, on_delete=models.CASCADE, related_name="follow_ups")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="涉及区划")
    title = models.CharField("任务", max_length=200)
    description = models.TextField("要求", blank=True)
    deadline = models.DateField("完成时限")
    task_id = models.PositiveBigIntegerField("台账任务", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_field = "region__code"
    scope_roles = VIEW_ROLES

    class Meta:
        ordering = ["round_id", "deadline", "id"]
        verbose_name = "研判后续任务"


class DifficultVillage(_Scoped):
    """An entry of the difficult-villages list (重点难点村清单) with its task force (专班)."""

    STATUSES = [("listed", "在册"), ("removed", "已销号")]

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="村")
    status = models.CharField(max_length=10, choices=STATUSES, default="listed")
    listed_round = models.ForeignKey(AnalysisRound, on_delete=models.PROTECT, related_name="+", verbose_name="列入轮次")
    removed_round = models.ForeignKey(AnalysisRound, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="销号轮次")
    problems = models.TextField("主要问题", blank=True)
    leader = models.CharField("专班负责领导", max_length=100, blank=True)
    members = models.TextField("专班成员（姓名、单位，每行一人）", blank=True)
    task_id = models.PositiveBigIntegerField("台账任务", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_field = "village__code"
    scope_roles = VIEW_ROLES

    class Meta:
        ordering = ["village_id", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["village"], condition=Q(status="listed"), name="assessment_difficult_listed_once"),
        ]
        verbose_name = "重点难点村"


class DifficultReview(_Scoped):
    """What a round decided for a list entry: listed, kept, improved or removed."""

    entry = models.ForeignKey(DifficultVillage, on_delete=models.CASCADE, related_name="reviews")
    round = models.ForeignKey(AnalysisRound, on_delete=models.PROTECT, related_name="list_reviews")
    outcome = models.CharField(max_length=10, choices=list(OUTCOMES.items()))
    rating = models.CharField(max_length=12, choices=RATING_CHOICES, blank=True)
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    scope_field = "entry__village__code"
    scope_roles = VIEW_ROLES

    class Meta:
        ordering = ["entry_id", "round__held_on", "id"]
        constraints = [models.UniqueConstraint(fields=["entry", "round"], name="assessment_review_once")]


# --- Rectification of weak and lax organisations ----------------------------------------------


class Screening(_Scoped):
    """The yearly screening of one village against the county's typical situations."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县")
    year = models.PositiveSmallIntegerField("年度")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="村")
    situations = models.ManyToManyField(TypicalSituation, blank=True, related_name="+", verbose_name="符合情形")
    note = models.TextField("排查情况", blank=True)
    screened_on = models.DateField("排查日期")
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    screened_at = models.DateTimeField(auto_now=True)

    scope_field = "village__code"
    scope_roles = VILLAGE_VIEW_ROLES

    class Meta:
        ordering = ["year", "village_id"]
        constraints = [models.UniqueConstraint(fields=["year", "village"], name="assessment_screening_once")]
        verbose_name = "软弱涣散排查"


class Rectification(_Scoped):
    """A weak and lax village Party organisation under rectification (the ledger of domain.md
    5.1). Only a passed acceptance check (`AcceptanceCheck`) removes it from the list."""

    STATUSES = [("listed", "整顿中"), ("delisted", "验收销号")]

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县")
    year = models.PositiveSmallIntegerField("列入年度")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="村")
    situations = models.ManyToManyField(TypicalSituation, blank=True, related_name="+", verbose_name="存在问题（典型情形）")
    causes = models.TextField("原因分析", blank=True)
    plan = models.TextField("整顿方案", blank=True)
    county_leader = models.CharField("联系县级领导", max_length=100, blank=True)
    township_lead = models.CharField("乡镇责任人", max_length=100, blank=True)
    first_secretary = models.CharField("第一书记", max_length=100, blank=True)
    party_funds_fen = models.BigIntegerField("党建经费（分）", default=0)
    project_funds_fen = models.BigIntegerField("项目扶持资金（分）", default=0)
    deadline = models.DateField("整顿时限", null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default="listed", db_index=True)
    delisted_on = models.DateField("销号日期", null=True, blank=True)
    task_id = models.PositiveBigIntegerField("台账任务", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_field = "village__code"
    scope_roles = VILLAGE_VIEW_ROLES

    class Meta:
        ordering = ["-year", "village_id"]
        constraints = [
            models.UniqueConstraint(fields=["village"], condition=Q(status="listed"), name="assessment_rectification_open_once"),
            models.CheckConstraint(condition=Q(party_funds_fen__gte=0) & Q(project_funds_fen__gte=0), name="assessment_funds_not_negative"),
        ]
        verbose_name = "软弱涣散村党组织整顿"


class Measure(_Scoped):
    """A dated measure taken in a rectification."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="measures")
    date = models.DateField("日期")
    text = models.TextField("措施")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_field = "rectification__village__code"
    scope_roles = VILLAGE_VIEW_ROLES

    class Meta:
        ordering = ["rectification_id", "date", "id"]


class AcceptanceCheck(_Scoped):
    """验收: date, result, by whom. A passed check delists the village; a failed one keeps it."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="checks")
    date = models.DateField("验收日期")
    passed = models.BooleanField("验收通过")
    result = models.TextField("验收意见")
    checked_by = models.CharField("验收人（单位）", max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_field = "rectification__village__code"
    scope_roles = VILLAGE_VIEW_ROLES

    class Meta:
        ordering = ["rectification_id", "date", "id"]


# --- Assessments and consequences --------------------------------------------------------------


class Assessment(_Scoped):
    """考核: one county's yearly assessment of its townships (or villages)."""

    STATUSES = [("scoring", "评分中"), ("final", "已定稿")]

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县")
    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField("考核对象", max_length=10, choices=LEVELS, default="township")
    title = models.CharField("名称", max_length=80)
    status = models.CharField(max_length=10, choices=STATUSES, default="scoring")
    finalized_at = models.DateTimeField(null=True, blank=True)
    consequences_applied_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_field = "county__code"
    scope_roles = VIEW_ROLES

    class Meta:
        ordering = ["county_id", "-year", "level"]
        constraints = [models.UniqueConstraint(fields=["county", "year", "level"], name="assessment_once_per_year")]
        verbose_name = "考核"

    def __str__(self) -> str:
        return self.title


class Indicator(_Scoped):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="indicators")
    key = models.CharField("指标代码", max_length=32)
    name = models.CharField("指标名称", max_length=50)
    weight = models.PositiveSmallIntegerField("权重（%）")
    order = models.PositiveSmallIntegerField("顺序", default=0)

    scope_field = "assessment__county__code"
    scope_roles = VIEW_ROLES

    class Meta:
        ordering = ["assessment_id", "order", "key"]
        constraints = [models.UniqueConstraint(fields=["assessment", "key"], name="assessment_indicator_key")]


class Unit(_Scoped):
    """A township (or village) assessed: it sees its own scores, rank and consequences."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="units")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="考核对象")

    scope_field = "region__code"
    scope_roles = VILLAGE_VIEW_ROLES

    class Meta:
        ordering = ["assessment_id", "region_id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "region"], name="assessment_unit_once")]


class Score(_Scoped):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveIntegerField("得分（0.01分）")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    scope_field = "unit__region__code"
    scope_roles = VILLAGE_VIEW_ROLES

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "indicator"], name="assessment_score_once"),
            models.CheckConstraint(condition=Q(value__lte=10000), name="assessment_score_at_most_100"),
        ]


class Consequence(_Scoped):
    """A consequence a rule attached to a result. Recorded once per (assessment, rule, unit);
    the rule's wording is kept as it was when applied. It becomes a task in the task ledger."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="consequences")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="consequences")
    rule = models.ForeignKey(ConsequenceRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rule_key = models.CharField(max_length=40)
    rule_name = models.CharField("规则", max_length=60)
    target = models.CharField("对象", max_length=60)
    action = models.CharField("处理", max_length=100)
    bars_promotion = models.BooleanField("当年度不列入推荐提拔或重用对象", default=False)
    basis = models.TextField("依据")
    deadline = models.DateField("落实期限")
    task_id = models.PositiveBigIntegerField("台账任务", null=True, blank=True)
    task_title = models.CharField("任务", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_field = "unit__region__code"
    scope_roles = VILLAGE_VIEW_ROLES

    class Meta:
        ordering = ["assessment_id", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "rule_key", "unit"], name="assessment_consequence_once")]
        verbose_name = "考核问责"
