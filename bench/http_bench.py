"""HTTP under load (issue 10, "Performance"). Run on demand: `make bench-http`, never by tests.

    .venv/bin/python bench/http_bench.py [--duration 20] [--connections 16] [--servers gunicorn,runserver]
                                   [--pages village,village-304,poll,dashboard] [--workers N] [--threads M]
                                   [--fresh]

Loads the county demo (`sanwu demo --scale county`) into a SQLite database of its own under
bench/out/http/var/ (kept between runs; --fresh makes it again), collects the static files, then for
each server — gunicorn as `make run` starts it (sanwu.gunicorn_conf) and, for comparison, Django's
development server — starts it on a free loopback port (or --port), logs in the demo's township and county
supervisors over HTTP, warms every page up, runs wrk (bench/http.lua) for --duration seconds per
page — flat out, and for a page with a rate target (village, poll) once more with that rate
offered (1.25 × the target, each connection pacing its requests) so that its p99 is judged in the
target's own terms — and stops the server. Loopback only; every run is bounded in time. Prints a table (req/s,
p50, p95, p99, the servers' CPU per request, the load average) and writes bench/out/http/results.json.
"""

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out" / "http"
VAR = OUT / "var"
VENV_BIN = REPO / ".venv" / "bin"
HOST, PORT = "127.0.0.1", 0  # the port: --port, or a free one chosen at the start (main)
BASE = ""
VILLAGE = "340828100200"  # 大歇村 of the county demo: three years of published monthly disclosures
TOWNSHIP_USER, COUNTY_USER = "township_1", "county_yuexi"
PASSWORD = os.environ.get("SANWU_DEMO_PASSWORD", "sanwu-demo-2026")

# page: (what, expected status, connections factor, targets)
PAGES = {
    "village": ("public village page /v/<code>/", 200, {"rps": 300, "p99_ms": 200}),
    "village-304": ("public village page, conditional GET (If-None-Match)", 304, {}),
    "poll": ("live-feed poll of a township supervisor (stamp + If-None-Match)", 304, {"rps": 200, "p99_ms": 200}),
    "dashboard": ("county dashboard /oversight/dashboard/ (county supervisor)", 200, {"p95_ms": 300}),
}


def log(msg: str) -> None:
    print(f"[bench-http {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def loadavg() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def sanwu_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SANWU_VAR_DIR=str(VAR), DJANGO_SETTINGS_MODULE="sanwu.settings", **extra)
    return env


def run(args: list[str], **extra) -> None:
    subprocess.run(args, env=sanwu_env(**extra), check=True, cwd=REPO, stdout=subprocess.DEVNULL)


# --- the data ---------------------------------------------------------------------------------


def ensure_data(fresh: bool) -> None:
    marker = VAR / "bench-county-demo"
    if fresh or not marker.exists():
        shutil.rmtree(VAR, ignore_errors=True)
        VAR.mkdir(parents=True)
        log("migrate + sanwu demo --scale county (a few minutes)")
        t = time.monotonic()
        run([str(VENV_BIN / "sanwu"), "migrate", "--noinput"])
        run([str(VENV_BIN / "sanwu"), "demo", "--scale", "county"])
        marker.write_text(f"loaded in {time.monotonic() - t:.0f} s\n")
    log("collectstatic")
    run([str(VENV_BIN / "sanwu"), "collectstatic", "--noinput", "-v0"], SANWU_STATIC_COLLECTED="1")


# --- the servers --------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, workers: int | None, threads: int | None):
        self.name = name
        extra = {}
        if name == "gunicorn":
            args = [str(VENV_BIN / "gunicorn"), "-c", "python:sanwu.gunicorn_conf", "--bind", f"{HOST}:{PORT}"]
            if workers:
                extra["SANWU_WORKERS"] = str(workers)
            if threads:
                extra["SANWU_THREADS"] = str(threads)
        else:
            args = [str(VENV_BIN / "sanwu"), "runserver", "--noreload", f"{HOST}:{PORT}"]
        self.log_path = OUT / f"{name}.log"
        self.log_file = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, env=sanwu_env(**extra), cwd=REPO, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"{name} stopped at start (exit {self.proc.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{BASE}/accounts/login/", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"{name} did not answer within 120 s; see {self.log_path}")
            time.sleep(0.5)
        log(f"{name} up (pid {self.proc.pid})")

    def cpu_seconds(self) -> float:
        """CPU of the server's processes (its session), the reaped children's included."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == self.proc.pid:  # session id
                total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        return total / tick

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log_file.close()


# --- sessions and URLs --------------------------------------------------------------------------


def login(username: str) -> str:
    """A logged-in session over HTTP, as a browser gets it: the Cookie header to send."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{BASE}/accounts/login/", timeout=30) as resp:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', resp.read().decode()).group(1)
    data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    with opener.open(urllib.request.Request(f"{BASE}/accounts/login/", data=data), timeout=30):
        pass
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"login of {username} failed")
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies.get('csrftoken', '')}"


