"""The statistics brief (工作简报 / 组工信息): Chinese sentences of the kind the seed prints, every
number computed from the books, each sentence with the table it is read from.

`compose` is pure (summaries in, sentences out); `build` fetches the summaries through the scope
gate; `to_text`, `to_doc_html` and the PDF template render it. Amounts in sentences are 万元 with
two decimals rounded half up; the tables behind them are in 元 to the fen.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from sanwu.core.errors import Invalid, Problem
from sanwu.core.dates import today
from sanwu.core.money import format_wan, format_yuan
from sanwu.core.pdf import few_collections, layout, render_pdf, write
from sanwu.core.tables import Column, Table

from .. import hooks
from .. import rules as R
from ..rules import CLASS_LABELS
from ..tables import awards_table
from .access import region_for
from .awards import award_rows
from .common import check_year
from .figures import Summary, overview, ranked, summarise, village_years


@dataclass
class Part:
    key: str
    text: str
    table: Table


@dataclass
class Brief:
    title: str
    region_code: str
    region_name: str
    year: int
    base_year: int | None
    made: dt.date
    parts: list[Part] = field(default_factory=list)

    @property
    def sentences(self) -> list[str]:
        return [p.text for p in self.parts]

    @property
    def paragraph(self) -> str:
        return "".join(self.sentences)


def W(fen: int) -> str:
    return f"{format_wan(fen)}万元"


def _change(now: int, before: int) -> str:
    if now < before:
        return f"减少{before - now}个"
    if now > before:
        return f"增加{now - before}个"
    return "持平"


def compose(name: str, s: Summary, prev: Summary | None, base: Summary | None, *, children=None, villages=None, awards=None) -> list[Part]:
    """The brief's sentences for a region's year `s`, against the year before (`prev`) and a base
    year (`base`). `children`: [(code, name, Summary)] side by side; `villages`: the year's
    VillageYear list; `awards`: the year's AwardRow list."""
    y = s.year
    villages = villages or []
    parts: list[Part] = []
    if s.villages == 0:
        parts.append(Part("average", f"{y}年，{name}还没有村建立账簿，无法统计集体经济。", Table("村均经营性收入", [Column("name", "名称")], [])))
        return parts
    ml = s.measure_label
    rules = s.rules

    # 1. The village average, against the year before.
    text = f"{y}年，{name}{s.villages}个村村均经营性收入{W(s.average_operating_income)}"
    if prev is not None and prev.villages:
        d = s.average_operating_income - prev.average_operating_income
        pct = R.percent_text(abs(d), prev.average_operating_income) if prev.average_operating_income > 0 else None
        if d > 0:
            text += f"，比{prev.year}年增加{W(d)}" + (f"、增长{pct}" if pct else "")
        elif d < 0:
            text += f"，比{prev.year}年减少{W(-d)}" + (f"、下降{pct}" if pct else "")
        else:
            text += f"，与{prev.year}年持平"
    text += f"；村均经营收益{W(s.average_operating_return)}。"
    cols = [
        Column("name", "名称", width=14), Column("villages", "村数"),
        Column("operating_income", "经营性收入合计", money=True, width=18), Column("average_operating_income", "村均经营性收入", money=True, width=16),
        Column("operating_return", "经营收益合计", money=True, width=18), Column("average_operating_return", "村均经营收益", money=True, width=16),
    ]
    rows = [_avg_row(f"{name}（合计）", s)]
    if children:
        rows += [_avg_row(cname, cs) for _, cname, cs in children]
    else:
        rows += [
            {"name": v.name, "villages": 1, "operating_income": v.now.operating_income, "average_operating_income": v.now.operating_income,
             "operating_return": v.now.operating_return, "average_operating_return": v.now.operating_return}
            for v in sorted(villages, key=lambda v: v.code)
        ]
    if prev is not None and prev.villages:
        rows.append(_avg_row(f"{name}（{prev.year}年）", prev))
    parts.append(Part("average", text, Table("村均经营性收入", cols, rows)))

    # 2. Strong villages and the top village.
    strong_label = f"{ml}{R.at_least_text(rules.strong_line)}的强村" if rules else "强村"
    k = s.classes.get("strong", 0)
    text = f"{strong_label}{k}个，占{s.share('strong')}" if k else f"尚无{strong_label}"
    # A PV-only village above the strong line is not a strong village (the class order), yet the
    # tiers count it: say so here, so that the classes and the tiers of one paragraph add up.
    pv_above = [v for v in villages if v.cls == "pv_only" and rules and v.measure >= rules.strong_line]
    if pv_above:
        text += f"；另有仅有光伏收入的村{len(pv_above)}个{ml}在{R.at_least_text(rules.strong_line)}，不计为强村"
    if s.top is not None and s.top.measure > 0:
        text += f"；最高的是{s.top.township_name}{s.top.name}，{s.top.rules.measure_label}{W(s.top.measure)}"
    text += "。"
    strong = [v for v in ranked(villages) if v.cls == "strong"]
    top_rows = [{"rank": i, "code": v.code, "name": v.name, "township": v.township_name, "value": v.measure, "class": v.class_label} for i, v in enumerate(strong, start=1)]
    if s.top is not None and s.top.cls != "strong":
        top_rows.insert(0, {"rank": "最高", "code": s.top.code, "name": s.top.name, "township": s.top.township_name, "value": s.top.measure, "class": s.top.class_label})
    parts.append(Part("strong", text, Table("强村及最高村", [
        Column("rank", "排名"), Column("code", "村代码", width=16), Column("name", "村", width=12), Column("township", "乡镇", width=12),
        Column("value", ml, money=True, width=16), Column("class", "类别"),
    ], top_rows)))

    # 3. Tiers against the targets (“351”).
    if s.tiers:
        lines = "、".join(f"{R.wan_text(t.threshold)}万元" for t in s.tiers)
        counts = "、".join(f"{t.count}个" for t in s.tiers)
        tl = s.tier_measure_label
        if len(s.tiers) > 1:
            text = f"{tl}{lines}以上的村分别有{counts}"
        else:
            text = f"{tl}{lines}以上的村有{counts}"
        pv_in = [v for v in villages if v.cls == "pv_only" and v.tier_value >= s.tiers[0].threshold]
        if pv_in:
            text += f"（含仅有光伏收入的村{len(pv_in)}个）"
        if all(t.target is not None for t in s.tiers):
            text += "（目标" + ("分别为" if len(s.tiers) > 1 else "为") + "、".join(f"{t.target}个" for t in s.tiers) + "）"
            short = [t for t in s.tiers if not t.met]
            text += "，均已完成目标" if not short else "，其中" + "、".join(f"{t.label}尚差{t.gap}个" for t in short)
        text += "。"
        parts.append(Part("tiers", text, Table("档次目标", [
            Column("tier", "档次", width=14), Column("count", "村数"), Column("target", "目标村数"), Column("gap", "尚差"), Column("met", "是否完成"),
        ], [{"tier": t.label, "count": t.count, "target": t.target if t.target is not None else "", "gap": t.gap if t.target is not None else "",
             "met": "" if t.met is None else ("是" if t.met else "否")} for t in s.tiers])))

    # 4. Hollow, PV-only and weak villages, and the change since the base year.
    # The weak line is one a village stays under (value < line): exactly the line is 一般村.
    weak_label = f"{ml}{R.below_text(rules.weak_line)}的薄弱村" if rules else "薄弱村"
    h, p, w = (s.classes.get(c, 0) for c in ("hollow", "pv_only", "weak"))
    if base is not None and base.villages and base.year != y:
        h0, p0, w0 = (base.classes.get(c, 0) for c in ("hollow", "pv_only", "weak"))
        if h == p == w == 0:
            text = f"{name}已全面消除空壳村、仅有光伏收入的村和{weak_label}（{base.year}年分别为{h0}个、{p0}个、{w0}个）。"
        else:
            s0, s1 = s_share(base, "hollow"), s_share(s, "hollow")
            now_pct, base_pct = R.percent(h, s.villages), R.percent(h0, base.villages)
            if now_pct == base_pct:
                share_text = f"空壳村占比保持{s1}"
            else:
                share_text = f"空壳村占比由{s0}{'降至' if now_pct < base_pct else '升至'}{s1}"
            text = (
                f"空壳村{h}个、仅有光伏收入的村{p}个、{weak_label}{w}个，与{base.year}年的{h0}个、{p0}个、{w0}个相比，"
                f"分别{_change(h, h0)}、{_change(p, p0)}、{_change(w, w0)}；{share_text}。"
            )
    else:
        text = f"空壳村{h}个、仅有光伏收入的村{p}个、{weak_label}{w}个。"
    class_cols = [Column("class", "类别", width=12)]
    if base is not None and base.villages and base.year != y:
        class_cols += [Column("base_count", f"{base.year}年村数"), Column("base_share", f"{base.year}年占比")]
    class_cols += [Column("count", f"{y}年村数"), Column("share", f"{y}年占比")]
    if base is not None and base.villages and base.year != y:
        class_cols.append(Column("change", "增减"))
    class_rows = []
    for c in R.CLASSES:
        row = {"class": CLASS_LABELS[c], "count": s.classes.get(c, 0), "share": s_share(s, c)}
        if base is not None and base.villages and base.year != y:
            row.update(base_count=base.classes.get(c, 0), base_share=s_share(base, c), change=s.classes.get(c, 0) - base.classes.get(c, 0))
        class_rows.append(row)
    class_rows.append({"class": "合计", "count": s.villages, "share": "100.0%", **({"base_count": base.villages, "base_share": "100.0%", "change": s.villages - base.villages} if base is not None and base.villages and base.year != y else {})})
    parts.append(Part("classes", text, Table("各类村数", class_cols, class_rows)))

    # 5. Where the income comes from.
    text = f"全年村集体总收入{W(s.total_income)}，其中经营性收入{W(s.operating_income)}、补助收入{W(s.subsidy_income)}"
    if s.pv_income:
        text += f"；光伏收入{W(s.pv_income)}，占经营性收入的{s.pv_share}"
    text += "。"
    comp = [
        {"item": "总收入（含补助）", "amount": s.total_income, "share": R.percent_text(s.total_income, s.total_income)},
        {"item": "经营性收入", "amount": s.operating_income, "share": R.percent_text(s.operating_income, s.total_income)},
        {"item": "其中：光伏收入", "amount": s.pv_income, "share": R.percent_text(s.pv_income, s.total_income)},
        {"item": "补助收入", "amount": s.subsidy_income, "share": R.percent_text(s.subsidy_income, s.total_income)},
        {"item": "经营收益", "amount": s.operating_return, "share": ""},
    ]
    parts.append(Part("income", text, Table("收入构成", [Column("item", "项目", width=18), Column("amount", "金额", money=True, width=18), Column("share", "占总收入")], comp)))

    # 6. Incentives.
    if awards is not None:
        vol = [a for a in awards if a.volume]
        inc = [a for a in awards if a.increment]
        granted = [a for a in awards if a.cadre_granted]
        waiting = [a for a in awards if a.status in ("pending", "no_resolution")]
        if not (vol or inc or granted or waiting):
            text = "没有村达到体量奖、增量奖或村干部奖励的条件。"
        else:
            bits = []
            if vol:
                bits.append(f"{len(vol)}个村可获体量奖共{W(sum(a.volume for a in vol))}")
            if inc:
                bits.append(f"{len(inc)}个村可获增量奖共{W(sum(a.increment for a in inc))}")
            text = "按激励办法，" + "，".join(bits) if bits else ""
            rate = R.rate_text(rules.cadre_rate_bp) if rules else "规定比例"
            if granted:
                text += ("；" if text else "") + f"经“四议两公开”和乡镇核准，{len(granted)}个村按经营性收入增量的{rate}奖励村干部共{W(sum(a.cadre_granted for a in granted))}"
            if waiting:
                text += ("，" if text else "") + f"另有{len(waiting)}个村经营性收入有增量、待履行程序"
            text += "。"
        parts.append(Part("awards", text, awards_table(awards, "奖励名单")))
    return parts


