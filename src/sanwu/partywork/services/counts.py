"""The counts that feed the brief: organisations by kind (active on a day, set up within a period,
with their people) and talks by kind. Counts only: no names, no summaries."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from sanwu.core import permissions
from sanwu.core.codes import region_prefix
from sanwu.core.scope import prefixes_of

from ..models import PARTY_ROLES, PartyOrg, Talk, TeamMember


@dataclass
class OrgCount:
    kind: str
    label: str
    active: int = 0  # active on the day
    created: int = 0  # set up within the period
    people_active: int = 0  # members of the active ones (listed members, else the member count)
    people_created: int = 0


def org_counts(user, *, on: dt.date, date_from: dt.date, date_to: dt.date, region_code: str | None = None) -> list[OrgCount]:
    """Organisations by kind: how many were active on a day and how many were set up within a
    period, with their people (the brief's "636 temporary branches, 471 teams, 1,804 members")."""
    qs = permissions.visible(PartyOrg, user)
    if region_code:
        qs = qs.filter(region__code__startswith=region_prefix(region_code))
    listed = dict(
        TeamMember.objects.filter(org__in=qs).values_list("org_id").annotate(n=Count("id")).order_by()
    )
    rows = {kind: OrgCount(kind, label) for kind, label in PartyOrg.KINDS}
    for org in qs.only("id", "kind", "start_date", "end_date", "member_count"):
        people = listed.get(org.pk, org.member_count)
        row = rows[org.kind]
        if org.active_on(on):
            row.active += 1
            row.people_active += people
        if org.start_date and date_from <= org.start_date <= date_to:
            row.created += 1
            row.people_created += people
    return list(rows.values())


@dataclass
class TalkCount:
    kind: str
    label: str
    count: int = 0


def talk_counts(user, *, date_from: dt.date, date_to: dt.date, region_code: str | None = None) -> list[TalkCount]:
    """How many talks of each kind in a period, within the user's Party-work scope. Counts may be
    shown to every Party-work role; the rows and summaries only to the organisation department."""
    prefixes = prefixes_of(user, set(PARTY_ROLES)) if user is not None else [""]
    if not prefixes:
        return [TalkCount(k, label) for k, label in Talk.KINDS]
    cond = Q()
    for p in prefixes:
        cond |= Q(region__code__startswith=p)
    qs = Talk.objects.filter(cond, date__gte=date_from, date__lte=date_to)
    if region_code:
        qs = qs.filter(region__code__startswith=region_prefix(region_code))
    counts = dict(qs.values_list("kind").annotate(n=Count("id")).order_by())
    return [TalkCount(k, label, counts.get(k, 0)) for k, label in Talk.KINDS]
