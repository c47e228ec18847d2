"""One database's part of the benchmark, in its own process (started by bench/run.py).

The environment (SANWU_VAR_DIR, DATABASE_URL, DJANGO_SETTINGS_MODULE) is set by run.py before
this process starts, so Django's settings see the benchmark database and never the real one.
Writes its figures as JSON to --result; progress goes to stderr.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import resource
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
import city  # noqa: E402
from workloads import latency_drafts  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(msg: str) -> None:
    print(f"[{os.environ.get('BENCH_DB', '?')} {time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


def sched(pid: int | str = "self") -> tuple[float, float]:
    """(seconds on a CPU, seconds waiting in the run queue for one) of a process's main thread:
    on a shared machine the second one is time lost to other people's work."""
    try:
        on, wait, _ = Path(f"/proc/{pid}/schedstat").read_text().split()
        return int(on) / 1e9, int(wait) / 1e9
    except (OSError, ValueError):
        return 0.0, 0.0


def backend_pid() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine), so that
    the import can be put per CPU-second on both databases; None on SQLite (in-process)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of a list of seconds, in milliseconds."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k] * 1000


def summary(values: list[float]) -> dict:
    return {
        "n": len(values), "p50_ms": pct(values, 50), "p95_ms": pct(values, 95), "min_ms": min(values) * 1000,
        "max_ms": max(values) * 1000, "mean_ms": statistics.fmean(values) * 1000,
    }


