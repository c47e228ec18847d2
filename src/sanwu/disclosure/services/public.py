"""The public side: published data only, behind the public village page and its API (no login),
and the village's QR code."""

import datetime as dt
import io

import segno
from django.utils import timezone

from sanwu.core.codes import county_of
from sanwu.core.masking import scrub
from sanwu.decisions import services as decisions
from sanwu.regions.models import Region
from sanwu.regions.services import registered_names

from ..models import Disclosure, Question
from .periods import find_village
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
    return {
        **head,
        "disclosures": [_summary(d) for d in published],
        "latest": _public_disclosure(latest) if latest else None,
        "questions": public_questions(village.code),
        "decisions": public_decisions(village.code),
    }


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


def public_decisions(code: str) -> list[dict]:
    """Published 四议两公开 resolutions and results (`decisions.published_for_village`): the
    fields the page shows, every text scrubbed again here (defence in depth)."""
    names = registered_names(code)
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
