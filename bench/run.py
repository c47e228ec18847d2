"""Sanwu's books benchmark (issue 3 "Performance"). Run on demand: `make bench`, never by tests.

    .venv/bin/python bench/run.py [--books 1500] [--vouchers 1000] [--db sqlite|postgres|both]
                                  [--skip-external] [--seed 2021] [--year YYYY] [--keep]

For each database a worker process (bench/worker.py) generates the city into a fresh database
(SQLite in a temporary SANWU_VAR_DIR under bench/out/work/, or the PostgreSQL database
`sanwu_bench`, created and dropped here), imports every book's CSV through the importer with
post=True, and times single-voucher posting, trial balances and the city ranking. The first
worker also exports the city for Beancount and hledger, which are then timed on the same
reports. Prints a table and writes bench/out/results.json. See bench/README.md and
docs/performance.md.
"""

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import external  # noqa: E402

PG_ADMIN_URL = "postgresql://sanwu:sanwu@127.0.0.1:5432/postgres"
PG_DB = "sanwu_bench"

TARGETS = {
    "import_sqlite_vouchers_per_s": 10_000,
    "ranking_ms": 50,
    "trial_balance_one_ms": 10,
    "peak_memory_mb": 300,
    "post_p95_ms": 10,
}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def machine() -> dict:
    info = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }
    try:
        info["cpu"] = next(
            (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name")), ""
        )
    except OSError:
        pass
    try:
        info["free_h"] = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
        info["nproc_cmd"] = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:
        pass
    return info


# --- PostgreSQL: our own database only --------------------------------------------------------


def _pg_admin():
    import psycopg

    assert PG_DB not in ("sanwu", "postgres") and not PG_DB.startswith("test_")
    return psycopg.connect(PG_ADMIN_URL, autocommit=True)


def pg_create() -> str:
    with _pg_admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")
        version = conn.execute("SHOW server_version").fetchone()[0]
    return version


def pg_drop() -> None:
    with _pg_admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


# --- one database -------------------------------------------------------------------------------


def run_worker(db: str, args, workdir: Path, export_dir: Path | None) -> dict:
    dbdir = workdir / db
    shutil.rmtree(dbdir, ignore_errors=True)
    (dbdir / "var").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "sanwu.settings",
        "SANWU_VAR_DIR": str(dbdir / "var"),
        "SANWU_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "BENCH_DB": db,
    })
    extra: dict = {}
    if db == "postgres":
        extra["server_version"] = pg_create()
        env["DATABASE_URL"] = f"postgres://sanwu:sanwu@127.0.0.1:5432/{PG_DB}"
    result_path = dbdir / "result.json"
    cmd = [
        sys.executable, str(BENCH / "worker.py"), "--books", str(args.books), "--vouchers", str(args.vouchers),
        "--seed", str(args.seed), "--year", str(args.year), "--latency", str(args.latency),
        "--workdir", str(dbdir), "--result", str(result_path),
    ]
    if export_dir is not None:
        cmd += ["--export-dir", str(export_dir), "--external-books", str(args.external_books)]
    if args.keep_csv:
        cmd.append("--keep-csv")
    log(f"{db}: {args.books} books × {args.vouchers} vouchers")
    load_before = os.getloadavg()
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, cwd=REPO)
    _, status, ru = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - t
    rc = os.waitstatus_to_exitcode(status)
    try:
        if rc != 0 or not result_path.exists():
            raise SystemExit(f"{db} worker failed (exit {rc})")
        res = json.loads(result_path.read_text())
        res.update(extra)
        res["process"] = {
            "seconds": seconds, "max_rss_mb": ru.ru_maxrss / 1024, "cpu_seconds": ru.ru_utime + ru.ru_stime,
            # The machine is shared: other people's work shows in the load average.
            "load_average_before": load_before, "load_average_after": os.getloadavg(),
        }
        return res
    finally:
        if not args.keep:
            if db == "postgres":
                pg_drop()
            shutil.rmtree(dbdir / "var", ignore_errors=True)


