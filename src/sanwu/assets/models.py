"""资产台账: a book's asset cards (固定资产卡片 and the chart's other asset accounts), the month's
depreciation runs and their lines, disposals, and every change as an event row.

A book keeps a register from the month it was started (`Register.since`): cards taken over then
carry the depreciation already charged (`opening_accumulated`); each month after, one run charges
every depreciable card and makes the month's voucher. A card's `accumulated` is a kept total:
its opening figure plus the lines of runs whose voucher is posted (`sanwu verify` adds them up
again); the lines are append-only in the database. A card leaves the register when its disposal's
voucher is posted.
"""

from django.conf import settings
from django.db import models

from sanwu.core.models import Event
from sanwu.core.scope import ScopedManager

from .rules import CATEGORY_LABELS, DISPOSALS, EXPENSES, KIND_LABELS, ORIGINS, RESOURCE_KINDS, RUN_STATUSES, STATES, USES, area_label


class AssetSettings(models.Model):
    """A county's rules for asset registers (`rules.Settings`); a county without a row uses the defaults."""

    county = models.OneToOneField("regions.Region", on_delete=models.PROTECT, primary_key=True, related_name="+")
    disposal_matter_threshold = models.BigIntegerField("须经四议两公开的处置原值（分）")
    kinds = models.JSONField("各类资产的使用年限与残值率", default=list, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = "county__code"

    class Meta:
        verbose_name = "资产台账参数"


class Register(models.Model):
    """That a book keeps an asset register, and from which month Sanwu charges its depreciation."""

    book = models.OneToOneField("ledger.Book", on_delete=models.PROTECT, related_name="asset_register")
    since_year = models.PositiveSmallIntegerField("起始年")
    since_month = models.PositiveSmallIntegerField("起始月")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        verbose_name = "资产台账"

    @property
    def since(self) -> tuple[int, int]:
        return (self.since_year, self.since_month)


class Card(models.Model):
    book = models.ForeignKey("ledger.Book", on_delete=models.PROTECT, related_name="+", verbose_name="账套")
    number = models.CharField("资产编号", max_length=40)
    name = models.CharField("名称", max_length=100)
    category = models.CharField("类别", max_length=32, choices=list(CATEGORY_LABELS.items()))
    kind = models.CharField("种类", max_length=20, choices=list(KIND_LABELS.items()))
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+", verbose_name="科目")
    location = models.CharField("存放地点", max_length=100, blank=True)
    quantity = models.DecimalField("数量", max_digits=12, decimal_places=2, default=1)
    unit = models.CharField("单位", max_length=10, blank=True)
    origin = models.CharField("来源", max_length=16, choices=list(ORIGINS.items()))
    voucher = models.ForeignKey("ledger.Voucher", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="入账凭证")
    custodian = models.CharField("保管人（使用人）", max_length=50, blank=True)
    acquired = models.DateField("取得日期")
    cost = models.BigIntegerField("原值（分）")
    life_months = models.PositiveSmallIntegerField("使用年限（月）")
    residual_bp = models.PositiveSmallIntegerField("残值率（万分之）")
    depreciable = models.BooleanField("计提折旧", default=True)
    expense_role = models.CharField("折旧计入", max_length=24, choices=list(EXPENSES.items()), default="management_expense")
    opening_accumulated = models.BigIntegerField("登记时已提折旧（分）", default=0)
    accumulated = models.BigIntegerField("累计折旧（分）", default=0)  # kept: opening + posted run lines
    state = models.CharField("状态", max_length=12, choices=list(STATES.items()), default="in_use", db_index=True)
    disposed_on = models.DateField("处置日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        ordering = ["book_id", "number"]
        constraints = [models.UniqueConstraint(fields=["book", "number"], name="assets_card_number_per_book")]
        indexes = [models.Index(fields=["book", "state"], name="assets_card_book_state")]
        verbose_name = "资产卡片"

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def net(self) -> int:
        return self.cost - self.accumulated

    @property
    def held(self) -> bool:
        return self.state != "disposed"


class DepreciationRun(models.Model):
    """One month's depreciation of a book: its lines and its voucher (none when nothing was due)."""

    book = models.ForeignKey("ledger.Book", on_delete=models.PROTECT, related_name="+", verbose_name="账套")
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    total = models.BigIntegerField("本月折旧（分）")
    cards = models.PositiveIntegerField("卡片数")
    status = models.CharField("状态", max_length=8, choices=RUN_STATUSES, default="pending")
    voucher = models.ForeignKey("ledger.Voucher", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="凭证")
    # What the voucher must say when it is posted: account id → debit-positive net (fen).
    entries = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        ordering = ["book_id", "-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["book", "year", "month"], condition=~models.Q(status="void"), name="assets_one_run_per_month"),
        ]
        indexes = [models.Index(fields=["voucher"], name="assets_run_voucher")]
        verbose_name = "折旧计提"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


class DepreciationLine(models.Model):
    run = models.ForeignKey(DepreciationRun, on_delete=models.PROTECT, related_name="lines")
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="lines")
    amount = models.BigIntegerField("本月折旧（分）")
    accumulated_before = models.BigIntegerField("计提前累计折旧（分）")

    class Meta:
        ordering = ["run_id", "card_id"]
        indexes = [models.Index(fields=["card", "run"], name="assets_line_card")]


class Disposal(models.Model):
    """A card's sale, scrapping or transfer out, with its gain or loss voucher; the card leaves the
    register when the voucher is posted."""

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="disposals")
    kind = models.CharField("处置方式", max_length=10, choices=list(DISPOSALS.items()))
    on = models.DateField("处置日期")
    proceeds = models.BigIntegerField("处置收入（分）", default=0)
    cost = models.BigIntegerField("原值（分）")
    accumulated = models.BigIntegerField("累计折旧（分）")
    matter = models.ForeignKey("decisions.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="四议两公开事项")
    reason = models.CharField("处置原因", max_length=200)
    status = models.CharField("状态", max_length=8, choices=RUN_STATUSES, default="pending")
    voucher = models.ForeignKey("ledger.Voucher", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="凭证")
    entries = models.JSONField(default=dict)  # as the run's
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "card__book__region__code"

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["voucher"], name="assets_disposal_voucher")]
        verbose_name = "资产处置"

    @property
    def gain(self) -> int:
        return self.proceeds - (self.cost - self.accumulated)


