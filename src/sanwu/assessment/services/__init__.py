"""Domain logic of team analysis rounds and the difficult-villages list, rectification of weak and
lax village Party organisations, and assessments with their consequences — one module per topic,
re-exported here so callers write `services.x`.

Every function takes the acting `user` (None = the system operator: CLI, demo) and checks it
against the regions concerned; problems are raised as `Invalid` in Chinese, refusals as `Refused`
(written to the audit trail). State changes run in one transaction holding the row lock, write a
`History` row (`History.record`) and the audit trail. The web pages, the API, the imports and the
CLI call these.
"""

from .assessments import (
    ScoreEntry,
    Standing,
    create_assessment,
    figures,
    finalize,
    set_indicators,
    set_scores,
    standings,
)
from .common import county_or_invalid
from .consequences import Applied, apply_consequences, assign_ledger_task
from .difficult import Proposal, assign_task_force, decided_at, list_village, review_proposals, review_round, task_force_errors
from .rectification import (
    CASE_FIELDS,
    add_measure,
    case_errors,
    measure_errors,
    record_acceptance,
    screen_village,
    situations_of,
    update_rectification,
)
from .rounds import add_follow_up, create_round, rate_village, round_villages
from .settings import RULE_FIELDS, ensure_county_settings, save_indicator_defaults, save_policy, save_rule, save_situation
from .visibility import (
    MANAGE_ROLES,
    MEASURE_ROLES,
    RATE_ROLES,
    assessment_for,
    assessments_visible,
    can_manage,
    counties_offered,
    county_offered,
    header_for,
    may_import_rectifications,
    round_for,
    rounds_visible,
)

__all__ = [
    "CASE_FIELDS",
    "MANAGE_ROLES",
    "MEASURE_ROLES",
    "RATE_ROLES",
    "RULE_FIELDS",
    "Applied",
    "Proposal",
    "ScoreEntry",
    "Standing",
    "add_follow_up",
    "add_measure",
    "apply_consequences",
    "assessment_for",
    "assessments_visible",
    "assign_ledger_task",
    "assign_task_force",
    "can_manage",
    "case_errors",
    "counties_offered",
    "county_offered",
    "county_or_invalid",
    "create_assessment",
    "create_round",
    "decided_at",
    "ensure_county_settings",
    "figures",
    "finalize",
    "header_for",
    "list_village",
    "may_import_rectifications",
    "measure_errors",
    "rate_village",
    "record_acceptance",
    "review_proposals",
    "review_round",
    "round_for",
    "round_villages",
    "rounds_visible",
    "save_indicator_defaults",
    "save_policy",
    "save_rule",
    "save_situation",
    "screen_village",
    "set_indicators",
    "set_scores",
    "situations_of",
    "standings",
    "task_force_errors",
    "update_rectification",
]
