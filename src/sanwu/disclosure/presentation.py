"""Display values the templates cannot compute (differences to last year, plain labels), the
disclosure as Excel tables, and question texts masked for lists and exports. Never changes the
stored snapshot: works on a copy."""

import copy

from sanwu.core.money import format_yuan
from sanwu.core.tables import Column, Table

from .models import Question
from .scrub import Names, scrub
from .snapshot import KIND_LABELS


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


def summary_table(snapshot: dict) -> Table:
    s = snapshot
    cols = [
        Column("part", "类别"), Column("label", "项目", width=20), Column("plain", "说明", width=36),
        Column("period", "本期", money=True), Column("ytd", "本年累计", money=True),
        Column("last_period", "上年同期", money=True), Column("last_ytd", "上年同期累计", money=True),
    ]
    rows = []
    for part, key, total in (("收入", "income", "income_total"), ("支出", "expense", "expense_total")):
        for line in s.get(key, []):
            rows.append({"part": part, **line})
        rows.append({"part": part, "label": f"{part}合计", **s.get(total, {})})
    rows.append({"part": "", "label": "收支相抵", **s.get("net", {})})
    for line in s.get("sources", []):
        rows.append({"part": "收入来源", **line})
    for b in s.get("balances", []):
        rows.append({"part": "期末余额", "label": b["label"], "plain": b["plain"], "period": b["closing"], "last_period": b["last_closing"]})
    return Table(f"财务公开 {s.get('period', {}).get('label', '')}", cols, rows)


def items_table(snapshot: dict) -> Table:
    cols = [
        Column("date", "日期", width=12), Column("no", "凭证号"), Column("summary", "摘要", width=36),
        Column("kind", "类型"), Column("amount", "金额", money=True, width=16), Column("counterparty", "对方", width=24),
    ]
    rows = [{**i, "kind": KIND_LABELS.get(i["kind"], "")} for i in snapshot.get("items", [])]
    return Table(f"收支明细 {snapshot.get('period', {}).get('label', '')}", cols, rows)


class MaskedText:
    """Question texts masked for lists and exports (the full text only on the question's page)."""

    def __init__(self):
        self.by_county: dict[str, Names] = {}

    def __call__(self, q: Question) -> str:
        if q.status == "answered":
            return q.public_text
        names = self.by_county.get(q.village_id[:6])
        if names is None:
            names = self.by_county[q.village_id[:6]] = Names.for_region(q.village_id)
        return scrub(q.text, names)
