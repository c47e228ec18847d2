"""The county's contract arrears at the size issue 14 names: 182 village books with 20 contracts
each (发包 and 租赁, yearly, half-yearly or quarterly, started 2021–2025, some escalating), half of
them paid up to a point by linked receipt vouchers; then the arrears of the whole county as at a day
(every schedule line due and not fully paid, with its ageing), read the way the page, the API and
`sanwu contracts arrears` read it (target ≤ 200 ms).

    .venv/bin/python bench/contracts.py [--books 182] [--contracts 20] [--runs 30]
    DATABASE_URL=postgres://sanwu:sanwu@127.0.0.1:5432/sanwu_bench .venv/bin/python bench/contracts.py
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
TARGETS = {"arrears_ms": 200.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--books", type=int, default=182)
    ap.add_argument("--contracts", type=int, default=20)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    from coop_roster import fresh_database

    fresh_database()
    from django.db import connection

    from sanwu.contracts import rules, services
    from sanwu.ledger import services as ledger
    from sanwu.regions.models import Region

    rng = random.Random(14)
    township = Region.objects.get(code="340828100000")
    t = time.perf_counter()
    lines = 0
    for i in range(args.books):
        code = f"340828100{300 + i:03d}"
        Region.objects.get_or_create(code=code, defaults={"name": f"压测村{i + 1}", "level": "village", "parent": township})
        b = ledger.create_book(None, f"BENCH-{code}", code, "2023", start_date=dt.date(2021, 1, 1))
        ledger.confirm_opening(None, b)
        items = []
        for j in range(args.contracts):
            start = dt.date(rng.randint(2021, 2025), rng.randint(1, 12), 1)
            period = rng.choice(["year", "year", "half", "quarter"])
            esc = rng.choice(["none", "none", "percent"])
            items.append(services.ContractData(
                f"HT-{j + 1:03d}", rng.choice(["contracting", "lease"]), f"承包人{j}", "person", "集体山场",
                rules.Terms(start, rules.add_months(start, 12 * rng.randint(3, 15)) - dt.timedelta(days=1), rng.randint(2_000, 80_000) * 100, period, esc, 300 if esc == "percent" else 0),
            ))
        made = services.add_contracts(None, b, items)
        paid = made[: args.contracts // 2]
        firsts = [c.lines.order_by("seq").first() for c in paid]
        total = sum(ln.amount for ln in firsts)
        (v,) = ledger.post_drafts(None, b, [ledger.VoucherDraft(dt.date(2025, 12, 1), "收到承包费", [
            ledger.EntryDraft("102", debit=total, settlement="bank"), ledger.EntryDraft("501", credit=total)])])
        for c, ln in zip(paid, firsts):
            services.link_receipt(None, c, v, ln.amount)
        lines += sum(c.lines.count() for c in made)
    print(f"database: {connection.vendor}; {args.books} books × {args.contracts} contracts ({lines} schedule lines) made in {time.perf_counter() - t:.1f} s")
    on = dt.date(2026, 12, 8)
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        rows = services.arrears(None, "340828000000", on)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"county arrears as at {on}: {len(rows)} overdue lines, {sum(r['owed_fen'] for r in rows) / 100:,.2f} 元; "
          f"p50 {statistics.median(times):.1f} ms, p95 {times[min(len(times) - 1, int(.95 * len(times)))]:.1f} ms (target ≤ {TARGETS['arrears_ms']:.0f} ms)")


if __name__ == "__main__":
    main()
