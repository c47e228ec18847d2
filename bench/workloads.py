"""Small, repeatable workloads for profiling the posting path: one process, one SQLite database
copied from a prepared template, so that a run does only the work being measured.

    .venv/bin/python bench/workloads.py prepare               # once: template database (≈ 1 min)
    .venv/bin/python bench/workloads.py post --posts 100      # 100 single post() calls
    .venv/bin/python bench/workloads.py import --books 3      # import 3 books' files (1,000 vouchers each)

Options for `post` and `import`: `--cprofile FILE` (a cProfile dump), `--queries` (SQL statements
per post, printed). Instruction counts, repeatable on a shared machine (`PYTHONHASHSEED=0`): under
callgrind with collection off at the start, the workload switches it on for the measured part
only (`callgrind_control`), so the whole count is the work measured:

    PYTHONHASHSEED=0 valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=bench/out/cg.post \\
        .venv/bin/python bench/workloads.py post --posts 100 --callgrind
    callgrind_annotate bench/out/cg.post | head      # instructions (Ir) for 100 posts

Everything lives under bench/out/profile/ (git-ignored; each run works on its own copy of the
template, removed at its end). The template: the city's first four
books (seed 2021, last year), book 0 imported (1,000 vouchers) with 300 reviewed vouchers
waiting to be posted one by one, books 1–3 set up with their files ready to import.
"""

import argparse
import atexit
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import city  # noqa: E402

OUT = BENCH / "out" / "profile"
TEMPLATE = OUT / "template"
WORK = OUT / "work" / str(os.getpid())  # one per run: two runs at once must not share (or delete) a database
SEED = 2021
YEAR = dt.date.today().year - 1
BOOKS = 4
WAITING = 300


def _django(var_dir: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "sanwu.settings", "SANWU_VAR_DIR": str(var_dir),
        "SANWU_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
    })
    import django

    django.setup()


def latency_drafts(count: int, year: int):
    """The bench's single vouchers (bench/worker.py): office supplies paid in cash, preceded by
    the cash drawn from the bank for them (the cash rule would refuse them otherwise)."""
    from sanwu.ledger.services import EntryDraft, VoucherDraft

    amounts = [1_000 + (i * 7919) % 500_000 for i in range(count)]  # fen, deterministic
    withdrawal = VoucherDraft(
        date=dt.date(year, 12, 1), summary="从银行提取现金（单张记账测试备用）",
        entries=[EntryDraft("101", debit=sum(amounts), settlement="cash"), EntryDraft("102", credit=sum(amounts), settlement="bank")],
    )
    payments = [
        VoucherDraft(
            date=dt.date(year, 12, 1 + i % 28), summary=f"支付办公用品费（单张记账测试 {i + 1}）",
            entries=[EntryDraft("513", debit=amount), EntryDraft("101", credit=amount, settlement="cash")],
        )
        for i, amount in enumerate(amounts)
    ]
    return withdrawal, payments


def prepare() -> None:
    shutil.rmtree(TEMPLATE, ignore_errors=True)
    TEMPLATE.mkdir(parents=True)
    _django(TEMPLATE)
    from django.core.management import call_command

    from sanwu.core.codes import region_parent_code
    from sanwu.ledger import imports, services
    from sanwu.regions.services import add_user, import_regions

    call_command("migrate", verbosity=0)
    rows, villages = city.regions(BOOKS, SEED)
    import_regions(city.regions_csv(rows), "regions.csv")
    for i, code in enumerate(villages):
        book = services.create_book(None, code, code, "2023", start_date=dt.date(YEAR, 1, 1))
        for parent, sub, name, source in city.SUB_ACCOUNTS:
            services.add_sub_account(None, book, parent, sub, name, default_source=source)
        opening, vouchers = city.book_vouchers(SEED, i, YEAR, 1000)
        services.set_opening_balances(None, book, opening)
        services.confirm_opening(None, book)
        data = city.vouchers_csv(vouchers)
        (TEMPLATE / f"book{i}.csv").write_bytes(data)
        if i == 0:
            imports.import_vouchers(None, book, data, "book0.csv", post=True)
            maker, _ = add_user("bench_accountant", [("village_accountant", code)], password="Bench-Sanwu-2026-pw")
            reviewer, _ = add_user("bench_township", [("township_supervisor", region_parent_code(code))], password="Bench-Sanwu-2026-pw")
            withdrawal, payments = latency_drafts(WAITING, YEAR)
            services.post_drafts(None, book, [withdrawal])
            for d in payments:
                v = services.save_draft(maker, book, d)
                services.submit(maker, v)
                services.review(reviewer, v)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    print(f"template ready: {TEMPLATE}")


