"""The live feed (实时监管): posted vouchers in scope, newest first, with their warnings; the rows
are polled by htmx every 3 s."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import condition

from sanwu.core.tables import download
from sanwu.core.web import export_format, paginate, prepared_download, role_required

from .. import services, tables
from ..forms import ACCOUNT_ROLE_CHOICES, FeedFilterForm
from ..models import SEVERITIES
from .common import region_picker, render_page

FEED_ROWS = 50
STAMP_SLOT = "__feed_stamp__"


def _feed_context(request):
    form = FeedFilterForm(request.GET or None)
    f = form.filter()
    problems = services.feed_errors(f) + ([e for errs in form.errors.values() for e in errs] if form.is_bound else [])
    return form, f, problems


# --- the live feed ----------------------------------------------------------------------------


@role_required()
def feed(request):
    form, f, problems = _feed_context(request)
    stamp = _feed_stamp(request)  # before the rows (services.versions)
    qs = services.feed(request.user, f) if not problems else services.feed(request.user).none()
    fmt = export_format(request)
    if fmt == "xlsx" and not problems:  # 30,000 rows take seconds: made in the background, with progress on a page
        return prepared_download(request, "oversight.feed.xlsx", services.feed_params(f), "实时监管.xlsx")
    if fmt:  # CSV and JSON, streamed a chunk of vouchers at a time
        return download(tables.feed_table(services.dressed_in_chunks(qs[: services.EXPORT_MAX])), "实时监管", fmt)
    page = paginate(request, qs)
    services.dress_feed(list(page.object_list))
    townships, villages = region_picker(request.user, f.township)
    live = page.number == 1
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("stamp", None)
    rows = render_to_string("oversight/_feed_rows.html", {"vouchers": page.object_list}, request=request)
    rows = mark_safe(rows.replace(STAMP_SLOT, stamp))  # our own template's output
    return render_page(request, "oversight/feed.html",
        {
            "form": form, "f": f, "problems": problems, "page": page, "rows": rows, "live": live,
            "rows_query": query.urlencode(), "townships": townships, "villages": villages,
            "account_roles": ACCOUNT_ROLE_CHOICES, "severities": SEVERITIES, "now": timezone.now(),
            "filtered": any(request.GET.get(k) for k in ("township", "village", "min", "max", "settlement", "account", "flagged", "severity")),
        },
    )


def _feed_stamp(request) -> str:
    """The version of the newest rows the user's filter shows (services.versions): the poll's
    stamp and its ETag."""
    if not hasattr(request, "_feed_stamp"):
        form, f, problems = _feed_context(request)
        request._feed_stamp = "0" if problems else services.feed_version(request.user, f, FEED_ROWS)
    return request._feed_stamp


@role_required()
@condition(etag_func=lambda request: _feed_stamp(request))
def feed_rows(request):
    """The newest rows, for htmx polling (every 3 s): no count, no paging. The page sends the
    stamp of what it shows; when nothing changed the answer is 204 and htmx leaves the table
    alone (a click on a row is never lost to a swap), or 304 to a browser asking with the ETag
    it holds — both without making the rows."""
    stamp = _feed_stamp(request)
    if request.GET.get("stamp") == stamp:
        resp = HttpResponse(status=204)
    else:
        form, f, problems = _feed_context(request)
        vouchers = [] if problems else services.dress_feed(list(services.feed(request.user, f)[:FEED_ROWS]))
        resp = HttpResponse(render_to_string("oversight/_feed_rows.html", {"vouchers": vouchers}, request=request).replace(STAMP_SLOT, stamp))
    resp["Cache-Control"] = "private, no-cache"
    return resp
