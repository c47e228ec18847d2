"""Books for the demo villages: one book per village, 2018 to last month, plausible vouchers.

The figures come first. `plan_villages(seed, scale)` decides, without touching the database,
every village's operating income for each year and how it splits (PV, rent, contracting,
services, sales, investment), its subsidies, other income and expenses. The plan is shaped so
that the collective-economy figures come out as the brief prints them:

- Yuexi (岳西县), 2020: exactly 95 villages with operating income of 50万元 or more, the top
  village at 829.9万元, a village average of 70.5万元, no village with PV income only and none
  under 15万元; the "351" tiers met (≥30万: 135, ≥50万: 95, ≥100万: 14). 2019: 55 villages
  whose only operating income is PV and 11 under 15万元; 2018 more of both. Every Yuexi
  village has a PV plant of 100 kW or more (≥ 10万元 a year).
- Taihu (太湖县), 2020: a village average operating return (经营收益) of 38.36万元 and exactly
  27 villages at 50万元 or more (at county scale the same shape, proportionally).
- The other counties: Anqing's 2018 survey (average 19.06万元; shares under 5万, 5–10万,
  10–30万 and 50万+ as surveyed, a few hollow villages), growing to 2020.

`load_books(seed, scale)` then writes each village's book through the ledger services: the
book, balanced opening balances, each year's vouchers in one batch, the year-end closing
(`year_end_drafts`) and all 36 months closed. The books realise the plan to the fen. From 2021 the
books go on more lightly (`_Writer.later_year`: the 2020 plan grown a little; outside the personas'
townships Yuexi's villages book their business once a quarter) to the month before the day the
demo is loaded, closed up to the month before that in most villages. Every voucher
carries the people who made, reviewed and posted it and when (`load_staff`, `_signed`).

Money is integer fen throughout; every draw is an integer from a seeded `random.Random`.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from functools import partial

from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from sanwu.core import audit
from sanwu.core.codes import county_of, credit_check_char, org_code_check_char, township_of
from sanwu.core.dates import today
from sanwu.ledger import services
from sanwu.ledger.charts import EXPENSE_ROLES, INCOME_ROLES
from sanwu.ledger.models import Account, Period
from sanwu.ledger.services import EntryDraft, Signed, VoucherDraft
from sanwu.ledger.services.reports import month_end
from sanwu.regions.models import RoleAssignment

from . import generator

YEARS = (2018, 2019, 2020)  # the brief's years, planned to the fen
LATER = 2021  # from here on the books go on more lightly, to the month before the demo is loaded
START = dt.date(2018, 1, 1)
TZ = ZoneInfo("Asia/Shanghai")
CHART = "2004"

YUAN = 100
WAN = 10_000 * YUAN  # 1万元 in fen

YUEXI = generator.YUEXI
TAIHU = generator.TAIHU

# The counts the brief prints for Yuexi's 182 villages (2020), with 2019 and 2018 on the way.
YUEXI_COUNTS = {
    "t100_2020": 14, "t50_2020": 95, "t30_2020": 135,
    "t100_2019": 9, "t50_2019": 60, "t30_2019": 92,
    "t100_2018": 5, "t50_2018": 35, "t30_2018": 68,
    "pv_only_2019": 55, "weak_2019": 11,
    "pv_only_2018": 78, "weak_2018": 24,
}
YUEXI_N = 182
YUEXI_TOP = 8_299_000 * YUAN  # 829.9万元
YUEXI_AVERAGE = 705_000 * YUAN  # 70.5万元
MAOFAN_2020 = 1_110_000 * YUAN  # 毛畈村 2020: 111万元 (brief)
DAXIE_MIN_2020 = 620_000 * YUAN  # 大歇村 2020: net income above 50万元 (brief)

TAIHU_N = 175
TAIHU_STRONG = 27
TAIHU_RETURN = 383_600 * YUAN  # 38.36万元 village average operating return

# Anqing's 2018 survey (domain.md 4): share of villages (per 10,000) by operating income, yuan.
OTHER_BUCKETS_2018 = [
    (300, 0, 0),  # hollow: no operating income
    (2335, 3_000, 49_999),  # under 5万 (with the hollow ones 26.35%)
    (2669, 50_000, 99_999),  # 5–10万 26.69%
    (3527, 100_000, 299_999),  # 10–30万 35.27%
    (759, 300_000, 499_999),  # 30–50万
    (410, 500_000, 3_000_000),  # 50万 and more 4.1%
]
OTHER_AVERAGE_2018 = 190_600 * YUAN  # 19.06万元

# PV yield, fen per kW of plant per year (2020: the long rainy flood summer).
PV_RATE = {2018: 108_000, 2019: 111_000, 2020: 104_000}
PV_SEASON = [6, 7, 8, 9, 10, 10, 11, 12, 10, 8, 6, 5]  # monthly weights
FLOOD_COUNTIES = {"340825000000", "340826000000", "340827000000", "340828000000", "340882000000", "340822000000"}

COMPONENTS = ("rent", "service", "sales", "contracting", "remitted", "investment")
# The plan's keys per year (fen). operating_income = pv + the components above.
PLAN_KEYS = (
    "operating_income", "pv", *COMPONENTS, "subsidy", "other_income",
    "operating_expense", "management_expense", "other_expense", "operating_return", "net_income",
)


@dataclass
class VillagePlan:
    code: str
    name: str
    county: str
    county_name: str
    township: str
    cap_kw: int = 0  # PV plant (0: none)
    pv_via_investment: bool = False  # PV as a share of a jointly built plant (投资收益)
    profile: dict = field(default_factory=dict)  # component -> weight of non-PV operating income
    me_base: int = 0  # management expenses per year, fen
    sub_base: int = 0  # subsidies per year, fen
    years: dict = field(default_factory=dict)  # year -> {key: fen}
    # working values while planning
    income: dict = field(default_factory=dict)  # year -> operating income
    pv: dict = field(default_factory=dict)  # year -> PV income
    hollow: set = field(default_factory=set)
    pv_only: set = field(default_factory=set)
    directed: dict = field(default_factory=dict)  # year -> income from 皖岳投资集团's directed financing


# --- Integer helpers -----------------------------------------------------------------------------


def _yuan(fen: int) -> int:
    """Round down to whole yuan."""
    return fen - fen % YUAN


def _draw(rng: random.Random, lo: int, hi: int, skew: int = 1) -> int:
    """A value in [lo, hi] (fen, whole yuan); skew 2 favours the low end (u²)."""
    u = rng.randint(0, 1000)
    span = hi - lo
    v = lo + span * u // 1000 if skew == 1 else lo + span * u * u // 1_000_000
    return max(lo, min(hi, _yuan(v) if v - lo >= YUAN else v))


def _pct(value: int, lo: int, hi: int, rng: random.Random) -> int:
    return value * rng.randint(lo, hi) // 100


def _within(rng: random.Random, value: int, lo: int, hi: int) -> int:
    """value if it lies in [lo, hi]; otherwise a draw from the nearer half of the range."""
    if hi < lo:
        return lo
    if value > hi:
        return _draw(rng, lo + (hi - lo) // 2, hi)
    if value < lo:
        return _draw(rng, lo, lo + (hi - lo) // 2)
    return value


def _fit(vals: dict, bounds: dict, target: int) -> bool:
    """Move the values named in `bounds` (each within its [lo, hi]) so that sum(vals) == target,
    each in proportion to its room. Returns False, leaving vals as they were, when out of reach."""
    diff = target - sum(vals.values())
    if diff == 0:
        return True
    keys = sorted(bounds)
    room = {k: (bounds[k][1] - vals[k]) if diff > 0 else (vals[k] - bounds[k][0]) for k in keys}
    total = sum(r for r in room.values() if r > 0)
    need = abs(diff)
    if total < need:
        return False
    sign = 1 if diff > 0 else -1
    moved = 0
    for k in keys:
        if room[k] > 0:
            m = need * room[k] // total
            vals[k] += sign * m
            room[k] -= m
            moved += m
    rest = need - moved
    for k in sorted(keys, key=lambda k: -room[k]):
        if rest == 0:
            break
        m = min(rest, room[k])
        vals[k] += sign * m
        rest -= m
    return rest == 0


def _quotas(n: int, shares: list[int]) -> list[int]:
    """Largest-remainder split of n by shares (per 10,000)."""
    base = [n * s // 10_000 for s in shares]
    rems = sorted(range(len(shares)), key=lambda i: (-(n * shares[i] % 10_000), i))
    for i in rems[: n - sum(base)]:
        base[i] += 1
    return base


def _pv_amount(rng: random.Random, cap: int, year: int) -> int:
    return cap * PV_RATE[year] * rng.randint(98, 103) // 100 + rng.randint(0, 99)


# --- The plan ------------------------------------------------------------------------------------


def _villages(seed: int, scale: str) -> dict[str, list[VillagePlan]]:
    rows = generator.region_rows(random.Random(seed), scale)
    names = dict(rows)
    out: dict[str, list[VillagePlan]] = {}
    for code, name in rows:
        if len(code) == 12 and code[9:] != "000":
            county = county_of(code)
            out.setdefault(county, []).append(
                VillagePlan(code, name, county, names[county], names[township_of(code)])
            )
    return out


def _scaled(counts: dict, n: int, full: int) -> dict:
    if n == full:
        return dict(counts)
    c = {k: round(v * n / full) for k, v in counts.items()}
    for y in (2020, 2019, 2018):
        c[f"t100_{y}"] = min(c[f"t100_{y}"], c[f"t50_{y}"])
        c[f"t50_{y}"] = min(c[f"t50_{y}"], c[f"t30_{y}"])
    for y in (2020, 2019, 2018):  # the top village is at 100万 or more all along
        c[f"t100_{y}"] = max(1, c[f"t100_{y}"])
        c[f"t50_{y}"] = max(c[f"t50_{y}"], c[f"t100_{y}"])
        c[f"t30_{y}"] = max(c[f"t30_{y}"], c[f"t50_{y}"])
    if n >= 5:
        c["pv_only_2019"] = max(1, c["pv_only_2019"])
        c["weak_2019"] = max(1, c["weak_2019"])
    c["pv_only_2018"] = max(c["pv_only_2018"], c["pv_only_2019"])
    c["weak_2018"] = max(c["weak_2018"], c["weak_2019"])
    for y in (2019, 2018):
        while c[f"pv_only_{y}"] + c[f"weak_{y}"] > n - c[f"t30_{y}"] and c[f"pv_only_{y}"] > 0:
            c[f"pv_only_{y}"] -= 1
    return c


def _plan_yuexi(rng: random.Random, vs: list[VillagePlan]) -> None:
    n = len(vs)
    c = _scaled(YUEXI_COUNTS, n, YUEXI_N)
    k100, k50, k30 = c["t100_2020"], c["t50_2020"], c["t30_2020"]
    # Slot values for 2020, highest first, band by band.
    band = []
    for pos in range(n):
        if pos == 0:
            band.append("top")
        elif pos < k100:
            band.append("t100")
        elif pos < k50:
            band.append("t50")
        elif pos < k30:
            band.append("t30")
        else:
            band.append("base")
    ranges = {"t100": (100 * WAN, 400 * WAN, 2), "t50": (50 * WAN, 98 * WAN, 1), "t30": (30 * WAN, 49 * WAN, 1), "base": (15 * WAN, 29 * WAN, 1)}
    values = {b: sorted((_draw(rng, *ranges[b]) for _ in range(band.count(b))), reverse=True) for b in ranges}
    slot_value = []
    for b in band:
        slot_value.append(YUEXI_TOP if b == "top" else values[b].pop(0))
    # Villages to slots: a shuffle, then the brief's named villages where they belong.
    order = list(vs)
    rng.shuffle(order)
    by_name = {v.name: v for v in vs}

    def place(village, pos):
        i = order.index(village)
        order[i], order[pos] = order[pos], order[i]

    maofan, daxie = by_name.get("毛畈村"), by_name.get("大歇村")
    pins = {}
    if maofan is not None and k100 >= 2:
        place(maofan, k100 - 1)
        pins[k100 - 1] = MAOFAN_2020
    if daxie is not None and k50 > k100:
        pos = max(k100, min(k50 - 1, c["t50_2019"] + (k50 - c["t50_2019"]) // 3))
        place(daxie, pos)
        pins[pos] = max(slot_value[pos], DAXIE_MIN_2020)
    for pos, value in pins.items():
        slot_value[pos] = value

    # Classes in the low slots: weak (under 15万) and PV-only, 2019 inside 2018.
    weak19 = set(range(n - c["weak_2019"], n))
    pv19 = set(range(n - c["weak_2019"] - c["pv_only_2019"], n - c["weak_2019"]))
    low = n - c["weak_2019"] - c["pv_only_2019"]
    extra_weak = c["weak_2018"] - c["weak_2019"]
    extra_pv = c["pv_only_2018"] - c["pv_only_2019"]
    pool = list(range(low - extra_weak - extra_pv, low))
    rng.shuffle(pool)
    weak18 = weak19 | set(pool[:extra_weak])
    pv18 = pv19 | set(pool[extra_weak : extra_weak + extra_pv])

    # PV plants (every Yuexi village: 100 kW or more) and the 2020 floor PV + 1.5万.
    nonpv_min20 = 15_000 * YUAN
    for pos, v in enumerate(order):
        v20 = slot_value[pos]
        if pos in weak18:
            lo, hi = 100, 126  # PV alone stays under 14.5万 even in a sunny year
        elif pos in pv18:
            lo, hi = 145, 250  # PV alone reaches 15万 in any year, stays under 30万
        else:
            lo, hi = 100, 300
            if pos >= c["t30_2018"]:
                hi = 240  # PV + 1万 stays under 30万 in the years the village is below the tier
        hi = min(hi, (v20 - nonpv_min20) * 100 // (PV_RATE[2020] * 103))
        if pos in pv18:
            hi = min(hi, v20 * 100 // (PV_RATE[2019] * 103))
        if hi < lo:  # raise the 2020 figure to make room (only ever in the base band)
            hi = lo
            slot_value[pos] = max(v20, lo * PV_RATE[2020] * 103 // 100 + 99 + nonpv_min20, lo * PV_RATE[2019] * 103 // 100 + 99)
        v.cap_kw = rng.randint(lo, hi)
        for y in YEARS:
            v.pv[y] = _pv_amount(rng, v.cap_kw, y)
        slot_value[pos] = max(slot_value[pos], v.pv[2020] + nonpv_min20)

    # The 2020 total: the village average exactly, moving the unpinned upper bands.
    vals = dict(enumerate(slot_value))
    band_bounds = {"t100": (100 * WAN, 500 * WAN), "t50": (50 * WAN, 100 * WAN - 1), "t30": (30 * WAN, 50 * WAN - 1)}
    bounds = {}
    for pos, b in enumerate(band):
        if b in band_bounds and pos not in pins:
            lo, hi = band_bounds[b]
            bounds[pos] = (max(lo, order[pos].pv[2020] + nonpv_min20), hi)
    _fit(vals, bounds, YUEXI_AVERAGE * n)
    for pos, v in enumerate(order):
        v.income[2020] = vals[pos]

    # 2019, then 2018, backwards from the year after.
    for y in (2019, 2018):
        t100, t50, t30 = c[f"t100_{y}"], c[f"t50_{y}"], c[f"t30_{y}"]
        weak, pvo = (weak19, pv19) if y == 2019 else (weak18, pv18)
        for pos, v in enumerate(order):
            nxt = v.income[y + 1]
            g = nxt * rng.randint(62, 93) // 100
            floor = v.pv[y] + WAN
            if pos < t100:
                val = _within(rng, g, max(100 * WAN, floor), max(100 * WAN, nxt))
            elif pos < t50:
                val = _within(rng, g, max(50 * WAN, floor), min(nxt, 100 * WAN - 1))
            elif pos < t30:
                val = _within(rng, g, max(30 * WAN, floor), min(nxt, 50 * WAN - 1))
            elif pos in pvo:
                val = v.pv[y]
                v.pv_only.add(y)
            elif pos in weak:
                room = 15 * WAN - YUAN - v.pv[y]
                val = v.pv[y] + _draw(rng, 2_000 * YUAN, max(2_000 * YUAN, room))
            else:
                val = _within(rng, g, max(15 * WAN, floor), min(max(nxt, 15 * WAN + WAN), 30 * WAN - 1))
            v.income[y] = val
    for v in vs:
        v.profile = _profile(rng, v, big=v.income[2020] >= 100 * WAN)


def _profile(rng: random.Random, v: VillagePlan, big: bool = False) -> dict:
    """Weights of the village's non-PV operating income."""
    if big:
        p = {"service": rng.randint(25, 50), "sales": rng.randint(15, 40), "rent": rng.randint(5, 15),
             "contracting": rng.randint(5, 12), "investment": rng.randint(3, 15)}
        if rng.randint(1, 100) <= 30:
            p["remitted"] = rng.randint(3, 8)
        return p
    p = {}
    for comp, chance, lo, hi in (
        ("rent", 70, 10, 40), ("contracting", 75, 10, 40), ("investment", 35, 5, 30),
        ("service", 30, 5, 25), ("sales", 30, 5, 25), ("remitted", 5, 5, 15),
    ):
        if rng.randint(1, 100) <= chance:
            p[comp] = rng.randint(lo, hi)
    if not p:
        p["rent"] = rng.randint(10, 40)
    return p


