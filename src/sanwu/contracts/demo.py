"""Contracts for the demo city: in the books the budgets demo keeps, each counterparty the book
has received rent or contracting income from gets its contract — 租赁 or 发包 from the January of
its first payment, yearly at its usual year's amount, for as long as the payments run and two years
more — and every receipt voucher that brought that counterparty's money in is linked to the
schedule, oldest line first. What was not paid stays in arrears, and the daily warning rules find
it. Deterministic for a seed; idempotent. Runs after the asset registers."""

import datetime as dt
import random
import statistics

from django.db import transaction

from sanwu.assets.demo import _kept
from sanwu.core.codes import county_of
from sanwu.demo.books import credit_code_for
from sanwu.ledger.models import Book, Entry, Voucher

from . import rules, services
from .models import Contract

PER_BOOK = 6
ORGANISATION_WORDS = ("公司", "合作社", "厂", "农场", "中心", "集团")


def contract_matter(village: str, title: str, amount: int, decided_on: dt.date):
    """The 四议两公开 matter that put a contract out: proposed, agreed by the two committees and the
    Party members, decided by the villagers' representatives, its resolution published."""
    from sanwu.decisions import services as decisions
    from sanwu.decisions.rules import StageData

    m = decisions.create_matter(None, village, title, "other", purpose="contract", amount=amount, year=decided_on.year)
    start = decided_on - dt.timedelta(days=10)
    for i, (stage, data) in enumerate([
        ("proposal", dict(meeting_type="branch_committee", entitled=5, present=5, text="村党组织提议公开发包（租赁）。")),
        ("committees", dict(meeting_type="joint_committees", entitled=7, present=7, votes_for=7, votes_against=0, votes_abstain=0, text="两委商议同意。")),
        ("members_meeting", dict(meeting_type="party_members", entitled=30, present=26, votes_for=26, votes_against=0, votes_abstain=0, text="党员大会审议同意。")),
    ]):
        decisions.record_stage(None, m, stage, StageData(date=start + dt.timedelta(days=i), **data))
    decisions.record_stage(None, m, "villagers_meeting", StageData(
        date=decided_on, meeting_type="representatives", entitled=35, present=31, votes_for=29, votes_against=1, votes_abstain=1, text="村民代表会议表决通过。",
    ))
    decisions.record_stage(None, m, "resolution_published", StageData(date=decided_on + dt.timedelta(days=1), channel="notice_board", text="决议在村务公开栏公开。"))
    return m


def load_demo(seed: int = 2021) -> dict:
    books = list(Book.objects.filter(posted_count__gt=0, successor__isnull=True).select_related("region").order_by("code"))
    kept = _kept(books)
    have = set(Contract.objects.values_list("book_id", flat=True).distinct())
    made = linked = 0
    with transaction.atomic():
        for book in books:
            if book.pk not in kept or book.pk in have:
                continue
            rng = random.Random(f"{seed}:contracts:{book.code}")
            by_party: dict[str, dict] = {}
            for who, kind, source, credit, day in (
                Entry.objects.filter(voucher__book=book, voucher__status="posted", voucher__kind="normal", source__in=("rent", "contracting"), credit__gt=0)
                .exclude(counterparty="").order_by("voucher__date", "id").values_list("counterparty", "counterparty_kind", "source", "credit", "voucher__date")
            ):
                p = by_party.setdefault(who, {"kind": kind, "source": source, "years": {}, "first": day, "last": day})
                p["years"][day.year] = p["years"].get(day.year, 0) + credit
                p["last"] = day
            parties = sorted(by_party.items(), key=lambda kv: -sum(kv[1]["years"].values()))[:PER_BOOK]
            items = []
            for i, (who, p) in enumerate(parties, start=1):
                org = p["kind"] == "organisation" or any(w in who for w in ORGANISATION_WORDS)
                start = dt.date(p["first"].year, 1, 1)
                end = dt.date(p["last"].year + 2, 12, 31)
                yearly = int(statistics.median(p["years"].values())) // 100 * 100 or 100
                # Four in five went through the 四议两公开 procedure and the county's exchange; the fifth did not.
                proper = rng.randint(1, 5) != 1
                decided_on = start - dt.timedelta(days=rng.randint(20, 60))
                matter = contract_matter(book.region_id, f"{who[:40]}{'发包' if p['source'] == 'contracting' else '租赁'}合同", yearly, decided_on) if proper else None
                items.append(services.ContractData(
                    f"HT-{start.year}-{i:03d}", "contracting" if p["source"] == "contracting" else "lease", who[:100],
                    "organisation" if org else "person", "集体资源发包" if p["source"] == "contracting" else "集体资产租赁",
                    rules.Terms(start, end, yearly, "year"), credit_code=credit_code_for(rng, county_of(book.region_id), "91") if org else "",
                    matter=matter, tender=f"安庆市农村产权交易平台 {start.year}-{rng.randint(100, 999)}号" if proper else "",
                ))
            if not items:
                continue
            contracts = services.add_contracts(None, book, items, action="import", file="合同台账.xlsx")
            made += len(contracts)
            for c in contracts:
                vouchers = Voucher.objects.filter(book=book, status="posted", entries__counterparty=c.counterparty, entries__debit__gt=0,
                                                  entries__account__roles__regex=r"(^|,)(cash|bank)(,|$)").distinct().order_by("date", "id")
                for v in vouchers:
                    left = services.money_in(v) - services.linked_of(v)
                    owed = sum(ln.amount - ln.paid for ln in c.lines.all())
                    if left <= 0 or owed <= 0:
                        continue
                    services.link_receipt(None, c, v, min(left, owed))
                    linked += 1
    return {"contracts": made, "receipts": linked}
