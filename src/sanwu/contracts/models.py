"""合同: a book's contracts (发包, 租赁, 出售, 合作, 借款) with their counterparty, what they cover,
their terms and the receivable schedule the terms give; each receipt voucher linked to the
schedule lines it pays (append-only), each line keeping what it has been paid; every change an
event row."""

from django.conf import settings
from django.db import models

from sanwu.core.models import Event
from sanwu.core.scope import ScopedManager

from .rules import COUNTERPARTY_KINDS, ESCALATIONS, KINDS, PERIODS, STATUSES


class ContractSettings(models.Model):
    """A county's limits for contracts (`rules.Limits`); a county without a row uses the defaults."""

    county = models.OneToOneField("regions.Region", on_delete=models.PROTECT, primary_key=True, related_name="+")
    matter_threshold = models.BigIntegerField("须经四议两公开的合同总额（分）")
    tender_threshold = models.BigIntegerField("须公开交易（竞价）的合同总额（分）")
    max_years = models.JSONField("各类合同的最长期限（年）", default=dict, blank=True)
    min_price_per_mu = models.JSONField("每亩每年参考价（分）", default=dict, blank=True)
    ending_days = models.PositiveSmallIntegerField("到期提醒天数")
    grace_days = models.PositiveSmallIntegerField("逾期宽限天数")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = "county__code"

    class Meta:
        verbose_name = "合同参数"


class Contract(models.Model):
    book = models.ForeignKey("ledger.Book", on_delete=models.PROTECT, related_name="+", verbose_name="账套")
    number = models.CharField("合同编号", max_length=40)
    kind = models.CharField("类型", max_length=12, choices=list(KINDS.items()))
    counterparty = models.CharField("对方", max_length=100)
    counterparty_kind = models.CharField("对方类型", max_length=12, choices=list(COUNTERPARTY_KINDS.items()))
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    object = models.CharField("标的", max_length=100)
    area_cmu = models.BigIntegerField("面积（0.01亩）", default=0)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    amount = models.BigIntegerField("每期金额（分）")
    period = models.CharField("收款周期", max_length=8, choices=list(PERIODS.items()))
    escalation = models.CharField("递增方式", max_length=8, choices=list(ESCALATIONS.items()), default="none")
    escalation_value = models.BigIntegerField("递增（万分之或分）", default=0)
    deposit = models.BigIntegerField("押金（分）", default=0)
    matter = models.ForeignKey("decisions.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="四议两公开事项")
    tender = models.CharField("公开交易（竞价）记录", max_length=100, blank=True)
    pledge = models.CharField("以集体财产提供的担保", max_length=100, blank=True)
    resources = models.ManyToManyField("assets.Resource", blank=True, related_name="contracts", verbose_name="涉及的资源")
    cards = models.ManyToManyField("assets.Card", blank=True, related_name="contracts", verbose_name="涉及的资产")
    status = models.CharField("状态", max_length=12, choices=STATUSES, default="active")
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        ordering = ["book_id", "number"]
        constraints = [models.UniqueConstraint(fields=["book", "number"], name="contracts_number_per_book")]
        verbose_name = "合同"

    def __str__(self) -> str:
        return f"{self.number} {self.object}"


class ScheduleLine(models.Model):
    """One period's receivable: due on `due`, `amount` fen, `paid` kept from its receipt links."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    seq = models.PositiveIntegerField("期次")
    due = models.DateField("应收日期")
    amount = models.BigIntegerField("应收（分）")
    paid = models.BigIntegerField("已收（分）", default=0)

    class Meta:
        ordering = ["contract_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["contract", "seq"], name="contracts_line_seq")]
        indexes = [models.Index(fields=["due"], name="contracts_line_due")]

    @property
    def owed(self) -> int:
        return self.amount - self.paid


class ReceiptLink(models.Model):
    """A posted receipt voucher paying (part of) a schedule line."""

    line = models.ForeignKey(ScheduleLine, on_delete=models.PROTECT, related_name="receipts")
    voucher = models.ForeignKey("ledger.Voucher", on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField("金额（分）")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line_id", "id"]
        indexes = [models.Index(fields=["voucher"], name="contracts_receipt_voucher")]


class ContractEvent(Event):
    ACTIONS = [("create", "登记合同"), ("import", "导入合同"), ("receipt", "登记收款"), ("status", "变更状态")]

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")

    objects = ScopedManager()
    scope_field = "contract__book__region__code"

    class Meta(Event.Meta):
        ordering = ["contract_id", "at", "id"]