def s_share(s: Summary, cls: str) -> str:
    return R.percent_text(s.classes.get(cls, 0), s.villages)


def _avg_row(name: str, s: Summary) -> dict:
    return {
        "name": name, "villages": s.villages, "operating_income": s.operating_income, "average_operating_income": s.average_operating_income,
        "operating_return": s.operating_return, "average_operating_return": s.average_operating_return,
    }


def build(user, region, year: int, base_year: int | None = None) -> Brief:
    """The brief for a region's year, through the user's scope (None: the system operator)."""
    year = check_year(year)
    base_year = check_year(base_year, "基准年") if base_year not in (None, "") else year - 1
    if base_year > year:
        raise Invalid(Problem(f"基准年 {base_year} 晚于统计年度 {year}", field="year"))
    ov = overview(user, region, year, with_prev=True)  # the awards compare with the year before
    prev_villages = village_years(user, region, year - 1)
    prev = summarise(prev_villages, year - 1) if prev_villages else None
    if base_year == year - 1:
        base = prev
    elif base_year == year:
        base = None
    else:
        bv = village_years(user, region, base_year)
        base = summarise(bv, base_year) if bv else None
    awards = award_rows(user, region, year, ov.villages)
    parts = compose(
        region.name, ov.summary, prev, base, children=[(c.code, c.name, c.summary) for c in ov.children], villages=ov.villages, awards=awards,
    )
    # what the apps above add (the cooperatives' members, shares and dividends: `economy.hooks`)
    parts += [Part(f.key, f.text, f.table) for f in hooks.figures_for(region.code, year) if f.text and f.table is not None]
    return Brief(
        title=f"{region.name}{year}年村级集体经济发展情况", region_code=region.code, region_name=region.name, year=year,
        base_year=base_year if base is not None else None, made=today(), parts=parts,
    )


