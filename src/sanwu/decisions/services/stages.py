"""The six stages of a matter: recording (and correcting) one, in order and checked by the pure
rules, and the progress pages and the API show."""

import datetime as dt
import hashlib
import json

from django.db import transaction

from sanwu.core import audit
from sanwu.core.errors import Invalid, Problem

from .. import rules
from ..models import Matter, MatterEvent, StageRecord
from ..rules import PUBLICATION_STAGES, STAGE_KEYS, STAGE_LABELS, VILLAGERS_MEETING_TYPES, StageData, fname
from sanwu.core.dates import today
from sanwu.core.permissions import require

from .permissions import RECORD_ROLES
from .publication import mask_text
from .quorum import quorum_rule_for


def current_records(matter: Matter) -> dict[str, StageRecord]:
    """The latest version of each recorded stage."""
    out: dict[str, StageRecord] = {}
    for r in StageRecord.objects.filter(matter=matter).order_by("stage", "version"):
        out[r.stage] = r
    return out


def done_stages(matter: Matter, records: dict[str, StageRecord] | None = None) -> set[str]:
    """Stages that count as complete (a merged proposal counts once the committees are done)."""
    records = current_records(matter) if records is None else records
    done = set(records)
    if matter.merged_first_steps and "committees" in done:
        done.add("proposal")
    return done


def next_stage(matter: Matter, records: dict[str, StageRecord] | None = None) -> str | None:
    if matter.status != "in_progress":
        return None
    records = current_records(matter) if records is None else records
    return rules.next_stage(set(records), matter.merged_first_steps)


def _content_hash(matter: Matter, stage: str, version: int, d: StageData, public_text: str) -> str:
    payload = {
        "matter": matter.pk, "village": matter.village_id, "stage": stage, "version": version, "date": d.date.isoformat(),
        "meeting_type": d.meeting_type, "entitled": d.entitled, "present": d.present, "for": d.votes_for,
        "against": d.votes_against, "abstain": d.votes_abstain, "text": d.text, "public_text": public_text, "channel": d.channel,
    }
    if d.notice_date is not None:  # the cooperative's meetings (records before them keep their hash)
        payload["notice_date"] = d.notice_date.isoformat()
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _normalised(stage: str, d: StageData) -> StageData:
    """Only the fields a stage has; text trimmed."""
    keep_counts = stage in rules.MEETING_STAGES
    keep_votes = stage in rules.VOTE_STAGES or (stage == "proposal" and d.votes_for is not None)
    return StageData(
        date=d.date,
        meeting_type=d.meeting_type if stage in rules.MEETING_STAGES else "",
        entitled=d.entitled if keep_counts else None,
        present=d.present if keep_counts else None,
        votes_for=d.votes_for if keep_votes else None,
        votes_against=d.votes_against if keep_votes else None,
        votes_abstain=d.votes_abstain if keep_votes else None,
        text=(d.text or "").strip(),
        channel=d.channel if stage in PUBLICATION_STAGES else "",
        notice_date=d.notice_date if stage == "villagers_meeting" and d.meeting_type in rules.COOP_MEETING_TYPES else None,
    )


