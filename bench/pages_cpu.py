"""CPU per request of the pages `bench/http_bench.py` loads, measured in one process with Django's
test client on a database the county demo was loaded into: a repeatable figure on a shared
machine, where wall-clock throughput is not (the other engineers' load changes it run to run).

    SANWU_VAR_DIR=/path/with/county-demo .venv/bin/python bench/pages_cpu.py [--runs 30]

Pages as http_bench.py asks for them: the public village page (plain GET), the live-feed poll of
the township supervisor in the steady state (its stamp and If-None-Match: 304), the county
dashboard. Prints the p50 and the fastest run of CPU time (process_time) per request.
"""

import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

VILLAGE = "340828100200"  # as in http_bench.py
TOWNSHIP_USER, COUNTY_USER = "township_1", "county_yuexi"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=30)
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
        "village page": (Client(), f"/v/{VILLAGE}/", {}, 200),
        "feed poll (304)": (township, f"/oversight/feed/rows/?stamp={stamp}", {"HTTP_IF_NONE_MATCH": first["ETag"]}, 304),
        "county dashboard": (county, "/oversight/dashboard/", {}, 200),
    }
    for name, (client, path, headers, status) in pages.items():
        for _ in range(3):  # warm-up: caches, the frozen page
            assert client.get(path, **headers).status_code == status, name
        cpu = []
        for _ in range(args.runs):
            c = time.process_time()
            resp = client.get(path, **headers)
            cpu.append(time.process_time() - c)
            assert resp.status_code == status, (name, resp.status_code)
        cpu.sort()
        print(f"{name:18} CPU per request: p50 {cpu[len(cpu) // 2] * 1000:7.2f} ms, fastest {cpu[0] * 1000:7.2f} ms  ({args.runs} runs)")


if __name__ == "__main__":
    main()
