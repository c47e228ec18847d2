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
"""

import datetime as dt
import hashlib
import json
import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanwu.core import audit
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.money import format_yuan
from sanwu.core.scope import can_write, roles_of
from sanwu.regions.masking import mask_name
from sanwu.regions.models import Person, Region

from . import rules
from .models import Comment, Matter, MatterEvent, QuorumRule, StageRecord, VoucherLink
from .rules import (
    CATEGORIES,
    CHANNELS,
    DECIDED_STAGES,
    MEETING_TYPES,
    PUBLICATION_STAGES,
    PURPOSES,
    STAGE_KEYS,
    STAGE_LABELS,
    STATUS_LABELS,
    VILLAGERS_MEETING_TYPES,
    Fraction,
    QuorumRule as Rule,
    StageData,
    fname,
)

RECORD_ROLES = {"village_secretary"}
LINK_ROLES = {"village_accountant"}
COMMENT_ROLES = {"township_supervisor", "county_supervisor", "city_admin", "village_secretary"}
RULE_ROLES = {"county_supervisor", "city_admin"}

MAX_TITLE = 200


def today() -> dt.date:
    return timezone.localdate()


def _may(user, code: str, roles: set[str]) -> bool:
    return user is None or can_write(user, code, roles)


def _require(user, code: str, roles: set[str], what: str, object_id="") -> None:
    """Refuse (audited) unless the acting user holds one of `roles` over region `code`.
    Called before any transaction, so that the refusal stays in the audit trail."""
    if not _may(user, code, roles):
        from sanwu.core.permissions import refuse

        refuse(user, f"decisions.{what}", object_id, code)
        raise Refused(f"无权{what}")


def may_record(user, matter: Matter) -> bool:
    return _may(user, matter.village_id, RECORD_ROLES)


def may_link(user, matter: Matter) -> bool:
    return _may(user, matter.village_id, LINK_ROLES)


def may_comment(user, matter: Matter) -> bool:
    return _may(user, matter.village_id, COMMENT_ROLES)


def _event(matter: Matter, action: str, user, *, stage="", status_from="", status_to="", note="") -> MatterEvent:
    return MatterEvent.objects.create(
        matter=matter, action=action, stage=stage, status_from=status_from, status_to=status_to, note=note[:300],
        actor=user if user is not None and getattr(user, "pk", None) else None,
    )


# --- Matters ------------------------------------------------------------------------------------


def matter_problems(village_code: str, title: str, category: str, purpose: str, amount, year) -> list[Problem]:
    problems = []
    region = Region.objects.filter(code=village_code).first()
    if region is None or region.level != "village":
        problems.append(Problem(f"「{village_code}」不是已登记的村", field="region"))
    if not (title or "").strip():
        problems.append(Problem("请填写事项名称", field=fname("title")))
    elif len(title.strip()) > MAX_TITLE:
        problems.append(Problem(f"事项名称不能超过{MAX_TITLE}个字", field=fname("title")))
    if category not in CATEGORIES:
        problems.append(Problem(f"事项类别「{category}」无效（{'、'.join(CATEGORIES.values())}）", field=fname("category")))
    if purpose not in PURPOSES:
        problems.append(Problem(f"用途标记「{purpose}」无效（{'、'.join(PURPOSES)}）", field=fname("purpose")))
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or amount < 0):
        problems.append(Problem("涉及金额应为不小于0的整数（单位：分）", field=fname("amount")))
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= today().year + 1:
        problems.append(Problem(f"年度「{year}」无效", field=fname("year")))
    return problems


def create_matter(
    user, village_code: str, title: str, category: str, *, purpose: str = "other", amount: int | None = None,
    year: int | None = None, description: str = "", merged_first_steps: bool = False,
) -> Matter:
    """A new matter for a village (the secretary). Its stages follow one by one."""
    region = Region.objects.filter(code=village_code).first()
    if region is not None and region.level == "village":
        _require(user, village_code, RECORD_ROLES, "建立四议两公开事项", village_code)
    year = today().year if year is None else year
    problems = matter_problems(village_code, title, category, purpose, amount, year)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        m = Matter.objects.create(
            village=region, title=title.strip(), description=(description or "").strip(), category=category, purpose=purpose,
            amount=amount, year=year, merged_first_steps=bool(merged_first_steps),
            created_by=user if user is not None and getattr(user, "pk", None) else None,
        )
        _event(m, "create", user, status_to="in_progress", note=m.title)
        audit.record(
            "decision.create", m, actor=user, region_code=village_code,
            new={"title": m.title, "category": category, "purpose": purpose, "amount": amount, "year": year, "merged": m.merged_first_steps},
        )
    return m


def abandon(user, matter: Matter, reason: str) -> Matter:
    """终止: the matter stops where it is (the records stay). Not once the result is published."""
    _require(user, matter.village_id, RECORD_ROLES, "终止事项", matter.pk)
    if not (reason or "").strip():
        raise Invalid(Problem("请填写终止原因", field="reason"))
    with transaction.atomic():
        m = Matter.objects.select_for_update().get(pk=matter.pk)
        if m.status != "in_progress":
            raise Invalid(Problem(f"事项状态为「{STATUS_LABELS[m.status]}」，不能终止"))
        m.status, m.abandon_reason = "abandoned", reason.strip()[:200]
        m.save(update_fields=["status", "abandon_reason", "updated_at"])
        _event(m, "abandon", user, status_from="in_progress", status_to="abandoned", note=m.abandon_reason)
        audit.record("decision.abandon", m, actor=user, old={"status": "in_progress"}, new={"status": "abandoned"}, note=m.abandon_reason, region_code=m.village_id)
    return m


# --- Quorum rules -------------------------------------------------------------------------------


def quorum_rule_for(village_code: str, meeting_type: str) -> Rule:
    """The rule for a villagers' meeting of this type in this village: the county's own, else the
    city's, else the legal default."""
    default = rules.DEFAULT_QUORUM[meeting_type]
    county = village_code[:6] + "000000"
    city = village_code[:4] + "00000000"
    found = {r.region_id: r for r in QuorumRule.objects.filter(region_id__in=[county, city], meeting_type=meeting_type)}
    for code in (county, city):
        r = found.get(code)
        if r is not None:
            name = Region.objects.filter(code=code).values_list("name", flat=True).first() or code
            return Rule(meeting_type, Fraction(r.present_num, r.present_den, r.strict), source=f"{name}规定")
    return default


