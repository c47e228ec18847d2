"""The difficult-villages list (重点难点村清单): reviewed once at each analysis round — villages
rated weak are listed with a task for their task force (专班), listed ones kept, marked improved
or removed — and villages listed from the county's own list (imported)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sanwu.core import audit, permissions
from sanwu.core.codes import region_prefix
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.regions.models import Region

from .. import rules
from ..models import AnalysisRound, DifficultReview, DifficultVillage, History, Rating
from .common import clean_text
from .consequences import assign_ledger_task
from .visibility import MANAGE_ROLES


# The list entry's status before and after a review's outcome (kept and improved leave it listed).
ENTRY_STATUSES = {"listed": {"to_status": "listed"}, "removed": {"from_status": "listed", "to_status": "removed"}}


@dataclass
class Proposal:
    village: Region
    rating: str | None  # this round's rating
    entry: DifficultVillage | None  # the village's entry on the list, if listed
    outcome: str  # what the rules propose ("not_listed" for a rated village that stays off)
    choices: tuple[str, ...]

    @property
    def rating_label(self) -> str:
        return rules.RATINGS.get(self.rating or "", "未研判")


def decided_at(rnd: AnalysisRound) -> set[str]:
    """Villages whose list entry this round has already decided (listed by an import before the
    review): the review leaves them as they are."""
    return set(DifficultReview.objects.filter(round=rnd).values_list("entry__village_id", flat=True))


def review_proposals(rnd: AnalysisRound) -> list[Proposal]:
    """What the round proposes for every listed village and every village rated weak."""
    ratings = dict(Rating.objects.filter(round=rnd).values_list("village_id", "rating"))
    done = decided_at(rnd)
    entries = {e.village_id: e for e in DifficultVillage.objects.filter(county_id=rnd.county_id, status="listed") if e.village_id not in done}
    proposed = {code: outcome for code, outcome in rules.review_proposals(set(entries), ratings).items() if code not in done}
    villages = {r.code: r for r in Region.objects.filter(code__in=list(proposed)).select_related("parent")}
    return [
        Proposal(villages[code], ratings.get(code), entries.get(code), proposed[code], rules.allowed_outcomes(code in entries))
        for code in sorted(proposed)
    ]


def review_round(user, rnd: AnalysisRound, decisions: dict[str, str] | None = None, notes: dict[str, str] | None = None) -> dict:
    """Review the difficult-villages list at a round, once: villages rated weak are listed (with
    a ledger task for their task force), listed ones are kept, marked improved or removed. The
    county may decide otherwise than proposed (`decisions`: village code → outcome; a rated
    village not proposed may be listed too). Running it again changes nothing."""
    permissions.require(user, MANAGE_ROLES, rnd.county_id, "复核重点难点村清单", object_type="assessment.analysisround", object_id=rnd.pk)
    decisions = dict(decisions or {})
    notes = notes or {}
    with transaction.atomic():
        rnd = AnalysisRound.objects.select_for_update().get(pk=rnd.pk)
        if rnd.status == "reviewed":
            done = DifficultReview.objects.filter(round=rnd)
            counts = defaultdict(int)
            for outcome in done.values_list("outcome", flat=True):
                counts[outcome] += 1
            return {"already": True, **{k: counts.get(k, 0) for k in rules.OUTCOMES}}
        ratings = dict(Rating.objects.filter(round=rnd).values_list("village_id", "rating"))
        done = decided_at(rnd)
        entries = {
            e.village_id: e for e in DifficultVillage.objects.select_for_update().filter(county_id=rnd.county_id, status="listed")
            if e.village_id not in done
        }
        proposed = {code: outcome for code, outcome in rules.review_proposals(set(entries), ratings).items() if code not in done}
        problems = []
        labels = {**rules.OUTCOMES, "not_listed": "不列入"}
        names = dict(Region.objects.filter(code__in=list(decisions)).values_list("code", "name"))
        for code, outcome in sorted(decisions.items()):
            allowed = rules.allowed_outcomes(code in entries)
            name = f"{names.get(code, '')}（{code}）"
            if code in done:
                problems.append(Problem(f"{name}本轮已列入清单，不再复核", field="village"))
            elif code not in entries and code not in ratings:
                problems.append(Problem(f"{name}本轮未研判，也不在清单中", field="village"))
            elif outcome not in allowed:
                choices = "、".join(f"{k} {labels[k]}" for k in allowed)
                problems.append(Problem(f"{name}的复核结果「{outcome}」无效（可选：{choices}）", field="village"))
        if problems:
            raise Invalid(problems)
        final = {**proposed, **decisions}
        villages = {r.code: r for r in Region.objects.filter(code__in=list(final)).select_related("parent")}
        counts = defaultdict(int)
        for code in sorted(final):
            outcome = final[code]
            note = (notes.get(code) or "").strip()[:200]
            village = villages[code]
            if outcome == "not_listed":
                continue
            if outcome == "listed":
                rating = Rating.objects.filter(round=rnd, village_id=code).first()
                entry = _list_entry(user, rnd, village, rating.findings if rating else "")
            else:
                entry = entries[code]
                if outcome == "removed":
                    entry.status, entry.removed_round = "removed", rnd
                    entry.save(update_fields=["status", "removed_round"])
            DifficultReview.objects.create(entry=entry, round=rnd, outcome=outcome, rating=ratings.get(code, ""), note=note)
            History.record(
                user, outcome, kind="difficult", object_id=entry.pk, region_code=code, **ENTRY_STATUSES.get(outcome, {}),
                note=f"{rnd.title}：{rules.OUTCOMES[outcome]}" + (f"（{note}）" if note else ""),
            )
            counts[outcome] += 1
        rnd.status, rnd.reviewed_at = "reviewed", timezone.now()
        rnd.save(update_fields=["status", "reviewed_at"])
        summary = {k: counts.get(k, 0) for k in rules.OUTCOMES}
        History.record(
            user, "reviewed", kind="round", object_id=rnd.pk, region_code=rnd.county_id, from_status="open", to_status="reviewed",
            note="；".join(f"{rules.OUTCOMES[k]} {v}" for k, v in summary.items()),
        )
        audit.record("assessment.round.review", rnd, actor=user, new=summary, region_code=rnd.county_id)
    return {"already": False, **summary}


def _list_entry(user, rnd: AnalysisRound, village: Region, problems_text: str) -> DifficultVillage:
    """Put a village on the list at a round, with a ledger task for its task force."""
    entry = DifficultVillage.objects.create(county_id=rnd.county_id, village=village, listed_round=rnd, problems=problems_text)
    township = village.parent.name if village.parent_id else ""
    entry.task_id = assign_ledger_task(
        user, title=f"重点难点村专班整治：{township}{village.name}", region_code=village.code, deadline=rnd.held_on + dt.timedelta(days=180),
        source_kind="analysis", source_ref=rnd.title, description=entry.problems,
        origin=f"assessment.difficult:{entry.pk}", year=rnd.year, assigned_on=min(rnd.held_on, today()),
    )
    entry.save(update_fields=["task_id"])
    return entry


def task_force_errors(*, leader, members, problems_text=None, required: bool = True) -> tuple[dict, list[Problem]]:
    """The task force as typed, cleaned ({"leader", "members", "problems"}), and what is wrong
    with it: a leader and members are needed (`required`), within their lengths."""
    problems: list[Problem] = []
    clean = {
        "leader": clean_text(leader, "专班负责领导", "leader", problems, required=required, max_length=100),
        "members": clean_text(members, "专班成员", "members", problems, required=required),
    }
    if problems_text is not None:
        clean["problems"] = clean_text(problems_text, "主要问题", "problems", problems)
    return clean, problems


def list_village(user, rnd: AnalysisRound, village_code: str, *, problems_text: str = "", leader: str = "", members: str = "",
                 note: str = "") -> DifficultVillage:
    """List a village at a round outside its review — the county's list kept elsewhere and
    imported. Like a review's listing: a ledger task for the task force, a review row and the
    history; the round's own review then leaves the village as it is."""
    village = Region.objects.filter(code=village_code, level="village").first()
    if village is None or not village_code.startswith(region_prefix(rnd.county_id)):
        raise Invalid(Problem(f"「{village_code}」不是本县的村", field="village"))
    permissions.require(
        user, MANAGE_ROLES, village.code, f"把{village.name}列入重点难点村清单",
        object_type="assessment.difficultvillage", object_id=village.code,
    )
    clean, problems = task_force_errors(leader=leader, members=members, problems_text=problems_text, required=False)
    if problems:
        raise Invalid(problems)
    note = (note or "").strip()[:200]
    with transaction.atomic():
        rnd = AnalysisRound.objects.select_for_update().get(pk=rnd.pk)
        if DifficultVillage.objects.filter(village=village, status="listed").exists():
            raise Invalid(Problem(f"{village.name}已在重点难点村清单中", field="village"))
        entry = _list_entry(user, rnd, village, clean["problems"])
        if clean["leader"] or clean["members"]:
            entry.leader, entry.members = clean["leader"], clean["members"]
            entry.save(update_fields=["leader", "members"])
        rating = Rating.objects.filter(round=rnd, village=village).values_list("rating", flat=True).first() or ""
        DifficultReview.objects.create(entry=entry, round=rnd, outcome="listed", rating=rating, note=note)
        History.record(
            user, "listed", kind="difficult", object_id=entry.pk, region_code=village.code, **ENTRY_STATUSES["listed"],
            note=f"{rnd.title}：{rules.OUTCOMES['listed']}" + (f"（{note}）" if note else ""),
        )
        audit.record("assessment.difficult.list", entry, actor=user, region_code=village.code,
                     new={"round": rnd.pk, "problems": entry.problems, "leader": entry.leader, "members": entry.members, "note": note})
    return entry


