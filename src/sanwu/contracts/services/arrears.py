"""Arrears (欠款) with ageing: every schedule line due on or before a day and not fully paid, in a
region's books the user sees — one indexed read, whatever the region."""

import datetime as dt

from django.db.models import F

from sanwu.core import permissions
from sanwu.core.codes import region_prefix
from sanwu.core.masking import mask_name

from .. import rules
from ..models import Contract, ScheduleLine


def arrears(user, region_code: str, on: dt.date) -> list[dict]:
    """One row per overdue line: book, contract_no, counterparty (a person masked), object, due,
    due_fen, paid_fen, owed_fen, days overdue and the ageing bucket; oldest first."""
    visible = permissions.visible(Contract, user)
    rows = (
        ScheduleLine.objects.filter(contract__in=visible.filter(book__region__code__startswith=region_prefix(region_code)), due__lte=on, paid__lt=F("amount"))
        .exclude(contract__status="terminated")
        .order_by("due", "contract__book__code", "contract__number", "seq")
        .values_list("contract__book__code", "contract__book__region__name", "contract__number", "contract__counterparty", "contract__counterparty_kind",
                     "contract__object", "seq", "due", "amount", "paid", "contract_id")
    )
    out = []
    for book, village, number, who, kind, obj, seq, due, amount, paid, cid in rows:
        days = (on - due).days
        out.append({
            "book": book, "village": village, "contract_no": number, "counterparty": mask_name(who) if kind == "person" else who, "object": obj,
            "seq": seq, "due": due, "due_fen": amount, "paid_fen": paid, "owed_fen": amount - paid, "days_overdue": days,
            "ageing": rules.bucket(days), "contract_id": cid,
        })
    return out
