"""A village's annual figures and the summaries over many villages, as pure functions.

The inputs are the books' kept yearly role flows (income credit-positive, expenses
debit-positive) and PV income; the outputs are the figures, classes, tiers, awards and counts the
pages, the API, the CLI and the brief all show. Money is integer fen.

Operating return (经营收益) follows the book's chart (domain.md 1.4), written in roles:

- 2004: 经营收入 + 发包及上交收入 + 投资收益 − 经营支出 − 管理费用
- 2023: 经营收入 + 投资收益 − 经营支出 − 税金及附加 − 管理费用
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from sanwu.ledger.charts import INCOME_ROLES

from . import rules as R
from .rules import CLASSES, Rules, Tier

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


_OPERATING: dict[frozenset, tuple[str, ...]] = {}
_RETURN = {chart: tuple(formula.items()) for chart, formula in RETURN_FORMULA.items()}
_INCOME = tuple(sorted(INCOME_ROLES))


def amounts_from_flows(flows: dict[str, int], chart: str, rules: Rules, pv_income: int = 0) -> Amounts:
    """A book's year from its role flows (income credit-positive, expense debit-positive).
    `pv_income` is the PV-tagged income on accounts counted as operating income."""
    op = _OPERATING.get(rules.operating_roles)
    if op is None:
        op = _OPERATING[rules.operating_roles] = tuple(sorted(r for r in rules.operating_roles if r in INCOME_ROLES))
    get = flows.get
    operating = 0
    for r in op:
        operating += get(r, 0)
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
    def tier(self) -> Tier | None:
        return R.tier_of(self.measure, self.rules)

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
        return R.volume_award(self.measure, self.rules)

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


def summarise(villages: list[VillageYear], year: int, targets: dict[int, int] | None = None) -> Summary:
    """Counts per class and tier, totals, averages (half up to the fen), the top village.

    `targets` (threshold → villages) are the tier targets that apply at this level (a county's
    own, the sum over a city's counties); tiers are the union of the villages' counties' tiers."""
    classes = Counter({c: 0 for c in CLASSES})
    for v in villages:
        classes[v.cls] += 1
    thresholds = sorted({t.threshold for v in villages for t in v.rules.tiers} | set((targets or {}).keys()))
    tiers = [
        TierCount(th, sum(1 for v in villages if v.measure >= th), (targets or {}).get(th) if targets is not None else None)
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
