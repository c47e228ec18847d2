"""The oversight pages: the live feed (htmx polling every 3 s), warnings and their handling, the
township and county dashboards, the review queue and the county's rule parameters. Thin: read
the request, call services, render; every queryset goes through the scope gate."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import condition, require_POST

from sanwu.core.codes import region_level, region_prefix
from sanwu.core.errors import Invalid, Refused
from sanwu.core.gate import get_visible_or_404, refuse
from sanwu.core.money import format_yuan
from sanwu.core.scope import can_write, code_in_scope, grants_of, roles_of
from sanwu.core.tables import Column, Table, download
from sanwu.core.web import current_region_code, export_format, paginate, role_required
from sanwu.regions.models import Region

from . import services, versions
from .forms import ACCOUNT_ROLE_CHOICES, ExplainForm, FeedFilterForm, NoteForm, SettingsForm, WarningFilterForm
from .models import SEVERITIES, STATUSES, Warning
from .rules import RULES

SUPERVISOR_ROLES = ("township_supervisor", "county_supervisor", "city_admin", "auditor")
QUEUE_ROLES = ("township_supervisor", "county_supervisor", "city_admin", "auditor")
SETTINGS_VIEW_ROLES = ("county_supervisor", "city_admin", "auditor")
FEED_ROWS = 50
STAMP_SLOT = "__feed_stamp__"


# --- helpers ----------------------------------------------------------------------------------

TABS = [
    ("oversight:feed", "实时监管", None),
    ("oversight:warnings", "预警", None),
    ("oversight:dashboard", "监管看板", set(SUPERVISOR_ROLES)),
    ("oversight:queue", "待审核凭证", set(QUEUE_ROLES)),
    ("oversight:settings", "预警参数", set(SETTINGS_VIEW_ROLES)),
]


def render_page(request, template: str, ctx: dict, status: int = 200):
    """render() plus the oversight tabs the user may open."""
    mine = roles_of(request.user)
    ctx["tabs"] = [(name, label) for name, label, roles in TABS if roles is None or mine & roles]
    return render(request, template, ctx, status=status)



def _picker(user, township: str = ""):
    """Townships and villages the user may filter by (villages once a township is chosen, or
    when the scope is small)."""
    regions = Region.objects.visible_to(user)
    townships = list(regions.filter(level="township").order_by("code").only("code", "name"))
    villages = regions.filter(level="village")
    if township:
        villages = villages.filter(code__startswith=region_prefix(township))
    elif villages.count() > 80:
        villages = villages.none()
    return townships, list(villages.order_by("code").only("code", "name")[:300])


def _base_region(request) -> Region | None:
    """The region a dashboard is about: ?region= when in scope, else the one picked, else the
    user's widest grant."""
    code = (request.GET.get("region") or "").strip()
    if code:
        return get_visible_or_404(Region, request.user, code=code)
    code = current_region_code(request)
    return Region.objects.visible_to(request.user).filter(code=code).first() if code else None


def _feed_context(request):
    form = FeedFilterForm(request.GET or None)
    f = form.filter()
    problems = services.feed_errors(f) + ([e for errs in form.errors.values() for e in errs] if form.is_bound else [])
    return form, f, problems


def _feed_stamp(request) -> str:
    """The version of the newest rows the user's filter shows (oversight.versions): the poll's
    stamp and its ETag."""
    if not hasattr(request, "_feed_stamp"):
        form, f, problems = _feed_context(request)
        request._feed_stamp = "0" if problems else versions.feed(request.user, f, FEED_ROWS)
    return request._feed_stamp


def _feed_table(vouchers) -> Table:
    return Table(
        "实时监管",
        [
            Column("posted_at", "记账时间", width=18), Column("township", "乡镇"), Column("village", "村"), Column("book", "账套", width=16),
            Column("no", "凭证号", width=16), Column("date", "日期", width=12), Column("summary", "摘要", width=36),
            Column("total", "金额", money=True, width=16), Column("settlement", "结算方式"), Column("attachments", "附件数"),
            Column("severity", "预警"), Column("warnings", "预警内容", width=50),
        ],
        [
            {
                "posted_at": timezone.localtime(v.posted_at).strftime("%Y-%m-%d %H:%M:%S") if v.posted_at else "",
                "township": v.township.name if v.township else "", "village": v.village.name, "book": v.book.code,
                "no": v.label, "date": v.date, "summary": v.summary, "total": v.total, "settlement": "、".join(v.settlement_labels),
                "attachments": v.attachment_count, "severity": v.severity_label,
                "warnings": "；".join(RULES[w.rule].label if w.rule in RULES else w.rule for w in v.flags),
            }
            for v in vouchers
        ],
    )


