"""The cooperatives of the demo city: every village with books gets its opening roster and share
register through the same import as a village accountant's sheet (`imports.import_members`):
households of one to five people, the village's registered people as heads first, 人口股 for
every member, 农龄股 for the adults, and 集体股 held by the collective (30% of all shares). The
accountant's village with a secretary (大歇村 in every scale) gets a larger one. Idempotent: a city
that has households already is left alone.

The demo counties set their rules (`CoopSettings`): per household, static, 浙江's 3% cap per
member, 公积公益金 30%.

Then each cooperative's last two distributions (`load_distributions`, the years
`demo.books.distribution_years` leaves to it), through the distribution service as the village
would: drafted and published in January, decided by a members' meeting (a 四议两公开 matter of
purpose 收益分配) eleven days later, approved and posted by the township, paid in February —
every household for the older year but about one in eight, about half for the newer — so that
the older year's unpaid and the newer year's owed stay payable. The months the plans post into
are opened for the posting and closed again as they were. The accountant's village (the big one)
gets its households' certificates (股权证)."""

import csv
import datetime as dt
import io
import random

from contextlib import contextmanager

from django.utils import timezone

from sanwu.core.codes import county_of, id_check_char, township_of
from sanwu.core.crypto import lookup_hash
from sanwu.core.dates import today
from sanwu.decisions import services as decisions
from sanwu.decisions.rules import StageData
from sanwu.disclosure import services as disclosure
from sanwu.disclosure.demo import SHOWCASE
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Book, Collective, Period
from sanwu.regions.models import Person, Region, RoleAssignment

from . import rules
from .imports import import_members
from .models import CoopSettings, FinanceReview, FinanceSignature, Holder, Household, Member, ShareClass
from .services import certificates, distribution, supervision, ventures

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
    out.update(load_distributions(rng))
    out["ventures"] = load_ventures()
    if big and (book := books_by_region(big)):
        out["certificates"] = issue_certificates(book.collective)
    out.update(load_supervision(books.values()))
    return out


# Each cooperative's officers: the heads of its first seven households, so that no two share a
# household (Art. 34); the demo's committee member with an account signs in 大歇村.
DEMO_POSTS = ("council_chair", "council", "accountant", "cashier", "supervisor_chair", "supervisor", "supervisor")
OFFICERS_FROM = dt.date(2018, 1, 1)  # the demo's books open in 2018
REVIEW_MONTHS = 26  # the disclosures' window (two years) and a little more
REMARKS = (
    "本月收支凭证齐全，审批手续完备，无异议。",
    "已核对银行对账单和现金日记账，账实相符，无异议。",
    "本月支出均经两委审批；建议下月起将办公用品采购单列公开。",
    "收入已全部入账；一笔误工补贴缺少签领人签字，已要求补签，其余无异议。",
    "已抽查大额支出原始凭证，与四议两公开决议一致，无异议。",
)


