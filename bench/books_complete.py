"""The books complete (issue 12), timed on the county demo: what the township and the county ask
of the year's books.

    SANWU_VAR_DIR=/tmp/var-demo .venv/bin/python bench/books_complete.py [--runs 3] [--year Y]

The database is the one in SANWU_VAR_DIR (load it with `sanwu demo --scale county`); the archive
goes to a temporary media directory, nothing else is written except the statistics' kept forms
(`economy.KeptBookForms`, which the cold run clears first). Measured, each as wall time (median
and worst of `--runs`) and CPU time:

- the annual 农经统计 forms of 岳西县 as its county supervisor, cold (no kept forms: every book's
  statements computed) and warm (kept forms reused), and of the city, warm;
- the ageing of 岳西县's receivables and payables at the year's end (every book, FIFO);
- the bank reconciliation statement (调节表) of the demo village with an imported statement;
- the accounting archive of one book's year (statements and books as PDF and CSV, every voucher
  as a PDF page, the receipts, the data), its size and pages.

No target is named for these; the figures are in docs/performance.md.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[0] = str(REPO / "src")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--year", type=int, default=0, help="the year (0: last year)")
    args = ap.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanwu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from sanwu.core.dates import today
    from sanwu.economy.models import KeptBookForms
    from sanwu.economy.services import statistics as forms
    from sanwu.ledger.models import BankStatement, Book, Period, Voucher
    from sanwu.ledger.services import ageing, archives, reconcile
    from sanwu.regions.models import Region

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="sanwu-bench-books-")
    year = args.year or today().year - 1
    users = get_user_model().objects
    county, city = users.get(username="county_yuexi"), users.get(username="city_admin")
    yuexi, anqing = Region.objects.get(code="340828000000"), Region.objects.get(code="340800000000")

    def timed(name, run, runs=args.runs, before=None):
        walls, cpus, out = [], [], None
        for _ in range(runs):
            if before:
                before()
            w, c = time.perf_counter(), time.process_time()
            out = run()
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        print(f"{name:<44} median {statistics.median(walls):7.3f} s  worst {max(walls):7.3f} s  cpu {statistics.median(cpus):7.3f} s")
        return out

    books = Book.objects.filter(region__code__startswith="340828").count()
    print(f"{year}年 · 岳西县 {books} 个账套")
    timed("农经统计 岳西县 (cold: no kept forms)", lambda: forms.statistics(county, yuexi, year), runs=1,
          before=lambda: KeptBookForms.objects.all().delete())
    timed("农经统计 岳西县 (warm)", lambda: forms.statistics(county, yuexi, year))
    timed("农经统计 安庆市 (first, then warm)", lambda: forms.statistics(city, anqing, year), runs=1)
    timed("农经统计 安庆市 (warm)", lambda: forms.statistics(city, anqing, year))
    timed("往来款项账龄 岳西县 at the year's end", lambda: ageing.region_ageing(county, yuexi, dt.date(year, 12, 31)))

    statement = BankStatement.objects.select_related("book", "account").order_by("id").first()
    if statement is not None:
        timed(f"调节表 {statement.book.code} {statement.account.code}",
              lambda: reconcile.bank_reconciliation(statement.book, statement.account.code, statement.date_to))

    closed = (
        Period.objects.filter(year=year, month=12, book__region__code__startswith="340828").exclude(status="open")
        .select_related("book").order_by("book__code").first()
    )
    if closed is not None:
        book = closed.book
        vouchers = Voucher.objects.filter(book=book, year=year, status="posted").count()
        archive = timed(f"会计档案 {book.code} {year}年 ({vouchers} vouchers)", lambda: archives.archive_year(None, book, year), runs=1)
        print(f"{'':<44} {archive.size / 1e6:.2f} MB, {archive.vouchers} voucher pages, {archive.receipts} receipts")


if __name__ == "__main__":
    main()
