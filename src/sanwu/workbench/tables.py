"""The inbox's columns, once: the page and its Excel/CSV export."""

from django.utils import timezone

from sanwu.core.tables import Column, Table


def inbox_table(messages) -> Table:
    return Table(
        "站内消息",
        [
            Column("created_at", "时间", width=18),
            Column("kind", "类别"),
            Column("title", "标题", width=40),
            Column("body", "内容", width=50),
            Column("state", "状态"),
        ],
        [
            {
                "created_at": timezone.localtime(m.created_at).strftime("%Y-%m-%d %H:%M"),
                "kind": m.kind_label,
                "title": m.title,
                "body": m.body,
                "state": "已读" if m.read_at else "未读",
                "pk": m.pk,
                "unread": m.read_at is None,
            }
            for m in messages
        ],
    )
