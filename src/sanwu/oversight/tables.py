"""The columns of each oversight list, defined once: the pages' Excel/CSV exports and the CLI
(`sanwu oversight warnings --format …`) build their tables here. Rows come in already gated."""

from django.utils import timezone

from sanwu.core.tables import Column, Table

from .rules import rule_label


def user_name(user) -> str:
    return (user.first_name or user.username) if user is not None else ""


def warnings_table(warnings) -> Table:
    """The warnings list (the page's export and `sanwu oversight warnings`). The warnings come
    with their village's township and the users who explained and handled them."""
    return Table(
        "预警",
        [
            Column("created_at", "预警时间", width=18), Column("severity", "严重程度"), Column("rule", "规则", width=20),
            Column("township", "乡镇"), Column("village", "村"), Column("message", "内容", width=60), Column("amount", "金额", money=True, width=16),
            Column("status", "状态"), Column("explanation", "情况说明", width=40), Column("explained_by", "说明人"),
            Column("handled_by", "处理人"), Column("handling_note", "处理意见", width=30),
            Column("id", "预警编号"), Column("village_code", "村代码", width=14), Column("voucher", "凭证编号"),
        ],
        [
            {
                "created_at": timezone.localtime(w.created_at).strftime("%Y-%m-%d %H:%M"), "severity": w.get_severity_display(),
                "rule": rule_label(w.rule), "township": w.village.parent.name if w.village.parent else "",
                "village": w.village.name, "message": w.message, "amount": w.amount, "status": w.get_status_display(),
                "explanation": w.explanation, "explained_by": user_name(w.explained_by), "handled_by": user_name(w.handled_by),
                "handling_note": w.handling_note, "id": w.pk, "village_code": w.village_id, "voucher": w.voucher_id or "",
            }
            for w in warnings
        ],
    )


def feed_table(vouchers) -> Table:
    """The live feed's export (vouchers from `services.dressed_in_chunks`; an iterable is read lazily)."""
    tz = timezone.get_current_timezone()
    return Table(
        "实时监管",
        [
            Column("posted_at", "记账时间", width=18), Column("township", "乡镇"), Column("village", "村"), Column("book", "账套", width=16),
            Column("no", "凭证号", width=16), Column("date", "日期", width=12), Column("summary", "摘要", width=36),
            Column("total", "金额", money=True, width=16), Column("settlement", "结算方式"), Column("attachments", "附件数"),
            Column("severity", "预警"), Column("warnings", "预警内容", width=50),
        ],
        (
            {
                "posted_at": v.posted_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if v.posted_at else "",
                "township": v.township.name if v.township else "", "village": v.village.name, "book": v.book.code,
                "no": v.label, "date": v.date, "summary": v.summary, "total": v.total, "settlement": "、".join(v.settlement_labels),
                "attachments": v.attachment_count, "severity": v.severity_label,
                "warnings": "；".join(rule_label(r) for r in v.rules),
            }
            for v in vouchers
        ),
    )


def queue_table(vouchers) -> Table:
    """The review queue: vouchers submitted and waiting for review."""
    return Table(
        "待审核凭证",
        [Column("submitted_at", "提交时间", width=18), Column("township", "乡镇"), Column("village", "村"), Column("book", "账套", width=16),
         Column("date", "日期", width=12), Column("summary", "摘要", width=36), Column("total", "金额", money=True, width=16),
         Column("attachments", "附件数"), Column("maker", "制单")],
        [
            {
                "submitted_at": timezone.localtime(v.submitted_at).strftime("%Y-%m-%d %H:%M") if v.submitted_at else "",
                "township": v.book.region.parent.name if v.book.region.parent else "", "village": v.book.region.name,
                "book": v.book.code, "date": v.date, "summary": v.summary, "total": v.total, "attachments": v.attachment_count,
                "maker": user_name(v.maker),
            }
            for v in vouchers
        ],
    )


# --- The dashboard's tables ---------------------------------------------------------------------

DASH_TABLES = {
    "children": "按下级区划", "villages": "按村", "rules": "按规则", "closings": "逾期未结账", "disclosures": "逾期未公开", "questions": "逾期未答复的群众提问",
}
COUNT_COLUMNS = [
    Column("open", "待说明"), Column("explained", "已说明"), Column("escalated", "已上报"), Column("accepted", "已认可"),
    Column("overdue", "逾期未说明"), Column("high", "高风险未办结"), Column("total", "合计"),
]


def dashboard_table(key: str, data: dict, closings, adapters) -> Table:
    """One of the dashboard's tables (`DASH_TABLES`): `data` from `services.dashboard` with its
    `rule_rows`, `closings` from `services.overdue_closings`, `adapters` from `services.adapter_rows`."""
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
    if key == "disclosures":
        return Table(
            DASH_TABLES[key], [Column("village", "村"), Column("village_code", "村代码", width=16), Column("period", "期间"), Column("due", "应公开日期", width=12)],
            adapters["disclosures"],
        )
    return Table(
        DASH_TABLES[key], [Column("id", "提问编号"), Column("village", "村"), Column("village_code", "村代码", width=16), Column("deadline", "答复期限", width=12)],
        adapters["questions"],
    )
