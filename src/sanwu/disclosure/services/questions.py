"""Villagers' questions: anyone asks about a village (throttled, the contact kept only masked
and hashed), the township answers, both published masked; the answer statistics; and the
questions past their deadline (oversight's warning rule)."""

import datetime as dt
import hashlib
import hmac

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from sanwu.core import audit
from sanwu.core.codes import county_of, township_of
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.masking import Names, scrub
from sanwu.core.permissions import may, refuse
from sanwu.regions.models import Region
from sanwu.regions.services import registered_names
from sanwu.workbench.services import inbox

from ..models import Question, QuestionEvent
from .periods import find_village, settings_for
from .permissions import ANSWER_ROLES
from .scrub import mask_contact

ASK_PER_IP_PER_HOUR = 5
ASK_PER_VILLAGE_PER_HOUR = 30
QUESTION_MIN, QUESTION_MAX = 5, 500
ANSWER_MIN, ANSWER_MAX = 2, 2000
CONTACT_MAX = 40


def _keyed_hash(kind: str, value: str) -> str:
    return hmac.new(django_settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def ip_hash(ip: str) -> str:
    return _keyed_hash("ip", ip or "")


def ask(village_code: str, text: str, contact: str = "", ip: str = "", *, now=None, user=None) -> Question:
    """Anyone asks about a village. The question goes to the village's township with the county's
    answer deadline. Throttled per address (hashed) and per village; the optional contact is kept
    only masked and hashed and is never shown."""
    now = now or timezone.now()
    village = find_village(village_code)
    if village is None:
        raise Invalid(Problem(f"没有找到代码为「{village_code}」的村", field="region"))
    text = (text or "").strip()
    contact = (contact or "").strip()
    problems = []
    if len(text) < QUESTION_MIN:
        problems.append(Problem("请写下您的问题" if not text else f"问题太短，请至少写{QUESTION_MIN}个字", field="text"))
    if len(text) > QUESTION_MAX:
        problems.append(Problem(f"问题不能超过{QUESTION_MAX}个字（现在{len(text)}个字）", field="text"))
    if len(contact) > CONTACT_MAX:
        problems.append(Problem(f"联系方式不能超过{CONTACT_MAX}个字", field="contact"))
    if problems:
        raise Invalid(problems)
    hashed_ip = ip_hash(ip) if ip else ""
    hour_ago = now - dt.timedelta(hours=1)
    with transaction.atomic():
        Region.objects.select_for_update().filter(code=village.code).first()  # one asker at a time per village
        if hashed_ip and Question.objects.filter(ip_hash=hashed_ip, asked_at__gte=hour_ago).count() >= ASK_PER_IP_PER_HOUR:
            raise Invalid(Problem(f"提问太频繁：同一网络每小时最多提{ASK_PER_IP_PER_HOUR}个问题，请稍后再试"))
        if Question.objects.filter(village=village, asked_at__gte=hour_ago).count() >= ASK_PER_VILLAGE_PER_HOUR:
            raise Invalid(Problem("本村近一小时的提问已很多，请稍后再试"))
        s = settings_for(village.code)
        q = Question.objects.create(
            village=village,
            township_code=village.parent_id or township_of(village.code),
            text=scrub(text),
            contact_masked=mask_contact(contact),
            contact_hash=_keyed_hash("contact", contact) if contact else "",
            ip_hash=hashed_ip,
            asked_at=now,
            deadline=timezone.localtime(now).date() + dt.timedelta(days=s.answer_days),
        )
        QuestionEvent.record(user, "asked", question=q, at=now)
        audit.record("question.ask", q, actor=user, region_code=village.code, new={"village": village.code, "deadline": q.deadline, "contact": bool(contact)})
        inbox.notify(inbox.holders({"township_supervisor"}, q.township_code, exact=True), "question", f"{village.name}群众提问，请在 {q.deadline} 前答复",
                     subject=q, region_code=village.code)
    return q


def answer(user, question: Question, text: str, *, now=None, names: Names | None = None) -> Question:
    """The township (or the county) answers; the answer is published with the question, both
    masked for the public. An answer, once published, is not changed."""
    if not may(user, ANSWER_ROLES, question.village_id):
        refuse(user, "disclosure.question.answer", question.pk, question.village_id)
        raise Refused("只有该村所在乡镇（或县）的监管人员可以答复")
    text = (text or "").strip()
    if len(text) < ANSWER_MIN:
        raise Invalid(Problem("答复不能为空"))
    if len(text) > ANSWER_MAX:
        raise Invalid(Problem(f"答复不能超过{ANSWER_MAX}个字"))
    names = names if names is not None else registered_names(question.village_id)
    with transaction.atomic():
        q = Question.objects.select_for_update().get(pk=question.pk)
        if q.status == "answered":
            raise Invalid(Problem("该问题已经答复并公开，不能重复答复"))
        q.answer = scrub(text)
        q.public_text = scrub(q.text, names)
        q.public_answer = scrub(text, names)
        q.status = "answered"
        q.answered_by = user if getattr(user, "pk", None) else None
        q.answered_at = now or timezone.now()
        q.save()
        QuestionEvent.record(user, "answered", question=q, at=q.answered_at)
        audit.record("question.answer", q, actor=user, region_code=q.village_id, new={"answered_at": q.answered_at, "on_time": q.answered_at.date() <= q.deadline})
    return q


def overdue_questions(as_of: dt.date) -> list[Question]:
    """Questions still unanswered after their deadline (oversight's warning rule)."""
    return list(Question.objects.filter(status="open", deadline__lt=as_of).select_related("village").order_by("deadline", "id"))


def answer_stats(user, as_of: dt.date | None = None) -> list[dict]:
    """Per township in the user's scope: questions asked, answered, answered on time, still open,
    overdue, the answer rate and the average days to answer; the last row totals them."""
    as_of = as_of or today()
    rows = Question.objects.visible_to(user).values_list("township_code", "status", "asked_at", "deadline", "answered_at")
    by: dict[str, dict] = {}

    def blank(code, name, county):
        return {"township_code": code, "township": name, "county": county, "asked": 0, "answered": 0, "on_time": 0, "open": 0, "overdue": 0, "_days": 0.0}

    for code, status, asked_at, deadline, answered_at in rows.iterator():
        r = by.setdefault(code, blank(code, "", ""))
        r["asked"] += 1
        if status == "answered" and answered_at is not None:
            r["answered"] += 1
            if timezone.localtime(answered_at).date() <= deadline:
                r["on_time"] += 1
            r["_days"] += (answered_at - asked_at).total_seconds() / 86400
        else:
            r["open"] += 1
            if deadline < as_of:
                r["overdue"] += 1
    names = dict(Region.objects.filter(code__in=list(by)).values_list("code", "name"))
    counties = dict(Region.objects.filter(code__in={county_of(c) for c in by}).values_list("code", "name"))
    out = []
    total = blank("", "合计", "")
    for code in sorted(by):
        r = by[code]
        r["township"] = names.get(code, code)
        r["county"] = counties.get(county_of(code), "")
        for k in ("asked", "answered", "on_time", "open", "overdue", "_days"):
            total[k] += r[k]
        out.append(r)
    if out:
        out.append(total)
    for r in out:
        r["rate"] = round(100 * r["answered"] / r["asked"], 1) if r["asked"] else None
        r["on_time_rate"] = round(100 * r["on_time"] / r["asked"], 1) if r["asked"] else None
        r["avg_days"] = round(r.pop("_days") / r["answered"], 1) if r["answered"] else None
    return out
