"""The economy's tables for Excel, CSV and JSON: the pages' downloads, `sanwu economy …` and
`sanwu report economy`, the API's report and the brief's appendix tables build them here, so each
list's columns exist once. Money columns hold fen and are written as yuan with two decimals
(`core.tables`). The inputs are the figures of `services.figures` (`VillageYear`, `Summary`,
`Overview`) and the award rows of `services.awards`."""

from django.urls import reverse

from sanwu.core.tables import Column, Table

from . import rules as R

# `sanwu report economy` and /api/v1/economy/report: one row per village, these columns exactly.
REPORT_COLUMNS = [
    Column("code", "村代码", width=16),
    Column("name", "村名称", width=14),
    Column("operating_income", "经营性收入", money=True, width=16),
    Column("operating_return", "经营收益", money=True, width=16),
    Column("total_income", "总收入（含补助）", money=True, width=18),
    Column("pv_income", "光伏收入", money=True, width=14),
    Column("subsidy_income", "补助收入", money=True, width=14),
    Column("class", "类别", width=10),
    Column("tier", "档次", width=8),
]


def report_table(villages, title: str) -> Table:
    return Table(title, REPORT_COLUMNS, [
        {"code": v.code, "name": v.name, "operating_income": v.now.operating_income, "operating_return": v.now.operating_return,
         "total_income": v.now.total_income, "pv_income": v.now.pv_income, "subsidy_income": v.now.subsidy_income,
         "class": v.cls, "tier": v.tier_label}
        for v in villages
    ])


def villages_table(villages, title: str) -> Table:
    """The ranked village table of the page (rank by the county's measure)."""
    cols = [
        Column("rank", "排名", width=6),
        Column("code", "村代码", width=16),
        Column("name", "村名称", width=14),
        Column("township", "乡镇", width=12),
        Column("operating_income", "经营性收入", money=True, width=16),
        Column("operating_return", "经营收益", money=True, width=16),
        Column("total_income", "总收入（含补助）", money=True, width=18),
        Column("pv_income", "光伏收入", money=True, width=14),
        Column("pv_share", "光伏占经营性收入（%）", width=12),
        Column("subsidy_income", "补助收入", money=True, width=14),
        Column("prev_operating_income", "上年经营性收入", money=True, width=16),
        Column("operating_income_change", "同比增减", money=True, width=14),
        Column("class", "类别代码", width=10),
        Column("class_label", "类别", width=10),
        Column("tier", "档次", width=8),
        Column("books", "账套", width=18),
    ]
    rows = []
    for i, v in enumerate(villages, start=1):
        rows.append({"rank": i, **v.row()})
    return Table(title, cols, rows)


CLASS_COLUMNS = [Column(c, R.CLASS_LABELS[c]) for c in R.CLASSES]


def summary_columns(first: str) -> list[Column]:
    return [
        Column("code", "代码", width=16),
        Column("name", first, width=14),
        Column("villages", "村数"),
        *CLASS_COLUMNS,
        Column("operating_income", "经营性收入合计", money=True, width=18),
        Column("average_operating_income", "村均经营性收入", money=True, width=16),
        Column("average_operating_return", "村均经营收益", money=True, width=16),
        Column("top_name", "最高村", width=12),
        Column("top_value", "最高村指标", money=True, width=16),
    ]


def summary_row(code: str, name: str, s) -> dict:
    return {
        "code": code, "name": name, "villages": s.villages, **s.classes,
        "operating_income": s.operating_income, "average_operating_income": s.average_operating_income,
        "average_operating_return": s.average_operating_return,
        "top_name": s.top.name if s.top else "", "top_value": s.top.measure if s.top else None,
        **{f"tier_{t.threshold}": t.count for t in s.tiers},
    }