def set_quorum_rule(user, region_code: str, meeting_type: str, num: int, den: int, strict: bool) -> QuorumRule:
    """A county (or the city) sets its own quorum for one type of villagers' meeting."""
    problems = []
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level not in ("county", "city"):
        problems.append(Problem(f"「{region_code}」不是已登记的县或市", field="region"))
    if meeting_type not in VILLAGERS_MEETING_TYPES:
        problems.append(Problem(f"会议形式应为：{'、'.join(MEETING_TYPES[m] for m in VILLAGERS_MEETING_TYPES)}", field=fname("meeting_type")))
    if not (isinstance(num, int) and isinstance(den, int) and 0 < num < den <= 100):
        problems.append(Problem("到会比例应为真分数，如 1/2、2/3", field=fname("present")))
    if problems:
        raise Invalid(problems)
    _require(user, region_code, RULE_ROLES, "设置村民会议到会人数规则", region_code)
    with transaction.atomic():
        old = QuorumRule.objects.select_for_update().filter(region=region, meeting_type=meeting_type).first()
        before = {"num": old.present_num, "den": old.present_den, "strict": old.strict} if old else None
        rule, _ = QuorumRule.objects.update_or_create(
            region=region, meeting_type=meeting_type,
            defaults={"present_num": num, "present_den": den, "strict": bool(strict), "updated_by": user if user is not None and getattr(user, "pk", None) else None},
        )
        audit.record("decision.quorum_rule", rule, actor=user, old=before, new={"meeting_type": meeting_type, "num": num, "den": den, "strict": bool(strict)}, region_code=region_code)
    return rule


# --- Stages -------------------------------------------------------------------------------------


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


_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_LONG_DIGITS_RE = re.compile(r"\d(?:[ -]?\d){11,}")  # bank accounts and the like: 12+ digits

DROPPED_ID = "（证件号已隐去）"
DROPPED_PHONE = "（电话已隐去）"
DROPPED_ACCOUNT = "（账号已隐去）"


def county_names(village_code: str) -> set[str]:
    """Full names in the person register of the village's county (2 to 6 characters): a text
    about one village often names people of the next."""
    names = Person.objects.filter(region__code__startswith=village_code[:6]).values_list("name", flat=True)
    return {n.strip() for n in names if n and 2 <= len(n.strip()) <= 6}


