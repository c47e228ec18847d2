"""Oversight's domain logic: running the rules (at posting and daily), storing their findings as
warnings, the warning life cycle (explain → accept, or escalate), the county parameters, and
the read models behind the live feed and the dashboards.

Every function that changes something takes the acting user (None for the system: the posting
hook, `sanwu oversight run-daily`, the demo) and checks the scope gate itself.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from sanwu.core import audit
from sanwu.core.bulk import insert_rows
from sanwu.core.codes import region_level, region_prefix
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.gate import refuse
from sanwu.core.scope import can_write, code_in_scope
from sanwu.ledger.charts import ROLE_LABELS, SETTLEMENTS
from sanwu.ledger.models import Account, Book, Entry, Period, Voucher
from sanwu.regions.models import Region

from . import rules
from .models import ACTIVE_STATUSES, SEVERITY_RANK, STATUSES, RuleSettings, Warning, WarningEvent
from .rules import RULES, Finding, Params

STATUS_LABELS = dict(STATUSES)
EXPLAIN_ROLES = {"village": {"village_accountant", "village_secretary"}, "township": {"township_supervisor"}}
REVIEW_ROLES = {"village": {"township_supervisor"}, "township": {"county_supervisor"}}
ESCALATE_ROLES = {"village": {"township_supervisor"}, "township": set()}
COUNTY_ROLES = {"county_supervisor"}
SETTINGS_ROLES = {"county_supervisor"}
CHUNK = 900  # ids per IN (…) clause


def today() -> dt.date:
    return timezone.localdate()


def county_of(code: str) -> str:
    return code[:6] + "000000"


def township_of(code: str) -> str:
    return code[:9] + "000"


# --- County parameters ---------------------------------------------------------------------------


def _params_of(row: RuleSettings | None) -> Params:
    if row is None:
        return rules.DEFAULTS
    return Params(
        cash_limit=row.cash_limit, large_amount=row.large_amount, duplicate_days=row.duplicate_days,
        round_min=row.round_min, round_unit=row.round_unit, close_day=row.close_day, response_days=row.response_days,
        disabled=frozenset(r for r in row.disabled_rules.split(",") if r),
    )


def params_for(county_code: str) -> Params:
    return _params_of(RuleSettings.objects.filter(county_id=county_code).first())


def params_by_county(codes: Iterable[str]) -> dict[str, Params]:
    codes = set(codes)
    rows = {r.county_id: r for r in RuleSettings.objects.filter(county_id__in=codes)}
    return {c: _params_of(rows.get(c)) for c in codes}


PARAM_FIELDS = ("cash_limit", "large_amount", "duplicate_days", "round_min", "round_unit", "close_day", "response_days")


def update_params(user, county_code: str, **values) -> Params:
    """A county supervisor sets the county's parameters (audited, old and new values)."""
    county = Region.objects.filter(code=county_code, level="county").first()
    if county is None:
        raise Invalid(Problem(f"「{county_code}」不是已登记的县", field="region"))
    if user is not None and not can_write(user, county_code, SETTINGS_ROLES):
        refuse(user, "oversight.settings", county_code, county_code)
        raise Refused("只有本县的县级监管可以修改预警参数")
    unknown = set(values) - set(PARAM_FIELDS) - {"disabled"}
    if unknown:
        raise Invalid([Problem(f"未知参数「{k}」") for k in sorted(unknown)])
    with transaction.atomic():
        row = RuleSettings.objects.select_for_update().filter(county=county).first()
        old = _params_of(row)
        merged = {f: values.get(f, getattr(old, f)) for f in PARAM_FIELDS}
        disabled = frozenset(values.get("disabled", old.disabled))
        new = Params(**merged, disabled=disabled)
        problems = rules.params_errors(new)
        if problems:
            raise Invalid([Problem(p) for p in problems])
        if row is None:
            row = RuleSettings(county=county)
        for f in PARAM_FIELDS:
            setattr(row, f, merged[f])
        row.disabled_rules = ",".join(sorted(disabled))
        row.updated_by = user
        row.save()
        audit.record(
            "oversight.settings.update", row, actor=user, region_code=county_code,
            old=_params_dict(old), new=_params_dict(new),
        )
    return new


def _params_dict(p: Params) -> dict:
    return {**{f: getattr(p, f) for f in PARAM_FIELDS}, "disabled": sorted(p.disabled)}


