"""What every book page shares: the book and voucher through the scope gate, whether to offer
an action, refusals, problems in Chinese, the voucher's display values and the book's header."""

from django.shortcuts import render

from sanwu.core.errors import Invalid
from sanwu.core.permissions import get_visible_or_404, refuse
from sanwu.core.money import format_yuan
from sanwu.core.scope import can_write

from .. import services
from ..charts import CHART_NOTES, CHART_VERSIONS
from ..models import Book, Voucher
from ..services.printing import user_name, voucher_no


def may(user, book: Book, roles) -> bool:
    """Whether to offer an action (the services decide for themselves when it is used)."""
    return can_write(user, book.region_id, set(roles))


def forbidden(request, book: Book, what: str):
    """The page refuses an action it would not have offered: the refusal goes to the audit trail."""
    refuse(request.user, f"ledger.{what}", book.code, book.region_id)
    return render(request, "403.html", status=403)


def refused(request):
    """A service said no (and has written the refusal to the audit trail)."""
    return render(request, "403.html", status=403)


def problem_lines(exc: Invalid) -> list[str]:
    """Problems in Chinese; entry problems name the line of the voucher."""
    return [f"第{p.row}行分录：{p.message}" if p.row is not None else p.message for p in exc.problems]


def get_book(request, code: str) -> Book:
    return get_visible_or_404(Book, request.user, code=code)


def get_voucher(request, book: Book, pk: int) -> Voucher:
    return get_visible_or_404(Voucher, request.user, pk=pk, book=book)




def dress(v: Voucher) -> Voucher:
    """Display values a template cannot compute (money as yuan, the voucher number)."""
    v.total_yuan = format_yuan(v.total)
    v.no = voucher_no(v)
    v.names = {"maker": user_name(v.maker), "reviewer": user_name(v.reviewer), "poster": user_name(v.poster)}
    return v


def this_month() -> tuple[int, int]:
    t = services.today()
    return t.year, t.month


def book_context(request, book: Book, tab: str) -> dict:
    """What `ledger/_book_head.html` (the book's header and tabs) needs; the import page uses it
    with tab "import"."""
    region = book.region
    township = region.parent
    user = request.user
    return {
        "book": book,
        "tab": tab,
        "village": region,
        "township": township,
        "chart_label": CHART_VERSIONS.get(book.chart, book.chart),
        "chart_note": CHART_NOTES.get(book.chart, ""),
        "can_make": may(user, book, services.MAKE_ROLES),
        "can_review": may(user, book, services.REVIEW_ROLES),
        "can_post": may(user, book, services.POST_ROLES),
        "can_setup": may(user, book, services.MAKE_ROLES | services.BOOK_ADMIN_ROLES),
        "can_reopen": may(user, book, {"county_supervisor"}),
    }
