"""四议两公开 over HTTP (/api/v1/decisions…): matters, their six stages, attachments, linked
vouchers and comments. Thin handlers: fetch through the scope gate (404 outside it), call the
services (which check roles: 403 on refusal, 422 with Chinese problems on invalid input).
Money is integer fen in fields ending `_fen`; dates are ISO."""

import datetime as dt
from typing import Annotated

from django.db.models import Q
from django.urls import reverse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from sanwu.core.api_errors import Detail, responses as _responses
from sanwu.core.api_fields import IsoDate, Offset, fen_value, page_limit, text_field
from sanwu.core.codes import region_code_errors, region_prefix
from sanwu.core.errors import Invalid, Problem
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.views import serve_file
from sanwu.ledger.models import Voucher

from . import rules, services
from .models import Comment, Matter, MatterEvent, StageAttachment, StageRecord, VoucherLink
from .rules import CATEGORIES, CHANNELS, MEETING_TYPES, PURPOSES, STAGE_KEYS, STAGE_LABELS, STATUS_LABELS, StageData, fname
from .services import attachments

router = Router(tags=["四议两公开"])


# --- Input ----------------------------------------------------------------------------------------


def _fen(value):
    return None if value is None else fen_value(value, allow_negative=False)


def _count(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("count", "人数应为整数")
    if not 0 <= value <= 1_000_000:
        raise PydanticCustomError("count", "人数超出范围")
    return value


Fen = Annotated[int | None, BeforeValidator(_fen)]
Count = Annotated[int | None, BeforeValidator(_count)]


class MatterIn(Schema):
    village: Annotated[str, text_field(12, "村")] = Field(description="村的12位区划代码")
    title: Annotated[str, text_field(200, "事项名称")]
    category: str = Field(description="、".join(f"{k} {v}" for k, v in CATEGORIES.items()))
    purpose: str = Field("other", description="、".join(f"{k} {v}" for k, v in PURPOSES.items()))
    amount_fen: Fen = Field(None, description="涉及金额（分，整数；可不填）")
    year: int | None = Field(None, description="年度（默认今年）")
    description: Annotated[str, text_field(20000, "事项内容")] = ""
    merged_first_steps: bool = Field(False, description="一肩挑：党组织提议与“两委”会议商议合并进行")


class StageIn(Schema):
    date: IsoDate = Field(description="会议或公开日期 YYYY-MM-DD")
    meeting_type: str = Field("", description="会议形式：" + "、".join(f"{k} {v}" for k, v in MEETING_TYPES.items()))
    entitled: Count = Field(None, description="应到人数")
    present: Count = Field(None, description="实到人数")
    votes_for: Count = None
    votes_against: Count = None
    votes_abstain: Count = None
    text: Annotated[str, text_field(20000, "内容")] = Field("", description="提议内容、会议纪要、决议内容、公开文本或实施结果")
    channel: str = Field("", description="公开渠道（决议公开、实施结果公开）：" + "、".join(f"{k} {v}" for k, v in CHANNELS.items()))
    notice_date: IsoDate | None = Field(None, description="集体经济组织成员大会的会议通知日期（须提前十日，第二十七条）")
    correction_reason: Annotated[str, text_field(200, "更正原因")] = Field("", description="更正已记录的环节时必填；原记录保留")


class VoucherLinkIn(Schema):
    voucher_id: int = Field(description="本村账套中的凭证编号（id）")


class TextIn(Schema):
    text: Annotated[str, text_field(2000, "意见")]


class MatterReasonIn(Schema):
    reason: Annotated[str, text_field(200, "终止原因")] = ""


# --- Output ---------------------------------------------------------------------------------------


class MatterBrief(Schema):
    id: int
    village: str
    village_name: str
    title: str
    category: str
    category_label: str
    purpose: str
    purpose_label: str
    amount_fen: int | None
    year: int
    status: str
    status_label: str
    stage: str
    stage_label: str
    merged_first_steps: bool
    decided_on: dt.date | None
    completed_on: dt.date | None


class StageCheckOut(Schema):
    label: str
    ok: bool


class StageAttachmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    url: str


class RecordOut(Schema):
    id: int
    stage: str
    stage_label: str
    version: int
    correction_reason: str
    date: dt.date
    meeting_type: str
    meeting_type_label: str
    entitled: int | None
    present: int | None
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    text: str
    public_text: str
    channel: str
    channel_label: str
    checks: list[StageCheckOut]
    rule: dict | None
    content_hash: str
    recorded_by: str | None
    recorded_at: dt.datetime
    attachments: list[StageAttachmentOut]


class StageOut(Schema):
    stage: str
    number: int
    label: str
    state: str = Field(description="done 已记录、merged 已合并（一肩挑）、next 下一步、waiting 未开始、stopped 已终止")
    record: RecordOut | None
    earlier_versions: list[RecordOut]


class LinkOut(Schema):
    id: int
    voucher_id: int
    book: str
    label: str
    date: dt.date
    summary: str
    total_fen: int
    voucher_status: str
    linked_by: str | None
    linked_at: dt.datetime


class CommentOut(Schema):
    id: int
    author: str | None
    author_role: str
    text: str
    created_at: dt.datetime


class MatterEventOut(Schema):
    action: str
    action_label: str
    stage: str
    status_from: str
    status_to: str
    note: str
    actor: str | None
    at: dt.datetime


class MatterOut(MatterBrief):
    description: str
    abandon_reason: str
    next_stage: str | None
    stages: list[StageOut]
    vouchers: list[LinkOut]
    comments: list[CommentOut]
    history: list[MatterEventOut]


def _brief(m: Matter) -> dict:
    return {
        "id": m.pk, "village": m.village_id, "village_name": m.village.name, "title": m.title, "category": m.category,
        "category_label": CATEGORIES[m.category], "purpose": m.purpose, "purpose_label": PURPOSES[m.purpose], "amount_fen": m.amount,
        "year": m.year, "status": m.status, "status_label": STATUS_LABELS[m.status], "stage": m.stage, "stage_label": m.stage_label,
        "merged_first_steps": m.merged_first_steps, "decided_on": m.decided_on, "completed_on": m.completed_on,
    }


def _attachment(a: StageAttachment) -> dict:
    return {
        "id": a.pk, "kind": a.kind, "kind_label": a.get_kind_display(), "filename": a.filename, "content_type": a.content_type,
        "size": a.size, "sha256": a.sha256, "uploaded_at": a.uploaded_at,
        "url": reverse("api-1.0.0:decision_attachment", kwargs={"id": a.record.matter_id, "att_id": a.pk}),
    }


def _record(r: StageRecord, files: list[StageAttachment]) -> dict:
    return {
        "id": r.pk, "stage": r.stage, "stage_label": STAGE_LABELS[r.stage], "version": r.version, "correction_reason": r.correction_reason,
        "date": r.date, "meeting_type": r.meeting_type, "meeting_type_label": MEETING_TYPES.get(r.meeting_type, ""),
        "entitled": r.entitled, "present": r.present, "votes_for": r.votes_for, "votes_against": r.votes_against,
        "votes_abstain": r.votes_abstain, "text": r.text, "public_text": r.public_text, "channel": r.channel,
        "channel_label": CHANNELS.get(r.channel, ""), "checks": r.checks, "rule": r.rule, "content_hash": r.content_hash,
        "recorded_by": r.recorded_by.username if r.recorded_by_id else None, "recorded_at": r.recorded_at,
        "attachments": [_attachment(a) for a in files if a.record_id == r.pk],
    }


def _matter(user, m: Matter) -> dict:
    m = Matter.objects.visible_to(user).select_related("village").get(pk=m.pk)
    files = list(StageAttachment.objects.visible_to(user).filter(record__matter=m).select_related("record"))
    stages = []
    for step in services.progress(m):
        stages.append(
            {
                "stage": step["key"], "number": step["number"], "label": step["label"],
                "state": {"merged_waiting": "waiting"}.get(step["state"], step["state"]),
                "record": _record(step["record"], files) if step["record"] else None,
                "earlier_versions": [_record(v, files) for v in step["versions"]],
            }
        )
    links = VoucherLink.objects.visible_to(user).filter(matter=m).select_related("voucher__book", "linked_by")
    return {
        **_brief(m),
        "description": m.description, "abandon_reason": m.abandon_reason, "next_stage": services.next_stage(m), "stages": stages,
        "vouchers": [
            {
                "id": lk.pk, "voucher_id": lk.voucher_id, "book": lk.voucher.book.code, "label": lk.voucher.label, "date": lk.voucher.date,
                "summary": lk.voucher.summary, "total_fen": lk.voucher.total, "voucher_status": lk.voucher.status,
                "linked_by": lk.linked_by.username if lk.linked_by_id else None, "linked_at": lk.linked_at,
            }
            for lk in links
        ],
        "comments": [
            {"id": c.pk, "author": c.author.username if c.author_id else None, "author_role": c.author_role, "text": c.text, "created_at": c.created_at}
            for c in Comment.objects.visible_to(user).filter(matter=m).select_related("author")
        ],
        "history": [
            {
                "action": e.action, "action_label": e.action_label, "stage": e.stage, "status_from": e.from_status,
                "status_to": e.to_status, "note": e.note, "actor": e.actor.username if e.actor_id else None, "at": e.at,
            }
            for e in MatterEvent.objects.visible_to(user).filter(matter=m).select_related("actor")
        ],
    }


def _get(request, id: int) -> Matter:
    return get_visible_or_404(Matter, request.auth, pk=id)


# --- Endpoints ------------------------------------------------------------------------------------


@router.get(
    "/decisions", response=_responses(list[MatterBrief]), summary="管辖范围内的四议两公开事项",
    description="筛选：village（村代码，或区划代码前缀）、status（in_progress、completed、abandoned）、category、purpose、"
    "stage（已完成到的环节；none 为未开始）、year、q（名称或内容的一部分）；limit 最多 1000。",
)
def matters(
    request, village: str | None = None, status: str | None = None, category: str | None = None, purpose: str | None = None,
    stage: str | None = None, year: int | None = None, q: str | None = None, limit: page_limit(1000) = 100, offset: Offset = 0,
):
    qs = Matter.objects.visible_to(request.auth).select_related("village")
    problems = []
    if village:
        if len(village) in (12, 15) and village.isdigit() and not region_code_errors(village):
            village = region_prefix(village)
        qs = qs.filter(village__code__startswith=village)
    if status:
        if status not in STATUS_LABELS:
            problems.append(Problem(f"未知状态「{status}」（{'、'.join(STATUS_LABELS)}）", field=fname("status")))
        qs = qs.filter(status=status)
    if category:
        if category not in CATEGORIES:
            problems.append(Problem(f"未知类别「{category}」（{'、'.join(CATEGORIES)}）", field=fname("category")))
        qs = qs.filter(category=category)
    if purpose:
        if purpose not in PURPOSES:
            problems.append(Problem(f"未知用途「{purpose}」（{'、'.join(PURPOSES)}）", field=fname("purpose")))
        qs = qs.filter(purpose=purpose)
    if stage:
        if stage != "none" and stage not in STAGE_KEYS:
            problems.append(Problem(f"未知环节「{stage}」（none、{'、'.join(STAGE_KEYS)}）", field=fname("stage")))
        qs = qs.filter(stage="" if stage == "none" else stage)
    if problems:
        raise Invalid(problems)
    if year is not None:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(description__contains=q))
    return [_brief(m) for m in qs.order_by("-year", "-id")[offset : offset + limit]]