# --- Renderings -------------------------------------------------------------------------------------

def _cell(table: Table, row: dict, col: Column) -> str:
    v = row.get(col.key)
    if v is None or v == "":
        return ""
    if col.money:
        return format_yuan(int(v))
    return str(v)


def table_rows(table: Table) -> list[list[str]]:
    return [[_cell(table, r, c) for c in table.columns] for r in table.rows]


def note(b: Brief) -> str:
    return f"数据来源：三务平台账簿，截至{b.made.year}年{b.made.month}月{b.made.day}日已记账凭证；简报金额单位为万元（四舍五入保留两位小数），附表金额单位为元。"


def to_text(b: Brief) -> str:
    out = [b.title, "", note(b), "", "　　" + b.paragraph, ""]
    for i, p in enumerate(b.parts, start=1):
        out.append(f"附表{i}　{p.table.title}（对应第{i}句）")
        out.append("\t".join(c.label for c in p.table.columns))
        for r in table_rows(p.table):
            out.append("\t".join(r))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# Columns for machines, not for paper: a status code, an id and a web address.
NOT_PRINTED = {"cadre_status", "decision_id", "decision_url"}
# A table with more columns is printed on landscape pages (economy/pdf/brief.html).
WIDE_COLUMNS = 8
# The width of a printed table in em of its cells' font: A4 portrait at 9pt, landscape at 8pt.
PAGE_EM = {False: 57.0, True: 94.0}
CELL_PADDING_EM = 1.0
# A column of words is never narrower than this (em): three characters of a village's name.
MIN_TEXT_EM = 3.2


