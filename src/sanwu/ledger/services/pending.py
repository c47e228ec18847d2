"""What waits in the books, for the workbench (`sanwu.workbench`): vouchers in a state, as the
user sees them through `roles`, and the verification state of the books in scope (the last
`ledger.verify` audit row of each book against its chain today); villages whose income rank moved. A verification run from a page
is `verify_and_record`: the check of `verify.verify_book`, written to the audit trail."""

from django.db.models import Max

from sanwu.core import audit, permissions
from sanwu.core.models import AuditEvent

from ..models import Book, Voucher
from .rankings import ranking
from .verify import verify_book


def vouchers_waiting(user, statuses, roles, limit: int = 8) -> tuple[int, list[Voucher]]:
    """(how many, the oldest `limit`) vouchers in `statuses` in books the user sees through `roles`."""
    qs = permissions.visible(Voucher, user, set(roles)).filter(status__in=list(statuses))
    rows = list(qs.select_related("book__region").order_by("date", "id")[:limit])
    count = len(rows) if len(rows) < limit else qs.count()
    return count, rows


def verification_states(user, limit: int = 8, book: Book | None = None) -> tuple[int, list[dict]]:
    """Books in scope (or just `book`) whose chain is not covered by a passing verification: never
    verified, failed when last verified, or posted to since. (how many, the first `limit`: book,
    state, vouchers, at)."""
    qs = permissions.visible(Book, user).select_related("region").order_by("code")
    books = list(qs.filter(pk=book.pk) if book is not None else qs)
    if not books:
        return 0, []
    last = dict(
        AuditEvent.objects.filter(action="ledger.verify", object_type="ledger.book")
        .values("object_id").annotate(last=Max("id")).values_list("object_id", "last").order_by()
    )
    events = {e.object_id: e for e in AuditEvent.objects.filter(pk__in=list(last.values())).only("object_id", "at", "new")}
    out = []
    for b in books:
        e = events.get(str(b.pk))
        if e is None:
            out.append({"book": b, "state": "未校验", "vouchers": b.posted_count, "at": None})
            continue
        seen = (e.new or {})
        if not seen.get("ok"):
            out.append({"book": b, "state": "上次校验未通过", "vouchers": b.posted_count, "at": e.at})
        elif seen.get("head") != b.chain_head:
            out.append({"book": b, "state": f"校验后新增 {b.posted_count - int(seen.get('vouchers') or 0)} 张凭证", "vouchers": b.posted_count, "at": e.at})
    return len(out), out[:limit]


def verify_and_record(user, book: Book):
    """Verify one book the user sees (any role, the auditor included: nothing changes but the
    audit trail) and write the result as a `ledger.verify` audit row. Returns the `BookCheck`."""
    book = permissions.get_visible(Book, user, pk=book.pk)
    check = verify_book(book)
    audit.record(
        "ledger.verify", book, actor=user, region_code=book.region_id,
        new={"ok": check.ok, "vouchers": check.vouchers, "head": book.chain_head}, note="；".join(check.problems)[:1000],
    )
    return check


def ranking_changes(user, year: int, min_move: int = 3, limit: int = 8) -> tuple[int, list[dict]]:
    """Villages (books in scope) whose rank by operating income moved by `min_move` places or more
    from `year - 1` to `year`, the largest moves first: book, before, now, move (positive: up)."""
    books = permissions.visible(Book, user)
    before = {b.pk: i for i, (b, _) in enumerate(ranking(year - 1, books), start=1)}
    moves = []
    for now, (b, amount) in enumerate(ranking(year, books), start=1):
        old = before.get(b.pk)
        if old is not None and abs(old - now) >= min_move:
            moves.append({"book": b, "before": old, "now": now, "move": old - now, "amount": amount})
    moves.sort(key=lambda r: (-abs(r["move"]), r["book"].code))
    return len(moves), moves[:limit]
