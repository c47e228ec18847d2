"""Openness (村务公开): county settings, financial disclosures frozen at publication, villagers'
questions and their answers.

A published disclosure is frozen: its snapshot (stored already masked), the book's chain head and
posted count at that moment never change — `save()` and `delete()` refuse, and so do the services.
"""

from django.conf import settings
from django.db import models

from sanwu.core.models import Event
from sanwu.core.scope import ScopedManager, ScopedQuerySet


class Frozen(Exception):
    """A published disclosure was about to be changed or deleted."""


class DisclosureSettings(models.Model):
    """Per county (principle 8: county rules are data): how often villages publish their
    finances, by which day of the following month, and how many days the township has to answer
    a villager's question."""

    FREQUENCIES = [("monthly", "每月公开"), ("quarterly", "每季度公开")]

    county = models.OneToOneField("regions.Region", on_delete=models.PROTECT, primary_key=True, related_name="+", verbose_name="县")
    frequency = models.CharField("公开频次", max_length=10, choices=FREQUENCIES, default="monthly")
    due_day = models.PositiveSmallIntegerField("截止日（次月几日前）", default=10)
    answer_days = models.PositiveSmallIntegerField("答复期限（天）", default=7)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = "county__code"

    class Meta:
        verbose_name = "公开设置"


class DisclosureQuerySet(ScopedQuerySet):
    """The scope gate, and no bulk change or deletion of published disclosures."""

    def update(self, **kwargs):
        if self.filter(status="published").exists():
            raise Frozen("已发布的公开不能修改")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status="published").exists():
            raise Frozen("已发布的公开不能删除")
        return super().delete()


class Disclosure(models.Model):
    """财务公开: one village book's figures for one month or quarter: draft (prepared by the
    accountant) → confirmed (by the village secretary) → published (frozen)."""

    STATUSES = [("draft", "待书记确认"), ("confirmed", "已确认待发布"), ("published", "已发布")]
    KINDS = [("month", "月度"), ("quarter", "季度")]

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="村")
    book = models.ForeignKey("ledger.Book", on_delete=models.PROTECT, related_name="+", verbose_name="账套")
    year = models.PositiveSmallIntegerField("年")
    month_from = models.PositiveSmallIntegerField("起始月")
    month_to = models.PositiveSmallIntegerField("截止月")
    kind = models.CharField("类型", max_length=8, choices=KINDS, default="month")
    status = models.CharField("状态", max_length=10, choices=STATUSES, default="draft", db_index=True)
    # The figures as shown to villagers, already masked (names 张*明, no ID numbers or phones).
    snapshot = models.JSONField(default=dict)
    snapshot_hash = models.CharField(max_length=64, blank=True)
    # The book's hash chain when the disclosure was published.
    chain_head = models.CharField(max_length=64, blank=True)
    posted_count = models.PositiveIntegerField(null=True, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(DisclosureQuerySet)()
    scope_field = "village__code"

    class Meta:
        ordering = ["village_id", "-year", "-month_to", "book_id"]
        constraints = [models.UniqueConstraint(fields=["book", "year", "month_from", "month_to"], name="unique_disclosure_period")]
        indexes = [models.Index(fields=["village", "status", "year"])]
        verbose_name = "财务公开"

    def __str__(self) -> str:
        return f"{self.village_id} {self.period_label}"

    @property
    def period_key(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}-Q{(self.month_to + 2) // 3}"
        return f"{self.year}-{self.month_to:02d}"

    @property
    def period_label(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[(self.month_to - 1) // 3]}季度"
        return f"{self.year}年{self.month_to}月"

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == "published":
                raise Frozen("已发布的公开不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if stored == "published" or self.status == "published":
            raise Frozen("已发布的公开不能删除")
        return super().delete(*args, **kwargs)


class DisclosureEvent(Event):
    """One row per step of a disclosure (prepared, re-prepared, confirmed, published)."""

    ACTIONS = [("prepared", "编制"), ("reprepared", "重新编制"), ("confirmed", "书记确认"), ("published", "发布")]

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="events")


# Who may read villagers' questions inside the platform: the township that answers them and
# those above it. The village's own cadres do not see them (a question may be a complaint
# about them; domain.md 2.1: no retaliation against complainants).
QUESTION_READERS = frozenset({"township_supervisor", "county_supervisor", "city_admin", "auditor"})


class Question(models.Model):
    """群众提问: asked by anyone about a village, answered by the township before the deadline;
    the answer is published with the question (both stored masked for the public)."""

    STATUSES = [("open", "待答复"), ("answered", "已答复")]

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="村")
    township_code = models.CharField("乡镇", max_length=12, db_index=True)
    text = models.TextField("问题")  # as asked, with phone, ID and account numbers removed
    contact_masked = models.CharField("联系方式（脱敏）", max_length=40, blank=True)
    contact_hash = models.CharField(max_length=64, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    asked_at = models.DateTimeField("提问时间", db_index=True)
    deadline = models.DateField("答复期限")
    status = models.CharField("状态", max_length=10, choices=STATUSES, default="open", db_index=True)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    # What the public page shows, masked when the answer was published.
    public_text = models.TextField(blank=True)
    public_answer = models.TextField(blank=True)

    objects = ScopedManager()
    scope_field = "village__code"
    scope_roles = QUESTION_READERS

    class Meta:
        ordering = ["-asked_at", "-id"]
        indexes = [models.Index(fields=["village", "status"]), models.Index(fields=["ip_hash", "asked_at"])]
        verbose_name = "群众提问"

    def __str__(self) -> str:
        return f"{self.village_id} #{self.pk}"

    @property
    def village_code(self) -> str:
        return self.village_id


class QuestionEvent(Event):
    """A question asked (by a villager: no actor) and answered (by the township)."""

    ACTIONS = [("asked", "提问"), ("answered", "答复")]

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="events")