class CardEvent(Event):
    ACTIONS = [
        ("create", "登记卡片"),
        ("import", "导入卡片"),
        ("change", "修改卡片"),
        ("state", "变更状态"),
        ("dispose", "申请处置"),
        ("disposed", "处置记账"),
    ]

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="events")

    objects = ScopedManager()
    scope_field = "card__book__region__code"

    class Meta(Event.Meta):
        ordering = ["card_id", "at", "id"]


class Resource(models.Model):
    """资源性资产: a village's land, forest, hills, water or construction land, in 亩 (kept in
    hundredths: `area_cmu`), where it lies (a villager group), its certificate and how it is used;
    each change of use is a `ResourceEvent`."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="村")
    group = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="村民小组")
    number = models.CharField("资源编号", max_length=40)
    name = models.CharField("名称（坐落）", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=list(RESOURCE_KINDS.items()))
    area_cmu = models.BigIntegerField("面积（0.01亩）")
    certificate = models.CharField("权属证书", max_length=60, blank=True)
    use = models.CharField("利用方式", max_length=16, choices=list(USES.items()), db_index=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "village__code"

    class Meta:
        ordering = ["village_id", "number"]
        constraints = [models.UniqueConstraint(fields=["village", "number"], name="assets_resource_number_per_village")]
        verbose_name = "资源性资产"

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def area_mu(self) -> str:
        return area_label(self.area_cmu)


class ResourceEvent(Event):
    ACTIONS = [("create", "登记资源"), ("import", "导入资源"), ("use", "变更利用方式"), ("change", "修改资源")]

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="events")
    on = models.DateField("变更日期", null=True, blank=True)

    objects = ScopedManager()
    scope_field = "resource__village__code"

    class Meta(Event.Meta):
        ordering = ["resource_id", "at", "id"]