# --- the live feed ----------------------------------------------------------------------------


@role_required()
def feed(request):
    form, f, problems = _feed_context(request)
    qs = services.feed(request.user, f) if not problems else services.feed(request.user).none()
    fmt = export_format(request)
    if fmt:
        return download(_feed_table(services.dress_feed(list(qs[:20000]))), "实时监管", fmt)
    page = paginate(request, qs)
    services.dress_feed(list(page.object_list))
    townships, villages = _picker(request.user, f.township)
    live = page.number == 1
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("stamp", None)
    rows = render_to_string("oversight/_feed_rows.html", {"vouchers": page.object_list}, request=request)
    rows = mark_safe(rows.replace(STAMP_SLOT, _feed_stamp(request)))  # our own template's output
    return render_page(request, "oversight/feed.html",
        {
            "form": form, "f": f, "problems": problems, "page": page, "rows": rows, "live": live,
            "rows_query": query.urlencode(), "townships": townships, "villages": villages,
            "account_roles": ACCOUNT_ROLE_CHOICES, "severities": SEVERITIES, "now": timezone.now(),
            "filtered": any(request.GET.get(k) for k in ("township", "village", "min", "max", "settlement", "account", "flagged", "severity")),
        },
    )


@role_required()
@condition(etag_func=lambda request: _feed_stamp(request))
def feed_rows(request):
    """The newest rows, for htmx polling (every 3 s): no count, no paging. The page sends the
    stamp of what it shows; when nothing changed the answer is 204 and htmx leaves the table
    alone (a click on a row is never lost to a swap), or 304 to a browser asking with the ETag
    it holds — both without making the rows."""
    stamp = _feed_stamp(request)
    if request.GET.get("stamp") == stamp:
        resp = HttpResponse(status=204)
    else:
        form, f, problems = _feed_context(request)
        vouchers = [] if problems else services.dress_feed(list(services.feed(request.user, f)[:FEED_ROWS]))
        resp = HttpResponse(render_to_string("oversight/_feed_rows.html", {"vouchers": vouchers}, request=request).replace(STAMP_SLOT, stamp))
    resp["Cache-Control"] = "private, no-cache"
    return resp


# --- warnings ---------------------------------------------------------------------------------


def _warning_table(rows) -> Table:
    return Table(
        "预警",
        [
            Column("created_at", "预警时间", width=18), Column("severity", "严重程度"), Column("rule", "规则", width=20),
            Column("township", "乡镇"), Column("village", "村"), Column("message", "内容", width=60), Column("amount", "金额", money=True, width=16),
            Column("status", "状态"), Column("explanation", "情况说明", width=40), Column("explained_by", "说明人"),
            Column("handled_by", "处理人"), Column("handling_note", "处理意见", width=30),
        ],
        [
            {
                "created_at": timezone.localtime(w.created_at).strftime("%Y-%m-%d %H:%M"), "severity": w.get_severity_display(),
                "rule": RULES[w.rule].label if w.rule in RULES else w.rule, "township": w.village.parent.name if w.village.parent else "",
                "village": w.village.name, "message": w.message, "amount": w.amount, "status": w.get_status_display(),
                "explanation": w.explanation, "explained_by": _name(w.explained_by), "handled_by": _name(w.handled_by),
                "handling_note": w.handling_note,
            }
            for w in rows
        ],
    )


def _name(user) -> str:
    return (user.first_name or user.username) if user is not None else ""


@role_required()
def warning_list(request):
    form = WarningFilterForm(request.GET or None)
    f = form.filter()
    if f.region and not code_in_scope(request.user, f.region):
        refuse(request.user, "oversight.warnings", region_code=f.region)
        raise Http404("未找到，或不在您的管辖范围内")
    qs = services.warnings(request.user, f)
    fmt = export_format(request)
    if fmt:
        return download(_warning_table(qs[:50000]), "预警", fmt)
    page = paginate(request, qs)
    now = timezone.now()
    params = services.params_by_county({w.county_code for w in page})
    for w in page:
        w.overdue = w.status == "open" and (now - w.created_at).days >= params[w.county_code].response_days
        w.rule_label = RULES[w.rule].label if w.rule in RULES else w.rule
    region_name = Region.objects.filter(code=f.region).values_list("name", flat=True).first() if f.region else ""
    return render_page(request, "oversight/warning_list.html",
        {
            "form": form, "f": f, "page": page, "statuses": STATUSES, "severities": SEVERITIES, "rules": RULES.values(),
            "region_name": region_name, "filtered": any(request.GET.get(k) for k in ("status", "rule", "severity", "region", "overdue", "q")),
        },
    )


