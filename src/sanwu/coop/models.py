"""股份经济合作社: the cooperative's members, households, shares, certificates and distributions.

The cooperative is the collective that owns a village's books (`ledger.Collective`): what is
registered here belongs to the organisation, not to a book, so it survives a move to the 2023
chart. Law: 农村集体经济组织法 (in force 2025-05-01), `../shared/domain.md` sections 6 and 8.

- `Household` (户) and `Member` (a person of a household, linked to the person register, member
  of the cooperative or not): how membership began and ended, with dates (Arts. 12, 16–18).
- `Roster` (成员名册): the confirmed roster, frozen with a digest, confirmed by a members'
  meeting (Art. 27) and filed with the township, which acknowledges it.
- `ShareClass` (人口股, 劳龄股, 集体股, …) and `Holder` (a household, a member, or the collective
  itself). `ShareOperation` is the append-only, numbered share register (database triggers refuse
  UPDATE and DELETE); `Holding` is the kept current holding, always equal to the register replayed
  (`sanwu verify` checks). Share quantities are integers in hundredths of a share (`units`).
- `Certificate` (股权证): numbered per cooperative, the holder's holdings as at a date, a query
  code stored hashed.
- `Distribution` (收益分配方案) and its `DistributionLine` per holder, amounts in fen summing
  exactly to the distributable total; `DividendPayment` as payments are made.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sanwu.core import crypto
from sanwu.core.masking import mask_account, normalize_account
from sanwu.core.models import Event
from sanwu.core.scope import ScopedManager

from . import rules


class CoopSettings(models.Model):
    """A county's rules for its cooperatives (domain.md 8.2: the defaults show the reference)."""

    county = models.OneToOneField("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县（区）")
    holding_unit = models.CharField("持股单位", max_length=10, choices=list(rules.HOLDING_UNITS.items()), default="household")
    management = models.CharField("股权管理方式", max_length=10, choices=list(rules.MANAGEMENT.items()), default="static")
    holder_cap_bp = models.PositiveIntegerField("单一持有人持股上限（万分比）", default=rules.DEFAULT_HOLDER_CAP_BP)
    reserve_rate_bp = models.PositiveIntegerField("公积公益金提取比例（万分比）", default=rules.DEFAULT_RESERVE_RATE_BP)
    welfare_rate_bp = models.PositiveIntegerField("应付福利费提取比例（万分比）", default=0)
    outside_rate_bp = models.PositiveIntegerField("外来投资分利比例（万分比）", default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_field = "county__code"

    class Meta:
        verbose_name = "合作社县级规则"


class Household(models.Model):
    """户: a household of the cooperative; its head is the member marked 户主."""

    collective = models.ForeignKey("ledger.Collective", on_delete=models.PROTECT, related_name="households", verbose_name="集体经济组织")
    number = models.CharField("户号", max_length=20)
    bank_name = models.CharField("开户行", max_length=100, blank=True)
    bank_account_encrypted = models.TextField("银行账号（加密）", blank=True)
    bank_account_masked = models.CharField("银行账号（脱敏）", max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "collective__region__code"

    class Meta:
        ordering = ["collective_id", "number"]
        constraints = [models.UniqueConstraint(fields=["collective", "number"], name="coop_unique_household_number")]
        verbose_name = "户"

    def __str__(self) -> str:
        return f"{self.number}户"

    @property
    def bank_account(self) -> str:
        return crypto.decrypt(self.bank_account_encrypted) if self.bank_account_encrypted else ""

    @bank_account.setter
    def bank_account(self, number: str) -> None:
        number = normalize_account(number)
        self.bank_account_encrypted = crypto.encrypt(number) if number else ""
        self.bank_account_masked = mask_account(number) if number else ""


class Member(models.Model):
    """A person of a household (a row per person): a member of the cooperative or not, with how
    membership began and, once it ended, how. A person is in one household of one cooperative at
    a time (两头占 refused)."""

    collective = models.ForeignKey("ledger.Collective", on_delete=models.PROTECT, related_name="+", verbose_name="集体经济组织")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="people", verbose_name="户")
    person = models.ForeignKey("regions.Person", on_delete=models.PROTECT, related_name="+", verbose_name="人员")
    relation = models.CharField("与户主关系", max_length=12, choices=list(rules.RELATIONS.items()))
    is_head = models.BooleanField("户主", default=False)
    is_member = models.BooleanField("集体经济组织成员", default=True)
    joined_on = models.DateField("取得成员身份日期", null=True, blank=True)
    join_reason = models.CharField("取得方式", max_length=12, blank=True, choices=list(rules.JOIN_REASONS.items()))
    left_on = models.DateField("丧失成员身份日期", null=True, blank=True)
    leave_reason = models.CharField("丧失原因", max_length=16, blank=True, choices=list(rules.LEAVE_REASONS.items()))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "household__collective__region__code"

    class Meta:
        ordering = ["household_id", "-is_head", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(left_on__isnull=True), name="coop_person_in_one_household"),
            models.UniqueConstraint(fields=["household"], condition=Q(is_head=True), name="coop_one_head_per_household"),
        ]
        verbose_name = "家庭成员"

    def __str__(self) -> str:
        return self.person.masked_name

    @property
    def active(self) -> bool:
        return self.is_member and self.left_on is None


