"""The books: charts copied into each book, vouchers and entries, periods, kept totals.

Posted vouchers and their entries are immutable (database triggers, migration 0002); a
correction is a reversing voucher. Amounts are integer fen; balances are debit-positive.
"""

from django.conf import settings
from django.db import models

from sanwu.core.models import Event, StoredFile
from sanwu.core.scope import ScopedManager

from .charts import CATEGORIES, CHART_VERSIONS, COUNTERPARTY_KINDS, SETTLEMENTS, SIDES, SOURCES


class Collective(models.Model):
    """集体经济组织 / 股份经济合作社: the organisation that owns books. A book on the 2004 chart
    and the book that succeeds it on the 2023 chart belong to the same collective; what is
    registered to the organisation (members, shares, assets, contracts) belongs to it, not to a
    book."""

    name = models.CharField("集体经济组织名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="collectives", verbose_name="所属村")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "region__code"

    class Meta:
        ordering = ["region_id", "name", "id"]
        verbose_name = "集体经济组织"

    def __str__(self) -> str:
        return self.name


class Book(models.Model):
    """账套: the books of one collective economic organisation."""

    code = models.CharField("账套编码", max_length=32, unique=True)
    name = models.CharField("集体经济组织名称", max_length=100)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="books", verbose_name="所属村")
    chart = models.CharField("会计制度", max_length=4, choices=list(CHART_VERSIONS.items()))
    start_date = models.DateField("启用日期")
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    collective = models.ForeignKey(Collective, on_delete=models.PROTECT, related_name="books", verbose_name="集体经济组织")
    # Set when the book moved to a newer chart (财会〔2023〕20号): the old book stays readable and
    # verifiable, and takes no more vouchers.
    successor = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessor", verbose_name="接续账套"
    )
    opening_confirmed = models.BooleanField("期初余额已确认", default=False)
    # The hash chain over posted vouchers: the head and how many links it has.
    chain_head = models.CharField(max_length=64, blank=True)
    posted_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "region__code"

    class Meta:
        ordering = ["code"]
        verbose_name = "账套"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ChartMove(models.Model):
    """A book moved to a newer chart: the old book's closing balances at `cutoff` became the
    new book's opening balances, account by account (`account_map`: old code → new code), for
    the mapping report."""

    old_book = models.OneToOneField(Book, on_delete=models.PROTECT, related_name="chart_move_out")
    new_book = models.OneToOneField(Book, on_delete=models.PROTECT, related_name="chart_move_in")
    cutoff = models.DateField("原账截止日期")
    account_map = models.JSONField("科目对照", default=dict)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "old_book__region__code"

    class Meta:
        verbose_name = "新旧制度衔接"