def timed(fn, runs: int, warmup: int = 3) -> tuple[dict, object]:
    """p50/p95 of wall time, and of this process's CPU time (the machine may be shared: wall
    time then includes waiting for a core); on PostgreSQL also the backend's mean CPU per call."""
    result = None
    for _ in range(warmup):
        result = fn()
    wall, cpu = [], []
    s0 = server_cpu()
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - t)
    s1 = server_cpu()
    stats = {**summary(wall), "cpu_p50_ms": pct(cpu, 50), "cpu_p95_ms": pct(cpu, 95)}
    if s0 is not None and s1 is not None:
        stats["db_server_cpu_mean_ms"] = (s1 - s0) / runs * 1000
    return stats, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--books", type=int, required=True)
    ap.add_argument("--vouchers", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--year", type=int, required=True)
    ap.add_argument("--latency", type=int, default=200)
    ap.add_argument("--tb-runs", type=int, default=100)
    ap.add_argument("--rank-runs", type=int, default=100)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--export-dir", default="")
    ap.add_argument("--external-books", type=int, default=0, help="books in the city-wide export (0: all)")
    ap.add_argument("--keep-csv", action="store_true")
    ap.add_argument("--result", required=True)
    args = ap.parse_args()

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    res: dict = {"db": connection.vendor, "books": args.books, "vouchers_per_book": args.vouchers, "year": args.year, "memory_mb": {}}
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    res["migrate_s"] = time.perf_counter() - t
    res["memory_mb"]["after_migrate"] = rss_mb()

    books = setup_and_import(args, res)
    res["memory_mb"]["after_import"] = rss_mb()

    if connection.vendor == "postgresql":
        # Autovacuum would do this on its own some time after a bulk load; do it now so the
        # query figures do not depend on when autovacuum happened to run.
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        res["analyze_s"] = time.perf_counter() - t

    latency(args, res, books[0])
    res["memory_mb"]["after_latency"] = rss_mb()
    queries(args, res, books)
    res["memory_mb"]["after_queries"] = rss_mb()
    if args.export_dir:
        export(args, res, books)
        res["memory_mb"]["after_export"] = rss_mb()
    res["consistency"] = consistency(books)
    res["db_size_mb"] = db_size_mb()
    res["memory_mb"]["peak"] = rss_mb()
    on, wait = sched()
    res["sched"] = {"on_cpu_seconds": on, "run_queue_wait_seconds": wait}
    Path(args.result).write_text(json.dumps(res, ensure_ascii=False, indent=2, default=str))
    log(f"done; peak RSS {rss_mb():.0f} MB")


# --- 1. the city and the import ---------------------------------------------------------------


def setup_and_import(args, res) -> list:
    from sanwu.ledger import services
    from sanwu.ledger.models import Book
    from sanwu.regions.services import import_regions

    from sanwu.ledger import imports

    rows, villages = city.regions(args.books, args.seed)
    t = time.perf_counter()
    import_regions(city.regions_csv(rows), "bench-regions.csv")
    res["regions"] = {"rows": len(rows), "villages": len(villages), "seconds": time.perf_counter() - t}

    csv_dir = Path(args.workdir) / "csv"
    csv_dir.mkdir(parents=True, exist_ok=True)
    start = dt.date(args.year, 1, 1)
    setup_s = gen_s = import_s = parse_s = import_cpu = 0.0
    per_book: list[float] = []
    n_vouchers = n_entries = csv_bytes = 0
    books = []
    server_s = 0.0 if server_cpu() is not None else None
    bpid = backend_pid()
    queued = 0.0
    t_all = time.perf_counter()
    for i, code in enumerate(villages):
        t = time.perf_counter()
        book = services.create_book(None, code, code, "2023", start_date=start)
        for parent, sub, name, source in city.SUB_ACCOUNTS:
            services.add_sub_account(None, book, parent, sub, name, default_source=source)
        opening, vouchers = city.book_vouchers(args.seed, i, args.year, args.vouchers)
        services.set_opening_balances(None, book, opening)
        services.confirm_opening(None, book)
        t1 = time.perf_counter()
        setup_s += t1 - t
        data = city.vouchers_csv(vouchers)
        path = csv_dir / f"{code}.csv"
        path.write_bytes(data)
        n_entries += sum(len(v.lines) for v in vouchers)
        del vouchers
        data = path.read_bytes()
        csv_bytes += len(data)
        t2 = time.perf_counter()
        gen_s += t2 - t1

        marks: dict = {}

        def progress(phase, done, total, marks=marks):
            if phase == "write" and "write" not in marks:
                marks["write"] = time.perf_counter()

        s0 = server_cpu() if server_s is not None else None
        q0 = sched()[1] + (sched(bpid)[1] if bpid else 0)
        t = time.perf_counter()
        c = time.process_time()
        n = imports.import_vouchers(None, book, data, path.name, post=True, progress=progress)["vouchers"]
        dt_import = time.perf_counter() - t
        import_cpu += time.process_time() - c
        queued += sched()[1] + (sched(bpid)[1] if bpid else 0) - q0
        if s0 is not None:
            server_s += server_cpu() - s0
        import_s += dt_import
        parse_s += marks.get("write", t) - t
        per_book.append(dt_import)
        n_vouchers += n
        if not args.keep_csv:
            path.unlink()
        books.append(book)
        if (i + 1) % 100 == 0 or i + 1 == len(villages):
            log(
                f"{i + 1}/{len(villages)} books, {n_vouchers} vouchers; import {n_vouchers / import_s:,.0f} vouchers/s; "
                f"wall {time.perf_counter() - t_all:.0f} s; peak RSS {rss_mb():.0f} MB"
            )
    res["import"] = {
        "path": "imports.import_vouchers(post=True)",
        "vouchers": n_vouchers,
        "entries": n_entries,
        "csv_mb": csv_bytes / 1e6,
        "seconds": import_s,
        "cpu_seconds": import_cpu,
        "db_server_cpu_seconds": server_s,  # the PostgreSQL backend's CPU during the import calls
        "run_queue_wait_seconds": queued,  # Sanwu process + PostgreSQL backend, waiting for a free core
        "vouchers_per_cpu_s": n_vouchers / (import_cpu + (server_s or 0)),
        "parse_check_seconds": parse_s,
        "write_post_seconds": import_s - parse_s,
        "vouchers_per_s": n_vouchers / import_s,
        "entries_per_s": n_entries / import_s,
        "per_book": summary(per_book),
        "book_setup_seconds": setup_s,
        "csv_generation_seconds": gen_s,
        "wall_seconds": time.perf_counter() - t_all,
    }
    # Fresh instances: the import locked and re-read each book.
    by_code = {b.code: b for b in Book.objects.filter(code__in=villages)}
    return [by_code[c] for c in villages]


# --- 2. one voucher through make -> submit -> review -> post ----------------------------------


def latency(args, res, book) -> None:
    from sanwu.core.codes import region_parent_code
    from sanwu.ledger import services
    from sanwu.regions.services import add_user

    password = "Bench-Sanwu-2026-pw"
    maker, _ = add_user("bench_accountant", [("village_accountant", book.region_id)], password=password)
    reviewer, _ = add_user("bench_township", [("township_supervisor", region_parent_code(book.region_id))], password=password)
    res["memory_mb"]["after_users"] = rss_mb()  # Argon2 hashes a password with 100 MiB of memory
    steps = {"save_draft": [], "submit": [], "review": [], "post": [], "chain": []}
    post_cpu = []
    withdrawal, payments = latency_drafts(args.latency, args.year)
    services.post_drafts(None, book, [withdrawal])  # the cash the payments below take out
    for draft in payments:
        t0 = time.perf_counter()
        v = services.save_draft(maker, book, draft)
        t1 = time.perf_counter()
        services.submit(maker, v)
        t2 = time.perf_counter()
        services.review(reviewer, v)
        t3, c3 = time.perf_counter(), time.process_time()
        services.post(maker, v)
        t4 = time.perf_counter()
        post_cpu.append(time.process_time() - c3)
        for k, a, b in (("save_draft", t0, t1), ("submit", t1, t2), ("review", t2, t3), ("post", t3, t4), ("chain", t0, t4)):
            steps[k].append(b - a)
    res["post_latency"] = {k: summary(v) for k, v in steps.items()}
    res["post_latency"]["post"].update({"cpu_p50_ms": pct(post_cpu, 50), "cpu_p95_ms": pct(post_cpu, 95)})
    res["post_latency"]["book"] = book.code
    log(f"post p50 {res['post_latency']['post']['p50_ms']:.1f} ms, p95 {res['post_latency']['post']['p95_ms']:.1f} ms")


# --- 3-5. reports -----------------------------------------------------------------------------


def city_trial_balance_sql(year: int) -> dict:
    """Every book's leaf balances for the year in one aggregate over the kept totals:
    book id -> account id -> [opening, debit, credit, closing] (debit-positive fen)."""
    from django.db import connection

    from sanwu.ledger.models import AccountMonth, OpeningBalance

    am, ob = AccountMonth._meta.db_table, OpeningBalance._meta.db_table
    out: dict[int, dict[int, list[int]]] = {}
    with connection.cursor() as cur:
        cur.execute(f"SELECT book_id, account_id, balance FROM {ob}")
        for b, a, bal in cur.fetchall():
            out.setdefault(b, {}).setdefault(a, [0, 0, 0, 0])[0] += bal
        cur.execute(
            f"SELECT book_id, account_id, "
            f"SUM(CASE WHEN year < %s THEN debit - credit ELSE 0 END), "
            f"SUM(CASE WHEN year = %s THEN debit ELSE 0 END), SUM(CASE WHEN year = %s THEN credit ELSE 0 END) "
            f"FROM {am} WHERE year <= %s GROUP BY book_id, account_id",
            [year, year, year, year],
        )
        for b, a, before, d, c in cur.fetchall():
            t = out.setdefault(b, {}).setdefault(a, [0, 0, 0, 0])
            t[0] += int(before)
            t[1] += int(d)
            t[2] += int(c)
    for accs in out.values():
        for t in accs.values():
            t[3] = t[0] + t[1] - t[2]
    return out


def queries(args, res, books) -> None:
    from sanwu.ledger.services import rankings, reports

    book = books[0]
    stats, tb = timed(lambda: reports.trial_balance(book, args.year, 1, 12), args.tb_runs)
    res["trial_balance_one"] = {**stats, "book": book.code, "rows": len(tb["rows"]), "balanced": tb["balanced"]}
    log(f"trial balance, one book: p50 {res['trial_balance_one']['p50_ms']:.2f} ms")

    t, c = time.perf_counter(), time.process_time()
    balanced = sum(1 for b in books if reports.trial_balance(b, args.year, 1, 12)["balanced"])
    loop_s, loop_cpu = time.perf_counter() - t, time.process_time() - c
    stats, agg = timed(lambda: city_trial_balance_sql(args.year), 5, warmup=1)
    res["trial_balance_all"] = {
        "loop_seconds": loop_s, "loop_cpu_seconds": loop_cpu, "loop_per_book_ms": loop_s / len(books) * 1000, "books": len(books), "balanced_books": balanced,
        "sql_aggregate": stats, "sql_books": len(agg),
    }
    log(f"trial balance, all books: loop {loop_s:.2f} s, one SQL aggregate p50 {res['trial_balance_all']['sql_aggregate']['p50_ms']:.0f} ms")

    stats, ranked = timed(lambda: rankings.ranking(args.year), args.rank_runs)
    stats2, amounts = timed(lambda: rankings.income_by_book(args.year), args.rank_runs)
    res["ranking"] = {
        "ranking": stats, "income_by_book": stats2, "books": len(ranked),
        "top": [(b.code, b.name, v) for b, v in ranked[:5]],
    }
    log(f"ranking p50 {res['ranking']['ranking']['p50_ms']:.1f} ms; income_by_book p50 {res['ranking']['income_by_book']['p50_ms']:.1f} ms")


# --- 6. exports for Beancount and hledger -----------------------------------------------------

ROOT = re.compile(r"(?<![\w:-])(Assets|Liabilities|Equity|Income|Expenses):")


def _names(book) -> dict[int, str]:
    from sanwu.ledger.services.beancount import account_names

    return account_names(book)


def hledger_text(book, prefix: str = ""):
    """The book as an hledger journal (same accounts and transactions as the Beancount export),
    written by the bench. Yields chunks of text. `prefix` goes after the root (B<book code>)."""
    from sanwu.ledger.models import Entry, OpeningBalance

    names = _names(book)
    if prefix:
        names = {k: ROOT.sub(lambda m: f"{m.group(1)}:{prefix}:", v, count=1) for k, v in names.items()}
    buf = [f"; {book.name}（{book.code}）\n"]
    openings = list(OpeningBalance.objects.filter(book=book).exclude(balance=0).values_list("account_id", "balance"))
    if openings:
        buf.append(f"{book.start_date.isoformat()} * 期初余额\n")
        for acc, bal in openings:
            buf.append(f"    {names[acc]}  {city.yuan(bal)} CNY\n")
        buf.append("\n")
    yield "".join(buf)
    rows = (
        Entry.objects.filter(voucher__book=book, voucher__status="posted")
        .order_by("voucher__seq", "line")
        .values_list("voucher__seq", "voucher__date", "voucher__summary", "voucher__year", "voucher__month", "voucher__number", "account_id", "debit", "credit")
    )
    buf = []
    last = None
    for seq, date, summ, y, m, num, acc, d, c in rows.iterator(chunk_size=5000):
        if seq != last:
            if last is not None:
                buf.append("\n")
            buf.append(f"{date.isoformat()} * {' '.join(summ.split())}  ; voucher:{y}-{m:02d} 记-{num:04d}\n")
            last = seq
        buf.append(f"    {names[acc]}  {city.yuan(d - c)} CNY\n")
        if len(buf) > 5000:
            yield "".join(buf)
            buf = []
    buf.append("\n")
    yield "".join(buf)


def export(args, res, books) -> None:
    from sanwu.ledger.services import rankings, reports
    from sanwu.ledger.models import Book

    out = Path(args.export_dir)
    out.mkdir(parents=True, exist_ok=True)
    from sanwu.ledger.services.beancount import export_book

    book = books[0]
    city_books = books[: args.external_books] if args.external_books else books
    info: dict = {"book": book.code, "city_books": len(city_books)}
    t = time.perf_counter()
    text = export_book(book)
    info["beancount_one_seconds"] = time.perf_counter() - t
    (out / "book.beancount").write_text(text)
    with open(out / "book.journal", "w") as f:
        for chunk in hledger_text(book):
            f.write(chunk)

    bean_s = hl_s = 0.0
    vouchers = 0
    with open(out / "city.beancount", "w") as fb, open(out / "city.journal", "w") as fh:
        fb.write('option "title" "三务 Sanwu benchmark city"\noption "operating_currency" "CNY"\n\n')
        for i, b in enumerate(city_books):
            prefix = f"B{b.code}"
            t = time.perf_counter()
            text = export_book(b)
            bean_s += time.perf_counter() - t
            body = "\n".join(ln for ln in text.split("\n") if not ln.startswith("option "))
            fb.write(ROOT.sub(lambda m: f"{m.group(1)}:{prefix}:", body))
            fb.write("\n")
            t = time.perf_counter()
            for chunk in hledger_text(b, prefix):
                fh.write(chunk)
            hl_s += time.perf_counter() - t
            vouchers += b.posted_count
            if (i + 1) % 250 == 0:
                log(f"exported {i + 1}/{len(city_books)} books")
    info.update({
        "city_vouchers": vouchers,
        "beancount_export_seconds": bean_s,
        "beancount_export_vouchers_per_s": vouchers / bean_s if bean_s else None,
        "hledger_write_seconds": hl_s,
        "beancount_city_mb": (out / "city.beancount").stat().st_size / 1e6,
        "hledger_city_mb": (out / "city.journal").stat().st_size / 1e6,
    })
    # What the external tools must agree with: the book's leaf balances by account name, and
    # the ranking over the exported books.
    names = _names(book)
    bal = reports.balances(book, (args.year, 1), (args.year, 12))
    expected = {
        "year": args.year,
        "book": book.code,
        "balances": {names[a]: t[3] for a, t in bal.items() if t[3]},
        "ranking": sorted(
            ((f"B{b.code}", v) for b, v in rankings.ranking(args.year, books=Book.objects.filter(pk__in=[x.pk for x in city_books]))),
            key=lambda t: (-t[1], t[0]),
        ),
    }
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False))
    res["export"] = info
    log(f"exported: Beancount {info['beancount_city_mb']:.0f} MB, hledger {info['hledger_city_mb']:.0f} MB")


# --- checks -----------------------------------------------------------------------------------


def consistency(books) -> dict:
    """The chain heads do not depend on ids or timestamps: the same digest on SQLite and
    PostgreSQL means the same vouchers were posted in the same order. Plus the product's own
    verifier on the first book."""
    from sanwu.ledger.models import Book

    h = hashlib.sha256()
    for code, head, n in Book.objects.order_by("code").values_list("code", "chain_head", "posted_count"):
        h.update(f"{code}:{n}:{head}\n".encode())
    out = {"chain_digest": h.hexdigest()}
    from sanwu.ledger.services.verify import verify_book

    t = time.perf_counter()
    r = verify_book(books[0])
    out["verify_first_book"] = {
        "seconds": time.perf_counter() - t, "ok": r.ok, "vouchers": r.vouchers, "problems": [str(p) for p in r.problems[:3]],
    }
    return out


def db_size_mb() -> float | None:
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_database_size(current_database())")
            return cur.fetchone()[0] / 1e6
    name = Path(settings.DATABASES["default"]["NAME"])
    return sum(p.stat().st_size for p in name.parent.glob(name.name + "*")) / 1e6


if __name__ == "__main__":
    main()
