"""The month's depreciation of a county, at the size issue 14 names: 182 village books with about
50 asset cards each (imported from a sheet, with their depreciation to date; the books' opening
balances equal to the cards), then one month charged in every book — the plan computed, the run
recorded with its voucher submitted, the township's review and the posting that adds each line to
its card (target: the whole county in at most 10 s). Every book is checked against its cards after.

    .venv/bin/python bench/assets.py [--books 182] [--cards 50]
    DATABASE_URL=postgres://sanwu:sanwu@127.0.0.1:5432/sanwu_bench .venv/bin/python bench/assets.py

On SQLite the database is a file in a temporary SANWU_VAR_DIR; on PostgreSQL the named database is
emptied and migrated first (use one kept for benches).
"""

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[0] = str(REPO / "src")  # bench/ off the path (its http.py would shadow the standard library's)
sys.path.insert(1, str(REPO / "bench"))
TARGETS = {"county_s": 10.0}
KINDS = [("building", 240), ("structure", 180), ("machinery", 120), ("vehicle", 96), ("office", 60)]


def sheet(rng: random.Random, n: int) -> tuple[bytes, int, int]:
    """A register of `n` cards acquired 2010–2024 with their depreciation to the end of 2025:
    the CSV, the total cost and the total accumulated (fen)."""
    from sanwu.assets import rules

    lines = ["资产编号,名称,科目编码,取得日期,原值,使用年限（月）,残值率,已提折旧,存放地点,状态,种类"]
    cost_total = acc_total = 0
    for i in range(n):
        kind, life = rng.choice(KINDS)
        cost = rng.randint(2_000, 800_000) * 100
        acquired = dt.date(rng.randint(2010, 2024), rng.randint(1, 12), rng.randint(1, 28))
        k = min(rules.months_after(acquired, 2025, 12), life - 1)
        residual = rules.residual_of(cost, 500)
        acc = min(rules.monthly_amount(cost, residual, life) * k, cost - residual)
        cost_total += cost
        acc_total += acc
        lines.append(f"ZC-{i + 1:04d},资产{i + 1},151,{acquired},{cost / 100:.2f},{life},5,{acc / 100:.2f},村部,在用,{rules.KIND_LABELS[kind]}")
    return ("\n".join(lines) + "\n").encode(), cost_total, acc_total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--books", type=int, default=182)
    ap.add_argument("--cards", type=int, default=50)
    ap.add_argument("--profile", action="store_true", help="print a pyinstrument profile of the county's month")
    args = ap.parse_args()
    from coop_roster import fresh_database

    fresh_database()
    from django.db import connection

    from sanwu.assets import services
    from sanwu.assets.imports import import_cards
    from sanwu.ledger import services as ledger
    from sanwu.regions.models import Region

    rng = random.Random(14)
    township = Region.objects.get(code="340828100000")
    books = []
    t = time.perf_counter()
    for i in range(args.books):
        code = f"340828100{300 + i:03d}"
        Region.objects.get_or_create(code=code, defaults={"name": f"压测村{i + 1}", "level": "village", "parent": township})
        b = ledger.create_book(None, f"BENCH-{code}", code, "2023", start_date=dt.date(2026, 1, 1))
        data, cost, acc = sheet(rng, args.cards)
        ledger.set_opening_balances(None, b, {"101": 100_000_00, "151": cost, "152": -acc, "301": -(100_000_00 + cost - acc)})
        ledger.confirm_opening(None, b)
        import_cards(None, b, data, f"{code}.csv")
        books.append(b)
    setup_s = time.perf_counter() - t
    print(f"database: {connection.vendor}; {args.books} books × {args.cards} cards imported in {setup_s:.1f} s")

    t = time.perf_counter()
    plans = [services.plan(b, 2026, 1) for b in books]
    plan_s = time.perf_counter() - t
    assert all(not p.problems and p.lines for p in plans)
    steps = {"run (lines, voucher submitted)": 0.0, "review and post": 0.0}

    def county_month():
        for b in books:
            t0 = time.perf_counter()
            run = services.run_month(None, b, 2026, 1)
            t1 = time.perf_counter()
            ledger.post(None, ledger.review(None, run.voucher))
            t2 = time.perf_counter()
            steps["run (lines, voucher submitted)"] += t1 - t0
            steps["review and post"] += t2 - t1

    t = time.perf_counter()
    if args.profile:
        from pyinstrument import Profiler

        with Profiler() as prof:
            county_month()
        print(prof.output_text(show_all=False))
    else:
        county_month()
    county_s = time.perf_counter() - t
    bad = [b.code for b in books if services.book_problems(b)]
    assert not bad, bad
    total = sum(p.total for p in plans)
    print(f"plans only: {plan_s:.2f} s for {sum(len(p.lines) for p in plans)} cards ({total / 100:,.2f} 元)")
    print(f"county month: {args.books} books charged, reviewed and posted in {county_s:.1f} s, {county_s / args.books * 1000:.0f} ms each (target ≤ {TARGETS['county_s']:.0f} s)")
    print("  of which " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
    print("every book's cards equal its 固定资产 and 累计折旧 after the month")


if __name__ == "__main__":
    main()
