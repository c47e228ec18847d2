"""The columns of each list of this app, defined once: the page's Excel/CSV export and the CLI
(`sanwu assessment …`) build their tables here. Rows come in already gated by the caller."""

from sanwu.core.tables import Column, Table

from . import rules
from .models import Assessment, Rectification

RECTIFICATION_STATUSES = dict(Rectification.STATUSES)


def _township(region) -> str:
    return region.parent.name if region.parent_id else ""


# --- Team analysis rounds and the difficult-villages list ---------------------------------------


def rounds_table(rounds, total_villages: int) -> Table:
    """The county's rounds with their rating counts (`r.rated`, `r.counts` set by the page)."""
    return Table(
        "班子运行分析研判",
        [Column("title", "研判"), Column("held_on", "日期"), Column("rated", "已研判村数"), Column("villages", "村总数")]
        + [Column(k, v) for k, v in rules.RATINGS.items()] + [Column("status", "状态")],
        [{"title": r.title, "held_on": r.held_on, "rated": r.rated, "villages": total_villages, **r.counts, "status": r.get_status_display()} for r in rounds],
    )


def round_results_table(rnd, rows: list[dict]) -> Table:
    """One round's villages ({"village", "rating"}) with their ratings on each criterion."""
    return Table(
        f"研判结果-{rnd.title}",
        [Column("code", "村代码", width=16), Column("township", "乡镇"), Column("village", "村"), Column("rating", "研判等次")]
        + [Column(f"c{i}", name) for i, name in enumerate(rnd.criteria)] + [Column("findings", "主要问题", width=40)],
        [
            {
                "code": r["village"].code, "township": _township(r["village"]), "village": r["village"].name,
                "rating": r["rating"].get_rating_display() if r["rating"] else "未研判",
                **{f"c{i}": rules.RATINGS.get((r["rating"].criteria if r["rating"] else {}).get(name, ""), "") for i, name in enumerate(rnd.criteria)},
                "findings": r["rating"].findings if r["rating"] else "",
            }
            for r in rows
        ],
    )


def review_history(entry) -> str:
    """An entry's reviews, round by round: 「2021年第1轮 列入清单；2021年第2轮 保留」."""
    return "；".join(f"{r.round.title} {rules.OUTCOMES[r.outcome]}" for r in entry.reviews.all())


def difficult_table(entries) -> Table:
    return Table(
        "重点难点村清单",
        [
            Column("code", "村代码", width=16), Column("township", "乡镇"), Column("village", "村"), Column("status", "状态"),
            Column("listed", "列入轮次"), Column("removed", "销号轮次"), Column("problems", "主要问题", width=40),
            Column("leader", "专班负责领导", width=20), Column("members", "专班成员", width=40), Column("history", "历次复核", width=50),
        ],
        [
            {
                "code": e.village.code, "township": _township(e.village), "village": e.village.name,
                "status": e.get_status_display(), "listed": e.listed_round.title, "removed": e.removed_round.title if e.removed_round else "",
                "problems": e.problems, "leader": e.leader, "members": "；".join(e.members.splitlines()), "history": review_history(e),
            }
            for e in entries
        ],
    )


# --- Rectification -----------------------------------------------------------------------------


def rectification_row(c: Rectification) -> dict:
    """One organisation's rectification as a row (also shown on the list page and in its PDF)."""
    checks = list(c.checks.all())
    last = checks[-1] if checks else None
    measures = list(c.measures.all())
    return {
        "code": c.village.code, "township": _township(c.village), "village": c.village.name,
        "year": c.year, "situations": "；".join(f"{s.number}. {s.title}" for s in c.situations.all()), "causes": c.causes,
        "plan": c.plan, "county_leader": c.county_leader, "township_lead": c.township_lead, "first_secretary": c.first_secretary,
        "party_funds": c.party_funds_fen, "project_funds": c.project_funds_fen, "deadline": c.deadline,
        "measures": "；".join(f"{m.date:%Y-%m-%d} {m.text}" for m in measures), "measure_count": len(measures),
        "status": RECTIFICATION_STATUSES[c.status], "delisted_on": c.delisted_on,
        "check": (f"{last.date:%Y-%m-%d} {last.checked_by}：{'通过' if last.passed else '未通过'}，{last.result}" if last else ""),
        "accepted": any(k.passed for k in checks),
    }


