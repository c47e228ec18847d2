"""Fixtures for the assessment app: Yuexi with five townships (the demo's two plus three built
here), scores written as small tables, API clients."""

import datetime as dt

import pytest

from sanwu.assessment import services
from sanwu.regions.models import Region
from tests.conftest import api_client

YUEXI = "340828000000"
T1 = "340828100000"  # 主簿镇 (township_1)
T2 = "340828101000"  # 五河镇 (township_2)
T3 = "340828102000"
T4 = "340828103000"
T5 = "340828200000"
V1 = "340828100200"  # 大歇村, secretary_1's and accountant_1's village (township 1)
V2 = "340828101200"  # 关河村, accountant_2's village (township 2)


@pytest.fixture
def five_towns(demo):
    """Yuexi's townships A–E: the demo's two and three more (each with one village)."""
    county = Region.objects.get(code=YUEXI)
    for code, name in ((T3, "甲岭镇"), (T4, "乙河镇"), (T5, "丙溪乡")):
        town = Region.objects.create(code=code, name=name, level="township", parent=county)
        Region.objects.create(code=code[:9] + "200", name=name[:2] + "村", level="village", parent=town)
    return [T1, T2, T3, T4, T5]


INDICATORS = ("party_building", "org_work", "recruitment", "economy")


def score_table(text: str) -> dict[str, dict[str, str]]:
    """'T1 95 90 90 92' lines → {code: {indicator: score}} (scores in the order of INDICATORS)."""
    codes = {"T1": T1, "T2": T2, "T3": T3, "T4": T4, "T5": T5}
    out = {}
    for line in text.strip().splitlines():
        name, *values = line.split()
        out[codes[name]] = dict(zip(INDICATORS, values))
    return out


def scored_assessment(user, year: int, table: dict[str, dict[str, str]]):
    a = services.create_assessment(user, YUEXI, year)
    entries = [services.ScoreEntry(code, key, value) for code, row in table.items() for key, value in row.items()]
    services.set_scores(user, a, entries)
    return a


@pytest.fixture
def api():
    return api_client


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
