"""Beancount and hledger on the exported city: the same reports, each tool in its own child
process, timed with perf_counter and measured with that child's own rusage (os.wait4).

No Django here: run.py calls `run_all(export_dir)` after a worker has written the files
(book.beancount, book.journal, city.beancount, city.journal, expected.json).
"""

import csv
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RANKING_QUERY = "acct:^Income:[^:]+:C50[12](:|$)"  # operating income (501 and its details, 502), per book


# Heap ceiling for an external tool (RLIMIT_DATA, bytes): on a shared machine a tool that needs
# more fails on its own ("Unable to commit", MemoryError) instead of pushing others out of memory.
MEM_LIMIT: int | None = None


def mem_available() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def _limit() -> None:
    if MEM_LIMIT:
        resource.setrlimit(resource.RLIMIT_DATA, (MEM_LIMIT, MEM_LIMIT))


def run_measured(cmd: list[str], timeout: float | None = None) -> dict:
    """Run `cmd`; return wall seconds, the child's peak RSS (MB), exit code, stdout and the
    tail of stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, preexec_fn=_limit)
        timer = None
        if timeout:
            timer = threading.Timer(timeout, p.kill)
            timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - t
        if timer:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return {
        "cmd": " ".join(cmd), "seconds": seconds, "max_rss_mb": ru.ru_maxrss / 1024, "rc": p.returncode,
        "stdout": stdout, "stderr": stderr[-2000:], "killed": p.returncode == -9,
    }


def repeat(cmd: list[str], n: int, timeout: float | None = None) -> dict:
    """n runs; the median wall time and the largest peak RSS; the last run's output."""
    runs = [run_measured(cmd, timeout) for _ in range(n)]
    last = runs[-1]
    return {
        **{k: last[k] for k in ("cmd", "rc", "stdout", "stderr", "killed")},
        "runs": n, "seconds": statistics.median(r["seconds"] for r in runs), "max_rss_mb": max(r["max_rss_mb"] for r in runs),
    }


def fen(text: str) -> int:
    """'-1,234.50 CNY' -> -123450, integer arithmetic only."""
    t = text.replace("CNY", "").replace(",", "").strip()
    if not t or t == "0":
        return 0
    neg = t.startswith("-")
    t = t.lstrip("-")
    whole, _, frac = t.partition(".")
    v = int(whole or "0") * 100 + int((frac + "00")[:2])
    return -v if neg else v


def hledger_csv(stdout: str) -> dict[str, int]:
    rows = list(csv.reader(io.StringIO(stdout)))
    return {r[0]: fen(r[1]) for r in rows[1:] if r and r[0] and r[0] != "total" and r[0] != "Total:"}


def leaves(balances: dict[str, int]) -> dict[str, int]:
    names = set(balances)
    parents = {n.rsplit(":", i)[0] for n in names for i in range(1, n.count(":") + 1)}
    return {k: v for k, v in balances.items() if k not in parents and v}


