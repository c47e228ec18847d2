"""The posting rules run over vouchers as they are posted (the ledger's posting hook, inside the
posting transaction) or over books already posted (`rescan_book`), and what they find stored as
open warnings, a (rule, subject) once only."""

import datetime as dt
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.utils import timezone

from sanwu.core.bulk import insert_rows
from sanwu.core.codes import county_of, township_of
from sanwu.ledger.models import Account, Book, Entry, Voucher
from sanwu.regions.models import Region
from sanwu.workbench.services import inbox

from .. import rules
from ..models import Warning
from ..rules import Finding
from .common import chunks
from .lifecycle import EXPLAIN_ROLES
from .settings import params_for
from .sources import budget_overruns, decided_vouchers, payment_check, requested_vouchers
from .versions import bump


def _account_roles(book: Book) -> dict[int, frozenset[str]]:
    """The roles of the book's accounts, by id (plain SQL, read at every posting)."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, roles FROM {connection.ops.quote_name(Account._meta.db_table)} WHERE book_id = %s", [book.pk])
        return {pk: frozenset(r for r in roles.split(",") if r) for pk, roles in cur.fetchall()}


def voucher_facts(book: Book, vouchers: list[Voucher], roles: dict[int, frozenset[str]] | None = None, entries=None) -> list[rules.VoucherFacts]:
    """Facts for the rules. `entries`: the vouchers' entries in line order when the caller has
    them (the posting hook does); otherwise one query per CHUNK vouchers reads them."""
    roles = roles if roles is not None else _account_roles(book)
    lines: dict[int, list[rules.Line]] = defaultdict(list)
    if entries is not None:
        rows = ((e.voucher_id, e.account_id, e.debit, e.credit, e.counterparty, e.settlement) for e in entries)
    else:
        rows = (
            row
            for part in chunks([v.pk for v in vouchers])
            for row in Entry.objects.filter(voucher_id__in=part)
            .order_by("voucher_id", "line")
            .values_list("voucher_id", "account_id", "debit", "credit", "counterparty", "settlement")
        )
    none, line = frozenset(), tuple.__new__  # rules.Line(...) without a named tuple's argument handling
    for vid, acc, debit, credit, cp, settlement in rows:
        lines[vid].append(line(rules.Line, (roles.get(acc, none), debit, credit, cp, settlement)))
    return [
        rules.VoucherFacts(v.id, book.region_id, v.date, v.label, tuple(lines[v.id]), v.attachment_count, v.kind, book.pk, v.summary)
        for v in vouchers
    ]


def _earlier_payments(book: Book, new: list[rules.Payment], days: int, roles, orders: list[int]) -> list[rules.Payment]:
    """Posted payments of the book near the new ones in date, to the same counterparties.
    `orders`: the posting orders (seq) of all the vouchers being evaluated."""
    if not new:
        return []
    lo = min(p.date for p in new) - dt.timedelta(days=days)
    hi = max(p.date for p in new) + dt.timedelta(days=days)
    new_ids = {p.voucher_id for p in new}
    cps = sorted({p.counterparty for p in new})
    # Only vouchers posted before a new one can be its twin (the rule compares posting order).
    # When the vouchers being evaluated have consecutive orders (a batch just posted, a
    # re-scan's chunk), no other voucher lies between them: only those before the first matter.
    orders = sorted(orders)
    before = orders[0] if orders[-1] - orders[0] + 1 == len(orders) else orders[-1] + 1
    ids: set[int] = set()
    for part in chunks(cps, 400):
        ids.update(
            Entry.objects.filter(
                voucher__book=book, voucher__status="posted", voucher__seq__lt=before, voucher__date__range=(lo, hi),
                counterparty__in=part,
            ).values_list("voucher_id", flat=True)
        )
    ids -= new_ids
    if not ids:
        return []
    vouchers = []
    for part in chunks(sorted(ids)):
        vouchers.extend(Voucher.objects.filter(pk__in=part).only("id", "date", "year", "month", "number", "summary", "attachment_count", "kind", "seq"))
    seq = {v.pk: v.seq or 0 for v in vouchers}
    out = []
    for f in voucher_facts(book, vouchers, roles):
        pay = rules.payment_of(f, seq[f.id])
        if pay is not None:
            out.append(pay)
    return out


def evaluate_posted(book: Book, vouchers: list[Voucher], entries=None, bumped: set = frozenset()) -> int:
    """Run the posting rules over vouchers of one book that have just been posted (or, for a
    re-scan, were posted before); store what they find. Returns the number of new warnings.
    `entries`: those vouchers' entries when the caller has them (see `voucher_facts`);
    `bumped`: townships whose feed generation the caller has raised already (see `store`)."""
    vouchers = [v for v in vouchers if v.status == "posted"]
    if not vouchers:
        return 0
    p = params_for(county_of(book.region_id))
    if not any(p.enabled(r.code) for r in rules.POSTED_RULES):
        return 0
    roles = _account_roles(book)
    facts = [f for f in voucher_facts(book, vouchers, roles, entries) if rules.may_flag(f, p)]
    by_id = {v.id: v for v in vouchers}
    decided: set[int] = set()
    if p.enabled("large_without_decision"):
        decided = decided_vouchers([by_id[f.id] for f in facts if f.expenditure >= p.large_amount])
    findings: list[Finding] = []
    for f in facts:
        findings += rules.voucher_findings(f, p, f.id in decided)
    least = payment_check(county_of(book.region_id)) if p.enabled("payment_without_request") else None
    if least is not None:
        paying = [f for f in facts if min(f.money_out, f.expense) >= max(least, 1)]
        made = requested_vouchers([f.id for f in paying])
        for f in paying:
            findings += rules.payment_without_request(f, f.id in made, least)
    if p.enabled("duplicate_payment"):
        new = [pay for f in facts if (pay := rules.payment_of(f, by_id[f.id].seq or 0)) is not None]
        if new:
            findings += rules.duplicate_payments(new, _earlier_payments(book, new, p.duplicate_days, roles, [v.seq or 0 for v in vouchers]), p)
    if p.enabled("over_budget"):
        findings += rules.over_budget(budget_overruns(book, vouchers, entries))
    # A warning is raised when its voucher was posted (a re-scan dates it then, not today).
    return store(findings, bumped, {v.id: v.posted_at for v in vouchers if v.posted_at is not None})


def on_posted(book: Book, vouchers, entries) -> None:
    """The ledger's posting hook (inside the posting transaction): the township's feed has new
    rows, and the rules run over them."""
    township = township_of(book.region_id)
    bump([township])
    evaluate_posted(book, list(vouchers), entries, bumped={township})


def rescan_book(book: Book, chunk: int = 2000) -> int:
    """Run the posting rules over every posted voucher of a book (idempotent)."""
    created = 0
    ids = list(Voucher.objects.filter(book=book, status="posted").order_by("seq").values_list("pk", flat=True))
    for part in chunks(ids, chunk):
        with transaction.atomic():
            created += evaluate_posted(book, list(Voucher.objects.filter(pk__in=part).order_by("seq")))
    return created


def store(findings: list[Finding], bumped: set = frozenset(), raised_at: dict[int, dt.datetime] | None = None) -> int:
    """Save findings as open warnings; a (rule, subject) already warned about is skipped. The
    townships of new warnings on vouchers have new feed rows (`versions.bump`), but for those in
    `bumped`, raised by the caller in this transaction already. `raised_at`: when each voucher's
    finding was raised (by voucher id; now when not given)."""
    if not findings:
        return 0
    unique: dict[tuple[str, str], Finding] = {}
    for f in findings:
        unique.setdefault((f.rule, f.subject), f)
    # Plain SQL: the ORM spends milliseconds compiling a long IN list. One statement for all the
    # rules (the unique index on (rule, subject) answers `rule IN … AND subject IN …`).
    qn = connection.ops.quote_name
    rules_ = sorted({rule for rule, _ in unique})
    subjects = sorted({subject for _, subject in unique})
    existing: set[tuple[str, str]] = set()
    with connection.cursor() as cur:
        for part in chunks(subjects):
            cur.execute(
                f"SELECT rule, subject FROM {qn(Warning._meta.db_table)} WHERE rule IN ({', '.join(['%s'] * len(rules_))}) "
                f"AND subject IN ({', '.join(['%s'] * len(part))})", [*rules_, *part],
            )
            existing.update(cur.fetchall())
        fresh = [f for k, f in unique.items() if k not in existing]
        codes = sorted({f.village_code for f in fresh})
        known: set[str] = set()
        for part in chunks(codes):
            cur.execute(f"SELECT code FROM {qn(Region._meta.db_table)} WHERE code IN ({', '.join(['%s'] * len(part))})", part)
            known.update(code for code, in cur.fetchall())
    now = timezone.now()
    rows = [f for f in fresh if f.village_code in known]
    _insert_warnings(rows, now, raised_at or {})
    _notify_villages(rows)
    bump({township_of(f.village_code) for f in rows if f.voucher_id is not None} - set(bumped))
    return len(rows)


def _notify_villages(findings: list[Finding]) -> None:
    """One inbox message per village with new warnings, to those who explain them (the village's
    cadres, or for a township's warning the township)."""
    per_village = Counter((f.village_code, getattr(rules.RULES.get(f.rule), "responsible", "village")) for f in findings)
    for (code, responsible), n in sorted(per_village.items()):
        where = code if responsible == "village" else township_of(code)
        inbox.notify(
            inbox.holders(EXPLAIN_ROLES[responsible], where, exact=True), "warning", f"新增预警 {n} 条，请说明情况",
            object_type="oversight.village_warnings", object_id=code, region_code=code,
        )


_WARNING_COLS = (
    "rule", "subject", "severity", "status", "village_id", "township_code", "county_code", "book_id", "voucher_id", "amount",
    "message", "occurred_on", "created_at", "explanation", "explained_by_id", "explained_at", "handled_by_id", "handled_at",
    "handling_note",
)


def _insert_warnings(findings: list[Finding], now, raised_at: dict[int, dt.datetime]) -> None:
    """New warnings written directly (Django's bulk_create spends most of its time compiling
    SQL, and the posting hook may bring thousands); a (rule, subject) that appeared meanwhile is
    skipped by the unique constraint (ON CONFLICT DO NOTHING, on SQLite and PostgreSQL)."""
    if not findings:
        return
    ops = connection.ops
    ts = ops.adapt_datetimefield_value(now)
    local_today = timezone.localdate(now)
    at = {vid: ops.adapt_datetimefield_value(min(t, now)) for vid, t in raised_at.items()}
    rows = [
        (
            f.rule, f.subject, f.severity, "open", f.village_code, township_of(f.village_code), county_of(f.village_code), f.book_id,
            f.voucher_id, f.amount, f.message[:300], ops.adapt_datefield_value(f.occurred_on or local_today), at.get(f.voucher_id, ts), "", None, None,
            None, None, "",
        )
        for f in findings
    ]
    insert_rows(Warning._meta.db_table, _WARNING_COLS, rows, on_conflict="DO NOTHING")
