"""Each list's columns, once (`core.tables.Table`): the page, its Excel/CSV export and the CLI."""

from sanwu.core.tables import Column, Table

from . import rules
from .services.supervision import signer_label

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


def cooperatives_table(collectives) -> Table:
    return Table(
        "股份经济合作社",
        [Column("village", "村代码", width=14), Column("village_name", "村"), Column("name", "集体经济组织", width=30), Column("households", "户数")],
        [{"village": c.region_id, "village_name": c.region.name, "name": c.name, "households": c.household_count} for c in collectives],
    )


def members_table(members) -> Table:
    """The roster as everyone in scope sees it: names and ID numbers masked."""
    return Table(
        "成员名册",
        [
            Column("household", "户号"), Column("head", "户主"), Column("name", "姓名"), Column("id_number", "身份证号（脱敏）", width=20),
            Column("relation", "与户主关系"), Column("member", "集体经济组织成员"), Column("joined_on", "取得日期", width=12),
            Column("join_reason", "取得方式", width=14), Column("left_on", "丧失日期", width=12), Column("leave_reason", "丧失原因", width=20),
        ],
        [
            {
                "household": m.household.number, "head": "是" if m.is_head else "", "name": m.person.masked_name,
                "id_number": m.person.id_number_masked, "relation": rules.RELATIONS.get(m.relation, m.relation),
                "member": "是" if m.active else "否", "joined_on": m.joined_on or "", "join_reason": rules.JOIN_REASONS.get(m.join_reason, ""),
                "left_on": m.left_on or "", "leave_reason": rules.LEAVE_REASONS.get(m.leave_reason, ""),
            }
            for m in members
        ],
    )


def register_table(ops, names: dict[int, str]) -> Table:
    """The share register, one row per operation in number order; holders named as in messages."""
    return Table(
        "股权登记簿",
        [
            Column("number", "序号"), Column("on", "变动日期", width=12), Column("kind", "变动类型", width=14), Column("share_class", "股份类别"),
            Column("from", "转出方"), Column("to", "转入方"), Column("shares", "份额（股）"), Column("basis", "批准依据", width=30),
            Column("note", "说明", width=30), Column("digest", "防篡改校验码", width=20),
        ],
        [
            {
                "number": op.number, "on": op.on, "kind": rules.OPERATION_KINDS[op.kind], "share_class": op.share_class.name,
                "from": names.get(op.from_holder_id, "") if op.from_holder_id else "", "to": names.get(op.to_holder_id, "") if op.to_holder_id else "",
                "shares": rules.format_units(op.units), "basis": op.approval or (f"四议两公开：{op.matter.title}" if op.matter_id else ""),
                "note": op.note, "digest": op.digest[:16],
            }
            for op in ops
        ],
    )


def roster_table(roster) -> Table:
    """One frozen roster version: its lines as they were confirmed (names and IDs masked)."""
    return Table(
        f"成员名册（第{roster.version}版）",
        [
            Column("household", "户号"), Column("head", "户主"), Column("name", "姓名"), Column("id_masked", "身份证号（脱敏）", width=20),
            Column("relation", "与户主关系"), Column("joined_on", "取得日期", width=12), Column("join_reason", "取得方式", width=14),
        ],
        [
            {
                "household": ln["household"], "head": "是" if ln["head"] else "", "name": ln["name"], "id_masked": ln["id_masked"],
                "relation": rules.RELATIONS.get(ln["relation"], ln["relation"]), "joined_on": ln["joined_on"],
                "join_reason": rules.JOIN_REASONS.get(ln["join_reason"], ""),
            }
            for ln in roster.lines
        ],
    )


def certificates_table(certificates, heads: dict[int, str]) -> Table:
    """The cooperative's certificates, newest number first: the holder masked (户号 and the
    head's masked name, `heads` by household id), as at, issued on, status and what replaced
    what. Holders are named as everywhere; no ID number, no query code."""
    return Table(
        "股权证",
        [
            Column("number", "证书编号", width=22), Column("household", "户号"), Column("head", "户主/持股人", width=12),
            Column("as_at", "持股截止日期", width=14), Column("issued_on", "发证日期", width=12), Column("shares", "份额合计（股）", width=14),
            Column("status", "状态", width=14), Column("supersedes", "换发原证", width=22),
        ],
        [
            {
                "number": c.number, "household": _household_number(c.holder), "head": _holder_head(c.holder, heads),
                "as_at": c.as_at, "issued_on": c.issued_on, "shares": rules.format_units(c.total_units),
                "status": rules.CERTIFICATE_STATUSES[c.status], "supersedes": c.supersedes.number if c.supersedes_id else "",
            }
            for c in certificates
        ],
    )


def _household_number(holder) -> str:
    return holder.household.number if holder.kind == "household" else holder.member.household.number


def _holder_head(holder, heads: dict[int, str]) -> str:
    return holder.member.person.masked_name if holder.kind == "member" else heads.get(holder.household_id, "")


def ventures_table(collective, items) -> Table:
    """The cooperative's joint ventures, one row per party's stake (page export and `sanwu coop
    ventures`); `items` are (venture, stake rows) with each stake's share."""
    rows = [
        {"venture": v.name, "founded_on": v.founded_on, "kind": r["stake"].get_kind_display(), "party": r["stake"].party,
         "contribution": r["stake"].contribution, "share": r["percent"], "collective": r["stake"].is_collective}
        for v, stakes in items for r in stakes
    ]
    return Table(f"{collective.name}合作经营项目", [
        Column("venture", "经营主体"), Column("founded_on", "成立日期"), Column("kind", "出资方式"), Column("party", "出资方"),
        Column("contribution", "出资额", money=True), Column("share", "占比"), Column("collective", "本村集体"),
    ], rows)


def officers_table(collective, officers) -> Table:
    """The cooperative's posts, past and present (names masked)."""
    rows = [
        {"post": o.get_post_display(), "name": o.person.masked_name, "started_on": o.started_on, "ended_on": o.ended_on or "",
         "account": o.account.username if o.account else ""}
        for o in officers
    ]
    return Table(f"{collective.name}任职情况", [
        Column("post", "职务", width=24), Column("name", "姓名"), Column("started_on", "任职日期"), Column("ended_on", "离任日期"),
        Column("account", "签字账号"),
    ], rows)


def reviews_table(collective, reviews) -> Table:
    """The supervisory committee's monthly finance reviews; `reviews` as `supervision.reviews_of` gives them."""
    rows = [
        {"period": s["review"].period_key, "reviewed_on": s["review"].reviewed_on, "remarks": s["review"].remarks,
         "signers": "、".join(signer_label(o) for o in s["signers"]),
         "signed": f"{len(s['signers'])}/{s['committee']}" + ("，已签" if s["signed"] else "，签字未过半")}
        for s in reviews
    ]
    return Table(f"{collective.name}民主理财记录", [
        Column("period", "月份"), Column("reviewed_on", "理财日期"), Column("remarks", "审核意见", width=40), Column("signers", "签字成员", width=30),
        Column("signed", "签字情况"),
    ], rows)
