"""The year's distribution at the sizes issue 13 names. A cooperative of 5,000 members in 1,500
households (the sheet of bench/coop_roster.py) with a year of income closed: the plan computed from
the books (target ≤ 200 ms), then drafted, published, decided, and approved and posted — the plan
frozen, its voucher posted and the closing run again (target ≤ 1 s). Then a county's 182
cooperatives of 25–40 households each, every one taken from draft to posted (target ≤ 30 s).

    .venv/bin/python bench/coop_distribution.py [--runs 30] [--county 182]
    DATABASE_URL=postgres://sanwu:sanwu@127.0.0.1:5432/sanwu_bench .venv/bin/python bench/coop_distribution.py

On SQLite the database is a file in a temporary SANWU_VAR_DIR; on PostgreSQL the named database is
emptied and migrated first (use one kept for benches).
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[0] = str(REPO / "src")  # bench/ off the path (its http.py would shadow the standard library's)
sys.path.insert(1, str(REPO / "bench"))
TARGETS = {"compute_ms": 200.0, "approve_s": 1.0, "county_s": 30.0}
YEAR = 2025
PUBLISHED, MEETING = dt.date(2026, 1, 5), dt.date(2026, 1, 16)


def journal(book, amount_fen: int):
    """A year of income and one expense: 本年收益 `amount_fen` less a fifth."""
    from sanwu.ledger.services import EntryDraft, VoucherDraft

    spend = amount_fen // 5
    return [
        VoucherDraft(dt.date(YEAR, 3, 1), "收到光伏发电收入", [EntryDraft("102", debit=amount_fen, settlement="bank"), EntryDraft("501", credit=amount_fen)]),
        VoucherDraft(dt.date(YEAR, 5, 1), "支付村道保洁费", [EntryDraft("511", debit=spend), EntryDraft("102", credit=spend, settlement="bank")]),
    ]


def dividend_matter(village: str, members: int):
    """A 收益分配 matter decided by the members' meeting on MEETING, its resolution published."""
    from sanwu.coop.demo import dividend_matter as matter

    return matter(village, members, YEAR, MEETING)


def through_approval(book, matter):
    """Draft → published → decided → approved and posted, as the system operator."""
    from sanwu.coop.services import distribution as dist

    d = dist.draft(None, book, YEAR)
    d = dist.publish(None, d, PUBLISHED)
    d = dist.decide(None, d, matter)
    return d, dist


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=5000)
    ap.add_argument("--households", type=int, default=1500)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--county", type=int, default=182, help="cooperatives in the county run")
    ap.add_argument("--profile", action="store_true", help="print a pyinstrument profile of one compute and of the approval")
    args = ap.parse_args()
    from coop_roster import fresh_database, sheet

    fresh_database()
    from django.db import connection

    from sanwu.coop.imports import import_members
    from sanwu.coop.models import CoopSettings
    from sanwu.ledger import services as ledger
    from sanwu.regions.models import Region

    CoopSettings.objects.update_or_create(county_id="340828000000", defaults={"holder_cap_bp": 0})
    village = "340828100200"
    book = ledger.create_book(None, "BENCH-DIST", village, "2023", start_date=dt.date(YEAR, 1, 1))
    ledger.confirm_opening(None, book)
    import_members(None, book, sheet(args.members, args.households), "bench.csv", dt.date(YEAR, 1, 1))
    ledger.post_drafts(None, book, journal(book, 1_250_000_00))
    ledger.close_year(None, book, YEAR)
    matter = dividend_matter(village, args.members)

    from sanwu.coop.services import distribution as dist

    def p(xs, q):
        return xs[min(len(xs) - 1, int(q * len(xs)))]

    compute = []
    for _ in range(args.runs):
        t = time.perf_counter()
        c = dist.compute(book, YEAR)
        compute.append((time.perf_counter() - t) * 1000)
    compute.sort()
    if args.profile:
        from pyinstrument import Profiler

        with Profiler() as prof:
            dist.compute(book, YEAR)
        print(prof.output_text(show_all=False))
    assert sum(ln.amount for ln in c.lines) == c.plan.distributable
    t = time.perf_counter()
    d, _ = through_approval(book, matter)
    to_decided = time.perf_counter() - t
    t = time.perf_counter()
    d = dist.approve(None, d)
    approve_s = time.perf_counter() - t
    assert d.status == "posted" and dist.is_intact(d) and ledger.year_end_left(book, YEAR) == []
    print(f"database: {connection.vendor}; {args.members} members in {args.households} households, {len(c.lines)} holders")
    print(f"compute: p50 {statistics.median(compute):.1f} ms, p95 {p(compute, .95):.1f} ms (target ≤ {TARGETS['compute_ms']:.0f} ms)")
    print(f"draft + publish + decide: {to_decided * 1000:.0f} ms; approve and post (frozen, voucher, closing again): {approve_s * 1000:.0f} ms (target ≤ {TARGETS['approve_s']} s)")

    # --- a county's cooperatives ---
    rng = random.Random(13)
    township = Region.objects.get(code="340828100000")
    books, matters = [], []
    for i in range(args.county):
        code = f"340828100{300 + i:03d}"
        Region.objects.get_or_create(code=code, defaults={"name": f"压测村{i + 1}", "level": "village", "parent": township})
        b = ledger.create_book(None, f"BENCH-{code}", code, "2023", start_date=dt.date(YEAR, 1, 1))
        ledger.confirm_opening(None, b)
        households = rng.randint(25, 40)
        import_members(None, b, sheet(households * 3, households, first=args.members + 200 * i), f"{code}.csv", dt.date(YEAR, 1, 1))
        ledger.post_drafts(None, b, journal(b, rng.randint(50_000, 2_000_000) * 100))
        ledger.close_year(None, b, YEAR)
        books.append(b)
        matters.append(dividend_matter(code, households * 3))
    steps = {"draft": 0.0, "publish and decide": 0.0, "approve and post": 0.0}

    def county_run():
        for b, m in zip(books, matters):
            t0 = time.perf_counter()
            d = dist.draft(None, b, YEAR)
            t1 = time.perf_counter()
            d = dist.decide(None, dist.publish(None, d, PUBLISHED), m)
            t2 = time.perf_counter()
            dist.approve(None, d)
            t3 = time.perf_counter()
            steps["draft"] += t1 - t0
            steps["publish and decide"] += t2 - t1
            steps["approve and post"] += t3 - t2

    t = time.perf_counter()
    if args.profile:
        from pyinstrument import Profiler

        with Profiler() as prof:
            county_run()
        print(prof.output_text(show_all=False))
    else:
        county_run()
    county_s = time.perf_counter() - t
    print(f"county: {args.county} cooperatives from draft to posted in {county_s:.1f} s, {county_s / args.county * 1000:.0f} ms each (target ≤ {TARGETS['county_s']:.0f} s)")
    print("  of which " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))


if __name__ == "__main__":
    main()
