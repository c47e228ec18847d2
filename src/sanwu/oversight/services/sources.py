"""What the rules need from the apps beside oversight, read here and passed to the pure rules:
which vouchers a completed 四议两公开 decision covers (decisions), and the disclosures and
villagers' questions past their deadline (disclosure), and which vouchers were made from an
approved payment request and whether the county checks that (payments)."""

import datetime as dt

from sanwu.decisions.services import vouchers_with_completed_decision
from sanwu.disclosure.services import overdue_disclosures as disclosures_overdue_on
from sanwu.disclosure.services import overdue_questions as questions_overdue_on
from sanwu.payments.services import requested_vouchers, thresholds_for


def decided_vouchers(vouchers) -> set[int]:
    """Of these posted vouchers, the ids of those linked to a completed 四议两公开 decision."""
    return set(vouchers_with_completed_decision([v.pk for v in vouchers])) if vouchers else set()


def overdue_disclosures(as_of: dt.date) -> list[dict]:
    return list(disclosures_overdue_on(as_of))


def overdue_questions(as_of: dt.date) -> list:
    return list(questions_overdue_on(as_of))


def payment_check(county_code: str) -> int | None:
    """The least payment the county wants an approved request for, or None when it does not check."""
    t = thresholds_for(county_code)
    return t.warn_min_amount if t.warn_without_request else None


__all__ = ["decided_vouchers", "overdue_disclosures", "overdue_questions", "payment_check", "requested_vouchers"]
