"""往来款项明细: receivables, payables and internal accounts by counterparty, with their ageing.

What is counted: the accounts whose role is `receivable` (应收款), `payable` (应付款) or
`internal` (内部往来), with their sub-accounts (which inherit the roles); never an account code.
A counterparty is the entry's `counterparty`; an entry without one on a detail sub-account is the
sub-account's (明细科目 kept per counterparty), else 「未填往来单位」. The opening balance of such an
account is dated the book's start date, under the sub-account's name or 「期初余额（未分往来单位）」.

The ageing rule (FIFO, first in first out): a balance is made of the most recent movements on its
own side not yet offset by movements on the other side. A receivable's balance is the most recent
debits: every credit (a payment received, or a red-ink debit) pays off the oldest debit first. A
payable's balance is the most recent credits in the same way, and 内部往来 ages its debit or credit
balance alike. Each outstanding part takes the age of its voucher's date at the report date:
1年以内 (up to and including one year), 1–2年, 2–3年, 3年以上 (more than three years). A
counterparty whose movements cancel shows nothing.

`outstanding`, `age_parts`, `buckets` and `older_than` are pure functions over (date, amount)
pairs; the rest reads the posted entries (status posted, dated on or before the report date).
"""

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from sanwu.core.codes import county_of, region_prefix
from sanwu.core.masking import mask_name
from sanwu.core.permissions import visible
from sanwu.core.scope import grants_of

from ..charts import COUNTERPARTY_KINDS
from ..models import Account, Book, Entry, OpeningBalance
from .counties import receivable_age_years

# (role, label, sign): the sign turns a debit-positive amount into the section's own direction.
SECTIONS: tuple[tuple[str, str, int], ...] = (("receivable", "应收款", 1), ("payable", "应付款", -1), ("internal", "内部往来", 1))
SECTION_LABELS = {role: label for role, label, _ in SECTIONS}
BUCKETS: tuple[tuple[str, str], ...] = (("within_1", "1年以内"), ("years_1_2", "1–2年"), ("years_2_3", "2–3年"), ("over_3", "3年以上"))
BUCKET_KEYS = tuple(k for k, _ in BUCKETS)
OPENING_PARTY = "期初余额（未分往来单位）"
NO_PARTY = "未填往来单位"
CHUNK = 500

Movement = tuple[dt.date, int]


# --- The pure part ------------------------------------------------------------------------------