def _plan_other(rng: random.Random, counties: list[list[VillagePlan]]) -> None:
    """Counties other than Yuexi and Taihu: Anqing's 2018 survey, then growth to 2020."""
    allv = [v for vs in counties for v in vs]
    if not allv:
        return
    bucket_of = {}
    for vs in counties:
        quotas = _quotas(len(vs), [s for s, _, _ in OTHER_BUCKETS_2018])
        labels = [i for i, q in enumerate(quotas) for _ in range(q)]
        rng.shuffle(labels)
        for v, b in zip(vs, labels):
            bucket_of[v.code] = b
    vals, bounds = {}, {}
    for v in allv:
        b = bucket_of[v.code]
        _, lo, hi = OTHER_BUCKETS_2018[b]
        lo, hi = lo * YUAN, hi * YUAN
        if b == 0:
            v.hollow.add(2018)
            val = 0
        else:
            val = _draw(rng, lo, hi, 2 if b == 5 else 1)
            if rng.randint(1, 100) <= 55 and val >= 3 * WAN:
                if val < 15 * WAN and rng.randint(1, 100) <= 45:  # PV only
                    v.cap_kw = max(25, min(140, val * 100 // (PV_RATE[2018] * 100)))
                    v.pv_only.add(2018)
                else:
                    v.cap_kw = max(20, min(200, val * rng.randint(20, 70) // PV_RATE[2018] // 100))
                v.pv_via_investment = rng.randint(1, 100) <= 10
        for y in YEARS:
            v.pv[y] = _pv_amount(rng, v.cap_kw, y) if v.cap_kw else 0
        if 2018 in v.pv_only:
            val = v.pv[2018]
        elif b:
            val = max(val, v.pv[2018] + 3_000 * YUAN)
            bounds[v.code] = (max(lo, v.pv[2018] + 3_000 * YUAN), max(hi, v.pv[2018] + 3_000 * YUAN))
        vals[v.code] = val
    _fit(vals, bounds, OTHER_AVERAGE_2018 * len(allv))
    for v in allv:
        v.income[2018] = vals[v.code]
        for y in (2019, 2020):
            prev = v.income[y - 1]
            if (y - 1) in v.hollow:
                if rng.randint(1, 100) <= 50:
                    v.hollow.add(y)
                    v.income[y] = 0
                else:
                    v.income[y] = _draw(rng, WAN, 6 * WAN)
            elif (y - 1) in v.pv_only and rng.randint(1, 100) <= 60:
                v.pv_only.add(y)
                v.income[y] = v.pv[y]
            else:
                grown = prev * rng.randint(98, 135) // 100 + (_draw(rng, 0, 3 * WAN) if rng.randint(1, 100) <= 40 else 0)
                if prev < 10 * WAN and rng.randint(1, 100) <= 60:  # the push to lift the weakest
                    grown += _draw(rng, WAN, 4 * WAN)
                floor = v.pv[y] + (WAN if (y - 1) in v.pv_only else 3_000 * YUAN)
                v.income[y] = max(_yuan(grown), floor)
        v.profile = _profile(rng, v, big=v.income[2020] >= 150 * WAN)


def _plan_taihu(rng: random.Random, vs: list[VillagePlan]) -> None:
    n = len(vs)
    strong = TAIHU_STRONG if n == TAIHU_N else round(TAIHU_STRONG * n / TAIHU_N)
    order = list(vs)
    rng.shuffle(order)
    rest = n - strong
    weak_n, general_n = rest * 10 // 100, rest * 25 // 100
    bands = ["strong"] * strong + ["tier"] * (rest - weak_n - general_n) + ["general"] * general_n + ["weak"] * weak_n
    ranges = {"strong": (50 * WAN, 200 * WAN, 2), "tier": (30 * WAN, 49 * WAN, 1), "general": (15 * WAN, 29 * WAN, 1), "weak": (6 * WAN, 14 * WAN, 1)}
    fit_bounds_of = {"strong": (50 * WAN, 400 * WAN), "tier": (30 * WAN, 50 * WAN - 1), "general": (15 * WAN, 30 * WAN - 1), "weak": (5 * WAN, 15 * WAN - 1)}
    band_of = {}
    for v, b in zip(order, bands):
        band_of[v.code] = b
        v.income[2020] = _draw(rng, *ranges[b])
    # Hollow (2018, 2019) and PV-only (nested 2020 ⊂ 2019 ⊂ 2018) among the weakest.
    low = sorted(order, key=lambda v: (v.income[2020], v.code))
    hollow18 = set(x.code for x in low[: max(0, n * 2 // 100)])
    hollow19 = set(sorted(hollow18)[: len(hollow18) // 2])
    for v in order:
        if v.code in hollow18:
            v.hollow.add(2018)
        if v.code in hollow19:
            v.hollow.add(2019)
    cand = [v.code for v in low if v.code not in hollow18]
    pv18 = set(cand[: n * 16 // 100])
    pv19 = set(cand[: n * 8 // 100])
    pv20 = set(cand[: n * 2 // 100])
    for v in order:
        if v.code not in hollow18 and rng.randint(1, 100) <= 85 or v.code in pv18:
            hi = max(50, min(150, (v.income[2020] - WAN) * 100 // (PV_RATE[2020] * 103)))
            v.cap_kw = rng.randint(min(50, hi), hi)
            v.pv_via_investment = rng.randint(1, 100) <= 8
        for y in YEARS:
            v.pv[y] = _pv_amount(rng, v.cap_kw, y) if v.cap_kw else 0
        for y, group in ((2018, pv18), (2019, pv19), (2020, pv20)):
            if v.code in group:
                v.pv_only.add(y)
        if 2020 in v.pv_only:
            v.income[2020] = v.pv[2020]
        else:
            v.income[2020] = max(v.income[2020], v.pv[2020] + WAN)
        v.profile = _profile(rng, v, big=v.income[2020] >= 120 * WAN)
    # Expenses for 2020 first; then the incomes are moved so the average return is exact.
    for v in order:
        _expenses(rng, v, 2020)
    vals = {v.code: v.income[2020] for v in order}
    cost = sum(v.years[2020]["operating_expense"] + v.years[2020]["management_expense"] for v in order)
    bounds = {}
    for v in order:
        if 2020 not in v.pv_only:
            lo, hi = fit_bounds_of[band_of[v.code]]
            bounds[v.code] = (max(lo, v.pv[2020] + WAN), hi)
    _fit(vals, bounds, TAIHU_RETURN * n + cost)
    for v in order:
        v.income[2020] = vals[v.code]
    for y in (2019, 2018):
        for v in order:
            if y in v.hollow:
                v.income[y] = 0
            elif y in v.pv_only:
                v.income[y] = v.pv[y]
            else:
                g = v.income[y + 1] * rng.randint(70, 95) // 100
                v.income[y] = max(_yuan(g), v.pv[y] + 5_000 * YUAN)


def _expenses(rng: random.Random, v: VillagePlan, y: int) -> None:
    """Subsidies, other income and expenses of a year (operating income already planned)."""
    if not v.me_base:
        v.me_base = _draw(rng, 15_000 * YUAN, 45_000 * YUAN)
        v.sub_base = _draw(rng, 50_000 * YUAN, 120_000 * YUAN)
    inc = v.income[y]
    pv = v.pv[y]
    nonpv = inc - pv
    w = sum(v.profile.values()) or 1
    active = nonpv * (v.profile.get("sales", 0) + v.profile.get("service", 0)) // w
    oe = _pct(active, 30, 55, rng) + _pct(pv, 2, 5, rng) + _pct(nonpv - active, 0, 6, rng)
    me = v.me_base * (100 + 6 * (y - 2018)) // 100 + _pct(inc, 1, 3, rng)
    xe = _draw(rng, 3_000 * YUAN, 25_000 * YUAN)
    if y == 2020 and v.county in FLOOD_COUNTIES and rng.randint(1, 100) <= 35:
        xe += _draw(rng, 5_000 * YUAN, 50_000 * YUAN)
    sub = v.sub_base * (100 + 5 * (y - 2018)) // 100
    if rng.randint(1, 100) <= 25:
        sub += _draw(rng, 20_000 * YUAN, 150_000 * YUAN)
    oi = _draw(rng, 300 * YUAN, 3_000 * YUAN)
    oe, me, xe, sub = _yuan(oe), _yuan(me), _yuan(xe), _yuan(sub)
    if v.name == "大歇村" and v.county == YUEXI and y == 2020:
        while inc - oe - me + sub + oi - xe <= 505_000 * YUAN and (oe or me or xe):
            oe, me, xe = _yuan(oe // 2), _yuan(me // 2), _yuan(xe // 2)
    v.years[y] = {"subsidy": sub, "other_income": oi, "operating_expense": oe, "management_expense": me, "other_expense": xe}


def _split_components(rng: random.Random, v: VillagePlan, y: int) -> dict:
    nonpv = v.income[y] - v.pv[y]
    out = dict.fromkeys(COMPONENTS, 0)
    if nonpv <= 0:
        return out
    profile = dict(v.profile)
    # Yuexi's 五河镇: directed financing through 皖岳投资集团, 20.6万元 a year per village (2020).
    if v.county == YUEXI and v.township == "五河镇" and y == 2020 and nonpv >= 30 * WAN:
        out["investment"] = v.directed[y] = 206_000 * YUAN
        nonpv -= out["investment"]
    main = max(sorted(profile), key=lambda k: profile[k])
    total_w = sum(profile.values())
    if nonpv < 8_000 * YUAN * len(profile):
        out[main] += nonpv
        return out
    given = 0
    for comp in sorted(profile):
        if comp == main:
            continue
        part = _yuan(nonpv * profile[comp] // total_w)
        out[comp] += part
        given += part
    out[main] += nonpv - given
    return out


def plan_villages(seed: int = 2021, scale: str = "small") -> list[VillagePlan]:
    """Every village's plan, ordered by code. Pure: no database."""
    if scale not in generator.SCALES:
        raise ValueError(f"未知规模「{scale}」（small、county、city）")
    by_county = _villages(seed, scale)
    rng = random.Random(seed * 7_919 + 104_729)
    others = []
    for county, _ in generator.COUNTIES:
        vs = by_county.get(county)
        if not vs:
            continue
        if county == YUEXI:
            _plan_yuexi(rng, vs)
        elif county == TAIHU:
            _plan_taihu(rng, vs)
        else:
            others.append(vs)
    _plan_other(rng, others)
    plans = sorted((v for vs in by_county.values() for v in vs), key=lambda v: v.code)
    for v in plans:
        for y in YEARS:
            if y not in v.years:
                _expenses(rng, v, y)
            comps = _split_components(rng, v, y)
            row = v.years[y]
            row.update(comps)
            row["pv"] = v.pv[y]
            row["operating_income"] = v.income[y]
            row["operating_return"] = v.income[y] - row["operating_expense"] - row["management_expense"]
            row["net_income"] = row["operating_return"] + row["subsidy"] + row["other_income"] - row["other_expense"]
            v.years[y] = {k: row[k] for k in PLAN_KEYS}
    return plans


def plan_incomes(seed: int = 2021, scale: str = "small") -> dict[str, dict[int, dict[str, int]]]:
    """{village code: {year: {operating_income, pv, rent, …, operating_return, net_income}}} in fen."""
    return {v.code: v.years for v in plan_villages(seed, scale)}


# --- From a plan to vouchers ---------------------------------------------------------------------

RENT_OBJECTS = ["厂房", "门面房", "集体仓库", "闲置校舍", "村部一楼店面", "集体建设用地", "冷库", "标准化厂房"]
CONTRACT_OBJECTS = ["茶园", "山场", "水面", "集体林地", "果园", "桑园", "茅草山开发地块", "低效土地整治地块"]
SERVICES = ["旅游接待服务费", "农机作业服务费", "劳务服务费", "物业管理服务费", "停车服务费", "冷库仓储服务费", "农产品代销服务费"]
GOODS = ["茶叶", "桑枝食用菌", "火龙果", "葡萄", "苗木", "高山蔬菜", "中药材", "竹木", "果酒", "菊花"]
INDUSTRIES = ["茶业", "农业开发", "旅游开发", "生态农业", "食品", "竹木制品", "电子", "服饰", "物流", "建材"]
COOPS = ["茶叶专业合作社", "种植专业合作社", "家庭农场", "养殖专业合作社", "林业专业合作社"]
SUBSIDIES = ["收到{y}年村级组织运转经费", "收到村级服务群众专项经费", "收到公益事业建设奖补资金", "收到农村人居环境整治补助", "收到村干部报酬补助资金"]
QUARTERS = ["第一季度", "第二季度", "第三季度", "第四季度"]
OFFICE = ["购买文具", "购买打印耗材", "支付会议茶水费", "支付快递费", "购买办公用品"]
UTILITIES = ["支付村部电费", "支付网络通讯费", "支付村部水费", "支付办公设备维修费"]
WELFARE = ["支付村内道路维修费", "支付人居环境整治费用", "春节慰问困难群众", "支付村民小组道路养护费", "支付公共照明电费", "重阳节慰问老人"]


class _Roles:
    """Account codes by role, asked of the first book (every demo book has the same chart)."""

    def __init__(self, book):
        def one(role, hint=None):
            accts = services.accounts_with_role(book, role)
            if hint:
                named = [a for a in accts if hint in a.name]
                accts = named or accts
            return accts[0].code

        self.cash = one("cash")
        self.bank = one("bank")
        self.receivable = one("receivable")
        self.fixed_asset = one("fixed_asset")
        self.depreciation = one("accumulated_depreciation")
        self.long_term_investment = one("long_term_investment")
        self.payable = one("payable")
        self.capital = one("capital")
        self.reserve = one("reserve_fund")
        self.distribute_reserve = one("distribute_reserve")
        self.operating_income = one("operating_income")
        self.contracting = one("contracting_income", "承包")
        self.remitted = one("contracting_income", "上交")
        self.investment = one("investment_income")
        self.subsidy = one("subsidy_income")
        self.other_income = one("other_income")
        self.operating_expense = one("operating_expense")
        self.management_expense = one("management_expense")
        self.other_expense = one("other_expense")


def credit_code_for(rng: random.Random, county: str, prefix: str = "N2") -> str:
    """A valid synthetic credit code: N2 (a village cooperative) or 91 (a company) + county +
    organisation code."""
    org8 = "MF" + "".join(str(rng.randint(0, 9)) for _ in range(6))
    first17 = prefix + county[:6] + org8 + org_code_check_char(org8)
    return first17 + credit_check_char(first17)


def _parts(rng: random.Random, total: int, k: int, unit: int = YUAN) -> list[int]:
    """k positive amounts (multiples of unit, the last one takes the rest) summing to total."""
    k = max(1, min(k, total // unit if unit else k))
    if k <= 1:
        return [total]
    weights = [rng.randint(60, 140) for _ in range(k)]
    w = sum(weights)
    parts = [max(unit, total * x // w // unit * unit) for x in weights[:-1]]
    while sum(parts) >= total:  # tiny totals
        parts.pop()
    parts.append(total - sum(parts))
    return parts


class _Writer:
    """Builds one village's vouchers for a year as drafts."""

    def __init__(self, v: VillagePlan, roles: _Roles, rng: random.Random, dense: bool):
        self.v, self.r, self.rng, self.dense = v, roles, rng, dense
        self.short = short = v.county_name.rstrip("县区市")
        syl = generator.SYLLABLES
        self.pv_firm = rng.choice(("阳光", "晶辉", "皖能", "绿源", "天合"))
        self.companies = [f"{short}{rng.choice(syl)}{rng.choice(syl)}{rng.choice(INDUSTRIES)}有限公司" for _ in range(5)]
        self.coops = [f"{v.name[:-1]}{rng.choice(syl)}{rng.choice(COOPS)}" for _ in range(3)]
        self.power = f"国网{v.county_name}供电公司" if v.county_name.endswith(("县", "市")) else "国网安庆供电公司"
        self.bank_name = f"{short}农村商业银行"
        self.finance = f"{v.township}财政所"
        self.investor = "皖岳投资集团" if v.county == YUEXI and rng.randint(1, 100) <= 50 else rng.choice(self.companies)
        self.rent_object = rng.choice(RENT_OBJECTS)
        self.contract_objects = rng.sample(CONTRACT_OBJECTS, 2)
        self.services = rng.sample(SERVICES, 2)
        self.goods = rng.sample(GOODS, 2)

    def supplier(self, label: str) -> str:
        if "保险" in label:
            return f"中国人民财产保险{self.short}支公司"
        if "光伏" in label:
            return f"{self.short}{self.pv_firm}新能源科技有限公司"
        if "测量" in label:
            return f"{self.v.county_name}不动产测绘队"
        return self.rng.choice(self.companies)

    def date(self, y: int, m: int, lo: int = 1, hi: int = 28) -> dt.date:
        return dt.date(y, m, self.rng.randint(lo, hi))

    def attachments(self, expenditure: bool = False) -> int:
        """原始凭证 written on the voucher: one to three; now and then an expenditure has none
        (what the oversight rules are there to catch)."""
        if expenditure and self.rng.randint(1, 1000) <= 15:
            return 0
        return self.rng.randint(1, 3)

    def income(self, d, summary, amount, account, source, cp, via="bank"):
        money = self.r.cash if via == "cash" else self.r.bank
        return VoucherDraft(date=d, summary=summary, attachment_count=self.attachments(), entries=[
            EntryDraft(money, debit=amount, settlement=via, counterparty=cp),
            EntryDraft(account, credit=amount, settlement=via, counterparty=cp, source=source),
        ])

    def expense(self, d, summary, amount, account, cp="", via="bank"):
        money = self.r.cash if via == "cash" else self.r.bank
        return VoucherDraft(date=d, summary=summary, attachment_count=self.attachments(True), entries=[
            EntryDraft(account, debit=amount, settlement=via, counterparty=cp),
            EntryDraft(money, credit=amount, settlement=via, counterparty=cp),
        ])

    def withdrawal(self, d, amount):
        return VoucherDraft(date=d, summary="从银行提取备用金", attachment_count=1, entries=[
            EntryDraft(self.r.cash, debit=amount, settlement="cash"),
            EntryDraft(self.r.bank, credit=amount, settlement="bank", counterparty=self.bank_name),
        ])

    def year(self, y: int) -> list[VoucherDraft]:
        v, r, rng, p = self.v, self.r, self.rng, self.v.years[y]
        out: list[VoucherDraft] = []
        months = list(range(1, 13))
        # PV: monthly from the grid company (a share of a jointly built plant: quarterly).
        if p["pv"]:
            if v.pv_via_investment:
                for q, amt in enumerate(_split_weighted(p["pv"], [rng.randint(90, 110) for _ in range(4)])):
                    out.append(self.income(self.date(y, 3 * q + 3, 20, 28), f"收到联建光伏电站{QUARTERS[q]}收益分配", amt, r.investment, "pv", f"{v.county_name}光伏扶贫联建电站"))
            else:
                for m, amt in zip(months, _split_weighted(p["pv"], [x * rng.randint(90, 110) for x in PV_SEASON])):
                    out.append(self.income(self.date(y, m, 15, 28), f"收到{m}月光伏发电收入", amt, r.operating_income, "pv", self.power))
        if p["rent"]:
            k = 1 if p["rent"] < 3 * WAN else 2 if p["rent"] < 12 * WAN or not self.dense else 4
            for i, amt in enumerate(_parts(rng, p["rent"], k)):
                m = 1 + i * (12 // k)
                out.append(self.income(self.date(y, m, 1, 20), f"收取{self.rent_object}租金", amt, r.operating_income, "rent", rng.choice(self.companies)))
        if p["contracting"]:
            k = 1 if p["contracting"] < 4 * WAN else 2 if p["contracting"] < 20 * WAN or not self.dense else 3
            for i, amt in enumerate(_parts(rng, p["contracting"], k)):
                obj = self.contract_objects[i % 2]
                out.append(self.income(self.date(y, rng.choice((1, 2, 3, 11, 12))), f"收取{obj}承包费", amt, r.contracting, "contracting", rng.choice(self.coops)))
        if p["remitted"]:
            out.append(self.income(self.date(y, 12, 1, 25), "收到村办企业上交利润", p["remitted"], r.remitted, "other", self.companies[0]))
        for key, names, acct, src in (("service", self.services, r.operating_income, "service"), ("sales", self.goods, r.operating_income, "sales")):
            amt_total = p[key]
            if not amt_total:
                continue
            k = max(2, min(10 if self.dense else 4, amt_total // (3 * WAN)))
            for amt in _parts(rng, amt_total, k):
                name = rng.choice(names)
                summary = f"收取{name}" if key == "service" else f"销售{name}收入"
                via = "cash" if amt < 5_000 * YUAN and rng.randint(1, 100) <= 50 else "bank"
                out.append(self.income(self.date(y, rng.choice(months)), summary, amt, acct, src, rng.choice(self.companies + self.coops), via))
        investment = p["investment"]
        if v.directed.get(y):
            out.append(self.income(self.date(y, 12, 1, 25), "收到皖岳投资集团定向融资项目收益", v.directed[y], r.investment, "investment", "皖岳投资集团"))
            investment -= v.directed[y]
        if investment:
            k = 2 if investment >= 10 * WAN else 1
            for i, amt in enumerate(_parts(rng, investment, k)):
                who = self.investor
                summary = "收到皖岳投资集团融资项目收益" if who == "皖岳投资集团" else f"收到{who}入股分红"
                out.append(self.income(self.date(y, 6 if k == 2 and i == 0 else 12, 1, 25), summary, amt, r.investment, "investment", who))
        # Subsidies (not operating income) and bank interest (other income).
        k = 3 if self.dense else 2
        for i, amt in enumerate(_parts(rng, p["subsidy"], k)):
            text = SUBSIDIES[0].format(y=y) if i == 0 else rng.choice(SUBSIDIES[1:])
            out.append(self.income(self.date(y, 1 + i * (12 // k), 5, 25), text, amt, r.subsidy, "subsidy", self.finance))
        qs = 4 if self.dense else 2
        for i, amt in enumerate(_parts(rng, p["other_income"], qs, unit=1)):
            out.append(self.income(dt.date(y, 12 // qs * (i + 1), 21), "收到银行存款利息", amt, r.other_income, "other", self.bank_name))
        # Management expenses: cadre stipends, office costs and travel; payments go through the
        # bank, only petty sums (under 1,000元, the usual cash limit) are paid from the cash box.
        me = p["management_expense"]
        stipends = _yuan(me * 55 // 100)
        office = _yuan(me * 15 // 100)
        travel = _yuan(me * 10 // 100)
        utilities = me - stipends - office - travel
        if self.dense:
            for i, amt in enumerate(_parts(rng, stipends, 12)):
                out.append(self.expense(self.date(y, i + 1, 10, 28), f"发放{i + 1}月村干部误工补贴", amt, r.management_expense, "", "bank"))
        else:
            for i, amt in enumerate(_parts(rng, stipends, 4)):
                out.append(self.expense(self.date(y, 3 * (i + 1), 10, 28), f"发放{QUARTERS[i]}村干部误工补贴", amt, r.management_expense, "", "bank"))
        for total, labels, n_petty in ((office, OFFICE, 3 if self.dense else 1), (travel, ["报销差旅费"], 2 if self.dense else 1)):
            petty = [_draw(rng, 150 * YUAN, 950 * YUAN) for _ in range(n_petty)]
            if rng.randint(1, 100) <= 4:  # now and then a cash payment over the limit
                petty[0] = _draw(rng, 1_200 * YUAN, 3_000 * YUAN)
            while petty and sum(petty) > total - 500 * YUAN:
                petty.pop()
            for amt in petty:
                out.append(self.expense(self.date(y, rng.choice(months)), rng.choice(labels), amt, r.management_expense, "", "cash"))
            rest = total - sum(petty)
            label = "购买办公用品" if labels is OFFICE else "报销差旅费（公务卡）"
            for amt in _parts(rng, rest, 2 if self.dense else 1):
                out.append(self.expense(self.date(y, rng.choice(months)), label, amt, r.management_expense, rng.choice(self.companies) if labels is OFFICE else "", "bank"))
        for amt in _parts(rng, utilities, 3 if self.dense else 1):
            label = rng.choice(UTILITIES)
            out.append(self.expense(self.date(y, rng.choice(months)), label, amt, r.management_expense, self.power if "电费" in label else "", "bank"))
        # Operating expenses: what the income lines need.
        oe = p["operating_expense"]
        if oe:
            labels = []
            if p["pv"]:
                labels += ["支付光伏电站运维费", "支付光伏电站保险费"]
            if p["sales"]:
                labels += [f"购买{self.goods[0]}生产物资", "支付采摘用工工资", "支付产品运输费"]
            if p["service"]:
                labels += ["支付服务项目用工工资", "购买服务项目耗材"]
            if p["rent"] or p["contracting"]:
                labels += [f"支付出租{self.rent_object}维修费", "支付承包地块界址测量费"]
            labels = labels or ["支付经营项目零星支出"]
            k = max(1, min(6 if self.dense else 2, oe // (2 * WAN)))
            for amt in _parts(rng, oe, k):
                label = rng.choice(labels)
                via = "cash" if "用工" in label and amt < 1_000 * YUAN else "bank"
                out.append(self.expense(self.date(y, rng.choice(months)), label, amt, r.operating_expense, "" if via == "cash" else self.supplier(label), via))
        xe = p["other_expense"]
        if xe:
            flood = 0
            if y == 2020 and xe > 25_000 * YUAN:
                flood = _yuan(xe * 60 // 100)
                out.append(self.expense(self.date(y, rng.choice((7, 8))), "支付防汛救灾支出", flood, r.other_expense, "", "bank"))
            for amt in _parts(rng, xe - flood, 2 if self.dense else 1):
                label = rng.choice(WELFARE)
                via = "cash" if "慰问" in label and amt < 1_000 * YUAN else "bank"
                out.append(self.expense(self.date(y, 1 if "春节" in label else 10 if "重阳" in label else rng.choice(months)), label, amt, r.other_expense, "", via))
        return [d for d in out if d.entries[0].debit]

    def later_year(self, y: int, last_month: int, quarterly: bool = False) -> list[VoucherDraft]:
        """A year after the brief's (2021 on), more lightly: the 2020 plan grown a little each
        year, in the vouchers every village has (PV monthly, rent and contracting once, subsidies,
        stipends twice, a few expenses), up to `last_month`. `quarterly`: a village that reports
        its business to the township once a quarter (报账), booked in the quarter's last month."""
        v, r, rng, base = self.v, self.r, self.rng, self.v.years[2020]
        growth = 100 + 4 * (y - 2020)
        out: list[VoucherDraft] = []

        def grown(fen: int) -> int:
            return _yuan(fen * growth // 100 * rng.randint(94, 108) // 100)

        def add(m: int, make) -> None:
            if quarterly:
                m = (m + 2) // 3 * 3
            if m <= last_month:
                out.append(make(m))

        if base["pv"]:
            pv = _yuan(base["pv"] * rng.randint(96, 106) // 100)
            if v.pv_via_investment or quarterly:
                account, cp = (r.investment, f"{v.county_name}光伏扶贫联建电站") if v.pv_via_investment else (r.operating_income, self.power)
                label = "收到联建光伏电站{q}收益分配" if v.pv_via_investment else "收到{q}光伏发电收入"
                for q, amt in enumerate(_split_weighted(pv, [rng.randint(90, 110) for _ in range(4)])):
                    add(3 * q + 3, lambda m, q=q, amt=amt: self.income(self.date(y, m, 20, 28), label.format(q=QUARTERS[q]), amt, account, "pv", cp))
            else:
                for m, amt in zip(range(1, 13), _split_weighted(pv, [x * rng.randint(90, 110) for x in PV_SEASON])):
                    add(m, lambda m, amt=amt: self.income(self.date(y, m, 15, 28), f"收到{m}月光伏发电收入", amt, r.operating_income, "pv", self.power))
        if base["rent"]:
            add(1, lambda m: self.income(self.date(y, m, 5, 20), f"收取{self.rent_object}租金", grown(base["rent"]), r.operating_income, "rent", self.companies[1]))
        if base["contracting"]:
            add(3, lambda m: self.income(self.date(y, m), f"收取{self.contract_objects[0]}承包费", grown(base["contracting"]), r.contracting, "contracting", self.coops[0]))
        if base["service"] + base["sales"]:
            label = f"收取{self.services[0]}" if base["service"] >= base["sales"] else f"销售{self.goods[0]}收入"
            source = "service" if base["service"] >= base["sales"] else "sales"
            add(9, lambda m: self.income(self.date(y, m), label, grown(base["service"] + base["sales"]), r.operating_income, source, self.companies[2]))
        if base["investment"] + base["remitted"]:
            who = self.investor
            summary = "收到皖岳投资集团融资项目收益" if who == "皖岳投资集团" else f"收到{who}入股分红"
            add(12, lambda m: self.income(self.date(y, m, 1, 20), summary, grown(base["investment"] + base["remitted"]), r.investment, "investment", who))
        add(4, lambda m: self.income(self.date(y, m, 5, 25), SUBSIDIES[0].format(y=y), grown(base["subsidy"]), r.subsidy, "subsidy", self.finance))
        add(12, lambda m: self.income(dt.date(y, m, 21), "收到银行存款利息", _draw(rng, 300 * YUAN, 3_000 * YUAN), r.other_income, "other", self.bank_name))
        me = grown(base["management_expense"])
        for half, m in (("上半年", 6), ("下半年", 12)):
            add(m, lambda m, half=half: self.expense(self.date(y, m, 10, 28), f"发放{half}村干部误工补贴", _yuan(me * 55 // 200), r.management_expense, "", "bank"))
        add(4, lambda m: self.expense(self.date(y, m), rng.choice(OFFICE), _draw(rng, 150 * YUAN, 950 * YUAN), r.management_expense, "", "cash"))
        add(10, lambda m: self.expense(self.date(y, m), "购买办公用品", _yuan(me * 20 // 100), r.management_expense, self.companies[0], "bank"))
        add(7, lambda m: self.expense(self.date(y, m), "支付村部电费", _yuan(me * 15 // 100), r.management_expense, self.power, "bank"))
        if base["operating_expense"]:
            label = "支付光伏电站运维费" if base["pv"] else f"支付出租{self.rent_object}维修费" if base["rent"] else "支付经营项目零星支出"
            add(8, lambda m: self.expense(self.date(y, m), label, grown(base["operating_expense"]), r.operating_expense, self.supplier(label), "bank"))
        add(1, lambda m: self.expense(self.date(y, m, 10, 25), "春节慰问困难群众", _draw(rng, 300 * YUAN, 950 * YUAN), r.other_expense, "", "cash"))
        add(9, lambda m: self.expense(self.date(y, m), rng.choice(WELFARE[:2]), grown(base["other_expense"]), r.other_expense, "", "bank"))
        return [d for d in out if d.entries[0].debit]


def _split_weighted(total: int, weights: list[int]) -> list[int]:
    w = sum(weights)
    parts = [total * x // w for x in weights[:-1]]
    return [*parts, total - sum(parts)]


def _on_credit(drafts: list[VoucherDraft], roles: _Roles, rng: random.Random, last_day: dt.date) -> list[VoucherDraft]:
    """Some rent and contracting fees are billed before they are paid (应收款): the voucher becomes 借 应收款 / 贷 收入
    on its date, and the tenant's payment (借 银行存款 / 贷 应收款) follows weeks or months later
    within the year — or, now and then, not at all — so that the books carry receivables of every
    age (往来款项明细). Income is unchanged; `rng` is the step's own, so no other draw moves."""
    out: list[VoucherDraft] = []
    for d in drafts:
        rent = [e for e in d.entries if e.source in ("rent", "contracting") and e.credit > 0]
        money = [e for e in d.entries if e.account == roles.bank and e.debit > 0]
        recent = (last_day - d.date).days < 3 * 365
        if len(d.entries) != 2 or not rent or not money or rng.randint(1, 100) > (60 if recent else 30):
            out.append(d)
            continue
        amount, cp = money[0].debit, money[0].counterparty
        what = d.summary.removeprefix("收取")
        out.append(VoucherDraft(date=d.date, summary=f"应收{what}", attachment_count=d.attachment_count, entries=[
            EntryDraft(roles.receivable, debit=amount, counterparty=cp, counterparty_kind="organisation"),
            EntryDraft(rent[0].account, credit=amount, counterparty=cp, source=rent[0].source),
        ]))
        # Paid within the year (or by the last day of the books); old fees nearly always are by
        # now, of the last two years' a good part is still owed.
        paid = min(d.date + dt.timedelta(days=rng.randint(10, 150)), last_day, dt.date(d.date.year, 12, 28))
        unpaid = 40 if (last_day - d.date).days < 730 else 3
        if rng.randint(1, 100) <= unpaid or paid <= d.date:
            continue  # still owed
        out.append(VoucherDraft(date=paid, summary=f"收到{cp}所欠{what}", attachment_count=1, entries=[
            EntryDraft(roles.bank, debit=amount, settlement="bank", counterparty=cp),
            EntryDraft(roles.receivable, credit=amount, counterparty=cp, counterparty_kind="organisation"),
        ]))
    return out


def _money_delta(d: VoucherDraft, code: str) -> int:
    return sum(e.debit - e.credit for e in d.entries if e.account == code)


def last_month(day: dt.date) -> tuple[int, int]:
    """The month before `day`'s: the last month of the demo books."""
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def village_drafts(
    v: VillagePlan, roles: _Roles, seed: int, through: tuple[int, int] | None = None, quarterly: bool = False
) -> tuple[dict[str, int], dict[int, list[VoucherDraft]]]:
    """Opening balances (by account code) and each year's drafts, sorted by date, with cash
    withdrawals where the cash box would run dry; the opening bank balance covers the years.
    The brief's years always; with `through` (year, month), the later years up to that month."""
    rng = random.Random(f"{seed}:{v.code}")
    later = random.Random(f"{seed}:later:{v.code}")  # its own draws: the brief's years never move
    owed = random.Random(f"{seed}:owed:{v.code}")  # rent billed before it is paid (`_on_credit`)
    last_day = month_end(*through) if through is not None else dt.date(max(YEARS), 12, 31)
    dense = v.county in (YUEXI, TAIHU)
    w = _Writer(v, roles, rng, dense)
    w_later = _Writer(v, roles, later, dense)
    cash = _draw(rng, 2_000 * YUAN, 8_000 * YUAN)
    opening_cash = cash
    bank = low = 0
    by_year = {}
    years = [(y, w.year, rng) for y in YEARS]
    if through is not None:
        years += [
            (y, partial(w_later.later_year, last_month=12 if y < through[0] else through[1], quarterly=quarterly), later)
            for y in range(LATER, through[0] + 1)
        ]
    for y, drafts_of, draws in years:
        out = []
        for d in sorted(_on_credit(drafts_of(y), roles, owed, last_day), key=lambda d: d.date):
            dc, db = _money_delta(d, roles.cash), _money_delta(d, roles.bank)
            if cash + dc < 0:
                need = -(cash + dc) + _draw(draws, 2_000 * YUAN, 5_000 * YUAN)
                amount = -(-need // (1_000 * YUAN)) * 1_000 * YUAN
                out.append(w.withdrawal(d.date, amount))
                cash += amount
                bank -= amount
                low = min(low, bank)
            out.append(d)
            cash += dc
            bank += db
            low = min(low, bank)
        by_year[y] = out
    opening = {
        roles.cash: opening_cash,
        roles.bank: -low + _draw(rng, 20_000 * YUAN, 300_000 * YUAN),
        roles.fixed_asset: _draw(rng, 300_000 * YUAN, 1_500_000 * YUAN) + (v.cap_kw * 6_500 * YUAN if not v.pv_via_investment else 0),
    }
    opening[roles.depreciation] = -_yuan(opening[roles.fixed_asset] * rng.randint(8, 35) // 100)
    if rng.randint(1, 100) <= 50:
        opening[roles.receivable] = _draw(rng, 5_000 * YUAN, 80_000 * YUAN)
    if v.profile.get("investment") or v.pv_via_investment:
        opening[roles.long_term_investment] = _draw(rng, 200_000 * YUAN, 3_000_000 * YUAN)
    if rng.randint(1, 100) <= 40:
        opening[roles.payable] = -_draw(rng, 5_000 * YUAN, 50_000 * YUAN)
    net = sum(opening.values())
    opening[roles.capital] = -_yuan(net * rng.randint(40, 70) // 100)
    opening[roles.reserve] = -sum(opening.values())
    return opening, by_year


# --- Loading -------------------------------------------------------------------------------------


@dataclass
class BooksResult:
    books: int = 0
    vouchers: int = 0
    seconds: float = 0.0
    through: tuple[int, int] = (2020, 12)  # the last month with vouchers
    closed_through: tuple[int, int] = (2020, 12)  # the month closed in most books
    moved: tuple[str, str] | None = None  # the book moved to the 2023 chart and its successor


@dataclass(frozen=True)
class Staff:
    """Who keeps a village's book: its accountant makes the vouchers (制单), the township's
    agricultural-economy station reviews them (审核) and its bookkeeper posts them (记账)."""

    maker: int
    reviewer: int
    poster: int


def _person_name(rng: random.Random) -> str:
    return rng.choice(generator.SURNAMES) + "".join(rng.choice(generator.GIVEN) for _ in range(rng.choice((1, 2))))


def load_staff(seed: int, village_codes: list[str]) -> dict[str, Staff]:
    """The people behind every demo book: the demo's own accounts where there is one (accountant_1,
    township_1, …), otherwise a named user who holds the role but cannot log in."""
    rng = random.Random(f"{seed}:staff")
    User = get_user_model()
    holders: dict[tuple[str, str], int] = {}
    for role, code, uid in RoleAssignment.objects.filter(role__in=("village_accountant", "township_supervisor")).order_by("user_id").values_list("role", "region_id", "user_id"):
        holders.setdefault((role, code), uid)
    wanted: list[tuple[str, str, str, str]] = []  # (key, username, role, region)
    townships = sorted({township_of(c) for c in village_codes})
    for t in townships:
        if ("township_supervisor", t) not in holders:
            wanted.append((f"reviewer:{t}", f"reviewer_{t}", "township_supervisor", t))
        wanted.append((f"poster:{t}", f"bookkeeper_{t}", "township_supervisor", t))
    for c in village_codes:
        if ("village_accountant", c) not in holders:
            wanted.append((f"maker:{c}", f"accountant_{c}", "village_accountant", c))
    names = {}
    for _, username, _, _ in wanted:
        names[username] = _person_name(rng)
    existing = set(User.objects.filter(username__in=list(names)).values_list("username", flat=True))
    User.objects.bulk_create(
        [User(username=u, first_name=n, password=make_password(None)) for u, n in names.items() if u not in existing], batch_size=1_000,
    )
    ids = dict(User.objects.filter(username__in=list(names)).values_list("username", "id"))
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user_id=ids[u], role=role, region_id=code) for _, u, role, code in wanted], batch_size=1_000, ignore_conflicts=True,
    )
    made = {key: ids[u] for key, u, _, _ in wanted}
    out = {}
    for c in village_codes:
        t = township_of(c)
        reviewer = holders.get(("township_supervisor", t)) or made[f"reviewer:{t}"]
        out[c] = Staff(holders.get(("village_accountant", c)) or made[f"maker:{c}"], reviewer, made[f"poster:{t}"])
    return out


def _signed(rng: random.Random, day: dt.date, staff: Staff, limit: dt.datetime) -> Signed:
    """Made on the voucher's day or within two days after, submitted within hours, reviewed one to
    four working days later and posted within the hour; never after `limit` (the load)."""
    made = dt.datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59), tzinfo=TZ) + dt.timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))
    submitted = made + dt.timedelta(minutes=rng.randint(3, 150))
    reviewed = (submitted + dt.timedelta(days=rng.randint(1, 4))).replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59))
    posted = reviewed + dt.timedelta(minutes=rng.randint(2, 50))
    times = [made, submitted, reviewed, posted]
    for i, back in enumerate((4, 3, 2, 1)):  # the last days before the load: squeezed in before it
        times[i] = min(times[i], limit - dt.timedelta(hours=back))
        if i:
            times[i] = max(times[i], times[i - 1] + dt.timedelta(minutes=1))
    return Signed(staff.maker, staff.reviewer, staff.poster, *times)


def _sign(rng: random.Random, drafts: list[VoucherDraft], staff: Staff, limit: dt.datetime) -> list[VoucherDraft]:
    for d in drafts:
        # year-end closing (dated 12-31) is made in the first days of January
        day = d.date + dt.timedelta(days=rng.randint(3, 8)) if d.kind == "closing" else d.date
        d.signed = _signed(rng, day, staff, limit)
    return drafts


def _year_balances(drafts: list[VoucherDraft], by_code: dict[str, int]) -> dict[int, int]:
    """Each account's debit-positive movement over a year's drafts (account id → fen): a pnl
    account's balance at the year's end, the year before having been closed."""
    out: dict[int, int] = {}
    for d in drafts:
        for e in d.entries:
            pk = by_code[e.account]
            out[pk] = out.get(pk, 0) + e.debit - e.credit
    return out


DISTRIBUTED_YEARS = 2


def distribution_years(as_of: dt.date) -> list[int]:
    """The last two years whose December is closed in every demo book (`_period_states`): their
    distributions are the cooperatives' own plans, made through the coop service after the books
    are loaded (coop/demo.py); the years before carry the provisional `_reserve_drafts`."""
    y, m = _month_before(*_month_before(*_month_before(*last_month(as_of))))  # as load_books's cut
    last = y if m == 12 else y - 1
    return [yr for yr in range(last - DISTRIBUTED_YEARS + 1, last + 1) if yr >= LATER]


def _reserve_drafts(leaves: list[Account], balances: dict[int, int], roles: _Roles, year: int) -> list[VoucherDraft]:
    """The provisional distribution's one voucher for a later year over, before the last two
    (`distribution_years`; docs/parts/yearend.md): a tenth
    of the year's positive income, in whole yuan, set aside as 公积公益金 on 12-31 (none in a
    year of loss)."""
    pnl = INCOME_ROLES | EXPENSE_ROLES
    income = -sum(balances.get(a.pk, 0) for a in leaves if a.role_set & pnl)
    amount = income // 10 // YUAN * YUAN
    if amount <= 0:
        return []
    return [VoucherDraft(date=dt.date(year, 12, 31), summary="按收益分配方案提取公积公益金", entries=[
        EntryDraft(roles.distribute_reserve, debit=amount, summary="提取公积公益金"), EntryDraft(roles.reserve, credit=amount, summary="提取公积公益金"),
    ])]


def _month_before(y: int, m: int) -> tuple[int, int]:
    return (y - 1, 12) if m == 1 else (y, m - 1)


def _period_states(rng: random.Random, code: str, through: tuple[int, int], personas: dict[str, str]) -> dict[tuple[int, int], str]:
    """Month states after the brief's years: closed up to the month before the last (most
    books), that month waiting for the township's confirmation (some) or not closed yet (a few
    late villages); the last month still open. The personas' villages show one of each."""
    cut = _month_before(*through)
    fate = personas.get(code) or rng.choices(["closed", "audit_hold", "late"], [82, 11, 7])[0]
    out = {}
    y, m = LATER, 1
    while (y, m) <= cut:
        out[(y, m)] = "closed"
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if fate == "audit_hold":
        out[cut] = "audit_hold"
    elif fate == "late":
        del out[cut]
        out.pop(_month_before(*cut), None)
    return out


# This month's work in the personas' villages, through the voucher life cycle: (summary, amount in
# yuan, debit role, credit role, counterparty, state, reason for a rejection).
IN_PROGRESS = {
    "accountant_1": [
        ("支付村部上月电费", 1_286, "management_expense", "bank", "power", "submitted", ""),
        ("收到上月光伏发电收入", 9_860, "bank", "operating_income", "power", "submitted", ""),
        ("报销村干部差旅费", 680, "management_expense", "cash", "", "rejected", "缺少出差审批单，请补附后重新提交"),
        ("购买村部办公用品", 356, "management_expense", "cash", "", "draft", ""),
    ],
    "accountant_2": [
        ("支付村民小组道路养护费", 3_200, "other_expense", "bank", "", "submitted", ""),
        ("收取门面房租金", 6_000, "bank", "operating_income", "", "draft", ""),
    ],
}


def _work_in_progress(roles: _Roles, as_of: dt.date) -> int:
    """This month's vouchers in the personas' villages, made by their accountants through the
    services: some submitted for the township to review, one rejected back with its reason, a
    draft or two still being written (what their workbenches show on the day)."""
    from sanwu.ledger.models import Book

    made = 0
    for ra in RoleAssignment.objects.filter(role="village_accountant", user__username__in=list(IN_PROGRESS)).select_related("user").order_by("user__username"):
        book = Book.objects.filter(region_id=ra.region_id).first()
        township = RoleAssignment.objects.filter(role="township_supervisor", region_id=township_of(ra.region_id)).select_related("user").order_by("user_id").first()
        if book is None or township is None:
            continue
        power = f"国网{book.region.parent.parent.name}供电公司" if book.region.parent and book.region.parent.parent else ""
        for i, (summary, yuan, debit, credit, cp, state, reason) in enumerate(IN_PROGRESS[ra.user.username]):
            day = as_of.replace(day=max(1, min(as_of.day - 1, 1 + i * 2)))
            via = "cash" if "cash" in (debit, credit) else "bank"
            party = power if cp == "power" else ""
            draft = VoucherDraft(date=day, summary=summary, attachment_count=0 if state == "rejected" else 1, entries=[
                EntryDraft(getattr(roles, debit), debit=yuan * YUAN, settlement=via, counterparty=party),
                EntryDraft(getattr(roles, credit), credit=yuan * YUAN, settlement=via, counterparty=party, source=("pv" if "光伏" in summary else "rent") if credit == "operating_income" else ""),
            ])
            v = services.save_draft(ra.user, book, draft)
            if state in ("submitted", "rejected"):
                v = services.submit(ra.user, v)
            if state == "rejected":
                services.reject(township.user, v, reason)
            made += 1
    return made


def load_books(seed: int, scale: str, progress=None, as_of: dt.date | None = None) -> BooksResult:
    """A book for every village of the loaded demo city, 2018 to the month before `as_of`
    (today), through the ledger services. Call inside the demo load (regions already imported).
    `progress(county_name, books, vouchers)` is told after each county."""
    started = time.perf_counter()
    as_of = as_of or today()
    through = last_month(as_of)
    result = BooksResult(through=through, closed_through=_month_before(*through))
    limit = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=TZ) + dt.timedelta(hours=8)
    plans = plan_villages(seed, scale)
    roles = None
    periods: list[Period] = []
    with transaction.atomic():
        staff = load_staff(seed, [v.code for v in plans])
        persona_villages = list(
            RoleAssignment.objects.filter(role="village_accountant", user__username__in=("accountant_1", "accountant_2"))
            .order_by("user__username").values_list("region_id", flat=True)
        )
        personas = dict(zip(persona_villages, ("audit_hold", "late")))
        persona_townships = set(
            RoleAssignment.objects.filter(role="township_supervisor", user__username__in=("township_1", "township_2")).values_list("region_id", flat=True)
        )
        current, county_books, county_vouchers = None, 0, 0
        # the year at whose end one Taihu village's book moves to the 2023 chart: the last year
        # whose December is closed in every book (none before the later years)
        cut = _month_before(*_month_before(*result.closed_through))  # closed in every book, whatever its fate
        move_year = cut[0] if cut[1] == 12 else cut[0] - 1
        move_year = move_year if move_year >= LATER else None
        moved = None
        for v in plans:
            if current is not None and v.county != current.county and progress:
                progress(current.county_name, county_books, county_vouchers)
                county_books = county_vouchers = 0
            current = v
            rng = random.Random(f"{seed}:credit:{v.code}")
            credit = credit_code_for(rng, v.county) if rng.randint(1, 100) > 8 else ""
            book = services.create_book(None, v.code, v.code, CHART, name=f"{v.name}股份经济合作社", credit_code=credit, start_date=START)
            if roles is None:
                roles = _Roles(book)
            # the personas' townships book every month; Yuexi's other villages report once a quarter
            quarterly = v.county == YUEXI and township_of(v.code) not in persona_townships
            opening, by_year = village_drafts(v, roles, seed, through, quarterly)
            services.set_opening_balances(None, book, opening)
            services.confirm_opening(None, book)
            signs = random.Random(f"{seed}:signed:{v.code}")
            carry: list[VoucherDraft] = []
            posted = 0
            for y in YEARS:  # the brief's years one by one, each closed from the kept totals
                posted += len(services.post_drafts(None, book, _sign(signs, carry + by_year[y], staff[v.code], limit)))
                carry = services.year_end_drafts(book, y)  # posted with the next year's vouchers
            # the later years in one batch, each year over closed from its vouchers in hand
            leaves = list(Account.objects.filter(book=book, is_leaf=True))
            by_code = {a.code: a.pk for a in leaves}
            later = list(carry)
            moving = moved is None and v.county == TAIHU and v.code not in personas and move_year is not None
            # the cooperatives' own plans (coop/demo.py); a book moved to the 2023 chart takes no
            # posting in its old years, so the village that moves keeps the provisional reserve
            planned = [] if moving else distribution_years(as_of)
            for y in sorted(k for k in by_year if k > YEARS[-1]):
                later += by_year[y]
                if y < as_of.year:
                    reserve = [] if y in planned else _reserve_drafts(leaves, _year_balances(by_year[y], by_code), roles, y)
                    year = by_year[y] + reserve
                    later += year[len(by_year[y]):] + services.closing_drafts(leaves, _year_balances(year, by_code), y)
            states = _period_states(random.Random(f"{seed}:close:{v.code}"), v.code, through, personas)
            if moving:
                # One Taihu village keeps its 2004 book to the end of the last closed year and
                # goes on in a 2023-chart book (财会〔2023〕20号), its later vouchers moved across.
                moved = v.code
                before = [d for d in later if d.date.year <= move_year]
                later = [d for d in later if d.date.year > move_year]
                if before:
                    posted += len(services.post_drafts(None, book, _sign(signs, before, staff[v.code], limit)))
                Period.objects.bulk_create(
                    [Period(book=book, year=y, month=m, status="closed") for y in YEARS for m in range(1, 13)]
                    + [Period(book=book, year=y, month=m, status=st) for (y, m), st in sorted(states.items()) if y <= move_year]
                )
                move = services.migrate_chart(None, book, "2023", f"{v.code}-2023")
                book = move.new_book
                for d in later:
                    for e in d.entries:
                        e.account = move.account_map[e.account]
                states = {ym: st for ym, st in states.items() if ym[0] > move_year}
                result.moved = (move.old_book.code, book.code)
            else:
                periods.extend(Period(book=book, year=y, month=m, status="closed") for y in YEARS for m in range(1, 13))
            if later:
                posted += len(services.post_drafts(None, book, _sign(signs, later, staff[v.code], limit)))
            periods.extend(Period(book=book, year=y, month=m, status=st) for (y, m), st in sorted(states.items()))
            county_books += 1
            county_vouchers += posted
            result.books += 1
            result.vouchers += posted
        if current is not None and progress:
            progress(current.county_name, county_books, county_vouchers)
        Period.objects.bulk_create(periods, batch_size=2_000)
        if roles is not None:
            result.vouchers += _work_in_progress(roles, as_of)
        audit.record(
            "demo.books", object_type="demo",
            new={
                "scale": scale, "seed": seed, "books": result.books, "vouchers": result.vouchers,
                "through": "%d-%02d" % through, "closed_through": "%d-%02d" % result.closed_through,
            },
            region_code=generator.CITY[0],
        )
    result.seconds = time.perf_counter() - started
    return result
