"""资金支付审批: the pure rules of a payment request — its states and who moves it, what a request
must say before it is submitted, and which approvals its amount needs. No queries.

Thresholds (county settings, `PaymentSettings`; defaults here): a request at or above
`matter_threshold` (default 5万元) must rest on a 四议两公开 matter whose resolution is published;
at or above `committee_threshold` (default 1万元) the village's approval must carry the
supervisory committee's (村务监督委员会) sign-off as well. Both defaults follow a typical local rule
("5万元以上须经四议两公开", "1万元以上须经村务监督委员会审核") — unverified against any one county's
text; each county sets its own. A payment voucher (money out of cash or bank to an expense
account) at or above `warn_min_amount` (default 1,000元) with no approved request raises a
warning where the county turns the check on (`warn_without_request`, off by default).
"""

from dataclasses import dataclass

from sanwu.core.errors import Problem
from sanwu.core.masking import normalize_account

YUAN = 100
WAN = 10_000 * YUAN

STATUSES = [
    ("draft", "草稿"),
    ("submitted", "待村审批"),
    ("approved", "待乡镇审核"),
    ("reviewed", "待付款"),
    ("paid", "已付款"),
    ("rejected", "已退回"),
]
STATUS_LABELS = dict(STATUSES)
PAYEE_KINDS = {"person": "个人", "organisation": "单位"}
BANK_STATUSES = {"": "未发送", "sent": "已发送银行", "success": "银行已支付", "failed": "银行支付失败"}
RESULT_WORDS = {"成功": "success", "失败": "failed"}

# Which state each act starts from, and where it leads.
MOVES = {
    "submit": (("draft", "rejected"), "submitted"),
    "approve": (("submitted",), "approved"),
    "review": (("approved",), "reviewed"),
    "reject": (("submitted", "approved", "reviewed"), "rejected"),
    "pay": (("reviewed",), "paid"),
}


@dataclass(frozen=True)
class Thresholds:
    matter_threshold: int = 5 * WAN
    committee_threshold: int = 1 * WAN
    warn_without_request: bool = False
    warn_min_amount: int = 1_000 * YUAN


DEFAULTS = Thresholds()


def thresholds_errors(t: Thresholds) -> list[str]:
    out = []
    if t.matter_threshold <= 0:
        out.append("须经四议两公开的金额应大于零")
    if t.committee_threshold <= 0:
        out.append("须经村务监督委员会的金额应大于零")
    if t.warn_min_amount < 0:
        out.append("预警起点不能小于零")
    return out


def needs_matter(amount: int, t: Thresholds = DEFAULTS) -> bool:
    return amount >= t.matter_threshold


def needs_committee(amount: int, t: Thresholds = DEFAULTS) -> bool:
    return amount >= t.committee_threshold


MAX_ACCOUNT_DIGITS = 32


def request_problems(*, payee_name: str, payee_kind: str, payee_account: str, payee_bank: str, amount, purpose: str) -> list[Problem]:
    """What is wrong with a request's own fields (the book's accounts and the matter are checked
    by the service, which reads them)."""
    out = []
    name = (payee_name or "").strip()
    if not name:
        out.append(Problem("请填写收款人户名", field="收款人户名"))
    elif len(name) > 100:
        out.append(Problem("收款人户名不能超过100个字", field="收款人户名"))
    if payee_kind not in PAYEE_KINDS:
        out.append(Problem(f"收款人类别「{payee_kind}」无效（个人、单位）", field="收款人类别"))
    number = normalize_account(payee_account)
    if not number:
        out.append(Problem("请填写收款账号", field="收款账号"))
    elif not number.isdigit() or not 8 <= len(number) <= MAX_ACCOUNT_DIGITS:
        out.append(Problem(f"收款账号应为8到{MAX_ACCOUNT_DIGITS}位数字", field="收款账号"))
    if not (payee_bank or "").strip():
        out.append(Problem("请填写开户行", field="开户行"))
    elif len(payee_bank.strip()) > 100:
        out.append(Problem("开户行不能超过100个字", field="开户行"))
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        out.append(Problem("金额应大于零（单位：分）", field="金额"))
    if not (purpose or "").strip():
        out.append(Problem("请填写用途", field="用途"))
    elif len(purpose.strip()) > 200:
        out.append(Problem("用途不能超过200个字", field="用途"))
    return out
