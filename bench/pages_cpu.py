"""CPU per request of the pages `bench/http_bench.py` loads, measured in one process with Django's
test client on a database the county demo was loaded into: a repeatable figure on a shared
machine, where wall-clock throughput is not (the other engineers' load changes it run to run).

    SANWU_VAR_DIR=/path/with/county-demo .venv/bin/python bench/pages_cpu.py [--runs 30] [--pages poll,dashboard]

Instructions, repeatable even on a loaded machine (one page per run; the warm-up is not counted):

    PYTHONHASHSEED=0 valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=bench/out/cg.dashboard \
        .venv/bin/python bench/pages_cpu.py --pages dashboard --runs 5 --callgrind     # Ir ÷ 5 per request

Pages as http_bench.py asks for them: the public village page (plain GET), the live-feed poll of
the township supervisor in the steady state (its stamp and If-None-Match: 304), the county
dashboard. Prints the p50 and the fastest run of CPU time (process_time) per request.
"""

import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

VILLAGE = "340828100200"  # as in http_bench.py
TOWNSHIP_USER, COUNTY_USER = "township_1", "county_yuexi"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--pages", default="village,poll,dashboard")
    ap.add_argument("--callgrind", action="store_true", help="under valgrind --instr-atstart=no: count the measured runs only")
    args = ap.parse_args()
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanwu.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    township, county = Client(), Client()
    township.force_login(users.get(username=TOWNSHIP_USER))
    county.force_login(users.get(username=COUNTY_USER))
    first = township.get("/oversight/feed/rows/")
    stamp = re.search(r'id="feed-stamp" value="(\w+)"', first.content.decode()).group(1)
    pages = {
        "village": (Client(), f"/v/{VILLAGE}/", {}, 200),
        "poll": (township, f"/oversight/feed/rows/?stamp={stamp}", {"HTTP_IF_NONE_MATCH": first["ETag"]}, 304),
        "dashboard": (county, "/oversight/dashboard/", {}, 200),
    }
    def instrument(on: bool) -> None:
        if args.callgrind:
            subprocess.run(["callgrind_control", f"--instr={'on' if on else 'off'}", str(os.getpid())], check=True, capture_output=True)

    for name in args.pages.split(","):
        client, path, headers, status = pages[name]
        for _ in range(3):  # warm-up: caches, the frozen page
            assert client.get(path, **headers).status_code == status, name
        cpu = []
        instrument(True)
        for _ in range(args.runs):
            c = time.process_time()
            resp = client.get(path, **headers)
            cpu.append(time.process_time() - c)
            assert resp.status_code == status, (name, resp.status_code)
        instrument(False)
        cpu.sort()
        print(f"{name:10} CPU per request: p50 {cpu[len(cpu) // 2] * 1000:7.2f} ms, fastest {cpu[0] * 1000:7.2f} ms  ({args.runs} runs)")


if __name__ == "__main__":
    main()