def mask_text(text: str, village_code: str, names: set[str] | None = None) -> str:
    """A text fit for the public: ID, phone and account numbers dropped, the names of registered
    people masked (张*明) wherever they appear, longest names first."""
    out = _ID_RE.sub(DROPPED_ID, text or "")
    out = _MOBILE_RE.sub(DROPPED_PHONE, out)
    out = _LANDLINE_RE.sub(DROPPED_PHONE, out)
    out = _LONG_DIGITS_RE.sub(DROPPED_ACCOUNT, out)
    names = county_names(village_code) if names is None else names
    if not names or not out:
        return out
    lengths = sorted({len(n) for n in names}, reverse=True)
    pieces, i = [], 0
    while i < len(out):
        for n in lengths:
            piece = out[i : i + n]
            if len(piece) == n and piece in names:
                pieces.append(mask_name(piece))
                i += n
                break
        else:
            pieces.append(out[i])
            i += 1
    return "".join(pieces)


def _content_hash(matter: Matter, stage: str, version: int, d: StageData, public_text: str) -> str:
    payload = {
        "matter": matter.pk, "village": matter.village_id, "stage": stage, "version": version, "date": d.date.isoformat(),
        "meeting_type": d.meeting_type, "entitled": d.entitled, "present": d.present, "for": d.votes_for,
        "against": d.votes_against, "abstain": d.votes_abstain, "text": d.text, "public_text": public_text, "channel": d.channel,
    }
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
    )