class MemberEvent(Event):
    ACTIONS = list(rules.MEMBER_ACTIONS.items())

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="events")

    objects = ScopedManager()
    scope_field = "member__household__collective__region__code"

    class Meta(Event.Meta):
        ordering = ["member_id", "at", "id"]


class Roster(models.Model):
    """成员名册: one version of the cooperative's confirmed roster. Confirmed by a members'
    meeting (Art. 27; a representatives' meeting may not confirm members, Art. 28), frozen with
    the digest of its lines, filed with the township, which acknowledges it."""

    collective = models.ForeignKey("ledger.Collective", on_delete=models.PROTECT, related_name="rosters", verbose_name="集体经济组织")
    version = models.PositiveIntegerField("版本")
    status = models.CharField("状态", max_length=12, choices=list(rules.ROSTER_STATUSES.items()), default="draft", db_index=True)
    lines = models.JSONField("名册", default=list)
    members_count = models.PositiveIntegerField("成员人数", default=0)
    households_count = models.PositiveIntegerField("户数", default=0)
    digest = models.CharField("校验码", max_length=64, blank=True)
    # The meeting that confirmed it, as a 四议两公开 stage records one (decisions.rules checks it).
    matter = models.ForeignKey("decisions.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="四议两公开事项")
    meeting_type = models.CharField("会议形式", max_length=20, blank=True)
    notice_on = models.DateField("会议通知日期", null=True, blank=True)
    held_on = models.DateField("会议日期", null=True, blank=True)
    entitled = models.PositiveIntegerField("应到成员", null=True, blank=True)
    present = models.PositiveIntegerField("实到成员", null=True, blank=True)
    votes_for = models.PositiveIntegerField("同意", null=True, blank=True)
    votes_against = models.PositiveIntegerField("反对", null=True, blank=True)
    votes_abstain = models.PositiveIntegerField("弃权", null=True, blank=True)
    filed_at = models.DateTimeField("报乡镇备案时间", null=True, blank=True)
    acknowledged_at = models.DateTimeField("乡镇确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "collective__region__code"

    class Meta:
        ordering = ["collective_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["collective", "version"], name="coop_unique_roster_version")]
        verbose_name = "成员名册"


class RosterEvent(Event):
    ACTIONS = list(rules.ROSTER_ACTIONS.items())

    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="events")

    objects = ScopedManager()
    scope_field = "roster__collective__region__code"

    class Meta(Event.Meta):
        ordering = ["roster_id", "at", "id"]


class ShareClass(models.Model):
    """A class of shares of one cooperative, as data: 人口股, 劳龄股, 集体股, 资金股 …"""

    collective = models.ForeignKey("ledger.Collective", on_delete=models.PROTECT, related_name="share_classes", verbose_name="集体经济组织")
    name = models.CharField("股份类别", max_length=20)
    kind = models.CharField("性质", max_length=12, choices=list(rules.SHARE_KINDS.items()), default="member")
    value_per_share = models.BigIntegerField("每股折股量化金额（分）", default=0)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    objects = ScopedManager()
    scope_field = "collective__region__code"

    class Meta:
        ordering = ["collective_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["collective", "name"], name="coop_unique_share_class")]
        verbose_name = "股份类别"

    def __str__(self) -> str:
        return self.name


class Holder(models.Model):
    """Who holds shares: a household, a member (when the county holds shares per member), or the
    collective itself (集体股)."""

    collective = models.ForeignKey("ledger.Collective", on_delete=models.PROTECT, related_name="+", verbose_name="集体经济组织")
    kind = models.CharField("持有人类型", max_length=10, choices=list(rules.HOLDER_KINDS.items()))
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="holders")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="holders")

    objects = ScopedManager()
    scope_field = "collective__region__code"

    class Meta:
        ordering = ["collective_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collective"], condition=Q(kind="collective"), name="coop_one_collective_holder"),
            models.UniqueConstraint(fields=["household"], condition=Q(kind="household"), name="coop_one_holder_per_household"),
            models.UniqueConstraint(fields=["member"], condition=Q(kind="member"), name="coop_one_holder_per_member"),
        ]
        verbose_name = "持股人"


