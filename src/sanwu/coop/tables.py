"""Each list's columns, once (`core.tables.Table`): the page, its Excel/CSV export and the CLI."""

from sanwu.core.tables import Column, Table

from . import rules

HOLDER_KIND_LABELS = rules.HOLDER_KINDS


def holdings_table(classes, rows, on=None) -> Table:
    """One row per holder, shares by class (decimal text, two places) and the holder's total."""
    title = f"持股明细（截至{on.isoformat()}）" if on else "持股明细"
    columns = [Column("holder", "户号/持股人", width=14), Column("kind", "类型"), Column("head", "户主", width=12)]
    columns += [Column(c.name, c.name, width=12) for c in classes]
    columns.append(Column("total", "合计", width=12))
    body = []
    for r in rows:
        row = {"holder": r.key, "kind": HOLDER_KIND_LABELS[r.kind], "head": r.head, "total": rules.format_units(r.total)}
        row.update({c.name: rules.format_units(r.units.get(c.pk, 0)) for c in classes})
        body.append(row)
    return Table(title, columns, body)
