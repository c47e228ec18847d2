"""四议两公开 pages. Thin: every object through the scope gate, every change through the
services (which check roles themselves); buttons appear only for those who may use them."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.errors import Invalid
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.money import format_yuan
from sanwu.core.scope import roles_of
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, paginate, role_required, shows_problems
from sanwu.ledger.models import Voucher
from sanwu.regions.models import Region

from . import rules, services
from .forms import AttachmentForm, CommentForm, FilterForm, MatterForm, ReasonForm, StageForm
from .models import Comment, Matter, MatterEvent, StageAttachment, StageRecord, VoucherLink
from .rules import CATEGORIES, PURPOSES, STAGE_KEYS, STAGE_LABELS, STATUS_LABELS
from .services import attachments
from .tables import ACTION_LABELS, history_table, links_table, matters_table, person_label, stage_counter, stages_table


def _matter(request, pk: int) -> Matter:
    return get_visible_or_404(Matter, request.user, pk=pk)


def _matter_to_change(request, pk: int, roles, what: str, action: str) -> Matter:
    """The matter, when the user may do `what` to it (else an audited refusal: 403)."""
    m = _matter(request, pk)
    permissions.require(request.user, roles, m.village_id, what, object_type=f"decisions.{action}", object_id=m.pk)
    return m


# --- list ---------------------------------------------------------------------------------------


def _filtered(request):
    user = request.user
    visible = Matter.objects.visible_to(user)
    villages = Region.objects.filter(code__in=visible.values("village_id")).order_by("code")
    years = sorted(set(visible.values_list("year", flat=True).distinct()), reverse=True)
    form = FilterForm(request.GET or None, villages=villages, years=years)
    qs = visible.select_related("village__parent")
    if form.is_valid():
        d = form.cleaned_data
        if d["village"]:
            qs = qs.filter(village_id=d["village"])
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["category"]:
            qs = qs.filter(category=d["category"])
        if d["stage"]:
            qs = qs.filter(stage="" if d["stage"] == "none" else d["stage"])
        if d["year"]:
            qs = qs.filter(year=d["year"])
        if d["q"]:
            text = d["q"].strip()
            qs = qs.filter(Q(title__contains=text) | Q(description__contains=text) | Q(village__name__contains=text) | Q(village__parent__name__contains=text))
    filtered = any(request.GET.get(k) for k in ("village", "status", "category", "stage", "year", "q"))
    return form, qs.order_by("-year", "-updated_at", "-id"), filtered, villages


@role_required()
def matter_list(request):
    form, qs, filtered, villages = _filtered(request)
    fmt = export_format(request)
    if fmt:
        return download(matters_table(qs[:20000]), "四议两公开事项", fmt)
    page = paginate(request, qs)
    for m in page:
        m.done = stage_counter(m)
        m.amount_yuan = format_yuan(m.amount) if m.amount is not None else ""
    can_create = bool(roles_of(request.user) & services.RECORD_ROLES)
    return render(
        request, "decisions/list.html",
        {"page": page, "form": form, "filtered": filtered, "can_create": can_create, "many_villages": villages.count() > 1, "steps": range(1, 7)},
    )


# --- new matter ---------------------------------------------------------------------------------


@role_required(*services.RECORD_ROLES)
@shows_problems
def matter_new(request, problems=()):
    villages = [r for r in Region.objects.visible_to(request.user).filter(level="village").order_by("code")[:2000] if permissions.may(request.user, services.RECORD_ROLES, r.code)]
    form = MatterForm(request.POST or None, villages=villages, initial={"year": services.today().year, "purpose": "other"})
    if request.method == "POST" and not problems:
        d = checked(form)
        m = services.create_matter(
            request.user, d["village"], d["title"], d["category"], purpose=d["purpose"], amount=d["amount"],
            year=d["year"], description=d["description"], merged_first_steps=d["merged_first_steps"],
        )
        messages.success(request, "事项已建立。请按顺序记录各环节。")
        return redirect("decisions:detail", m.pk)
    return render(request, "decisions/new.html", {"form": form, "problems": problems})


# --- detail -------------------------------------------------------------------------------------


def _detail_export(request, m: Matter, fmt: str):
    which = request.GET.get("table", "stages")
    if which == "vouchers":
        links = VoucherLink.objects.visible_to(request.user).filter(matter=m).select_related("voucher__book", "linked_by")
        return download(links_table(links), f"关联凭证-事项{m.pk}", fmt)
    if which == "history":
        events = MatterEvent.objects.visible_to(request.user).filter(matter=m).select_related("actor")
        return download(history_table(events), f"事项记录-事项{m.pk}", fmt)
    records = StageRecord.objects.visible_to(request.user).filter(matter=m).select_related("recorded_by").order_by("id")
    return download(stages_table(records), f"四议两公开-事项{m.pk}", fmt)


def _links_context(request, m: Matter, problems=(), q: str = "") -> dict:
    links = list(VoucherLink.objects.visible_to(request.user).filter(matter=m).select_related("voucher__book", "linked_by"))
    for lk in links:
        lk.total_yuan = format_yuan(lk.voucher.total)
    can_link = services.may_link(request.user, m) and m.status != "abandoned"
    return {
        "matter": m, "links": links, "can_link": can_link, "link_problems": list(problems), "q": q,
        "options": list(services.linkable_vouchers(request.user, m, q)) if can_link else [],
        "links_total": format_yuan(sum(lk.voucher.total for lk in links)),
    }


def _detail(request, m: Matter, problems=(), upload_form=None, comment_form=None):
    user = request.user
    track = services.progress(m)
    may_record = services.may_record(user, m) and m.status != "abandoned"
    for step in track:
        rec = step["record"]
        if rec is not None:
            rec.attachment_list = list(StageAttachment.objects.visible_to(user).filter(record__matter=m, record__stage=step["key"]).select_related("uploaded_by", "record"))
            for a in rec.attachment_list:
                a.size_label = f"{a.size / 1024:.1f} KB" if a.size < 1024 * 1024 else f"{a.size / 1024 / 1024:.1f} MB"
            rec.recorder = person_label(rec.recorded_by)
            rec.rule_label = (rec.rule or {}).get("label", "")
        later_done = any(s["record"] is not None for s in track if s["number"] > step["number"])
        step["can_record"] = may_record and step["state"] == "next"
        step["can_correct"] = may_record and rec is not None and (step["publication"] or not later_done)
        step["can_upload"] = may_record and rec is not None
        step["text_label"] = rules.TEXT_LABELS[step["key"]]
    comments = list(Comment.objects.visible_to(user).filter(matter=m).select_related("author"))
    for c in comments:
        c.who = person_label(c.author)
        c.role_label = {"township_supervisor": "乡镇", "county_supervisor": "县级", "city_admin": "市级", "village_secretary": "村书记"}.get(c.author_role, "")
    events = list(MatterEvent.objects.visible_to(user).filter(matter=m).select_related("actor").order_by("-at", "-id"))
    for e in events:
        e.who = person_label(e.actor)
        e.label = ACTION_LABELS[e.action]
        e.stage_label = STAGE_LABELS.get(e.stage, "")
        e.status_to_label = STATUS_LABELS.get(e.to_status, "")
    ctx = {
        "matter": m, "track": track, "problems": list(problems), "done": sum(1 for s in track if s["state"] in ("done", "merged")),
        "amount_yuan": format_yuan(m.amount) if m.amount is not None else "", "category": CATEGORIES[m.category],
        "purpose": PURPOSES[m.purpose], "status_label": STATUS_LABELS[m.status], "creator": person_label(m.created_by) if m.created_by_id else "系统",
        "can_abandon": services.may_record(user, m) and m.status == "in_progress", "can_comment": services.may_comment(user, m),
        "comments": comments, "events": events, "upload_form": upload_form or AttachmentForm(), "comment_form": comment_form or CommentForm(),
        **_links_context(request, m),
    }
    return render(request, "decisions/detail.html", ctx)


@role_required()
def matter_detail(request, pk: int):
    m = _matter(request, pk)
    fmt = export_format(request)
    if fmt:
        return _detail_export(request, m, fmt)
    return _detail(request, m)


# --- recording a stage --------------------------------------------------------------------------


def _initial(m: Matter, stage: str, current: StageRecord | None, records: dict) -> dict:
    if current is not None:
        return {
            "date": current.date, "meeting_type": current.meeting_type, "entitled": current.entitled, "present": current.present,
            "votes_for": current.votes_for, "votes_against": current.votes_against, "votes_abstain": current.votes_abstain,
            "text": current.text, "channel": current.channel,
        }
    initial = {"date": services.today()}
    if stage == "resolution_published" and "villagers_meeting" in records:
        initial["text"] = records["villagers_meeting"].text
        initial["channel"] = "notice_board"
    if stage == "result_published":
        initial["channel"] = "notice_board"
    if (stage == "proposal" or (stage == "committees" and m.merged_first_steps)) and m.description:
        initial["text"] = m.description
    return initial


@role_required(*services.RECORD_ROLES)
@shows_problems
def record(request, pk: int, stage: str, problems=()):
    m = _matter_to_change(request, pk, services.RECORD_ROLES, "记录四议两公开环节", "record")
    if stage not in STAGE_KEYS:
        raise Http404("没有这个环节")
    records = services.current_records(m)
    current = records.get(stage)
    correcting = current is not None
    form = StageForm(request.POST or None, stage=stage, initial=_initial(m, stage, current, records))
    if request.method == "POST" and not problems:
        checked(form)
        services.record_stage(
            request.user, m, stage, form.data_for_service(), correction_reason=form.cleaned_data.get("correction_reason", ""),
        )
        messages.success(request, f"「{STAGE_LABELS[stage]}」已{'更正' if correcting else '记录'}。")
        return redirect(reverse("decisions:detail", args=[m.pk]) + f"#stage-{stage}")
    quorum = [services.quorum_rule_for(m.village_id, t) for t in rules.VILLAGERS_MEETING_TYPES] if stage == "villagers_meeting" else []
    ctx = {
        "matter": m, "stage": stage, "stage_label": STAGE_LABELS[stage], "number": rules.STAGE_NUMBERS[stage], "form": form,
        "problems": problems, "correcting": correcting, "current": current,
        "meeting": stage in rules.MEETING_STAGES, "votes": stage in rules.VOTE_STAGES, "publication": stage in rules.PUBLICATION_STAGES,
        "text_label": rules.TEXT_LABELS[stage], "quorum": quorum, "entitled_label": rules.ENTITLED_LABELS.get(stage, "应到人数"),
        "merged": m.merged_first_steps and stage == "committees",
    }
    return render(request, "decisions/record.html", ctx)


# --- attachments --------------------------------------------------------------------------------


@role_required()
@require_POST
@shows_problems
def attachment_add(request, pk: int, record_id: int, problems=()):
    m = _matter_to_change(request, pk, services.RECORD_ROLES, "上传四议两公开附件", "attachment")
    rec = get_visible_or_404(StageRecord, request.user, pk=record_id, matter=m)
    form = AttachmentForm(request.POST, request.FILES)
    if problems:
        return _detail(request, m, problems, upload_form=form)
    if not form.is_valid():
        raise Invalid("请选择附件类型和要上传的文件（JPEG、PNG 或 PDF）")
    upload = form.cleaned_data["file"]
    data = upload.read(attachments.MAX_BYTES + 1)  # one byte past the limit is enough to refuse
    attachments.add_attachment(request.user, rec, upload.name, data, form.cleaned_data["kind"])
    messages.success(request, f"附件「{upload.name}」已上传。")
    return redirect(reverse("decisions:detail", args=[m.pk]) + f"#stage-{rec.stage}")


# --- vouchers -----------------------------------------------------------------------------------


def _links_response(request, m: Matter, problems=()):
    if request.htmx:
        return render(request, "decisions/_links.html", _links_context(request, m, problems))
    if problems:
        return _detail(request, m, problems)
    return redirect(reverse("decisions:detail", args=[m.pk]) + "#vouchers")


@role_required()
@require_POST
@shows_problems
def link_voucher(request, pk: int, problems=()):
    m = _matter_to_change(request, pk, services.LINK_ROLES, "关联凭证", "link")
    if problems:
        return _links_response(request, m, problems)
    raw = request.POST.get("voucher", "")
    if not raw.isdigit():
        raise Invalid("请选择要关联的凭证")
    voucher = get_visible_or_404(Voucher, request.user, pk=int(raw))
    link = services.link_voucher(request.user, m, voucher)
    if not request.htmx:
        messages.success(request, f"已关联凭证「{link.voucher.label}」。")
    return _links_response(request, m)


@role_required()
@require_POST
def unlink_voucher(request, pk: int, link_id: int):
    m = _matter_to_change(request, pk, services.LINK_ROLES, "取消关联凭证", "unlink")
    link = get_visible_or_404(VoucherLink, request.user, pk=link_id, matter=m)
    services.unlink_voucher(request.user, link)
    messages.success(request, "已取消关联。")
    return redirect(reverse("decisions:detail", args=[m.pk]) + "#vouchers")


@role_required()
def voucher_options(request, pk: int):
    """htmx: the vouchers matching the search, as <option>s."""
    m = _matter(request, pk)
    q = request.GET.get("q", "").strip()[:50]
    options = list(services.linkable_vouchers(request.user, m, q))
    return render(request, "decisions/_voucher_options.html", {"options": options, "q": q})


# --- comments and abandoning --------------------------------------------------------------------


@role_required()
@require_POST
@shows_problems
def comment(request, pk: int, problems=()):
    m = _matter_to_change(request, pk, services.COMMENT_ROLES, "发表意见", "comment")
    form = CommentForm(request.POST)
    if problems:
        return _detail(request, m, problems, comment_form=form)
    services.add_comment(request.user, m, form.data.get("text", ""))
    messages.success(request, "意见已发表。")
    return redirect(reverse("decisions:detail", args=[m.pk]) + "#comments")


@role_required()
@require_POST
@shows_problems
def abandon(request, pk: int, problems=()):
    m = _matter_to_change(request, pk, services.RECORD_ROLES, "终止事项", "abandon")
    if problems:
        return _detail(request, m, problems)
    services.abandon(request.user, m, ReasonForm(request.POST).data.get("reason", ""))
    messages.success(request, "事项已终止。")
    return redirect("decisions:detail", m.pk)