def assign_task_force(user, entry: DifficultVillage, *, leader: str, members: str, problems_text: str | None = None) -> DifficultVillage:
    """Name the task force (专班) of a listed village: its responsible leader and members."""
    permissions.require(
        user, MANAGE_ROLES, entry.village_id, "安排专班",
        object_type="assessment.difficultvillage", object_id=entry.pk,
    )
    clean, problems = task_force_errors(leader=leader, members=members, problems_text=problems_text)
    if problems:
        raise Invalid(problems)
    leader, members, problems_text = clean["leader"], clean["members"], clean.get("problems")
    with transaction.atomic():
        entry = DifficultVillage.objects.select_for_update().get(pk=entry.pk)
        if entry.status != "listed":
            raise Invalid(Problem("该村已销号，不能再安排专班", field="status"))
        fields = ["leader", "members", "problems"]
        old = audit.snapshot(entry, fields)
        entry.leader, entry.members = leader, members
        if problems_text is not None:
            entry.problems = problems_text
        entry.save(update_fields=fields)
        History.record(
            user, "task_force", kind="difficult", object_id=entry.pk, region_code=entry.village_id, note=f"专班负责领导：{leader}"
        )
        audit.record("assessment.difficult.task_force", entry, actor=user, old=old, new=audit.snapshot(entry, fields), region_code=entry.village_id)
    return entry
