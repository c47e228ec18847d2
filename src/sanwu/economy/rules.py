"""A county's collective-economy rules as plain values, and the pure functions that apply them.

Nothing here touches the database: figures in, classes, tiers and awards out. Money is integer
fen; rates are basis points (2000 = 20%). Rounding, stated once:

- an average (村均) is the total divided by the number of villages, rounded half up to the fen;
- a share (占比) is shown in percent with one decimal, rounded half up;
- a reward (rate × increase) is rounded down to the fen, so that it never pays more than the rule;
- 万元 on screen and in the brief: two decimals, rounded half up (`core.money.format_wan`).

Classes (glossary): hollow (空壳村), pv_only (仅光伏村), weak (薄弱村), general (一般村), strong
(强村), decided in that order:

1. hollow  — the county's measure is 0 or less, or under the hollow line;
2. pv_only — operating income is positive and all of it is PV income (source `pv`);
3. weak    — the measure is under the weak line (15万元);
4. strong  — the measure is at or above the strong line (50万元);
5. general — the rest.

The measure is the county's choice: operating income (经营性收入, the seed's usage and the default)
or operating return (经营收益). PV-only is always judged on operating income. The tiers (the
"351" targets, and the volume award that goes with them) have a measure of their own
(`Rules.tier_measure`, default operating income): switching the class measure leaves it alone.

Words follow the boundaries: a line a village must reach is "X万元以上" (at or above it); a line
it must stay under is "不足X万元" (below it) — `below_text`, `at_least_text`.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sanwu.ledger.charts import INCOME_ROLES

WAN = 1_000_000  # 1万元 in fen

CLASSES = ["hollow", "pv_only", "weak", "general", "strong"]
CLASS_LABELS = {"hollow": "空壳村", "pv_only": "仅光伏村", "weak": "薄弱村", "general": "一般村", "strong": "强村"}
MEASURE_LABELS = {"operating_income": "经营性收入", "operating_return": "经营收益"}

# Income roles a county may count as operating income (subsidies never: domain.md 1.4 and 4).
OPERATING_ROLE_CHOICES = {
    "operating_income": "经营收入",
    "contracting_income": "发包及上交收入",
    "investment_income": "投资收益",
    "tax_refund_income": "农业税附加返还收入",
    "other_income": "其他收入",
}
NEVER_OPERATING = {"subsidy_income"}
# The default definition of operating income (经营性收入): 经营收入 + 发包及上交收入 + 投资收益.
DEFAULT_OPERATING_ROLES = frozenset({"operating_income", "contracting_income", "investment_income"})


@dataclass(frozen=True)
class Tier:
    threshold: int  # fen: a village at or above it reaches the tier
    target: int  # villages the county aims to have at or above it
    volume_award: int = 0  # fen: 体量奖 for a village whose highest tier this is

    @property
    def label(self) -> str:
        return f"{wan_text(self.threshold)}万元以上"


@dataclass(frozen=True)
class Rules:
    operating_roles: frozenset = DEFAULT_OPERATING_ROLES
    measure: str = "operating_income"
    tier_measure: str = "operating_income"
    hollow_line: int = 0
    weak_line: int = 15 * WAN
    strong_line: int = 50 * WAN
    tiers: tuple = field(default_factory=lambda: DEFAULT_TIERS)
    increment_step: int = 10 * WAN  # 增量奖: per full step of growth …
    increment_award: int = 5_000 * 100  # … this much (5,000元) …
    increment_cap: int = 5 * WAN  # … up to this much a village (0: no cap)
    cadre_rate_bp: int = 2000  # 村干部奖励: 20% of the year's increase in operating income …
    cadre_cap: int = 10 * WAN  # … at most 10万元 a village

    @property
    def measure_label(self) -> str:
        return MEASURE_LABELS[self.measure]

    @property
    def tier_measure_label(self) -> str:
        return MEASURE_LABELS[self.tier_measure]

    def tiers_sorted(self) -> tuple:
        return tuple(sorted(self.tiers, key=lambda t: t.threshold))


# Yuexi's “351”: 100 villages at 30万元 or more, 50 at 50万元, 10 at 100万元 (the seed). Volume
# awards are ours (the seed names the award, not its amounts): 1万, 2万 and 5万元.
DEFAULT_TIERS = (
    Tier(30 * WAN, 100, 1 * WAN),
    Tier(50 * WAN, 50, 2 * WAN),
    Tier(100 * WAN, 10, 5 * WAN),
)
DEFAULTS = Rules()


# --- Operating income ----------------------------------------------------------------------------


def operating_roles(rules: Rules = DEFAULTS) -> frozenset:
    """The one definition of operating income (经营性收入): the income roles it sums under the
    county's rules — the roles the county chose (default `DEFAULT_OPERATING_ROLES`), never
    subsidies. The figures (in Python and in the database), PV income and the brief use this."""
    return frozenset(r for r in rules.operating_roles if r in INCOME_ROLES and r not in NEVER_OPERATING)


def operating_income(flows: dict[str, int], rules: Rules = DEFAULTS) -> int:
    """Operating income from a year's role flows (income credit-positive), fen."""
    return sum(flows.get(r, 0) for r in sorted(operating_roles(rules)))