class ShareOperation(models.Model):
    """股权登记簿: one numbered operation of the share register. Append-only (database triggers
    refuse UPDATE and DELETE); each row carries the digest of the one before, so `sanwu verify`
    finds the first operation that does not match."""

    collective = models.ForeignKey("ledger.Collective", on_delete=models.PROTECT, related_name="+", verbose_name="集体经济组织")
    number = models.PositiveIntegerField("登记序号")
    kind = models.CharField("变动类型", max_length=12, choices=list(rules.OPERATION_KINDS.items()))
    on = models.DateField("变动日期")
    share_class = models.ForeignKey(ShareClass, on_delete=models.PROTECT, related_name="+", verbose_name="股份类别")
    from_holder = models.ForeignKey(Holder, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="转出方")
    to_holder = models.ForeignKey(Holder, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="转入方")
    units = models.BigIntegerField("份额（百分之一股）")
    matter = models.ForeignKey("decisions.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="四议两公开事项")
    approval = models.CharField("批准依据", max_length=200, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    prev_digest = models.CharField(max_length=64, blank=True)
    digest = models.CharField("校验码", max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "collective__region__code"

    class Meta:
        ordering = ["collective_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["collective", "number"], name="coop_unique_operation_number"),
            models.CheckConstraint(condition=Q(units__gt=0), name="coop_operation_units_positive"),
        ]
        indexes = [models.Index(fields=["collective", "on"])]
        verbose_name = "股权变动登记"


class Holding(models.Model):
    """The kept current holding of one holder in one class: the register replayed."""

    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="holdings")
    share_class = models.ForeignKey(ShareClass, on_delete=models.PROTECT, related_name="+")
    units = models.BigIntegerField("份额（百分之一股）", default=0)

    objects = ScopedManager()
    scope_field = "holder__collective__region__code"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["holder", "share_class"], name="coop_unique_holding")]


class Certificate(models.Model):
    """股权证: numbered per cooperative; the holder's holdings as at a date; a query code printed
    only on the certificate, stored hashed. A reissue supersedes the one before."""

    collective = models.ForeignKey("ledger.Collective", on_delete=models.PROTECT, related_name="+", verbose_name="集体经济组织")
    number = models.CharField("证书编号", max_length=32, unique=True)
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="certificates", verbose_name="持股人")
    as_at = models.DateField("持股截止日期")
    issued_on = models.DateField("发证日期")
    holdings = models.JSONField("持股明细", default=list)
    status = models.CharField("状态", max_length=12, choices=list(rules.CERTIFICATE_STATUSES.items()), default="valid", db_index=True)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by")
    query_code_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "collective__region__code"

    class Meta:
        ordering = ["collective_id", "number"]
        constraints = [models.UniqueConstraint(fields=["holder"], condition=Q(status="valid"), name="coop_one_valid_certificate")]
        verbose_name = "股权证"

    def __str__(self) -> str:
        return f"股权证{self.number}"

    @property
    def total_units(self) -> int:
        return sum(int(line["units"]) for line in self.holdings)


class CertificateEvent(Event):
    ACTIONS = list(rules.CERTIFICATE_ACTIONS.items())

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")

    objects = ScopedManager()
    scope_field = "certificate__collective__region__code"

    class Meta(Event.Meta):
        ordering = ["certificate_id", "at", "id"]


