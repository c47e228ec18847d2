"""资金支付审批: a village's payment request (`PaymentRequest`) from the accountant, approved by the
village, reviewed by the township and then paid — by the township's bank through a payment file,
and in the books by a voucher made from the request. Every transition leaves a `PaymentEvent`;
every change an audit row. The payee's bank account number is personal data: stored encrypted
(`core.crypto`), shown masked."""

from django.conf import settings
from django.db import models

from sanwu.core import crypto
from sanwu.core.masking import mask_account, normalize_account
from sanwu.core.models import Event, StoredFile
from sanwu.core.scope import ScopedManager

from .rules import BANK_STATUSES, DEFAULTS, PAYEE_KINDS, STATUSES


class PaymentSettings(models.Model):
    """A county's thresholds; a county without a row uses `rules.DEFAULTS`."""

    county = models.OneToOneField("regions.Region", on_delete=models.PROTECT, primary_key=True, related_name="+")
    matter_threshold = models.BigIntegerField("须经四议两公开的金额（分）", default=DEFAULTS.matter_threshold)
    committee_threshold = models.BigIntegerField("须经村务监督委员会的金额（分）", default=DEFAULTS.committee_threshold)
    warn_without_request = models.BooleanField("付款凭证无审批单时预警", default=DEFAULTS.warn_without_request)
    warn_min_amount = models.BigIntegerField("预警起点（分）", default=DEFAULTS.warn_min_amount)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = "county__code"

    class Meta:
        verbose_name = "资金支付审批参数"


class PayerAccount(models.Model):
    """The book's bank account the village pays from, as its bank knows it (the collective's own
    account: not personal data)."""

    book = models.OneToOneField("ledger.Book", on_delete=models.PROTECT, primary_key=True, related_name="+")
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+", verbose_name="银行存款科目")
    number = models.CharField("付款账号", max_length=32)
    bank = models.CharField("开户行", max_length=100)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = "book__region__code"


class PaymentRequest(models.Model):
    """付款申请: one payment out of a village's book."""

    book = models.ForeignKey("ledger.Book", on_delete=models.PROTECT, related_name="+", verbose_name="账套")
    reference = models.CharField("业务参考号", max_length=20, unique=True, null=True, blank=True)
    payee_name = models.CharField("收款人户名", max_length=100)
    payee_kind = models.CharField("收款人类别", max_length=12, choices=list(PAYEE_KINDS.items()))
    payee_account_encrypted = models.TextField("收款账号（加密）")
    payee_account_masked = models.CharField("收款账号（脱敏）", max_length=32)
    payee_bank = models.CharField("开户行", max_length=100)
    amount = models.BigIntegerField("金额（分）")
    purpose = models.CharField("用途", max_length=200)
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+", verbose_name="支出科目（预算项目）")
    matter = models.ForeignKey("decisions.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="四议两公开事项")
    status = models.CharField("状态", max_length=12, choices=STATUSES, default="draft", db_index=True)
    reject_reason = models.CharField("退回原因", max_length=200, blank=True)
    committee_signer = models.CharField("村务监督委员会审核人", max_length=50, blank=True)
    bank_status = models.CharField("银行支付", max_length=8, choices=list(BANK_STATUSES.items()), blank=True, default="")
    bank_note = models.CharField("银行回单说明", max_length=200, blank=True)
    paid_on = models.DateField("付款日期", null=True, blank=True)
    voucher = models.OneToOneField("ledger.Voucher", null=True, blank=True, on_delete=models.SET_NULL, related_name="payment_request", verbose_name="付款凭证")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["book", "status"])]
        verbose_name = "付款申请"

    def __str__(self) -> str:
        return f"{self.reference or '付款申请'} {self.purpose}"

    @property
    def payee_account(self) -> str:
        return crypto.decrypt(self.payee_account_encrypted) if self.payee_account_encrypted else ""

    @payee_account.setter
    def payee_account(self, number: str) -> None:
        number = normalize_account(number)
        self.payee_account_encrypted = crypto.encrypt(number)
        self.payee_account_masked = mask_account(number)

    @property
    def shown_payee(self) -> str:
        """The payee as pages show it by default: a person's name masked, an organisation's in full."""
        from sanwu.core.masking import mask_name

        return mask_name(self.payee_name) if self.payee_kind == "person" else self.payee_name


class PaymentReceipt(StoredFile):
    """Invoices, contracts, acceptance sheets behind a request (copied onto its voucher)."""

    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="receipts")
    file = models.FileField(upload_to="payments/%Y/%m/")

    objects = ScopedManager()
    scope_field = "request__book__region__code"

    class Meta:
        ordering = ["request_id", "uploaded_at", "id"]


class PaymentEvent(Event):
    """A request's history: one row per transition, written by `PaymentEvent.record`."""

    ACTIONS = [
        ("create", "填写申请"),
        ("edit", "修改申请"),
        ("submit", "提交审批"),
        ("approve", "村级审批同意"),
        ("review", "乡镇审核同意"),
        ("reject", "退回"),
        ("bank_sent", "发送银行"),
        ("bank_paid", "银行已支付"),
        ("bank_failed", "银行支付失败"),
        ("pay", "生成付款凭证"),
    ]

    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="events")

    objects = ScopedManager()
    scope_field = "request__book__region__code"

    class Meta(Event.Meta):
        ordering = ["request_id", "at", "id"]
