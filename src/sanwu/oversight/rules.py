"""The warning rules (预警规则). Each rule is a small pure function over plain data: facts in,
a list of `Finding`s out. Nothing here touches the database: what a rule needs from the books or
from the other apps (earlier payments, decisions linked, overdue disclosures and questions) is
read by `services` and passed in.

What counts as what (the rules' vocabulary, written in account roles, never in account codes):

- **money out** of a voucher: the net credit to cash- and bank-role accounts (credits minus
  debits on those lines). Moving money between the cash box and the bank nets to zero.
- **cash payment**: the part of the money out that left the cash box: min(net credit to cash,
  money out). A deposit of cash into the bank is therefore not a cash payment.
- **expense**: the net debit to expense-role accounts (经营支出, 管理费用, 公益支出, 其他支出,
  税金及附加, 所得税费用).
- **expenditure** (支出): a normal (not year-end closing) voucher whose money out or expense is
  positive; its amount is the larger of the two. Red-ink reversals (negative amounts) are not
  expenditures.
- **counterparty** of an expenditure: the first non-empty counterparty on its money-out or
  expense lines (else on any line).

- **over budget**: an expense past the year's approved budget line (from the budgets app, which
  reads the budget and the kept totals; the rule only words the warning).

Defaults (each county may change them on the settings page): cash payment at or above 1,000元;
expenditure at or above 5万元 needs a completed 四议两公开 decision; the same counterparty and
amount twice within 7 days; round sums from 1万元 that are whole multiples of 1万元; a month must
be closed by the accountant by the 10th of the next month; a warning should be explained within 7
days; a receivable older than 3 years (a ledger setting of the county,
`CountyLedgerSettings.receivable_age_years`, since it belongs with the books' other settings).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from sanwu.core.money import format_yuan
from sanwu.ledger.charts import EXPENSE_ROLES

YUAN = 100
WAN = 10_000 * YUAN


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    severity: str
    when: str  # "posted" (run as a voucher is posted) or "daily" (time-based)
    responsible: str = "village"  # who explains: the village (accountant, secretary) or the township


RULES: dict[str, Rule] = {
    r.code: r
    for r in [
        Rule("cash_over_limit", "现金支付超限额", "medium", "posted"),
        Rule("no_attachment", "支出无原始凭证", "medium", "posted"),
        Rule("large_without_decision", "大额支出未经四议两公开", "high", "posted"),
        Rule("duplicate_payment", "疑似重复支付", "medium", "posted"),
        Rule("round_sum", "大额整数支付", "low", "posted"),
        Rule("over_budget", "超预算支出", "medium", "posted"),
        Rule("payment_without_request", "付款未经审批", "medium", "posted"),
        Rule("month_not_closed", "月度未按期结账", "low", "daily"),
        Rule("disclosure_overdue", "财务公开逾期", "medium", "daily"),
        Rule("question_overdue", "群众提问逾期未答复", "high", "daily", responsible="township"),
        Rule("receivable_overdue", "应收款账龄超期", "medium", "daily"),
        # Contracts (the contracts app gives the facts, `ContractFacts`; the county's limits with them).
        Rule("contract_payment_overdue", "合同款逾期未收", "medium", "daily"),
        Rule("contract_ending", "合同即将到期", "low", "daily"),
        Rule("contract_no_decision", "合同未经四议两公开", "high", "daily"),
        Rule("contract_no_tender", "合同未公开交易（竞价）", "high", "daily"),
        Rule("contract_term_too_long", "合同期限超过规定", "medium", "daily"),
        Rule("contract_low_price", "低价发包（租赁）", "high", "daily"),
        Rule("income_without_contract", "收入无合同", "medium", "daily"),
        Rule("property_pledged", "集体财产为他人债务担保", "high", "daily"),
    ]
}
POSTED_RULES = [r for r in RULES.values() if r.when == "posted"]
DAILY_RULES = [r for r in RULES.values() if r.when == "daily"]


def rule_label(code: str) -> str:
    """A rule's Chinese name (the code itself for a rule no longer in the registry)."""
    return RULES[code].label if code in RULES else code