class Account(models.Model):
    """A book's account: a standard one from the chart, or a detail sub-account under one."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="accounts")
    code = models.CharField("科目编码", max_length=20)
    name = models.CharField("科目名称", max_length=100)
    category = models.CharField("类别", max_length=10, choices=list(CATEGORIES.items()))
    side = models.CharField("余额方向", max_length=6, choices=list(SIDES.items()))
    roles = models.CharField("用途", max_length=200, blank=True, help_text="comma-separated account roles")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    standard = models.BooleanField("标准科目", default=True)
    is_leaf = models.BooleanField("末级", default=True)
    is_open = models.BooleanField("启用", default=True)
    default_source = models.CharField("默认收入来源", max_length=12, blank=True, choices=list(SOURCES.items()))

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        ordering = ["book_id", "code"]
        constraints = [models.UniqueConstraint(fields=["book", "code"], name="unique_account_code_per_book")]
        verbose_name = "科目"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def role_set(self) -> set[str]:
        return {r for r in self.roles.split(",") if r}


class OpeningBalance(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="opening_balances")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    balance = models.BigIntegerField("期初余额（分，借正贷负）")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["book", "account"], name="unique_opening_per_account")]


class Period(models.Model):
    """A month of a book: open → audit_hold → closed; reopened only by the county."""

    STATUSES = [("open", "未结账"), ("audit_hold", "结账待审"), ("closed", "已结账")]

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="periods")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=STATUSES, default="open")
    changed_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        ordering = ["book_id", "year", "month"]
        constraints = [models.UniqueConstraint(fields=["book", "year", "month"], name="unique_period")]


class Voucher(models.Model):
    STATUSES = [("draft", "草稿"), ("submitted", "已提交"), ("reviewed", "已审核"), ("posted", "已记账"), ("rejected", "已退回")]
    KINDS = [("normal", "普通"), ("closing", "期末结转")]
    WORD = "记"

    # Indexed by the constraints and the index below, all of which start with the book.
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="vouchers", db_index=False)
    date = models.DateField("日期")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField("凭证号", null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default="draft", db_index=True)
    summary = models.CharField("摘要", max_length=200)
    kind = models.CharField("类型", max_length=8, choices=KINDS, default="normal")
    attachment_count = models.PositiveSmallIntegerField("附件数", default=0)
    total = models.BigIntegerField("借方合计（分）", default=0)
    source_no = models.CharField("原凭证号", max_length=40, blank=True)
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    # Who made, reviewed and posted: shown with the voucher, never searched by (no index to keep up).
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    poster = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    reject_reason = models.CharField("退回原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Hash chain (set at posting): position in the book's chain, previous head, own hash.
    seq = models.PositiveIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        ordering = ["book_id", "year", "month", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["book", "year", "month", "number"], name="unique_voucher_number"),
            models.UniqueConstraint(fields=["book", "seq"], name="unique_chain_seq"),
        ]
        indexes = [models.Index(fields=["book", "status", "date"])]
        verbose_name = "记账凭证"

    def __str__(self) -> str:
        return f"{self.label} {self.summary}"

    @property
    def label(self) -> str:
        if self.number is None:
            return f"{self.year}-{self.month:02d} 草稿（记账时编号）"
        return f"{self.year}-{self.month:02d} {self.WORD}-{self.number:04d}"


class Entry(models.Model):
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="entries", db_index=False)  # the (voucher, line) constraint indexes it
    line = models.PositiveSmallIntegerField()
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    summary = models.CharField("摘要", max_length=200, blank=True)
    debit = models.BigIntegerField("借方（分）", default=0)
    credit = models.BigIntegerField("贷方（分）", default=0)
    counterparty = models.CharField("往来单位", max_length=100, blank=True)
    # Person or organisation, as entered (blank: not said). Not part of the chain's canonical text.
    counterparty_kind = models.CharField(
        "往来单位类别", max_length=12, blank=True, default="", db_default="", choices=list(COUNTERPARTY_KINDS.items())
    )
    settlement = models.CharField("结算方式", max_length=10, blank=True, choices=list(SETTLEMENTS.items()))
    source = models.CharField("收入来源", max_length=12, blank=True, choices=list(SOURCES.items()))

    objects = ScopedManager()
    scope_field = "voucher__book__region__code"

    class Meta:
        ordering = ["voucher_id", "line"]
        constraints = [models.UniqueConstraint(fields=["voucher", "line"], name="unique_entry_line")]


class VoucherTemplate(models.Model):
    """凭证模板: a book's voucher kept by name (summary and entries, amounts optional) to fill a
    new voucher from. `entries`: a list of dicts (account code, debit and credit in fen, summary,
    counterparty, counterparty_kind, settlement, source)."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="templates")
    name = models.CharField("模板名称", max_length=40)
    summary = models.CharField("摘要", max_length=200)
    entries = models.JSONField("分录", default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        ordering = ["book_id", "name"]
        constraints = [models.UniqueConstraint(fields=["book", "name"], name="unique_template_name_per_book")]
        verbose_name = "凭证模板"

    def __str__(self) -> str:
        return self.name


class Attachment(StoredFile):
    """A receipt (原始凭证): JPEG, PNG or PDF, type checked by content, sha256 kept."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")

    objects = ScopedManager()
    scope_field = "voucher__book__region__code"


class AccountMonth(models.Model):
    """Kept totals per (book, account, month), updated in the posting transaction.

    `debit`/`credit` hold every posted entry; `close_debit`/`close_credit` the part of them that
    came from year-end closing vouchers, so that income and expense *flows* (statements,
    collective-economy figures) are `debit - close_debit` and survive the closing.
    """

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="months")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)
    close_debit = models.BigIntegerField(default=0)
    close_credit = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["book", "account", "year", "month"], name="unique_account_month")]
        indexes = [models.Index(fields=["book", "year", "month"])]


class RoleYear(models.Model):
    """Kept income and expense flows per (book, year, account role), without year-end closing
    vouchers: what collective-economy figures and city-wide rankings read (O(villages × roles))."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=32)
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["book", "year", "role"], name="unique_role_year")]
        indexes = [models.Index(fields=["year", "role"])]


class SourceMonth(models.Model):
    """Kept totals of income by source tag per (book, account, month): PV income and the like."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["book", "account", "source", "year", "month"], name="unique_source_month")]


class BankAssertion(models.Model):
    """对账: the bank statement's balance at the end of a day, compared with the books."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="assertions")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    balance = models.BigIntegerField("对账单余额（分）")
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "book__region__code"