def load_supervision(books, as_of: dt.date | None = None) -> dict[str, int]:
    """Each cooperative's officers (through the service, Art. 34 checked) and the committee's
    民主理财 for every ended month of its books in the disclosures' window, each on the 3rd to 6th of
    the next month once that day has come; 大歇村's last month, until its disclosure is due, waits for
    its committee (whose chair signs in as supervisor_1). A book moved to the 2023 chart has the months before the move."""
    as_of = as_of or today()
    account = RoleAssignment.objects.filter(role=supervision.SUPERVISOR_ROLE).select_related("user").order_by("user_id").first()
    out = {"officers": 0, "reviews": 0}
    committees: dict[int, list] = {}
    for book in books:
        heads = list(Member.objects.filter(collective=book.collective, is_head=True).select_related("person").order_by("household__number")[: len(DEMO_POSTS)])
        if len(heads) < len(DEMO_POSTS):
            continue
        for head, post in zip(heads, DEMO_POSTS):
            user = account.user if account and post == "supervisor_chair" and account.region_id == book.region_id else None
            o = supervision.add_officer(None, book.collective, head.person, post, OFFICERS_FROM, account=user, declared=True)
            out["officers"] += 1
            if post in rules.SUPERVISOR_POSTS:
                committees.setdefault(book.collective_id, []).append(o)
    last = (as_of.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # the last ended month
    reviews, signatures = [], []
    rng = random.Random(7)
    for book in Book.objects.filter(collective_id__in=list(committees)).select_related("successor").order_by("code"):
        end = book.successor.start_date if book.successor_id else dt.date.max
        first = book.start_date if book.region_id == SHOWCASE else max(book.start_date, _months_back(last, REVIEW_MONTHS))
        y, m = first.year, first.month
        while dt.date(y, m, 1) < end and dt.date(y, m, 1) <= last:
            ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
            on = dt.date(ny, nm, rng.randint(3, 6))
            if on > as_of or (book.region_id == SHOWCASE and dt.date(y, m, 1) == last and not _due(book, y, m, as_of)):
                break  # not reviewed yet
            reviews.append(FinanceReview(collective_id=book.collective_id, book=book, year=y, month=m, reviewed_on=on, remarks=rng.choice(REMARKS)))
            y, m = ny, nm
    FinanceReview.objects.bulk_create(reviews, batch_size=1000)
    for r in FinanceReview.objects.filter(collective_id__in=list(committees)).only("id", "collective_id", "reviewed_on"):
        at = timezone.make_aware(dt.datetime.combine(r.reviewed_on, dt.time(15, 0)))
        signatures += [FinanceSignature(review_id=r.pk, officer=o, signed_at=at) for o in committees[r.collective_id]]
    FinanceSignature.objects.bulk_create(signatures, batch_size=2000)
    out["reviews"] = len(reviews)
    return out


def _due(book: Book, year: int, month: int, as_of: dt.date) -> bool:
    """Whether the disclosure of the month's period is due by `as_of`."""
    s = disclosure.settings_for(book.region_id)
    return disclosure.due_date(s, disclosure.period_containing(s.frequency, year, month)) <= as_of


def _months_back(first_of_month: dt.date, n: int) -> dt.date:
    y, m = divmod(first_of_month.year * 12 + first_of_month.month - 1 - n, 12)
    return dt.date(y, m + 1, 1)


def books_by_region(code: str) -> Book | None:
    return Book.objects.filter(region_id=code, successor__isnull=True).first()


def dividend_matter(village: str, members: int, year: int, meeting: dt.date):
    """A 收益分配 matter of `year`'s plan, decided by the members' meeting on `meeting` (notice 12
    days before, four in five present, all but one of them for), its resolution published the day after."""
    m = decisions.create_matter(None, village, f"{year}年度股份分红", "other", purpose="dividend", amount=1, year=year + 1)
    start = meeting - dt.timedelta(days=12)
    stages = [
        ("proposal", dict(meeting_type="branch_committee", entitled=5, present=5, text="村党组织提议按股分红。")),
        ("committees", dict(meeting_type="joint_committees", entitled=7, present=7, votes_for=7, votes_against=0, votes_abstain=0, text="两委商议同意分配方案。")),
        ("members_meeting", dict(meeting_type="party_members", entitled=30, present=24, votes_for=24, votes_against=0, votes_abstain=0, text="党员大会审议同意。")),
    ]
    for i, (stage, data) in enumerate(stages):
        decisions.record_stage(None, m, stage, StageData(date=start + dt.timedelta(days=i), **data))
    present = max(1, members * 4 // 5)
    decisions.record_stage(None, m, "villagers_meeting", StageData(
        date=meeting, meeting_type="coop_members", entitled=members, present=present, votes_for=present - 1 if present > 1 else 1,
        votes_against=1 if present > 1 else 0, votes_abstain=0, notice_date=start, text="成员大会表决通过收益分配方案。",
    ))
    decisions.record_stage(None, m, "resolution_published", StageData(date=meeting + dt.timedelta(days=1), channel="notice_board", text="决议在村务公开栏公开。"))
    return m


@contextmanager
def _months_open(book: Book, months: list[tuple[int, int]]):
    """The demo's months opened for a posting into them and closed again as they were (the books
    loader closed them after its own postings; a village posts its plan before it closes December)."""
    rows = [p for p in Period.objects.filter(book=book, year__in={y for y, _ in months}) if (p.year, p.month) in months]
    Period.objects.filter(pk__in=[p.pk for p in rows]).update(status="open")
    try:
        yield
    finally:
        for p in rows:
            Period.objects.filter(pk=p.pk).update(status=p.status)


def _township_user(village: str):
    """The village's township supervisor who reviews its vouchers (None: the system operator)."""
    ra = RoleAssignment.objects.filter(role="township_supervisor", region_id=township_of(village)).select_related("user").order_by("user_id").first()
    return ra.user if ra else None


def load_distributions(rng: random.Random, as_of: dt.date | None = None) -> dict[str, int]:
    from sanwu.demo.books import distribution_years

    as_of = as_of or today()
    years = distribution_years(as_of)
    out = {"distributions": 0, "paid_households": 0, "owed_households": 0}
    for c in Collective.objects.filter(households__isnull=False).distinct().order_by("region_id", "id"):
        members = Member.objects.filter(collective=c, is_member=True, left_on__isnull=True).count()
        for newer, year in enumerate(years):
            book = Book.objects.filter(collective=c, start_date__year__lte=year).order_by("-start_date").first()
            if book is None or book.successor_id or not ledger.year_closed(book, year) or distribution.available_of(book, year) <= 0:
                continue  # a book moved to the 2023 chart takes no posting (its village keeps the provisional reserve)
            published, meeting = dt.date(year + 1, 1, 6), dt.date(year + 1, 1, 20)
            paid_on = dt.date(year + 1, 2, 10)
            with _months_open(book, [(year, 12), (paid_on.year, paid_on.month)]):
                d = distribution.draft(None, book, year)
                d = distribution.publish(None, d, published)
                d = distribution.decide(None, d, dividend_matter(c.region_id, members, year, meeting))
                d = distribution.approve(None, d)
                owed = [distribution.line_key(ln) for ln in distribution.unpaid_lines(d)]
                share = 0.5 if newer else 0.875
                paid = [h for h in owed if rng.random() < share]
                if paid:
                    v = distribution.pay(None, d, paid, paid_on)
                    ledger.review_and_post(_township_user(c.region_id), v)
            out["distributions"] += 1
            out["paid_households"] += len(paid)
            out["owed_households"] += len(owed) - len(paid)
    return out


# The brief's two ventures (yuan): 毛畈村's four parties (四方入股, 四马分肥) and 大歇村's
# resources quantified as 51% of a tourism venture. (village, name, business, founded, stakes,
# the newer distribution year's profit, yuan)
VENTURES = [
    ("毛畈村", "岳西县毛畈茶业专业合作公司", "茶叶种植、加工与销售", dt.date(2021, 3, 18), [
        ("farmers_land", "入股农户（86户）", 1_200_000, "茶园土地经营权按评估价折股"),
        ("collective_funds", "毛畈村股份经济合作社", 2_000_000, "村集体经营性资金"),
        ("cadre_funds", "村两委干部（7人）", 300_000, "村干部责任金"),
        ("idle_funds", "本村群众闲散资金", 500_000, ""),
    ], 600_000),
    ("大歇村", "岳西县大歇山旅游开发有限公司", "乡村旅游与民宿经营", dt.date(2021, 5, 8), [
        ("collective_resources", "大歇村股份经济合作社", 5_100_000, "山场、林地、水面等资源评估折价入股（51%）"),
        ("social_capital", "安庆市文旅投资有限公司", 4_900_000, "社会资本现金出资"),
    ], 800_000),
]


def load_ventures(as_of: dt.date | None = None) -> int:
    """The brief's ventures where the demo city has the village and its cooperative: their stakes,
    and the newer distribution year's profit split, the cooperative's part posted as 投资收益 on
    15 March of the year after (the month opened for it, as for the plans)."""
    from sanwu.demo.books import distribution_years

    years = distribution_years(as_of or today())
    made = 0
    for village, name, business, founded, stakes, profit in VENTURES:
        region = Region.objects.filter(name=village, level="village").order_by("code").first()
        book = books_by_region(region.code) if region else None
        if book is None or not Household.objects.filter(collective=book.collective).exists():
            continue
        v = ventures.create_venture(
            None, book.collective, name=name, business=business, founded_on=founded,
            stakes=[ventures.StakeData(k, party, yuan * 100, note) for k, party, yuan, note in stakes],
        )
        made += 1
        year = years[-1] if years else None
        on = dt.date(year + 1, 3, 15) if year else None
        if on is None or ledger.year_closed(book, on.year):
            continue  # its 投资收益 would fall in a year already closed
        with _months_open(book, [(on.year, on.month)]):
            p = ventures.record_profit(None, v, year=year, profit=profit * 100, declared_on=on)
            if p.voucher is not None:
                ledger.review_and_post(_township_user(book.region_id), p.voucher)
    return made


def issue_certificates(collective) -> int:
    """Every household's certificate as at the quantification (their 查询码 are not kept: a
    household asks the accountant to reissue one to learn its code)."""
    n = 0
    for holder in Holder.objects.filter(collective=collective, kind="household").order_by("household__number"):
        certificates.issue_certificate(None, holder, as_at=OPENED, issued_on=dt.date(OPENED.year, 7, 15))
        n += 1
    return n


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
