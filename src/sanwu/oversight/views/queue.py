"""The review queue: vouchers submitted and waiting for review, oldest first."""

from django.utils import timezone

from sanwu.core.tables import download
from sanwu.core.web import export_format, paginate, role_required

from .. import services, tables
from .common import QUEUE_ROLES, region_picker, render_page


@role_required(*QUEUE_ROLES)
def queue(request):
    township = (request.GET.get("township") or "").strip()
    village = (request.GET.get("village") or "").strip()
    region = services.region_in_scope(request.user, village or township, "oversight.queue")
    qs = services.review_queue(request.user, region)
    fmt = export_format(request)
    if fmt:
        return download(tables.queue_table(qs[:20000]), "待审核凭证", fmt)
    townships, villages = region_picker(request.user, township)
    now = timezone.now()
    page = paginate(request, qs)
    for v in page:
        v.waiting_days = (now - v.submitted_at).days if v.submitted_at else 0
    return render_page(request, "oversight/queue.html",
        {"page": page, "townships": townships, "villages": villages, "township": township, "village": village, "filtered": bool(region)},
    )