@router.post("/decisions", response=_responses(MatterOut, 201), summary="新建四议两公开事项（村党组织书记）")
def create_matter(request, payload: MatterIn):
    m = services.create_matter(
        request.auth, payload.village, payload.title, payload.category, purpose=payload.purpose, amount=payload.amount_fen,
        year=payload.year, description=payload.description, merged_first_steps=payload.merged_first_steps,
    )
    return Status(201, _matter(request.auth, m))


@router.get("/decisions/{id}", response=_responses(MatterOut), summary="一个事项：六个环节、检查结果、附件、关联凭证、意见、记录")
def matter(request, id: int):
    return _matter(request.auth, _get(request, id))


@router.post(
    "/decisions/{id}/stages/{stage}", response=_responses(MatterOut, 201), summary="记录（或更正）一个环节",
    description="环节须按顺序：" + " → ".join(f"{k}（{v}）" for k, v in rules.STAGES)
    + "。党员大会：实到不少于应到的三分之二，同意超过应到的半数；村民（代表）会议：法定到会人数，同意超过到会的半数；"
    "集体经济组织成员大会：提前十日通知，实到不少于全体成员的三分之二，同意不少于全体成员的三分之二（非成员享有收益分配权：四分之三）；"
    "成员代表大会：同意不少于全体成员代表的三分之二，不得确认成员或量化份额。"
    "已记录的环节只能以 correction_reason 更正（原记录保留）。",
)
def record_stage(request, id: int, stage: str, payload: StageIn):
    m = _get(request, id)
    data = StageData(
        date=payload.date, meeting_type=payload.meeting_type, entitled=payload.entitled, present=payload.present,
        votes_for=payload.votes_for, votes_against=payload.votes_against, votes_abstain=payload.votes_abstain,
        text=payload.text, channel=payload.channel, notice_date=payload.notice_date,
    )
    services.record_stage(request.auth, m, stage, data, correction_reason=payload.correction_reason)
    return Status(201, _matter(request.auth, m))


