"""四议两公开: the domain logic. Web pages, the API, the CLI and the demo all call these.

Who may do what (roles bound to regions, checked here whatever the channel):

- the village Party secretary (`village_secretary`) of the matter's village runs the procedure:
  creates the matter, records each stage (and corrections), uploads minutes, sign-in sheets and
  photos, and may abandon the matter;
- the village accountant (`village_accountant`) links vouchers of the village's own book to the
  village's matters (and removes a wrong link); the accountant does *not* record meetings — the
  one who pays is not the one who records the authorisation;
- township and county supervisors and the city see their scope and comment (the secretary
  replies);
- the auditor reads everything in scope and changes nothing.

`user=None` is the system operator (CLI, demo). Functions for other apps
(`has_completed_decision_for_voucher`, `completed_matters`, `has_completed_decision`,
`published_for_village`) are system-level: they take no user and show no personal data.

Topics: `permissions` (who may), `matters` (create, abandon, comment, history), `quorum`
(villagers' meeting rules), `stages` (recording, progress), `publication` (masked texts, the
public page), `links` (vouchers, and what other apps ask), `attachments` (minutes, sign-in
sheets, photos).
"""

from sanwu.core.dates import today

from .attachments import add_attachment, attachment_errors
from .links import (
    completed_matters,
    completed_matters_under,
    has_completed_decision,
    has_completed_decision_for_voucher,
    link_voucher,
    linkable_vouchers,
    unlink_voucher,
    vouchers_with_completed_decision,
)
from .matters import MAX_TITLE, abandon, add_comment, create_matter, matter_problems
from .pending import matters_waiting
from .permissions import COMMENT_ROLES, LINK_ROLES, RECORD_ROLES, RULE_ROLES, may_comment, may_link, may_record
from .publication import mask_text, published_for_village
from .quorum import quorum_rule_for, set_quorum_rule
from .stages import current_records, done_stages, next_stage, progress, record_stage

__all__ = [
    "matters_waiting",
    "COMMENT_ROLES",
    "LINK_ROLES",
    "MAX_TITLE",
    "RECORD_ROLES",
    "RULE_ROLES",
    "abandon",
    "add_attachment",
    "add_comment",
    "attachment_errors",
    "completed_matters",
    "completed_matters_under",
    "create_matter",
    "current_records",
    "done_stages",
    "has_completed_decision",
    "has_completed_decision_for_voucher",
    "link_voucher",
    "linkable_vouchers",
    "mask_text",
    "matter_problems",
    "may_comment",
    "may_link",
    "may_record",
    "next_stage",
    "progress",
    "published_for_village",
    "quorum_rule_for",
    "record_stage",
    "set_quorum_rule",
    "today",
    "unlink_voucher",
    "vouchers_with_completed_decision",
]