# --- Facts from the books ------------------------------------------------------------------------


def _chunks(seq: list, n: int = CHUNK):
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _account_roles(book: Book) -> dict[int, frozenset[str]]:
    return {pk: frozenset(r for r in roles.split(",") if r) for pk, roles in Account.objects.filter(book=book).values_list("pk", "roles")}


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
            for part in _chunks([v.pk for v in vouchers])
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
    for part in _chunks(cps, 400):
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
    for part in _chunks(sorted(ids)):
        vouchers.extend(Voucher.objects.filter(pk__in=part).only("id", "date", "year", "month", "number", "summary", "attachment_count", "kind", "seq"))
    seq = {v.pk: v.seq or 0 for v in vouchers}
    out = []
    for f in voucher_facts(book, vouchers, roles):
        pay = rules.payment_of(f, seq[f.id])
        if pay is not None:
            out.append(pay)
    return out


def evaluate_posted(book: Book, vouchers: list[Voucher], entries=None) -> int:
    """Run the posting rules over vouchers of one book that have just been posted (or, for a
    re-scan, were posted before); store what they find. Returns the number of new warnings.
    `entries`: those vouchers' entries when the caller has them (see `voucher_facts`)."""
    vouchers = [v for v in vouchers if v.status == "posted"]
    if not vouchers:
        return 0
    p = params_for(county_of(book.region_id))
    if not any(p.enabled(r.code) for r in rules.POSTED_RULES):
        return 0
    roles = _account_roles(book)
    facts = voucher_facts(book, vouchers, roles, entries)
    by_id = {v.id: v for v in vouchers}
    lookup = rules.decision_lookup() if p.enabled("large_without_decision") else None
    decided_ids: set[int] = set()
    if lookup is not None:
        decided_ids = lookup([by_id[f.id] for f in facts if f.expenditure >= p.large_amount])
    findings: list[Finding] = []
    for f in facts:
        findings += rules.voucher_findings(f, p, None if lookup is None else f.id in decided_ids)
    if p.enabled("duplicate_payment"):
        new = [pay for f in facts if (pay := rules.payment_of(f, by_id[f.id].seq or 0)) is not None]
        if new:
            findings += rules.duplicate_payments(new, _earlier_payments(book, new, p.duplicate_days, roles, [v.seq or 0 for v in vouchers]), p)
    return store(findings)


def on_posted(book: Book, vouchers, entries) -> None:
    """The ledger's posting hook (inside the posting transaction)."""
    evaluate_posted(book, list(vouchers), entries)


def rescan_book(book: Book, chunk: int = 2000) -> int:
    """Run the posting rules over every posted voucher of a book (idempotent)."""
    created = 0
    ids = list(Voucher.objects.filter(book=book, status="posted").order_by("seq").values_list("pk", flat=True))
    for part in _chunks(ids, chunk):
        with transaction.atomic():
            created += evaluate_posted(book, list(Voucher.objects.filter(pk__in=part).order_by("seq")))
    return created


def store(findings: list[Finding]) -> int:
    """Save findings as open warnings; a (rule, subject) already warned about is skipped."""
    if not findings:
        return 0
    unique: dict[tuple[str, str], Finding] = {}
    for f in findings:
        unique.setdefault((f.rule, f.subject), f)
    existing: set[tuple[str, str]] = set()
    by_rule: dict[str, list[str]] = defaultdict(list)
    for rule, subject in unique:
        by_rule[rule].append(subject)
    table = connection.ops.quote_name(Warning._meta.db_table)
    with connection.cursor() as cur:  # plain SQL: the ORM spends milliseconds compiling a long IN list
        for rule, subjects in by_rule.items():
            for part in _chunks(subjects):
                cur.execute(f"SELECT rule, subject FROM {table} WHERE rule = %s AND subject IN ({', '.join(['%s'] * len(part))})", [rule, *part])
                existing.update(cur.fetchall())
    fresh = [f for k, f in unique.items() if k not in existing]
    codes = sorted({f.village_code for f in fresh})
    known: set[str] = set()
    for part in _chunks(codes):
        known.update(Region.objects.filter(code__in=part).values_list("code", flat=True))
    now = timezone.now()
    rows = [f for f in fresh if f.village_code in known]
    _insert_warnings(rows, now)
    return len(rows)