def ensure_hledger() -> str | None:
    path = shutil.which("hledger")
    if path or os.geteuid() != 0 or not shutil.which("apt-get"):
        return path
    print("hledger not found: installing Debian's package (apt-get install -y hledger)", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-qq", "hledger"], env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "hledger"], env=env)
    return shutil.which("hledger")


def _json_out(r: dict) -> dict:
    try:
        return json.loads(r["stdout"])
    except (ValueError, KeyError):
        return {}


def _strip(r: dict) -> dict:
    return {k: v for k, v in r.items() if k != "stdout"}


def run_all(export_dir: Path, timeout: float | None = None, log=print, mem_limit_mb: float | None = None) -> dict:
    global MEM_LIMIT
    MEM_LIMIT = int(mem_limit_mb * 1024 * 1024) if mem_limit_mb else int(mem_available() * 0.6)
    expected = json.loads((export_dir / "expected.json").read_text())
    want = {k: v for k, v in expected["balances"].items()}
    want_rank = [tuple(t) for t in expected["ranking"]]
    res: dict = {"book": expected["book"], "files_mb": {}, "mem_limit_mb": MEM_LIMIT / 1024 / 1024}
    for name in ("book.beancount", "book.journal", "city.beancount", "city.journal"):
        p = export_dir / name
        if p.exists():
            res["files_mb"][name] = p.stat().st_size / 1e6

    # --- Beancount --------------------------------------------------------------------------
    py = sys.executable
    bean_check = str(Path(py).parent / "bean-check")
    if (export_dir / "book.beancount").exists():
        bean: dict = {}
        r = repeat([bean_check, "--no-cache", str(export_dir / "book.beancount")], 3, timeout)
        bean["check_book"] = _strip(r)
        r = repeat([py, str(BENCH / "bean_report.py"), "balances", str(export_dir / "book.beancount")], 3, timeout)
        out = _json_out(r)
        got = leaves(out.get("balances", {}))
        bean["trial_balance_book"] = {**_strip(r), **{k: out.get(k) for k in ("import_seconds", "load_seconds", "report_seconds", "errors", "entries")}}
        bean["trial_balance_book"]["agrees_with_sanwu"] = got == want
        log(f"beancount: one book trial balance {r['seconds']:.2f} s, agrees: {got == want}")
        if (export_dir / "city.beancount").exists():
            log("beancount: loading the city (this is the slow part)…")
            r = run_measured([py, str(BENCH / "bean_report.py"), "ranking", str(export_dir / "city.beancount")], timeout)
            out = _json_out(r)
            got_rank = [tuple(t) for t in out.get("ranking", [])]
            bean["ranking_city"] = {**_strip(r), **{k: out.get(k) for k in ("import_seconds", "load_seconds", "report_seconds", "errors", "entries")}}
            bean["ranking_city"]["agrees_with_sanwu"] = [t for t in got_rank if t[1]] == [t for t in want_rank if t[1]]
            log(f"beancount: city ranking {r['seconds']:.1f} s, {r['max_rss_mb']:.0f} MB, agrees: {bean['ranking_city']['agrees_with_sanwu']}")
        res["beancount"] = bean

    # --- hledger ----------------------------------------------------------------------------
    hledger = ensure_hledger()
    if hledger is None:
        res["hledger"] = {"missing": "hledger not found (apt-get install hledger)"}
        return res
    ver = subprocess.run([hledger, "--version"], capture_output=True, text=True).stdout.strip()
    hl: dict = {"version": ver}
    r = repeat([hledger, "-f", str(export_dir / "book.journal"), "balance", "--flat", "-O", "csv"], 5, timeout)
    got = leaves(hledger_csv(r["stdout"]))
    hl["trial_balance_book"] = {**_strip(r), "agrees_with_sanwu": got == want}
    log(f"hledger: one book balance {r['seconds']:.2f} s, agrees: {got == want}")
    if (export_dir / "city.journal").exists():
        city = str(export_dir / "city.journal")
        r = run_measured([hledger, "-f", city, "balance", "--flat", "-O", "csv"], timeout)
        hl["trial_balance_city"] = {**_strip(r), "accounts": len(hledger_csv(r["stdout"]))}
        log(f"hledger: city balance {r['seconds']:.1f} s, {r['max_rss_mb']:.0f} MB")
        r = run_measured([hledger, "-f", city, "balance", RANKING_QUERY, "--depth", "2", "--invert", "-S", "-O", "csv"], timeout)
        rows = hledger_csv(r["stdout"])
        got_rank = sorted(((k.split(":")[1], v) for k, v in rows.items() if k.count(":") == 1), key=lambda t: (-t[1], t[0]))
        hl["ranking_city"] = {**_strip(r), "agrees_with_sanwu": [t for t in got_rank if t[1]] == [t for t in want_rank if t[1]]}
        log(f"hledger: city ranking {r['seconds']:.1f} s, {r['max_rss_mb']:.0f} MB, agrees: {hl['ranking_city']['agrees_with_sanwu']}")
    res["hledger"] = hl
    return res
