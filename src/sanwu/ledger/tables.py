"""The ledger's lists, once each: the page, its Excel/CSV export and the CLI use the same table."""

from sanwu.core.tables import Column, Table


def archives_due_table(items) -> Table:
    return Table(
        "会计档案到期鉴定清单",
        [
            Column("book", "账套编码"), Column("name", "集体经济组织"), Column("year", "会计年度"),
            Column("part", "档案类别"), Column("period", "保管期限"), Column("due", "到期日"), Column("state", "状态"),
        ],
        (
            {"book": i.archive.book.code, "name": i.archive.book.name, "year": i.archive.year, "part": i.rule.label,
             "period": i.rule.period, "due": i.due.isoformat(), "state": "已到期，待鉴定" if i.overdue else "到期前"}
            for i in items
        ),
    )
