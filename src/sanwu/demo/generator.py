"""The synthetic demo city: real Anqing city and county codes, generated townships, villages,
villager groups, people and one user for every role. Deterministic for a given seed."""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from sanwu.core import audit
from sanwu.core.codes import id_check_char
from sanwu.core.models import SiteFlag
from sanwu.regions import services as region_services
from sanwu.regions.models import Person, Region

CITY = ("340800000000", "安庆市")
# GB/T 2260 codes of Anqing's county-level divisions (domain.md 7.1).
COUNTIES = [
    ("340802000000", "迎江区"),
    ("340803000000", "大观区"),
    ("340811000000", "宜秀区"),
    ("340822000000", "怀宁县"),
    ("340825000000", "太湖县"),
    ("340826000000", "宿松县"),
    ("340827000000", "望江县"),
    ("340828000000", "岳西县"),
    ("340881000000", "桐城市"),
    ("340882000000", "潜山市"),
]
YUEXI = "340828000000"
TAIHU = "340825000000"
# Township names the brief mentions, used first for Yuexi; the rest are generated.
YUEXI_TOWNS = ["主簿镇", "五河镇", "菖蒲镇", "冶溪镇"]
YUEXI_VILLAGES = {"主簿镇": ["大歇村"], "菖蒲镇": ["毛畈村"], "冶溪镇": ["西坪村"], "五河镇": ["关河村"]}

# (townships, villages) per county at each scale. Yuexi has 182 villages, as in the brief; the
# other counties are smaller; the city has 1,332.
SCALES = {
    "small": {YUEXI: (2, 6), TAIHU: (1, 2)},
    "county": {YUEXI: (24, 182), TAIHU: (4, 12)},
    "city": {
        "340802000000": (4, 30),
        "340803000000": (5, 40),
        "340811000000": (6, 70),
        "340822000000": (18, 180),
        "340825000000": (15, 175),
        "340826000000": (20, 180),
        "340827000000": (10, 130),
        "340828000000": (24, 182),
        "340881000000": (15, 170),
        "340882000000": (16, 175),
    },
}

SYLLABLES = list("安宁平和兴隆丰华山河源溪岭坪畈冲湾桥塘岗庄田林石桥园泉青松竹梅花龙凤鹤云天明光东西南北中上下新古长高水")
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙朱胡高何汪储程方余")
GIVEN = list("明华国建军平志强海英秀兰芳玉春红德林文金荣桂凤丽勇杰涛斌")

PASSWORD_NOTE = "所有演示账号的密码相同"


@dataclass
class DemoResult:
    regions: int = 0
    people: int = 0
    users: list[tuple[str, str, str, str]] = field(default_factory=list)  # username, role, region code, name
    books: int = 0
    vouchers: int = 0
    book_seconds: float = 0.0
    through: tuple[int, int] = (2020, 12)  # the books' last month
    closed_through: tuple[int, int] = (2020, 12)
    moved: tuple[str, str] | None = None  # a 2004 book moved to the 2023 chart, and its successor


def _name(rng: random.Random, used: set[str], suffix: str) -> str:
    while True:
        n = rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + suffix
        if n not in used and n[0] != n[1]:
            used.add(n)
            return n