# --- report -------------------------------------------------------------------------------------


def _f(v, fmt="{:,.1f}"):
    return "—" if v is None else fmt.format(v)


def _met(ok) -> str:
    return "—" if ok is None else ("met" if ok else "NOT met")


def evaluate(results: dict) -> dict:
    out = {}
    sq, pg = results.get("sqlite"), results.get("postgres")
    if sq:
        out["import_sqlite"] = sq["import"]["vouchers_per_s"] >= TARGETS["import_sqlite_vouchers_per_s"]
        out["post_p95_sqlite"] = sq["post_latency"]["post"]["p95_ms"] <= TARGETS["post_p95_ms"]
    for name, r in (("sqlite", sq), ("postgres", pg)):
        if not r:
            continue
        out[f"ranking_{name}"] = r["ranking"]["ranking"]["p50_ms"] < TARGETS["ranking_ms"]
        out[f"trial_balance_one_{name}"] = r["trial_balance_one"]["p50_ms"] < TARGETS["trial_balance_one_ms"]
        out[f"peak_memory_{name}"] = r["process"]["max_rss_mb"] < TARGETS["peak_memory_mb"]
    return out


def table(results: dict) -> str:
    dbs = [d for d in ("sqlite", "postgres") if d in results]
    rows: list[tuple] = []

    def row(label, getter, fmt="{:,.1f}", target=""):
        vals = []
        for d in dbs:
            try:
                vals.append(_f(getter(results[d]), fmt))
            except (KeyError, TypeError):
                vals.append("—")
        rows.append((label, *vals, target))

    row("import: vouchers/s (importer, post=True)", lambda r: r["import"]["vouchers_per_s"], "{:,.0f}", "≥ 10,000 (SQLite)")
    row("import: entries/s", lambda r: r["import"]["entries_per_s"], "{:,.0f}")
    row("import: seconds (import calls only)", lambda r: r["import"]["seconds"], "{:,.1f}")
    row("import: vouchers per CPU-second", lambda r: r["import"]["vouchers_per_cpu_s"], "{:,.0f}")
    row("  CPU s, Sanwu process", lambda r: r["import"]["cpu_seconds"], "{:,.1f}")
    row("  CPU s, PostgreSQL backend", lambda r: r["import"]["db_server_cpu_seconds"], "{:,.1f}")
    row("  waiting for a free core s", lambda r: r["import"]["run_queue_wait_seconds"], "{:,.1f}")
    row("  of which parse+check s", lambda r: r["import"]["parse_check_seconds"], "{:,.1f}")
    row("  of which write+post s", lambda r: r["import"]["write_post_seconds"], "{:,.1f}")
    row("import: one book's file p50 ms", lambda r: r["import"]["per_book"]["p50_ms"], "{:,.0f}")
    row("book set-up (chart, subs, opening) s", lambda r: r["import"]["book_setup_seconds"], "{:,.1f}")
    row("post(): p50 ms", lambda r: r["post_latency"]["post"]["p50_ms"], "{:,.2f}")
    row("post(): p95 ms", lambda r: r["post_latency"]["post"]["p95_ms"], "{:,.2f}", "≤ 10 ms (SQLite)")
    row("post(): CPU p50 ms (Sanwu process)", lambda r: r["post_latency"]["post"]["cpu_p50_ms"], "{:,.2f}")
    row("draft→submit→review→post p50 ms", lambda r: r["post_latency"]["chain"]["p50_ms"], "{:,.2f}")
    row("draft→submit→review→post p95 ms", lambda r: r["post_latency"]["chain"]["p95_ms"], "{:,.2f}")
    row("trial balance, one book p50 ms", lambda r: r["trial_balance_one"]["p50_ms"], "{:,.2f}", "< 10 ms")
    row("trial balance, one book p95 ms", lambda r: r["trial_balance_one"]["p95_ms"], "{:,.2f}")
    row("  CPU p50 ms (Sanwu process)", lambda r: r["trial_balance_one"]["cpu_p50_ms"], "{:,.2f}")
    row("  PostgreSQL backend CPU, mean ms", lambda r: r["trial_balance_one"]["db_server_cpu_mean_ms"], "{:,.2f}")
    row("trial balance, all books (loop) s", lambda r: r["trial_balance_all"]["loop_seconds"], "{:,.2f}")
    row("trial balance, all books (1 SQL) p50 ms", lambda r: r["trial_balance_all"]["sql_aggregate"]["p50_ms"], "{:,.0f}")
    row("ranking(year) p50 ms", lambda r: r["ranking"]["ranking"]["p50_ms"], "{:,.2f}", "< 50 ms")
    row("  CPU p50 ms (Sanwu process)", lambda r: r["ranking"]["ranking"]["cpu_p50_ms"], "{:,.2f}")
    row("  PostgreSQL backend CPU, mean ms", lambda r: r["ranking"]["ranking"]["db_server_cpu_mean_ms"], "{:,.2f}")
    row("income_by_book(year) p50 ms", lambda r: r["ranking"]["income_by_book"]["p50_ms"], "{:,.2f}")
    row("  CPU p50 ms (Sanwu process)", lambda r: r["ranking"]["income_by_book"]["cpu_p50_ms"], "{:,.2f}")
    row("peak memory, Sanwu process MB", lambda r: r["process"]["max_rss_mb"], "{:,.0f}", "< 300 MB")
    row("database size MB", lambda r: r["db_size_mb"], "{:,.0f}")
    row("whole worker run s", lambda r: r["process"]["seconds"], "{:,.0f}")
    row("  of which waiting for a free core s", lambda r: r["sched"]["run_queue_wait_seconds"], "{:,.0f}")
    row("load average (1 min) before → after", lambda r: "{:.1f} → {:.1f}".format(r["process"]["load_average_before"][0], r["process"]["load_average_after"][0]), "{}")
    head = ("", *["SQLite" if d == "sqlite" else "PostgreSQL" for d in dbs], "target")
    return _grid([head, *rows])


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def _grid(rows: list[tuple]) -> str:
    widths = [max(_width(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        cells = []
        for i, c in enumerate(r):
            c = str(c)
            pad = " " * (widths[i] - _width(c))
            cells.append(c + pad if i == 0 else pad + c)
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def external_table(results: dict) -> str:
    ext = results.get("external") or {}
    sq = results.get("sqlite") or results.get("postgres")
    if not ext or not sq:
        return ""
    bean, hl = ext.get("beancount", {}), ext.get("hledger", {})
    rows = [("report", "Sanwu", "Beancount 3", "hledger", "Beancount ÷ Sanwu", "hledger ÷ Sanwu", "agree")]

    def add(label, sanwu_s, b, h):
        bs = b.get("seconds") if b else None
        hs = h.get("seconds") if h else None
        agree = " ".join(f"{n}:{'yes' if x.get('agrees_with_sanwu') else 'NO'}" for n, x in (("bc", b), ("hl", h)) if x and "agrees_with_sanwu" in x)
        rows.append((
            label, _f(sanwu_s * 1000, "{:,.2f} ms"), _f(bs, "{:,.2f} s"), _f(hs, "{:,.2f} s"),
            _f(bs / sanwu_s if bs else None, "{:,.0f}×"), _f(hs / sanwu_s if hs else None, "{:,.0f}×"), agree or "—",
        ))

    add("trial balance, one book", sq["trial_balance_one"]["p50_ms"] / 1000, bean.get("trial_balance_book"), hl.get("trial_balance_book"))
    add("trial balance, whole city (1 SQL)", sq["trial_balance_all"]["sql_aggregate"]["p50_ms"] / 1000, None, hl.get("trial_balance_city"))
    add("trial balance, whole city (loop)", sq["trial_balance_all"]["loop_seconds"], None, hl.get("trial_balance_city"))
    add("operating-income ranking, city", sq["ranking"]["ranking"]["p50_ms"] / 1000, bean.get("ranking_city"), hl.get("ranking_city"))
    mem = []
    for label, x in (("Beancount one book", bean.get("trial_balance_book")), ("Beancount city", bean.get("ranking_city")),
                     ("hledger one book", hl.get("trial_balance_book")), ("hledger city balance", hl.get("trial_balance_city")),
                     ("hledger city ranking", hl.get("ranking_city"))):
        if x:
            mem.append(f"  {label}: {x['max_rss_mb']:,.0f} MB peak, {x['seconds']:,.2f} s, exit {x['rc']}")
    return _grid(rows) + "\n\nExternal tools (their own processes):\n" + "\n".join(mem)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--books", type=int, default=1500)
    ap.add_argument("--vouchers", type=int, default=1000, help="vouchers per book (2-4 entries each)")
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--skip-external", action="store_true", help="no Beancount / hledger comparison")
    ap.add_argument("--external-books", type=int, default=0, help="books in the city-wide Beancount/hledger files (0: all)")
    ap.add_argument("--external-timeout", type=float, default=3600, help="seconds before an external tool is killed")
    ap.add_argument("--external-mem-mb", type=float, default=0,
                    help="heap ceiling for each external tool (default: 60%% of MemAvailable)")
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("--year", type=int, default=dt.date.today().year - 1, help="the books' year (default: last year)")
    ap.add_argument("--latency", type=int, default=200, help="vouchers taken one by one through make → post")
    ap.add_argument("--out", default=str(BENCH / "out"))
    ap.add_argument("--keep", action="store_true", help="keep the databases (bench/out/work/sqlite/var, PostgreSQL sanwu_bench)")
    ap.add_argument("--keep-csv", action="store_true", help="keep the generated CSV files")
    ap.add_argument("--report", metavar="RESULTS_JSON", help="only print the tables of an earlier run")
    args = ap.parse_args()
    if args.report:
        print_report(json.loads(Path(args.report).read_text()), Path(args.report))
        return

    out = Path(args.out)
    workdir = out / "work"
    out.mkdir(parents=True, exist_ok=True)
    export_dir = workdir / "export"
    shutil.rmtree(export_dir, ignore_errors=True)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results: dict = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "params": {k: v for k, v in vars(args).items() if k not in ("out",)},
        "machine": machine(),
        "targets": TARGETS,
    }
    for i, db in enumerate(dbs):
        results[db] = run_worker(db, args, workdir, export_dir if (i == 0 and not args.skip_external) else None)
        (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    if len(dbs) == 2:
        results["same_data_on_both"] = results["sqlite"]["consistency"]["chain_digest"] == results["postgres"]["consistency"]["chain_digest"]
    if not args.skip_external:
        log("external tools on the exported city")
        results["external"] = external.run_all(export_dir, args.external_timeout, log=log, mem_limit_mb=args.external_mem_mb or None)
        if not args.keep:
            for name in ("city.beancount", "city.journal"):
                (export_dir / name).unlink(missing_ok=True)
    results["targets_met"] = evaluate(results)
    results["orchestrator_max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))

    print_report(results, out / "results.json")


def print_report(results: dict, path: Path) -> None:
    p = results["params"]
    print()
    print(f"Sanwu books benchmark: {p['books']:,} books × {p['vouchers']:,} vouchers, year {p['year']}, seed {p['seed']}, "
          f"{results['machine']['nproc']} cores")
    print()
    print(table(results))
    if "same_data_on_both" in results:
        print(f"\nSame vouchers and chain heads on SQLite and PostgreSQL: {'yes' if results['same_data_on_both'] else 'NO'}")
    ext = external_table(results)
    if ext:
        print("\nSanwu (SQLite, in-process p50) against Beancount and hledger (whole process: read the file, report):\n")
        print(ext)
    print("\nTargets:")
    for k, ok in results["targets_met"].items():
        print(f"  {k}: {_met(ok)}")
    print(f"\nResults: {path}")


if __name__ == "__main__":
    main()
