"""Warnings (预警) raised by the rules, their history, and each county's rule parameters.

A warning belongs to a village (its scope), names the rule that raised it and the subject it is
about (a voucher, a book's month, a disclosure, a question): one warning per (rule, subject), so
running a rule again never duplicates it. Status: open → explained → accepted, or escalated
(to the county, which then accepts). Every transition leaves a `WarningEvent`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from sanwu.core.models import Event
from sanwu.core.scope import ScopedManager

SEVERITIES = [("high", "高"), ("medium", "中"), ("low", "低")]
SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}
STATUSES = [("open", "待说明"), ("explained", "已说明"), ("accepted", "已认可"), ("escalated", "已上报县级")]
ACTIVE_STATUSES = ("open", "explained", "escalated")  # not yet settled


class Warning(models.Model):
    rule = models.CharField("规则", max_length=32)
    subject = models.CharField("对象", max_length=100)
    severity = models.CharField("严重程度", max_length=8, choices=SEVERITIES)
    status = models.CharField("状态", max_length=10, choices=STATUSES, default="open")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="村")
    township_code = models.CharField(max_length=12, db_index=True)
    county_code = models.CharField(max_length=12, db_index=True)
    book = models.ForeignKey("ledger.Book", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    voucher = models.ForeignKey("ledger.Voucher", null=True, blank=True, on_delete=models.PROTECT, related_name="warnings")
    amount = models.BigIntegerField("金额（分）", null=True, blank=True)
    message = models.CharField("说明", max_length=300)
    occurred_on = models.DateField("发生日期", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    explanation = models.TextField("情况说明", blank=True)
    explained_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    explained_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_note = models.CharField("处理意见", max_length=500, blank=True)

    objects = ScopedManager()
    scope_field = "village__code"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "subject"], name="unique_warning_per_rule_subject")]
        indexes = [
            models.Index(fields=["village", "status"]),
            models.Index(fields=["status", "created_at"]),
        ]
        verbose_name = "预警"

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.message}"


class WarningEvent(Event):
    """One row per transition (explain, accept, escalate), written by `WarningEvent.record`."""

    ACTIONS = [("explain", "说明"), ("accept", "认可"), ("escalate", "上报")]

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="events")

    objects = ScopedManager()
    scope_field = "warning__village__code"


class RuleSettings(models.Model):
    """A county's warning parameters; a county without a row uses the defaults (rules.Params)."""

    county = models.OneToOneField("regions.Region", on_delete=models.PROTECT, primary_key=True, related_name="+")
    cash_limit = models.BigIntegerField("现金支付限额（分）")
    large_amount = models.BigIntegerField("大额支出须经四议两公开（分）")
    duplicate_days = models.PositiveSmallIntegerField("重复支付间隔（天）")
    round_min = models.BigIntegerField("大额整数支付起点（分）")
    round_unit = models.BigIntegerField("整数单位（分）")
    close_day = models.PositiveSmallIntegerField("次月结账截止日")
    response_days = models.PositiveSmallIntegerField("说明期限（天）")
    disabled_rules = models.CharField("停用的规则", max_length=1000, blank=True)  # comma-separated rule codes: room for every rule
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = "county__code"

    class Meta:
        verbose_name = "预警参数"


class FeedGeneration(models.Model):
    """Per township, a number raised (in the same transaction) whenever the live feed's rows there
    change: a voucher posted in one of its books, a warning stored on one of its vouchers
    (`services.versions`). The feed's poll reads these few rows instead of the feed itself."""

    township_code = models.CharField(max_length=12, primary_key=True)
    generation = models.BigIntegerField(default=0)
