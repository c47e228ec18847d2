"""The cooperative's roster and share register at the size issue 13 names: a cooperative of 5,000
members in 1,500 households. Times the opening import from one sheet (all checks, people, households,
members, the register; target ≤ 2 s) and the holdings at a date (one aggregate over the register;
target ≤ 50 ms), on a fresh database of its own.

    .venv/bin/python bench/coop_roster.py [--members 5000] [--households 1500] [--runs 50]
    DATABASE_URL=postgres://sanwu:sanwu@127.0.0.1:5432/sanwu_bench .venv/bin/python bench/coop_roster.py

On SQLite the database is a file in a temporary SANWU_VAR_DIR; on PostgreSQL the named database is
emptied and migrated first (use one kept for benches).
"""

import argparse
import csv
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[0] = str(REPO / "src")  # bench/ off the path (its http.py would shadow the standard library's)
TARGETS = {"import_s": 2.0, "holdings_at_ms": 50.0}


def sheet(members: int, households: int, first: int = 0) -> bytes:
    """The roster of `members` people in `households`; people numbered from `first` + 1 (ID
    numbers differ between sheets whose ranges do not overlap)."""
    from sanwu.core.codes import id_check_char

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["户号", "户主", "姓名", "身份证号", "与户主关系", "成员", "股份类别", "份额", "开户行", "银行账号"])
    per, extra = divmod(members, households)
    n = first
    for h in range(1, households + 1):
        for i in range(per + (1 if h <= extra else 0)):
            n += 1
            born = dt.date(1950, 1, 1) + dt.timedelta(days=n % 20000)
            first = f"340828{born:%Y%m%d}{(n + n // 20000) % 1000:03d}"  # unique for n below 20 million
            number = first + id_check_char(first)
            head = i == 0
            row = [f"{h:04d}", "是" if head else "否", f"成员{n}", number, "户主" if head else "子女", "是"]
            w.writerow(row + ["人口股", "1", "岳西农商银行" if head else "", f"6228{n:015d}" if head else ""])
            if born.year < 2000:
                w.writerow(row + ["农龄股", "1.5", "", ""])
    w.writerow(["集体", "", "", "", "", "", "集体股", str(members // 2), "", ""])
    return out.getvalue().encode("utf-8")


def fresh_database() -> None:
    """Django set up on a database of the bench's own (SQLite in a temporary SANWU_VAR_DIR, or
    the PostgreSQL database named by DATABASE_URL, emptied), migrated, with the small demo's
    regions and users and no books."""
    os.environ.setdefault("SANWU_VAR_DIR", tempfile.mkdtemp(prefix="sanwu-coop-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanwu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    from sanwu.demo import generator

    generator.load("small", 2021, books=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=5000)
    ap.add_argument("--households", type=int, default=1500)
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()
    fresh_database()
    from django.db import connection

    from sanwu.coop.imports import import_members
    from sanwu.coop.models import CoopSettings
    from sanwu.coop.services.holdings import holdings
    from sanwu.coop.services.register import holdings_at, replay_problems
    from sanwu.ledger import services as ledger

    CoopSettings.objects.update_or_create(county_id="340828000000", defaults={"holder_cap_bp": 300})
    village = "340828100200"
    book = ledger.create_book(None, "BENCH-COOP", village, "2023", start_date=dt.date(2025, 1, 1))
    data = sheet(args.members, args.households)
    started, cpu = time.perf_counter(), time.process_time()
    r = import_members(None, book, data, "bench.csv", dt.date(2025, 1, 1))
    import_s, import_cpu = time.perf_counter() - started, time.process_time() - cpu
    c = book.collective
    assert replay_problems(c) == []

    def timed(fn) -> list[float]:
        out = []
        for _ in range(args.runs):
            t = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t) * 1000)
        return sorted(out)

    at = timed(lambda: holdings_at(c, dt.date(2025, 6, 30)))
    table = timed(lambda: holdings(c, dt.date(2025, 6, 30)))
    p = lambda xs, q: xs[min(len(xs) - 1, int(q * len(xs)))]  # noqa: E731
    print(f"database: {connection.vendor}; {r.people} people in {r.households} households, {r.operations} register operations, sheet {len(data) / 1024:.0f} KB")
    print(f"import: {import_s:.2f} s wall, {import_cpu:.2f} s CPU (target ≤ {TARGETS['import_s']} s)")
    print(f"holdings_at a date: p50 {statistics.median(at):.1f} ms, p95 {p(at, .95):.1f} ms (target ≤ {TARGETS['holdings_at_ms']} ms)")
    print(f"holdings table (holders named, by class): p50 {statistics.median(table):.1f} ms, p95 {p(table, .95):.1f} ms")


if __name__ == "__main__":
    main()
