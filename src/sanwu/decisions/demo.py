"""Demo 四议两公开 matters for the loaded demo city: every state on show.

`load_demo(seed)` gives the villages that have users (大歇村, 关河村 in the demo) a matter in
every state — just created, stopped at each stage, completed (one of them "一肩挑"), abandoned —
plus a completed cadre-reward decision; and a handful of other Yuexi villages two matters each.
Where the village has a book (`ledger.Book`), completed expenditure matters are built around a
real 2020 payment voucher of that book and the voucher is linked; without a book nothing is
linked. Deterministic for a seed, and idempotent: a matter already there (same village, title
and year) is left alone. Everything goes through the services, as the secretary and the
accountant where the village has them, else as the system operator.

`completed_decision` takes one matter through all six stages for another app's demo (the
economy's 2020 cadre rewards).
"""

import datetime as dt
import random

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction

from sanwu.core.codes import county_of, region_prefix
from sanwu.core.money import format_yuan
from sanwu.ledger.models import Account, Book, Entry, Voucher
from sanwu.regions.models import Region, RoleAssignment

from . import services
from .models import Matter
from .rules import StageData

YUAN = 100
EXTRA_VILLAGES = 4

# (title, category, purpose, amount in yuan or None, state) for the villages with users.
FULL_SET = [
    ("村级道路硬化及路灯安装工程", "tendering", "expenditure", 386_000, "completed"),
    ("村部闲置厂房对外出租", "land", "contract", 60_000, "completed_merged"),
    ("2020年度村干部集体经济发展奖励方案", "distribution", "cadre_reward", 30_000, "cadre_reward"),
    ("茶叶加工厂设备购置", "assets", "expenditure", 128_000, "resolution_published"),
    ("山场林地流转给茶叶合作社经营", "land", "contract", 45_000, "villagers_meeting"),
    ("村集体经济股份分红方案", "distribution", "dividend", 152_000, "members_meeting"),
    ("饮水安全巩固提升工程筹资筹劳", "welfare", "expenditure", 95_000, "committees"),
    ("修订村规民约", "rules", "other", None, "proposal"),
    ("光伏电站扩容项目借款", "borrowing", "borrowing", 200_000, "created"),
    ("村办茶厂改制为股份合作公司", "restructuring", "investment", 500_000, "abandoned"),
]
SMALL_SET = [
    ("村内河道清淤及护坡工程", "welfare", "expenditure", 120_000, "completed"),
    ("集体山场承包到期重新发包", "land", "contract", 30_000, None),  # an in-progress state drawn per village
]
IN_PROGRESS = ["proposal", "committees", "members_meeting", "villagers_meeting", "resolution_published"]
STAGE_AFTER = {
    "created": [],
    "proposal": ["proposal"],
    "committees": ["proposal", "committees"],
    "members_meeting": ["proposal", "committees", "members_meeting"],
    "villagers_meeting": ["proposal", "committees", "members_meeting", "villagers_meeting"],
    "resolution_published": ["proposal", "committees", "members_meeting", "villagers_meeting", "resolution_published"],
    "completed": ["proposal", "committees", "members_meeting", "villagers_meeting", "resolution_published", "result_published"],
    "abandoned": ["proposal", "committees", "members_meeting"],
}
# A payment's category, from words in its summary.
CATEGORY_HINTS = [
    (("防汛", "救灾", "慰问", "公益", "道路", "饮水", "环境", "卫生"), "welfare"),
    (("维修", "运维", "设备", "购买", "购置", "保险", "测量"), "assets"),
    (("工程",), "tendering"),
]
# Days before (negative) or after the payment each stage happens, for matters built on a voucher.
OFFSETS = {"proposal": -42, "committees": -37, "members_meeting": -31, "villagers_meeting": -26, "resolution_published": -21, "result_published": 18}


def _personas():
    """The village roles of the demo's own accounts (the named staff who keep the other demo
    books cannot sign in: they are not personas)."""
    return RoleAssignment.objects.filter(role__in=("village_secretary", "village_accountant")).exclude(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)


def _users(village_code: str):
    roles = {ra.role: ra.user for ra in _personas().filter(region_id=village_code).select_related("user").order_by("id")}
    return roles.get("village_secretary"), roles.get("village_accountant")