def _warning_page(request, w: Warning, problems=(), status=200, explain_form=None, note_form=None):
    actions = services.allowed_actions(request.user, w)
    voucher = w.voucher
    return render_page(request, "oversight/warning_detail.html",
        {
            "w": w, "rule": RULES.get(w.rule), "events": w.events.select_related("actor").order_by("at", "id"),
            "actions": actions, "any_action": any(actions.values()), "problems": problems, "voucher": voucher,
            "book": w.book, "overdue": services.is_overdue(w), "explain_form": explain_form or ExplainForm(),
            "note_form": note_form or NoteForm(), "amount": format_yuan(w.amount) if w.amount is not None else "",
        },
        status=status,
    )


@role_required()
def warning_detail(request, pk: int):
    w = get_visible_or_404(Warning, request.user, pk=pk)
    return _warning_page(request, w)


ACTIONS = {
    "explain": (lambda u, w, text: services.explain(u, w, text), "情况说明已提交，等待乡镇审核。"),
    "accept": (lambda u, w, text: services.accept(u, w, text), "已认可该预警的情况说明。"),
    "escalate": (lambda u, w, text: services.escalate(u, w, text), "已上报县级监管。"),
}


@role_required()
@require_POST
def warning_action(request, pk: int, action: str):
    w = get_visible_or_404(Warning, request.user, pk=pk)
    if action not in ACTIONS:
        raise Http404("没有这个操作")
    call, done = ACTIONS[action]
    text = request.POST.get("text" if action == "explain" else "note", "")
    try:
        call(request.user, w, text)
    except Invalid as exc:
        w = Warning.objects.get(pk=w.pk)
        form = ExplainForm(request.POST) if action == "explain" else None
        note = NoteForm(request.POST) if action != "explain" else None
        return _warning_page(request, w, exc.messages, status=422, explain_form=form, note_form=note)
    except Refused:
        return render(request, "403.html", status=403)
    messages.success(request, done)
    return redirect("oversight:warning", w.pk)


# --- dashboards -------------------------------------------------------------------------------

DASH_TABLES = {
    "children": "按下级区划", "villages": "按村", "rules": "按规则", "closings": "逾期未结账", "disclosures": "逾期未公开", "questions": "逾期未答复的群众提问",
}
COUNT_COLUMNS = [
    Column("open", "待说明"), Column("explained", "已说明"), Column("escalated", "已上报"), Column("accepted", "已认可"),
    Column("overdue", "逾期未说明"), Column("high", "高风险未办结"), Column("total", "合计"),
]


def _dash_table(key: str, data: dict, closings, adapters) -> Table:
    if key == "children":
        return Table(DASH_TABLES[key], [Column("code", "区划代码", width=16), Column("name", "名称"), *COUNT_COLUMNS], data["children"])
    if key == "villages":
        return Table(DASH_TABLES[key], [Column("code", "村代码", width=16), Column("name", "村"), Column("township", "乡镇"), *COUNT_COLUMNS], data["villages"])
    if key == "rules":
        return Table(
            DASH_TABLES[key], [Column("label", "规则", width=24), Column("severity", "严重程度"), Column("active", "未办结"), Column("total", "合计")],
            data["rule_rows"],
        )
    if key == "closings":
        return Table(
            DASH_TABLES[key],
            [Column("township", "乡镇"), Column("village", "村"), Column("book", "账套", width=16), Column("first", "最早未结月份"),
             Column("deadline", "应结账日期", width=12), Column("months", "逾期月数")],
            closings,
        )
    rows = adapters["disclosures" if key == "disclosures" else "questions"] or []
    if key == "disclosures":
        return Table(DASH_TABLES[key], [Column("village", "村"), Column("village_code", "村代码", width=16), Column("period", "期间"), Column("due", "应公开日期", width=12)], rows)
    return Table(DASH_TABLES[key], [Column("id", "提问编号"), Column("village", "村"), Column("village_code", "村代码", width=16), Column("deadline", "答复期限", width=12)], rows)


