"""站内消息: one row per thing addressed to one user (an assignment, a return, a rejection, a
warning, an answer). Written by the services of the apps that make those changes, through
`workbench.services.notify`, in their transaction. A message is its recipient's alone: it is read
by `recipient`, never through the region scope."""

from django.conf import settings
from django.db import models
from django.utils import timezone

KINDS = [
    ("assigned", "交办"),
    ("returned", "退回"),
    ("rejected", "凭证退回"),
    ("warning", "预警"),
    ("explained", "预警已说明"),
    ("escalated", "预警上报"),
    ("handled", "预警已认可"),
    ("question", "群众提问"),
    ("confirm", "待确认"),
    ("answered", "答复"),
    ("other", "通知"),
]
KIND_LABELS = dict(KINDS)


class Message(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages", verbose_name="收件人")
    kind = models.CharField("类别", max_length=16, choices=KINDS, default="other")
    title = models.CharField("标题", max_length=200)
    body = models.CharField("内容", max_length=500, blank=True)
    # What the message is about: an object (its label as in the audit trail, e.g. "ledger.voucher",
    # and its id); the page's link is computed from these by the view.
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    region_code = models.CharField("区划代码", max_length=15, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["recipient", "created_at"])]
        verbose_name = "站内消息"

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
