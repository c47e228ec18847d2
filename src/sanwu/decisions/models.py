"""四议两公开: a village's major matter (`Matter`) and the records of its six stages.

A stage record is never updated (a database trigger refuses it, migration 0002): a correction
is a new record with a higher version and a reason, and the page shows both. The publication
stages freeze the text as published (names, phone and ID numbers already masked) with a sha256.
Every transition leaves a `MatterEvent`; every change an audit event.
"""

from django.conf import settings
from django.db import models

from sanwu.core.models import Event, StoredFile
from sanwu.core.scope import ScopedManager

from .rules import CATEGORIES, CHANNELS, MEETING_TYPES, PURPOSES, STAGE_LABELS, STAGES, STATUSES, VILLAGERS_MEETING_TYPES


class Matter(models.Model):
    """村级重大事项: one matter going through 四议两公开."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="村")
    title = models.CharField("事项名称", max_length=200)
    description = models.TextField("事项内容", blank=True)
    category = models.CharField("事项类别", max_length=16, choices=list(CATEGORIES.items()))
    purpose = models.CharField("用途标记", max_length=16, choices=list(PURPOSES.items()), default="other", db_index=True)
    amount = models.BigIntegerField("涉及金额（分）", null=True, blank=True)
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    merged_first_steps = models.BooleanField("一肩挑：提议与两委商议合并", default=False)
    status = models.CharField("状态", max_length=12, choices=STATUSES, default="in_progress", db_index=True)
    stage = models.CharField("已完成到", max_length=24, blank=True, choices=[("", "未开始"), *STAGES], db_index=True)
    decided_on = models.DateField("决议公开日期", null=True, blank=True)
    completed_on = models.DateField("结果公开日期", null=True, blank=True)
    abandon_reason = models.CharField("终止原因", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = "village__code"

    class Meta:
        ordering = ["-year", "-created_at", "-id"]
        indexes = [models.Index(fields=["village", "year", "purpose"])]
        verbose_name = "四议两公开事项"

    def __str__(self) -> str:
        return self.title

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, "未开始")


class StageRecord(models.Model):
    """One stage of a matter as recorded. Immutable: a correction is a new version."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="records")
    stage = models.CharField("环节", max_length=24, choices=STAGES)
    version = models.PositiveSmallIntegerField("版本", default=1)
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    correction_reason = models.CharField("更正原因", max_length=200, blank=True)
    date = models.DateField("日期")
    meeting_type = models.CharField("会议形式", max_length=20, blank=True, choices=list(MEETING_TYPES.items()))
    entitled = models.PositiveIntegerField("应到人数", null=True, blank=True)
    present = models.PositiveIntegerField("实到人数", null=True, blank=True)
    votes_for = models.PositiveIntegerField("同意", null=True, blank=True)
    votes_against = models.PositiveIntegerField("反对", null=True, blank=True)
    votes_abstain = models.PositiveIntegerField("弃权", null=True, blank=True)
    text = models.TextField("内容")
    public_text = models.TextField("公开文本（已脱敏）", blank=True)
    channel = models.CharField("公开渠道", max_length=16, blank=True, choices=list(CHANNELS.items()))
    notice_date = models.DateField("会议通知日期", null=True, blank=True)  # 成员大会 (Art. 27)
    checks = models.JSONField("检查结果", default=list)
    rule = models.JSONField("适用的法定人数规则", null=True, blank=True)
    content_hash = models.CharField("内容哈希", max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "matter__village__code"

    class Meta:
        ordering = ["matter_id", "id"]
        constraints = [models.UniqueConstraint(fields=["matter", "stage", "version"], name="unique_stage_version")]
        verbose_name = "四议两公开环节记录"

    def __str__(self) -> str:
        return f"{self.matter_id} {STAGE_LABELS[self.stage]} v{self.version}"

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    @property
    def is_villagers_meeting(self) -> bool:
        return self.meeting_type in VILLAGERS_MEETING_TYPES


class StageAttachment(StoredFile):
    """Minutes, sign-in sheets, photos: JPEG, PNG or PDF, checked by content, sha256 kept."""

    KINDS = [("minutes", "会议记录"), ("sign_in", "签到表"), ("photo", "现场照片"), ("notice", "公告（公示照片）"), ("other", "其他")]

    record = models.ForeignKey(StageRecord, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField("类型", max_length=10, choices=KINDS, default="other")
    file = models.FileField(upload_to="decisions/%Y/%m/")

    objects = ScopedManager()
    scope_field = "record__matter__village__code"

    class Meta:
        ordering = ["record_id", "uploaded_at", "id"]


class MatterEvent(Event):
    """The matter's history: one row per transition (created, stage recorded or corrected,
    completed, abandoned, voucher linked or unlinked), written by `MatterEvent.record`."""

    ACTIONS = [
        ("create", "建立事项"),
        ("record", "记录环节"),
        ("correct", "更正环节"),
        ("abandon", "终止事项"),
        ("link", "关联凭证"),
        ("unlink", "取消关联凭证"),
    ]

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="events")
    stage = models.CharField(max_length=24, blank=True, choices=STAGES)

    objects = ScopedManager()
    scope_field = "matter__village__code"

    class Meta(Event.Meta):
        ordering = ["matter_id", "at", "id"]


class VoucherLink(models.Model):
    """A voucher of the village's own book paid under (or for) this decision."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="voucher_links")
    voucher = models.ForeignKey("ledger.Voucher", on_delete=models.PROTECT, related_name="decision_links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "matter__village__code"

    class Meta:
        ordering = ["matter_id", "id"]
        constraints = [models.UniqueConstraint(fields=["matter", "voucher"], name="unique_matter_voucher")]


class Comment(models.Model):
    """Supervisors' remarks on a matter, and the village's replies."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=32, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "matter__village__code"

    class Meta:
        ordering = ["matter_id", "created_at", "id"]


class QuorumRule(models.Model):
    """A county's (or the city's) own quorum for one type of villagers' meeting; without one the
    legal default applies (rules.DEFAULT_QUORUM). Approval is always > 1/2 of those present."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县或市")
    meeting_type = models.CharField(max_length=20, choices=[(k, MEETING_TYPES[k]) for k in VILLAGERS_MEETING_TYPES])
    present_num = models.PositiveSmallIntegerField()
    present_den = models.PositiveSmallIntegerField()
    strict = models.BooleanField(help_text="True: 超过; False: 以上（含）")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = "region__code"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "meeting_type"], name="unique_quorum_rule")]
