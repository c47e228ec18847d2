"""The economy's own demo rows, after the demo books and the decisions demo are loaded: every
county's rules (the defaults, Yuexi's “351”), and for Yuexi 2020 a few villages with a completed
四议两公开 decision on the cadre reward (made through the decisions services, all six stages,
decided in 2021), most of them approved by the township, one or two waiting. A village that
already has such a decision (the decisions demo gives one to the first village with users) keeps
it. Idempotent: a second run adds nothing. Deterministic for a seed."""

import random
from dataclasses import dataclass

from sanwu.decisions import demo as decisions_demo
from sanwu.regions.models import Region

from . import services
from .models import CadreReward

YUEXI = "340828000000"
YEAR = 2020
TITLE = "{year}年度村干部集体经济发展奖励方案"


@dataclass
class EconomyDemo:
    counties: int = 0
    decisions: int = 0
    approved: int = 0


def load_demo(scale: str = "small", seed: int = 2021) -> EconomyDemo:
    out = EconomyDemo()
    for county in Region.objects.filter(level="county").order_by("code"):
        services.settings_for(county.code)
        out.counties += 1
    yuexi = Region.objects.filter(code=YUEXI).first()
    if yuexi is None:
        return out
    villages = [v for v in services.village_years(None, yuexi, YEAR) if v.cadre_reward > 0]
    if not villages:
        return out
    rng = random.Random(f"{seed}:economy")
    # The first township's villages first (the demo township user sees them), then a sample.
    first_town = min(v.township_code for v in villages)
    chosen = [v for v in villages if v.township_code == first_town][:3]
    rest = [v for v in villages if v not in chosen]
    chosen += rng.sample(rest, min(len(rest), {"small": 2}.get(scale, 9)))
    regions = Region.objects.in_bulk([v.code for v in chosen])
    for i, v in enumerate(sorted(chosen, key=lambda v: v.code)):
        if services.decision_for(v.code, YEAR) is None:
            decisions_demo.completed_decision(
                random.Random(f"{seed}:economy:{v.code}"), regions[v.code], TITLE.format(year=YEAR), "distribution",
                services.CADRE_PURPOSE, year=YEAR, decided_in=YEAR + 1, amount=v.cadre_reward,
            )
            out.decisions += 1
        if i % 4 != 3 and not CadreReward.objects.filter(village_id=v.code, year=YEAR).exists():
            services.approve_cadre_reward(None, v.code, YEAR, "演示：乡镇审核同意")
            out.approved += 1
    return out
