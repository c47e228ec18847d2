"""Posting: the one path by which vouchers enter the books — one reviewed voucher (`post`) or a
batch of drafts (`post_drafts`: imports, the demo, year-end closing, the benchmark).

Both go through `_book_vouchers`, inside one transaction holding the book's row lock: the
cash rule (a cash account never goes below zero, or such a posting waits for a reviewer, by
county), the month's next gapless number (`记-0001` per book per month) and the chain link
(`_assign_numbers_and_links`), the rows written (the single post updates its saved voucher; a
batch inserts entries and vouchers), the kept totals, the book's chain head, and the posting
listeners (`ledger.hooks`). A single post is a batch of one.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Max
from django.db.models.base import ModelState
from django.utils import timezone

from sanwu.core.bulk import insert_rows, select_instances
from sanwu.core.errors import Invalid, Problem
from sanwu.core.heap import long_lived_frozen
from sanwu.core.money import format_yuan
from sanwu.core.scope import can_write

from .. import hooks
from ..charts import EXPENSE_ROLES, INCOME_ROLES
from ..models import Account, AccountMonth, Book, Entry, OpeningBalance, RoleYear, SourceMonth, Voucher
from . import chain
from .counties import negative_cash_mode
from .drafts import BookContext, VoucherDraft, batch_year_end_errors, kind_of, voucher_errors
from .roles import POST_ROLES, REVIEW_ROLES, audit_change, require_role
from .vouchers import draft_of, locked_voucher, review

FLOW_ROLES = INCOME_ROLES | EXPENSE_ROLES  # kept per year in RoleYear


class EntryRow(NamedTuple):
    """An entry on the batch path, as its row is written (the columns of `_ENTRY_COLS`); also
    what the chain, the totals and the posting hook read, without the cost of a model instance.
    A saved `Entry` has the same attributes, so the single post passes those."""

    voucher_id: int
    line: int
    account_id: int
    summary: str
    debit: int
    credit: int
    counterparty: str
    settlement: str
    source: str
    counterparty_kind: str  # not part of the canonical text


# --- The two doors ---------------------------------------------------------------------------


def post(user, voucher: Voucher) -> Voucher:
    """Reviewed → posted: number, chain link and kept totals, in one transaction."""
    require_role(user, voucher.book, POST_ROLES, "记账")
    with transaction.atomic():
        v = locked_voucher(voucher, ("reviewed",), "记账")  # and its book, in the same statement and lock
        book = v.book
        entries = _entries_with_accounts(v)
        ctx = BookContext.for_entries(book, entries, v.year, v.month)
        problems = voucher_errors(ctx, draft_of(v, entries))
        if problems:
            raise Invalid(problems)
        v.status, v.posted_at, v.poster = "posted", timezone.now(), user

        def write(vouchers):
            _update_row(Voucher, v.pk, number=v.number, seq=v.seq, prev_hash=v.prev_hash, hash=v.hash, status="posted",
                        posted_at=connection.ops.adapt_datetimefield_value(v.posted_at), poster_id=v.poster_id)

        _book_vouchers(book, ctx, [v], [entries], user, write)
        audit_change(user, "voucher.post", v, new={"number": v.label, "hash": v.hash, "total": v.total}, region_code=book.region_id)
    return v


def _entries_with_accounts(v: Voucher) -> list[Entry]:
    """The voucher's entries in line order, each with its account (one plain statement)."""
    qn = connection.ops.quote_name
    rows = select_instances(
        [(Entry, "e"), (Account, "a")],
        f"FROM {qn(Entry._meta.db_table)} e INNER JOIN {qn(Account._meta.db_table)} a ON a.id = e.account_id "
        f"WHERE e.voucher_id = %s ORDER BY e.line",
        [v.pk],
    )
    for e, account in rows:
        e._state.fields_cache["account"] = account
    return [e for e, _ in rows]


