"""Financial disclosures: prepare → confirm → publish, then frozen with the book's chain head;
and the periods past their due date without one (oversight's warning rule).

`prepare`, `confirm` and `publish` take `at=` to date what they record (the demo backdates;
default now)."""

import datetime as dt
import hashlib
import json

from django.db import transaction
from django.utils import timezone

from sanwu.core import audit
from sanwu.core.codes import county_of
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.masking import Names
from sanwu.core.permissions import may, refuse
from sanwu.ledger.models import Book, Voucher
from sanwu.workbench.services import inbox

from .. import hooks
from ..models import Disclosure, DisclosureEvent, DisclosureSettings
from . import snapshot as snap
from .periods import Period, due_date, parse_period, period_containing, period_errors
from .permissions import CONFIRM_ROLES, PREPARE_ROLES, PUBLISH_ROLES


def fingerprint(snapshot: dict) -> str:
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_snapshot(book: Book, period: Period, names: Names | None = None) -> dict:
    """The figures of the period as the books hold them now."""
    return snap.build(book, period.year, period.month_from, period.month_to, names)


def period_of(d: Disclosure) -> Period:
    return Period(d.year, d.month_from, d.month_to)


def unposted_in(book: Book, period: Period) -> int:
    """Vouchers of the period not yet posted (the disclosure shows posted ones only)."""
    return (
        Voucher.objects.filter(book=book, year=period.year, month__gte=period.month_from, month__lte=period.month_to)
        .exclude(status="posted")
        .count()
    )


def prepare(user, book: Book, year: int, month_from: int, month_to: int | None = None, *, names: Names | None = None, at=None) -> Disclosure:
    """The accountant prepares (or prepares again) the disclosure of a month or quarter from the
    book. A published period cannot be prepared again."""
    month_to = month_from if month_to is None else month_to
    if not may(user, PREPARE_ROLES, book.region_id):
        refuse(user, "disclosure.prepare", book.code, book.region_id)
        raise Refused(f"无权编制{book.region.name}的财务公开（须为本村会计）")
    problems = period_errors(year, month_from, month_to)
    if problems:
        raise Invalid(problems)
    period = Period(int(year), int(month_from), int(month_to))
    if period.end >= today():
        problems.append(Problem(f"{period.label}尚未结束，结束后才能编制公开"))
    if period.end < book.start_date:
        problems.append(Problem(f"{period.label}早于账套启用日期（{book.start_date:%Y年%m月%d日}）"))
    if problems:
        raise Invalid(problems)
    book = Book.objects.get(pk=book.pk)
    data = {**build_snapshot(book, period, names), "basis": _basis(book)}
    now = at or timezone.now()
    with transaction.atomic():
        d = (
            Disclosure.objects.select_for_update()
            .filter(book=book, year=period.year, month_from=period.month_from, month_to=period.month_to)
            .first()
        )
        if d is not None and d.status == "published":
            raise Invalid(Problem(f"{period.label}的财务公开已经发布，不能重新编制"))
        again = d is not None
        if d is None:
            d = Disclosure(village_id=book.region_id, book=book, year=period.year, month_from=period.month_from, month_to=period.month_to)
        d.kind = period.kind
        d.status = "draft"
        d.snapshot = data
        d.snapshot_hash = fingerprint(data)
        d.prepared_by = user if getattr(user, "pk", None) else None
        d.prepared_at = now
        d.confirmed_by = None
        d.confirmed_at = None
        d.save()
        DisclosureEvent.record(user, "reprepared" if again else "prepared", disclosure=d, at=now)
        audit.record(
            "disclosure.prepare", d, actor=user, region_code=d.village_id,
            new={"book": book.code, "period": period.key, "income": data["income_total"]["period"], "expense": data["expense_total"]["period"], "again": again},
        )
        inbox.notify(inbox.holders(CONFIRM_ROLES, d.village_id, exact=True), "confirm", f"{period.label}财务公开待确认", subject=d, region_code=d.village_id, exclude=user)
    return d


def prepare_period(user, book: Book, key: str, **kw) -> Disclosure:
    p = parse_period(key)
    return prepare(user, book, p.year, p.month_from, p.month_to, **kw)


def _locked(d: Disclosure) -> Disclosure:
    return Disclosure.objects.select_for_update().get(pk=d.pk)


def _basis(book: Book) -> dict:
    return {"posted_count": book.posted_count, "chain_head": book.chain_head}


def _still_matches(d: Disclosure, book: Book | None = None) -> list[str]:
    """What changed in the books since the figures were prepared. Books change only by posting
    (and opening balances before they are confirmed): when nothing was posted since, the figures
    stand without recomputing them."""
    book = book or Book.objects.get(pk=d.book_id)
    if book.opening_confirmed and d.snapshot.get("basis") == _basis(book):
        return []
    return snap.differences(d.snapshot, build_snapshot(book, period_of(d), Names()))