def _villages() -> list[Region]:
    with_users = list(Region.objects.filter(level="village", code__in=_personas().values("region_id")).order_by("code"))
    county = region_prefix(county_of(with_users[0].code)) if with_users else "340828"
    others = list(
        Region.objects.filter(level="village", code__startswith=county).exclude(code__in=[v.code for v in with_users]).order_by("code")[:EXTRA_VILLAGES]
    )
    return with_users + others


def _payments(village_code: str, year: int) -> list:
    """The village's posted payment vouchers of the year (money out of cash or bank), largest
    first; empty when the village has no book."""
    books = list(Book.objects.filter(region_id=village_code).order_by("code"))
    if not books:
        return []
    money = [a.pk for a in Account.objects.filter(book__in=books) if a.role_set & {"cash", "bank"}]
    entries = Entry.objects.filter(voucher__book__in=books, voucher__year=year, account_id__in=money)
    # The voucher ids in hand, not as subqueries: on a freshly loaded PostgreSQL (no statistics
    # yet) the anti-join of the two subqueries was planned as nested scans taking minutes.
    out_only = set(entries.filter(credit__gt=0).values_list("voucher_id", flat=True)) - set(entries.filter(debit__gt=0).values_list("voucher_id", flat=True))
    return list(
        Voucher.objects.filter(pk__in=sorted(out_only), status="posted", kind="normal", reverses__isnull=True)
        .exclude(summary__contains="误工补贴").exclude(summary__contains="备用金")
        .select_related("book").order_by("-total", "id")[:1]
    )