class BankStatement(models.Model):
    """One imported bank statement (银行对账单) of one bank account: the file's name and digest
    (the same file twice is refused), the span of its lines and the balances around them. Its
    lines are append-only (database triggers); matching them to the bank journal is `BankMatch`.

    The original is not kept as a `StoredFile`: stored files are receipts checked as JPEG, PNG or
    PDF, and a statement's content is its lines, kept whole."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="bank_statements")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    date_from = models.DateField("起始日期")
    date_to = models.DateField("截止日期")
    opening_balance = models.BigIntegerField("期初余额（分）")
    closing_balance = models.BigIntegerField("期末余额（分）")
    line_count = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        ordering = ["book_id", "account_id", "date_from", "id"]
        verbose_name = "银行对账单"
        constraints = [models.UniqueConstraint(fields=["book", "account", "sha256"], name="unique_bank_statement_file")]

    def __str__(self) -> str:
        return f"{self.filename}（{self.date_from}至{self.date_to}）"


class BankStatementLine(models.Model):
    """One line of a bank statement: `amount` signed (收入 positive, 支出 negative), the balance the
    bank printed after it. Never changed or deleted once imported (triggers)."""

    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="lines")
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="+", db_index=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    row = models.PositiveIntegerField("文件行号")
    position = models.PositiveIntegerField("顺序")  # 0, 1, … in date order within its statement
    date = models.DateField("交易日期")
    amount = models.BigIntegerField("金额（分，收入为正）")
    balance = models.BigIntegerField("余额（分）")
    counterparty = models.CharField("对方户名", max_length=100, blank=True)
    summary = models.CharField("摘要", max_length=200, blank=True)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        ordering = ["account_id", "date", "statement_id", "position"]
        indexes = [models.Index(fields=["book", "account", "date"], name="bankline_book_account_date")]


class BankMatch(models.Model):
    """A statement line matched to one bank-journal entry of the same amount (one to one):
    automatic (by amount and direction within the date window) or by hand. Unmatching deletes
    the row; every change is a `BankMatchEvent`."""

    HOW = [("auto", "自动"), ("manual", "手工")]

    line = models.OneToOneField(BankStatementLine, on_delete=models.PROTECT, related_name="match")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="bank_match")
    how = models.CharField(max_length=8, choices=HOW)
    matched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    matched_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "line__book__region__code"


class BankMatchEvent(Event):
    """History of the matching: one row per match (auto or manual) and per unmatch."""

    ACTIONS = [("import", "导入对账单"), ("auto", "自动匹配"), ("match", "手工匹配"), ("unmatch", "取消匹配")]

    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="events")
    line = models.ForeignKey(BankStatementLine, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_field = "statement__book__region__code"

    class Meta(Event.Meta):
        verbose_name = "银行对账匹配记录"


class CountyLedgerSettings(models.Model):
    """A county's rules for its villages' books; a county without a row uses the defaults.

    `negative_cash`: what happens to a posting that would take a cash account (role `cash`)
    below zero — refused (the default: cash on hand cannot be negative), or held for the
    reviewer (only a township or county supervisor may post it, having seen it).

    `receivable_age_years`: a receivable whose oldest unpaid part (FIFO, `services.ageing`) is
    older than this many years raises the daily warning `receivable_overdue` (default 3).

    `december_close_month`/`december_close_day`: the day of the next year by which December is
    closed (default 31 March): December stays open until then for the year end (the closing,
    the distribution plan's vouchers), and the "month not closed" warning waits for it."""

    NEGATIVE_CASH = [("refuse", "不予记账"), ("hold", "留待审核人记账")]

    county = models.OneToOneField("regions.Region", on_delete=models.PROTECT, primary_key=True, related_name="+")
    negative_cash = models.CharField("库存现金余额为负时", max_length=8, choices=NEGATIVE_CASH, default="refuse")
    receivable_age_years = models.PositiveSmallIntegerField("应收款账龄预警年限", default=3)
    # Spending past the approved year's budget (the budgets app): a warning, or refused at posting.
    over_budget = models.CharField("超预算支出", max_length=8, choices=[("flag", "提示预警"), ("refuse", "不予记账")], default="flag")
    december_close_month = models.PositiveSmallIntegerField("12月结账截止月（次年）", default=3)
    december_close_day = models.PositiveSmallIntegerField("12月结账截止日（次年）", default=31)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = "county__code"

    class Meta:
        verbose_name = "县级账务设置"


class Archive(StoredFile):
    """会计档案: a closed year of one book bundled as a ZIP — the statements, books and vouchers as
    PDF, every receipt as uploaded, the data as CSV, and a manifest with each file's sha256 and the
    chain head the year ends on. Kept, never changed; a year bundled again (after it was reopened
    and closed again) is a new row, the latest one the current. Made by `services.archives`."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="archives")
    year = models.PositiveSmallIntegerField("会计年度")
    file = models.FileField(upload_to="archives/%Y/")
    chain_head = models.CharField("年末链头", max_length=64, blank=True)
    vouchers = models.PositiveIntegerField("凭证张数", default=0)
    receipts = models.PositiveIntegerField("原始凭证文件数", default=0)

    objects = ScopedManager()
    scope_field = "book__region__code"

    class Meta:
        ordering = ["book_id", "-year", "-id"]
        verbose_name = "会计档案"
