"""The hash chain over a book's posted vouchers (pure functions).

Each posted voucher stores sha256(previous hash + canonical content). Changing any posted
field, entry or amount, or removing a voucher, breaks every link after it.
"""

import hashlib
import json

GENESIS = "0" * 64


def canonical(
    *, book_code: str, seq: int, year: int, month: int, number: int, date: str, summary: str, reverses_seq, entries,
    kind: str = "normal",
) -> str:
    """`entries`: iterable of (account code, debit, credit, summary, counterparty, settlement, source)."""
    doc = {
        "book": book_code,
        "seq": seq,
        "period": f"{year:04d}-{month:02d}",
        "number": number,
        "date": date,
        "summary": summary,
        "reverses": reverses_seq,
        "kind": kind,
        "entries": [list(e) for e in entries],
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def link(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash or GENESIS).encode() + content.encode("utf-8")).hexdigest()
