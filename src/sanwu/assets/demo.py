"""Asset registers for the demo city: every current demo book gets the cards that make up its
fixed assets and their accumulated depreciation — the balances of its 固定资产 and 累计折旧
accounts split over a village's buildings, roads, machines and office equipment (largest
remainder, so they sum exactly), each card's acquisition date set back so that its schedule has
reached its share of the depreciation. The register starts in the book's first open month.

Then the months: where the demo's budgets are kept (every book of the personas' townships and the
first of every other township, beyond 40 books), the month's depreciation is charged, reviewed by
the township and posted; 大歇村 (accountant_1's village) waits for its accountant, so her workbench
shows it. `load_demo(seed)` runs after the books, the cooperatives and the budgets and before the
disclosures; deterministic for a seed and a day; idempotent."""

import datetime as dt
import random

from django.db import transaction

from sanwu.budgets.demo import kept_books
from sanwu.core.codes import township_of
from sanwu.core.dates import today
from sanwu.core.money import split_by_largest_remainder
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Book
from sanwu.regions.models import RoleAssignment

from . import rules, services
from .models import Register, Resource

# (name, kind, use, area range in 亩): a village's land and other resources.
RESOURCES = [
    ("村集体茶园", "garden", "contracted", (40, 300)), ("集体耕地", "farmland", "contracted", (80, 600)),
    ("集体林地", "forest", "self_run", (300, 3000)), ("茅草山", "hill", "inefficient", (100, 1500)),
    ("闲置山场", "hill", "idle", (50, 400)), ("集体水面", "water", "leased", (10, 80)),
    ("集体建设用地", "construction_land", "leased", (3, 30)), ("低效园地", "garden", "inefficient", (20, 150)),
]

# (name, kind, weight): what a village owns, in rough proportion of cost.
HOLDINGS = [
    ("村部办公楼", "building", 30), ("党群服务中心", "building", 22), ("集体仓库", "building", 10), ("标准化厂房", "building", 18),
    ("村内道路", "structure", 14), ("灌溉水渠", "structure", 8), ("文化广场", "structure", 6),
    ("农产品加工设备", "machinery", 7), ("冷库制冷机组", "machinery", 5), ("光伏电站设备", "machinery", 12),
    ("农用运输车", "vehicle", 3), ("办公电脑及打印机", "office", 1), ("会议室音响设备", "office", 1),
]


