"""The columns of each regions list: the regions (the tree page's export and `sanwu regions
list`) and the person register (masked)."""

from sanwu.core.tables import Column, Table


def regions_table(regions) -> Table:
    """Regions (annotated with `n_children`) as the tree page downloads them and `sanwu regions
    list` prints them: the level as a code for scripts and by name for people."""
    return Table(
        "行政区划",
        [Column("code", "区划代码", width=18), Column("name", "名称", width=24), Column("level", "层级代码"), Column("parent", "上级代码", width=18),
         Column("level_label", "层级"), Column("children", "下级数")],
        [{"code": r.code, "name": r.name, "level": r.level, "parent": r.parent_id or "", "level_label": r.level_label, "children": r.n_children}
         for r in regions],
    )


def people_table(people) -> Table:
    """The person register, names and ID numbers masked."""
    return Table(
        "人员登记",
        [Column("name", "姓名"), Column("gender", "性别"), Column("id_number", "身份证号", width=22), Column("region", "所属村/组", width=24)],
        [{"name": p.masked_name, "gender": p.get_gender_display(), "id_number": p.masked_id_number, "region": p.region.name} for p in people],
    )
