"""Openness for the demo city: county settings, financial disclosures for the villages that have
books (the books cover 2018–2020), and villagers' questions, answered and not.

`load_demo(seed)` runs after the demo city and its books are loaded. Deterministic for a seed
(the same villages, periods, states, texts and dates; only the few questions asked "these last
days", which show what an open question within its deadline looks like, are dated from today),
and idempotent: a second run adds nothing.

Every disclosure goes through the services (prepare → confirm → publish), so it is frozen with the
book's chain head like any other; timestamps are backdated to when a village would have done it.
"""

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from sanwu.core import audit
from sanwu.core.codes import county_of, township_of
from sanwu.core.errors import Invalid
from sanwu.core.masking import Names
from sanwu.ledger.models import Book
from sanwu.regions.models import Person, Region
from sanwu.regions.services import registered_names

from . import services
from .models import Disclosure, DisclosureSettings, Question

YEAR = 2020  # the last year of the demo books
TZ = ZoneInfo("Asia/Shanghai")
SHOWCASE = "340828100200"  # 大歇村: every month of 2018–2020 published
# County rules (principle 8): Yuexi publishes monthly, Taihu quarterly; the rest keep the defaults.
COUNTY_RULES = {"340828000000": ("monthly", 10, 7), "340825000000": ("quarterly", 15, 10)}
# Beyond this many books (the county scale has 194, the city 1,332) only the last two periods of
# 2020 are disclosed, by every Yuexi village and by one village per township elsewhere, to keep
# `sanwu demo` quick.
FULL_YEAR_BOOKS = 20

QUESTIONS = [
    "今年光伏电站一共发了多少电、收入多少钱？钱存在哪里？",
    "村部维修花了多少钱？是谁承包的，有没有经过村民代表会议？",
    "村里修路的钱是从哪里来的？上级补助了多少？",
    "集体的山场承包费每年收多少，承包合同什么时候到期？",
    "村干部误工补贴是按什么标准发的？",
    "今年村集体经济收入能不能给村民分红？",
    "公开栏上的管理费用比去年多了，主要花在哪里？",
    "冷库出租的租金收了没有？还有多少没收回来？",
]
PERSONAL = "我是{name}，电话{phone}。我家的土地流转费什么时候发？"
ANSWERS = [
    "经核实，{village}的这笔收支已在本期财务公开中列明，明细可在本页“每一笔收支”中查看。如有疑问可到镇农经站查阅原始凭证。",
    "该事项已经村“两委”商议、村民代表会议表决通过，决议和实施结果已在公开栏公布。镇农经站已核对相关合同和票据，账实相符。",
    "已转请村会计核实。相关款项按合同约定分期收取，未收回部分已列入应收款，镇里将督促按期收回。",
    "村干部误工补贴按县里统一标准发放，由镇财政所代发，已在本期公开的“管理费用”中列示。",
    "分红方案须经成员（代表）大会讨论通过后实施，目前村集体正在测算，方案确定后会张榜公布。",
]


@dataclass
class DemoResult:
    disclosures: int = 0
    published: int = 0
    questions: int = 0
    answered: int = 0


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _settings() -> None:
    for code, (frequency, due_day, answer_days) in COUNTY_RULES.items():
        if Region.objects.filter(code=code).exists() and not DisclosureSettings.objects.filter(county_id=code).exists():
            services.update_settings(None, code, frequency, due_day, answer_days)


def _periods(book: Book, full: bool) -> list[services.Period]:
    s = services.settings_for(book.region_id)
    years = (2018, 2019, 2020) if book.region_id == SHOWCASE else (YEAR,)
    out: list[services.Period] = []
    for y in years:
        for m in range(1, 13):
            p = services.period_containing(s.frequency, y, m)
            if p not in out and p.start >= book.start_date.replace(day=1):
                out.append(p)
    return out if full or book.region_id == SHOWCASE else out[-2:]


