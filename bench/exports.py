"""The long downloads (issue 11 item 8): the live feed's Excel export and the statistics brief's
PDF, timed on the county demo, as the background worker makes them (`core.downloads`).

    SANWU_VAR_DIR=/tmp/var-demo .venv/bin/python bench/exports.py [--runs 3] [--profile DIR]

The database is the one in SANWU_VAR_DIR (load it with `sanwu demo --scale county`; it is only
read, the files go to a temporary directory). Measured: the feed of 岳西县 as its county
supervisor (50,235 vouchers since the demo goes on to last month; 30,200 before), and the brief of
安庆市 for 2020 as the city admin, the year of the demo's full-size figures and the longest brief
(`--brief-region`, `--year` change them; `--year 0` is the latest year with figures). Each: wall time (median and worst of `--runs`), CPU time,
rows or pages, bytes. `--profile DIR` writes a pyinstrument HTML profile of the first run of each.
Targets: the export under 3 s, the PDF under 5 s.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# bench/ itself off the path: its http.py would stand for the standard library's http.
sys.path[0] = str(REPO / "src")
TARGETS = {"feed_xlsx_s": 3.0, "brief_pdf_s": 5.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--feed-user", default="county_yuexi")
    ap.add_argument("--brief-user", default="city_admin")
    ap.add_argument("--brief-region", default="340800000000")
    ap.add_argument("--year", type=int, default=2020, help="the brief's year (0: the latest with figures)")
    ap.add_argument("--profile", help="directory for pyinstrument HTML profiles")
    ap.add_argument("--only", choices=["feed", "brief"])
    args = ap.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanwu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from sanwu.economy import services as economy
    from sanwu.oversight import services as oversight

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="sanwu-bench-exports-")
    users = get_user_model().objects
    steps: dict[str, list] = {}

    def progress(done, total):
        steps["last"] = (done, total)

    def timed(name, make):
        walls, cpus, size = [], [], 0
        for i in range(args.runs):
            out = io.BytesIO()
            profiler = None
            if args.profile and i == 0:
                from pyinstrument import Profiler

                profiler = Profiler()
                profiler.start()
            t, c = time.perf_counter(), time.process_time()
            make(out)
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
            if profiler is not None:
                profiler.stop()
                Path(args.profile).mkdir(parents=True, exist_ok=True)
                Path(args.profile, f"{name}.html").write_text(profiler.output_html())
                Path(args.profile, f"{name}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
            size = len(out.getvalue())
            last = out.getvalue()
        return {"median_s": statistics.median(walls), "max_s": max(walls), "cpu_s": statistics.median(cpus), "bytes": size, "data": last}

    results = {}
    if args.only in (None, "feed"):
        user = users.get(username=args.feed_user)
        params = oversight.feed_params(oversight.FeedFilter())
        r = timed("feed_xlsx", lambda out: oversight.write_feed_xlsx(user, params, out, progress))
        r["rows"] = steps["last"][1]
        results["feed_xlsx_s"] = r
    if args.only in (None, "brief"):
        user = users.get(username=args.brief_user)
        region = economy.region_for(user, args.brief_region)
        year = args.year or economy.default_year(user, region)
        params = {"region": region.code, "year": year, "base": None}
        r = timed("brief_pdf", lambda out: economy.brief.write_pdf(user, params, out, progress))
        r["pages"] = r["data"].count(b"/Type /Page\n") or r["data"].count(b"/Type /Page")
        r["what"] = f"{region.name} {year}"
        results["brief_pdf_s"] = r

    print(f"{'download':<12} {'median':>8} {'worst':>8} {'CPU':>8} {'target':>7}  size")
    for key, r in results.items():
        size = f"{r['bytes'] / 1024:,.0f} KB, " + (f"{r['rows']:,} rows" if "rows" in r else f"{r['what']}")
        ok = "ok" if r["median_s"] < TARGETS[key] else "SLOW"
        print(f"{key[:-2]:<12} {r['median_s']:>7.2f}s {r['max_s']:>7.2f}s {r['cpu_s']:>7.2f}s {TARGETS[key]:>6.1f}s  {size} {ok}")


if __name__ == "__main__":
    main()
