"""A village's annual figures and the summaries over many villages: pure value classes and
functions over the books' kept yearly role flows, and the three aggregate queries that read those
flows for a region (`village_years`, O(villages × roles) whatever the number of postings).

The inputs are the books' kept yearly role flows (income credit-positive, expenses
debit-positive) and PV income; the outputs are the figures, classes, tiers, awards and counts the
pages, the API, the CLI and the brief all show. Money is integer fen. Operating income (经营性收入)
has one definition, `rules.operating_roles`: the pure path (`amounts_from_flows`) and the database
path (`village_years`) both sum the roles it names.

Operating return (经营收益) follows the book's chart (domain.md 1.4), written in roles:

- 2004: 经营收入 + 发包及上交收入 + 投资收益 − 经营支出 − 管理费用
- 2023: 经营收入 + 投资收益 − 经营支出 − 税金及附加 − 管理费用
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection
from django.db.models import BigIntegerField, Case, F, Max, Min, Sum, Value, When
from django.db.models.functions import Cast

from sanwu.core.codes import county_of, region_prefix, township_of
from sanwu.core.dates import today
from sanwu.core.permissions import visible
from sanwu.ledger.charts import INCOME_ROLES
from sanwu.ledger.models import Book, RoleYear, SourceMonth
from sanwu.regions.models import Region

from .. import rules as R
from ..rules import CLASSES, Rules, Tier, operating_income, operating_roles
from .common import CHILD_LEVEL, child_of
from .settings import rules_for

RETURN_FORMULA = {
    "2004": {"operating_income": 1, "contracting_income": 1, "investment_income": 1, "operating_expense": -1, "management_expense": -1},
    "2023": {"operating_income": 1, "investment_income": 1, "operating_expense": -1, "tax_surcharge": -1, "management_expense": -1},
}
# Income adds and expenses subtract, so over the books' rows the return is Σ (credit − debit) of
# the formula's roles; the database sums it that way (services.village_years).
assert all((sign == 1) == (role in INCOME_ROLES) for f in RETURN_FORMULA.values() for role, sign in f.items())

# Bands of the distribution chart (万元, by the county's measure).
BANDS = [(None, 0, "0及以下"), (0, 5, "0–5万"), (5, 15, "5–15万"), (15, 30, "15–30万"), (30, 50, "30–50万"), (50, 100, "50–100万"), (100, None, "100万以上")]


@dataclass
class Amounts:
    """One village's (or book's) figures for one year, fen."""

    operating_income: int = 0
    operating_return: int = 0
    total_income: int = 0
    pv_income: int = 0
    subsidy_income: int = 0

    def __add__(self, other: "Amounts") -> "Amounts":
        return Amounts(*(a + b for a, b in zip(self.astuple(), other.astuple())))

    def astuple(self) -> tuple:
        return (self.operating_income, self.operating_return, self.total_income, self.pv_income, self.subsidy_income)


_RETURN = {chart: tuple(formula.items()) for chart, formula in RETURN_FORMULA.items()}
_INCOME = tuple(sorted(INCOME_ROLES))


def amounts_from_flows(flows: dict[str, int], chart: str, rules: Rules, pv_income: int = 0) -> Amounts:
    """A book's year from its role flows (income credit-positive, expense debit-positive).
    `pv_income` is the PV-tagged income on accounts counted as operating income."""
    get = flows.get
    operating = operating_income(flows, rules)
    ret = 0
    for role, sign in _RETURN[chart]:
        ret += sign * get(role, 0)
    total = 0
    for r in _INCOME:
        total += get(r, 0)
    return Amounts(operating, ret, total, pv_income, get("subsidy_income", 0))


@dataclass
class VillageYear:
    """A village's figures for a year, with the year before when its books reach back."""

    code: str
    name: str
    township_code: str
    township_name: str
    county_code: str
    year: int
    rules: Rules
    now: Amounts
    prev: Amounts | None = None  # None: no book of the village covers the year before
    books: list[str] = field(default_factory=list)

    # -- the county's measure, class and tier (computed once: a VillageYear is not changed after it is made) --
    @cached_property
    def measure(self) -> int:
        return R.measure_of(self.rules, self.now.operating_income, self.now.operating_return)

    @property
    def prev_measure(self) -> int | None:
        if self.prev is None:
            return None
        return R.measure_of(self.rules, self.prev.operating_income, self.prev.operating_return)

    @cached_property
    def cls(self) -> str:
        return R.classify(self.measure, self.now.operating_income, self.now.pv_income, self.rules)

    @property
    def class_label(self) -> str:
        return R.CLASS_LABELS[self.cls]

    @property
    def prev_cls(self) -> str | None:
        if self.prev is None:
            return None
        return R.classify(self.prev_measure, self.prev.operating_income, self.prev.pv_income, self.rules)

    @cached_property
    def tier_value(self) -> int:
        """The tier measure (档次指标): the "351" tiers keep their own, whatever the class measure."""
        return R.tier_measure_of(self.rules, self.now.operating_income, self.now.operating_return)

    @cached_property
    def tier(self) -> Tier | None:
        return R.tier_of(self.tier_value, self.rules)

    @cached_property
    def tier_label(self) -> str:
        t = self.tier
        return f"{R.wan_text(t.threshold)}万" if t else ""

    # -- year on year --
    @property
    def operating_income_change(self) -> int | None:
        return None if self.prev is None else self.now.operating_income - self.prev.operating_income

    @property
    def measure_change(self) -> int | None:
        return None if self.prev is None else self.measure - self.prev_measure

    @property
    def pv_share(self):
        return R.percent(self.now.pv_income, self.now.operating_income)

    # -- awards --
    @property
    def volume_award(self) -> int:
        return R.volume_award(self.tier_value, self.rules)

    @property
    def increment_award(self) -> int:
        return R.increment_award(self.measure_change, self.rules)

    @property
    def cadre_reward(self) -> int:
        return R.cadre_reward(self.operating_income_change, self.rules)

    # -- one plain row (CLI, API, Excel) --
    def row(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "township": self.township_name,
            "year": self.year,
            "operating_income": self.now.operating_income,
            "operating_return": self.now.operating_return,
            "total_income": self.now.total_income,
            "pv_income": self.now.pv_income,
            "pv_share": str(self.pv_share) if self.pv_share is not None else "",
            "subsidy_income": self.now.subsidy_income,
            "prev_operating_income": self.prev.operating_income if self.prev else None,
            "operating_income_change": self.operating_income_change,
            "measure": self.rules.measure,
            "class": self.cls,
            "class_label": self.class_label,
            "tier": self.tier_label,
            "books": ",".join(self.books),
        }