@dataclass(frozen=True)
class Params:
    """A county's parameters (money in fen). The defaults apply where a county has set none."""

    cash_limit: int = 1_000 * YUAN
    large_amount: int = 5 * WAN
    duplicate_days: int = 7
    round_min: int = 1 * WAN
    round_unit: int = 1 * WAN
    close_day: int = 10
    # (month, day) of the next year by which December is closed: the county's
    # CountyLedgerSettings.december_close_month/_day (docs/parts/yearend.md), filled in by
    # services.params_by_county; the posting rules do not read it.
    december_close_by: tuple[int, int] = (3, 31)
    response_days: int = 7
    disabled: frozenset[str] = frozenset()

    def enabled(self, rule: str) -> bool:
        return rule not in self.disabled


DEFAULTS = Params()


def params_errors(p: Params) -> list[str]:
    """What is wrong with a set of parameters (Chinese), for the settings page and API."""
    out = []
    if p.cash_limit <= 0:
        out.append("现金支付限额应大于零")
    if p.large_amount <= 0:
        out.append("大额支出标准应大于零")
    if not 1 <= p.duplicate_days <= 366:
        out.append("重复支付间隔应在1到366天之间")
    if p.round_unit <= 0:
        out.append("整数单位应大于零")
    if p.round_min < p.round_unit:
        out.append("大额整数支付起点不能小于整数单位")
    if not 1 <= p.close_day <= 28:
        out.append("结账截止日应在每月1日到28日之间")
    if not 1 <= p.response_days <= 365:
        out.append("说明期限应在1到365天之间")
    unknown = set(p.disabled) - set(RULES)
    if unknown:
        out.append(f"未知规则：{'、'.join(sorted(unknown))}")
    return out


# --- Facts ------------------------------------------------------------------------------------


class Line(NamedTuple):
    roles: frozenset[str]
    debit: int = 0
    credit: int = 0
    counterparty: str = ""
    settlement: str = ""


MONEY_ROLES = frozenset({"cash", "bank"})


@dataclass  # not frozen: the posting hook makes one per voucher posted, and frozen doubles that cost
class VoucherFacts:
    id: int
    village_code: str
    date: dt.date
    label: str
    lines: tuple[Line, ...]
    attachment_count: int = 0
    kind: str = "normal"
    book_id: int | None = None
    summary: str = ""

    @cached_property
    def _flows(self) -> tuple[int, int, int]:
        """(money out, net credit to cash, expense) in one pass over the lines (the rules ask
        for each several times)."""
        money = cash = expense = 0
        for ln in self.lines:
            roles = ln.roles
            if not roles:
                continue
            if not roles.isdisjoint(MONEY_ROLES):
                money += ln.credit - ln.debit
                if "cash" in roles:
                    cash += ln.credit - ln.debit
            if not roles.isdisjoint(EXPENSE_ROLES):
                expense += ln.debit - ln.credit
        return money, cash, expense

    @property
    def money_out(self) -> int:
        return self._flows[0]

    @property
    def cash_out(self) -> int:
        money, cash, _ = self._flows
        return max(0, min(cash, money))

    @property
    def expense(self) -> int:
        return self._flows[2]

    @cached_property  # asked by three rules and the duplicate check for every voucher posted
    def expenditure(self) -> int:
        """The amount paid out or spent; 0 when this voucher is not an expenditure."""
        if self.kind == "closing":
            return 0
        money, _, expense = self._flows
        return max(money, expense, 0)

    @cached_property
    def counterparty(self) -> str:
        paying = [
            ln for ln in self.lines
            if (ln.credit > 0 and not ln.roles.isdisjoint(MONEY_ROLES)) or (ln.debit > 0 and not ln.roles.isdisjoint(EXPENSE_ROLES))
        ]
        for ln in paying + list(self.lines):
            if ln.counterparty.strip():
                return ln.counterparty.strip()
        return ""


