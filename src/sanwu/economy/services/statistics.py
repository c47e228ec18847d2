"""The annual 农经统计 forms of a township, a county or the city (issue 12 item 6): the
村集体经济组织收益分配统计表 and the 资产负债情况统计表 (rows, 表号 and source in
`ledger.charts.STATISTICS_FORMS`), summed from the village statements.

Each book's year is read through the ledger's own statements (`reports.balance_sheet` and
`reports.income_statement` at December), so a figure here is always the sum of what the villages'
statements print. Before a village is summed its statements are checked to tie: the balance sheet
balances and takes in every account with a balance, the income statement's 年末未分配收益 equals the
balance sheet's 未分配收益, and the form's totals equal the statements' (nothing lost in the
mapping). A village that does not tie is listed apart with its problems and summed nowhere.

A statement costs a dozen small queries over the book's kept totals; a book's figures are kept
(`models.KeptBookForms`) under the book's fingerprint — its posted-voucher count and chain head
(every posting, reversal and closing changes them), its opening balances and accounts, and the
code of the statements and forms — read for every book of the region in four queries. So a
second look (the drill-down, the Excel, another worker, the CLI) reads the kept rows, and only
the books posted to since are read again. Yuexi's 182 books: about 3–6 s the first time on the
shared machine, under 0.2 s after.
"""

import datetime as dt
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count, Max, Sum

from sanwu.core.errors import Invalid, NotFound, Problem
from sanwu.core.money import format_yuan
from sanwu.ledger import charts
from sanwu.ledger.charts import STATISTICS_FORMS
from sanwu.ledger.models import Account, OpeningBalance
from sanwu.ledger.services import reports
from sanwu.regions.models import Region

from ..models import KeptBookForms
from ..rules import WAN
from .common import CHILD_LEVEL, check_year, child_of, township_of
from .figures import books_in

LEVELS = ("township", "county", "city")
FORMS = list(STATISTICS_FORMS)

# The village counts of the 附报指标: (本年收益 = row 11, 经营收益 = row 7 of the 收益分配统计表).
COUNTS = {
    "villages": lambda f: True,
    "no_income": lambda f: f["11"] <= 0,
    "with_income": lambda f: f["11"] > 0,
    "with_return": lambda f: f["11"] > 0 and f["7"] > 0,
    "return_under_5": lambda f: f["11"] > 0 and 0 < f["7"] < 5 * WAN,
    "return_5_10": lambda f: f["11"] > 0 and 5 * WAN <= f["7"] < 10 * WAN,
    "return_10_up": lambda f: f["11"] > 0 and f["7"] >= 10 * WAN,
}

_PREFIX = re.compile(r"^(?:加|减|其中)[：:]|^[一二三四五六七八九十]+、|^[（(]?\d+[)）.、．]")


def plain_label(label: str) -> str:
    """A statement line's label without its 加：/减：/其中： and numbering: 减：经营支出 → 经营支出."""
    text = label.strip()
    while True:
        stripped = _PREFIX.sub("", text, count=1).strip()
        if stripped == text:
            return text
        text = stripped


# --- One book's year --------------------------------------------------------------------------


@dataclass
class BookYear:
    code: str
    values: dict[str, dict[str, int | None]]  # form → row code → fen (None: not available)
    problems: list[str]