@role_required(*SUPERVISOR_ROLES)
def dashboard(request):
    region = _base_region(request)
    if region is None:
        return render_page(request, "oversight/dashboard.html", {"region": None})
    data = services.dashboard(request.user, region.code)
    data["rule_rows"] = [
        {"code": code, "label": r.label, "severity": dict(SEVERITIES)[r.severity], **data["rules"].get(code, {"active": 0, "total": 0})}
        for code, r in RULES.items()
    ]
    closings = services.overdue_closings(request.user, region.code)
    adapters = services.adapter_rows(request.user, region.code)
    table = request.GET.get("table", "")
    fmt = export_format(request)
    if fmt:
        if table not in DASH_TABLES:
            raise Http404("没有这张表")
        return download(_dash_table(table, data, closings, adapters), f"{DASH_TABLES[table]}-{region.name}", fmt)
    chart = {
        "trend": data["trend"],
        "severity_labels": dict(SEVERITIES),
        "statuses": [{"name": label, "value": data["statuses"][code]} for code, label in STATUSES],
        "rules": [{"name": r["label"], "value": r["active"]} for r in data["rule_rows"]],
        "children": [{"name": c["name"], "open": c["open"], "explained": c["explained"], "escalated": c["escalated"], "accepted": c["accepted"]} for c in data["children"][:40]],
    }
    level = region.level
    child_label = {"city": "县（区、市）", "county": "乡镇", "township": "村"}.get(level, "")
    wider = [r for r in region.ancestors() if code_in_scope(request.user, r.code)]
    narrower = Region.objects.visible_to(request.user).filter(parent=region).order_by("code") if level in ("city", "county") else []
    return render_page(request, "oversight/dashboard.html",
        {
            "region": region, "d": data, "chart": chart, "closings": closings[:100], "closings_count": len(closings),
            "adapters": adapters, "child_label": child_label, "villages": data["villages"][:50], "wider": wider,
            "narrower": narrower, "statuses": STATUSES, "show_children": level in ("city", "county"),
        },
    )


# --- the review queue -------------------------------------------------------------------------


@role_required(*QUEUE_ROLES)
def queue(request):
    township = (request.GET.get("township") or "").strip()
    village = (request.GET.get("village") or "").strip()
    region = village or township
    if region and not code_in_scope(request.user, region):
        refuse(request.user, "oversight.queue", region_code=region)
        raise Http404("未找到，或不在您的管辖范围内")
    qs = services.review_queue(request.user, region)
    fmt = export_format(request)
    if fmt:
        table = Table(
            "待审核凭证",
            [Column("submitted_at", "提交时间", width=18), Column("township", "乡镇"), Column("village", "村"), Column("book", "账套", width=16),
             Column("date", "日期", width=12), Column("summary", "摘要", width=36), Column("total", "金额", money=True, width=16),
             Column("attachments", "附件数"), Column("maker", "制单")],
            [
                {
                    "submitted_at": timezone.localtime(v.submitted_at).strftime("%Y-%m-%d %H:%M") if v.submitted_at else "",
                    "township": v.book.region.parent.name if v.book.region.parent else "", "village": v.book.region.name,
                    "book": v.book.code, "date": v.date, "summary": v.summary, "total": v.total, "attachments": v.attachment_count,
                    "maker": _name(v.maker),
                }
                for v in qs[:20000]
            ],
        )
        return download(table, "待审核凭证", fmt)
    townships, villages = _picker(request.user, township)
    now = timezone.now()
    page = paginate(request, qs)
    for v in page:
        v.waiting_days = (now - v.submitted_at).days if v.submitted_at else 0
    return render_page(request, "oversight/queue.html",
        {"page": page, "townships": townships, "villages": villages, "township": township, "village": village, "filtered": bool(region)},
    )


# --- the county's parameters ------------------------------------------------------------------


def _counties(user):
    codes = sorted({g.region_code[:6] + "000000" for g in grants_of(user) if region_level(g.region_code) != "city"})
    qs = Region.objects.visible_to(user).filter(level="county")
    if codes:
        qs = qs.filter(code__in=codes)
    return list(qs.order_by("code"))


@role_required(*SETTINGS_VIEW_ROLES)
def rule_settings(request):
    counties = _counties(request.user)
    code = request.GET.get("county") or (counties[0].code if counties else "")
    county = get_visible_or_404(Region, request.user, code=code, level="county") if code else None
    if county is None:
        return render_page(request, "oversight/settings.html", {"county": None, "counties": counties})
    may_edit = can_write(request.user, county.code, services.SETTINGS_ROLES)
    params = services.params_for(county.code)
    problems = []
    if request.method == "POST":
        if not may_edit:
            refuse(request.user, "oversight.settings", county.code, county.code)
            return render(request, "403.html", status=403)
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.update_params(request.user, county.code, **form.values())
            except Invalid as exc:
                problems = exc.messages
            except Refused:
                return render(request, "403.html", status=403)
            else:
                messages.success(request, f"{county.name}的预警参数已保存。")
                return redirect(f"{request.path}?county={county.code}")
        else:
            problems = [e for errs in form.errors.values() for e in errs]
    else:
        form = SettingsForm(initial=SettingsForm.initial_of(params))
    return render_page(request, "oversight/settings.html",
        {"county": county, "counties": counties, "form": form, "may_edit": may_edit, "problems": problems, "rules": RULES.values(), "params": params},
        status=422 if problems else 200,
    )
