"""The public side: published data only, behind the public village page and its API (no login),
and the village's QR code."""

import datetime as dt
import io

import segno
from django.utils import timezone

from sanwu.core.codes import county_of
from sanwu.core.dates import today
from sanwu.core.masking import Names, scrub
from sanwu.decisions import services as decisions
from sanwu.ledger.models import Book
from sanwu.regions.models import Region
from sanwu.regions.services import registered_names

from .. import hooks
from ..models import Disclosure, Question
from .disclosures import LOOKBACK_DAYS
from .periods import due_date, find_village, period_containing, settings_for
from .snapshot import activity_months
from .verify import check_details


def qr_png(url: str, scale: int = 8) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def qr_svg(url: str, scale: int = 6) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=scale, border=2, xmldecl=False, title="村务公开二维码")
    return buf.getvalue()


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def _summary(d: Disclosure) -> dict:
    s = d.snapshot
    return {
        "id": d.pk, "period": d.period_key, "label": d.period_label, "kind": d.kind,
        "book": s.get("book", {}).get("name", ""),
        "income": s.get("income_total", {}).get("period", 0), "expense": s.get("expense_total", {}).get("period", 0),
        "published_at": d.published_at,
    }


def public_village(code: str, details: bool = True) -> dict | None:
    """Everything the public village page shows, from published data only (None: no such
    village). Without `details`: only the village's name and where it lies."""
    village = find_village(code)
    if village is None:
        return None
    head = {
        "code": village.code,
        "name": village.name,
        "township": village.parent.name if village.parent else "",
        "county": Region.objects.filter(code=county_of(village.code)).values_list("name", flat=True).first() or "",
    }
    if not details:
        return head
    published = list(Disclosure.objects.filter(village=village, status="published").order_by("-year", "-month_to", "book_id"))
    latest = published[0] if published else None
    names = registered_names(village.code)
    return {
        **head,
        "disclosures": [_summary(d) for d in published],
        "latest": _public_disclosure(latest) if latest else None,
        "overdue": overdue_period(village.code, latest),
        "questions": public_questions(village.code),
        "pending": public_pending(village.code, names),
        "decisions": public_decisions(village.code, names),
        "sections": hooks.public_sections(village.code),
    }