class LookupAttempt(models.Model):
    """One try at the public household lookup (certificate number + 查询码), kept only to throttle
    it: the client's address and the number typed as keyed hashes, whether it found a household.
    Rows older than a day are removed as new ones come."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    number_hash = models.CharField(max_length=64, db_index=True)
    found = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "股权证查询记录"


class Distribution(models.Model):
    """收益分配方案 of one book's year: from the year-end closed books, the appropriations at the
    county's rates, the amount per share and each holder's amount (DistributionLine)."""

    collective = models.ForeignKey("ledger.Collective", on_delete=models.PROTECT, related_name="+", verbose_name="集体经济组织")
    book = models.ForeignKey("ledger.Book", on_delete=models.PROTECT, related_name="+", verbose_name="账套")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=12, choices=list(rules.DISTRIBUTION_STATUSES.items()), default="draft", db_index=True)
    available = models.BigIntegerField("可分配收益（分）", default=0)
    reserve_rate_bp = models.PositiveIntegerField("公积公益金提取比例（万分比）", default=0)
    reserve = models.BigIntegerField("提取公积公益金（分）", default=0)
    welfare_rate_bp = models.PositiveIntegerField("应付福利费提取比例（万分比）", default=0)
    welfare = models.BigIntegerField("提取应付福利费（分）", default=0)
    outside_rate_bp = models.PositiveIntegerField("外来投资分利比例（万分比）", default=0)
    outside = models.BigIntegerField("外来投资分利（分）", default=0)
    distributable = models.BigIntegerField("向成员分配（分）", default=0)
    total_units = models.BigIntegerField("总份额（百分之一股）", default=0)
    as_at = models.DateField("持股基准日", null=True, blank=True)
    matter = models.ForeignKey("decisions.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="四议两公开事项")
    published_on = models.DateField("向成员公布日期", null=True, blank=True)
    meeting_on = models.DateField("成员大会日期", null=True, blank=True)
    approved_at = models.DateTimeField("乡镇审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    chain_head = models.CharField("账簿防篡改校验码", max_length=64, blank=True)
    digest = models.CharField("方案校验码", max_length=64, blank=True)
    voucher = models.ForeignKey("ledger.Voucher", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="分配凭证")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "collective__region__code"

    class Meta:
        ordering = ["-year", "collective_id"]
        constraints = [
            models.UniqueConstraint(fields=["book", "year"], condition=~Q(status="withdrawn"), name="coop_one_distribution_per_year"),
        ]
        verbose_name = "收益分配方案"


class DistributionLine(models.Model):
    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="lines")
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="+")
    units = models.BigIntegerField("份额（百分之一股）")
    amount = models.BigIntegerField("分配金额（分）")
    paid = models.BigIntegerField("已支付（分）", default=0)

    objects = ScopedManager()
    scope_field = "distribution__collective__region__code"

    class Meta:
        ordering = ["distribution_id", "id"]
        constraints = [models.UniqueConstraint(fields=["distribution", "holder"], name="coop_unique_distribution_holder")]


class DividendPayment(models.Model):
    """A dividend paid to one holder: its payment voucher. Whatever is not paid stays payable."""

    line = models.ForeignKey(DistributionLine, on_delete=models.PROTECT, related_name="payments")
    amount = models.BigIntegerField("支付金额（分）")
    paid_on = models.DateField("支付日期")
    voucher = models.ForeignKey("ledger.Voucher", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="付款凭证")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "line__distribution__collective__region__code"


class DistributionEvent(Event):
    ACTIONS = list(rules.DISTRIBUTION_ACTIONS.items())

    distribution = models.ForeignKey(Distribution, on_delete=models.PROTECT, related_name="events")

    objects = ScopedManager()
    scope_field = "distribution__collective__region__code"

    class Meta(Event.Meta):
        ordering = ["distribution_id", "at", "id"]


class Venture(models.Model):
    """A joint venture (合作经营 / 四方入股) in which the cooperative invests with others: farmers'
    land valued in money, the collective's funds or resources, cadres' responsibility funds, idle
    funds, social capital. Each party's stake is its contribution (`VentureStake`); the year's
    profit is split by stake (`VentureProfit`) and the cooperative's part is its 投资收益."""

    collective = models.ForeignKey("ledger.Collective", on_delete=models.PROTECT, related_name="+", verbose_name="集体经济组织")
    name = models.CharField("经营主体名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    business = models.CharField("经营项目", max_length=200, blank=True)
    founded_on = models.DateField("成立日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "collective__region__code"

    class Meta:
        ordering = ["collective_id", "founded_on", "id"]
        constraints = [models.UniqueConstraint(fields=["collective", "name"], name="coop_unique_venture_name")]
        verbose_name = "合作经营项目"

    def __str__(self) -> str:
        return self.name


class VentureStake(models.Model):
    """One party's stake: what it put in, valued in fen."""

    venture = models.ForeignKey(Venture, on_delete=models.PROTECT, related_name="stakes")
    kind = models.CharField("出资方式", max_length=24, choices=list(rules.VENTURE_PARTIES.items()))
    party = models.CharField("出资方", max_length=100)
    contribution = models.BigIntegerField("出资额（分）")
    note = models.CharField("说明", max_length=200, blank=True)

    objects = ScopedManager()
    scope_field = "venture__collective__region__code"

    class Meta:
        ordering = ["venture_id", "id"]

    @property
    def is_collective(self) -> bool:
        return self.kind in rules.COLLECTIVE_PARTIES


class VentureProfit(models.Model):
    """The venture's profit of a year, split by stake; the cooperative's part goes to its books as
    投资收益 (a voucher submitted for the township's review)."""

    venture = models.ForeignKey(Venture, on_delete=models.PROTECT, related_name="profits")
    year = models.PositiveSmallIntegerField("年度")
    profit = models.BigIntegerField("可分配利润（分）")
    declared_on = models.DateField("分配日期")
    voucher = models.ForeignKey("ledger.Voucher", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="投资收益凭证")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "venture__collective__region__code"

    class Meta:
        ordering = ["venture_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["venture", "year"], name="coop_one_venture_profit_per_year")]


class VentureShare(models.Model):
    """One stake's part of a year's profit."""

    profit = models.ForeignKey(VentureProfit, on_delete=models.PROTECT, related_name="shares")
    stake = models.ForeignKey(VentureStake, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField("分得利润（分）")

    objects = ScopedManager()
    scope_field = "profit__venture__collective__region__code"

    class Meta:
        ordering = ["profit_id", "id"]


class Officer(models.Model):
    """One person's post in the cooperative (理事会, 财务会计人员, 监事会 / 村务监督委员会) from a date,
    until `ended_on`. The supervisory committee's members sign the monthly finance review through
    `account`, a user with the role village_supervisor for the village."""

    collective = models.ForeignKey("ledger.Collective", on_delete=models.PROTECT, related_name="+", verbose_name="集体经济组织")
    person = models.ForeignKey("regions.Person", on_delete=models.PROTECT, related_name="+", verbose_name="人员")
    post = models.CharField("职务", max_length=20, choices=list(rules.OFFICER_POSTS.items()))
    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="登录账号")
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "collective__region__code"

    class Meta:
        ordering = ["collective_id", "post", "started_on", "id"]
        indexes = [models.Index(fields=["collective", "ended_on"], name="coop_officer_serving")]
        verbose_name = "任职"

    @property
    def supervises(self) -> bool:
        return self.post in rules.SUPERVISOR_POSTS

    def serving_on(self, day) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on > day)


class FinanceReview(models.Model):
    """民主理财: the supervisory committee's review of one month of a book, with its remarks,
    signed by its members (`FinanceSignature`). A month's disclosure is published only after its
    review is signed by more than half the committee; the remarks are frozen with the disclosure.
    Append-only in the database (coop.triggers)."""

    collective = models.ForeignKey("ledger.Collective", on_delete=models.PROTECT, related_name="+", verbose_name="集体经济组织")
    book = models.ForeignKey("ledger.Book", on_delete=models.PROTECT, related_name="+", verbose_name="账套")
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    reviewed_on = models.DateField("理财日期")
    remarks = models.TextField("审核意见")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "collective__region__code"

    class Meta:
        ordering = ["book_id", "-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["book", "year", "month"], name="coop_one_finance_review_per_month")]
        verbose_name = "民主理财记录"

    @property
    def period_key(self) -> str:
        return f"{self.year}-{self.month:02d}"


class FinanceSignature(models.Model):
    """One committee member's signature on a finance review (append-only)."""

    review = models.ForeignKey(FinanceReview, on_delete=models.PROTECT, related_name="signatures")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+", verbose_name="签字人")
    signed_at = models.DateTimeField("签字时间", default=timezone.now)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_field = "review__collective__region__code"

    class Meta:
        ordering = ["review_id", "signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "officer"], name="coop_sign_review_once")]