_WARNING_COLS = (
    "rule", "subject", "severity", "status", "village_id", "township_code", "county_code", "book_id", "voucher_id", "amount",
    "message", "occurred_on", "created_at", "explanation", "explained_by_id", "explained_at", "handled_by_id", "handled_at",
    "handling_note",
)


def _insert_warnings(findings: list[Finding], now) -> None:
    """New warnings written directly (Django's bulk_create spends most of its time compiling
    SQL, and the posting hook may bring thousands); a (rule, subject) that appeared meanwhile is
    skipped by the unique constraint (ON CONFLICT DO NOTHING, on SQLite and PostgreSQL)."""
    if not findings:
        return
    ops = connection.ops
    ts = ops.adapt_datetimefield_value(now)
    local_today = timezone.localdate(now)
    rows = [
        (
            f.rule, f.subject, f.severity, "open", f.village_code, township_of(f.village_code), county_of(f.village_code), f.book_id,
            f.voucher_id, f.amount, f.message[:300], ops.adapt_datefield_value(f.occurred_on or local_today), ts, "", None, None,
            None, None, "",
        )
        for f in findings
    ]
    insert_rows(Warning._meta.db_table, _WARNING_COLS, rows, on_conflict="DO NOTHING")


def run_daily(user=None, as_of: dt.date | None = None) -> dict[str, int]:
    """The time-based rules for every book and village (the system's view, not a user's):
    months not closed in time, overdue disclosures, overdue questions. Idempotent."""
    as_of = as_of or today()
    found: dict[str, list[Finding]] = {r.code: [] for r in rules.DAILY_RULES}
    books = list(Book.objects.values_list("pk", "region_id", "name", "start_date"))
    params = params_by_county({county_of(b[1]) for b in books})
    closed: dict[int, set] = defaultdict(set)
    for book_id, year, month in Period.objects.exclude(status="open").values_list("book_id", "year", "month"):
        closed[book_id].add((year, month))
    for pk, village, name, start in books:
        p = params[county_of(village)]
        if p.enabled("month_not_closed"):
            found["month_not_closed"] += rules.month_not_closed(
                rules.BookMonths(pk, village, name, start, frozenset(closed[pk])), as_of, p
            )
    disclosures = rules.overdue_disclosures(as_of)
    if disclosures:
        found["disclosure_overdue"] = rules.disclosure_overdue(disclosures, as_of)
    questions = rules.overdue_questions(as_of)
    if questions:
        found["question_overdue"] = rules.question_overdue(questions, as_of)
    for code in ("disclosure_overdue", "question_overdue"):
        ps = params_by_county({county_of(f.village_code) for f in found[code]})
        found[code] = [f for f in found[code] if ps[county_of(f.village_code)].enabled(code)]
    with transaction.atomic():
        result = {code: store(items) for code, items in found.items()}
        resolved = resolve_decided(user)
        audit.record(
            "oversight.run_daily", actor=user, object_type="oversight", object_id=as_of.isoformat(),
            new={"as_of": as_of, "created": result, "resolved": resolved, "disclosures_available": disclosures is not None, "questions_available": questions is not None},
        )
    return result


def resolve_decided(user=None) -> int:
    """Large expenditures warned about for want of a decision, linked since to a completed
    四议两公开 decision, are settled (accepted by the system, with a history row)."""
    lookup = rules.decision_lookup()
    if lookup is None:
        return 0
    pending = list(
        Warning.objects.filter(rule="large_without_decision", status__in=("open", "explained"), voucher__isnull=False)
        .select_related("voucher__book")
    )
    if not pending:
        return 0
    decided = lookup([w.voucher for w in pending])
    done = 0
    for w in pending:
        if w.voucher_id in decided:
            with transaction.atomic():
                locked = _locked(w, ("open", "explained"), "认可")
                _transition(user, locked, "accepted", "凭证已关联已完成的“四议两公开”决策，系统自动办结", "accept")
            done += 1
    return done


# --- The warning life cycle -----------------------------------------------------------------------


def _rule(w: Warning) -> rules.Rule:
    return RULES.get(w.rule) or rules.Rule(w.rule, w.rule, w.severity, "posted")


