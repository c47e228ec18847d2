"""Collective-economy figures, rules and incentives — one module per topic, re-exported here so
callers write `services.x`: `access` (who may change what, the region gate), `common` (levels,
codes, years), `settings` (a county's rules), `figures` (a village's year and the summaries, read
from the books' kept totals), `awards` (incentives and the cadre reward's approval) and `brief`
(the statistics brief, `services.brief.build`) and `statistics` (the annual 农经统计 forms summed
from the village statements, `services.statistics.statistics`). Pages, the API, the CLI and the brief call these.

Figures are read from the books' kept totals — `RoleYear` (yearly flows per account role, without
the year-end closing) and `SourceMonth` (income by source tag) — which the posting transaction
keeps current. A region's figures for a year are three aggregate queries whatever the number of
postings: O(villages × roles).

Every function takes the acting user (None: the system operator on the CLI) and goes through the
scope gate: books through `Book.objects.visible_to`, regions through `access.region_for`.
"""

from . import brief, statistics
from .access import APPROVE_ROLES, REVOKE_ROLES, SETTINGS_ROLES, region_for
from .awards import (
    CADRE_PURPOSE,
    STATUS_LABELS,
    AwardRow,
    approve_cadre_reward,
    award_rows,
    cadre_matters,
    cadre_reason,
    decision_for,
    increment_reason,
    reject_cadre_reward,
    revoke_cadre_reward,
    reward_events,
    volume_reason,
)
from .common import CHILD_LEVEL, LEVELS, check_year, child_of, county_of, today, township_of
from .figures import (
    BANDS,
    RETURN_FORMULA,
    Amounts,
    ChildSummary,
    Overview,
    Summary,
    TierCount,
    VillageYear,
    amounts_from_flows,
    bands,
    books_in,
    default_year,
    overview,
    ranked,
    summarise,
    targets_for,
    trends,
    village_year,
    village_years,
    year_choices,
)
from .pending import rewards_waiting
from .settings import (
    MONEY_SETTINGS,
    SETTING_FIELDS,
    SETTING_LABELS,
    parse_rate,
    rules_for,
    rules_of,
    settings_errors,
    settings_for,
    settings_snapshot,
    update_settings,
)

__all__ = [
    "rewards_waiting",
    "APPROVE_ROLES",
    "BANDS",
    "CADRE_PURPOSE",
    "CHILD_LEVEL",
    "LEVELS",
    "MONEY_SETTINGS",
    "RETURN_FORMULA",
    "REVOKE_ROLES",
    "SETTINGS_ROLES",
    "SETTING_FIELDS",
    "SETTING_LABELS",
    "STATUS_LABELS",
    "Amounts",
    "AwardRow",
    "ChildSummary",
    "Overview",
    "Summary",
    "TierCount",
    "VillageYear",
    "amounts_from_flows",
    "approve_cadre_reward",
    "award_rows",
    "bands",
    "books_in",
    "brief",
    "statistics",
    "cadre_matters",
    "cadre_reason",
    "check_year",
    "child_of",
    "county_of",
    "decision_for",
    "default_year",
    "increment_reason",
    "overview",
    "parse_rate",
    "ranked",
    "region_for",
    "reject_cadre_reward",
    "revoke_cadre_reward",
    "reward_events",
    "rules_for",
    "rules_of",
    "settings_errors",
    "settings_for",
    "settings_snapshot",
    "summarise",
    "targets_for",
    "today",
    "township_of",
    "trends",
    "update_settings",
    "village_year",
    "village_years",
    "volume_reason",
    "year_choices",
]
