"""The share register's core: numbered, chained, append-only operations and the kept holdings.

Every operation is written here, by `record` (one) or `record_many` (an import's opening
allocation), inside the caller's transaction, with the cooperative's row locked so that numbers
and the digest chain are gapless. The kept `Holding` rows move with each operation, and
`holdings_at` derives any date's holdings from the register itself. Permission checks belong to
the callers (the topic services); nothing here asks who the user is.
"""

import datetime as dt
import hashlib

from django.db import connection

from sanwu.core.errors import Invalid, Problem
from sanwu.ledger.models import Book, Collective

from .. import rules
from ..models import Holder, Holding, ShareClass, ShareOperation

GENESIS = "0" * 64


def canonical(op: ShareOperation) -> str:
    """The text an operation's digest covers: everything it records, in a fixed order."""
    return "|".join(
        str(v)
        for v in (
            op.collective_id, op.number, op.kind, op.on.isoformat(), op.share_class_id, op.from_holder_id or "",
            op.to_holder_id or "", op.units, op.matter_id or "", op.approval, op.note,
        )
    )


def digest_of(prev: str, op: ShareOperation) -> str:
    return hashlib.sha256((prev or GENESIS).encode() + canonical(op).encode("utf-8")).hexdigest()


def lock_collective(collective: Collective) -> None:
    """Serialise writers of one cooperative's register (PostgreSQL: the row lock; SQLite's
    transactions are immediate, so the database is already locked for writing)."""
    Collective.objects.select_for_update(of=("self",)).filter(pk=collective.pk).first()


def _head(collective: Collective) -> tuple[int, str]:
    last = ShareOperation.objects.filter(collective=collective).order_by("-number").values_list("number", "digest").first()
    return last if last else (0, "")


def collective_holder(collective: Collective) -> Holder:
    """The collective itself as a holder (集体股)."""
    holder, _ = Holder.objects.get_or_create(collective=collective, kind="collective")
    return holder


def household_holder(household) -> Holder:
    holder, _ = Holder.objects.get_or_create(collective_id=household.collective_id, kind="household", household=household)
    return holder


def member_holder(member) -> Holder:
    holder, _ = Holder.objects.get_or_create(collective_id=member.collective_id, kind="member", member=member)
    return holder


def _move_kept(deltas: dict[tuple[int, int], int]) -> None:
    """Apply unit changes to the kept holdings; a holding may not go below zero."""
    if not deltas:
        return
    holder_ids = {h for h, _ in deltas}
    kept = {(h.holder_id, h.share_class_id): h for h in Holding.objects.filter(holder_id__in=holder_ids)}
    new, changed = [], []
    for key, delta in deltas.items():
        row = kept.get(key)
        if row is None:
            row = Holding(holder_id=key[0], share_class_id=key[1], units=0)
            new.append(row)
        else:
            changed.append(row)
        row.units += delta
        if row.units < 0:
            raise Invalid([Problem(f"转出份额超过持有份额（持有{rules.format_units(row.units - delta)}股）", field="份额")])
    Holding.objects.bulk_create(new, batch_size=500)
    Holding.objects.bulk_update(changed, ["units"], batch_size=500)


def record_many(collective: Collective, ops: list[ShareOperation], user=None) -> list[ShareOperation]:
    """Number, chain and insert `ops` (unsaved, `collective` set or not) in the order given, and
    move the kept holdings. Call inside a transaction."""
    lock_collective(collective)
    number, prev = _head(collective)
    deltas: dict[tuple[int, int], int] = {}
    for op in ops:
        if op.units <= 0:
            raise Invalid([Problem("份额应大于零", field="份额")])
        number += 1
        op.collective = collective
        op.number = number
        op.created_by = user if getattr(user, "pk", None) else None
        op.prev_digest = prev
        op.digest = prev = digest_of(prev, op)
        if op.from_holder_id:
            key = (op.from_holder_id, op.share_class_id)
            deltas[key] = deltas.get(key, 0) - op.units
        if op.to_holder_id:
            key = (op.to_holder_id, op.share_class_id)
            deltas[key] = deltas.get(key, 0) + op.units
    _move_kept(deltas)
    ShareOperation.objects.bulk_create(ops, batch_size=500)
    return ops


def record(collective: Collective, user=None, **fields) -> ShareOperation:
    return record_many(collective, [ShareOperation(**fields)], user)[0]