def _disclose(book: Book, rng: random.Random, full: bool, names: Names, result: DemoResult) -> None:
    s = services.settings_for(book.region_id)
    periods = _periods(book, full)
    existing = {(d.year, d.month_from, d.month_to) for d in Disclosure.objects.filter(book=book)}
    # The last period shows every state: most villages published it, some are still on the way,
    # a few have not even prepared it (late: oversight's "disclosure overdue").
    last_state = "published" if book.region_id == SHOWCASE else rng.choices(["published", "confirmed", "draft", "none"], [70, 10, 10, 10])[0]
    for p in periods:
        if (p.year, p.month_from, p.month_to) in existing:
            continue
        state = last_state if p == periods[-1] else "published"
        if state == "none":
            continue
        due = services.due_date(s, p)
        try:
            d = services.prepare(None, book, p.year, p.month_from, p.month_to, names=names, at=_at(due - dt.timedelta(days=rng.randint(4, 8)), 9, rng.randint(0, 59)))
            result.disclosures += 1
            if state in ("confirmed", "published"):
                d = services.confirm(None, d, at=_at(due - dt.timedelta(days=rng.randint(2, 3)), 15, rng.randint(0, 59)))
            if state == "published":
                late = rng.randint(1, 100) <= 8
                services.publish(None, d, at=_at(due + dt.timedelta(days=rng.randint(1, 6)) if late else due - dt.timedelta(days=1), 10, rng.randint(0, 59)))
                result.published += 1
        except Invalid:  # a period the book cannot disclose (e.g. before it was opened)
            continue


def _ask(book: Book, rng: random.Random, names: Names, people: list[Person], result: DemoResult) -> None:
    village = book.region
    if Question.objects.filter(village=village).exists():
        return
    s = services.settings_for(village.code)
    texts = rng.sample(QUESTIONS, k=rng.randint(2, 3))
    if people and rng.randint(1, 3) == 1:
        p = rng.choice(people)
        texts.append(PERSONAL.format(name=p.name, phone=p.phone or "13800000000"))
    base = dt.date(YEAR + 1, 1, 15) + dt.timedelta(days=rng.randint(0, 40))
    today = services.today()
    for i, text in enumerate(texts):
        fate = rng.choices(["answered", "late", "overdue", "recent"], [55, 15, 20, 10])[0]
        if village.code == SHOWCASE and i == 0:
            fate = "answered"
        asked_day = today - dt.timedelta(days=rng.randint(0, min(2, s.answer_days - 1))) if fate == "recent" else base + dt.timedelta(days=7 * i)
        asked = _at(asked_day, rng.randint(7, 21), rng.randint(0, 59))
        if fate == "recent" and asked > timezone.now():
            asked = timezone.now() - dt.timedelta(minutes=rng.randint(5, 300))
        q = services.ask(village.code, text, contact=rng.choice(["", "", "13955556666", "微信 zhang_1960"]), now=asked)
        result.questions += 1
        if fate in ("answered", "late"):
            days = rng.randint(1, s.answer_days) if fate == "answered" else s.answer_days + rng.randint(2, 9)
            answer = rng.choice(ANSWERS).format(village=village.name)
            services.answer(None, q, answer, now=asked + dt.timedelta(days=days, hours=rng.randint(1, 5)), names=names)
            result.answered += 1


def load_demo(seed: int) -> DemoResult:
    """Disclosures and questions for the demo city already loaded (regions, people, books)."""
    result = DemoResult()
    books = list(Book.objects.select_related("region__parent").order_by("code"))
    full = len(books) <= FULL_YEAR_BOOKS
    with transaction.atomic():
        _settings()
        names_by_county: dict[str, Names] = {}
        people_by_village: dict[str, list[Person]] = {}
        for p in Person.objects.filter(region__code__in=[b.region_id for b in books]).order_by("id"):
            people_by_village.setdefault(p.region_id, []).append(p)
        first_of_township: set[str] = set()
        for book in books:
            county = county_of(book.region_id)
            if not full and county != county_of(SHOWCASE):
                # city scale: Yuexi's villages all disclose; elsewhere one village per township
                township = township_of(book.region_id)
                if township in first_of_township:
                    continue
                first_of_township.add(township)
            names = names_by_county.get(county)
            if names is None:
                names = names_by_county[county] = registered_names(book.region_id)
            rng = random.Random(f"{seed}:disclosure:{book.code}")
            _disclose(book, rng, full, names, result)
            _ask(book, rng, names, people_by_village.get(book.region_id, []), result)
        audit.record(
            "demo.disclosure", object_type="demo", region_code="",
            new={"seed": seed, "disclosures": result.disclosures, "published": result.published, "questions": result.questions, "answered": result.answered},
        )
    return result
