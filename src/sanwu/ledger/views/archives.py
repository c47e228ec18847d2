"""会计档案: a book's closed years and their archives, and what is due for appraisal in scope."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import render
from django.views.decorators.http import require_POST

from sanwu.core.tables import download
from sanwu.core.web import export_format, paginate, prepared_download, role_required, shows_problems

from .. import services
from ..services import archives as service
from ..tables import archives_due_table
from .common import book_context, get_book, may


@role_required()
def archives(request, code: str, problems=()):
    book = get_book(request, code)
    return render(request, "ledger/archives.html", {
        **book_context(request, book, "archives"), "years": service.years_with_archives(book), "problems": problems,
        "can_make": may(request.user, book, services.MAKE_ROLES | services.REVIEW_ROLES), "source": service.SOURCE,
    })


@role_required()
@require_POST
@shows_problems
def archive_make(request, code: str, year: int, problems=()):
    """Bundle a closed year in the background; the download page shows the progress."""
    book = get_book(request, code)
    if problems:
        return archives(request, code, problems)
    service.check_archivable(request.user, book, year)
    messages.info(request, f"正在生成 {year} 年的会计档案，完成后在本页长期保存。")
    return prepared_download(request, "ledger.archive", {"book": book.code, "year": year}, f"会计档案-{book.code}-{year}年.zip")


@role_required()
def archives_due(request):
    """Parts of the archives in scope whose retention ends by the end of a year (default this one)."""
    today = services.today()
    try:
        by = int(request.GET.get("by") or today.year)
    except ValueError:
        by = today.year
    by = min(max(by, 1990), 2200)
    items = service.due_by(request.user, dt.date(by, 12, 31), request.GET.get("region") or None)
    fmt = export_format(request)
    if fmt:
        return download(archives_due_table(items), f"会计档案到期鉴定清单-{by}年底", fmt)
    return render(request, "ledger/archives_due.html", {
        "page": paginate(request, items), "by": by, "count": len(items), "source": service.SOURCE, "years": range(today.year, today.year + 31),
    })