def allowed_actions(user, w: Warning) -> dict[str, bool]:
    """What the user may do with this warning now (pages and API offer just these)."""
    resp = _rule(w).responsible
    code = w.village_id
    return {
        "explain": w.status == "open" and can_write(user, code, EXPLAIN_ROLES[resp]),
        "accept": (w.status == "explained" and can_write(user, code, REVIEW_ROLES[resp] | COUNTY_ROLES))
        or (w.status == "escalated" and can_write(user, code, COUNTY_ROLES)),
        "escalate": w.status in ("open", "explained") and bool(ESCALATE_ROLES[resp]) and can_write(user, code, ESCALATE_ROLES[resp]),
    }


ACTION_LABELS = {"explain": "说明", "accept": "认可", "escalate": "上报"}


def _require(user, w: Warning, roles: set[str], action: str) -> None:
    if user is None:
        return
    if not roles or not can_write(user, w.village_id, roles):
        refuse(user, f"oversight.warning.{action}", w.pk, w.village_id)
        raise Refused(f"无权{ACTION_LABELS[action]}该预警")


def _locked(w: Warning, allowed: tuple[str, ...], action: str) -> Warning:
    locked = Warning.objects.select_for_update().get(pk=w.pk)
    if locked.status not in allowed:
        raise Invalid(Problem(f"预警状态为「{locked.get_status_display()}」，不能{action}"))
    return locked


def _transition(user, w: Warning, to: str, note: str, action: str) -> Warning:
    old = w.status
    w.status = to
    now = timezone.now()
    if to == "explained":
        w.explanation, w.explained_by, w.explained_at = note, user, now
        fields = ["status", "explanation", "explained_by", "explained_at"]
    else:
        w.handled_by, w.handled_at, w.handling_note = user, now, note[:500]
        fields = ["status", "handled_by", "handled_at", "handling_note"]
    w.save(update_fields=fields)
    WarningEvent.objects.create(
        warning=w, at=now, actor=user, actor_name=getattr(user, "username", "") if user else "", from_status=old, to_status=to, note=note,
    )
    audit.record(f"oversight.warning.{action}", w, actor=user, old={"status": old}, new={"status": to}, note=note, region_code=w.village_id)
    return w


def explain(user, warning: Warning, text: str) -> Warning:
    """The village accountant or secretary explains (for a township's warning: the township)."""
    _require(user, warning, EXPLAIN_ROLES[_rule(warning).responsible], "explain")
    text = (text or "").strip()
    if not text:
        raise Invalid(Problem("请填写情况说明", field="explanation"))
    if len(text) > 2000:
        raise Invalid(Problem("情况说明不能超过2000个字", field="explanation"))
    with transaction.atomic():
        w = _locked(warning, ("open",), "说明")
        return _transition(user, w, "explained", text, "explain")


def accept(user, warning: Warning, note: str = "") -> Warning:
    """The township accepts an explanation (the county may too); what was escalated to the county
    only the county accepts."""
    note = (note or "").strip()
    if len(note) > 500:
        raise Invalid(Problem("处理意见不能超过500个字", field="note"))
    reviewers = REVIEW_ROLES[_rule(warning).responsible] | COUNTY_ROLES
    _require(user, warning, reviewers, "accept")
    with transaction.atomic():
        w = _locked(warning, ("explained", "escalated"), "认可")
        if w.status == "escalated":
            _require(user, w, COUNTY_ROLES, "accept")
        return _transition(user, w, "accepted", note, "accept")


def escalate(user, warning: Warning, note: str) -> Warning:
    """The township escalates a warning to the county, with its reason."""
    _require(user, warning, ESCALATE_ROLES[_rule(warning).responsible], "escalate")
    note = (note or "").strip()
    if not note:
        raise Invalid(Problem("请填写上报原因", field="note"))
    if len(note) > 500:
        raise Invalid(Problem("上报原因不能超过500个字", field="note"))
    with transaction.atomic():
        w = _locked(warning, ("open", "explained"), "上报")
        return _transition(user, w, "escalated", note, "escalate")


# --- Overdue -------------------------------------------------------------------------------------


def overdue_q(county_codes: Iterable[str] | None = None, now=None) -> Q:
    """Open warnings not explained within their county's response days."""
    now = now or timezone.now()
    custom = {r.county_id: r.response_days for r in RuleSettings.objects.all().only("county_id", "response_days")}
    if county_codes is not None:
        wanted = set(county_codes)
        custom = {c: d for c, d in custom.items() if c in wanted}
    cond = Q(created_at__lt=now - dt.timedelta(days=rules.DEFAULTS.response_days)) & ~Q(county_code__in=list(custom))
    for code, days in custom.items():
        cond |= Q(county_code=code, created_at__lt=now - dt.timedelta(days=days))
    return Q(status="open") & cond