def region_rows(rng: random.Random, scale: str) -> list[tuple[str, str]]:
    rows = [CITY, *COUNTIES]
    for county_code, county_name in COUNTIES:
        spec = SCALES[scale].get(county_code)
        if not spec:
            continue
        towns, villages = spec
        used: set[str] = set()
        fixed = list(YUEXI_TOWNS) if county_code == YUEXI else []
        per_town = [villages // towns + (1 if i < villages % towns else 0) for i in range(towns)]
        for t in range(towns):
            is_xiang = t >= towns * 2 // 3 and towns > 2
            seg = (200 + t) if is_xiang else (100 + t)
            tname = fixed.pop(0) if fixed else _name(rng, used, "乡" if is_xiang else "镇")
            used.add(tname)
            tcode = county_code[:6] + f"{seg:03d}" + "000"
            rows.append((tcode, tname))
            vfixed = list(YUEXI_VILLAGES.get(tname, [])) if county_code == YUEXI else []
            for v in range(per_town[t]):
                vname = vfixed.pop(0) if vfixed else _name(rng, used, "村")
                used.add(vname)
                vcode = tcode[:9] + f"{200 + v:03d}"
                rows.append((vcode, vname))
                groups = 2 if scale == "small" else rng.randint(3, 8)
                for g in range(1, groups + 1):
                    rows.append((vcode + f"{g:03d}", f"{vname}第{'一二三四五六七八九十'[g - 1]}村民小组"))
    return rows


def _people(rng: random.Random, villages: list[Region], per_village: int) -> list[Person]:
    out = []
    seen: set[str] = set()
    for village in villages:
        for _ in range(per_village):
            while True:
                year, month, day = rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)
                seq = rng.randint(1, 999)
                first17 = f"{village.code[:6]}{year:04d}{month:02d}{day:02d}{seq:03d}"
                number = first17 + id_check_char(first17)
                if number not in seen:
                    seen.add(number)
                    break
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            out.append(
                Person(
                    region=village,
                    name=name,
                    id_number=number,
                    gender="M" if seq % 2 else "F",
                    birth_date=dt.date(year, month, day),
                    phone="1" + str(rng.choice((3, 5, 8))) + "".join(str(rng.randint(0, 9)) for _ in range(9)),
                )
            )
    return out


def load(scale: str = "small", seed: int = 2021, books: bool = True, progress=None) -> DemoResult:
    """Load the demo city into an empty database; with `books`, every village also gets a book
    with vouchers from 2018 to last month (`demo/books.py`). `progress(county, books, vouchers)` is told as
    each county's books are done."""
    if scale not in SCALES:
        raise ValueError(f"未知规模「{scale}」（small、county、city）")
    rng = random.Random(seed)
    result = DemoResult()
    rows = region_rows(rng, scale)
    csv_text = "code,name\n" + "\n".join(f"{c},{n}" for c, n in rows) + "\n"
    with transaction.atomic():
        region_services.import_regions(csv_text.encode("utf-8"), "demo-regions.csv")
        result.regions = len(rows)

        yuexi_towns = list(Region.objects.filter(parent_id=YUEXI).order_by("code"))
        t1, t2 = yuexi_towns[0], yuexi_towns[1]
        v1 = Region.objects.filter(parent=t1).order_by("code").first()
        v2 = Region.objects.filter(parent=t2).order_by("code").first()
        password = settings.SANWU_DEMO_PASSWORD
        users = [
            ("city_admin", "city_admin", CITY[0], "市委组织部管理员"),
            ("county_yuexi", "county_supervisor", YUEXI, "岳西县监管员"),
            ("township_1", "township_supervisor", t1.code, f"{t1.name}农经站"),
            ("township_2", "township_supervisor", t2.code, f"{t2.name}农经站"),
            ("accountant_1", "village_accountant", v1.code, f"{v1.name}报账员"),
            ("secretary_1", "village_secretary", v1.code, f"{v1.name}书记"),
            ("accountant_2", "village_accountant", v2.code, f"{v2.name}报账员"),
            ("auditor_yuexi", "auditor", YUEXI, "岳西县审计"),
            ("supervisor_1", "village_supervisor", v1.code, f"{v1.name}村务监督委员会主任"),
        ]
        for username, role, code, full_name in users:
            region_services.add_user(username, [(role, code)], password, full_name)
            result.users.append((username, role, code, full_name))

        villages = list(Region.objects.filter(level="village").order_by("code"))
        people = _people(rng, villages, 6 if scale == "small" else 4)
        Person.objects.bulk_create(people, batch_size=2000)
        result.people = len(people)
        if books:
            from . import books as demo_books  # here, not at the top: books.py builds on this module

            done = demo_books.load_books(seed, scale, progress=progress)
            result.books, result.vouchers, result.book_seconds = done.books, done.vouchers, done.seconds
            result.through, result.closed_through, result.moved = done.through, done.closed_through, done.moved
        SiteFlag.put("demo", "1")
        SiteFlag.put("demo_scale", scale)
        SiteFlag.put("demo_seed", str(seed))
        audit.record("demo.load", object_type="demo", new={"scale": scale, "seed": seed, "books": result.books}, region_code=CITY[0])
    return result