def years_before(d: dt.date, years: int) -> dt.date:
    """The same day `years` years earlier (29 February becomes the 28th)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def outstanding(movements: Iterable[Movement]) -> list[Movement]:
    """The parts the balance is made of, by FIFO: the most recent movements on the balance's side,
    newest first, the oldest of them cut to what is left. Amounts keep the balance's sign; their
    sum is the balance (empty when it is zero)."""
    moves = list(movements)
    balance = sum(a for _, a in moves)
    if balance == 0:
        return []
    sign = 1 if balance > 0 else -1
    left = abs(balance)
    parts: list[Movement] = []
    # Newest first; on one date the later entries first (a stable sort keeps the given order).
    for d, a in sorted(reversed(moves), key=lambda m: m[0], reverse=True):
        if a * sign <= 0:
            continue
        take = min(left, abs(a))
        parts.append((d, sign * take))
        left -= take
        if left == 0:
            break
    return parts


def age_parts(parts: Iterable[Movement], cutoffs: list[dt.date]) -> list[int]:
    """Sum outstanding parts into len(cutoffs) + 1 slots: dated on or after cutoffs[0], then on or
    after cutoffs[1] (and before cutoffs[0]), …, then before the last cutoff. `cutoffs` newest first."""
    slots = [0] * (len(cutoffs) + 1)
    for d, a in parts:
        i = 0
        while i < len(cutoffs) and d < cutoffs[i]:
            i += 1
        slots[i] += a
    return slots


def bucket_cutoffs(as_of: dt.date) -> list[dt.date]:
    return [years_before(as_of, n) for n in (1, 2, 3)]


def buckets(movements: Iterable[Movement], as_of: dt.date) -> tuple[int, int, int, int]:
    """The balance of `movements` split into 1年以内, 1–2年, 2–3年, 3年以上 at `as_of` (FIFO);
    the four always sum to the balance."""
    return tuple(age_parts(outstanding(movements), bucket_cutoffs(as_of)))  # type: ignore[return-value]


def older_than(movements: Iterable[Movement], as_of: dt.date, years: int) -> int:
    """The part of the balance (FIFO) dated more than `years` years before `as_of`."""
    return age_parts(outstanding(movements), [years_before(as_of, years)])[1]


# --- Names ----------------------------------------------------------------------------------------

# A counterparty whose kind was not said is treated as a person when its name looks like one
# (two to four Chinese characters, not ending like an organisation's name): masking errs on the
# side of the person.
_LOOKS_PERSONAL = re.compile(r"[\u4e00-\u9fff·]{2,4}")
_ORG_ENDINGS = ("会", "社", "组", "队", "站", "所", "局", "厂", "店", "部", "院", "司", "行", "村", "办", "校", "场", "馆")


def is_person(name: str, kind: str) -> bool:
    if kind:
        return kind == "person"
    return bool(_LOOKS_PERSONAL.fullmatch(name)) and not name.endswith(_ORG_ENDINGS)


def shows_names(user, book: Book) -> bool:
    """Whether `user` sees person counterparties of `book` in full: the system operator and those
    holding a role on the book's own village (its accountant, secretary); everyone else — the
    township, the county, the city — sees them masked (张*三)."""
    return user is None or any(g.region_code == book.region_id for g in grants_of(user))


def shown_party(name: str, kind: str, full: bool) -> str:
    return name if full or not is_person(name, kind) else mask_name(name)


# --- Reading the books ----------------------------------------------------------------------------


@dataclass
class _Party:
    movements: list
    kind: str = ""


def _section_accounts(books: list[Book]) -> dict[int, tuple[int, str, int, str]]:
    """The books' accounts of the three sections: id → (book id, role, sign, the name a
    sub-account gives its counterparty or "")."""
    out: dict[int, tuple[int, str, int, str]] = {}
    cond = Q()
    for role, _, _ in SECTIONS:
        cond |= Q(roles__contains=role)
    ids = [b.pk for b in books]
    for i in range(0, len(ids), CHUNK):
        for acc in Account.objects.filter(cond, book_id__in=ids[i : i + CHUNK]).only("pk", "book_id", "roles", "name", "standard"):
            roles = acc.role_set
            for role, _, sign in SECTIONS:
                if role in roles:
                    out[acc.pk] = (acc.book_id, role, sign, "" if acc.standard else acc.name)
                    break
    return out


def _parties(books: list[Book], as_of: dt.date) -> dict[tuple[int, str, str], _Party]:
    """(book id, role, counterparty) → its movements in the section's direction, and its kind (the
    latest one said)."""
    accounts = _section_accounts(books)
    start = {b.pk: b.start_date for b in books}
    parties: dict[tuple[int, str, str], _Party] = defaultdict(lambda: _Party([]))
    ids = sorted(accounts)
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        for acc_id, balance in OpeningBalance.objects.filter(account_id__in=part).values_list("account_id", "balance"):
            book_id, role, sign, sub = accounts[acc_id]
            if balance and start[book_id] <= as_of:
                parties[(book_id, role, sub or OPENING_PARTY)].movements.append((start[book_id], sign * balance))
        rows = (
            Entry.objects.filter(account_id__in=part, voucher__status="posted", voucher__date__lte=as_of)
            .order_by("voucher__date", "voucher__seq", "line")
            .values_list("account_id", "voucher__date", "debit", "credit", "counterparty", "counterparty_kind")
        )
        for acc_id, date, debit, credit, cp, kind in rows.iterator(chunk_size=2000):
            book_id, role, sign, sub = accounts[acc_id]
            p = parties[(book_id, role, cp.strip() or sub or NO_PARTY)]
            p.movements.append((date, sign * (debit - credit)))
            if kind:
                p.kind = kind
    return parties


def _amounts(balance: int, split) -> dict:
    return {"balance": balance, **dict(zip(BUCKET_KEYS, split))}


def _add(into: dict, row: dict) -> None:
    for k in ("balance", *BUCKET_KEYS):
        into[k] += row[k]


def _zero() -> dict:
    return _amounts(0, (0, 0, 0, 0))


def book_ageing(user, book: Book, as_of: dt.date) -> dict:
    """往来款项明细 of one book at `as_of`: per section, a row per counterparty with a balance
    (counterparty, kind, balance, the four buckets, the date of its oldest outstanding part),
    largest first, and the section's total. `book` comes through the scope gate; person
    counterparties are masked unless `shows_names(user, book)`."""
    full = shows_names(user, book)
    cutoffs = bucket_cutoffs(as_of)
    sections = {role: {"role": role, "label": label, "rows": [], "total": _zero()} for role, label, _ in SECTIONS}
    for (_, role, name), p in _parties([book], as_of).items():
        parts = outstanding(p.movements)
        if not parts:
            continue
        row = {
            "counterparty": shown_party(name, p.kind, full), "kind": p.kind, "kind_label": COUNTERPARTY_KINDS.get(p.kind, ""),
            **_amounts(sum(a for _, a in parts), age_parts(parts, cutoffs)), "oldest": min(d for d, _ in parts),
        }
        sections[role]["rows"].append(row)
        _add(sections[role]["total"], row)
    for s in sections.values():
        s["rows"].sort(key=lambda r: (-abs(r["balance"]), r["counterparty"]))
    return {"book": book.code, "name": book.name, "as_of": as_of, "names_shown": full, "sections": list(sections.values())}


def current_books(books, as_of: dt.date):
    """The books that hold the balances at `as_of`: a book succeeded on a newer chart whose
    successor has opened by then handed its balances over (counted once, in the new book)."""
    return books.exclude(successor__start_date__lte=as_of)


def region_ageing(user, region, as_of: dt.date) -> dict:
    """The ageing of every book the user sees in `region` (a township, county or city; the caller
    fetched it through the scope gate), summed per village: each counterparty is aged in its own
    book first (FIFO), then the buckets are added up. Villages with nothing owing are left out."""
    books = list(
        current_books(visible(Book, user).filter(region__code__startswith=region_prefix(region.code)), as_of)
        .select_related("region__parent").order_by("region_id", "code")
    )
    by_id = {b.pk: b for b in books}
    cutoffs = bucket_cutoffs(as_of)
    villages: dict[str, dict] = {}
    totals = {role: _zero() for role, _, _ in SECTIONS}
    for (book_id, role, _), p in _parties(books, as_of).items():
        parts = outstanding(p.movements)
        if not parts:
            continue
        b = by_id[book_id]
        v = villages.get(b.region_id)
        if v is None:
            v = villages[b.region_id] = {
                "code": b.region_id, "name": b.region.name, "township": b.region.parent.name if b.region.parent else "",
                "books": [], "sections": {r: _zero() for r, _, _ in SECTIONS},
            }
        if b.code not in v["books"]:
            v["books"].append(b.code)
        row = _amounts(sum(a for _, a in parts), age_parts(parts, cutoffs))
        _add(v["sections"][role], row)
        _add(totals[role], row)
    for v in villages.values():
        v["books"].sort()
    return {"region": region.code, "name": region.name, "as_of": as_of, "villages": [villages[c] for c in sorted(villages)], "totals": totals}


# --- Tables ---------------------------------------------------------------------------------------


def _bucket_columns():
    from sanwu.core.tables import Column

    return [Column("balance", "余额", money=True), *(Column(k, label, money=True) for k, label in BUCKETS)]


def book_ageing_table(a: dict):
    """The book's 往来款项明细 as one Table (page, Excel/CSV/JSON, CLI): a row per counterparty and
    section, then each section's 小计."""
    from sanwu.core.tables import Column, Table

    cols = [Column("section", "科目"), Column("counterparty", "往来单位", width=24), Column("kind_label", "类别"), *_bucket_columns(), Column("oldest", "最早未清日期")]
    rows = []
    for s in a["sections"]:
        rows += [{"section": s["label"], **r} for r in s["rows"]]
        rows.append({"section": s["label"], "counterparty": "小计", "kind_label": "", **s["total"], "oldest": ""})
    return Table(f"往来款项明细（账龄） {a['as_of']:%Y-%m-%d}", cols, rows)