def record_stage(user, matter: Matter, stage: str, data: StageData, *, correction_reason: str = "") -> StageRecord:
    """Record the next stage of a matter (or, with a reason, correct a recorded one).

    Stages go strictly in order (the proposal is skipped when merged, 一肩挑); each date is on or
    after the previous stage's and not in the future; the stage's own checks must pass. Recording
    `result_published` completes the matter. A correction is a new version; the old one stays.
    A meeting stage may be corrected only until the next stage is recorded; a publication may
    be corrected at any time (by a new, later publication).
    """
    _require(user, matter.village_id, RECORD_ROLES, "记录四议两公开环节", matter.pk)
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
        checks = rules.stage_checks(stage, d, rule)
        problems += rules.as_problems(checks)
        if problems:
            raise Invalid(problems)
        version = records[stage].version + 1 if correcting else 1
        public_text = mask_text(d.text, m.village_id) if stage in PUBLICATION_STAGES else ""
        rec = StageRecord.objects.create(
            matter=m, stage=stage, version=version, supersedes=records.get(stage), correction_reason=reason if correcting else "",
            date=d.date, meeting_type=d.meeting_type, entitled=d.entitled, present=d.present, votes_for=d.votes_for,
            votes_against=d.votes_against, votes_abstain=d.votes_abstain, text=d.text, public_text=public_text, channel=d.channel,
            checks=[c.as_dict() for c in checks if c.rule], rule=rule.as_dict() if rule else None,
            content_hash=_content_hash(m, stage, version, d, public_text),
            recorded_by=user if user is not None and getattr(user, "pk", None) else None,
        )
        status_from = m.status
        if stage == "resolution_published":
            m.decided_on = d.date
        if not correcting:
            m.stage = stage
            if stage == "result_published":
                m.status, m.completed_on = "completed", d.date
        elif stage == "result_published":
            m.completed_on = d.date
        m.save(update_fields=["stage", "status", "decided_on", "completed_on", "updated_at"])
        _event(
            m, "correct" if correcting else "record", user, stage=stage,
            status_from=status_from if m.status != status_from else "", status_to=m.status if m.status != status_from else "",
            note=reason if correcting else "",
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


# --- Vouchers -----------------------------------------------------------------------------------


def link_voucher(user, matter: Matter, voucher) -> VoucherLink:
    """The accountant links a voucher of the village's own book to one of the village's matters."""
    from sanwu.ledger.models import Voucher

    _require(user, matter.village_id, LINK_ROLES, "关联凭证", matter.pk)
    v = Voucher.objects.select_related("book").get(pk=voucher.pk)
    problems = []
    if v.book.region_id != matter.village_id:
        problems.append(Problem("只能关联本村账套的凭证", field=fname("voucher")))
    if user is not None and not can_write(user, v.book.region_id, LINK_ROLES):
        problems.append(Problem("只能关联本人所管账套的凭证", field=fname("voucher")))
    if v.status == "rejected":
        problems.append(Problem("已退回的凭证不能关联", field=fname("voucher")))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        m = Matter.objects.select_for_update().get(pk=matter.pk)
        if m.status == "abandoned":
            raise Invalid(Problem("事项已终止，不能再关联凭证"))
        if VoucherLink.objects.filter(matter=m, voucher=v).exists():
            raise Invalid(Problem(f"凭证「{v.label}」已关联本事项", field=fname("voucher")))
        link = VoucherLink.objects.create(matter=m, voucher=v, linked_by=user if user is not None and getattr(user, "pk", None) else None)
        _event(m, "link", user, note=f"{v.book.code} {v.label} {format_yuan(v.total)}元")
        audit.record("decision.link_voucher", link, actor=user, region_code=m.village_id, new={"matter": m.pk, "voucher": v.pk, "book": v.book.code, "label": v.label})
    return link


def unlink_voucher(user, link: VoucherLink) -> None:
    _require(user, link.matter.village_id, LINK_ROLES, "取消关联凭证", link.matter_id)
    with transaction.atomic():
        m = Matter.objects.select_for_update().get(pk=link.matter_id)
        v = link.voucher
        _event(m, "unlink", user, note=f"{v.book.code} {v.label}")
        audit.record("decision.unlink_voucher", link, actor=user, region_code=m.village_id, old={"matter": m.pk, "voucher": v.pk, "label": v.label})
        link.delete()


def linkable_vouchers(user, matter: Matter, q: str = "", limit: int = 50):
    """Vouchers the user could link: the village's books as the user sees them, not rejected,
    not already linked, newest first; `q` matches the summary or the number."""
    from sanwu.ledger.models import Voucher

    if not may_link(user, matter):
        return Voucher.objects.none()
    qs = (
        Voucher.objects.visible_to(user).filter(book__region_id=matter.village_id).exclude(status="rejected")
        .exclude(pk__in=VoucherLink.objects.filter(matter=matter).values("voucher_id")).select_related("book")
    )
    q = (q or "").strip()
    if q:
        cond = Q(summary__contains=q)
        digits = q.removeprefix("记").lstrip("-")
        if digits.isdigit():
            cond |= Q(number=int(digits)) | Q(total=int(digits) * 100)
        qs = qs.filter(cond)
    return qs.order_by("-date", "-id")[:limit]


# --- Comments -----------------------------------------------------------------------------------


def add_comment(user, matter: Matter, text: str) -> Comment:
    _require(user, matter.village_id, COMMENT_ROLES, "发表意见", matter.pk)
    text = (text or "").strip()
    if not text:
        raise Invalid(Problem("请填写意见内容", field=fname("text")))
    if len(text) > 2000:
        raise Invalid(Problem("意见不能超过2000个字", field=fname("text")))
    mine = roles_of(user) & COMMENT_ROLES if user is not None else set()
    role = sorted(mine)[0] if mine else ""
    with transaction.atomic():
        c = Comment.objects.create(matter=matter, author=user if user is not None and getattr(user, "pk", None) else None, author_role=role, text=text)
        audit.record("decision.comment", c, actor=user, region_code=matter.village_id, new={"matter": matter.pk, "text": text[:200]})
    return c


# --- For other apps (system level) --------------------------------------------------------------


def _decided(require_result: bool = False):
    """Matters whose procedure is complete: the resolution is published (and, with
    `require_result`, the implementation result too). Abandoned matters never count."""
    if require_result:
        return Matter.objects.filter(status="completed")
    return Matter.objects.filter(stage__in=DECIDED_STAGES).exclude(status="abandoned")


def has_completed_decision_for_voucher(voucher, *, require_result: bool = False) -> bool:
    """Whether the voucher is linked to a completed decision of its own village.

    "Completed" means the 四议两公开 procedure has reached a published resolution (stages 1–5):
    money is spent *after* that, and the implementation result (stage 6) is published when the
    work is done. `require_result=True` asks for the result to be published too."""
    village = voucher.book.region_id
    return VoucherLink.objects.filter(voucher_id=voucher.pk, matter__village_id=village, matter__in=_decided(require_result)).exists()


def vouchers_with_completed_decision(voucher_ids, *, require_result: bool = False) -> set[int]:
    """The bulk form of `has_completed_decision_for_voucher`, for batch posting: of these voucher
    ids, those linked to a completed decision of their own village."""
    from django.db.models import F

    ids = sorted({int(i) for i in voucher_ids})
    # Most vouchers have no link at all (every voucher of a fresh import): find the linked ones
    # with a plain lookup first, and check matters only for those.
    linked: list[int] = []
    for i in range(0, len(ids), 900):
        linked += VoucherLink.objects.filter(voucher_id__in=ids[i : i + 900]).values_list("voucher_id", flat=True).distinct()
    found: set[int] = set()
    decided = _decided(require_result)
    for i in range(0, len(linked), 900):
        found.update(
            VoucherLink.objects.filter(voucher_id__in=linked[i : i + 900], matter__in=decided)
            .filter(matter__village_id=F("voucher__book__region_id")).values_list("voucher_id", flat=True)
        )
    return found


def completed_matters(village_code: str, purpose: str | None = None, year: int | None = None, *, require_result: bool = False) -> list[Matter]:
    """The village's completed decisions (see `has_completed_decision_for_voucher`), oldest first."""
    qs = _decided(require_result).filter(village_id=village_code)
    if purpose:
        qs = qs.filter(purpose=purpose)
    if year is not None:
        qs = qs.filter(year=year)
    return list(qs.order_by("decided_on", "id"))


def completed_matters_under(prefix: str, purpose: str, year: int, *, require_result: bool = False):
    """The bulk form of `completed_matters`: a queryset of the completed decisions of every village
    whose code starts with `prefix` (a region's villages), for other apps to filter further."""
    return _decided(require_result).filter(village__code__startswith=prefix, purpose=purpose, year=year)


def has_completed_decision(village_code: str, purpose: str, year: int, *, require_result: bool = False) -> bool:
    """E.g. `has_completed_decision(village, "cadre_reward", 2020)` for the cadre reward."""
    qs = _decided(require_result).filter(village_id=village_code, purpose=purpose, year=year)
    return qs.exists()


def published_for_village(village_code: str) -> list[dict]:
    """For the public village page: only matters whose resolution was published, newest first.

    Each item is flat (strings, numbers, dates, booleans, and `steps`, a list of strings): the
    title, category, amount, dates, the meetings' head counts, and the resolution and result
    texts as frozen at publication — personal data masked (registered names 张*明; ID, phone and
    account numbers dropped). Never who attended or recorded, nor minutes, sign-in sheets or
    photos. Keys:

    id, title, category, category_label, amount_fen, year, status, status_label, stage,
    stage_label, merged_first_steps, decided_on, completed_on, steps,
    {proposal,committees,members_meeting,villagers_meeting}_date,
    {committees,members_meeting,villagers_meeting}_{entitled,present,for,against,abstain},
    villagers_meeting_type_label,
    {resolution,result} (text, "" if none), {resolution,result}_date, _channel_label,
    _corrected, _hash.
    """
    matters = list(Matter.objects.filter(village_id=village_code, stage__in=DECIDED_STAGES).order_by("-decided_on", "-id"))
    if not matters:
        return []
    by_matter: dict[int, dict[str, StageRecord]] = {}
    for r in StageRecord.objects.filter(matter__in=matters).order_by("matter_id", "stage", "version"):
        by_matter.setdefault(r.matter_id, {})[r.stage] = r
    names = county_names(village_code)
    out = []
    for m in matters:
        records = by_matter.get(m.pk, {})
        item = {
            "id": m.pk,
            "title": mask_text(m.title, village_code, names),
            "category": m.category,
            "category_label": CATEGORIES[m.category],
            "amount_fen": m.amount,
            "year": m.year,
            "status": m.status,
            "status_label": STATUS_LABELS[m.status],
            "stage": m.stage,
            "stage_label": STAGE_LABELS[m.stage],
            "merged_first_steps": m.merged_first_steps,
            "decided_on": m.decided_on,
            "completed_on": m.completed_on,
        }
        steps = []
        for key in STAGE_KEYS:
            r = records.get(key)
            if key in rules.MEETING_STAGES:
                item[f"{key}_date"] = r.date if r else None
            if key in rules.VOTE_STAGES:
                for field, attr in (("entitled", "entitled"), ("present", "present"), ("for", "votes_for"), ("against", "votes_against"), ("abstain", "votes_abstain")):
                    item[f"{key}_{field}"] = getattr(r, attr) if r else None
            if r is not None:
                steps.append(f"{r.date:%Y-%m-%d} {STAGE_LABELS[key]}")
            elif key == "proposal" and m.merged_first_steps:
                steps.append(f"{STAGE_LABELS[key]}（“一肩挑”，与“两委”会议商议合并）")
        v = records.get("villagers_meeting")
        item["villagers_meeting_type_label"] = MEETING_TYPES.get(v.meeting_type, "") if v else ""
        item["steps"] = steps
        for key, prefix in (("resolution_published", "resolution"), ("result_published", "result")):
            r = records.get(key)
            # Frozen at publication; masked again in case someone was registered since.
            item[prefix] = mask_text(r.public_text, village_code, names) if r else ""
            item[f"{prefix}_date"] = r.date if r else None
            item[f"{prefix}_channel_label"] = CHANNELS.get(r.channel, "") if r else ""
            item[f"{prefix}_corrected"] = bool(r and r.version > 1)
            item[f"{prefix}_hash"] = r.content_hash if r else ""
        out.append(item)
    return out
