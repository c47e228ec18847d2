"""The year's budget as data and pure checks: statuses, the meetings that approve a budget and
their votes (农村集体经济组织法 Arts. 26 (7), 27, 28), the monthly split, and which spending
takes a budget line past its year's amount. Nothing here touches the database.

- 成员大会 (members): at least two thirds of the members present (``3 × present ≥ 2 × entitled``)
  and at least two thirds of ALL members in favour (``3 × for ≥ 2 × entitled``), Art. 27;
- 成员代表大会 (representatives): at least two thirds of ALL representatives in favour, Art. 28
  (Art. 26 (7), the budget, is not among the items reserved to the members' meeting).
"""

from dataclasses import dataclass

from sanwu.core.errors import Problem
from sanwu.core.money import format_yuan, split_by_largest_remainder
from sanwu.decisions.rules import StageData, coop_meeting_problems

STATUSES = [("draft", "草稿"), ("approved", "已批准"), ("superseded", "已被新版本替代")]
STATUS_LABELS = dict(STATUSES)
MEETING_TYPES = {"members": "成员大会", "representatives": "成员代表大会"}
COOP_MEETING_TYPE = {"members": "coop_members", "representatives": "coop_representatives"}  # decisions.rules
KINDS = {"income": "收入", "expense": "支出"}
MODES = {"flag": "提示预警", "refuse": "不予记账"}
MONTHS = 12


def even_months(amount: int) -> list[int]:
    """A year's amount over twelve months, as even as whole fen allow (largest remainder)."""
    return split_by_largest_remainder(amount, [1] * MONTHS)


def month_problems(amount: int, months) -> list[Problem]:
    if months is None:
        return []
    if len(months) != MONTHS or any(isinstance(m, bool) or not isinstance(m, int) or m < 0 for m in months):
        return [Problem("月度分解应为12个不小于0的金额", field="months")]
    if sum(months) != amount:
        return [Problem(f"月度分解合计 {format_yuan(sum(months))}元，与年度预算 {format_yuan(amount)}元不符", field="months")]
    return []


@dataclass(frozen=True)
class Meeting:
    meeting_type: str
    entitled: int | None
    present: int | None
    votes_for: int | None
    votes_against: int | None = 0
    votes_abstain: int | None = 0


def meeting_problems(m: Meeting) -> list[Problem]:
    """Whether the meeting's attendance and votes approve the budget: the cooperative's meeting
    rules, one definition for every app (`decisions.rules.coop_meeting_checks`, Arts. 27, 28);
    a budget's approval records no notice date."""
    if m.meeting_type not in MEETING_TYPES:
        return [Problem(f"会议形式应为 {'、'.join(f'{k}（{v}）' for k, v in MEETING_TYPES.items())}", field="meeting_type")]
    d = StageData(
        meeting_type=COOP_MEETING_TYPE[m.meeting_type], entitled=m.entitled, present=m.present,
        votes_for=m.votes_for, votes_against=m.votes_against or 0, votes_abstain=m.votes_abstain or 0,
    )
    return coop_meeting_problems(d, notice=False)


@dataclass(frozen=True)
class Overrun:
    """Spending on a voucher that takes an expense line past its budget for the year."""

    voucher_id: int
    account_id: int
    account: str  # the line's account, code and name
    budget: int
    before: int  # spent in the year before this voucher
    adding: int  # this voucher's net spending on the line
    label: str = ""  # the voucher (记-0003), "" before it is posted

    @property
    def after(self) -> int:
        return self.before + self.adding

    @property
    def over(self) -> int:
        return self.after - self.budget

    def message(self) -> str:
        return (
            f"{self.account}本年支出将达到 {format_yuan(self.after)}元，超过年度预算 {format_yuan(self.budget)}元"
            f"（超出 {format_yuan(self.over)}元）"
        )


def overruns(budget: dict[int, int], names: dict[int, str], before: dict[int, int], vouchers) -> list[Overrun]:
    """`budget`: expense line account id → the year's amount; `before`: line → spent so far;
    `vouchers`: (voucher id, label, {line: net spending}) in posting order. A voucher that adds
    spending to a line and takes it past its budget is an overrun (once per voucher and line);
    spending accumulates from voucher to voucher."""
    spent = dict(before)
    out = []
    for vid, label, adding in vouchers:
        for line, amount in adding.items():
            if line not in budget:
                continue
            was = spent.get(line, 0)
            spent[line] = was + amount
            if amount > 0 and was + amount > budget[line]:
                out.append(Overrun(vid, line, names.get(line, ""), budget[line], was, amount, label))
    return out