def fetch(path: str, headers: dict) -> tuple[int, dict, str]:
    req = urllib.request.Request(BASE + path, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), ""


def requests_for(pages: list[str]) -> dict[str, tuple[str, dict]]:
    """page → (path, headers) as a browser in the steady state sends them."""
    out = {}
    if {"village", "village-304"} & set(pages):
        status, headers, _ = fetch(f"/v/{VILLAGE}/", {})
        assert status == 200, status
        out["village"] = (f"/v/{VILLAGE}/", {})
        out["village-304"] = (f"/v/{VILLAGE}/", {"If-None-Match": headers["ETag"]})
    if "poll" in pages:
        cookie = login(TOWNSHIP_USER)
        status, headers, body = fetch("/oversight/feed/rows/", {"Cookie": cookie})
        assert status == 200, status
        stamp = re.search(r'id="feed-stamp" value="(\w+)"', body).group(1)
        out["poll"] = (f"/oversight/feed/rows/?stamp={stamp}", {"Cookie": cookie, "If-None-Match": headers["ETag"]})
    if "dashboard" in pages:
        out["dashboard"] = ("/oversight/dashboard/", {"Cookie": login(COUNTY_USER)})
    return {p: out[p] for p in pages}


def wrk(path: str, headers: dict, seconds: int, connections: int, rate: float = 0) -> dict:
    """wrk as fast as the server answers, or with `rate` the load offered at that many requests/s
    (each connection pausing between its requests: http.lua's WRK_DELAY_MS)."""
    env = {**os.environ, "WRK_DELAY_MS": f"{connections * 1000 / rate:.3f}" if rate else ""}
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(BENCH / "http.lua")]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    proc = subprocess.run([*args, BASE + path], capture_output=True, text=True, timeout=seconds + 60, env=env)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result: {proc.stdout}\n{proc.stderr}")
    r = json.loads(line[len("WRK_JSON "):])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    return r


def measure(server: Server, pages: list[str], seconds: int, connections: int) -> list[dict]:
    reqs = requests_for(pages)
    log(f"{server.name}: warm-up, 3 s per page")
    for path, headers in reqs.values():
        wrk(path, headers, 3, connections)
    rows = []
    for page, (path, headers) in reqs.items():
        conns = 4 if page == "dashboard" else connections
        before_load, cpu0 = loadavg(), server.cpu_seconds()
        log(f"{server.name}: {page} {seconds} s, {conns} connections (load {before_load})")
        r = wrk(path, headers, seconds, conns)
        cpu = server.cpu_seconds() - cpu0
        r.update(page=page, server=server.name, path=path, connections=conns, load_before=before_load, load_after=loadavg(),
                 cpu_ms_per_request=1000 * cpu / r["requests"] if r["requests"] else None)
        rows.append(r)
        target = PAGES[page][2].get("rps")
        if target:  # the target's own terms: that rate offered, its p99 (PACE × the target rate)
            rate = target * PACE
            before_load, cpu0 = loadavg(), server.cpu_seconds()
            log(f"{server.name}: {page} at {rate:.0f} requests/s, {seconds} s, {conns} connections (load {before_load})")
            r = wrk(path, headers, seconds, conns, rate=rate)
            cpu = server.cpu_seconds() - cpu0
            r.update(page=page, server=server.name, path=path, connections=conns, load_before=before_load, load_after=loadavg(),
                     cpu_ms_per_request=1000 * cpu / r["requests"] if r["requests"] else None, offered=rate)
            rows.append(r)
    return rows


