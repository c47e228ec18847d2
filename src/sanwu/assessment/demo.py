"""Demo data for the demo city's Yuexi county (whatever townships and villages it has):

- two team analysis rounds of 2021 rating every village, follow-up tasks, the difficult-villages
  list reviewed at each round (listed, kept, improved, removed) with task forces;
- the 2020 and 2021 screenings of every village against the typical situations, the rectification
  list with plans, leaders, first secretaries, funds and dated measures, some villages delisted
  after a passed acceptance check (one failed check too), others carried into 2021;
- the 2020 and 2021 assessments of Yuexi's townships, 2020 final, 2021 with its consequences
  applied — each consequence, follow-up, listing and rectification a task in the task ledger.

Everything goes through the services as the system operator. Deterministic for a seed; running it
again adds nothing (each part is skipped when its data is there).
"""

import datetime as dt
import random

from django.db import transaction

from sanwu.core.codes import region_prefix
from sanwu.regions.models import Region

from . import services
from .models import AnalysisRound, Assessment, DifficultVillage, Rectification, Screening

COUNTY = "340828000000"  # 岳西县

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙朱胡高何汪储程方余")
GIVEN = list("明华国建军平志强海英秀兰芳玉春红德林文金荣桂凤丽勇杰涛斌")
UNITS = ["县委组织部", "县农业农村局", "县财政局", "县委宣传部", "县人社局", "县自然资源局", "县交通运输局", "县住建局"]