def overview_table(ov, title: str) -> Table:
    """The region itself and its counties or townships side by side."""
    thresholds = [t.threshold for t in ov.summary.tiers]
    cols = summary_columns("名称") + [Column(f"tier_{th}", f"{R.wan_text(th)}万以上村数") for th in thresholds]
    rows = [summary_row(ov.region.code, f"{ov.region.name}（合计）", ov.summary)]
    rows += [summary_row(c.code, c.name, c.summary) for c in ov.children]
    return Table(title, cols, rows)


def trends_table(summaries, title: str) -> Table:
    thresholds = sorted({t.threshold for s in summaries for t in s.tiers})
    cols = [
        Column("year", "年度"),
        Column("villages", "村数"),
        *CLASS_COLUMNS,
        *[Column(f"{c}_share", f"{R.CLASS_LABELS[c]}占比（%）") for c in R.CLASSES],
        Column("average_operating_income", "村均经营性收入", money=True, width=16),
        Column("average_operating_return", "村均经营收益", money=True, width=16),
        *[Column(f"tier_{th}", f"{R.wan_text(th)}万以上村数") for th in thresholds],
    ]
    rows = []
    for s in summaries:
        tiers = {t.threshold: t.count for t in s.tiers}
        rows.append({
            "year": s.year, "villages": s.villages, **s.classes,
            **{f"{c}_share": _pct(s.classes.get(c, 0), s.villages) for c in R.CLASSES},
            "average_operating_income": s.average_operating_income, "average_operating_return": s.average_operating_return,
            **{f"tier_{th}": tiers.get(th, 0) for th in thresholds},
        })
    return Table(title, cols, rows)


def _pct(part: int, whole: int) -> str:
    p = R.percent(part, whole)
    return "" if p is None else str(p)


AWARD_COLUMNS = [
    Column("code", "村代码", width=16),
    Column("name", "村名称", width=12),
    Column("township", "乡镇", width=12),
    Column("measure", "指标值", money=True, width=16),
    Column("tier", "档次", width=8),
    Column("volume_award", "体量奖", money=True, width=12),
    Column("volume_reason", "体量奖依据", width=40),
    Column("increment_award", "增量奖", money=True, width=12),
    Column("increment_reason", "增量奖依据", width=40),
    Column("operating_income_change", "经营性收入增量", money=True, width=16),
    Column("cadre_reward", "村干部奖励（按规则）", money=True, width=16),
    Column("cadre_reason", "村干部奖励依据", width=40),
    Column("cadre_status", "核准状态代码", width=12),
    Column("cadre_status_label", "核准状态", width=12),
    Column("decision_id", "决策编号", width=10),
    Column("decision_title", "四议两公开决策", width=30),
    Column("resolution_date", "决议公开日期", width=12),
    Column("decision_url", "决策页面", width=20),
    Column("cadre_granted", "村干部奖励（已核准）", money=True, width=16),
    Column("total", "奖励合计", money=True, width=14),
]


def awards_table(rows, title: str) -> Table:
    """The award list (`services.award_rows`), each row with the page of the decision it rests on."""
    return Table(title, AWARD_COLUMNS, [
        {**a.row(), "decision_url": reverse("decisions:detail", args=[a.basis.pk]) if a.basis else ""} for a in rows
    ])


# --- The annual 农经统计 forms (services.statistics) ------------------------------------------------

STATISTICS_COLUMNS = [
    Column("name", "指标名称", width=34),
    Column("code", "代码", width=6),
    Column("unit", "计量单位", width=8),
    Column("amount", "金额（元）", money=True, width=18),
    Column("count", "村数（个）", width=10),
    Column("note", "说明", width=30),
]


def _form_rows(stats, form) -> list[dict]:
    rows = []
    for r in form.rows:
        row = {"name": r.name, "code": r.code, "unit": r.unit, "note": "" if r.verified else "未与原表核对"}
        if r.is_count:
            row["count"] = r.value
        elif r.value is None:
            row["note"] = "各村报表均未列此项，不能取得" + ("；" + row["note"] if row["note"] else "")
        else:
            row["amount"] = r.value
        rows.append(row)
    return rows