def review_and_post(user, voucher: Voucher) -> Voucher:
    # Check before the transaction, so that a refusal stays in the audit trail.
    require_role(user, voucher.book, REVIEW_ROLES, "审核凭证")
    require_role(user, voucher.book, POST_ROLES, "记账")
    with transaction.atomic():
        review(user, voucher)
        return post(user, voucher)


def post_drafts(
    user, book: Book, drafts: list[VoucherDraft], *, file: str | None = None, progress=None, checked: BookContext | None = None
) -> list[Voucher]:
    """Validate every draft, then save and post them all in one transaction — or none.

    Used by the importer (`--post`), the demo and the benchmark. The acting user is recorded as
    maker and poster; imported vouchers are treated as reviewed by the import itself.
    """
    require_role(user, book, POST_ROLES, "导入并记账")
    with long_lived_frozen(), transaction.atomic():
        # `checked`: the context the caller validated these drafts with, against this book,
        # inside this same transaction and under the same lock (the importer does): skip doing
        # it twice.
        if checked is not None:
            book, ctx = checked.book, checked
        else:
            book = Book.objects.select_for_update().get(pk=book.pk)
            ctx = BookContext(book)
            problems = [p for d in drafts for p in voucher_errors(ctx, d, file=file)]
            in_order = sorted(drafts, key=lambda d: d.date)
            if any(d.kind == "closing" for d in drafts):
                problems += batch_year_end_errors(ctx, in_order, file)
            if problems:
                raise Invalid(problems)
            return _post_batch(book, ctx, in_order, user, file, progress)
        return _post_batch(book, ctx, sorted(drafts, key=lambda d: d.date), user, file, progress)


# --- The one path ----------------------------------------------------------------------------


def _book_vouchers(
    book: Book, ctx: BookContext, vouchers: list[Voucher], groups: list[Sequence], user, write: Callable[[list[Voucher]], None],
    *, file: str | None = None, rows: Sequence[int | None] = (),
) -> None:
    """Post `vouchers` (in posting order; `groups[i]`: the entries of `vouchers[i]` in line
    order, `Entry` or `EntryRow`). `write(vouchers)` puts their rows in the database once
    numbers and links are set. The caller holds the book's row lock inside a transaction.
    `file`/`rows`: where the vouchers came from, for the problems."""
    _cash_rule(book, ctx, vouchers, groups, user, file, rows)
    problems = hooks.posting_problems(book, vouchers, groups, user)
    if problems:
        raise Invalid(problems)
    _assign_numbers_and_links(book, vouchers, groups, ctx)
    write(vouchers)
    entries = groups[0] if len(groups) == 1 else [e for es in groups for e in es]
    _add_totals(book, entries, {v.id: v for v in vouchers}, ctx.by_id)
    _update_row(Book, book.pk, chain_head=book.chain_head, posted_count=book.posted_count)
    hooks.notify_posted(book, vouchers, entries)


def _update_row(model, pk: int, **values) -> None:
    """UPDATE one row by primary key in plain SQL (columns named as in the table): the posting
    path writes the voucher and the book's chain head this way, as it writes its other rows."""
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(c)} = %s" for c in values)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE id = %s", [*values.values(), pk])


def _assign_numbers_and_links(book: Book, vouchers: list[Voucher], groups: list[Sequence], ctx: BookContext) -> None:
    """Give each voucher, in order, the month's next gapless number, its place in the book's
    chain (`seq`), the previous head and its own hash; advance the book's head and count."""
    numbers = _next_numbers(book, {(v.year, v.month) for v in vouchers})
    seq_of = _seq_lookup(book, {v.reverses_id for v in vouchers if v.reverses_id})
    code_of = {pk: a.code for pk, a in ctx.by_id.items()}
    head, count = book.chain_head, book.posted_count
    for v, entries in zip(vouchers, groups):
        key = (v.year, v.month)
        v.number = numbers[key] = numbers.get(key, 0) + 1
        count += 1
        v.seq, v.prev_hash = count, head
        head = v.hash = chain.link(head, canonical_of(book, v, entries, seq_of, code_of))
    book.chain_head, book.posted_count = head, count


