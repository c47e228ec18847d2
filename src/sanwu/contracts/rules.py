"""Contracts as data and pure rules: the kinds (发包, 租赁, 出售, 合作, 借款), the counterparty, the
terms, the receivable schedule the terms give, and arrears ageing. Nothing here touches the
database.

The schedule: a line at the start of each period from the contract's start (the rent of a
period is due at its beginning, as village contracts have it) while the period begins on or
before the end; 一次 is one line on the start date. Escalation applies from each full year after
the start: by a percentage (compounded, rounded half up to the fen each year) or by an amount.
"""

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass

from sanwu.core.codes import credit_code_errors
from sanwu.core.errors import Problem

KINDS = {"contracting": "发包", "lease": "租赁", "sale": "出售", "cooperation": "合作", "loan": "借款"}
COUNTERPARTY_KINDS = {"person": "个人", "organisation": "单位"}
PERIODS = {"year": "年", "half": "半年", "quarter": "季", "once": "一次"}
PERIOD_MONTHS = {"year": 12, "half": 6, "quarter": 3, "once": 0}
ESCALATIONS = {"none": "不递增", "percent": "每年按比例递增", "amount": "每年按金额递增"}
STATUSES = [("active", "履行中"), ("ended", "已到期"), ("terminated", "已解除")]
BUCKETS = ((30, "30天以内"), (90, "31至90天"), (180, "91至180天"), (365, "181天至1年"), (None, "1年以上"))
MAX_LINES = 1_200  # a hundred years of months


@dataclass(frozen=True)
class Limits:
    """A county's limits for contracts (defaults: 四议两公开 from 5万元 as payments, open tender from
    10万元 as 浙江's 产权交易 rule, a lease at most 20 years (民法典 Art. 705), contracting-out and
    cooperation 30, a loan 5; no reference price until the county sets one)."""

    matter_threshold: int = 5_000_000
    tender_threshold: int = 10_000_000
    max_years: tuple[tuple[str, int], ...] = (("contracting", 30), ("lease", 20), ("cooperation", 30), ("loan", 5))
    min_price_per_mu: tuple[tuple[str, int], ...] = ()
    ending_days: int = 60
    grace_days: int = 30

    def max_months(self, kind: str) -> int:
        return 12 * dict(self.max_years).get(kind, 0)

    def min_price(self, kind: str) -> int:
        return dict(self.min_price_per_mu).get(kind, 0)


DEFAULT_LIMITS = Limits()


def yearly(t: "Terms") -> int:
    """The first year's price: the period's amount times periods in a year (the whole, for 一次)."""
    return t.amount * (12 // PERIOD_MONTHS[t.period]) if t.period != "once" else t.amount


def add_months(d: dt.date, n: int) -> dt.date:
    """`d` moved by `n` months, the day kept where the month has it (31 January + 1 → 28/29 February)."""
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class Terms:
    start: dt.date
    end: dt.date
    amount: int  # fen per period (the whole price for 一次)
    period: str = "year"
    escalation: str = "none"
    escalation_value: int = 0  # basis points for percent, fen for amount


def escalated(t: Terms, years: int) -> int:
    """The period's amount in the `years`-th year after the start (0 = the first year)."""
    if t.escalation == "amount":
        return t.amount + years * t.escalation_value
    if t.escalation == "percent":
        a = t.amount
        for _ in range(years):
            a = (a * (10_000 + t.escalation_value) + 5_000) // 10_000
        return a
    return t.amount


def schedule(t: Terms) -> list[tuple[int, dt.date, int]]:
    """(line number, due date, amount in fen) of every period of the terms."""
    if t.period == "once":
        return [(1, t.start, t.amount)]
    step = PERIOD_MONTHS[t.period]
    out = []
    i = 0
    while i < MAX_LINES:
        due = add_months(t.start, i * step)
        if due > t.end:
            break
        out.append((i + 1, due, escalated(t, i * step // 12)))
        i += 1
    return out


def term_months(start: dt.date, end: dt.date) -> int:
    """Whole months from start to the day after the end (a year's contract from 1 January to 31 December is 12)."""
    nxt = end + dt.timedelta(days=1)
    return (nxt.year - start.year) * 12 + nxt.month - start.month - (1 if nxt.day < start.day else 0)


def bucket(days: int) -> str:
    for limit, label in BUCKETS:
        if limit is None or days <= limit:
            return label
    return BUCKETS[-1][1]


@dataclass(frozen=True)
class ContractValues:
    number: str
    kind: str
    counterparty: str
    counterparty_kind: str
    credit_code: str
    obj: str
    area_cmu: int
    terms: Terms
    deposit: int = 0


def contract_problems(v: ContractValues) -> list[Problem]:
    """What is wrong with a contract's values, each naming its field."""
    out: list[Problem] = []

    def p(msg, fld):
        out.append(Problem(msg, field=fld))

    if not v.number.strip() or len(v.number) > 40:
        p("合同编号不能为空，且不超过40个字符", "合同编号")
    if v.kind not in KINDS:
        p(f"类型「{v.kind}」无效（{'、'.join(KINDS.values())}）", "类型")
    if not v.counterparty.strip() or len(v.counterparty) > 100:
        p("对方不能为空，且不超过100个字", "对方")
    if v.counterparty_kind not in COUNTERPARTY_KINDS:
        p("对方类型应为个人或单位", "对方类型")
    elif v.counterparty_kind == "organisation":
        if not v.credit_code:
            p("对方为单位时须填写统一社会信用代码", "统一社会信用代码")
        else:
            for e in credit_code_errors(v.credit_code):
                p(e, "统一社会信用代码")
    elif v.credit_code:
        p("对方为个人时不填统一社会信用代码", "统一社会信用代码")
    if not v.obj.strip() or len(v.obj) > 100:
        p("标的不能为空，且不超过100个字", "标的")
    if v.area_cmu < 0:
        p("面积不能为负数", "面积（亩）")
    t = v.terms
    if t.end < t.start:
        p(f"结束日期 {t.end} 早于开始日期 {t.start}", "结束日期")
    if t.amount <= 0:
        p("金额应大于0", "金额")
    if t.period not in PERIODS:
        p(f"收款周期「{t.period}」无效（{'、'.join(PERIODS.values())}）", "收款周期")
    if t.escalation not in ESCALATIONS or t.escalation_value < 0:
        p("递增方式无效", "递增")
    if v.deposit < 0:
        p("押金不能为负数", "押金")
    if t.period in PERIOD_MONTHS and t.period != "once" and t.end >= t.start and term_months(t.start, t.end) > MAX_LINES * PERIOD_MONTHS[t.period]:
        p("合同期限过长", "结束日期")
    return out
