"""What the rules need from the apps beside oversight, read here and passed to the pure rules:
which vouchers a completed 四议两公开 decision covers (decisions), and the disclosures and
villagers' questions past their deadline (disclosure), the receivables older than their
county's limit (the ledger's ageing), the spending past a year's approved budget (budgets), and
which vouchers were made from an approved payment request and whether the county checks that
(payments)."""

import datetime as dt

from sanwu.budgets.services import overruns_of_posted
from sanwu.decisions.services import vouchers_with_completed_decision
from sanwu.disclosure.services import overdue_disclosures as disclosures_overdue_on
from sanwu.disclosure.services import overdue_questions as questions_overdue_on
from sanwu.ledger.services.ageing import overdue_receivables as receivables_overdue_on
from sanwu.payments.services import requested_vouchers, thresholds_for

from .. import rules


def decided_vouchers(vouchers) -> set[int]:
    """Of these posted vouchers, the ids of those linked to a completed 四议两公开 decision."""
    return set(vouchers_with_completed_decision([v.pk for v in vouchers])) if vouchers else set()


def overdue_disclosures(as_of: dt.date) -> list[dict]:
    return list(disclosures_overdue_on(as_of))


def overdue_questions(as_of: dt.date) -> list:
    return list(questions_overdue_on(as_of))


def overdue_receivables(as_of: dt.date) -> list[dict]:
    return receivables_overdue_on(as_of)


def budget_overruns(book, vouchers, entries=None) -> list:
    """The posted vouchers' spending past their year's approved budget, as the rule sees it."""
    by_id = {v.pk: v for v in vouchers}
    return [
        rules.BudgetOverrun(o.voucher_id, book.region_id, book.pk, by_id[o.voucher_id].date, o.label, by_id[o.voucher_id].summary, o.message(), o.over)
        for o in overruns_of_posted(book, vouchers, entries)
    ]


def contract_findings(as_of: dt.date) -> dict[str, list]:
    """The contract rules over every active contract and the income without one (contracts app)."""
    from sanwu.contracts import services as contracts

    out: dict[str, list] = {}
    for f in [f for c in contracts.contract_facts(as_of) for f in rules.contract_findings(c, as_of)]:
        out.setdefault(f.rule, []).append(f)
    out["income_without_contract"] = rules.income_without_contract(contracts.income_without_contract(as_of))
    return out


def payment_check(county_code: str) -> int | None:
    """The least payment the county wants an approved request for, or None when it does not check."""
    t = thresholds_for(county_code)
    return t.warn_min_amount if t.warn_without_request else None


__all__ = [
    "budget_overruns", "contract_findings", "decided_vouchers", "overdue_disclosures", "overdue_questions", "overdue_receivables", "payment_check",
    "requested_vouchers",
]
