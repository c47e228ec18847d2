"""Pure rules: figures in, rankings, list outcomes and consequences out. No database here.

Scores are integers in hundredths of a point (92.5 → 9250), never floats. A unit's weighted total
is Σ score × weight (weights in percent, adding up to 100), kept as that integer: comparing two
units compares exact integers, and the weighted score shown is total / 10,000 (two decimals).

Ties are explicit. Ranking is standard competition ranking ("1224"): a unit's rank is 1 + the
number of units with a strictly better value, so equal values share a rank and the next rank is
skipped. "Last place" and "bottom N" count from the other end the same way: a unit is in the
bottom N when fewer than N units have a strictly worse value. Every unit tied at the boundary is
in (two units tied for last are both last; a tie across third-from-bottom puts four or more in
"the bottom three"). A unit without a value is not ranked and never in the bottom.
"""

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

RATINGS = {"good": "好", "fairly_good": "较好", "average": "一般", "weak": "较差"}
RATING_NAMES = {v: k for k, v in RATINGS.items()}

OUTCOMES = {"listed": "列入清单", "kept": "保留", "improved": "好转（继续跟踪）", "removed": "销号移出"}

MAX_SCORE = 100_00  # 100 points, in hundredths
TOTAL = ""  # the measure key of the weighted total


class ScoreError(ValueError):
    """A score that cannot be read (message in Chinese)."""


# --- Scores ------------------------------------------------------------------------------------


def parse_score(value) -> int:
    """Read a score (text, int or Decimal; 0–100, at most two decimals) into hundredths."""
    if value is None or isinstance(value, bool) or isinstance(value, float):
        raise ScoreError(f"分数「{value}」不是精确的十进制数")
    if isinstance(value, int):
        amount = Decimal(value)
    else:
        text = str(value).strip()
        if not text:
            raise ScoreError("分数为空")
        if "e" in text.lower():
            raise ScoreError(f"分数「{value}」不能用科学计数法")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ScoreError(f"分数「{value}」不是数字") from None
    if not amount.is_finite():
        raise ScoreError(f"分数「{value}」不是数字")
    if amount != amount.quantize(Decimal("0.01")):
        raise ScoreError(f"分数「{value}」超过两位小数")
    hundredths = int(amount * 100)
    if not 0 <= hundredths <= MAX_SCORE:
        raise ScoreError(f"分数「{value}」应在0到100之间")
    return hundredths


def format_score(hundredths: int | None) -> str:
    """9250 → '92.50'."""
    if hundredths is None:
        return ""
    return f"{Decimal(int(hundredths)) / 100:.2f}"


def weighted_total(scores: Mapping[str, int], weights: Mapping[str, int]) -> int | None:
    """Σ score × weight over the indicators, or None when a score is missing."""
    if any(key not in scores or scores[key] is None for key in weights):
        return None
    return sum(scores[key] * weight for key, weight in weights.items())


def format_total(total: int | None, weight_sum: int = 100) -> str:
    """The weighted score, two decimals, rounded half up: 925000 (weights 100) → '92.50'."""
    if total is None:
        return ""
    value = (Decimal(int(total)) / (100 * weight_sum)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value:.2f}"


def weight_problems(weights: Sequence[tuple[str, str, int]]) -> list[tuple[str, str]]:
    """(field, message) for a set of indicators (key, name, weight): keys, names, weights 1–100
    adding up to 100."""
    out: list[tuple[str, str]] = []
    if not weights:
        return [("indicators", "至少需要一项考核指标")]
    seen_keys: set[str] = set()
    seen_names: set[str] = set()
    for key, name, weight in weights:
        if not key or not key.replace("_", "").isalnum() or not key.isascii():
            out.append(("key", f"指标代码「{key}」应为字母、数字或下划线"))
        elif key in seen_keys:
            out.append(("key", f"指标代码「{key}」重复"))
        seen_keys.add(key)
        if not name:
            out.append(("name", "指标名称不能为空"))
        elif name in seen_names:
            out.append(("name", f"指标名称「{name}」重复"))
        seen_names.add(name)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
            out.append(("weight", f"指标「{name}」的权重应为1到100的整数"))
    total = sum(w for _, _, w in weights if isinstance(w, int) and not isinstance(w, bool))
    if not out and total != 100:
        out.append(("weight", f"各项指标权重合计应为100，现为{total}"))
    return out