@dataclass(frozen=True)
class Finding:
    rule: str
    subject: str
    village_code: str
    message: str
    voucher_id: int | None = None
    book_id: int | None = None
    amount: int | None = None
    occurred_on: dt.date | None = None
    severity: str = ""

    def __post_init__(self):
        if not self.severity:
            object.__setattr__(self, "severity", RULES[self.rule].severity)


def voucher_subject(voucher_id: int) -> str:
    return f"voucher:{voucher_id}"


def _on_voucher(rule: str, v: VoucherFacts, message: str, amount: int) -> Finding:
    return Finding(rule, voucher_subject(v.id), v.village_code, message, v.id, v.book_id, amount, v.date)


def y(fen: int) -> str:
    return f"{format_yuan(fen)}元"


# --- Rules run at posting ---------------------------------------------------------------------


def cash_over_limit(v: VoucherFacts, p: Params = DEFAULTS) -> list[Finding]:
    """A cash payment at or above the county's limit (default 1,000元 per payment)."""
    amount = v.cash_out
    if v.kind == "closing" or amount < p.cash_limit:
        return []
    return [_on_voucher("cash_over_limit", v, f"{v.label}「{v.summary}」现金支付 {y(amount)}，达到现金支付限额 {y(p.cash_limit)}", amount)]


def no_attachment(v: VoucherFacts, p: Params = DEFAULTS) -> list[Finding]:
    """An expenditure with no receipt (原始凭证) attached."""
    amount = v.expenditure
    if amount <= 0 or v.attachment_count > 0:
        return []
    return [_on_voucher("no_attachment", v, f"{v.label}「{v.summary}」支出 {y(amount)}，没有原始凭证（附件 0 张）", amount)]


def large_without_decision(v: VoucherFacts, decided: bool, p: Params = DEFAULTS) -> list[Finding]:
    """An expenditure at or above the threshold (default 5万元) with no completed 四议两公开
    decision linked (`decided`: whether one is)."""
    amount = v.expenditure
    if decided or amount < p.large_amount:
        return []
    return [
        _on_voucher(
            "large_without_decision", v,
            f"{v.label}「{v.summary}」支出 {y(amount)}，达到 {y(p.large_amount)}，但没有关联已完成的“四议两公开”决策", amount,
        )
    ]


def round_sum(v: VoucherFacts, p: Params = DEFAULTS) -> list[Finding]:
    """A large payment of a round sum: at least `round_min` and a whole multiple of `round_unit`."""
    amount = v.money_out if v.kind != "closing" else 0
    if amount < p.round_min or amount % p.round_unit:
        return []
    return [_on_voucher("round_sum", v, f"{v.label}「{v.summary}」支付整数金额 {y(amount)}", amount)]


def payment_without_request(v: VoucherFacts, requested: bool, least: int) -> list[Finding]:
    """A payment voucher — money out of cash or bank to an expense account — of at least `least`
    (the county's payments setting, default 1,000元) not made from an approved payment request
    (`requested`: whether it was; the payments app says)."""
    amount = min(v.money_out, v.expense) if v.kind != "closing" else 0
    if requested or amount <= 0 or amount < least:
        return []
    return [_on_voucher("payment_without_request", v, f"{v.label}「{v.summary}」付款 {y(amount)}，没有经过审批的付款申请", amount)]


@dataclass(frozen=True)
class Payment:
    """An expenditure as the duplicate rule sees it. `order` is the posting order (seq)."""

    voucher_id: int
    order: int
    date: dt.date
    counterparty: str
    amount: int
    label: str = ""
    village_code: str = ""
    book_id: int | None = None