def is_overdue(w: Warning, now=None) -> bool:
    if w.status != "open":
        return False
    now = now or timezone.now()
    return w.created_at < now - dt.timedelta(days=params_for(w.county_code).response_days)


# --- Read models: the live feed ------------------------------------------------------------------


@dataclass
class FeedFilter:
    township: str = ""
    village: str = ""
    min_amount: int | None = None
    max_amount: int | None = None
    settlement: str = ""
    account: str = ""
    flagged: bool = False
    severity: str = ""
    since: dt.datetime | None = None


def _role_q(role: str, prefix: str = "account__roles") -> Q:
    return (
        Q(**{prefix: role})
        | Q(**{f"{prefix}__startswith": f"{role},"})
        | Q(**{f"{prefix}__endswith": f",{role}"})
        | Q(**{f"{prefix}__contains": f",{role},"})
    )


def feed_errors(f: FeedFilter) -> list[str]:
    out = []
    if f.township and (not f.township.isdigit() or len(f.township) != 12):
        out.append("乡镇代码应为12位数字")
    if f.village and (not f.village.isdigit() or len(f.village) != 12):
        out.append("村代码应为12位数字")
    if f.settlement and f.settlement not in SETTLEMENTS:
        out.append("结算方式应为 cash、bank 或 transfer")
    if f.severity and f.severity not in SEVERITY_RANK:
        out.append("严重程度应为 high、medium 或 low")
    if f.min_amount is not None and f.max_amount is not None and f.min_amount > f.max_amount:
        out.append("最低金额不能大于最高金额")
    return out


def feed(user, f: FeedFilter | None = None):
    """Posted vouchers in the user's scope, newest first (by posting time)."""
    f = f or FeedFilter()
    # The books in scope as a list too: SQLite then reads those books' vouchers by index instead of
    # sorting every posted voucher of the city (a township's poll: 23 ms → 1 ms, docs/performance.md).
    qs = Voucher.objects.visible_to(user).filter(status="posted", book__in=Book.objects.visible_to(user))
    if f.township:
        qs = qs.filter(book__region__code__startswith=region_prefix(f.township))
    if f.village:
        qs = qs.filter(book__region_id=f.village)
    if f.min_amount is not None:
        qs = qs.filter(total__gte=f.min_amount)
    if f.max_amount is not None:
        qs = qs.filter(total__lte=f.max_amount)
    if f.settlement:
        qs = qs.filter(Exists(Entry.objects.filter(voucher=OuterRef("pk"), settlement=f.settlement)))
    if f.account:
        acc = f.account.strip()
        cond = _role_q(acc) if acc in ROLE_LABELS else Q(account__code__startswith=acc)
        qs = qs.filter(Exists(Entry.objects.filter(cond, voucher=OuterRef("pk"))))
    if f.flagged or f.severity:
        w = Warning.objects.filter(voucher=OuterRef("pk"))
        if f.severity:
            w = w.filter(severity=f.severity)
        qs = qs.filter(Exists(w))
    if f.since is not None:
        qs = qs.filter(posted_at__gt=f.since)
    return qs.select_related("book__region__parent").order_by("-posted_at", "-id")


def dress_feed(vouchers: list[Voucher]) -> list[Voucher]:
    """Attach warnings (worst severity first), settlements and names to a page of the feed."""
    ids = [v.pk for v in vouchers]
    warns: dict[int, list[Warning]] = defaultdict(list)
    settlements: dict[int, set[str]] = defaultdict(set)
    if ids:
        for w in Warning.objects.filter(voucher_id__in=ids).order_by("id"):
            warns[w.voucher_id].append(w)
        for vid, s in Entry.objects.filter(voucher_id__in=ids).exclude(settlement="").values_list("voucher_id", "settlement").distinct():
            settlements[vid].add(s)
    for v in vouchers:
        for w in warns[v.pk]:
            w.rule_label = RULES[w.rule].label if w.rule in RULES else w.rule
        v.flags = sorted(warns[v.pk], key=lambda w: -SEVERITY_RANK.get(w.severity, 0))
        v.severity = v.flags[0].severity if v.flags else ""
        v.no_receipt = any(w.rule == "no_attachment" for w in v.flags)
        v.severity_label = v.flags[0].get_severity_display() if v.flags else ""
        v.settlements = sorted(s for s in settlements[v.pk] if s in SETTLEMENTS)
        v.settlement_labels = [SETTLEMENTS[s] for s in v.settlements]
        v.village = v.book.region
        v.township = v.book.region.parent
    return vouchers