def _cards(book: Book, cost: int, accumulated: int, since: tuple[int, int], rng: random.Random) -> list[services.CardData]:
    chosen = rng.sample(HOLDINGS, rng.randint(5, 9))
    costs = split_by_largest_remainder(cost, [w * rng.randint(70, 130) for _, _, w in chosen])
    accs = split_by_largest_remainder(accumulated, costs)
    settings = services.settings_for(book.region_id)
    out = []
    start = rules.month_number(*since)
    for i, ((name, kind, _), c, a) in enumerate(zip(chosen, costs, accs), start=1):
        life, bp = settings.life_and_residual(kind)
        monthly = rules.monthly_amount(c, rules.residual_of(c, bp), life) or 1
        elapsed = min(max(1, round(a / monthly)), life - 1)  # the months its share of depreciation took
        if a > c - rules.residual_of(c, bp):
            a = c - rules.residual_of(c, bp)
        n = start - 1 - elapsed  # acquired `elapsed` months before the month before the register
        acquired = dt.date(n // 12, n % 12 + 1, rng.randint(1, 28))
        out.append(services.CardData(
            number=f"ZC-{i:03d}", name=name, category="fixed_asset", kind=kind, cost=c, acquired=acquired, origin="opening",
            life_months=life, residual_bp=bp, accumulated=a, location=rng.choice(["村部", "一组", "二组", "三组", "村集体产业园"]),
            state="leased" if name in ("标准化厂房", "冷库制冷机组") else "in_use",
            expense_role="operating_expense" if name in ("标准化厂房", "冷库制冷机组", "光伏电站设备", "农产品加工设备") else "management_expense",
        ))
    return out


def _kept(books: list[Book]) -> set[int]:
    return {b.pk for b in kept_books(books)}


def _staff(books: list[Book]) -> dict[str, tuple]:
    """Each village's accountant and its township's reviewer (users), for the months' vouchers."""
    from django.contrib.auth import get_user_model

    wanted = {b.region_id for b in books} | {township_of(b.region_id) for b in books}
    holders: dict[tuple[str, str], int] = {}
    for role, code, uid in RoleAssignment.objects.filter(role__in=("village_accountant", "township_supervisor"), region_id__in=wanted).order_by("user_id").values_list("role", "region_id", "user_id"):
        holders.setdefault((role, code), uid)
    users = get_user_model().objects.in_bulk(set(holders.values()))
    out = {}
    for b in books:
        maker, reviewer = holders.get(("village_accountant", b.region_id)), holders.get(("township_supervisor", township_of(b.region_id)))
        out[b.region_id] = (users.get(maker), users.get(reviewer))
    return out


def load_demo(seed: int = 2021) -> dict:
    books = list(Book.objects.filter(posted_count__gt=0, successor__isnull=True).select_related("region").order_by("code"))
    have = set(Register.objects.values_list("book_id", flat=True))
    waiting_village = RoleAssignment.objects.filter(role="village_accountant", user__username="accountant_1").values_list("region_id", flat=True).first()
    kept = _kept(books)
    staff = _staff([b for b in books if b.pk in kept])
    now = today()
    made = cards = runs = 0
    with transaction.atomic():  # one commit for the lot
        for book in books:
            if book.pk in have:
                continue
            bal = services.role_balances(book)
            cost, acc = bal.get("fixed_asset", 0), -bal.get("accumulated_depreciation", 0)
            if cost <= 0:
                continue
            since = services.first_open_month(book)
            rng = random.Random(f"{seed}:assets:{book.code}")
            made_cards = services.add_cards(None, book, _cards(book, cost, acc, since, rng), action="import", file="期初资产清查表.xlsx")
            made += 1
            cards += len(made_cards)
            if book.pk not in kept:
                continue
            maker, reviewer = staff.get(book.region_id, (None, None))
            y, m = since
            while (y, m) < (now.year, now.month):
                if book.region_id == waiting_village and (y, m) == ledger.months_between(since, (now.year, now.month))[-2]:
                    break  # the last ended month waits for accountant_1
                run = services.run_month(maker, book, y, m)
                if run.voucher:
                    ledger.post(reviewer, ledger.review(reviewer, run.voucher))
                    runs += 1
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        resources, revived = _resources(seed, sorted({b.region_id for b in books}))
    return {"registers": made, "cards": cards, "runs": runs, "resources": resources, "revived": revived}


def _resources(seed: int, villages: list[str]) -> tuple[int, int]:
    """Each village's resources (five to eight), in its villager groups; one low-efficiency or
    idle piece in three brought back into use (contracted out) this year."""
    from sanwu.regions.models import Region

    done = set(Resource.objects.filter(village_id__in=villages).values_list("village_id", flat=True).distinct())
    groups: dict[str, list[str]] = {}
    for code, parent in Region.objects.filter(parent_id__in=villages, level="group").values_list("code", "parent_id"):
        groups.setdefault(parent, []).append(code)
    regions = Region.objects.in_bulk(villages)
    made = revived = 0
    now = today()
    for code in villages:
        if code in done:
            continue
        rng = random.Random(f"{seed}:resources:{code}")
        items = []
        for i, (name, kind, use, (lo, hi)) in enumerate(rng.sample(RESOURCES, rng.randint(5, 8)), start=1):
            group = rng.choice(groups[code]) if groups.get(code) else ""
            items.append(services.ResourceData(
                f"ZY-{i:03d}", name, kind, rng.randint(lo * 100, hi * 100), use, group,
                f"皖（{now.year - rng.randint(2, 6)}）岳西县集体土地所有权第{rng.randint(1000, 9999)}号" if kind != "water" else "",
            ))
        for r in services.add_resources(None, regions[code], items, action="import", file="资源性资产清查表.xlsx"):
            made += 1
            if r.use in rules.UNUSED and rng.randint(1, 3) == 1 and now.month > 1:
                services.change_use(None, r, "contracted", dt.date(now.year, rng.randint(1, now.month - 1), rng.randint(1, 28)), "低效（闲置）资源盘活：公开发包")
                revived += 1
    return made, revived
