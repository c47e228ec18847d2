"""The same reports in Beancount 3 (bean-query is no longer part of it), run by bench/run.py as
a child process so its time and memory are measured on their own.

    python bench/bean_report.py balances FILE   # trial balance: load, realize, every account's balance
    python bench/bean_report.py ranking FILE    # operating income per book (Income:B<code>:C501/C502)

Prints JSON: timings inside the process, error count, and the figures (integer fen, from
Decimal without float) so that run.py can check them against Sanwu's.
"""

import json
import re
import sys
import time

t0 = time.perf_counter()
from beancount import loader  # noqa: E402
from beancount.core import data, realization  # noqa: E402

t_import = time.perf_counter() - t0

OPERATING = re.compile(r"^Income:(B\d+):C50[12](:|$)")


def fen(number) -> int:
    return int(number.scaleb(2).to_integral_value())


def main() -> None:
    mode, path = sys.argv[1], sys.argv[2]
    loader.initialize(use_cache=False)  # a cold read every time, as hledger does (no pickle cache)
    t = time.perf_counter()
    entries, errors, _ = loader.load_file(path)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    out: dict = {"import_seconds": t_import, "load_seconds": load_s, "errors": len(errors), "entries": len(entries)}
    if mode == "balances":
        root = realization.realize(entries)
        balances = {}
        for acc in realization.iter_children(root):
            for pos in acc.balance:
                if pos.units.currency == "CNY" and pos.units.number:
                    balances[acc.account] = balances.get(acc.account, 0) + fen(pos.units.number)
        out["balances"] = balances
    elif mode == "ranking":
        income: dict[str, int] = {}
        for entry in entries:
            if not isinstance(entry, data.Transaction):
                continue
            for p in entry.postings:
                m = OPERATING.match(p.account)
                if m:
                    income[m.group(1)] = income.get(m.group(1), 0) - fen(p.units.number)
        out["ranking"] = sorted(income.items(), key=lambda t: (-t[1], t[0]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    out["report_seconds"] = time.perf_counter() - t
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
