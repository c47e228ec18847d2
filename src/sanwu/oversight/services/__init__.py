"""Oversight's domain logic, one module per topic, re-exported here so callers write `services.x`:
running the rules at posting (`posting`) and daily (`daily`), with what they need from the other
apps (`sources`); the warning life cycle (explain → accept, or escalate) and the warnings list
(`lifecycle`); the county parameters (`settings`); the read models behind the live feed
(`feed`), the dashboards (`dashboard`) and the review queue (`queue`).

Every function that changes something takes the acting user (None for the system: the posting
hook, `sanwu oversight run-daily`, the demo) and checks the scope gate itself.
"""

from .common import region_in_scope
from .daily import resolve_decided, run_daily
from .dashboard import adapter_rows, counts_by, dashboard, month_trend, overdue_closings, rule_counts, status_counts
from .feed import EXPORT_MAX, FeedFilter, dress_feed, dressed_in_chunks, feed, feed_errors, feed_params, write_feed_xlsx
from .lifecycle import (
    ACTION_LABELS,
    COUNTY_ROLES,
    ESCALATE_ROLES,
    EXPLAIN_ROLES,
    REVIEW_ROLES,
    WarningFilter,
    accept,
    allowed_actions,
    escalate,
    explain,
    is_overdue,
    open_warnings_by_month,
    overdue_q,
    warnings,
)
from .pending import overdue_by_township, warnings_waiting
from .posting import evaluate_posted, on_posted, rescan_book, store, voucher_facts
from .queue import review_queue
from .settings import PARAM_FIELDS, SETTINGS_ROLES, counties_offered, county_offered, params_by_county, params_for, update_params
from .versions import feed_version

__all__ = [
    "overdue_by_township",
    "warnings_waiting",
    "EXPORT_MAX",
    "dressed_in_chunks",
    "feed_params",
    "write_feed_xlsx",
    "feed_version",
    "open_warnings_by_month",
    "ACTION_LABELS",
    "COUNTY_ROLES",
    "ESCALATE_ROLES",
    "EXPLAIN_ROLES",
    "PARAM_FIELDS",
    "REVIEW_ROLES",
    "SETTINGS_ROLES",
    "FeedFilter",
    "WarningFilter",
    "accept",
    "adapter_rows",
    "allowed_actions",
    "counties_offered",
    "counts_by",
    "county_offered",
    "dashboard",
    "dress_feed",
    "escalate",
    "evaluate_posted",
    "explain",
    "feed",
    "feed_errors",
    "is_overdue",
    "month_trend",
    "on_posted",
    "overdue_closings",
    "overdue_q",
    "params_by_county",
    "params_for",
    "region_in_scope",
    "rescan_book",
    "resolve_decided",
    "review_queue",
    "rule_counts",
    "run_daily",
    "status_counts",
    "store",
    "update_params",
    "voucher_facts",
    "warnings",
]
