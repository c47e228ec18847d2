"""What the party-work pages share: the roles that open them, reading a number or a date from the
query string, and the tabs above the task-ledger and the organisation pages."""

import datetime as dt

from .. import services
from ..models import ORG_DEPT_ROLES, PARTY_ROLES

PARTY = tuple(PARTY_ROLES)
ORG_DEPT = tuple(ORG_DEPT_ROLES)
ASSIGN_ROLES = tuple(services.ASSIGN_ROLES)

LIST_VIEWS = {
    "mine": ("partywork:tasks_mine", "我的任务"),
    "monthly": ("partywork:tasks_monthly", "月清单"),
    "overdue": ("partywork:tasks_overdue", "逾期未完成"),
    "awaiting": ("partywork:tasks_awaiting", "待核验"),
    "all": ("partywork:tasks", "全部任务"),
}
REPORT_TABS = {
    "owner": ("partywork:tasks_by_owner", "按责任单位"),
    "quarterly": ("partywork:tasks_quarterly", "季例会"),
    "half": ("partywork:tasks_half_year", "半年小结"),
    "annual": ("partywork:tasks_annual", "年度汇总"),
    "meetings": ("partywork:meetings", "调度会与督导"),
}


def int_param(text, default=None, lo=None, hi=None):
    """A whole number from the query string within [lo, hi], else `default`."""
    try:
        v = int(text)
    except (TypeError, ValueError):
        return default
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        return default
    return v


def date_param(text, default):
    """A YYYY-MM-DD date from the query string, else `default`."""
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError:
        return default


def tabs_context(request, active: str) -> dict:
    """The task-ledger tabs (lists and summaries) with `active` marked."""
    return {
        "tabs": [(name, label, key == active) for key, (name, label) in LIST_VIEWS.items()],
        "report_tabs": [(name, label, key == active) for key, (name, label) in REPORT_TABS.items()],
        "active_tab": active,
        "can_assign": services.may_assign_somewhere(request.user),
    }


def party_tabs(request, active: str) -> list:
    """The organisation pages' tabs; talks only for the organisation department."""
    tabs = [("partywork:orgs", "党组织", "orgs"), ("partywork:stats", "党建统计", "stats")]
    if services.may_see_talks(request.user):
        tabs.append(("partywork:talks", "谈话记录", "talks"))
    return [(name, label, key == active) for name, label, key in tabs]
