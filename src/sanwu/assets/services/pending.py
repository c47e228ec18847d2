"""What waits in the asset registers, for the workbench: books whose month of depreciation has
ended with no run (the accountant charges it), and posted vouchers that bought an asset with no
card yet."""

from django.db.models import Max

from sanwu.core import permissions
from sanwu.core.dates import today

from ..models import DepreciationRun, Register
from .cards import vouchers_wanting_cards


def next_month(book_register: Register, last: tuple[int, int] | None) -> tuple[int, int]:
    if last is None:
        return book_register.since
    y, m = last
    return (y + 1, 1) if m == 12 else (y, m + 1)


def depreciation_waiting(user, roles, limit: int = 8) -> tuple[int, list[dict]]:
    """Books (in the user's scope, for `roles`) whose next month to charge has ended: `book`,
    `year`, `month`, `deadline` (the 10th of the month after, when the month closes)."""
    import datetime as dt

    now = today()
    regs = list(permissions.visible(Register, user, set(roles)).select_related("book__region").order_by("book__code")[:500])
    last = {}
    for book_id, y, m in (
        DepreciationRun.objects.filter(book_id__in=[r.book_id for r in regs]).exclude(status="void")
        .values("book_id", "year").annotate(m=Max("month")).values_list("book_id", "year", "m")
    ):
        if (y, m) > last.get(book_id, (0, 0)):
            last[book_id] = (y, m)
    rows = []
    for r in regs:
        y, m = next_month(r, last.get(r.book_id))
        if (y, m) < (now.year, now.month):
            ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
            rows.append({"book": r.book, "year": y, "month": m, "deadline": dt.date(ny, nm, 10)})
    rows.sort(key=lambda r: (r["deadline"], r["book"].code))
    return len(rows), rows[:limit]


def cards_wanted(user, roles, limit: int = 8) -> tuple[int, list[dict]]:
    """Posted vouchers buying an asset with no card yet, in the user's books."""
    rows = []
    for r in permissions.visible(Register, user, set(roles)).select_related("book__region").order_by("book__code")[:50]:
        rows += vouchers_wanting_cards(r.book, limit)
    return len(rows), rows[:limit]