def payment_of(v: VoucherFacts, order: int) -> Payment | None:
    amount, cp = v.expenditure, v.counterparty
    if amount <= 0 or not cp:
        return None
    return Payment(v.id, order, v.date, cp, amount, v.label, v.village_code, v.book_id)


def duplicate_payments(new: Iterable[Payment], earlier: Iterable[Payment], p: Params = DEFAULTS) -> list[Finding]:
    """The same counterparty and amount twice within `duplicate_days` days (default 7) in one
    book: the one posted later is flagged, naming the one before it."""
    groups: dict[tuple, list[Payment]] = defaultdict(list)
    new = list(new)
    for pay in [*earlier, *new]:
        groups[(pay.book_id, pay.counterparty, pay.amount)].append(pay)
    out = []
    for pay in new:
        twins = [
            o for o in groups[(pay.book_id, pay.counterparty, pay.amount)]
            if o.voucher_id != pay.voucher_id and o.order < pay.order and abs((o.date - pay.date).days) <= p.duplicate_days
        ]
        if not twins:
            continue
        first = min(twins, key=lambda o: o.order)
        days = abs((first.date - pay.date).days)
        gap = "同一天" if days == 0 else f"相隔 {days} 天"
        out.append(
            Finding(
                "duplicate_payment", voucher_subject(pay.voucher_id), pay.village_code,
                f"{pay.label} 向「{pay.counterparty}」支付 {y(pay.amount)}，与 {first.label} 金额相同、{gap}，疑似重复支付",
                pay.voucher_id, pay.book_id, pay.amount, pay.date,
            )
        )
    return out


def may_flag(v: VoucherFacts, p: Params = DEFAULTS) -> bool:
    """False when no posting rule can find anything in `v` (`voucher_findings`, `payment_of`): it
    pays nothing out and spends nothing (an income, a transfer between cash and bank), or it is a
    closing voucher, and the thresholds are positive (as `params_errors` requires). A batch of
    postings leaves most of its vouchers out this way before the rules run one by one."""
    if v.kind == "closing":
        return False
    money, _, expense = v._flows
    return money > 0 or expense > 0 or p.cash_limit <= 0 or p.round_min <= 0 or p.large_amount <= 0


def voucher_findings(v: VoucherFacts, p: Params = DEFAULTS, decided: bool = False) -> list[Finding]:
    """All single-voucher rules enabled for the county."""
    if v.kind == "closing":  # a year-end closing voucher pays nothing: every rule below finds nothing
        return []
    out: list[Finding] = []
    if p.enabled("cash_over_limit"):
        out += cash_over_limit(v, p)
    if p.enabled("no_attachment"):
        out += no_attachment(v, p)
    if p.enabled("large_without_decision"):
        out += large_without_decision(v, decided, p)
    if p.enabled("round_sum"):
        out += round_sum(v, p)
    return out


@dataclass(frozen=True)
class BudgetOverrun:
    """A voucher's spending past an expense line's approved budget for the year (from the
    budgets app): `text` says which line, the budget and the spending; `over` how much beyond."""

    voucher_id: int
    village_code: str
    book_id: int
    date: dt.date
    label: str
    summary: str
    text: str
    over: int


def over_budget(overruns: Iterable[BudgetOverrun]) -> list[Finding]:
    """Spending that took an expense line past the year's approved budget: one warning per
    voucher, naming each line it took over."""
    by_voucher: dict[int, list[BudgetOverrun]] = defaultdict(list)
    for o in overruns:
        by_voucher[o.voucher_id].append(o)
    out = []
    for vid, items in by_voucher.items():
        o = items[0]
        text = "；".join(x.text for x in items)
        out.append(Finding("over_budget", voucher_subject(vid), o.village_code, f"{o.label}「{o.summary}」{text}", vid, o.book_id, sum(x.over for x in items), o.date))
    return out