def _form_footer(stats, form) -> list[dict]:
    return [
        {"name": f"表号：{form.form_no}" + ("" if form.form_no_verified else "（推定，未与原表核对）")},
        {"name": f"填报单位：{stats.region.name}　年度：{stats.year}年　汇入本表村数：{len(stats.villages)}个"
                 + (f"　未汇入（报表不平）：{len(stats.not_tied)}个" if stats.not_tied else "")},
        {"name": f"来源：{form.source}"},
        *([{"name": form.not_included}] if form.not_included else []),
        {"name": "单位负责人：　　　　统计负责人：　　　　填表人：　　　　报出日期：　　年　月　日"},
    ]


def statistics_form_table(stats, key: str) -> Table:
    """One form in its layout: 指标名称, 代码, 计量单位, the amount (元, exact to the fen; the
    published form is in 万元) or the number of villages, and a note where a row is not verified;
    under it the 表号, 填报单位, the source and the signature line."""
    form = stats.form(key)
    return Table(f"{form.title} {stats.year}年", STATISTICS_COLUMNS, _form_rows(stats, form) + _form_footer(stats, form))


def statistics_table(stats) -> Table:
    """Both forms, one under the other (the CLI's Excel), each with its title row and footer."""
    rows: list[dict] = []
    for form in stats.forms:
        if rows:
            rows.append({})
        rows.append({"name": f"{form.title}（{stats.region.name} {stats.year}年）"})
        rows += _form_rows(stats, form) + _form_footer(stats, form)
    if stats.not_tied:
        rows += [{}, {"name": "报表不平、未汇入的村"}]
        rows += [{"name": f"{v.name}（{v.code}）", "note": "；".join(v.problems)} for v in stats.not_tied]
    return Table(f"农经统计年报 {stats.region.name} {stats.year}年", STATISTICS_COLUMNS, rows)


def statistics_data(stats) -> dict:
    """The forms as JSON for the CLI and machines: amounts in integer fen."""
    return {
        "region": {"code": stats.region.code, "name": stats.region.name, "level": stats.region.level},
        "year": stats.year,
        "villages": len(stats.villages),
        "forms": [
            {
                "key": f.key, "title": f.title, "form_no": f.form_no, "form_no_verified": f.form_no_verified, "source": f.source,
                "rows": [
                    {"code": r.code, "name": r.name, "unit": r.unit, "verified": r.verified,
                     **({"count": r.value} if r.is_count else {"amount_fen": r.value}), "villages": r.villages}
                    for r in f.rows
                ],
            }
            for f in stats.forms
        ],
        "not_tied": [{"code": v.code, "name": v.name, "books": v.books, "problems": v.problems} for v in stats.not_tied],
    }


def statistics_cell_table(c) -> Table:
    """The villages behind one figure (the drill-down's Excel)."""
    money = not c.row.is_count
    cols = [Column("code", "村代码", width=16), Column("name", "村名称", width=14), Column("township", "乡镇", width=14),
            Column("value", "金额（元）" if money else "计入", money=money, width=18), Column("books", "账簿", width=14)]
    rows = [{"code": v.code, "name": v.name, "township": v.township_name, "value": x if money else ("是" if x else ""), "books": ",".join(v.books)}
            for v, x in c.villages]
    rows.append({"name": "合计", "value": c.row.value if money else len(c.villages)})
    return Table(f"{c.form.title} 代码{c.row.code} {c.row.name} {c.stats.region.name} {c.stats.year}年", cols, rows)


def not_tied_table(stats) -> Table:
    cols = [Column("code", "村代码", width=16), Column("name", "村名称", width=14), Column("township", "乡镇", width=14),
            Column("books", "账簿", width=14), Column("problems", "不平的原因", width=60)]
    return Table(f"报表不平、未汇入的村 {stats.region.name} {stats.year}年", cols, [
        {"code": v.code, "name": v.name, "township": v.township_name, "books": ",".join(v.books), "problems": "；".join(v.problems)}
        for v in stats.not_tied
    ])
