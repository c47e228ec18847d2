"""Each asset list's columns, once: the pages, their Excel/CSV exports and the CLI use these.
A custodian's name is masked (张*明), as personal data is everywhere."""

from sanwu.core.masking import mask_name
from sanwu.core.tables import Column, Table

from .rules import CATEGORY_LABELS, DISPOSALS, EXPENSES, KIND_LABELS, ORIGINS, STATES, rate_label


def cards_table(cards, title: str = "资产台账") -> Table:
    def rows():
        for c in cards:
            yield {
                "book": c.book.code, "number": c.number, "name": c.name, "category": CATEGORY_LABELS[c.category], "kind": KIND_LABELS.get(c.kind, ""),
                "account": c.account.code, "location": c.location, "quantity": str(c.quantity.normalize()) if c.quantity is not None else "", "unit": c.unit,
                "origin": ORIGINS[c.origin], "custodian": mask_name(c.custodian) if c.custodian else "", "acquired": c.acquired,
                "cost": c.cost, "life_months": c.life_months, "residual_rate": rate_label(c.residual_bp), "accumulated": c.accumulated,
                "net": c.cost - c.accumulated, "state": STATES[c.state], "expense": EXPENSES[c.expense_role] if c.depreciable else "不计提",
            }

    return Table(title, [
        Column("book", "账套"), Column("number", "资产编号"), Column("name", "名称"), Column("category", "类别"), Column("kind", "种类"),
        Column("account", "科目编码"), Column("location", "存放地点"), Column("quantity", "数量"), Column("unit", "单位"), Column("origin", "来源"),
        Column("custodian", "保管人"), Column("acquired", "取得日期"), Column("cost", "原值", money=True), Column("life_months", "使用年限（月）"),
        Column("residual_rate", "残值率"), Column("accumulated", "累计折旧", money=True), Column("net", "净值", money=True),
        Column("state", "状态"), Column("expense", "折旧计入"),
    ], rows())


def plan_table(p) -> Table:
    """The month's depreciation, one row per card and the total."""
    rows = [
        {"number": ln.card.number, "name": ln.card.name, "category": CATEGORY_LABELS[ln.card.category], "cost": ln.card.cost,
         "accumulated_before": ln.card.accumulated, "amount": ln.amount, "accumulated_after": ln.accumulated_after, "months": ln.k,
         "life_months": ln.card.life_months, "expense": EXPENSES[ln.card.expense_role]}
        for ln in p.lines
    ]
    rows.append({"number": "", "name": "合计", "amount": p.total})
    return Table(f"{p.book.name} {p.label}折旧计提表", [
        Column("number", "资产编号"), Column("name", "名称"), Column("category", "类别"), Column("cost", "原值", money=True),
        Column("accumulated_before", "月初累计折旧", money=True), Column("amount", "本月折旧", money=True),
        Column("accumulated_after", "月末累计折旧", money=True), Column("months", "已使用月数"), Column("life_months", "使用年限（月）"),
        Column("expense", "计入"),
    ], rows)


def plan_json(p) -> dict:
    """`sanwu assets depreciate --format json`: the month per card and in all, in fen."""
    run = p.run
    return {
        "book": p.book.code, "year": p.year, "month": p.month, "total_fen": p.total,
        "cards": [{"asset_no": ln.card.number, "name": ln.card.name, "category": ln.card.category, "amount_fen": ln.amount,
                   "accumulated_before_fen": ln.card.accumulated, "accumulated_after_fen": ln.accumulated_after} for ln in p.lines],
        "run": None if run is None else {"id": run.pk, "status": run.status, "voucher": run.voucher.label if run.voucher_id and run.voucher else None},
        "problems": [str(x) for x in p.problems],
    }


def ties_table(ties) -> Table:
    return Table("资产台账与账簿核对", [
        Column("label", "类别"), Column("what", "项目"), Column("cards", "卡片合计", money=True), Column("books", "账簿余额", money=True),
        Column("difference", "差额", money=True), Column("ok", "相符"),
    ], [{"label": t.label, "what": t.what, "cards": t.cards, "books": t.books, "difference": t.difference, "ok": "是" if t.ok else "否"} for t in ties])


def runs_table(runs) -> Table:
    return Table("折旧计提记录", [
        Column("month", "月份"), Column("cards", "卡片数"), Column("total", "本月折旧", money=True), Column("status", "状态"), Column("voucher", "凭证"),
    ], [{"month": r.label, "cards": r.cards, "total": r.total, "status": r.get_status_display(), "voucher": r.voucher.label if r.voucher else ""} for r in runs])


def events_table(events) -> Table:
    return Table("卡片变动记录", [
        Column("at", "时间"), Column("card", "资产编号"), Column("action", "变动"), Column("note", "说明"), Column("actor", "操作人"),
    ], [{"at": e.at, "card": e.card.number, "action": e.action_label, "note": e.note, "actor": e.actor_label} for e in events])


def disposals_table(disposals) -> Table:
    return Table("资产处置", [
        Column("on", "处置日期"), Column("card", "资产编号"), Column("name", "名称"), Column("kind", "方式"), Column("cost", "原值", money=True),
        Column("accumulated", "累计折旧", money=True), Column("proceeds", "处置收入", money=True), Column("gain", "处置损益", money=True),
        Column("status", "状态"), Column("voucher", "凭证"),
    ], [{"on": d.on, "card": d.card.number, "name": d.card.name, "kind": DISPOSALS[d.kind], "cost": d.cost, "accumulated": d.accumulated,
         "proceeds": d.proceeds, "gain": d.gain, "status": d.get_status_display(), "voucher": d.voucher.label if d.voucher else ""} for d in disposals])


def resources_table(resources) -> Table:
    from .rules import RESOURCE_KINDS, USES, area_label

    return Table("资源性资产", [
        Column("village", "村"), Column("number", "资源编号"), Column("name", "名称（坐落）"), Column("kind", "类型"), Column("group", "村民小组"),
        Column("area_mu", "面积（亩）"), Column("certificate", "权属证书"), Column("use", "利用方式"),
    ], ({"village": r.village.name, "number": r.number, "name": r.name, "kind": RESOURCE_KINDS[r.kind], "group": r.group.name if r.group_id else "",
         "area_mu": area_label(r.area_cmu), "certificate": r.certificate, "use": USES[r.use]} for r in resources))


def areas_table(rows, title: str = "资源面积（亩）按利用方式") -> Table:
    from .rules import USES, area_label

    return Table(title, [
        Column("region", "区划代码"), Column("name", "名称"), *[Column(u, f"{label}（亩）") for u, label in USES.items()],
        Column("total", "合计（亩）"), Column("revived", "本年盘活（亩）"),
    ], [{**r, **{k: area_label(r[k]) for k in (*USES, "total", "revived")}} for r in rows])