# --- Ranking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where one unit stands on one measure."""

    value: int | None
    rank: int | None  # 1 = best; None when the unit has no value
    tied: bool  # another unit has the same value
    of: int  # how many units are ranked
    from_bottom: int | None  # 1 + units strictly worse (1 = last place, ties included)

    @property
    def is_last(self) -> bool:
        return self.from_bottom == 1


def rank(values: Mapping[str, int | None]) -> dict[str, Place]:
    """Standard competition ranking (higher is better) of every unit with a value."""
    ranked = sorted(v for v in values.values() if v is not None)
    n = len(ranked)
    out: dict[str, Place] = {}
    for key, v in values.items():
        if v is None:
            out[key] = Place(None, None, False, n, None)
            continue
        worse = _count_below(ranked, v)
        same = _count_below(ranked, v, inclusive=True) - worse
        better = n - worse - same
        out[key] = Place(v, better + 1, same > 1, n, worse + 1)
    return out


def _count_below(sorted_values: list[int], v: int, inclusive: bool = False) -> int:
    return bisect.bisect_right(sorted_values, v) if inclusive else bisect.bisect_left(sorted_values, v)


def bottom(values: Mapping[str, int | None], n: int) -> set[str]:
    """The units in the bottom `n` (ties at the boundary included)."""
    return {key for key, place in rank(values).items() if place.from_bottom is not None and place.from_bottom <= n}


def order(values: Mapping[str, int | None]) -> list[str]:
    """Units best first; tied units (and units without a value, last) by key (the region code)."""
    return sorted(values, key=lambda k: (values[k] is None, -(values[k] or 0), k))


# --- Consequences ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    key: str
    name: str
    indicator_key: str  # TOTAL ("") for the weighted total
    bottom_n: int
    years: int  # how many years running (1 = this year only)


@dataclass(frozen=True)
class Hit:
    """A rule applies to a unit: where it stood on the rule's measure, this year first."""

    rule: Rule
    unit: str
    places: tuple[Place, ...]


# One year's figures: measure key (TOTAL or an indicator key) → unit → value; None when that
# year has no final assessment to judge by.
YearFigures = Mapping[str, Mapping[str, int | None]] | None


def consequences(rules: Sequence[Rule], years: Sequence[YearFigures]) -> list[Hit]:
    """Every (rule, unit) the rules name, given this year's figures (`years[0]`) and earlier
    years' (`years[1]` last year, …). A rule over k years applies to a unit that is in the bottom
    N on the rule's measure in each of the k years; a year without figures, or without the
    measure, or without the unit, breaks the run."""
    hits: list[Hit] = []
    if not years or years[0] is None:
        return hits
    for rule in rules:
        if rule.bottom_n < 1 or rule.years < 1:
            continue
        current = years[0].get(rule.indicator_key)
        if current is None:
            continue
        for unit in order(current):
            places: list[Place] = []
            for k in range(rule.years):
                figures = years[k] if k < len(years) else None
                measure = figures.get(rule.indicator_key) if figures is not None else None
                if measure is None or unit not in measure:
                    break
                place = rank(measure)[unit]
                if place.from_bottom is None or place.from_bottom > rule.bottom_n:
                    break
                places.append(place)
            if len(places) == rule.years:
                hits.append(Hit(rule, unit, tuple(places)))
    return hits


# --- The difficult-villages list ---------------------------------------------------------------


def review_outcome(rating: str | None) -> str:
    """A listed village at a round: still weak (or not rated) → kept; average → improved, kept
    under watch; fairly good or good → removed."""
    if rating is None or rating == "weak":
        return "kept"
    if rating == "average":
        return "improved"
    return "removed"


def review_proposals(listed: set[str], ratings: Mapping[str, str]) -> dict[str, str]:
    """What a round proposes for every village concerned: the listed ones by `review_outcome`,
    and villages rated weak that are not yet listed → listed."""
    out = {village: review_outcome(ratings.get(village)) for village in listed}
    for village, rating in ratings.items():
        if rating == "weak" and village not in listed:
            out[village] = "listed"
    return out


def allowed_outcomes(is_listed: bool) -> tuple[str, ...]:
    """What the county may decide instead of the proposal."""
    return ("kept", "improved", "removed") if is_listed else ("listed", "not_listed")
