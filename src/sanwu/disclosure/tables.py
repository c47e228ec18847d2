"""The columns of each openness list: disclosures (the page's export and `sanwu disclosure
list`), one disclosure's figures and items, questions and the answer statistics."""

from django.utils import timezone

from sanwu.core.tables import Column, Table

from .models import Disclosure, Question
from .services.scrub import MaskedText
from .services.snapshot import KIND_LABELS

STATUS_LABELS = dict(Disclosure.STATUSES)


def disclosures_table(rows) -> Table:
    return Table(
        "财务公开",
        [
            Column("village", "村", width=14), Column("township", "乡镇", width=14), Column("period", "期间", width=16),
            Column("status", "状态"), Column("income", "本期收入", money=True, width=16), Column("expense", "本期支出", money=True, width=16),
            Column("items", "笔数"), Column("published_at", "发布时间", width=20), Column("chain_head", "发布时账簿校验码", width=20),
        ],
        [
            {
                "village": d.village.name, "township": d.village.parent.name if d.village.parent else "", "period": d.period_label,
                "status": STATUS_LABELS[d.status], "income": d.snapshot.get("income_total", {}).get("period", 0),
                "expense": d.snapshot.get("expense_total", {}).get("period", 0), "items": len(d.snapshot.get("items", [])),
                "published_at": timezone.localtime(d.published_at).strftime("%Y-%m-%d %H:%M") if d.published_at else "",
                "chain_head": d.chain_head[:16],
            }
            for d in rows
        ],
    )


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


def state_label(q: Question, as_of) -> str:
    if q.status == "answered":
        return "已答复" + ("" if timezone.localtime(q.answered_at).date() <= q.deadline else "（逾期答复）")
    return "已逾期" if q.deadline < as_of else "待答复"


def questions_table(rows, as_of) -> Table:
    masked = MaskedText()
    return Table(
        "群众提问",
        [
            Column("asked", "提问时间", width=18), Column("village", "村", width=14), Column("township", "乡镇", width=14),
            Column("text", "问题", width=50), Column("deadline", "答复期限", width=12), Column("state", "状态"),
            Column("answered", "答复时间", width=18), Column("answer", "答复", width=50),
        ],
        [
            {
                "asked": timezone.localtime(q.asked_at).strftime("%Y-%m-%d %H:%M"), "village": q.village.name,
                "township": q.village.parent.name if q.village.parent else "", "text": masked(q), "deadline": q.deadline,
                "state": state_label(q, as_of),
                "answered": timezone.localtime(q.answered_at).strftime("%Y-%m-%d %H:%M") if q.answered_at else "",
                "answer": q.public_answer,
            }
            for q in rows
        ],
    )


def stats_table(rows) -> Table:
    return Table(
        "群众提问答复情况",
        [
            Column("county", "县"), Column("township", "乡镇", width=14), Column("asked", "提问数"), Column("answered", "已答复"),
            Column("on_time", "按期答复"), Column("open", "待答复"), Column("overdue", "逾期未答复"),
            Column("rate", "答复率（%）"), Column("on_time_rate", "按期答复率（%）"), Column("avg_days", "平均答复天数"),
        ],
        rows,
    )