def confirm(user, d: Disclosure, *, at=None) -> Disclosure:
    """The village secretary confirms the prepared figures (and only the secretary)."""
    if not may(user, CONFIRM_ROLES, d.village_id):
        refuse(user, "disclosure.confirm", d.pk, d.village_id)
        raise Refused("只有本村党组织书记可以确认财务公开")
    with transaction.atomic():
        d = _locked(d)
        if d.status == "published":
            raise Invalid(Problem("本期公开已经发布，不能再确认或修改"))
        if d.status != "draft":
            raise Invalid(Problem("本期公开已确认，等待发布"))
        changed = _still_matches(d)
        if changed:
            raise Invalid(Problem("编制后账簿又有变动（" + "；".join(changed) + "），请会计重新编制后再确认"))
        d.status = "confirmed"
        d.confirmed_by = user if getattr(user, "pk", None) else None
        d.confirmed_at = at or timezone.now()
        d.save(update_fields=["status", "confirmed_by", "confirmed_at"])  # the snapshot stays as prepared
        DisclosureEvent.record(user, "confirmed", disclosure=d, at=d.confirmed_at)
        audit.record("disclosure.confirm", d, actor=user, region_code=d.village_id, new={"period": d.period_key})
    return d


def publish(user, d: Disclosure, *, at=None) -> Disclosure:
    """Publish a confirmed disclosure: from now on it is frozen, and carries the book's chain head
    and posted count, so that anyone can check the books were not rewritten since. Irreversible."""
    if not may(user, PUBLISH_ROLES, d.village_id):
        refuse(user, "disclosure.publish", d.pk, d.village_id)
        raise Refused("只有本村会计或党组织书记可以发布财务公开")
    with transaction.atomic():
        book = Book.objects.select_for_update().get(pk=d.book_id)  # no posting while we freeze
        d = _locked(d)
        if d.status == "published":
            raise Invalid(Problem("本期公开已经发布；发布后不能撤回或修改"))
        if d.status != "confirmed":
            raise Invalid(Problem("须先由本村党组织书记确认，才能发布"))
        changed = _still_matches(d, book)
        if changed:
            raise Invalid(Problem("确认后账簿又有变动（" + "；".join(changed) + "），请会计重新编制并经书记确认"))
        gated = hooks.publish_problems(d)
        if gated:
            raise Invalid([Problem(p) for p in gated])
        d.snapshot = {**d.snapshot, **hooks.publish_freeze(d)}
        d.chain_head = book.chain_head
        d.posted_count = book.posted_count
        d.snapshot_hash = fingerprint(d.snapshot)
        d.status = "published"
        d.published_by = user if getattr(user, "pk", None) else None
        d.published_at = at or timezone.now()
        d.save(update_fields=["snapshot", "chain_head", "posted_count", "snapshot_hash", "status", "published_by", "published_at"])
        DisclosureEvent.record(user, "published", disclosure=d, at=d.published_at)
        audit.record(
            "disclosure.publish", d, actor=user, region_code=d.village_id,
            new={"period": d.period_key, "chain_head": d.chain_head, "posted_count": d.posted_count, "snapshot_hash": d.snapshot_hash},
        )
    return d


# --- Overdue disclosures (oversight's warning rule) --------------------------------------------


def _months_between(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


LOOKBACK_DAYS = 366  # how far back a period past its due date still counts as overdue


def overdue_disclosures(as_of: dt.date, lookback_days: int = LOOKBACK_DAYS, books=None) -> list[dict]:
    """Periods past their due date (the county's due day of the next month) without a published
    disclosure, for every book, counting only periods in which the book has posted business and
    whose due date lies within `lookback_days` before `as_of`; `books` (a queryset) narrows it. Each: village_code, period
    (「2020-03」 or 「2020-Q1」), due_date, and book_code, village_name, label."""
    window = as_of - dt.timedelta(days=lookback_days)
    months = _months_between(dt.date(window.year, window.month, 1) - dt.timedelta(days=100), as_of)
    scoped = books is not None  # a queryset of the books to look at (default: every book)
    books = {b["id"]: b for b in (books if scoped else Book.objects).values("id", "code", "region_id", "region__name", "start_date")}
    counties = {s.county_id: s for s in DisclosureSettings.objects.all()}
    published = set(
        Disclosure.objects.filter(status="published", year__gte=months[0][0]).values_list("book_id", "year", "month_from", "month_to")
    )
    out: dict[tuple, dict] = {}
    for book_id, y, m in snap.activity_months(list(books) if scoped else None, months):
        b = books.get(book_id)
        if b is None:
            continue
        county = county_of(b["region_id"])
        s = counties.get(county) or DisclosureSettings(county_id=county)
        period = period_containing(s.frequency, y, m)
        due = due_date(s, period)
        if not (window <= due < as_of) or (book_id, period.year, period.month_from, period.month_to) in published:
            continue
        out[(book_id, period.key)] = {
            "village_code": b["region_id"], "period": period.key, "due_date": due,
            "book_code": b["code"], "village_name": b["region__name"], "label": period.label,
        }
    return sorted(out.values(), key=lambda r: (r["due_date"], r["village_code"], r["period"]))
