"""The live feed's read model (实时监管): posted vouchers in the user's scope, newest first,
filtered, and dressed with their warnings and settlements for a page."""

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from sanwu.core.codes import region_prefix
from sanwu.ledger.charts import ROLE_LABELS, SETTLEMENTS
from sanwu.ledger.models import Book, Entry, Voucher

from .. import tables
from ..models import SEVERITIES, SEVERITY_RANK, Warning
from ..rules import rule_label

# Vouchers dressed and written per chunk by the export: the rows in memory at once.
EXPORT_CHUNK = 2000
# At most this many rows in one export (the newest).
EXPORT_MAX = 200_000


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
            w.rule_label = rule_label(w.rule)
        v.flags = sorted(warns[v.pk], key=lambda w: -SEVERITY_RANK.get(w.severity, 0))
        v.severity = v.flags[0].severity if v.flags else ""
        v.no_receipt = any(w.rule == "no_attachment" for w in v.flags)
        v.severity_label = v.flags[0].get_severity_display() if v.flags else ""
        v.settlements = sorted(s for s in settlements[v.pk] if s in SETTLEMENTS)
        v.settlement_labels = [SETTLEMENTS[s] for s in v.settlements]
        v.village = v.book.region
        v.township = v.book.region.parent
    return vouchers


def feed_params(f: FeedFilter) -> dict:
    """A filter as plain JSON values, for a download queued in the background."""
    return {k: v for k, v in dataclasses.asdict(f).items() if k != "since"}


class ExportedVoucher:
    """A posted voucher of the feed as its export writes it: the columns it needs read as plain
    values (`dressed_in_chunks`), not a model instance — a row then costs a fifth as much.
    `label` is the voucher's own."""

    FIELDS = ("id", "book_id", "posted_at", "year", "month", "number", "date", "summary", "total", "attachment_count")
    __slots__ = (*FIELDS, "book", "village", "township", "rules", "severity_label", "settlement_labels")
    WORD = Voucher.WORD
    label = Voucher.label

    def __init__(self, values: tuple):
        (self.id, self.book_id, self.posted_at, self.year, self.month, self.number,
         self.date, self.summary, self.total, self.attachment_count) = values[:10]


def dressed_in_chunks(qs):
    """The vouchers of the feed queryset `qs`, in its order, as `ExportedVoucher`s with their
    warnings' rules (worst first), worst severity and settlements: one cursor read
    `EXPORT_CHUNK` rows at a time over the vouchers' columns and whether each settlement occurs
    in their entries (one `Exists` each), their books and regions from one dict (a county has a
    few hundred books), their warnings from one query (a few per hundred vouchers)."""
    books = {b.pk: b for b in Book.objects.filter(pk__in=qs.values("book_id")).select_related("region__parent")}
    warns: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for vid, rule, severity in Warning.objects.filter(voucher_id__in=qs.values("pk")).order_by("id").values_list("voucher_id", "rule", "severity"):
        warns[vid].append((rule, severity))
    severity_labels = dict(SEVERITIES)
    kinds = sorted(SETTLEMENTS)
    paid = {f"paid_{k}": Exists(Entry.objects.filter(voucher=OuterRef("pk"), settlement=k)) for k in kinds}
    rows = qs.select_related(None).annotate(**paid).values_list(*ExportedVoucher.FIELDS, *paid)
    for values in rows.iterator(chunk_size=EXPORT_CHUNK):
        v = ExportedVoucher(values)
        v.book = book = books[v.book_id]
        v.village, v.township = book.region, book.region.parent
        v.settlement_labels = [SETTLEMENTS[k] for k, yes in zip(kinds, values[10:]) if yes]
        flags = warns.get(v.id)
        if flags:
            flags = sorted(flags, key=lambda w: -SEVERITY_RANK.get(w[1], 0))
            v.rules = [rule for rule, _ in flags]
            v.severity_label = severity_labels.get(flags[0][1], flags[0][1])
        else:
            v.rules, v.severity_label = (), ""
        yield v


def write_feed_xlsx(user, params: dict, out, progress) -> None:
    """The live feed under the filter `params` (`feed_params`) as an XLSX workbook written to
    `out`, for `core.downloads`: the same columns as the page's export, one chunk of vouchers in
    memory at a time."""
    qs = feed(user, FeedFilter(**params))[:EXPORT_MAX]
    total = qs.count()
    progress(0, total)
    tables.feed_table(dressed_in_chunks(qs)).write_xlsx(out, progress=lambda n: progress(n, total))