# --- Classes and tiers ---------------------------------------------------------------------------


def measure_of(rules: Rules, operating_income: int, operating_return: int) -> int:
    """The class measure (分类指标)."""
    return operating_return if rules.measure == "operating_return" else operating_income


def tier_measure_of(rules: Rules, operating_income: int, operating_return: int) -> int:
    """The tier measure (档次指标): the "351" targets' own, whatever the class measure."""
    return operating_return if rules.tier_measure == "operating_return" else operating_income


def classify(value: int, operating_income: int, pv_income: int, rules: Rules = DEFAULTS) -> str:
    """The class of a village-year (see the module docstring for the order)."""
    if value <= 0 or value < rules.hollow_line:
        return "hollow"
    if operating_income > 0 and pv_income >= operating_income:
        return "pv_only"
    if value < rules.weak_line:
        return "weak"
    if value >= rules.strong_line:
        return "strong"
    return "general"


def tier_of(value: int, rules: Rules = DEFAULTS) -> Tier | None:
    """The highest tier the value reaches, or None."""
    reached = [t for t in rules.tiers_sorted() if value >= t.threshold]
    return reached[-1] if reached else None


# --- Awards ----------------------------------------------------------------------------------------


def volume_award(value: int, rules: Rules = DEFAULTS) -> int:
    """体量奖: the award of the highest tier reached (not the sum of the tiers below it)."""
    tier = tier_of(value, rules)
    return tier.volume_award if tier else 0


def increment_award(growth: int | None, rules: Rules = DEFAULTS) -> int:
    """增量奖: `increment_award` for each full `increment_step` of year-on-year growth in the
    county's measure, capped at `increment_cap` (0: no cap). No growth, no award."""
    if growth is None or growth <= 0 or rules.increment_step <= 0:
        return 0
    amount = (growth // rules.increment_step) * rules.increment_award
    if rules.increment_cap:
        amount = min(amount, rules.increment_cap)
    return amount


def cadre_reward(increase: int | None, rules: Rules = DEFAULTS) -> int:
    """村干部奖励: rate × the year's increase in operating income, rounded down to the fen,
    capped per village. No increase (or no previous year in the books), no reward."""
    if increase is None or increase <= 0:
        return 0
    return min(increase * rules.cadre_rate_bp // 10_000, rules.cadre_cap)


# --- Rounding and display -----------------------------------------------------------------------


def average(total: int, n: int) -> int:
    """total / n in fen, rounded half up (0 when n is 0)."""
    if n <= 0:
        return 0
    return int((Decimal(total) / Decimal(n)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent(part: int, whole: int, places: int = 1) -> Decimal | None:
    """part / whole in percent, rounded half up to `places` decimals (None when whole is 0)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent_text(part: int, whole: int, places: int = 1) -> str:
    p = percent(part, whole, places)
    return "—" if p is None else f"{p}%"


def wan_text(fen: int) -> str:
    """A line such as 30万 or 15.5万 for labels: 万元 without trailing zeros."""
    d = (Decimal(int(fen)) / Decimal(WAN)).normalize()
    return f"{d:f}"


def at_least_text(fen: int) -> str:
    """A line reached at or above it (`value >= line`): 50万元以上."""
    return f"{wan_text(fen)}万元以上"


def below_text(fen: int) -> str:
    """A line a value stays under (`value < line`): 不足15万元 (exactly 15万 is not below it)."""
    return f"不足{wan_text(fen)}万元"


def rate_text(bp: int) -> str:
    d = (Decimal(bp) / 100).normalize()
    return f"{d:f}%"