def holdings_at(collective: Collective, on: dt.date | None = None) -> dict[tuple[int, int], int]:
    """{(holder id, share class id): units} as at the end of `on` (today's kept holdings when
    `on` is None), holders with nothing left omitted. One aggregate over the register."""
    if on is None:
        rows = Holding.objects.filter(holder__collective=collective, units__gt=0).values_list("holder_id", "share_class_id", "units")
        return {(h, c): u for h, c, u in rows}
    table = ShareOperation._meta.db_table
    sql = f"""
        SELECT holder_id, share_class_id, SUM(units) FROM (
            SELECT to_holder_id AS holder_id, share_class_id, units FROM {table}
             WHERE collective_id = %s AND on <= %s AND to_holder_id IS NOT NULL
            UNION ALL
            SELECT from_holder_id, share_class_id, -units FROM {table}
             WHERE collective_id = %s AND on <= %s AND from_holder_id IS NOT NULL
        ) moves GROUP BY holder_id, share_class_id HAVING SUM(units) <> 0
    """.replace(" on ", f" {connection.ops.quote_name('on')} ")
    with connection.cursor() as cur:
        cur.execute(sql, [collective.pk, on, collective.pk, on])
        return {(h, c): int(u) for h, c, u in cur.fetchall()}


def replay_problems(collective: Collective) -> list[str]:
    """What `sanwu verify` says of one cooperative's register: the first operation whose number,
    link or digest does not match, and every kept holding that differs from the replay."""
    out: list[str] = []
    prev, expected = "", 1
    replay: dict[tuple[int, int], int] = {}
    for op in ShareOperation.objects.filter(collective=collective).order_by("number").iterator(chunk_size=2000):
        if not out:
            if op.number != expected:
                out.append(f"股权登记簿第{expected}号缺失（下一条为第{op.number}号）")
            elif op.prev_digest != prev or op.digest != digest_of(prev, op):
                out.append(f"股权登记簿第{op.number}号与校验码不符：登记内容被改动")
        prev, expected = op.digest, op.number + 1
        if op.from_holder_id:
            replay[(op.from_holder_id, op.share_class_id)] = replay.get((op.from_holder_id, op.share_class_id), 0) - op.units
        if op.to_holder_id:
            replay[(op.to_holder_id, op.share_class_id)] = replay.get((op.to_holder_id, op.share_class_id), 0) + op.units
    kept = {(h, c): u for h, c, u in Holding.objects.filter(holder__collective=collective).values_list("holder_id", "share_class_id", "units")}
    wrong = [key for key in sorted(set(replay) | set(kept)) if replay.get(key, 0) != kept.get(key, 0)]
    if wrong:
        names = holder_names(collective, {h for h, _ in wrong})
        classes = dict(ShareClass.objects.filter(collective=collective).values_list("pk", "name"))
        for key in wrong:
            out.append(
                f"{collective.name} {names.get(key[0], key[0])}的{classes.get(key[1], key[1])}：现存{rules.format_units(kept.get(key, 0))}股，"
                f"按股权登记簿应为{rules.format_units(replay.get(key, 0))}股"
            )
    return out


def holder_names(collective: Collective, ids) -> dict[int, str]:
    """How a holder is named in messages: 「001户」, a member's masked name, or 集体."""
    out = {}
    for h in Holder.objects.filter(collective=collective, pk__in=ids).select_related("household", "member__person"):
        if h.kind == "household":
            out[h.pk] = f"{h.household.number}户"
        elif h.kind == "member":
            out[h.pk] = h.member.person.masked_name
        else:
            out[h.pk] = rules.COLLECTIVE_HOLDER_LABEL
    return out


def current_book(collective_id: int) -> Book | None:
    """The cooperative's current book: its newest (after a move to the 2023 chart, the new one)."""
    return Book.objects.filter(collective_id=collective_id).order_by("-start_date", "-id").first()


def book_problems(book) -> list[str]:
    """`sanwu verify`'s check of a book's cooperative: its share register replayed (once per
    cooperative: only on its newest book, which the 2023 chart's move makes the current one)."""
    newest = current_book(book.collective_id)
    if newest is None or newest.pk != book.pk or not ShareOperation.objects.filter(collective_id=book.collective_id).exists():
        return []
    return replay_problems(book.collective)