# --- Read models: warnings and dashboards --------------------------------------------------------


@dataclass
class WarningFilter:
    status: str = ""
    rule: str = ""
    severity: str = ""
    region: str = ""  # any region code in scope (county, township, village)
    overdue: bool = False
    active: bool = False  # open, explained or escalated
    q: str = ""


def warnings(user, f: WarningFilter | None = None):
    f = f or WarningFilter()
    qs = Warning.objects.visible_to(user)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.active:
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    if f.rule:
        qs = qs.filter(rule=f.rule)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.region:
        qs = qs.filter(village__code__startswith=region_prefix(f.region) if len(f.region) in (12, 15) else f.region)
    if f.overdue:
        qs = qs.filter(overdue_q())
    if f.q:
        qs = qs.filter(Q(message__contains=f.q) | Q(explanation__contains=f.q))
    return qs.select_related("village__parent", "book", "voucher", "explained_by", "handled_by").order_by("-created_at", "-id")


def _group_field(level: str) -> str | None:
    return {"city": "county_code", "county": "township_code", "township": "village_id"}.get(level)


def status_counts(qs) -> dict[str, int]:
    counts = {code: 0 for code, _ in STATUSES}
    for row in qs.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def counts_by(qs, field: str, overdue: Q) -> dict[str, dict[str, int]]:
    """Per value of `field`: warnings by status, overdue, and high severity still active."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"open": 0, "explained": 0, "accepted": 0, "escalated": 0, "overdue": 0, "high": 0, "total": 0})
    for row in qs.values(field, "status").annotate(n=Count("id")).order_by():
        d = out[row[field]]
        d[row["status"]] += row["n"]
        d["total"] += row["n"]
    for row in qs.filter(overdue).values(field).annotate(n=Count("id")).order_by():
        out[row[field]]["overdue"] = row["n"]
    for row in qs.filter(severity="high", status__in=ACTIVE_STATUSES).values(field).annotate(n=Count("id")).order_by():
        out[row[field]]["high"] = row["n"]
    return dict(out)


def month_trend(qs, months: int = 12, end: dt.date | None = None) -> dict:
    """Warnings per month by severity for the chart: the month is when the matter happened (the
    voucher's date, the missed deadline), the window the `months` months up to the latest one."""
    if end is None:
        end = qs.aggregate(last=Max("occurred_on"))["last"] or today()
    labels = []
    y_, m_ = end.year, end.month
    for _ in range(months):
        labels.append((y_, m_))
        y_, m_ = (y_ - 1, 12) if m_ == 1 else (y_, m_ - 1)
    labels.reverse()
    start = dt.date(labels[0][0], labels[0][1], 1)
    series = {code: [0] * months for code in SEVERITY_RANK}
    index = {ym: i for i, ym in enumerate(labels)}
    rows = qs.filter(occurred_on__gte=start, occurred_on__lte=end).values("occurred_on", "severity").annotate(n=Count("id")).order_by()
    for row in rows:
        d = row["occurred_on"]
        i = index.get((d.year, d.month))
        if i is not None and row["severity"] in series:
            series[row["severity"]][i] += row["n"]
    return {"months": [f"{a}-{b:02d}" for a, b in labels], "series": series}


def rule_counts(qs) -> dict[str, dict[str, int]]:
    out = {code: {"active": 0, "total": 0} for code in RULES}
    for row in qs.values("rule", "status").annotate(n=Count("id")).order_by():
        d = out.setdefault(row["rule"], {"active": 0, "total": 0})
        d["total"] += row["n"]
        if row["status"] in ACTIVE_STATUSES:
            d["active"] += row["n"]
    return out


def overdue_closings(user, region_code: str, as_of: dt.date | None = None) -> list[dict]:
    """Books in the region (as the user sees them) with months open past the deadline, live."""
    as_of = as_of or today()
    books = list(
        Book.objects.visible_to(user).filter(region__code__startswith=region_prefix(region_code)).select_related("region__parent").order_by("code")
    )
    if not books:
        return []
    closed: dict[int, set] = defaultdict(set)
    for part in _chunks([b.pk for b in books]):
        for book_id, year, month in Period.objects.filter(book_id__in=part).exclude(status="open").values_list("book_id", "year", "month"):
            closed[book_id].add((year, month))
    params = params_by_county({county_of(b.region_id) for b in books})
    out = []
    for b in books:
        p = params[county_of(b.region_id)]
        months = rules.overdue_months(rules.BookMonths(b.pk, b.region_id, b.name, b.start_date, frozenset(closed[b.pk])), as_of, p)
        if months:
            y_, m_ = months[0]
            out.append({
                "book": b.code, "name": b.name, "village": b.region.name, "village_code": b.region_id,
                "township": b.region.parent.name if b.region.parent else "", "first": f"{y_}-{m_:02d}",
                "deadline": rules.close_deadline(y_, m_, p), "months": len(months),
            })
    return out


def _names(codes: Iterable[str]) -> dict[str, str]:
    codes = sorted(set(c for c in codes if c))
    out = {}
    for part in _chunks(codes):
        out.update(Region.objects.filter(code__in=part).values_list("code", "name"))
    return out


def adapter_rows(user, region_code: str, as_of: dt.date | None = None) -> dict:
    """Overdue disclosures and questions in the region, from the disclosure app (None when it does
    not provide them yet)."""
    as_of = as_of or today()
    prefix = region_prefix(region_code)

    def mine(code) -> bool:
        code = str(code or "")
        return code.startswith(prefix) and code_in_scope(user, code)

    disclosures = rules.overdue_disclosures(as_of)
    questions = rules.overdue_questions(as_of)
    drows = qrows = None
    if disclosures is not None:
        drows = []
        for f in rules.disclosure_overdue(disclosures, as_of):
            if mine(f.village_code):
                drows.append({"village_code": f.village_code, "period": f.subject.split(":", 2)[2], "due": f.occurred_on})
    if questions is not None:
        qrows = []
        for q in questions:
            code = str(rules._get(q, "village_code", default=""))
            if mine(code):
                qrows.append({"id": rules._get(q, "pk", "id"), "village_code": code, "deadline": rules._get(q, "deadline")})
    names = _names([r["village_code"] for r in (drows or []) + (qrows or [])])
    for r in (drows or []) + (qrows or []):
        r["village"] = names.get(r["village_code"], r["village_code"])
    return {"disclosures": drows, "questions": qrows}


def dashboard(user, region_code: str) -> dict:
    """Counts for a region in scope: by status, overdue, high, per child region and per village,
    per rule, and the month trend."""
    qs = Warning.objects.visible_to(user).filter(village__code__startswith=region_prefix(region_code))
    level = region_level(region_code)
    overdue = overdue_q()
    statuses = status_counts(qs)
    group = _group_field(level)
    children = counts_by(qs, group, overdue) if group else {}
    villages = counts_by(qs, "village_id", overdue) if level != "township" else children
    names = _names([*children, *villages])
    parents = dict(Region.objects.filter(code__in=list(villages)[:5000]).values_list("code", "parent__name")) if villages else {}
    latest = qs.aggregate(at=Max("created_at"))["at"]
    return {
        "region": region_code,
        "level": level,
        "statuses": statuses,
        "total": sum(statuses.values()),
        "active": sum(statuses[s] for s in ACTIVE_STATUSES),
        "overdue": qs.filter(overdue).count(),
        "high": qs.filter(severity="high", status__in=ACTIVE_STATUSES).count(),
        "children": [{"code": c, "name": names.get(c, c), **d} for c, d in sorted(children.items())],
        "villages": sorted(
            ({"code": c, "name": names.get(c, c), "township": parents.get(c, ""), **d} for c, d in villages.items()),
            key=lambda r: (-r["open"] - r["escalated"], -r["total"], r["code"]),
        ),
        "rules": rule_counts(qs),
        "trend": month_trend(qs),
        "latest": latest,
    }


def review_queue(user, region_code: str = ""):
    """Vouchers submitted and waiting for review in the user's scope, oldest first."""
    qs = Voucher.objects.visible_to(user).filter(status="submitted")
    if region_code:
        qs = qs.filter(book__region__code__startswith=region_prefix(region_code))
    return qs.select_related("book__region__parent", "maker").order_by("submitted_at", "id")