def _lines(statement_rows, value_key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in statement_rows:
        name = plain_label(r["label"])
        out[name] = out.get(name, 0) + (r[value_key] or 0)
    return out


def form_values(key: str, chart: str, lines: dict[str, int]) -> dict[str, int | None]:
    """One form's rows for one book, from its statement lines (plain label → fen). Pure."""
    values: dict[str, int | None] = {}
    sums = []
    for code, _, _, (kind, spec), _ in STATISTICS_FORMS[key]["rows"]:
        if kind == "lines":
            values[code] = sum(lines.get(label, 0) for label in spec.get(chart, ()))
        elif kind == "detail":
            present = [label for label in spec if label in lines]
            values[code] = sum(lines[label] for label in present) if present else None
        elif kind == "sum":
            sums.append((code, spec))
        elif kind == "total":
            present = [label for label in spec["lines"] if label in lines]
            if present:
                values[code] = sum(lines[label] for label in present)
            else:
                sums.append((code, {c: 1 for c in spec["parts"]}))
    # Sums of sums (流动资产合计 before its lines, 资产总计 of the subtotals): until all are known.
    while sums:
        ready = [(code, spec) for code, spec in sums if all(c in values for c in spec)]
        if not ready:  # pragma: no cover - charts.py data error
            raise ValueError(f"statistics form {key}: sums refer to unknown rows {sums}")
        for code, spec in ready:
            values[code] = sum(sign * (values[c] or 0) for c, sign in spec.items())
        sums = [p for p in sums if p not in ready]
    return values


def _yuan(fen: int) -> str:
    return f"{format_yuan(fen)}元"


def book_year(book, year: int) -> BookYear:
    """The book's two forms for the year and the reasons, if any, they may not be summed."""
    bs = reports.balance_sheet(book, year, 12)
    st = reports.income_statement(book, year, 12)
    sheet = _lines(bs["assets"] + bs["liabilities"], "closing")
    income = _lines(st["rows"], "amount")
    values = {
        "income_distribution": form_values("income_distribution", book.chart, income),
        "balance_sheet": form_values("balance_sheet", book.chart, sheet),
    }
    problems = []
    if not bs["balanced"]:
        d = bs["difference"]
        problems.append(f"资产负债表不平：资产总计比负债和所有者权益总计年初{'多' if d['opening'] >= 0 else '少'}{_yuan(abs(d['opening']))}、"
                        f"年末{'多' if d['closing'] >= 0 else '少'}{_yuan(abs(d['closing']))}")
    for acc in bs["uncovered"]:
        problems.append(f"科目{acc['code']} {acc['name']}有余额（年末{_yuan(acc['closing'])}），资产负债表没有列入")
    end_st, end_bs = income.get("年末未分配收益", 0), sheet.get("未分配收益", 0)
    if end_st != end_bs:
        problems.append(f"收益及收益分配表的年末未分配收益{_yuan(end_st)}与资产负债表的未分配收益{_yuan(end_bs)}不符")
    b = values["balance_sheet"]
    for code, total in (("18", bs["total_assets"]["closing"]), ("33", bs["total_liabilities_equity"]["closing"])):
        if b[code] != total:
            problems.append(f"资产负债情况统计表代码{code}为{_yuan(b[code])}，资产负债表为{_yuan(total)}：有报表项目未归入统计表")
    d = values["income_distribution"]
    if d["21"] != end_st:
        problems.append(f"收益分配统计表的年末未分配收益{_yuan(d['21'])}与收益及收益分配表{_yuan(end_st)}不符")
    detail = [d[c] for c in ("16", "17", "18", "19", "20")]
    if any(v is not None for v in detail) and sum(v or 0 for v in detail) != d["15"]:
        problems.append(f"各项分配的明细之和{_yuan(sum(v or 0 for v in detail))}与各项分配{_yuan(d['15'])}不符")
    return BookYear(book.code, values, problems)


# The books' figures are kept in `KeptBookForms` under their fingerprint (see the module docstring).
# The code that computes them is part of it: a change to the statements or the forms recomputes.
_CODE = hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in (reports, charts, sys.modules[__name__]))).hexdigest()[:16]


def _fingerprints(books) -> dict[int, str]:
    ids = [b.pk for b in books]
    opening = {
        r["book_id"]: (r["n"], r["s"], r["m"])
        for r in OpeningBalance.objects.filter(book_id__in=ids).order_by().values("book_id").annotate(n=Count("id"), s=Sum("balance"), m=Max("id"))
    }
    accounts = {
        r["book_id"]: (r["n"], r["m"])
        for r in Account.objects.filter(book_id__in=ids).order_by().values("book_id").annotate(n=Count("id"), m=Max("id"))
    }
    out = {}
    for b in books:
        text = repr((_CODE, b.posted_count, b.chain_head, b.chart, b.start_date.isoformat(), opening.get(b.pk), accounts.get(b.pk)))
        out[b.pk] = hashlib.sha256(text.encode()).hexdigest()
    return out


def book_years(books, year: int) -> list[tuple]:
    """(book, BookYear) for each book: the kept figures where the book has not changed, the
    statements read again (and kept) where it has."""
    books = list(books)
    prints = _fingerprints(books)
    kept = {
        k.book_id: k for k in KeptBookForms.objects.filter(book_id__in=[b.pk for b in books], year=year)
    }
    out, fresh = [], []
    for b in books:
        k = kept.get(b.pk)
        if k is not None and k.fingerprint == prints[b.pk]:
            out.append((b, BookYear(b.code, k.values, k.problems)))
            continue
        by = book_year(b, year)
        fresh.append(KeptBookForms(book=b, year=year, fingerprint=prints[b.pk], values=by.values, problems=by.problems))
        out.append((b, by))
    if fresh:
        # Two requests reading the same changed book both write it: the later one wins, no error.
        KeptBookForms.objects.bulk_create(
            fresh, update_conflicts=True, unique_fields=["book", "year"], update_fields=["fingerprint", "values", "problems"],
        )
    return out


# --- A region's forms ---------------------------------------------------------------------------


@dataclass
class VillageForms:
    code: str
    name: str
    township_name: str
    books: list[str]
    values: dict[str, dict[str, int | None]]
    problems: list[str] = field(default_factory=list)

    @property
    def counts(self) -> set[str]:
        f = self.values["income_distribution"]
        return {k for k, test in COUNTS.items() if test(f)}

    def value(self, form: str, code: str) -> int | None:
        spec = _row(form, code)[3]
        if spec[0] == "count":
            return 1 if spec[1] in self.counts else 0
        return self.values[form][code]


