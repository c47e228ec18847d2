"""Openness for the demo city: county settings, financial disclosures for the villages that have
books (every period due in the last year, published on time by most villages; the one that has
ended but is not due yet prepared by some), and villagers' questions over the past year with
answers that answer them, from the village's own figures.

`load_demo(seed)` runs after the demo city and its books are loaded. Deterministic for a seed and
a day (the same villages, periods, states, texts and dates, all counted back from today, as the
books are), and idempotent: a second run adds nothing.

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
from sanwu.core.money import format_wan
from sanwu.ledger.models import Book, Entry, RoleYear, SourceMonth
from sanwu.regions.models import Person, Region, RoleAssignment
from sanwu.regions.services import registered_names

from . import services
from .models import Disclosure, DisclosureSettings, Question
from .services.snapshot import activity_months

TZ = ZoneInfo("Asia/Shanghai")
SHOWCASE = "340828100200"  # 大歇村: every month of 2018–2020 published, and every month of the last year
# The period ended but not yet due, in the personas' villages: 大歇村 has prepared it (its
# secretary is to confirm), 关河村 has confirmed it (its accountant is to publish).
CURRENT = {SHOWCASE: "draft", "340828101200": "confirmed"}
# Questions the personas' townships have before them: one in time in 大歇村, one late in 关河村.
FATES = {(SHOWCASE, 0): "answered", (SHOWCASE, 1): "recent", ("340828101200", 0): "overdue"}
# County rules (principle 8): Yuexi publishes monthly, Taihu quarterly; the rest keep the defaults.
COUNTY_RULES = {"340828000000": ("monthly", 10, 7), "340825000000": ("quarterly", 15, 10)}
# Beyond this many books (the county scale has 194, the city 1,332) only Yuexi's villages and
# one village per township elsewhere disclose, to keep `sanwu demo` quick.
ALL_BOOKS = 200
WINDOW_DAYS = 366  # the periods due this far back are published (what oversight looks at)

# Villagers' questions with the answers the township gave: each answer answers its question, with
# the village's own figures from its books where the question asks for them.
QUESTIONS = [
    ("pv", "今年光伏电站一共收入多少钱？钱存在哪里？",
     "经核实，{village}光伏电站{so_far}发电收入共{pv}，由供电公司按月转入村股份经济合作社在农商银行开设的基本存款账户，"
     "每月的收入都列在财务公开“经营收入”和“收入来源·光伏发电”中。"),
    ("subsidy", "村里收到的上级补助有多少？都用在哪里了？",
     "{village}{so_far}收到上级补助资金共{subsidy}，主要是村级组织运转经费，用于村干部报酬、村部水电和办公支出，"
     "每一笔都列在财务公开的“补助收入”和“管理费用”中。"),
    ("management", "公开栏上的管理费用和去年比有变化，主要花在哪里？",
     "{village}{last}年管理费用{me_last}，{before}年为{me_before}，{me_change}。主要是村干部误工补贴（上、下半年各发放一次）、村部电费和办公用品，"
     "村干部报酬按县里统一标准逐年调整。明细见每月公开的“每一笔收支”。"),
    ("stipend", "村干部误工补贴是按什么标准发的？",
     "村干部误工补贴按县里统一标准，根据考核结果上半年、下半年各发放一次，通过银行转账发到本人账户，不发现金；"
     "{village}{last}年共发放{stipend}，已在当期财务公开的“管理费用”中列示。"),
    ("contracting", "集体的山场、茶园承包费每年收多少，承包合同什么时候到期？",
     "{village}集体{contract_object}承包费{last}年收取{contracting}，已于当年3月全部收齐。现行承包合同期限五年，"
     "到期前三个月由村“两委”按“四议两公开”程序重新发包，结果在公开栏公示。"),
    ("dividend", "今年村集体经济收入能不能给村民分红？",
     "{village}{last}年经营收入{income}。分红方案须先提取公积公益金，再经成员（代表）大会讨论通过后实施；"
     "村“两委”正在测算，方案确定后会在公开栏和本页公布。"),
    ("rent", "厂房出租的租金收了没有？还有多少没收回来？",
     "{village}{last}年出租{rent_object}的租金{rent}已于年初全额收取，目前没有拖欠。租金收入列在当月财务公开的“经营收入·租金”中。"),
]
PERSONAL = "我是{name}，电话{phone}。我家的土地流转费什么时候发？"
PERSONAL_ANSWER = "您好，经与村报账员核实，本年度土地流转费已由流转企业转入村集体账户，将于本月底前通过银行代发到各户，请留意银行短信。"


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


def _periods(book: Book, as_of: dt.date) -> list[services.Period]:
    """The periods with business due within the window before `as_of` (what oversight counts),
    and the one that has ended but is not due yet (prepared by some villages); for the showcase
    also every month of 2018–2020."""
    s = services.settings_for(book.region_id)
    months = []
    y, m = as_of.year - 2, as_of.month
    while (y, m) < (as_of.year, as_of.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    active = {(y, m) for _, y, m in activity_months([book.pk], months)}
    out: list[services.Period] = []
    for y, m in months:
        p = services.period_containing(s.frequency, y, m)
        if (y, m) in active and p not in out and p.end < as_of and services.due_date(s, p) > as_of - dt.timedelta(days=WINDOW_DAYS):
            out.append(p)
    if book.region_id == SHOWCASE:
        out = [services.Period(y, m, m) for y in (2018, 2019, 2020) for m in range(1, 13)] + out
    return [p for p in out if p.start >= book.start_date.replace(day=1)]


def _disclose(book: Book, rng: random.Random, names: Names, people: dict, result: DemoResult, as_of: dt.date, limit: dt.datetime) -> None:
    s = services.settings_for(book.region_id)
    periods = _periods(book, as_of)
    existing = {(d.year, d.month_from, d.month_to) for d in Disclosure.objects.filter(book=book)}
    due_ones = [p for p in periods if services.due_date(s, p) <= as_of]
    latest_due = due_ones[-1] if due_ones else None
    showcase = book.region_id == SHOWCASE
    maker, secretary = people.get(("village_accountant", book.region_id)), people.get(("village_secretary", book.region_id))
    base = rng.random()  # each period its own draws: a second run skips what exists and draws the same
    for p in periods:
        if (p.year, p.month_from, p.month_to) in existing:
            continue
        rng = random.Random(f"{base}:{p.key}")
        due = services.due_date(s, p)
        if due > as_of:  # ended, not due yet: some villages have prepared it, a few confirmed it too
            state = CURRENT.get(book.region_id) or rng.choices(["none", "draft", "confirmed"], [55, 30, 15])[0]
        elif p == latest_due and not showcase:  # the last one due: most on time, a few late or missing
            state = rng.choices(["published", "late", "confirmed", "draft", "none"], [86, 5, 3, 2, 4])[0]
        else:
            state = "late" if not showcase and rng.randint(1, 100) <= 4 else "published"
        if state == "none":
            continue

        def when(day: dt.date, hour: int) -> dt.datetime:
            return min(_at(day, hour, rng.randint(0, 59)), limit - dt.timedelta(minutes=rng.randint(30, 300)))

        try:
            prepared = when(min(due - dt.timedelta(days=rng.randint(4, 8)), as_of), 9)
            prepared = max(prepared, _at(p.end + dt.timedelta(days=1), 8))
            d = services.prepare(maker, book, p.year, p.month_from, p.month_to, names=names, at=prepared)
            result.disclosures += 1
            if state in ("confirmed", "published", "late"):
                d = services.confirm(secretary, d, at=max(when(due - dt.timedelta(days=rng.randint(2, 3)), 15), prepared + dt.timedelta(hours=2)))
            if state in ("published", "late"):
                day = due + dt.timedelta(days=rng.randint(1, 6)) if state == "late" else due - dt.timedelta(days=rng.randint(0, 2))
                services.publish(maker, d, at=max(when(day, 10), d.confirmed_at + dt.timedelta(hours=1)))
                result.published += 1
        except Invalid:  # a period the book cannot disclose (e.g. before it was opened)
            continue


def _facts(book: Book, as_of: dt.date) -> dict:
    """The village's figures the answers quote (from the kept totals) as they stood on `as_of`:
    this year to last month, and the last two years, in 万元."""
    year, month = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
    last, before = as_of.year - 1, as_of.year - 2
    roles: dict[tuple[int, str], int] = {}
    for y, role, debit, credit in RoleYear.objects.filter(book=book, year__in=(before, last, year)).values_list("year", "role", "debit", "credit"):
        roles[(y, role)] = credit - debit if role.endswith("_income") else debit - credit
    src: dict[tuple[int, str], int] = {}
    for y, m, source, debit, credit in SourceMonth.objects.filter(book=book, year__in=(last, year)).values_list("year", "month", "source", "debit", "credit"):
        if y == last or m <= month:
            src[(y, source)] = src.get((y, source), 0) + credit - debit
    stipends = sum(
        e for e in Entry.objects.filter(voucher__book=book, voucher__year=last, voucher__summary__contains="误工补贴").values_list("debit", flat=True)
    )
    me_last, me_before = roles.get((last, "management_expense"), 0), roles.get((before, "management_expense"), 0)
    change = me_last - me_before
    return {
        "year": year, "month": month, "last": last, "before": before,
        "so_far": f"{year}年1月" if month == 1 else f"{year}年1—{month}月",
        "me_change": ("增加" if change > 0 else "减少") + format_wan(abs(change)) + "万元" if change else "与上年持平",
        "pv": format_wan(src.get((year, "pv"), 0)) + "万元",
        "subsidy": format_wan(roles.get((year, "subsidy_income"), 0)) + "万元",
        "me_last": format_wan(me_last) + "万元",
        "me_before": format_wan(me_before) + "万元",
        "stipend": format_wan(stipends) + "万元",
        "contracting": format_wan(src.get((last, "contracting"), 0)) + "万元",
        "rent": format_wan(src.get((last, "rent"), 0)) + "万元",
        "income": format_wan(sum(roles.get((last, r), 0) for r in ("operating_income", "contracting_income", "investment_income"))) + "万元",
        "_has": {
            "pv": src.get((year, "pv"), 0) > 0, "contracting": src.get((last, "contracting"), 0) > 0, "rent": src.get((last, "rent"), 0) > 0,
            "subsidy": roles.get((year, "subsidy_income"), 0) > 0, "stipend": stipends > 0,
        },
    }


def _ask(book: Book, rng: random.Random, names: Names, people: list[Person], staff: dict, result: DemoResult, as_of: dt.date, limit: dt.datetime) -> None:
    village = book.region
    if Question.objects.filter(village=village).exists():
        return
    s = services.settings_for(village.code)
    has = _facts(book, as_of)["_has"]
    fit = [q for q in QUESTIONS if has.get(q[0], True)]
    items = [(key, text, answer) for key, text, answer in rng.sample(fit, k=min(len(fit), rng.randint(2, 3)))]
    if people and rng.randint(1, 3) == 1:
        p = rng.choice(people)
        items.append(("personal", PERSONAL.format(name=p.name, phone=p.phone or "13800000000"), PERSONAL_ANSWER))
    township = staff.get(("township_supervisor", village.parent_id))
    extra = {"village": village.name, "contract_object": rng.choice(("山场", "茶园", "集体林地")), "rent_object": rng.choice(("厂房", "门面房", "冷库"))}
    for i, (_, text, answer) in enumerate(items):
        fate = rng.choices(["answered", "late", "overdue", "recent"], [66, 8, 4, 22])[0]
        fate = FATES.get((village.code, i), fate)
        if fate == "recent":  # asked these last days, its deadline still ahead
            asked_day = as_of - dt.timedelta(days=rng.randint(0, min(3, s.answer_days - 1)))
        elif fate == "overdue":  # its deadline passed a few days ago
            asked_day = as_of - dt.timedelta(days=s.answer_days + rng.randint(1, 6))
        else:  # over the past year
            asked_day = as_of - dt.timedelta(days=rng.randint(s.answer_days + 15, 330))
        at = min(_at(asked_day, rng.randint(7, 21), rng.randint(0, 59)), limit - dt.timedelta(minutes=rng.randint(5, 300)))
        q = services.ask(village.code, text, contact=rng.choice(["", "", "13955556666", "微信 zhang_1960"]), now=at)
        result.questions += 1
        if fate in ("answered", "late"):
            days = rng.randint(1, s.answer_days) if fate == "answered" else s.answer_days + rng.randint(2, 9)
            text = answer.format(**_facts(book, asked_day), **extra)  # the figures as they stood when asked
            services.answer(township, q, text, now=at + dt.timedelta(days=days, hours=rng.randint(1, 5)), names=names)
            result.answered += 1


def load_demo(seed: int) -> DemoResult:
    """Disclosures and questions for the demo city already loaded (regions, people, books)."""
    result = DemoResult()
    books = list(Book.objects.select_related("region__parent").order_by("code"))
    every = len(books) <= ALL_BOOKS
    as_of = services.today()
    limit = timezone.now()
    with transaction.atomic():
        _settings()
        names_by_county: dict[str, Names] = {}
        people_by_village: dict[str, list[Person]] = {}
        for p in Person.objects.filter(region__code__in=[b.region_id for b in books]).order_by("id"):
            people_by_village.setdefault(p.region_id, []).append(p)
        staff: dict[tuple[str, str], object] = {}
        for ra in RoleAssignment.objects.filter(role__in=("village_accountant", "village_secretary", "township_supervisor")).select_related("user").order_by("user_id"):
            staff.setdefault((ra.role, ra.region_id), ra.user)
        first_of_township: set[str] = set()
        for book in books:
            county = county_of(book.region_id)
            if not every and county != county_of(SHOWCASE):
                # city scale: Yuexi's villages all disclose; elsewhere one village per township
                township = township_of(book.region_id)
                if township in first_of_township:
                    continue
                first_of_township.add(township)
            names = names_by_county.get(county)
            if names is None:
                names = names_by_county[county] = registered_names(book.region_id)
            rng = random.Random(f"{seed}:disclosure:{book.code}")
            _disclose(book, rng, names, staff, result, as_of, limit)
            _ask(book, rng, names, people_by_village.get(book.region_id, []), staff, result, as_of, limit)
        audit.record(
            "demo.disclosure", object_type="demo", region_code="",
            new={"seed": seed, "disclosures": result.disclosures, "published": result.published, "questions": result.questions, "answered": result.answered},
        )
    return result
