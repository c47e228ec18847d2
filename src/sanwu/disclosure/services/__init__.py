"""Openness: county settings, financial disclosures (prepare → confirm → publish, then frozen and
checkable against the books), villagers' questions, and the published-only reads behind the
public village page and its API.

Every function that changes something takes the acting user (None: the system operator on the
CLI or the demo; anonymous villagers asking a question act as None too), checks the scope gate,
audits in the same transaction and raises `Invalid` (Chinese problems) or `Refused`.

Topics: `permissions` (who may), `periods` (periods, county settings), `disclosures` (prepare,
confirm, publish; overdue periods), `verify` (a published disclosure against the books),
`questions` (ask, answer, statistics), `public` (published data only, the QR code), `snapshot`
(the figures from the books), `scrub` (free text fit for the public).

Functions other apps call: `overdue_disclosures(as_of)` and `overdue_questions(as_of)` (oversight's
warning rules), `verify_disclosures(book)` (`sanwu verify`).
"""

from sanwu.core.dates import today

from .disclosures import (
    build_snapshot,
    confirm,
    fingerprint,
    overdue_disclosures,
    period_of,
    prepare,
    prepare_period,
    publish,
    unposted_in,
)
from .pending import disclosures_waiting, late_disclosures, questions_waiting
from .periods import (
    Period,
    due_date,
    find_village,
    parse_period,
    period_containing,
    period_errors,
    settings_for,
    update_settings,
)
from .permissions import ANSWER_ROLES, CONFIRM_ROLES, PREPARE_ROLES, PUBLISH_ROLES, SETTINGS_ROLES
from .public import (
    PUBLIC_DECISION_KEYS,
    overdue_period,
    public_decisions,
    public_disclosure,
    public_disclosures,
    public_pending,
    public_question,
    public_questions,
    public_village,
    tracking_number,
    qr_data_uri,
    qr_png,
    qr_svg,
)
from .questions import (
    ANSWER_MAX,
    ANSWER_MIN,
    ASK_PER_IP_PER_HOUR,
    ASK_PER_VILLAGE_PER_HOUR,
    CONTACT_MAX,
    QUESTION_MAX,
    QUESTION_MIN,
    answer,
    answer_stats,
    ask,
    ip_hash,
    overdue_questions,
)
from .verify import CHANGED, INTACT, TAMPERED, CheckResult, check_details, check_disclosure, verify_disclosures

__all__ = [
    "disclosures_waiting",
    "late_disclosures",
    "questions_waiting",
    "ANSWER_MAX",
    "ANSWER_MIN",
    "ANSWER_ROLES",
    "ASK_PER_IP_PER_HOUR",
    "ASK_PER_VILLAGE_PER_HOUR",
    "CHANGED",
    "CONFIRM_ROLES",
    "CONTACT_MAX",
    "CheckResult",
    "INTACT",
    "PREPARE_ROLES",
    "PUBLIC_DECISION_KEYS",
    "PUBLISH_ROLES",
    "Period",
    "QUESTION_MAX",
    "QUESTION_MIN",
    "SETTINGS_ROLES",
    "TAMPERED",
    "answer",
    "answer_stats",
    "ask",
    "build_snapshot",
    "check_details",
    "check_disclosure",
    "confirm",
    "due_date",
    "find_village",
    "fingerprint",
    "ip_hash",
    "overdue_disclosures",
    "overdue_questions",
    "parse_period",
    "period_containing",
    "period_errors",
    "period_of",
    "prepare",
    "prepare_period",
    "public_decisions",
    "public_disclosure",
    "public_disclosures",
    "overdue_period",
    "public_pending",
    "public_question",
    "public_questions",
    "public_village",
    "publish",
    "qr_data_uri",
    "qr_png",
    "qr_svg",
    "tracking_number",
    "settings_for",
    "today",
    "unposted_in",
    "update_settings",
    "verify_disclosures",
]
