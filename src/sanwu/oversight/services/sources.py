"""What the rules need from the apps beside oversight, read here and passed to the pure rules:
which vouchers a completed 四议两公开 decision covers (decisions), and the disclosures and
villagers' questions past their deadline (disclosure), and the receivables older than their
county's limit (the ledger's ageing)."""

import datetime as dt

from sanwu.decisions.services import vouchers_with_completed_decision
from sanwu.disclosure.services import overdue_disclosures as disclosures_overdue_on
from sanwu.disclosure.services import overdue_questions as questions_overdue_on
from sanwu.ledger.services.ageing import overdue_receivables as receivables_overdue_on


def decided_vouchers(vouchers) -> set[int]:
    """Of these posted vouchers, the ids of those linked to a completed 四议两公开 decision."""
    return set(vouchers_with_completed_decision([v.pk for v in vouchers])) if vouchers else set()


def overdue_disclosures(as_of: dt.date) -> list[dict]:
    return list(disclosures_overdue_on(as_of))


def overdue_questions(as_of: dt.date) -> list:
    return list(questions_overdue_on(as_of))


def overdue_receivables(as_of: dt.date) -> list[dict]:
    return receivables_overdue_on(as_of)
