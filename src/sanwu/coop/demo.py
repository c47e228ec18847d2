"""The cooperatives of the demo city: every village with books gets its opening roster and share
register through the same import as a village accountant's sheet (`imports.import_members`):
households of one to five people, the village's registered people as heads first, 人口股 for
every member, 农龄股 for the adults, and 集体股 held by the collective (30% of all shares). The
accountant's village with a secretary (大歇村 in every scale) gets a larger one. Idempotent: a city
that has households already is left alone.

The demo counties set their rules (`CoopSettings`): per household, static, 浙江's 3% cap per
member, 公积公益金 30%."""

import csv
import datetime as dt
import io
import random

from sanwu.core.codes import county_of, id_check_char
from sanwu.core.crypto import lookup_hash
from sanwu.ledger.models import Book
from sanwu.regions.models import Person, Region, RoleAssignment

from . import rules
from .imports import import_members
from .models import CoopSettings, Household, ShareClass

OPENED = dt.date(2020, 6, 30)  # the quantification (折股量化) of the demo's cooperatives
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙朱胡高何汪储程方余")
GIVEN = list("明华国建军平志强海英秀兰芳玉春红德林文金荣桂凤丽勇杰涛斌")
RELATIONS = ["spouse", "child", "child", "parent", "grandchild"]
VALUE_PER_SHARE = 190_000  # fen: 1,900 元 a share, near Yuexi's 1.04亿元 over its villages


def load_demo(seed: int = 2021) -> dict[str, int]:
    if Household.objects.exists():
        return {"cooperatives": 0, "households": 0, "people": 0}
    rng = random.Random(seed * 7 + 13)
    books = {}
    for b in Book.objects.filter(successor__isnull=True).select_related("collective", "region").order_by("region_id", "-start_date"):
        books.setdefault(b.collective_id, b)
    for county in sorted({county_of(b.region_id) for b in books.values()}):
        CoopSettings.objects.get_or_create(county_id=county)
    big = _big_village()
    taken = set(Person.objects.values_list("id_number_hash", flat=True))
    out = {"cooperatives": 0, "households": 0, "people": 0}
    for book in books.values():
        village = book.region
        households = 60 if village.code == big else rng.randint(25, 40)
        data = _sheet(rng, village, households, taken)
        r = import_members(None, book, data, f"{village.name}期初成员名册（示例）.csv", OPENED)
        ShareClass.objects.filter(collective=book.collective).update(value_per_share=VALUE_PER_SHARE)
        out["cooperatives"] += 1
        out["households"] += r.households
        out["people"] += r.people
    return out


def _big_village() -> str | None:
    with_secretary = RoleAssignment.objects.filter(role="village_secretary").values("region_id")
    ra = RoleAssignment.objects.filter(role="village_accountant", region_id__in=with_secretary).order_by("region_id").first()
    return ra.region_id if ra else None


def _new_id(rng, village_code: str, born: int, taken: set[str]) -> str:
    while True:
        first = f"{village_code[:6]}{born:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(1, 999):03d}"
        number = first + id_check_char(first)
        h = lookup_hash(number)
        if h not in taken:
            taken.add(h)
            return number


def _sheet(rng, village: Region, households: int, taken: set[str]) -> bytes:
    """The village's roster as the accountant would type it (one row per person and class)."""
    registered = [(p.name, p.id_number) for p in Person.objects.filter(region=village).order_by("id")]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["户号", "户主", "姓名", "身份证号", "与户主关系", "成员", "股份类别", "份额", "开户行", "银行账号"])
    total = 0
    for n in range(1, households + 1):
        number = f"{n:03d}"
        size = rng.choice((1, 2, 3, 3, 4, 4, 5))
        surname = rng.choice(SURNAMES)
        for i in range(size):
            if i == 0 and registered:
                name, id_number = registered.pop(0)
            else:
                born = rng.randint(1945, 1985) if i == 0 else rng.randint(1950, 2024)
                name = (surname if i != 1 else rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                id_number = _new_id(rng, village.code, born, taken)
            relation = "head" if i == 0 else rng.choice(RELATIONS)
            born_year = int(id_number[6:10])
            bank = ("岳西农商银行" if village.code.startswith("340828") else "太湖农商银行") if i == 0 else ""
            account = ("6228" + "".join(str(rng.randint(0, 9)) for _ in range(15))) if i == 0 else ""
            head = "是" if i == 0 else "否"
            w.writerow([number, head, name, id_number, rules.RELATIONS[relation], "是", "人口股", "1", bank, account])
            total += 100
            if born_year <= OPENED.year - 18:
                farm = rng.choice(("0.5", "1", "1.5", "2"))
                w.writerow([number, head, name, id_number, rules.RELATIONS[relation], "是", "农龄股", farm, "", ""])
                total += int(float(farm) * 100)
    w.writerow(["集体", "", "", "", "", "", "集体股", rules.format_units(total * 3 // 7), "", ""])  # 30% of all shares
    return buf.getvalue().encode("utf-8")
