"""What every topic of party work shares: the labels of the models' choices, the kinds of
organisation, the evidence limits, today's date and how a user is named in a history row."""

from sanwu.core import uploads
from sanwu.core.dates import today

from ..models import Meeting, PartyOrg, Talk, Task

TOWNSHIP_ORG_KINDS = frozenset({"temporary_branch", "grid_branch", "commando_team"})
REGULAR_ORG_KINDS = frozenset({"committee", "general_branch", "branch"})

SOURCE_LABELS = dict(Task.SOURCES)
STATUS_LABELS = dict(Task.STATUSES)
KIND_LABELS = dict(PartyOrg.KINDS)
PURPOSE_LABELS = dict(PartyOrg.PURPOSES)
TALK_LABELS = dict(Talk.KINDS)
MEETING_LABELS = dict(Meeting.KINDS)

MAX_EVIDENCE_BYTES = uploads.MAX_BYTES
EVIDENCE_TYPES = uploads.ALLOWED


def display_name(user) -> str:
    if user is None:
        return "系统"
    return user.first_name or user.username


__all__ = ["EVIDENCE_TYPES", "KIND_LABELS", "MAX_EVIDENCE_BYTES", "MEETING_LABELS", "PURPOSE_LABELS", "REGULAR_ORG_KINDS", "SOURCE_LABELS",
           "STATUS_LABELS", "TALK_LABELS", "TOWNSHIP_ORG_KINDS", "display_name", "today"]