def region_ageing_table(a: dict):
    """The region's ageing summed per village: a row per village and section with a balance,
    then each section's 合计."""
    from sanwu.core.tables import Column, Table

    cols = [Column("township", "乡镇"), Column("village", "村"), Column("code", "区划代码"), Column("books", "账套"), Column("section", "科目"), *_bucket_columns()]
    rows = []
    for role, label, _ in SECTIONS:
        for v in a["villages"]:
            s = v["sections"][role]
            if s["balance"] or any(s[k] for k in BUCKET_KEYS):
                rows.append({"township": v["township"], "village": v["name"], "code": v["code"], "books": "、".join(v["books"]), "section": label, **s})
        rows.append({"township": "", "village": "合计", "code": "", "books": "", "section": label, **a["totals"][role]})
    return Table(f"{a['name']}往来款项账龄汇总 {a['as_of']:%Y-%m-%d}", cols, rows)


# --- The warning's facts --------------------------------------------------------------------------


def party_subject(book_id: int, counterparty: str) -> str:
    """A stable key for a book's counterparty that does not spell out the name."""
    return f"receivable:{book_id}:{hashlib.sha256(counterparty.encode()).hexdigest()[:16]}"


def overdue_receivables(as_of: dt.date) -> list[dict]:
    """Receivables (role `receivable`) with a part older than their county's
    `receivable_age_years` at `as_of`, for every book (the system's view, for the daily run):
    book id, village code, book name, subject, counterparty (a person masked), the amount that old,
    the date of its oldest part, the county's years."""
    books = list(current_books(Book.objects.all(), as_of).order_by("pk"))
    by_id = {b.pk: b for b in books}
    years = receivable_age_years({county_of(b.region_id) for b in books})
    out = []
    for (book_id, role, name), p in _parties(books, as_of).items():
        if role != "receivable":
            continue
        b = by_id[book_id]
        n = years[county_of(b.region_id)]
        parts = outstanding(p.movements)
        old = age_parts(parts, [years_before(as_of, n)])[1]
        if old <= 0:
            continue
        out.append({
            "book_id": book_id, "village_code": b.region_id, "book_name": b.name, "subject": party_subject(book_id, name),
            "counterparty": shown_party(name, p.kind, False), "amount": old, "oldest": min(d for d, _ in parts), "years": n,
        })
    return out