PACE = 1.25  # the paced run offers this many times the target rate


# --- report ------------------------------------------------------------------------------------


def verdict(r: dict) -> str:
    if r["server"] != "gunicorn":
        return ""
    t = PAGES[r["page"]][2]
    miss = []
    if "rps" in t and r["rps"] < t["rps"]:
        miss.append(f"< {t['rps']} req/s")
    # A rate target's p99 is judged at that rate offered (the paced row); flat out, the p99 is
    # the queue wrk keeps full, shown but not judged.
    judged = [k for k in ("p99_ms", "p95_ms") if k in t and ("rps" not in t or r.get("offered"))]
    for key, pct in (("p99_ms", "p99_us"), ("p95_ms", "p95_us")):
        if key in judged and r[pct] / 1000 > t[key]:
            miss.append(f"{key[:3]} > {t[key]} ms")
    if not t:
        return ""
    return "met" if not miss else "MISSED: " + ", ".join(miss)


def table(rows: list[dict]) -> str:
    head = "| page | server | req/s | p50 ms | p95 ms | p99 ms | server CPU ms/req | answers | load before → after | target |"
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
        errors = sum(r["errors"].values())
        if errors:
            answers += f"; errors {r['errors']}"
        cpu = f"{r['cpu_ms_per_request']:.1f}" if r["cpu_ms_per_request"] is not None else ""
        lines.append(
            f"| {r['page']}{' @ %.0f/s offered' % r['offered'] if r.get('offered') else ''} | {r['server']} | {r['rps']:.0f} | {r['p50_us'] / 1000:.1f} | {r['p95_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} "
            f"| {cpu} | {answers} | {r['load_before']} → {r['load_after']} | {verdict(r)} |"
        )
    return "\n".join(lines)


def free_port() -> int:
    """A loopback port nobody listens on now (the machine is shared: a fixed one may be taken)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=20, help="seconds of load per page (default 20)")
    ap.add_argument("--connections", type=int, default=16, help="open connections (default 16; the dashboard: 4)")
    ap.add_argument("--servers", default="gunicorn,runserver")
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--workers", type=int, help="gunicorn workers (default: sanwu.gunicorn_conf)")
    ap.add_argument("--threads", type=int, help="gunicorn threads per worker (default: sanwu.gunicorn_conf)")
    ap.add_argument("--fresh", action="store_true", help="load the county demo again")
    ap.add_argument("--port", type=int, default=0, help="loopback port for the servers (default: a free one)")
    opts = ap.parse_args()
    if not 1 <= opts.duration <= 120:
        ap.error("--duration: 1 to 120 seconds")
    pages = [p for p in opts.pages.split(",") if p]
    unknown = set(pages) - set(PAGES)
    if unknown:
        ap.error(f"unknown pages: {', '.join(sorted(unknown))}")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: scripts/system-deps.sh bench (apt-get install wrk)")
    OUT.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    global PORT, BASE
    PORT = opts.port or free_port()
    BASE = f"http://{HOST}:{PORT}"
    ensure_data(opts.fresh)
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    rows = []
    for name in [s for s in opts.servers.split(",") if s]:
        server = Server(name, opts.workers, opts.threads)
        try:
            rows += measure(server, pages, opts.duration, opts.connections)
        finally:
            server.stop()
            log(f"{name} stopped")
    uptime_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout.strip(),
        "options": vars(opts), "nproc": os.cpu_count(), "uptime_before": uptime_before, "uptime_after": uptime_after, "rows": rows,
    }
    (OUT / "results.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"\nHTTP under load, county demo on SQLite, {opts.duration} s per page ({result['when']}, commit {result['commit']})")
    print(f"uptime before: {uptime_before}\nuptime after:  {uptime_after}\n")
    print(table(rows))
    print(f"\n{OUT / 'results.json'}")


if __name__ == "__main__":
    main()
