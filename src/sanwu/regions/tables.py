"""The columns of each regions list: the region tree (the page's export), `sanwu regions list`,
and the person register (masked)."""

from sanwu.core.tables import Column, Table


def regions_table(regions) -> Table:
    """The regions under one node as the tree page exports them (with `n_children` annotated)."""
    return Table(
        "行政区划",
        [Column("code", "区划代码", width=18), Column("name", "名称", width=24), Column("level", "层级"), Column("parent", "上级代码", width=18), Column("children", "下级数")],
        [{"code": r.code, "name": r.name, "level": r.level_label, "parent": r.parent_id or "", "children": r.n_children} for r in regions],
    )


def regions_cli_table(regions) -> Table:
    """The regions as `sanwu regions list` prints them (its own columns, which scripts read: the
    level as a code, no count of children)."""
    return Table(
        "行政区划",
        [Column("code", "代码"), Column("name", "名称"), Column("level", "层级"), Column("parent", "上级")],
        [{"code": r.code, "name": r.name, "level": r.level, "parent": r.parent_id or ""} for r in regions],
    )


def people_table(people) -> Table:
    """The person register, names and ID numbers masked."""
    return Table(
        "人员登记",
        [Column("name", "姓名"), Column("gender", "性别"), Column("id_number", "身份证号", width=22), Column("region", "所属村/组", width=24)],
        [{"name": p.masked_name, "gender": p.get_gender_display(), "id_number": p.masked_id_number, "region": p.region.name} for p in people],
    )