@router.post("/decisions/{id}/abandon", response=_responses(MatterOut), summary="终止事项（须填写原因）")
def abandon(request, id: int, payload: MatterReasonIn):
    m = _get(request, id)
    services.abandon(request.auth, m, payload.reason)
    return _matter(request.auth, m)


@router.post("/decisions/{id}/vouchers", response=_responses(MatterOut, 201), summary="关联本村账套的凭证（村会计）")
def link_voucher(request, id: int, payload: VoucherLinkIn):
    m = _get(request, id)
    voucher = get_visible_or_404(Voucher, request.auth, pk=payload.voucher_id)
    services.link_voucher(request.auth, m, voucher)
    return Status(201, _matter(request.auth, m))


@router.delete("/decisions/{id}/vouchers/{voucher_id}", response=_responses(None, 204), summary="取消凭证关联（村会计）")
def unlink_voucher(request, id: int, voucher_id: int):
    m = _get(request, id)
    link = get_visible_or_404(VoucherLink, request.auth, matter=m, voucher_id=voucher_id)
    services.unlink_voucher(request.auth, link)
    return Status(204, None)


@router.post("/decisions/{id}/comments", response=_responses(CommentOut, 201), summary="发表意见（乡镇、县、市；村书记回复）")
def comment(request, id: int, payload: TextIn):
    m = _get(request, id)
    c = services.add_comment(request.auth, m, payload.text)
    return Status(201, {"id": c.pk, "author": c.author.username if c.author_id else None, "author_role": c.author_role, "text": c.text, "created_at": c.created_at})