def _counts(rng: random.Random, stage: str) -> dict:
    if stage == "proposal":
        n = rng.randint(3, 5)
        return {"meeting_type": "branch_committee", "entitled": n, "present": n}
    if stage == "committees":
        n = rng.randint(5, 9)
        present = n - rng.randint(0, 1)
        return {"meeting_type": "joint_committees", "entitled": n, "present": present, "votes_for": present - rng.randint(0, 1), "votes_against": 0}
    if stage == "members_meeting":
        n = rng.randint(24, 60)
        least = -(-2 * n // 3)
        present = rng.randint(least, n)
        votes_for = rng.randint(n // 2 + 1, present)
        return {"meeting_type": "party_members", "entitled": n, "present": present, "votes_for": votes_for, "votes_against": rng.randint(0, present - votes_for)}
    n = rng.randint(28, 55)
    least = -(-2 * n // 3)
    present = rng.randint(least, n)
    votes_for = rng.randint(present // 2 + 1, present)
    return {"meeting_type": "representatives", "entitled": n, "present": present, "votes_for": votes_for, "votes_against": rng.randint(0, present - votes_for)}


def _texts(title: str, amount: int | None, village: str) -> dict:
    money = f"，涉及金额{format_yuan(amount)}元" if amount else ""
    return {
        "proposal": f"村党组织在征求党员、村民代表和群众意见后，提议实施「{title}」{money}。",
        "committees": f"村“两委”联席会议商议「{title}」方案，同意提交党员大会审议。",
        "members_meeting": f"党员大会审议「{title}」方案，同意提交村民代表会议决议。",
        "villagers_meeting": f"经{village}村民代表会议表决，同意实施「{title}」{money}，由村“两委”组织实施，接受村务监督委员会监督。",
        "resolution_published": f"{village}决议公开：经村民代表会议表决通过，实施「{title}」{money}。对本决议如有意见，请于公示期内向村务监督委员会或乡镇反映。",
        "result_published": f"{village}实施结果公开：「{title}」已按决议实施完成{money.replace('涉及金额', '实际支出')}，相关凭证已入账，欢迎村民监督。",
    }


def _stage_data(rng: random.Random, stage: str, date: dt.date, texts: dict) -> StageData:
    d = StageData(date=date, text=texts[stage])
    if stage in ("resolution_published", "result_published"):
        d.channel = rng.choice(["notice_board", "notice_board", "website", "wechat"])
        return d
    c = _counts(rng, stage)
    d.meeting_type, d.entitled, d.present = c["meeting_type"], c["entitled"], c["present"]
    if stage != "proposal":
        d.votes_for, d.votes_against = c["votes_for"], c["votes_against"]
        d.votes_abstain = c["present"] - c["votes_for"] - c["votes_against"]
    return d


def _plan_dates(rng: random.Random, year: int, stages: list[str]) -> dict[str, dt.date]:
    day = dt.date(year, rng.randint(2, 5), rng.randint(1, 25))
    out = {}
    for s in stages:
        out[s] = day
        day += dt.timedelta(days=rng.randint(4, 12) if s != "resolution_published" else rng.randint(60, 150))
    return out


def drive(
    rng: random.Random, village: Region, title: str, category: str, purpose: str, *, year: int, stages: list[str],
    dates: dict[str, dt.date], amount: int | None = None, secretary=None, merged: bool = False,
) -> Matter:
    """Create a matter (as the secretary; None: the system operator) and record `stages` in order
    on `dates`, with texts and meeting counts (drawn from `rng`) that pass the stage checks."""
    texts = _texts(title, amount, village.name)
    m = services.create_matter(
        secretary, village.code, title, category, purpose=purpose, amount=amount, year=year,
        description=texts["proposal"], merged_first_steps=merged,
    )
    for s in stages:
        services.record_stage(secretary, m, s, _stage_data(rng, s, dates[s], texts))
    return m


def completed_decision(
    rng: random.Random, village: Region, title: str, category: str, purpose: str, *, year: int, decided_in: int,
    amount: int | None = None,
) -> Matter:
    """A matter taken through all six stages within the year `decided_in` (e.g. the 2020 cadre
    reward, decided in 2021), as the village's secretary when it has one, else the system
    operator. For other apps' demos (the economy's cadre rewards)."""
    secretary, _ = _users(village.code)
    stages = STAGE_AFTER["completed"]
    with transaction.atomic():
        return drive(rng, village, title, category, purpose, year=year, stages=stages, dates=_plan_dates(rng, decided_in, stages), amount=amount, secretary=secretary)


def _one(rng: random.Random, village: Region, spec, secretary, accountant, result: dict) -> None:
    title, category, purpose, amount, state = spec
    merged = state == "completed_merged"
    if state in ("completed_merged", "cadre_reward"):
        state = "completed"
    year = 2020 if state == "completed" else 2021
    voucher = None
    if state == "completed" and purpose == "expenditure":
        # Built on the village's largest 2020 payment when it has a book (the same one every run).
        payments = _payments(village.code, 2020)
        if payments:
            voucher = payments[0]
            title = voucher.summary.removeprefix("支付").strip() or title
            category = next((c for words, c in CATEGORY_HINTS if any(w in title for w in words)), "other")
    if Matter.objects.filter(village=village, title=title, year=year).exists():
        return
    amount_fen = voucher.total if voucher is not None else (amount * YUAN if amount is not None else None)
    stages = [s for s in STAGE_AFTER[state] if not (merged and s == "proposal")]
    if voucher is not None:
        dates = {s: voucher.date + dt.timedelta(days=OFFSETS[s]) for s in stages}
    elif purpose == "cadre_reward":
        dates = _plan_dates(rng, 2021, stages)  # the 2020 reward is decided in 2021
    else:
        dates = _plan_dates(rng, year, stages)
    with transaction.atomic():
        m = drive(rng, village, title, category, purpose, year=year, stages=stages, dates=dates, amount=amount_fen, secretary=secretary, merged=merged)
        if voucher is not None:
            services.link_voucher(accountant, m, voucher)
            result["links"] += 1
        if state == "abandoned":
            services.abandon(secretary, m, "测算后资金缺口较大，经村“两委”研究撤回方案，待条件成熟后重新提议")
    result["matters"] += 1


def load_demo(seed: int = 2021) -> dict:
    """Load the demo matters (see the module docstring). Returns {"matters": n, "links": n}."""
    result = {"matters": 0, "links": 0}
    villages = _villages()
    with transaction.atomic():
        for i, village in enumerate(villages):
            rng = random.Random(f"{seed}:decisions:{village.code}")
            secretary, accountant = _users(village.code)
            if i == 0:
                specs = FULL_SET
            elif secretary or accountant:
                specs = [FULL_SET[0], FULL_SET[3], FULL_SET[5], FULL_SET[9]]
            else:
                specs = [SMALL_SET[0], (*SMALL_SET[1][:4], rng.choice(IN_PROGRESS))]
            for spec in specs:
                _one(rng, village, spec, secretary, accountant, result)
    return result
