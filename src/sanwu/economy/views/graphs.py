"""Chart data for the pages, in one small shape that `static/sanwu/economy.js` turns into ECharts
options: {"kind": "bar"|"line"|"pie", "categories": [...], "series": [{"name", "data", "stack"?}],
"unit": "个"|"%"|"万元", "horizontal"?: bool}. Values are plain numbers for drawing only (万元 as
text with two decimals, percentages with one); the figures themselves stay integer fen."""

from sanwu.core.money import format_wan

from .. import rules as R
from ..services import Summary

CLASS_COLORS = {"hollow": "#9aa4af", "pv_only": "#e0a100", "weak": "#d4652f", "general": "#3b82c4", "strong": "#1a7f37"}


def _wan(fen: int) -> str:
    return format_wan(fen).replace(",", "")


def _pct(part: int, whole: int) -> str | None:
    p = R.percent(part, whole)
    return None if p is None else str(p)


def classes_pie(s: Summary) -> dict:
    return {
        "kind": "pie",
        "unit": "个",
        "data": [{"name": R.CLASS_LABELS[c], "value": s.classes.get(c, 0), "color": CLASS_COLORS[c]} for c in R.CLASSES],
    }


def distribution(s: Summary) -> dict:
    return {
        "kind": "bar",
        "unit": "个",
        "categories": [label for label, _ in s.bands],
        "series": [{"name": "村数", "data": [n for _, n in s.bands]}],
    }


def tiers(s: Summary) -> dict:
    series = [{"name": "已达到", "data": [t.count for t in s.tiers]}]
    if s.tiers and all(t.target is not None for t in s.tiers):
        series.append({"name": "目标", "data": [t.target for t in s.tiers]})
    return {"kind": "bar", "unit": "个", "categories": [t.label for t in s.tiers], "series": series}


def children_classes(children) -> dict:
    """Counties or townships side by side: villages per class, stacked."""
    return {
        "kind": "bar",
        "unit": "个",
        "horizontal": True,
        "categories": [c.name for c in children],
        "series": [
            {"name": R.CLASS_LABELS[c], "stack": "classes", "color": CLASS_COLORS[c], "data": [ch.summary.classes.get(c, 0) for ch in children]}
            for c in R.CLASSES
        ],
    }


def children_average(children) -> dict:
    return {
        "kind": "bar",
        "unit": "万元",
        "horizontal": True,
        "categories": [c.name for c in children],
        "series": [{"name": "村均经营性收入", "data": [_wan(ch.summary.average_operating_income) for ch in children]}],
    }


def trend_shares(summaries: list[Summary]) -> dict:
    return {
        "kind": "line",
        "unit": "%",
        "categories": [str(s.year) for s in summaries],
        "series": [
            {"name": f"{R.CLASS_LABELS[c]}占比", "color": CLASS_COLORS[c], "data": [_pct(s.classes.get(c, 0), s.villages) for s in summaries]}
            for c in R.CLASSES
        ],
    }


def trend_average(summaries: list[Summary]) -> dict:
    return {
        "kind": "bar",
        "unit": "万元",
        "categories": [str(s.year) for s in summaries],
        "series": [
            {"name": "村均经营性收入", "data": [_wan(s.average_operating_income) for s in summaries]},
            {"name": "村均经营收益", "data": [_wan(s.average_operating_return) for s in summaries]},
        ],
    }


def trend_tiers(summaries: list[Summary]) -> dict:
    thresholds = sorted({t.threshold for s in summaries for t in s.tiers})
    return {
        "kind": "line",
        "unit": "个",
        "categories": [str(s.year) for s in summaries],
        "series": [
            {"name": f"{R.wan_text(th)}万元以上", "data": [next((t.count for t in s.tiers if t.threshold == th), 0) for s in summaries]}
            for th in thresholds
        ],
    }


def village_history(summaries: list[Summary]) -> dict:
    """One village over the years: its operating income and return."""
    return {
        "kind": "bar",
        "unit": "万元",
        "categories": [str(s.year) for s in summaries],
        "series": [
            {"name": "经营性收入", "data": [_wan(s.operating_income) for s in summaries]},
            {"name": "经营收益", "data": [_wan(s.operating_return) for s in summaries]},
        ],
    }