def _em(text: str) -> float:
    """The width of `text` in em (Noto Sans CJK SC): Chinese characters one em, digits and Latin
    about half, separators less."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.3 if ch in ",.:;'()" else 0.56 for ch in text)


def _printed_widths(columns, rows, wide: bool) -> list[str]:
    """Each column's share of a printed table's width. Columns that cannot wrap (amounts, codes,
    dates: no Chinese in them) get what their longest cell needs; the columns of words share the
    rest by their `Column.width`, and wrap."""
    text = [any(_em(r[k]) > len(r[k]) * 0.56 + 0.01 for r in rows) or not rows for k in range(len(columns))]
    need = [0.0 if text[k] else max(_em(r[k]) for r in rows) + CELL_PADDING_EM for k in range(len(columns))]
    rest = PAGE_EM[wide] - sum(need)
    weights = [c.width or 10 for c, t in zip(columns, text) if t]
    if rest <= 0 or not weights:
        shares = [n / sum(need) if n else 0 for n in need] if sum(need) else [1 / len(columns)] * len(columns)
    else:
        per = rest / sum(weights)
        ems = [max((c.width or 10) * per, MIN_TEXT_EM) if t else n for c, t, n in zip(columns, text, need)]
        shares = [e / sum(ems) for e in ems]
    return [f"{x * 100:.2f}%" for x in shares]


def context(b: Brief, *, printed: bool = False) -> dict:
    """What the page, the Word document and the PDF render. `printed` (the PDF) leaves out the
    columns meant for machines and those empty in every row, and gives each column its width
    (`_printed_widths`): the PDF lays its tables out with fixed widths, wide ones on landscape
    pages, so WeasyPrint does not measure every cell first and a cell wraps onto few lines — the
    city's brief: 50 pages in 7.4 s of CPU before, 29 pages in about half that (docs/performance.md)."""
    tables = []
    for i, p in enumerate(b.parts, start=1):
        rows = table_rows(p.table)
        keep = [
            k for k, c in enumerate(p.table.columns)
            if not printed or (c.key not in NOT_PRINTED and (not rows or any(r[k] for r in rows)))
        ]
        columns = [p.table.columns[k] for k in keep]
        cells = [[r[k] for k in keep] for r in rows]
        wide = len(columns) > WIDE_COLUMNS
        tables.append({
            "n": i, "part": p, "columns": columns, "wide": wide,
            "widths": _printed_widths(columns, cells, wide) if printed else [],
            "rows": [list(zip(r, [c.money for c in columns])) for r in cells],
        })
    return {"brief": b, "note": note(b), "tables": tables}


def to_doc_html(b: Brief) -> str:
    """Word opens this as a document (.doc): plain HTML with the Office namespaces."""
    return render_to_string("economy/brief_doc.html", context(b))


def to_pdf(b: Brief) -> bytes:
    return render_pdf("economy/pdf/brief.html", context(b, printed=True))


def write_pdf(user, params: dict, out, progress) -> None:
    """The brief of `params` (region code, year, base year or None) as a PDF written to `out`, for
    `core.downloads`: the figures, the layout, the file, each a step of `progress`."""
    progress(0, 3)
    b = build(user, region_for(user, params["region"]), params["year"], params.get("base"))
    progress(1, 3)
    with few_collections():  # one pause of the collector for both steps
        document = layout(render_to_string("economy/pdf/brief.html", context(b, printed=True)))
        progress(2, 3)
        write(document, out)
    progress(3, 3)
