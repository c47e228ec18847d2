"""The daily run (`sanwu oversight run-daily`): the time-based rules — months not closed in time,
disclosures and villagers' questions past their deadline, receivables older than the county's
limit — and large expenditures warned about
that a decision now covers, settled."""

import datetime as dt
from collections import defaultdict

from django.db import transaction

from sanwu.core import audit
from sanwu.core.codes import county_of
from sanwu.core.dates import today
from sanwu.ledger.models import Book, Period

from .. import rules
from ..models import Warning
from ..rules import Finding
from .lifecycle import lock_warning, record_transition
from .posting import store
from .settings import closing_params_by_county, params_by_county
from .sources import contract_findings, decided_vouchers, overdue_disclosures, overdue_questions, overdue_receivables


def run_daily(user=None, as_of: dt.date | None = None) -> dict[str, int]:
    """The time-based rules for every book and village (the system's view, not a user's):
    months not closed in time, overdue disclosures, overdue questions, receivables too old. Idempotent."""
    as_of = as_of or today()
    found: dict[str, list[Finding]] = {r.code: [] for r in rules.DAILY_RULES}
    # a book succeeded on a newer chart has no months left to close
    books = list(Book.objects.filter(successor__isnull=True).values_list("pk", "region_id", "name", "start_date"))
    params = closing_params_by_county({county_of(b[1]) for b in books})
    closed: dict[int, set] = defaultdict(set)
    for book_id, year, month in Period.objects.exclude(status="open").values_list("book_id", "year", "month"):
        closed[book_id].add((year, month))
    for pk, village, name, start in books:
        p = params[county_of(village)]
        if p.enabled("month_not_closed"):
            found["month_not_closed"] += rules.month_not_closed(
                rules.BookMonths(pk, village, name, start, frozenset(closed[pk])), as_of, p
            )
    found["disclosure_overdue"] = rules.disclosure_overdue(overdue_disclosures(as_of), as_of)
    found["question_overdue"] = rules.question_overdue(overdue_questions(as_of), as_of)
    found["receivable_overdue"] = rules.receivable_overdue(overdue_receivables(as_of), as_of)
    contract_codes = [r.code for r in rules.DAILY_RULES if r.code.startswith("contract_") or r.code in ("income_without_contract", "property_pledged")]
    for code, items in contract_findings(as_of).items():
        found[code] = items
    for code in ("disclosure_overdue", "question_overdue", "receivable_overdue", *contract_codes):
        ps = params_by_county({county_of(f.village_code) for f in found[code]})
        found[code] = [f for f in found[code] if ps[county_of(f.village_code)].enabled(code)]
    with transaction.atomic():
        result = {code: store(items) for code, items in found.items()}
        resolved = resolve_decided(user)
        audit.record(
            "oversight.run_daily", actor=user, object_type="oversight", object_id=as_of.isoformat(),
            new={"as_of": as_of, "created": result, "resolved": resolved},
        )
    return result


def resolve_decided(user=None) -> int:
    """Large expenditures warned about for want of a decision, linked since to a completed
    四议两公开 decision, are settled (accepted by the system, with a history row)."""
    pending = list(
        Warning.objects.filter(rule="large_without_decision", status__in=("open", "explained"), voucher__isnull=False)
        .select_related("voucher__book")
    )
    if not pending:
        return 0
    decided = decided_vouchers([w.voucher for w in pending])
    done = 0
    for w in pending:
        if w.voucher_id in decided:
            with transaction.atomic():
                locked = lock_warning(w, ("open", "explained"), "认可")
                record_transition(user, locked, "accepted", "凭证已关联已完成的“四议两公开”决策，系统自动办结", "accept")
            done += 1
    return done