def record_stage(user, matter: Matter, stage: str, data: StageData, *, correction_reason: str = "") -> StageRecord:
    """Record the next stage of a matter (or, with a reason, correct a recorded one).

    Stages go strictly in order (the proposal is skipped when merged, 一肩挑); each date is on or
    after the previous stage's and not in the future; the stage's own checks must pass. Recording
    `result_published` completes the matter. A correction is a new version; the old one stays.
    A meeting stage may be corrected only until the next stage is recorded; a publication may
    be corrected at any time (by a new, later publication).
    """
    require(user, RECORD_ROLES, matter.village_id, "记录四议两公开环节", object_type="decisions.record", object_id=matter.pk)
    if stage not in STAGE_KEYS:
        raise Invalid(Problem(f"未知环节「{stage}」（{'、'.join(STAGE_KEYS)}）", field=fname("stage")))
    d = _normalised(stage, data)
    reason = (correction_reason or "").strip()
    with transaction.atomic():
        m = Matter.objects.select_for_update().get(pk=matter.pk)
        records = current_records(m)
        order = rules.stage_order(m.merged_first_steps)
        problems: list[Problem] = []
        correcting = stage in records
        if m.status == "abandoned":
            problems.append(Problem("事项已终止，不能再记录"))
        elif stage not in order:
            problems.append(Problem("本事项为“一肩挑”，党组织提议与“两委”会议商议合并进行，请直接记录“两委”会议商议", field=fname("stage")))
        elif correcting:
            if not reason:
                problems.append(Problem(f"「{STAGE_LABELS[stage]}」已记录；如需更正，请填写更正原因（原记录保留）", field=fname("correction_reason")))
            elif len(reason) > 200:
                problems.append(Problem("更正原因不能超过200个字", field=fname("correction_reason")))
            later = [s for s in order[order.index(stage) + 1 :] if s in records]
            if later and stage not in PUBLICATION_STAGES:
                problems.append(Problem(f"「{STAGE_LABELS[later[0]]}」已记录，不能再更正「{STAGE_LABELS[stage]}」"))
        else:
            if reason:
                problems.append(Problem(f"「{STAGE_LABELS[stage]}」尚未记录，无需更正", field=fname("correction_reason")))
            expected = rules.next_stage(set(records), m.merged_first_steps)
            if expected is None:
                problems.append(Problem("所有环节均已记录"))
            elif stage != expected:
                problems.append(Problem(f"请先完成「{STAGE_LABELS[expected]}」，再记录「{STAGE_LABELS[stage]}」", field=fname("stage")))
        if problems:
            raise Invalid(problems)
        problems += _date_problems(d.date, stage, order, records)
        rule = quorum_rule_for(m.village_id, d.meeting_type) if stage == "villagers_meeting" and d.meeting_type in VILLAGERS_MEETING_TYPES else None
        checks = rules.stage_checks(stage, d, rule, m.purpose)
        problems += rules.as_problems(checks)
        if problems:
            raise Invalid(problems)
        version = records[stage].version + 1 if correcting else 1
        public_text = mask_text(d.text, m.village_id) if stage in PUBLICATION_STAGES else ""
        rec = StageRecord.objects.create(
            matter=m, stage=stage, version=version, supersedes=records.get(stage), correction_reason=reason if correcting else "",
            date=d.date, meeting_type=d.meeting_type, entitled=d.entitled, present=d.present, votes_for=d.votes_for,
            votes_against=d.votes_against, votes_abstain=d.votes_abstain, text=d.text, public_text=public_text, channel=d.channel,
            notice_date=d.notice_date, checks=[c.as_dict() for c in checks if c.rule], rule=rule.as_dict() if rule else None,
            content_hash=_content_hash(m, stage, version, d, public_text),
            recorded_by=user if user is not None and getattr(user, "pk", None) else None,
        )
        from_status = m.status
        if stage == "resolution_published":
            m.decided_on = d.date
        if not correcting:
            m.stage = stage
            if stage == "result_published":
                m.status, m.completed_on = "completed", d.date
        elif stage == "result_published":
            m.completed_on = d.date
        m.save(update_fields=["stage", "status", "decided_on", "completed_on", "updated_at"])
        changed = m.status != from_status
        MatterEvent.record(
            user, "correct" if correcting else "record", from_status=from_status if changed else "", to_status=m.status if changed else "",
            note=reason if correcting else "", matter=m, stage=stage,
        )
        audit.record(
            "decision.correct" if correcting else "decision.record", rec, actor=user, region_code=m.village_id,
            new={"matter": m.pk, "stage": stage, "version": version, "date": d.date, "hash": rec.content_hash, "status": m.status},
            note=reason,
        )
    return rec


def _date_problems(date, stage: str, order: list[str], records: dict[str, StageRecord]) -> list[Problem]:
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        return [Problem("请填写有效的日期", field="date")]
    problems = []
    if date > today():
        problems.append(Problem(f"日期 {date} 晚于今天", field="date"))
    i = order.index(stage)
    before = [records[s] for s in order[:i] if s in records]
    after = [records[s] for s in order[i + 1 :] if s in records]
    if before and date < before[-1].date:
        problems.append(Problem(f"日期 {date} 早于上一环节「{before[-1].stage_label}」的日期 {before[-1].date}", field="date"))
    if after and date > after[0].date:
        problems.append(Problem(f"日期 {date} 晚于下一环节「{after[0].stage_label}」的日期 {after[0].date}", field="date"))
    return problems


# --- Progress (for pages and the API) ----------------------------------------------------------


def progress(matter: Matter) -> list[dict]:
    """The six stages in order, each with its state (done / merged / next / waiting / stopped)
    and its current record and earlier versions."""
    all_records = list(StageRecord.objects.filter(matter=matter).select_related("recorded_by").order_by("stage", "version"))
    records = {r.stage: r for r in all_records}
    nxt = next_stage(matter, records)
    out = []
    for i, key in enumerate(STAGE_KEYS, start=1):
        rec = records.get(key)
        merged = matter.merged_first_steps and key == "proposal"
        if rec is not None:
            state = "done"
        elif merged:
            state = "merged" if "committees" in records else "merged_waiting"
        elif key == nxt:
            state = "next"
        elif matter.status == "abandoned":
            state = "stopped"
        else:
            state = "waiting"
        out.append(
            {
                "key": key, "number": i, "label": STAGE_LABELS[key], "state": state, "record": rec,
                "versions": [r for r in all_records if r.stage == key and (rec is None or r.pk != rec.pk)],
                "publication": key in PUBLICATION_STAGES,
            }
        )
    return out
