"""年度财务预算: a book's budget for a year, its lines by account, and its history.

A budget is drafted by the village accountant and approved by the members' meeting (成员大会 or
成员代表大会, 农村集体经济组织法 Art. 26 (7)): the approval records the meeting (date,
attendance, votes) or links the village's 四议两公开 matter that decided it. An approved budget is
frozen (its lines' content hash kept); a change is a new version, the old one kept and marked
superseded when the new one is approved. Every transition leaves a `BudgetEvent`.
"""

from django.conf import settings
from django.db import models

from sanwu.core.models import Event
from sanwu.core.scope import ScopedManager

from .rules import MEETING_TYPES, STATUSES


class Budget(models.Model):
    book = models.ForeignKey("ledger.Book", on_delete=models.PROTECT, related_name="+", verbose_name="账套")
    year = models.PositiveSmallIntegerField("年度")
    version = models.PositiveSmallIntegerField("版本", default=1)
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=12, choices=STATUSES, default="draft", db_index=True)
    note = models.CharField("说明", max_length=200, blank=True)
    change_reason = models.CharField("调整原因", max_length=200, blank=True)
    # The approval: the meeting as recorded, or the 四议两公开 matter that decided it.
    matter = models.ForeignKey("decisions.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="四议两公开事项")
    meeting_type = models.CharField("会议形式", max_length=16, blank=True, choices=list(MEETING_TYPES.items()))
    approved_on = models.DateField("批准日期", null=True, blank=True)
    entitled = models.PositiveIntegerField("应到人数", null=True, blank=True)
    present = models.PositiveIntegerField("实到人数", null=True, blank=True)
    votes_for = models.PositiveIntegerField("同意", null=True, blank=True)
    votes_against = models.PositiveIntegerField("反对", null=True, blank=True)
    votes_abstain = models.PositiveIntegerField("弃权", null=True, blank=True)
    content_hash = models.CharField("内容哈希", max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        ordering = ["-year", "book_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["book", "year", "version"], name="unique_budget_version")]
        indexes = [models.Index(fields=["book", "year", "status"])]
        verbose_name = "年度财务预算"

    def __str__(self) -> str:
        return f"{self.year}年度财务预算（第{self.version}版）"


class BudgetLine(models.Model):
    """One account's budget for the year (fen), with its twelve months (summing to it)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+", verbose_name="科目")
    amount = models.BigIntegerField("年度预算（分）")
    months = models.JSONField("月度分解（分）", default=list)
    note = models.CharField("说明", max_length=200, blank=True)

    objects = ScopedManager()
    scope_field = "budget__book__region__code"

    class Meta:
        ordering = ["budget_id", "account__code"]
        constraints = [models.UniqueConstraint(fields=["budget", "account"], name="unique_budget_account")]


class BudgetEvent(Event):
    ACTIONS = [
        ("create", "编制预算"),
        ("line", "修改预算行"),
        ("remove_line", "删除预算行"),
        ("approve", "成员（代表）大会批准"),
        ("revise", "调整预算（新版本）"),
        ("supersede", "被新版本替代"),
    ]

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="events")

    objects = ScopedManager()
    scope_field = "budget__book__region__code"

    class Meta(Event.Meta):
        ordering = ["budget_id", "at", "id"]
