"""The columns of each 四议两公开 list: the matters list (the page's Excel/CSV export and the
CLI), and a matter's stages, linked vouchers and history (the detail page's exports)."""

from sanwu.core.tables import Column, Table

from . import rules
from .models import Matter, MatterEvent
from .rules import CATEGORIES, CHANNELS, MEETING_TYPES, PURPOSES, STAGE_LABELS, STATUS_LABELS

ACTION_LABELS = dict(MatterEvent.ACTIONS)


def person_label(user) -> str:
    """Who did it, as the pages and exports name them."""
    if user is None:
        return "系统"
    return user.first_name or user.username


def stage_counter(m: Matter) -> int:
    """How many of the six stages are complete (a merged proposal counts with the committees)."""
    if not m.stage:
        return 0
    n = rules.STAGE_NUMBERS[m.stage]
    return n


def matters_table(matters) -> Table:
    """The matters list as the page downloads it and `sanwu decisions list` prints it (its first
    columns are the ones scripts read: the village by code)."""
    return Table(
        "四议两公开事项",
        [
            Column("id", "编号"), Column("village", "村代码", width=14), Column("title", "事项名称", width=36), Column("category", "类别", width=20),
            Column("purpose", "用途标记"), Column("amount", "涉及金额（元）", money=True, width=16), Column("year", "年度"),
            Column("stage", "已完成到", width=18), Column("status", "状态"), Column("decided_on", "决议公开日期", width=12),
            Column("completed_on", "结果公开日期", width=12), Column("village_name", "村"), Column("township", "乡镇"), Column("progress", "进度"),
        ],
        [
            {
                "id": m.pk, "village": m.village_id, "title": m.title, "category": CATEGORIES[m.category], "purpose": PURPOSES[m.purpose],
                "amount": m.amount, "year": m.year, "stage": m.stage_label, "status": STATUS_LABELS[m.status], "decided_on": m.decided_on,
                "completed_on": m.completed_on, "village_name": m.village.name, "township": m.village.parent.name if m.village.parent else "",
                "progress": f"{stage_counter(m)}/6",
            }
            for m in matters
        ],
    )


def stages_table(records) -> Table:
    """Every version of every recorded stage of a matter."""
    return Table(
        "四议两公开环节",
        [
            Column("stage", "环节", width=18), Column("version", "版本"), Column("date", "日期", width=12), Column("meeting_type", "会议形式", width=16),
            Column("entitled", "应到"), Column("present", "实到"), Column("votes_for", "同意"), Column("votes_against", "反对"),
            Column("votes_abstain", "弃权"), Column("channel", "公开渠道"), Column("text", "内容", width=40), Column("checks", "检查", width=40),
            Column("correction", "更正原因", width=20), Column("recorded_by", "记录人"), Column("recorded_at", "记录时间", width=20),
            Column("hash", "防篡改校验码", width=20),
        ],
        [
            {
                "stage": STAGE_LABELS[r.stage], "version": r.version, "date": r.date, "meeting_type": MEETING_TYPES.get(r.meeting_type, ""),
                "entitled": r.entitled, "present": r.present, "votes_for": r.votes_for, "votes_against": r.votes_against,
                "votes_abstain": r.votes_abstain, "channel": CHANNELS.get(r.channel, ""), "text": r.text,
                "checks": "；".join(("✓ " if c["ok"] else "✗ ") + c["label"] for c in r.checks), "correction": r.correction_reason,
                "recorded_by": person_label(r.recorded_by), "recorded_at": r.recorded_at.replace(tzinfo=None) if r.recorded_at else None,
                "hash": r.content_hash,
            }
            for r in records
        ],
    )


def links_table(links) -> Table:
    """The vouchers linked to a matter."""
    return Table(
        "关联凭证",
        [Column("book", "账套"), Column("voucher", "凭证", width=20), Column("date", "日期", width=12), Column("summary", "摘要", width=36),
         Column("total", "金额（元）", money=True, width=16), Column("status", "凭证状态"), Column("linked_by", "关联人")],
        [
            {"book": lk.voucher.book.code, "voucher": lk.voucher.label, "date": lk.voucher.date, "summary": lk.voucher.summary,
             "total": lk.voucher.total, "status": lk.voucher.get_status_display(), "linked_by": person_label(lk.linked_by)}
            for lk in links
        ],
    )


def history_table(events) -> Table:
    """A matter's history."""
    return Table(
        "事项记录",
        [Column("at", "时间", width=20), Column("action", "操作"), Column("stage", "环节", width=18), Column("status", "状态变化"),
         Column("note", "说明", width=36), Column("actor", "操作人")],
        [
            {"at": e.at.replace(tzinfo=None), "action": ACTION_LABELS[e.action], "stage": STAGE_LABELS.get(e.stage, ""),
             "status": f"{STATUS_LABELS.get(e.from_status, '')}→{STATUS_LABELS.get(e.to_status, '')}" if e.to_status else "",
             "note": e.note, "actor": person_label(e.actor)}
            for e in events
        ],
    )