@router.post(
    "/decisions/{id}/stages/{stage}/attachments", response=_responses(StageAttachmentOut, 201),
    summary="上传环节附件（会议记录、签到表、现场照片；JPEG、PNG、PDF）",
)
def upload_attachment(request, id: int, stage: str, kind: str = "minutes", file: UploadedFile = File(..., description="JPEG、PNG 或 PDF，按内容识别，不超过10MB")):
    m = _get(request, id)
    rec = services.current_records(m).get(stage)
    if rec is None:
        raise Invalid(Problem(f"环节「{STAGE_LABELS.get(stage, stage)}」尚未记录，不能上传附件", field=fname("stage")))
    data = file.read(attachments.MAX_BYTES + 1)
    att = attachments.add_attachment(request.auth, rec, file.name or "附件", data, kind)
    return Status(201, _attachment(att))


_FILE_TYPES = {mime: {"schema": {"type": "string", "format": "binary"}} for mime in attachments.ALLOWED}


@router.get(
    "/decisions/{id}/attachments/{att_id}", response={404: Detail}, summary="下载环节附件原文件",
    url_name="decision_attachment", openapi_extra={"responses": {200: {"description": "附件原文件", "content": _FILE_TYPES}}},
)
def download_attachment(request, id: int, att_id: int):
    m = _get(request, id)
    return serve_file(request, StageAttachment, user=request.auth, cache="private, no-store", pk=att_id, record__matter=m)