@dataclass
class Row:
    code: str
    name: str
    unit: str
    kind: str
    verified: bool
    value: int | None  # fen, or villages for a count; None: no village's statement gives it
    villages: int  # villages that have the figure

    @property
    def is_count(self) -> bool:
        return self.kind == "count"


@dataclass
class Form:
    key: str
    title: str
    form_no: str
    form_no_verified: bool
    source: str
    not_included: str
    rows: list[Row]


@dataclass
class Statistics:
    region: Region
    year: int
    villages: list[VillageForms]  # tied and summed, by code
    not_tied: list[VillageForms]  # listed apart, summed nowhere
    forms: list[Form]

    def form(self, key: str) -> Form:
        return next(f for f in self.forms if f.key == key)


def _row(form: str, code: str) -> tuple:
    for r in STATISTICS_FORMS[form]["rows"]:
        if r[0] == code:
            return r
    raise NotFound(f"{STATISTICS_FORMS[form]['title']}没有代码为「{code}」的指标")


def check_form(form: str) -> str:
    if form not in STATISTICS_FORMS:
        raise NotFound(f"未知统计表「{form}」（可用：{'、'.join(FORMS)}）")
    return form


def _sum_forms(villages: list[VillageForms]) -> list[Form]:
    forms = []
    for key, spec in STATISTICS_FORMS.items():
        rows = []
        for code, name, unit, (kind, _), verified in spec["rows"]:
            have = [v.value(key, code) for v in villages]
            have = [x for x in have if x is not None]
            rows.append(Row(code, name, unit, kind, verified, sum(have) if have else None, len(have)))
        forms.append(Form(key, spec["title"], spec["form_no"], spec["form_no_verified"], spec["source"], spec.get("not_included", ""), rows))
    return forms


def check_region(region: Region) -> Region:
    if region.level not in LEVELS:
        raise Invalid(Problem(f"农经统计表按乡镇、县或市汇总；「{region.name}」是{region.level_label}，请选择乡镇、县或市", field="region"))
    return region


def statistics(user, region: Region, year: int) -> Statistics:
    """The region's forms for the year, summed over the villages (within the user's scope) whose
    books cover the year and whose statements tie; those that do not tie apart."""
    check_region(region)
    year = check_year(year)
    # a book succeeded on a newer chart whose successor is open by the year's end has handed its
    # balances over: the village is summed once, from the book that holds them
    books = list(books_in(user, region, year).exclude(successor__start_date__lte=dt.date(year, 12, 31)).order_by("region_id", "code"))
    names = dict(Region.objects.filter(code__in={b.region_id for b in books} | {township_of(b.region_id) for b in books}).values_list("code", "name"))
    per_village: dict[str, VillageForms] = {}
    for book, by in book_years(books, year):
        v = per_village.get(book.region_id)
        if v is None:
            v = per_village[book.region_id] = VillageForms(
                book.region_id, names.get(book.region_id, book.region_id), names.get(township_of(book.region_id), ""), [], {k: {} for k in FORMS},
            )
        v.books.append(book.code)
        for key, rows in by.values.items():
            acc = v.values[key]
            for code, x in rows.items():
                if x is None:
                    acc.setdefault(code, None)
                else:
                    acc[code] = (acc.get(code) or 0) + x
        v.problems += [f"{book.code}：{p}" for p in by.problems]
    villages = sorted(per_village.values(), key=lambda v: v.code)
    tied = [v for v in villages if not v.problems]
    apart = [v for v in villages if v.problems]
    return Statistics(region, year, tied, apart, _sum_forms(tied))


@dataclass
class Cell:
    """The villages behind one figure: each village's value, by the child region (township or
    county) it lies in, and the total the form shows."""

    stats: Statistics
    form: Form
    row: Row
    villages: list[tuple[VillageForms, int | None]]
    children: list[tuple[str, str, int, int]]  # (code, name, villages counted, sum)


def cell(user, region: Region, year: int, form: str, code: str) -> Cell:
    """The drill-down of one figure (`form`, row `code`) of the region's forms."""
    check_form(form)
    _row(form, code)
    stats = statistics(user, region, year)
    f = stats.form(form)
    row = next(r for r in f.rows if r.code == code)
    values = [(v, v.value(form, code)) for v in stats.villages]
    if row.is_count:
        values = [(v, x) for v, x in values if x]
    else:
        values.sort(key=lambda p: (-(p[1] or 0), p[0].code))
    children: list[tuple[str, str, int, int]] = []
    level = CHILD_LEVEL.get(region.level)
    if level and level != "village":
        groups: dict[str, list[int]] = {}
        for v, x in values:
            if x is not None:
                groups.setdefault(child_of(v.code, region.level), []).append(x)
        child_names = dict(Region.objects.filter(code__in=list(groups)).values_list("code", "name"))
        children = [(c, child_names.get(c, c), len(xs), sum(xs)) for c, xs in sorted(groups.items())]
    return Cell(stats, f, row, values, children)
