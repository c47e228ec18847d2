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
    """`entries`: iterable of (account code, debit, credit, summary, counterparty, settlement, source).

    The text is exactly `canonical_json(...)` — compact JSON with sorted keys, non-ASCII kept —
    written out directly: a batch import hashes thousands of vouchers, and building the dict for
    the general encoder cost about a tenth of the import's time."""
    s = _string
    lines = ",".join(
        f"[{s(code)},{_int(debit)},{_int(credit)},{s(text)},{s(party)},{s(settlement)},{s(source)}]"
        for code, debit, credit, text, party, settlement, source in entries
    )
    return (
        f'{{"book":{s(book_code)},"date":{s(date)},"entries":[{lines}],"kind":{s(kind)},"number":{_int(number)},'
        f'"period":"{year:04d}-{month:02d}","reverses":{_int(reverses_seq)},"seq":{_int(seq)},"summary":{s(summary)}}}'
    )


def canonical_json(
    *, book_code: str, seq: int, year: int, month: int, number: int, date: str, summary: str, reverses_seq, entries,
    kind: str = "normal",
) -> str:
    """The definition of the canonical text, through the general JSON encoder (the tests hold
    `canonical` to it)."""
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


_string = json.encoder.encode_basestring  # a JSON string literal, non-ASCII kept (the C encoder)


def _int(value) -> str:
    if value is None:
        return "null"
    if type(value) is not int:  # what json.dumps would write differently (or refuse)
        raise TypeError(f"canonical: {value!r} is not an integer")
    return int.__repr__(value)


def link(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash or GENESIS).encode() + content.encode("utf-8")).hexdigest()
