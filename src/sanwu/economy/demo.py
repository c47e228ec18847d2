"""The economy's own demo rows, after the demo books are loaded: every county's rules (the
defaults, Yuexi's “351”), and for Yuexi 2020 a few villages with a recorded resolution for the
cadre reward, most of them approved by the township, one or two waiting. Idempotent: a second run
adds nothing. Deterministic for a seed."""

import datetime as dt
import random
from dataclasses import dataclass

from sanwu.regions.models import Region

from . import services
from .models import CadreReward, Resolution

YUEXI = "340828000000"
YEAR = 2020
RESOLUTION_TEXT = (
    "经村党组织提议、村“两委”会议商议、党员大会审议，村民代表会议决议：按{year}年村集体经营性收入比上年增量的{rate}"
    "奖励作出突出贡献的村干部，每村最高{cap}，决议及实施结果张榜公开。"
)


@dataclass
class EconomyDemo:
    counties: int = 0
    resolutions: int = 0
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
    for i, v in enumerate(sorted(chosen, key=lambda v: v.code)):
        if not Resolution.objects.filter(village_id=v.code, year=YEAR).exists():
            rules = v.rules
            services.record_resolution(
                None, v.code, YEAR, dt.date(YEAR + 1, 3, 1) + dt.timedelta(days=rng.randint(0, 40)),
                RESOLUTION_TEXT.format(year=YEAR, rate=services.R.rate_text(rules.cadre_rate_bp), cap=services._w(rules.cadre_cap)),
            )
            out.resolutions += 1
        if i % 4 != 3 and not CadreReward.objects.filter(village_id=v.code, year=YEAR).exists():
            services.approve_cadre_reward(None, v.code, YEAR, "演示：乡镇审核同意")
            out.approved += 1
    return out