def canonical_of(book: Book, v: Voucher, entries: Sequence, seq_of: dict[int, int], code_of: dict[int, str] | None = None) -> str:
    """The canonical text the chain hashes for a voucher with its number and seq set. `entries`
    in line order; their account codes from `code_of` (account id → code), or from each
    entry's `account` when not given (`verify`)."""
    return chain.canonical(
        book_code=book.code, seq=v.seq, year=v.year, month=v.month, number=v.number, date=v.date.isoformat(),
        summary=v.summary, reverses_seq=seq_of.get(v.reverses_id) if v.reverses_id else None, kind=v.kind,
        entries=[
            (code_of[e.account_id] if code_of is not None else e.account.code, e.debit, e.credit, e.summary, e.counterparty, e.settlement, e.source)
            for e in entries
        ],
    )


def _next_numbers(book: Book, months: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The last number given in each of `months` (a voucher has a number once posted): a MAX
    over the (book, year, month, number) index, never a scan of the book."""
    if len(months) == 1:
        (year, month), = months
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT MAX(number) FROM {connection.ops.quote_name(Voucher._meta.db_table)} WHERE book_id = %s AND year = %s AND month = %s",
                [book.pk, year, month],
            )
            return {(year, month): cur.fetchone()[0] or 0}
    rows = (
        Voucher.objects.filter(book=book, year__in={y for y, _ in months}, number__isnull=False)
        .values("year", "month").annotate(n=Max("number")).order_by()
    )
    return {(r["year"], r["month"]): r["n"] or 0 for r in rows}


def _seq_lookup(book: Book, ids: set) -> dict[int, int]:
    if not ids:
        return {}
    return dict(Voucher.objects.filter(book=book, pk__in=ids).values_list("pk", "seq"))


# --- The cash rule ---------------------------------------------------------------------------


def _cash_rule(book: Book, ctx: BookContext, vouchers: list[Voucher], groups: list[Sequence], user, file, rows) -> None:
    """A cash account (role `cash`) must not go below zero. Its balance is the opening balance
    plus the kept totals, then each voucher in posting order; the first voucher that takes a
    cash account below zero is refused, or — where the county holds such postings for the
    reviewer (`CountyLedgerSettings.negative_cash = "hold"`) — accepted only from a reviewer of
    the book (or the system operator). Costs nothing when no cash goes out."""
    cash = ctx.cash_ids
    out = {e.account_id for es in groups for e in es if e.account_id in cash and e.credit > e.debit}
    if not out:
        return
    balance = _balances_now(book, out)
    for i, (v, entries) in enumerate(zip(vouchers, groups)):
        lowered = []
        for e in entries:
            if e.account_id in out:
                balance[e.account_id] += e.debit - e.credit
                if e.credit > e.debit:
                    lowered.append(e.account_id)
        below = next((a for a in lowered if balance[a] < 0), None)
        if below is None:
            continue
        mode = negative_cash_mode(book)
        if mode == "hold" and (user is None or can_write(user, book.region_id, REVIEW_ROLES)):
            return  # the reviewer posts it, having seen the cash go below zero
        amount = f"{ctx.by_id[below].name}余额将为负（{format_yuan(balance[below])}元）"
        message = f"{amount}，须由审核人（乡镇或县级监管）记账" if mode == "hold" else f"{amount}，不能记账"
        row = rows[i] if rows else None
        if file is not None and v.source_no:
            message = f"凭证号「{v.source_no}」：{message}"
        raise Invalid(Problem(message, row=row, field="credit", file=file))


def _balances_now(book: Book, account_ids: set[int]) -> dict[int, int]:
    """Debit-positive balances of accounts over everything posted: the opening balance plus the
    kept monthly totals (one statement)."""
    qn = connection.ops.quote_name
    ids = sorted(account_ids)
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT account_id, SUM(amount) FROM ("
        f"SELECT account_id, balance AS amount FROM {qn(OpeningBalance._meta.db_table)} WHERE book_id = %s AND account_id IN ({marks}) "
        f"UNION ALL SELECT account_id, debit - credit FROM {qn(AccountMonth._meta.db_table)} WHERE book_id = %s AND account_id IN ({marks})"
        f") AS moves GROUP BY account_id"
    )
    out = dict.fromkeys(ids, 0)
    with connection.cursor() as cur:
        cur.execute(sql, [book.pk, *ids, book.pk, *ids])
        for account_id, amount in cur.fetchall():
            out[account_id] = int(amount)
    return out


# --- Kept totals -----------------------------------------------------------------------------


def _add_totals(book: Book, entries, vouchers: dict[int, Voucher], accounts: dict[int, Account]) -> None:
    """Add posted entries (Entry or EntryRow) to the kept totals; `accounts` by id, for their roles."""
    months: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    sources: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    flows: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    roles_of: dict[int, list[str]] = {}
    for e in entries:
        v = vouchers[e.voucher_id]
        t = months[(e.account_id, v.year, v.month)]
        t[0] += e.debit
        t[1] += e.credit
        if v.kind == "closing":
            t[2] += e.debit
            t[3] += e.credit
            continue
        if e.source:
            s = sources[(e.account_id, e.source, v.year, v.month)]
            s[0] += e.debit
            s[1] += e.credit
        roles = roles_of.get(e.account_id)
        if roles is None:
            roles = roles_of[e.account_id] = [r for r in accounts[e.account_id].role_set if r in FLOW_ROLES]
        for role in roles:
            f = flows[(v.year, role)]
            f[0] += e.debit
            f[1] += e.credit
    _upsert(AccountMonth, book, months, ("account_id", "year", "month"), ("debit", "credit", "close_debit", "close_credit"))
    _upsert(SourceMonth, book, sources, ("account_id", "source", "year", "month"), ("debit", "credit"))
    _upsert(RoleYear, book, flows, ("year", "role"), ("debit", "credit"))


def _upsert(model, book: Book, totals: dict, key_fields: tuple[str, ...], value_fields: tuple[str, ...]) -> None:
    """Add `totals` ({key: [values]}) to the kept rows in one statement per batch: a row is
    inserted, or on the unique constraint the amounts are added to it (ON CONFLICT … DO UPDATE,
    on SQLite and PostgreSQL)."""
    if not totals:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    keys = ("book_id", *key_fields)
    cols = ", ".join(qn(c) for c in (*keys, *value_fields))
    marks = ", ".join(["%s"] * (len(keys) + len(value_fields)))
    add = ", ".join(f"{qn(f)} = {table}.{qn(f)} + excluded.{qn(f)}" for f in value_fields)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT ({', '.join(qn(c) for c in keys)}) DO UPDATE SET {add}"
    with connection.cursor() as cur:
        cur.executemany(sql, [(book.pk, *key, *values) for key, values in totals.items()])


# --- The batch's rows ------------------------------------------------------------------------


def _post_batch(book: Book, ctx: BookContext, drafts: list[VoucherDraft], user, file: str | None, progress=None) -> list[Voucher]:
    """Drafts become vouchers and entries in memory; `_book_vouchers` numbers and links them.
    The entries are written first and the vouchers after them, already posted: while an entry
    goes in, its voucher is not there yet, so the database's no-insert trigger (entries of a
    posted voucher) lets it pass, and the foreign key is checked at commit. From the voucher
    insert on, the triggers lock both."""
    now = timezone.now()
    ids = _reserve_ids(Voucher, len(drafts))
    uid = user.pk if user is not None else None
    accounts = ctx.accounts
    row = tuple.__new__  # EntryRow(...) without the keyword handling of a named tuple's __new__: a third of the cost
    db = connection.alias  # read once: each `connection.…` goes through the thread-local connection handler
    vouchers: list[Voucher] = []
    groups: list[list[EntryRow]] = []
    for d, pk in zip(drafts, ids):
        summary = d.summary.strip()
        es, total = [], 0
        for i, e in enumerate(d.entries, start=1):
            acc = accounts[e.account]
            es.append(row(EntryRow, (pk, i, acc.pk, e.summary or summary, e.debit, e.credit, e.counterparty, e.settlement, e.source or acc.default_source, kind_of(e))))
            total += e.debit
        vouchers.append(_posted_voucher(
            book, db, id=pk, date=d.date, year=d.date.year, month=d.date.month, number=None, status="posted", summary=summary,
            kind=d.kind, attachment_count=d.attachment_count, total=total, source_no=d.source_no,
            reverses_id=d.reverses_id, maker_id=uid, reviewer_id=uid, poster_id=uid, reject_reason="", created_at=now,
            submitted_at=now, reviewed_at=now, posted_at=now, seq=None, prev_hash="", hash="",
        ))
        if d.signed is not None and user is None:  # the system operator records who did it, and when
            sg = d.signed
            vouchers[-1].__dict__.update(
                maker_id=sg.maker_id, reviewer_id=sg.reviewer_id, poster_id=sg.poster_id, created_at=sg.made_at,
                submitted_at=sg.submitted_at, reviewed_at=sg.reviewed_at, posted_at=sg.posted_at,
            )
        groups.append(es)

    def write(vouchers: list[Voucher]) -> None:
        insert_rows(Entry._meta.db_table, _ENTRY_COLS, [e for es in groups for e in es])
        if progress:
            progress(len(vouchers) // 2)
        ops = connection.ops
        ts = ops.adapt_datetimefield_value
        now_ts = ts(now)
        date = ops.adapt_datefield_value
        insert_rows(Voucher._meta.db_table, _VOUCHER_COLS, [
            (
                v.id, book.pk, date(v.date), v.year, v.month, v.number, "posted", v.summary, v.kind, v.attachment_count,
                v.total, v.source_no, v.reverses_id, uid, uid, uid, "", now_ts, now_ts, now_ts, now_ts, v.seq, v.prev_hash, v.hash,
            )
            if v.posted_at is now else (
                v.id, book.pk, date(v.date), v.year, v.month, v.number, "posted", v.summary, v.kind, v.attachment_count,
                v.total, v.source_no, v.reverses_id, v.maker_id, v.reviewer_id, v.poster_id, "", ts(v.created_at),
                ts(v.submitted_at), ts(v.reviewed_at), ts(v.posted_at), v.seq, v.prev_hash, v.hash,
            )
            for v in vouchers
        ])

    _book_vouchers(book, ctx, vouchers, groups, user, write, file=file, rows=[d.row for d in drafts])
    audit_change(user, "voucher.batch_post", book, new={"count": len(vouchers), "head": book.chain_head}, region_code=book.region_id)
    if progress:
        progress(len(vouchers) - len(vouchers) // 2)
    return vouchers


def _posted_voucher(book: Book, db: str, **values) -> Voucher:
    """A Voucher instance for a row this process is about to write, made the way `Model.from_db`
    makes one for a row read back (every concrete field given, no defaults looked up, no
    descriptors), which costs a tenth of `Voucher(**values)` on the batch path."""
    v = Voucher.__new__(Voucher)
    v.__dict__.update(values, book_id=book.pk)
    state = v._state = ModelState()
    state.adding, state.db = False, db
    state.fields_cache["book"] = book
    return v


def _reserve_ids(model, n: int) -> list[int]:
    """Primary keys for n new rows. SQLite: the writer holds the database lock (BEGIN IMMEDIATE),
    so max(id) is stable; PostgreSQL: taken from the table's sequence."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [n])
            return [r[0] for r in cur.fetchall()]
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = cur.fetchone()[0] + 1
        return list(range(start, start + n))


_VOUCHER_COLS = (
    "id", "book_id", "date", "year", "month", "number", "status", "summary", "kind", "attachment_count", "total", "source_no",
    "reverses_id", "maker_id", "reviewer_id", "poster_id", "reject_reason", "created_at", "submitted_at", "reviewed_at",
    "posted_at", "seq", "prev_hash", "hash",
)
_ENTRY_COLS = EntryRow._fields
