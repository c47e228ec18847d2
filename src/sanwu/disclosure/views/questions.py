"""Villagers' questions inside the platform: the list (masked texts), one question with its
answer form, and the answer statistics. Thin: the services check permissions and rules; every
object comes through the scope gate."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render

from sanwu.core.permissions import get_visible_or_404, may
from sanwu.core.scope import roles_of
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, paginate, role_required, shows_problems
from sanwu.regions.models import Region

from .. import services
from ..forms import AnswerForm
from ..models import QUESTION_READERS, Question
from ..services.scrub import MaskedText
from ..tables import questions_table, state_label, stats_table
from .display import EVENT_LABELS, person_label
from .public import base_url, public_url

QUESTION_STATES = [("open", "待答复"), ("overdue", "已逾期"), ("answered", "已答复"), ("all", "全部")]


@role_required(*QUESTION_READERS)
def question_list(request):
    as_of = services.today()
    qs = Question.objects.visible_to(request.user).select_related("village__parent")
    state = request.GET.get("state", "open")
    if state == "open":
        qs = qs.filter(status="open")
    elif state == "overdue":
        qs = qs.filter(status="open", deadline__lt=as_of)
    elif state == "answered":
        qs = qs.filter(status="answered")
    else:
        state = "all"
    township = request.GET.get("township", "").strip()
    if township:
        qs = qs.filter(township_code=township)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(village__name__contains=q) | Q(text__contains=q) | Q(village__code__startswith=q))
    qs = qs.order_by("deadline", "id") if state in ("open", "overdue") else qs.order_by("-asked_at", "-id")
    fmt = export_format(request)
    if fmt:
        return download(questions_table(list(qs[:20000]), as_of), "群众提问", fmt)
    page = paginate(request, qs)
    masked = MaskedText()
    for item in page:
        item.masked_text = masked(item)
        item.state_label = state_label(item, as_of)
        item.overdue = item.status == "open" and item.deadline < as_of
    codes = Question.objects.visible_to(request.user).values_list("township_code", flat=True).distinct().order_by()
    townships = list(Region.objects.filter(code__in=list(codes)).order_by("code"))
    return render(
        request,
        "disclosure/questions.html",
        {"page": page, "state": state, "states": QUESTION_STATES, "township": township, "townships": townships if len(townships) > 1 else [], "q": q},
    )


@role_required(*QUESTION_READERS)
@shows_problems
def question_detail(request, pk: int, problems=()):
    question = get_visible_or_404(Question, request.user, pk=pk)
    may_answer = question.status == "open" and may(request.user, services.ANSWER_ROLES, question.village_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and not problems:
        services.answer(request.user, question, checked(form)["answer"])
        messages.success(request, "已答复，答复已在该村的公开页上公布。")
        return redirect("disclosure:question", pk=question.pk)
    as_of = services.today()
    return render(
        request,
        "disclosure/question.html",
        {
            "q": question, "form": form, "problems": problems, "may_answer": may_answer,
            "state_label": state_label(question, as_of), "overdue": question.status == "open" and question.deadline < as_of,
            "events": [(e, EVENT_LABELS.get(e.action, e.action), person_label(e.actor) if e.actor_id or e.action != "asked" else "群众") for e in question.events.select_related("actor")],
            "answered_by": person_label(question.answered_by),
            "public_url": public_url(question.village_id, base_url(request)),
        },
    )


@role_required(*QUESTION_READERS)
def question_stats(request):
    rows = services.answer_stats(request.user)
    fmt = export_format(request)
    if fmt:
        return download(stats_table(rows), "群众提问答复情况", fmt)
    return render(request, "disclosure/stats.html", {"rows": rows, "is_county": bool(roles_of(request.user) & {"county_supervisor", "city_admin", "auditor"})})