def _work() -> None:
    if not (TEMPLATE / "sanwu.sqlite3").exists():
        raise SystemExit("no template: run `bench/workloads.py prepare` first")
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(TEMPLATE, WORK)
    atexit.register(shutil.rmtree, WORK, ignore_errors=True)
    _django(WORK)


def _profiled(args, fn):
    if args.callgrind:  # running under valgrind --instr-atstart=no: count only `fn`
        import subprocess

        subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
        fn()
        subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], check=True, capture_output=True)
    elif args.cprofile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
        fn()
        prof.disable()
        prof.dump_stats(args.cprofile)
    else:
        fn()


def run_post(args) -> None:
    _work()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sanwu.ledger import services
    from sanwu.ledger.models import Voucher

    maker_id = Voucher.objects.filter(status="reviewed").values_list("maker_id", flat=True).first()
    from django.contrib.auth import get_user_model

    maker = get_user_model().objects.get(pk=maker_id)
    waiting = list(Voucher.objects.filter(status="reviewed").select_related("book").order_by("id")[: args.posts])
    if len(waiting) < args.posts:
        raise SystemExit(f"only {len(waiting)} reviewed vouchers in the template")
    times, cpu = [], []
    statements = []

    def work():
        for v in waiting:
            t, c = time.perf_counter(), time.process_time()
            if args.queries:
                with CaptureQueriesContext(connection) as q:
                    services.post(maker, v)
                statements.append(q.captured_queries)
            else:
                services.post(maker, v)
            cpu.append(time.process_time() - c)
            times.append(time.perf_counter() - t)

    _profiled(args, work)
    times.sort()
    cpu.sort()
    print(
        f"{len(times)} posts: p50 {times[len(times) // 2] * 1000:.2f} ms, p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms; "
        f"CPU p50 {cpu[len(cpu) // 2] * 1000:.2f} ms"
    )
    if statements:
        print(f"SQL statements per post: {len(statements[-1])} (last post):")
        for s in statements[-1]:
            print("   ", s["sql"][:160])


def run_import(args) -> None:
    _work()
    from sanwu.ledger import imports
    from sanwu.ledger.models import Book

    books = list(Book.objects.order_by("code"))[1 : 1 + args.books]
    files = [(b, (WORK / f"book{1 + i}.csv").read_bytes()) for i, b in enumerate(books)]
    t = time.perf_counter()
    _profiled(args, lambda: [imports.import_vouchers(None, b, data, "book.csv", post=True) for b, data in files])
    s = time.perf_counter() - t
    print(f"{len(files)} books imported in {s:.2f} s ({len(files) * 1000 / s:,.0f} vouchers/s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    sub.add_parser("prepare")
    p = sub.add_parser("post")
    p.add_argument("--posts", type=int, default=100)
    p.add_argument("--queries", action="store_true")
    p.add_argument("--cprofile")
    p.add_argument("--callgrind", action="store_true")
    p = sub.add_parser("import")
    p.add_argument("--books", type=int, default=3, choices=range(1, BOOKS))
    p.add_argument("--cprofile")
    p.add_argument("--callgrind", action="store_true")
    args = ap.parse_args()
    {"prepare": lambda a: prepare(), "post": run_post, "import": run_import}[args.what](args)


if __name__ == "__main__":
    main()
