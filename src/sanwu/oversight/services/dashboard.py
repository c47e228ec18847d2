"""The dashboards' read models: warnings in a region counted by status, by child region and
village, by rule and by month; books with months open past the deadline; overdue disclosures and
questions."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count, F, Max, Min, Q

from sanwu.core.codes import county_of, region_level, region_prefix
from sanwu.core.dates import today
from sanwu.core.scope import code_in_scope
from sanwu.ledger.models import Book, Period
from sanwu.regions.models import Region

from .. import rules
from ..models import ACTIVE_STATUSES, SEVERITY_RANK, STATUSES, Warning
from ..rules import RULES
from .common import chunks
from .lifecycle import overdue_q
from .settings import closing_params_by_county
from .sources import overdue_disclosures, overdue_questions


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


class _ClosingBook(NamedTuple):
    pk: int
    code: str
    name: str
    start_date: dt.date
    region_id: str
    village: str
    township: str | None


def overdue_closings(user, region_code: str, as_of: dt.date | None = None) -> list[dict]:
    """Books in the region (as the user sees them) with months open past the deadline, live. One
    grouped query over the closed months (per book: how many, the first and the last); a book whose
    closed months are one unbroken run (months close in order) is then counted in arithmetic, and
    only a book with gaps has its closed months read and walked (`rules.overdue_months`)."""
    as_of = as_of or today()
    books = [
        _ClosingBook(*row)
        for row in Book.objects.visible_to(user).filter(region__code__startswith=region_prefix(region_code), successor__isnull=True).order_by("code")
        .values_list("pk", "code", "name", "start_date", "region_id", "region__name", "region__parent__name")
    ]  # plain rows: a county's hundreds of Book, Region and parent instances cost more than the rest
    if not books:
        return []
    index = F("year") * 12 + F("month") - 1
    runs: dict[int, tuple[int, int] | None] = {}
    gaps: list[int] = []
    for part in chunks([b.pk for b in books]):
        rows = Period.objects.filter(book_id__in=part).exclude(status="open").values("book_id").annotate(n=Count("id"), lo=Min(index), hi=Max(index)).order_by()
        for r in rows:
            if r["hi"] - r["lo"] + 1 == r["n"]:
                runs[r["book_id"]] = (r["lo"], r["hi"])
            else:
                gaps.append(r["book_id"])
    closed: dict[int, set] = defaultdict(set)
    for part in chunks(gaps):
        for book_id, year, month in Period.objects.filter(book_id__in=part).exclude(status="open").values_list("book_id", "year", "month"):
            closed[book_id].add((year, month))
    params = closing_params_by_county({county_of(b.region_id) for b in books})
    out = []
    for b in books:
        p = params[county_of(b.region_id)]
        if b.pk in closed:
            months = rules.overdue_months(rules.BookMonths(b.pk, b.region_id, b.name, b.start_date, frozenset(closed[b.pk])), as_of, p)
            found = (months[0], len(months)) if months else None
        else:
            found = rules.overdue_of_closed_run(b.start_date, runs.get(b.pk), as_of, p)
        if found:
            (y_, m_), n = found
            out.append({
                "book": b.code, "name": b.name, "village": b.village, "village_code": b.region_id,
                "township": b.township or "", "first": f"{y_}-{m_:02d}",
                "deadline": rules.close_deadline(y_, m_, p, b.start_date), "months": n,
            })
    return out


def _names(codes: Iterable[str]) -> dict[str, str]:
    codes = sorted(set(c for c in codes if c))
    out = {}
    for part in chunks(codes):
        out.update(Region.objects.filter(code__in=part).values_list("code", "name"))
    return out


def adapter_rows(user, region_code: str, as_of: dt.date | None = None) -> dict:
    """Overdue disclosures and questions in the region (from the disclosure app), as the user
    sees them."""
    as_of = as_of or today()
    prefix = region_prefix(region_code)

    def mine(code: str) -> bool:
        return code.startswith(prefix) and code_in_scope(user, code)

    drows = [
        {"village_code": f.village_code, "period": f.subject.split(":", 2)[2], "due": f.occurred_on}
        for f in rules.disclosure_overdue(overdue_disclosures(as_of), as_of)
        if mine(f.village_code)
    ]
    qrows = [{"id": q.pk, "village_code": q.village_code, "deadline": q.deadline} for q in overdue_questions(as_of) if mine(q.village_code)]
    names = _names([r["village_code"] for r in drows + qrows])
    for r in drows + qrows:
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
