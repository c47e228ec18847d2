"""Ledger tests written as small readable journals.

    2025-01-05 收到光伏发电收入
      102   100000.00  -          bank
      501   -          100000.00  pv

Each voucher: a date and a summary; then entries: account code, debit, credit ("-" for none,
yuan, red-ink negatives allowed), and optionally a settlement (cash/bank/transfer) and a source.
"""

import datetime as dt

from sanwu.core.money import parse_yuan
from sanwu.ledger.charts import SETTLEMENTS, SOURCES
from sanwu.ledger.services import EntryDraft, VoucherDraft


def parse(text: str) -> list[VoucherDraft]:
    drafts: list[VoucherDraft] = []
    for raw in text.strip("\n").splitlines():
        line = raw.rstrip()
        if not line.strip() or line.strip().startswith("#"):
            continue
        if not line.startswith(" "):
            date, summary = line.split(" ", 1)
            drafts.append(VoucherDraft(date=dt.date.fromisoformat(date), summary=summary.strip()))
            continue
        parts = line.split()
        code, debit, credit, *rest = parts
        e = EntryDraft(
            account=code,
            debit=0 if debit == "-" else parse_yuan(debit),
            credit=0 if credit == "-" else parse_yuan(credit),
        )
        for tag in rest:
            if tag in SETTLEMENTS:
                e.settlement = tag
            elif tag in SOURCES:
                e.source = tag
            else:
                e.counterparty = tag
        drafts[-1].entries.append(e)
    return drafts