def ranked(villages: list[VillageYear]) -> list[VillageYear]:
    """Highest measure first; ties by code."""
    return sorted(villages, key=lambda v: (-v.measure, v.code))


# --- Summaries -------------------------------------------------------------------------------------


@dataclass
class TierCount:
    threshold: int
    count: int
    target: int | None  # None: no target at this level (a township), or counties disagree

    @property
    def label(self) -> str:
        return f"{R.wan_text(self.threshold)}万元以上"

    @property
    def short(self) -> str:
        return f"{R.wan_text(self.threshold)}万"

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.count >= self.target

    @property
    def gap(self) -> int:
        return 0 if self.target is None else max(0, self.target - self.count)


@dataclass
class Summary:
    """Counts and totals over a set of village-years (a region's villages for one year)."""

    year: int
    villages: int
    classes: dict[str, int]
    tiers: list[TierCount]
    operating_income: int
    operating_return: int
    total_income: int
    pv_income: int
    subsidy_income: int
    average_operating_income: int
    average_operating_return: int
    top: VillageYear | None
    bands: list[tuple[str, int]]
    measures: set[str]
    rules: Rules | None  # the one rule set when all villages share it, else None

    def share(self, cls: str) -> str:
        return R.percent_text(self.classes.get(cls, 0), self.villages)

    @property
    def pv_share(self) -> str:
        return R.percent_text(self.pv_income, self.operating_income)

    @property
    def measure_label(self) -> str:
        if len(self.measures) == 1:
            return R.MEASURE_LABELS[next(iter(self.measures))]
        return "分类指标"

    @property
    def tier_measure_label(self) -> str:
        if self.rules is not None:
            return self.rules.tier_measure_label
        return "档次指标"


def summarise(villages: list[VillageYear], year: int, targets: dict[int, int] | None = None) -> Summary:
    """Counts per class and tier, totals, averages (half up to the fen), the top village.

    `targets` (threshold → villages) are the tier targets that apply at this level (a county's
    own, the sum over a city's counties); tiers are the union of the villages' counties' tiers."""
    classes = Counter({c: 0 for c in CLASSES})
    for v in villages:
        classes[v.cls] += 1
    thresholds = sorted({t.threshold for v in villages for t in v.rules.tiers} | set((targets or {}).keys()))
    tiers = [
        TierCount(th, sum(1 for v in villages if v.tier_value >= th), (targets or {}).get(th) if targets is not None else None)
        for th in thresholds
    ]
    n = len(villages)
    total = lambda attr: sum(getattr(v.now, attr) for v in villages)  # noqa: E731
    top = ranked(villages)[0] if villages else None
    rule_sets = {v.rules for v in villages}
    return Summary(
        year=year,
        villages=n,
        classes=dict(classes),
        tiers=tiers,
        operating_income=total("operating_income"),
        operating_return=total("operating_return"),
        total_income=total("total_income"),
        pv_income=total("pv_income"),
        subsidy_income=total("subsidy_income"),
        average_operating_income=R.average(total("operating_income"), n),
        average_operating_return=R.average(total("operating_return"), n),
        top=top,
        bands=bands(villages),
        measures={v.rules.measure for v in villages},
        rules=next(iter(rule_sets)) if len(rule_sets) == 1 else None,
    )