FINDINGS = {
    "good": ["班子团结，书记带头作用明显，集体经济稳步增长。", "制度落实到位，群众满意度高。"],
    "fairly_good": ["班子运行正常，发展思路还需拓宽。", "党员教育管理较规范，后备力量偏弱。"],
    "average": ["“三会一课”开展不够经常，集体经济增收乏力。", "班子分工不够明确，部分成员履职不到位。"],
    "weak": ["书记长期在外务工，村务工作停滞；“三会一课”流于形式。", "班子成员不团结、内耗严重，村务公开不及时，群众意见较大。"],
}
MEASURES = [
    "县级联系领导到村召开班子专题民主生活会，查摆问题，明确整改责任。",
    "选派县直单位优秀后备干部任第一书记，驻村开展工作。",
    "调整充实村“两委”班子，补齐组织委员。",
    "规范“三会一课”和主题党日，建立工作台账。",
    "落实5000元党建经费，完善村党群服务中心阵地。",
    "谋划并申报集体经济扶持项目，明确项目实施主体。",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _pick_rating(rng: random.Random, weights=(30, 35, 25, 10)) -> str:
    return rng.choices(["good", "fairly_good", "average", "weak"], weights=weights)[0]


def _rate_round(rng: random.Random, rnd, villages: list[Region], previous: dict[str, str]) -> dict[str, str]:
    ratings: dict[str, str] = {}
    for v in villages:
        before = previous.get(v.code)
        if before == "weak":
            rating = rng.choices(["weak", "average", "fairly_good"], weights=(35, 45, 20))[0]
        elif before is not None and rng.random() < 0.7:
            rating = before
        else:
            rating = _pick_rating(rng)
        ratings[v.code] = rating
    if "weak" not in ratings.values() and villages:
        ratings[villages[min(1, len(villages) - 1)].code] = "weak"  # every round finds at least one
    order = ["good", "fairly_good", "average", "weak"]
    for v in villages:
        rating = ratings[v.code]
        parts = {c: order[max(0, min(3, order.index(rating) + rng.choice((-1, 0, 0, 1))))] for c in rnd.criteria}
        services.rate_village(None, rnd, v.code, rating, criteria=parts, findings=rng.choice(FINDINGS[rating]))
    return ratings


def _analysis(rng: random.Random, county: Region, villages: list[Region]) -> dict:
    if AnalysisRound.objects.filter(county=county, year=2021).exists():
        return {"rounds": 0}
    first = services.create_round(None, county.code, dt.date(2021, 3, 16), summary="对全县村级班子运行情况逐村分析研判，分好、较好、一般、较差四个等次。")
    r1 = _rate_round(rng, first, villages, {})
    weak = [v for v in villages if r1[v.code] == "weak"]
    for v in weak[:2]:
        services.add_follow_up(None, first, v.code, f"督促{v.name}党组织规范“三会一课”、主题党日", dt.date(2021, 5, 31), "乡镇党委书记到村指导，月底前报送整改情况。")
    services.add_follow_up(None, first, villages[0].parent_id, "开展村级后备干部摸底，建立“一村一名大学生”储备台账", dt.date(2021, 6, 30))
    services.review_round(None, first)
    for entry in DifficultVillage.objects.filter(county=county, status="listed", listed_round=first).select_related("village"):
        members = "\n".join(f"{_name(rng)}（{rng.choice(UNITS)}）" for _ in range(3))
        services.assign_task_force(None, entry, leader=f"{_name(rng)}（县委组织部副部长）", members=members)

    second = services.create_round(None, county.code, dt.date(2021, 9, 14), summary="复核第一轮研判发现的问题整改情况，滚动调整重点难点村清单。")
    _rate_round(rng, second, villages, r1)
    services.add_follow_up(None, second, villages[-1].parent_id, "对重点难点村开展专题督导，逐村销号", dt.date(2021, 12, 20))
    services.review_round(None, second)
    for entry in DifficultVillage.objects.filter(county=county, status="listed", listed_round=second).select_related("village"):
        members = "\n".join(f"{_name(rng)}（{rng.choice(UNITS)}）" for _ in range(3))
        services.assign_task_force(None, entry, leader=f"{_name(rng)}（县政府副县长）", members=members)
    return {"rounds": 2}


def _screen_year(rng: random.Random, year: int, villages: list[Region], situations, on: dt.date, share: float, at_least: int) -> list[Rectification]:
    chosen = {v.code for v in villages if rng.random() < share}
    for v in villages:
        if len(chosen) >= min(at_least, len(villages)):
            break
        chosen.add(v.code)
    listed = []
    for v in villages:
        picks = []
        if v.code in chosen:
            picks = [s.pk for s in rng.sample(situations, k=min(len(situations), rng.choice((1, 1, 2))))]
        _, case = services.screen_village(None, year, v.code, picks, "逐村排查：查阅资料、走访党员群众、召开座谈会。", on)
        if case is not None and case.year == year:
            listed.append(case)
    return listed


def _fill_case(rng: random.Random, case: Rectification, start: dt.date) -> None:
    services.update_rectification(
        None, case,
        causes=rng.choice(["书记能力不足、长期不在村，班子凝聚力弱。", "村“两委”换届后班子磨合不够，制度执行不严。", "集体经济薄弱，党组织服务群众手段少。"]),
        plan="一查问题清单、二定整改措施、三派第一书记、四抓集体经济，逐项销号。",
        county_leader=f"{_name(rng)}（县委常委）", township_lead=f"{_name(rng)}（乡镇党委书记）",
        first_secretary=f"{_name(rng)}（{rng.choice(UNITS)}）", party_funds_fen=500000,
        project_funds_fen=rng.choice((50, 60, 70, 80)) * 10000 * 100,
    )
    for k, text in enumerate(rng.sample(MEASURES, k=3)):
        services.add_measure(None, case, start + dt.timedelta(days=20 + 45 * k), text)


def _rectification(rng: random.Random, county: Region, villages: list[Region]) -> dict:
    if Screening.objects.filter(county=county, year=2020).exists():
        return {"listed": 0}
    situations = services.situations_of(county.code)
    share = 0.08
    cases_2020 = _screen_year(rng, 2020, villages, situations, dt.date(2020, 3, 20), share, 2 if len(villages) >= 4 else 1)
    for case in cases_2020:
        _fill_case(rng, case, dt.date(2020, 3, 20))
    # Year-end acceptance: most pass and are delisted; one fails the first check.
    for k, case in enumerate(cases_2020):
        if k == 0 and len(cases_2020) > 1:
            services.record_acceptance(None, case, date=dt.date(2020, 12, 18), passed=False, checked_by="县委组织部验收组",
                                       result="集体经济项目尚未见效，群众满意度测评未达到要求，继续整顿。")
        else:
            services.record_acceptance(None, case, date=dt.date(2020, 12, 22), passed=True, checked_by="县委组织部验收组",
                                       result="班子配齐配强，组织生活规范，群众满意度测评达标，同意销号。")
    cases_2021 = _screen_year(rng, 2021, villages, situations, dt.date(2021, 3, 25), share, 2 if len(villages) >= 4 else 1)
    for case in cases_2021:
        _fill_case(rng, case, dt.date(2021, 3, 25))
    carried = Rectification.objects.filter(county=county, year=2020, status="listed")
    for case in carried:
        services.add_measure(None, case, dt.date(2021, 4, 12), "延续整顿：县级联系领导再次到村督导，集体经济项目开工建设。")
        services.record_acceptance(None, case, date=dt.date(2021, 11, 30), passed=True, checked_by="县委组织部验收组",
                                   result="第二次验收：各项整改任务完成，同意销号。")
    if len(cases_2021) > 1:  # one delisted within the year; the others are still on the list
        services.record_acceptance(None, cases_2021[0], date=dt.date(2021, 12, 20), passed=True, checked_by="县委组织部验收组",
                                   result="整改到位，同意销号。")
    return {"listed": len(cases_2020) + len(cases_2021)}


def _score(rng: random.Random, low: int = 65, high: int = 98) -> str:
    return f"{rng.randint(low, high - 1)}.{rng.randint(0, 9)}"


def _assessments(rng: random.Random, county: Region) -> dict:
    if Assessment.objects.filter(county=county, year=2020, level="township").exists():
        return {"assessments": 0}
    towns = list(Region.objects.filter(level="township", code__startswith=region_prefix(county.code)).order_by("code"))
    if not towns:
        return {"assessments": 0}
    laggard = rng.choice(towns).code  # last in organisation work two years running
    made = []
    for year in (2020, 2021):
        a = services.create_assessment(None, county.code, year)
        keys = [i.key for i in a.indicators.all()]
        entries = []
        for t in towns:
            for key in keys:
                value = _score(rng)
                if key == "org_work":
                    value = f"{60 + (year - 2020)}.5" if t.code == laggard else _score(rng, 70, 98)
                entries.append(services.ScoreEntry(t.code, key, value))
        services.set_scores(None, a, entries)
        made.append(a)
    services.finalize(None, made[0])
    services.apply_consequences(None, made[1], applied_on=dt.date(2022, 1, 18))
    return {"assessments": 2}


def load_demo(seed: int = 2021) -> dict:
    """Load the demo records for Yuexi (skipped when Yuexi is not there). Idempotent."""
    county = Region.objects.filter(code=COUNTY).first()
    if county is None:
        return {}
    villages = list(Region.objects.filter(level="village", code__startswith=region_prefix(county.code)).select_related("parent").order_by("code"))
    if not villages:
        return {}
    with transaction.atomic():
        services.ensure_county_settings(county.code)
        out = {}
        out.update(_analysis(random.Random(seed * 10 + 1), county, villages))
        out.update(_rectification(random.Random(seed * 10 + 2), county, villages))
        out.update(_assessments(random.Random(seed * 10 + 3), county))
    return out
