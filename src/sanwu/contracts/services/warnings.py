"""What the warning rules (`oversight.rules`, the contract rules) are told about contracts: every
active contract's facts with its county's limits, and rent or contracting income from
counterparties with no contract. Read by `oversight` in its daily run."""

import datetime as dt
import hashlib

from django.db.models import F, Sum

from sanwu.core.codes import county_of
from sanwu.core.masking import mask_name
from sanwu.decisions.rules import DECIDED_STAGES
from sanwu.ledger.models import Entry

from .. import rules
from ..models import Contract, ContractSettings, ScheduleLine
from .contracts import counterparty_label


def limits_for(region_code: str) -> rules.Limits:
    county = county_of(region_code) or region_code
    row = ContractSettings.objects.filter(county_id=county).first()
    if row is None:
        return rules.DEFAULT_LIMITS
    return rules.Limits(
        row.matter_threshold, row.tender_threshold, tuple(sorted((k, int(v)) for k, v in row.max_years.items())),
        tuple(sorted((k, int(v)) for k, v in row.min_price_per_mu.items())), row.ending_days, row.grace_days,
    )


def contract_facts(as_of: dt.date, region_prefix: str = "") -> list:
    """Every active contract as `oversight.rules.ContractFacts` (three queries whatever the number)."""
    from sanwu.oversight.rules import ContractFacts

    contracts = list(Contract.objects.filter(status="active", book__region__code__startswith=region_prefix).select_related("book", "matter"))
    ids = [c.pk for c in contracts]
    totals = dict(ScheduleLine.objects.filter(contract_id__in=ids).values_list("contract_id").annotate(s=Sum("amount")).values_list("contract_id", "s"))
    overdue: dict[int, list] = {}
    for cid, seq, due, amount, paid in ScheduleLine.objects.filter(contract_id__in=ids, due__lte=as_of, paid__lt=F("amount")).values_list("contract_id", "seq", "due", "amount", "paid"):
        overdue.setdefault(cid, []).append((seq, due, amount - paid))
    limits: dict[str, rules.Limits] = {}
    out = []
    for c in contracts:
        county = county_of(c.book.region_id)
        lim = limits.setdefault(county, limits_for(county))
        terms = rules.Terms(c.start, c.end, c.amount, c.period, c.escalation, c.escalation_value)
        months = rules.term_months(c.start, c.end)
        per_mu = rules.yearly(terms) * 100 // c.area_cmu if c.area_cmu and c.period != "once" else 0
        out.append(ContractFacts(
            c.pk, c.book_id, c.book.region_id, f"合同 {c.number}（{c.object}，{counterparty_label(c)}）", c.kind, c.end, months,
            totals.get(c.pk, 0), per_mu, bool(c.matter_id and c.matter.stage in DECIDED_STAGES and c.matter.status != "abandoned"),
            bool(c.tender.strip()), c.pledge, tuple(overdue.get(c.pk, ())), lim.matter_threshold, lim.tender_threshold,
            lim.max_months(c.kind), lim.min_price(c.kind), lim.ending_days, lim.grace_days,
        ))
    return out


INCOME_SOURCES = ("rent", "contracting")


def income_without_contract(as_of: dt.date, region_prefix: str = "") -> list[dict]:
    """Rent and contracting income (posted, by source) this year and last, by book and counterparty,
    from counterparties none of the book's contracts names."""
    known: dict[int, set[str]] = {}
    for book_id, who in Contract.objects.filter(book__region__code__startswith=region_prefix).values_list("book_id", "counterparty"):
        known.setdefault(book_id, set()).add(who.strip())
    rows = (
        Entry.objects.filter(voucher__status="posted", voucher__kind="normal", source__in=INCOME_SOURCES, credit__gt=0,
                             voucher__book__region__code__startswith=region_prefix, voucher__year__gte=as_of.year - 1, voucher__date__lte=as_of)
        .exclude(counterparty="")
        .values_list("voucher__book_id", "voucher__book__name", "voucher__book__region_id", "voucher__year", "counterparty", "counterparty_kind", "credit", "voucher__date")
    )
    found: dict[tuple, dict] = {}
    for book_id, name, village, year, who, kind, credit, day in rows:
        who = who.strip()
        if who in known.get(book_id, ()):
            continue
        key = (book_id, year, who)
        it = found.get(key)
        if it is None:
            shown = who if kind == "organisation" else mask_name(who)
            found[key] = it = {"book_id": book_id, "book_name": name, "village_code": village, "year": year, "counterparty": shown,
                               "key": hashlib.sha1(who.encode()).hexdigest()[:12], "amount": 0, "first": day}
        it["amount"] += credit
        it["first"] = min(it["first"], day)
    return list(found.values())
