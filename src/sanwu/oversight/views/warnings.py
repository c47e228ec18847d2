"""Warnings and their handling: the list (Excel/CSV beside it), one warning with its history and
the actions the user may take (explain, accept, escalate)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanwu.core.money import format_yuan
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import export_format, paginate, role_required, shows_problems
from sanwu.regions.models import Region

from .. import services, tables
from ..forms import ExplainForm, NoteForm, WarningFilterForm
from ..models import SEVERITIES, STATUSES, Warning
from ..rules import RULES, rule_label
from .common import render_page


@role_required()
def warning_list(request):
    form = WarningFilterForm(request.GET or None)
    f = form.filter()
    services.region_in_scope(request.user, f.region, "oversight.warnings")
    qs = services.warnings(request.user, f)
    fmt = export_format(request)
    if fmt:
        return download(tables.warnings_table(qs[:50000]), "预警", fmt)
    page = paginate(request, qs)
    now = timezone.now()
    params = services.params_by_county({w.county_code for w in page})
    for w in page:
        w.overdue = w.status == "open" and (now - w.created_at).days >= params[w.county_code].response_days
        w.rule_label = rule_label(w.rule)
    region_name = Region.objects.filter(code=f.region).values_list("name", flat=True).first() if f.region else ""
    return render_page(request, "oversight/warning_list.html",
        {
            "form": form, "f": f, "page": page, "statuses": STATUSES, "severities": SEVERITIES, "rules": RULES.values(),
            "region_name": region_name, "filtered": any(request.GET.get(k) for k in ("status", "rule", "severity", "region", "overdue", "q")),
        },
    )


def _warning_page(request, w: Warning, problems=(), explain_form=None, note_form=None):
    actions = services.allowed_actions(request.user, w)
    events = list(w.events.select_related("actor").order_by("at", "id"))
    return render_page(request, "oversight/warning_detail.html",
        {
            "w": w, "rule": RULES.get(w.rule), "events": events, "actions": actions, "any_action": any(actions.values()),
            "explained": next((e for e in reversed(events) if e.to_status == "explained"), None),
            "handled": next((e for e in reversed(events) if e.to_status in ("accepted", "escalated")), None),
            "problems": problems, "voucher": w.voucher, "book": w.book, "overdue": services.is_overdue(w),
            "explain_form": explain_form or ExplainForm(), "note_form": note_form or NoteForm(),
            "amount": format_yuan(w.amount) if w.amount is not None else "",
        },
    )


@role_required()
def warning_detail(request, pk: int):
    w = get_visible_or_404(Warning, request.user, pk=pk)
    return _warning_page(request, w)


ACTIONS = {
    "explain": (services.explain, "情况说明已提交，等待乡镇审核。"),
    "accept": (services.accept, "已认可该预警的情况说明。"),
    "escalate": (services.escalate, "已上报县级监管。"),
}


@role_required()
@require_POST
@shows_problems
def warning_action(request, pk: int, action: str, problems=()):
    w = get_visible_or_404(Warning, request.user, pk=pk)
    if action not in ACTIONS:
        raise Http404("没有这个操作")
    if problems:
        form = ExplainForm(request.POST) if action == "explain" else None
        note = NoteForm(request.POST) if action != "explain" else None
        return _warning_page(request, w, problems, explain_form=form, note_form=note)
    call, done = ACTIONS[action]
    call(request.user, w, request.POST.get("text" if action == "explain" else "note", ""))
    messages.success(request, done)
    return redirect("oversight:warning", w.pk)