def overdue_period(code: str, latest: Disclosure | None, as_of: dt.date | None = None) -> dict | None:
    """The newest period the county's rules say the village should have published by now — its
    due date passed, the book has business in it (as oversight counts, over the last year) — when
    it is later than the latest published disclosure (逾期未公开); None when up to date."""
    as_of = as_of or today()
    book_ids = list(Book.objects.filter(region_id=code).values_list("pk", flat=True))
    if not book_ids:
        return None
    s = settings_for(code)
    window = as_of - dt.timedelta(days=LOOKBACK_DAYS)
    months = []
    y, m = window.year - 1, window.month
    while (y, m) <= (as_of.year, as_of.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    for _, y, m in sorted(activity_months(book_ids, months), key=lambda r: (r[1], r[2]), reverse=True):
        p = period_containing(s.frequency, y, m)
        due = due_date(s, p)
        if not window <= due < as_of:
            continue
        if latest is not None and (latest.year, latest.month_to) >= (p.year, p.month_to):
            return None
        return {"period": p.key, "label": p.label, "due_date": due, "latest": latest.period_label if latest else ""}
    return None


def _public_disclosure(d: Disclosure) -> dict:
    r = check_details(d)
    return {
        **_summary(d),
        "snapshot": d.snapshot,
        "chain_head": d.chain_head,
        "posted_count": d.posted_count,
        "check": {"ok": r.ok, "explanation": r.explanation, "details": r.details},
    }


def public_disclosures(code: str) -> list[dict] | None:
    village = find_village(code)
    if village is None:
        return None
    return [_summary(d) for d in Disclosure.objects.filter(village=village, status="published").order_by("-year", "-month_to", "book_id")]


def public_disclosure(code: str, pk: int) -> dict | None:
    """One published disclosure of the village, with the check against the books (None: none such)."""
    d = Disclosure.objects.filter(village_id=code, pk=pk, status="published").first()
    return _public_disclosure(d) if d is not None else None


def tracking_number(pk: int) -> str:
    """The number a villager keeps to follow a question (its page is /v/<village>/q/<number>/)."""
    return f"{pk:06d}"


def _state(q: Question, as_of: dt.date) -> tuple[str, str]:
    if q.status == "answered":
        return "answered", "已答复"
    if q.deadline < as_of:
        return "overdue", "已超过答复期限，尚未答复"
    return "open", "待答复"


def public_pending(code: str, names: Names | None = None, limit: int = 50) -> list[dict]:
    """Questions of the village not answered yet, newest first, masked as they would be published:
    each with its number, the day asked, the deadline and whether it has passed."""
    as_of = today()
    qs = list(Question.objects.filter(village_id=code, status="open").order_by("-asked_at", "-id")[:limit])
    if not qs:
        return []
    names = names if names is not None else registered_names(code)
    out = []
    for q in qs:
        state, label = _state(q, as_of)
        out.append({
            "id": q.pk, "number": tracking_number(q.pk), "asked_on": timezone.localtime(q.asked_at).date(), "deadline": q.deadline,
            "question": scrub(q.text, names), "state": state, "state_label": label,
        })
    return out


def public_question(code: str, pk: int) -> dict | None:
    """One question of the village as the public sees it (masked), with its state and deadline
    (None: no such question in this village)."""
    q = Question.objects.filter(village_id=code, pk=pk).first()
    if q is None:
        return None
    state, label = _state(q, today())
    answered = q.status == "answered"
    return {
        "id": q.pk, "number": tracking_number(q.pk), "state": state, "state_label": label,
        "asked_on": timezone.localtime(q.asked_at).date(), "deadline": q.deadline,
        "question": q.public_text if answered else scrub(q.text, registered_names(code)),
        "answer": q.public_answer if answered else "",
        "answered_on": timezone.localtime(q.answered_at).date() if answered else None,
        "on_time": answered and timezone.localtime(q.answered_at).date() <= q.deadline,
    }


def public_questions(code: str, limit: int = 50) -> list[dict]:
    """Answered questions of the village, newest answers first, as published (masked)."""
    qs = Question.objects.filter(village_id=code, status="answered").order_by("-answered_at", "-id")[:limit]
    return [
        {"id": q.pk, "asked_on": timezone.localtime(q.asked_at).date(), "question": q.public_text, "answer": q.public_answer,
         "answered_on": timezone.localtime(q.answered_at).date(), "on_time": timezone.localtime(q.answered_at).date() <= q.deadline}
        for q in qs
    ]


# What the public page shows of a decision (and so all the public API gives).
PUBLIC_DECISION_KEYS = (
    "id", "title", "status_label", "amount_fen", "decided_on", "completed_on",
    "villagers_meeting_entitled", "villagers_meeting_present", "villagers_meeting_for",
    "resolution", "resolution_date", "result", "result_date", "steps",
)


def public_decisions(code: str, names: Names | None = None) -> list[dict]:
    """Published 四议两公开 resolutions and results (`decisions.published_for_village`): the
    fields the page shows, every text scrubbed again here (defence in depth)."""
    names = names if names is not None else registered_names(code)
    out = []
    for item in decisions.published_for_village(code):
        clean = {}
        for key, value in dict(item).items():
            if key not in PUBLIC_DECISION_KEYS:
                continue
            if isinstance(value, str):
                clean[key] = scrub(value, names)
            elif isinstance(value, (int, bool, dt.date, dt.datetime)) or value is None:
                clean[key] = value
            elif isinstance(value, (list, tuple)):
                clean[key] = [scrub(v, names) if isinstance(v, str) else v for v in value if isinstance(v, (str, int, dt.date))]
        out.append(clean)
    return out
