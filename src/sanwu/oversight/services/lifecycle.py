"""The warning life cycle: open → explained (by the village; a township's warning by the
township) → accepted (by the township, or the county), or escalated to the county, each step a
`WarningEvent` and an audit record; which warnings are overdue; the warnings list."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanwu.core import audit, permissions
from sanwu.core.codes import region_prefix
from sanwu.core.errors import Invalid, Problem
from sanwu.core.permissions import may
from sanwu.workbench.services import inbox

from .. import rules
from ..models import ACTIVE_STATUSES, RuleSettings, Warning, WarningEvent
from ..rules import RULES
from .settings import params_for

EXPLAIN_ROLES = {"village": {"village_accountant", "village_secretary"}, "township": {"township_supervisor"}}
REVIEW_ROLES = {"village": {"township_supervisor"}, "township": {"county_supervisor"}}
ESCALATE_ROLES = {"village": {"township_supervisor"}, "township": set()}
COUNTY_ROLES = {"county_supervisor"}


def _rule(w: Warning) -> rules.Rule:
    return RULES.get(w.rule) or rules.Rule(w.rule, w.rule, w.severity, "posted")


def allowed_actions(user, w: Warning) -> dict[str, bool]:
    """What the user may do with this warning now (pages and API offer just these)."""
    resp = _rule(w).responsible
    code = w.village_id
    return {
        "explain": w.status == "open" and may(user, EXPLAIN_ROLES[resp], code),
        "accept": (w.status == "explained" and may(user, REVIEW_ROLES[resp] | COUNTY_ROLES, code))
        or (w.status == "escalated" and may(user, COUNTY_ROLES, code)),
        "escalate": w.status in ("open", "explained") and bool(ESCALATE_ROLES[resp]) and may(user, ESCALATE_ROLES[resp], code),
    }


ACTION_LABELS = {"explain": "说明", "accept": "认可", "escalate": "上报"}


def lock_warning(w: Warning, allowed: tuple[str, ...], action: str) -> Warning:
    locked = Warning.objects.select_for_update().get(pk=w.pk)
    if locked.status not in allowed:
        raise Invalid(Problem(f"预警状态为「{locked.get_status_display()}」，不能{action}"))
    return locked


def record_transition(user, w: Warning, to: str, note: str, action: str, at=None) -> Warning:
    """`at`: when it happened, if not now (the demo backdates what villages did long ago)."""
    old = w.status
    w.status = to
    now = at or timezone.now()
    if to == "explained":
        w.explanation, w.explained_by, w.explained_at = note, user, now
        fields = ["status", "explanation", "explained_by", "explained_at"]
    else:
        w.handled_by, w.handled_at, w.handling_note = user, now, note[:500]
        fields = ["status", "handled_by", "handled_at", "handling_note"]
    w.save(update_fields=fields)
    WarningEvent.record(user, action, from_status=old, to_status=to, note=note, warning=w, at=now)
    audit.record(f"oversight.warning.{action}", w, actor=user, old={"status": old}, new={"status": to}, note=note, region_code=w.village_id)
    return w


def explain(user, warning: Warning, text: str, *, at=None) -> Warning:
    """The village accountant or secretary explains (for a township's warning: the township)."""
    permissions.require(
        user, EXPLAIN_ROLES[_rule(warning).responsible], warning.village_id, "说明该预警",
        object_type="oversight.warning.explain", object_id=warning.pk,
    )
    text = (text or "").strip()
    if not text:
        raise Invalid(Problem("请填写情况说明", field="explanation"))
    if len(text) > 2000:
        raise Invalid(Problem("情况说明不能超过2000个字", field="explanation"))
    with transaction.atomic():
        w = lock_warning(warning, ("open",), "说明")
        w = record_transition(user, w, "explained", text, "explain", at)
        reviewers = inbox.holders(REVIEW_ROLES[_rule(w).responsible], w.village_id)
        inbox.notify(reviewers, "explained", f"预警已说明，待认可：{w.message}", body=text[:200], subject=w, region_code=w.village_id, exclude=user)
        return w


def accept(user, warning: Warning, note: str = "", *, at=None) -> Warning:
    """The township accepts an explanation (the county may too); what was escalated to the county
    only the county accepts."""
    note = (note or "").strip()
    if len(note) > 500:
        raise Invalid(Problem("处理意见不能超过500个字", field="note"))
    reviewers = REVIEW_ROLES[_rule(warning).responsible] | COUNTY_ROLES
    permissions.require(
        user, reviewers, warning.village_id, "认可该预警",
        object_type="oversight.warning.accept", object_id=warning.pk,
    )
    with transaction.atomic():
        w = lock_warning(warning, ("explained", "escalated"), "认可")
        if w.status == "escalated":
            permissions.require(user, COUNTY_ROLES, w.village_id, "认可该预警", object_type="oversight.warning.accept", object_id=w.pk)
        w = record_transition(user, w, "accepted", note, "accept", at)
        inbox.notify([w.explained_by], "handled", f"预警说明已认可：{w.message}", body=note[:200], subject=w, region_code=w.village_id, exclude=user)
        return w


def escalate(user, warning: Warning, note: str, *, at=None) -> Warning:
    """The township escalates a warning to the county, with its reason."""
    permissions.require(
        user, ESCALATE_ROLES[_rule(warning).responsible], warning.village_id, "上报该预警",
        object_type="oversight.warning.escalate", object_id=warning.pk,
    )
    note = (note or "").strip()
    if not note:
        raise Invalid(Problem("请填写上报原因", field="note"))
    if len(note) > 500:
        raise Invalid(Problem("上报原因不能超过500个字", field="note"))
    with transaction.atomic():
        w = lock_warning(warning, ("open", "explained"), "上报")
        w = record_transition(user, w, "escalated", note, "escalate", at)
        inbox.notify(inbox.holders(COUNTY_ROLES, w.village_id), "escalated", f"乡镇上报预警：{w.message}", body=note[:200], subject=w, region_code=w.village_id, exclude=user)
        return w


# --- Overdue -------------------------------------------------------------------------------------


def overdue_q(county_codes: Iterable[str] | None = None, now=None) -> Q:
    """Open warnings not explained within their county's response days."""
    now = now or timezone.now()
    custom = {r.county_id: r.response_days for r in RuleSettings.objects.all().only("county_id", "response_days")}
    if county_codes is not None:
        wanted = set(county_codes)
        custom = {c: d for c, d in custom.items() if c in wanted}
    cond = Q(created_at__lt=now - dt.timedelta(days=rules.DEFAULTS.response_days)) & ~Q(county_code__in=list(custom))
    for code, days in custom.items():
        cond |= Q(county_code=code, created_at__lt=now - dt.timedelta(days=days))
    return Q(status="open") & cond


def is_overdue(w: Warning, now=None) -> bool:
    if w.status != "open":
        return False
    now = now or timezone.now()
    return w.created_at < now - dt.timedelta(days=params_for(w.county_code).response_days)


# --- The warnings list -------------------------------------------------------------------------


@dataclass
class WarningFilter:
    status: str = ""
    rule: str = ""
    severity: str = ""
    region: str = ""  # any region code in scope (county, township, village)
    overdue: bool = False
    active: bool = False  # open, explained or escalated
    q: str = ""


def warnings(user, f: WarningFilter | None = None):
    """The warnings the user sees (the system operator, None: all of them), filtered, newest first."""
    f = f or WarningFilter()
    qs = permissions.visible(Warning, user)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.active:
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    if f.rule:
        qs = qs.filter(rule=f.rule)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.region:
        qs = qs.filter(village__code__startswith=region_prefix(f.region) if len(f.region) in (12, 15) else f.region)
    if f.overdue:
        qs = qs.filter(overdue_q())
    if f.q:
        qs = qs.filter(Q(message__contains=f.q) | Q(explanation__contains=f.q))
    return qs.select_related("village__parent", "book", "voucher", "explained_by", "handled_by").order_by("-created_at", "-id")


def open_warnings_by_month(book, months) -> dict[tuple[int, int], list[str]]:
    """For the month-close page (`ledger.hooks.register_close_check`): the warnings still open
    on each month's vouchers."""
    wanted = set(months)
    counts: dict[tuple[int, int], int] = {}
    rows = Warning.objects.filter(book=book, status="open", voucher__isnull=False).values_list("voucher__year", "voucher__month")
    for ym in rows:
        if ym in wanted:
            counts[ym] = counts.get(ym, 0) + 1
    return {ym: [f"{n} 条预警待说明"] for ym, n in counts.items()}