# --- Time-based rules (run daily) --------------------------------------------------------------


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def close_deadline(year: int, month: int, p: Params = DEFAULTS, start: dt.date | None = None) -> dt.date:
    """The day by which a month is closed: the `close_day` of the next month; December by the
    county's day of the next year (`december_close_by`, default 31 March), for the year end. The
    months after a December cannot close before it (months close in order), so while it waits
    they wait with it: their deadline is never before that December's. `start`: the book's
    start, when known (a book opened in January has no December before it to wait for)."""
    ny, nm = _next_month(year, month)
    if month == 12:
        return dt.date(ny, *p.december_close_by)
    own = dt.date(ny, nm, p.close_day)
    if start is not None and (start.year, start.month) > (year - 1, 12):
        return own
    return max(own, dt.date(year, *p.december_close_by))


@dataclass(frozen=True)
class BookMonths:
    """A book as the closing rule sees it: when it starts and which months the accountant has
    closed (status audit_hold or closed)."""

    book_id: int
    village_code: str
    name: str
    start: dt.date
    closed: frozenset[tuple[int, int]] = field(default_factory=frozenset)


def overdue_months(b: BookMonths, as_of: dt.date, p: Params = DEFAULTS) -> list[tuple[int, int]]:
    """Months of the book still open after their deadline (the 10th of the next month)."""
    out = []
    y_, m_ = b.start.year, b.start.month
    while close_deadline(y_, m_, p, b.start) < as_of:
        if (y_, m_) not in b.closed:
            out.append((y_, m_))
        y_, m_ = _next_month(y_, m_)
    return out


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def last_due_month(as_of: dt.date, p: Params = DEFAULTS, start: dt.date | None = None) -> int:
    """The index (year × 12 + month − 1) of the latest month whose closing deadline is before
    `as_of`: last month's, or an earlier one while later deadlines are still to come (the months
    waiting with December, at most a half year). Deadlines never fall as months go on, so the
    months up to it are all due."""
    last = _month_index(as_of.year, as_of.month) - 1
    while close_deadline(last // 12, last % 12 + 1, p, start) >= as_of:
        last -= 1
    return last


def overdue_of_closed_run(start: dt.date, run: tuple[int, int] | None, as_of: dt.date, p: Params = DEFAULTS) -> tuple[tuple[int, int], int] | None:
    """`overdue_months` for a book whose closed months are one unbroken run (first and last month
    index, None for none closed), in arithmetic: the first overdue month and how many months are
    overdue, or None. Costs the same for a book started decades ago."""
    s, e = _month_index(start.year, start.month), last_due_month(as_of, p, start)
    if e < s:
        return None
    closed, first = 0, s
    if run is not None:
        lo, hi = run
        closed = max(0, min(hi, e) - max(lo, s) + 1)
        if lo <= s <= hi:
            first = hi + 1
    if first > e:
        return None
    return (first // 12, first % 12 + 1), e - s + 1 - closed


def month_not_closed(b: BookMonths, as_of: dt.date, p: Params = DEFAULTS) -> list[Finding]:
    """A month not closed by the 10th of the next (December: by the county's day of the next
    year, see `close_deadline`). One warning per book for the earliest such month (months close
    in order, so the later ones wait on it); its message counts them all."""
    months = overdue_months(b, as_of, p)
    if not months:
        return []
    y_, m_ = months[0]
    deadline = close_deadline(y_, m_, p, b.start)
    more = f"，至今共 {len(months)} 个月逾期未结账" if len(months) > 1 else ""
    return [
        Finding(
            "month_not_closed", f"book:{b.book_id}:{y_}-{m_:02d}", b.village_code,
            f"{b.name} {y_}年{m_}月未在 {deadline:%Y-%m-%d} 前结账{more}", book_id=b.book_id, occurred_on=deadline,
        )
    ]


def disclosure_overdue(items: Iterable[dict], as_of: dt.date) -> list[Finding]:
    """Disclosures past their due date (from the disclosure app: village_code, the period's key
    and label, due_date): one warning per village and period."""
    out = []
    for it in items:
        village, period, due = it["village_code"], it["period"], it["due_date"]
        if due >= as_of:
            continue
        out.append(
            Finding(
                "disclosure_overdue", f"disclosure:{village}:{period}"[:100], village,
                f"{it.get('label') or period} 财务公开逾期未发布（应于 {due:%Y-%m-%d} 前公开）", occurred_on=due,
            )
        )
    return out


def question_overdue(questions: Iterable, as_of: dt.date) -> list[Finding]:
    """Villagers' questions unanswered past their deadline (objects with pk, village_code, deadline)."""
    out = []
    for q in questions:
        if q.deadline >= as_of:
            continue
        out.append(
            Finding(
                "question_overdue", f"question:{q.pk}", q.village_code, f"群众提问（编号 {q.pk}）逾期未答复（答复期限 {q.deadline:%Y-%m-%d}）",
                occurred_on=q.deadline,
            )
        )
    return out


def receivable_overdue(items: Iterable[dict], as_of: dt.date) -> list[Finding]:
    """Receivables with a part older than the county's limit (from the ledger,
    `ageing.overdue_receivables`: book, subject, counterparty as shown outside the village, the
    amount that old by FIFO, its oldest date, the years): one warning per book and counterparty,
    dated the day its oldest part passed the limit."""
    out = []
    for it in items:
        amount, oldest, years = it["amount"], it["oldest"], it["years"]
        passed = _years_after(oldest, years) + dt.timedelta(days=1)
        if amount <= 0 or passed > as_of:
            continue
        out.append(
            Finding(
                "receivable_overdue", it["subject"], it["village_code"],
                f"{it['book_name']} 应收「{it['counterparty']}」{y(amount)} 账龄超过 {years} 年未收回（最早一笔 {oldest:%Y-%m-%d}）",
                book_id=it["book_id"], amount=amount, occurred_on=passed,
            )
        )
    return out


def _years_after(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


# --- Contracts (facts from the contracts app) ----------------------------------------------------


@dataclass(frozen=True)
class ContractFacts:
    """One contract as the rules see it; the county's limits that apply to it come with it (money
    in fen; `price_per_mu` the yearly price per 亩, 0 when it has no area; `overdue`: (line, due,
    owed) of the lines due by the day and not fully paid)."""

    contract_id: int
    book_id: int
    village_code: str
    label: str  # 合同 HT-001（村集体茶园，王*国）
    kind: str
    end: dt.date
    term_months: int
    total: int
    price_per_mu: int
    decided: bool
    tendered: bool
    pledge: str
    overdue: tuple[tuple[int, dt.date, int], ...] = ()
    matter_threshold: int = 5 * WAN
    tender_threshold: int = 10 * WAN
    max_months: int = 0  # 0: no limit for the kind
    min_price_per_mu: int = 0  # 0: no reference price for the kind
    ending_days: int = 60
    grace_days: int = 30

    @property
    def subject(self) -> str:
        return f"contract:{self.contract_id}"


def _on_contract(rule: str, c: ContractFacts, message: str, amount: int | None = None, on: dt.date | None = None) -> Finding:
    return Finding(rule, c.subject, c.village_code, message, book_id=c.book_id, amount=amount, occurred_on=on)


def contract_payment_overdue(c: ContractFacts, as_of: dt.date) -> list[Finding]:
    """Receivables due more than the county's grace days ago and not fully paid: one warning per contract."""
    late = [(seq, due, owed) for seq, due, owed in c.overdue if (as_of - due).days > c.grace_days and owed > 0]
    if not late:
        return []
    owed = sum(o for _, _, o in late)
    oldest = min(d for _, d, _ in late)
    return [_on_contract("contract_payment_overdue", c, f"{c.label}：{len(late)} 期应收款逾期未收，合计 {y(owed)}（最早 {oldest:%Y-%m-%d} 到期）", owed, oldest + dt.timedelta(days=c.grace_days + 1))]


def contract_ending(c: ContractFacts, as_of: dt.date) -> list[Finding]:
    """A contract ending within the county's days: time to settle, renew or put it out again openly."""
    days = (c.end - as_of).days
    if not 0 <= days <= c.ending_days:
        return []
    return [_on_contract("contract_ending", c, f"{c.label}将于 {c.end:%Y-%m-%d} 到期（{days} 天后）", on=c.end - dt.timedelta(days=c.ending_days))]


def contract_no_decision(c: ContractFacts) -> list[Finding]:
    """A contract worth the county's threshold or more with no decided 四议两公开 matter."""
    if c.decided or c.total < c.matter_threshold:
        return []
    return [_on_contract("contract_no_decision", c, f"{c.label}合同总额 {y(c.total)}，达到 {y(c.matter_threshold)}，但没有关联已决议的“四议两公开”事项", c.total)]


def contract_no_tender(c: ContractFacts) -> list[Finding]:
    """A contract worth the county's tender threshold or more with no open tender (产权交易 / 公开竞价) recorded."""
    if c.tendered or c.total < c.tender_threshold:
        return []
    return [_on_contract("contract_no_tender", c, f"{c.label}合同总额 {y(c.total)}，达到 {y(c.tender_threshold)}，但没有公开交易（竞价）记录", c.total)]


def contract_term_too_long(c: ContractFacts) -> list[Finding]:
    """A term longer than the county allows for the kind (e.g. a lease past 20 years, 民法典 Art. 705)."""
    if not c.max_months or c.term_months <= c.max_months:
        return []
    return [_on_contract("contract_term_too_long", c, f"{c.label}期限 {c.term_months // 12} 年{c.term_months % 12 or ''}{'个月' if c.term_months % 12 else ''}，超过本县规定的 {c.max_months // 12} 年")]


def contract_low_price(c: ContractFacts) -> list[Finding]:
    """低价发包 (农村集体经济组织法 Art. 35): a yearly price per 亩 below the county's reference."""
    if not c.min_price_per_mu or not c.price_per_mu or c.price_per_mu >= c.min_price_per_mu:
        return []
    return [_on_contract("contract_low_price", c, f"{c.label}每亩每年 {y(c.price_per_mu)}，低于本县参考价 {y(c.min_price_per_mu)}", c.price_per_mu)]


def property_pledged(c: ContractFacts) -> list[Finding]:
    """Collective property pledged for someone's debt (Art. 35 forbids guaranteeing debts with it)."""
    if not c.pledge.strip():
        return []
    return [_on_contract("property_pledged", c, f"{c.label}以集体财产提供担保：{c.pledge}")]


def contract_findings(c: ContractFacts, as_of: dt.date) -> list[Finding]:
    return [
        *contract_payment_overdue(c, as_of), *contract_ending(c, as_of), *contract_no_decision(c), *contract_no_tender(c),
        *contract_term_too_long(c), *contract_low_price(c), *property_pledged(c),
    ]


def income_without_contract(items: Iterable[dict]) -> list[Finding]:
    """Rent or contracting income (by source) from a counterparty the book has no contract with:
    one warning per book, counterparty and year (`items`: book_id, book_name, village_code,
    counterparty as shown, year, amount, first)."""
    return [
        Finding(
            "income_without_contract", f"income:{it['book_id']}:{it['year']}:{it['key']}", it["village_code"],
            f"{it['book_name']} {it['year']}年收到「{it['counterparty']}」租赁、发包收入 {y(it['amount'])}，但没有与其登记的合同",
            book_id=it["book_id"], amount=it["amount"], occurred_on=it["first"],
        )
        for it in items if it["amount"] > 0
    ]