def rectification_table(cases, title: str = "软弱涣散村党组织整顿台账") -> Table:
    return Table(
        title,
        [
            Column("code", "村代码", width=16), Column("township", "乡镇"), Column("village", "村"), Column("year", "列入年度"),
            Column("situations", "存在问题（典型情形）", width=40), Column("causes", "原因分析", width=30), Column("plan", "整顿方案", width=30),
            Column("county_leader", "联系县级领导"), Column("township_lead", "乡镇责任人"), Column("first_secretary", "第一书记"),
            Column("party_funds", "党建经费（元）", money=True), Column("project_funds", "项目扶持资金（元）", money=True),
            Column("deadline", "整顿时限"), Column("measures", "整顿措施", width=50), Column("status", "状态"),
            Column("delisted_on", "销号日期"), Column("check", "验收情况", width=40),
        ],
        [rectification_row(c) for c in cases],
    )


def screening_table(year: int, rows: list[dict]) -> Table:
    """The year's screening of each village ({"village", "screening", "case"})."""
    return Table(
        f"{year}年度软弱涣散村党组织排查",
        [Column("code", "村代码", width=16), Column("township", "乡镇"), Column("village", "村"), Column("screened_on", "排查日期"),
         Column("situations", "符合情形", width=40), Column("note", "排查情况", width=40), Column("status", "整顿状态")],
        [
            {
                "code": r["village"].code, "township": _township(r["village"]), "village": r["village"].name,
                "screened_on": r["screening"].screened_on if r["screening"] else "",
                "situations": ("；".join(f"{s.number}. {s.title}" for s in r["screening"].situations.all()) or "无") if r["screening"] else "未排查",
                "note": r["screening"].note if r["screening"] else "", "status": "整顿中" if r["case"] else "",
            }
            for r in rows
        ],
    )


# --- Assessments -------------------------------------------------------------------------------


def ranking_table(a: Assessment, standings, indicators) -> Table:
    """An assessment's ranking (`services.Standing` rows, best first); also the score sheet to fill in."""
    cols = [Column("code", "代码", width=16), Column("name", "名称")]
    if a.level == "village":
        cols.append(Column("township", "所属乡镇"))
    cols += [Column(i.key, i.name) for i in indicators] + [Column("total", "综合得分"), Column("rank", "名次")]
    out = []
    for r in standings:
        row = {"code": r.region.code, "name": r.region.name, "township": _township(r.region),
               "total": r.total_text, "rank": (f"{r.place.rank}（并列）" if r.place.tied else r.place.rank) if r.place.rank else ""}
        for i in indicators:
            row[i.key] = rules.format_score(r.scores.get(i.key))
        out.append(row)
    return Table(f"{a.year}年度考核排名", cols, out)


def consequences_table(consequences) -> Table:
    """The county's consequences over the years (the consequences page)."""
    return Table(
        "考核问责",
        [Column("year", "年度"), Column("unit", "考核对象"), Column("rule", "规则", width=24), Column("target", "对象", width=20),
         Column("action", "处理", width=30), Column("bars", "当年度不列入推荐提拔"), Column("basis", "依据", width=60),
         Column("deadline", "落实期限"), Column("task", "台账任务编号")],
        [
            {"year": c.assessment.year, "unit": c.unit.region.name, "rule": c.rule_name, "target": c.target, "action": c.action,
             "bars": "是" if c.bars_promotion else "", "basis": c.basis, "deadline": c.deadline, "task": c.task_id or ""}
            for c in consequences
        ],
    )


def assessment_consequences_table(consequences) -> Table:
    """One assessment's consequences (`sanwu assessment consequences ID`)."""
    return Table(
        "考核问责",
        [Column("region", "考核对象"), Column("rule", "规则"), Column("target", "对象"), Column("action", "处理"),
         Column("basis", "依据"), Column("deadline", "落实期限"), Column("task", "台账任务编号")],
        [{"region": c.unit.region.name, "rule": c.rule_name, "target": c.target, "action": c.action, "basis": c.basis,
          "deadline": c.deadline, "task": c.task_id or ""} for c in consequences],
    )
