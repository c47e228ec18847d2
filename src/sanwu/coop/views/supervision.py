"""民主监督: the cooperative's officers (Art. 34 checked as each is added) and the supervisory
committee's monthly democratic finance review (民主理财), which each month's disclosure waits for."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.tables import download
from sanwu.core.web import PRINTABLE, checked, export_format, flash_problems, paginate, role_required, shows_problems

from .. import rules
from ..forms import FinanceReviewForm, OfficerEndForm, OfficerForm
from ..models import FinanceReview, Officer
from ..services import supervision as service
from ..services.register import current_book
from ..tables import officers_table, reviews_table
from .members import collective_or_404

REVIEWS_PER_PAGE = 12


@role_required()
@shows_problems
def supervision(request, pk: int, problems=()):
    c = collective_or_404(request, pk)
    user = request.user
    form = OfficerForm(request.POST or None)
    if request.method == "POST" and not problems:
        permissions.require(user, service.OFFICER_ROLES, c.region_id, "登记任职", object_type="coop.officer.add", object_id=c.pk)
        d = checked(form)
        person, account = service.village_person(c, d["id_number"]), service.signing_account(d["account"])
        o = service.add_officer(user, c, person, d["post"], d["started_on"], account=account, declared=d["declared"])
        messages.success(request, f"已登记{o.person.masked_name}任{o.get_post_display()}。")
        return redirect("coop:supervision", c.pk)
    book = current_book(c.pk)
    officers = service.officers_of(c)
    fmt = export_format(request, PRINTABLE)
    if fmt:
        if request.GET.get("list") == "officers":
            return download(officers_table(c, officers), f"任职情况-{c.name}", fmt)
        return download(reviews_table(c, service.reviews_of(book) if book else []), f"民主理财-{c.name}", fmt)
    page = paginate(request, FinanceReview.objects.filter(book=book) if book else FinanceReview.objects.none(), REVIEWS_PER_PAGE)
    reviews = service.review_states(page)
    members = service.committee(c.pk)
    mine = next((o for o in members if o.account_id == user.pk), None)
    ctx = {
        "c": c, "book": book, "officers": officers, "reviews": reviews, "page": page, "committee": members, "mine": mine, "form": form, "problems": problems,
        "posts": list(rules.OFFICER_POSTS.items()),
        "may_officers": permissions.may(user, service.OFFICER_ROLES, c.region_id),
        "may_review": mine is not None and permissions.may(user, {service.SUPERVISOR_ROLE}, c.region_id),
        "waiting": service.unreviewed_months(book, service.recent_months(book)) if book else [],
        "today": today(),
    }
    return render(request, "coop/supervision.html", ctx)


@require_POST
@role_required()
@shows_problems
def officer_end(request, pk: int, officer: int, problems=()):
    c = collective_or_404(request, pk)
    o = get_object_or_404(Officer, collective=c, pk=officer)
    if problems:
        flash_problems(request, problems)
        return redirect("coop:supervision", c.pk)
    permissions.require(request.user, service.OFFICER_ROLES, c.region_id, "登记离任", object_type="coop.officer.end", object_id=o.pk)
    ended_on = checked(OfficerEndForm(request.POST))["ended_on"]
    service.end_officer(request.user, o, ended_on)
    messages.success(request, f"已登记{o.person.masked_name}于{ended_on:%Y-%m-%d}离任{o.get_post_display()}。")
    return redirect("coop:supervision", c.pk)


@require_POST
@role_required()
@shows_problems
def review_new(request, pk: int, problems=()):
    c = collective_or_404(request, pk)
    if problems:
        flash_problems(request, problems)
        return redirect("coop:supervision", c.pk)
    book = current_book(c.pk)
    if book is None:
        raise Invalid(Problem("本合作社还没有账套"))
    d = checked(FinanceReviewForm(request.POST))
    year, month = service.parse_month(d["month"])
    r = service.record_review(request.user, book, year, month, remarks=d["remarks"], reviewed_on=d["reviewed_on"])
    state = service.review_state(r)
    more = "" if state["signed"] else f"，还需其他成员签字（须超过{state['committee']}位成员的半数）"
    messages.success(request, f"已记录{year}年{month}月的民主理财并签字{more}。")
    return redirect("coop:supervision", c.pk)


@require_POST
@role_required()
@shows_problems
def review_sign(request, pk: int, review: int, problems=()):
    c = collective_or_404(request, pk)
    r = get_object_or_404(FinanceReview, collective=c, pk=review)
    if problems:
        flash_problems(request, problems)
        return redirect("coop:supervision", c.pk)
    service.sign_review(request.user, r)
    messages.success(request, f"已在{r.year}年{r.month}月的民主理财记录上签字。")
    return redirect("coop:supervision", c.pk)
