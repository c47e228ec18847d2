"""What the pages show that the templates cannot compute: the disclosure dressed for display
(differences to last year, plain labels — on a copy, never the stored snapshot), who did it,
the names of events, and the refusal page."""

import copy


from sanwu.core.money import format_yuan

from ..models import DisclosureEvent, QuestionEvent
from ..services.snapshot import KIND_LABELS

EVENT_LABELS = dict(DisclosureEvent.ACTIONS + QuestionEvent.ACTIONS)


def person_label(user) -> str:
    if user is None:
        return "系统"
    return user.first_name or user.username


def _change(now: int, before: int, has_last: bool) -> dict:
    if not has_last:
        return {"text": "", "dir": ""}
    diff = now - before
    if not now and not before:
        return {"text": "", "dir": ""}
    if diff == 0:
        return {"text": "与去年同期持平", "dir": "same"}
    word = "多" if diff > 0 else "少"
    return {"text": f"比去年同期{word} {format_yuan(abs(diff))} 元", "dir": "up" if diff > 0 else "down"}


def dress(snapshot: dict) -> dict:
    s = copy.deepcopy(snapshot or {})
    has_last = bool(s.get("has_last_year"))
    for key in ("income", "expense", "sources"):
        for line in s.get(key, []):
            line["change"] = _change(line["period"], line["last_period"], has_last)
    for key in ("income_total", "expense_total", "net"):
        t = s.get(key)
        if t:
            t["change"] = _change(t["period"], t["last_period"], has_last)
            t["ytd_change"] = _change(t["ytd"], t["last_ytd"], has_last)
    for b in s.get("balances", []):
        b["change"] = _change(b["closing"], b["last_closing"], has_last)
    for item in s.get("items", []):
        item["kind_label"] = KIND_LABELS.get(item["kind"], "")
    s["net_word"] = "结余" if (s.get("net") or {}).get("period", 0) >= 0 else "超支"
    s["ytd_net_word"] = "结余" if (s.get("net") or {}).get("ytd", 0) >= 0 else "超支"
    return s