def bands(villages: list[VillageYear]) -> list[tuple[str, int]]:
    out = []
    for lo, hi, label in BANDS:
        n = 0
        for v in villages:
            m = v.measure
            if lo is None:
                n += m <= 0
            elif (m > lo * R.WAN if lo == 0 else m >= lo * R.WAN) and (hi is None or m < hi * R.WAN):
                n += 1
        out.append((label, n))
    return out


# --- Reading the books ----------------------------------------------------------------------------


def books_in(user, region: Region, year: int | None = None):
    qs = visible(Book, user).filter(region__code__startswith=region_prefix(region.code))
    if year is not None:
        qs = qs.filter(start_date__lte=dt.date(year, 12, 31))
    return qs


def year_choices(user, region: Region) -> list[int]:
    """From the first book's start to this year, latest first."""
    first = books_in(user, region).aggregate(y=Min("start_date"))["y"]
    last = today().year
    start = first.year if first else last
    return list(range(last, min(start, last) - 1, -1))


def default_year(user, region: Region) -> int:
    """The latest year with posted income or expenses in the region's books."""
    y = RoleYear.objects.filter(book__in=books_in(user, region)).aggregate(y=Max("year"))["y"]
    return y or today().year


def _fetch(qs) -> list[tuple]:
    """Run a values_list queryset (built, and scope-filtered, by the ORM) and return its plain
    rows without Django's per-value converters: the figures read tens of thousands of small rows
    and the converters would cost more than the database. Only ints and text are selected."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _net(roles) -> Cast:
    """Σ (credit − debit) over the rows of the given roles: income counts plus, expenses minus.
    Cast back to a 64-bit integer (PostgreSQL's SUM of bigint is numeric)."""
    return Cast(Sum(Case(When(role__in=sorted(roles), then=F("credit") - F("debit")), default=Value(0), output_field=BigIntegerField())), BigIntegerField())


def village_years(user, region: Region, year: int, *, with_prev: bool = True) -> list[VillageYear]:
    """Every village in the region (within the user's scope) that has a book covering the year,
    with its figures for the year and (`with_prev`) the year before: three queries over the kept
    totals (books, RoleYear, PV-tagged SourceMonth), O(villages × roles), whatever the postings.
    Without `with_prev` every `prev` is None (the report and the overview need no comparison)."""
    books = books_in(user, region, year).order_by()
    book_ids = books.values("id")
    book_rows = _fetch(
        books.annotate(has_prev=Case(When(start_date__lt=dt.date(year, 1, 1), then=Value(1)), default=Value(0)))
        .values_list("id", "code", "chart", "region_id", "has_prev")
    )
    if not book_rows:
        return []
    years = (year - 1, year) if with_prev else (year,)
    rules = rules_for({county_of(r[3]) for r in book_rows})
    county_of_book = {r[0]: county_of(r[3]) for r in book_rows}
    # The role flows are summed in the database into the few figures the economy needs, one row
    # per book and year (RETURN_FORMULA and each county's operating roles, as data).
    role_sets = sorted({operating_roles(rules[c]) for c in set(county_of_book.values())}, key=sorted)
    op_column = {rs: f"op{i}" for i, rs in enumerate(role_sets)}
    cols = {
        "total": _net(INCOME_ROLES),
        "subsidy": _net({"subsidy_income"}),
        **{f"ret{chart}": _net(formula) for chart, formula in RETURN_FORMULA.items()},
        **{op_column[rs]: _net(rs) for rs in role_sets},
    }
    names_ = list(cols)
    sums: dict[tuple[int, int], dict[str, int]] = {}
    for book_id, y, *values in _fetch(
        RoleYear.objects.filter(book__in=book_ids, year__in=years).order_by().values("book_id", "year").annotate(**cols).values_list("book_id", "year", *names_)
    ):
        sums[(book_id, y)] = dict(zip(names_, values))
    pv: dict[tuple[int, int], int] = defaultdict(int)
    for book_id, y, roles, v in _fetch(
        SourceMonth.objects.filter(book__in=book_ids, year__in=years, source="pv").order_by()
        .values("book_id", "year", "account__roles").annotate(v=Cast(Sum(F("credit") - F("debit")), BigIntegerField())).values_list("book_id", "year", "account__roles", "v")
    ):
        if not set(roles.split(",")).isdisjoint(operating_roles(rules[county_of_book[book_id]])):
            pv[(book_id, y)] += v or 0

    def amounts(book_id: int, y: int, chart: str, op: str) -> Amounts:
        row = sums.get((book_id, y))
        if row is None:
            return Amounts(0, 0, 0, pv.get((book_id, y), 0), 0)
        return Amounts(row[op], row[f"ret{chart}"], row["total"], pv.get((book_id, y), 0), row["subsidy"])

    prefix = region_prefix(region.code)
    names = dict(_fetch(Region.objects.filter(code__startswith=prefix[:9] if len(prefix) > 9 else prefix, level__in=("township", "village")).order_by().values_list("code", "name")))
    # A village's figures are the sum over its books (a second book adds up; only books that
    # cover the year before count for it).
    per_village: dict[str, list] = {}
    for book_id, code, chart, village, has_prev in sorted(book_rows, key=lambda r: r[1]):
        op = op_column[operating_roles(rules[county_of(village)])]
        now = amounts(book_id, year, chart, op)
        prev = amounts(book_id, year - 1, chart, op) if has_prev and with_prev else None
        acc = per_village.get(village)
        if acc is None:
            per_village[village] = [now, prev, [code]]
        else:
            acc[0] = acc[0] + now
            if prev is not None:
                acc[1] = prev if acc[1] is None else acc[1] + prev
            acc[2].append(code)
    return [
        VillageYear(
            code=village, name=names.get(village, village), township_code=township_of(village), township_name=names.get(township_of(village), ""),
            county_code=county_of(village), year=year, rules=rules[county_of(village)], now=now, prev=prev, books=codes,
        )
        for village, (now, prev, codes) in sorted(per_village.items())
    ]


def village_year(user, village: Region, year: int) -> VillageYear | None:
    rows = village_years(user, village, year)
    return rows[0] if rows else None


def targets_for(region: Region, rules: dict[str, Rules]) -> dict[int, int] | None:
    """The tier targets at this level: a county's own; a city's the sum over its counties (those
    with books); none below the county (targets are set per county)."""
    if region.level == "county":
        r = rules.get(region.code) or rules_for([region.code])[region.code]
        return {t.threshold: t.target for t in r.tiers}
    if region.level == "city":
        out: dict[int, int] = defaultdict(int)
        for r in rules.values():
            for t in r.tiers:
                out[t.threshold] += t.target
        return dict(out)
    return None


@dataclass
class ChildSummary:
    code: str
    name: str
    summary: Summary


@dataclass
class Overview:
    region: Region
    year: int
    villages: list[VillageYear]
    summary: Summary
    children: list[ChildSummary]
    child_level: str | None
    rules: dict[str, Rules]

    @property
    def ranked(self) -> list[VillageYear]:
        return ranked(self.villages)


def overview(user, region: Region, year: int, *, with_prev: bool = False) -> Overview:
    """The region's year: its summary and its counties or townships side by side (the year
    before only on request: the village page shows its change)."""
    villages = village_years(user, region, year, with_prev=with_prev)
    rules = {v.county_code: v.rules for v in villages}
    if region.level == "county" and region.code not in rules:
        rules.update(rules_for([region.code]))
    summary = summarise(villages, year, targets_for(region, rules))
    children: list[ChildSummary] = []
    child_level = CHILD_LEVEL.get(region.level)
    if child_level and child_level != "village":
        groups: dict[str, list[VillageYear]] = defaultdict(list)
        for v in villages:
            groups[child_of(v.code, region.level)].append(v)
        names = dict(Region.objects.filter(code__in=list(groups)).values_list("code", "name"))
        for code in sorted(groups):
            target = None
            if child_level == "county":
                target = {t.threshold: t.target for t in rules[code].tiers}
            children.append(ChildSummary(code, names.get(code, code), summarise(groups[code], year, target)))
    return Overview(region, year, villages, summary, children, child_level, rules)


def trends(user, region: Region, years: list[int]) -> list[Summary]:
    """One summary per year (oldest first): the picture over the years."""
    out = []
    for y in sorted(years):
        villages = village_years(user, region, y)
        rules = {v.county_code: v.rules for v in villages}
        out.append(summarise(villages, y, targets_for(region, rules) if rules or region.level == "county" else None))
    return out
