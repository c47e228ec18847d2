"""Pages inside the platform: disclosures (prepare, confirm, publish, check) and the county's
settings. Thin: the services check permissions and rules; every object comes through the scope
gate."""

import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanwu.core.permissions import county_regions, get_visible_or_404, may
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, flash_problems, paginate, role_required, shows_problems
from sanwu.ledger.models import Book

from .. import hooks, services
from ..forms import SettingsForm
from ..models import Disclosure
from ..services import snapshot
from ..tables import STATUS_LABELS, disclosures_table, items_table, summary_table
from .display import EVENT_LABELS, dress, person_label
from .public import base_url, public_url


# --- disclosures ---------------------------------------------------------------------------------


def _writable_books(user) -> list[Book]:
    return [b for b in Book.objects.visible_to(user).select_related("region").order_by("code")[:200] if may(user, services.PREPARE_ROLES, b.region_id)]


def _period_choices(book: Book, recent: int = 6, limit: int = 240) -> list[dict]:
    """The book's complete periods at the county's frequency, newest first: those with posted
    business, and the last few whatever they hold. The newest with business and not yet
    published comes selected."""
    s = services.settings_for(book.region_id)
    last = services.today().replace(day=1) - dt.timedelta(days=1)
    periods: list[services.Period] = []
    y, m = last.year, last.month
    while len(periods) < limit:
        p = services.period_containing(s.frequency, y, m)
        if p.end < book.start_date:
            break
        if p.end <= last and (not periods or periods[-1] != p):
            periods.append(p)
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    months = [(p.year, m) for p in periods for m in range(p.month_from, p.month_to + 1)]
    active = {(y, m) for _, y, m in snapshot.activity_months([book.pk], months)}
    states = dict(
        ((d.year, d.month_from, d.month_to), d.status) for d in Disclosure.objects.filter(book=book).only("year", "month_from", "month_to", "status")
    )
    out, chosen = [], False
    for i, p in enumerate(periods):
        busy = any((p.year, m) in active for m in range(p.month_from, p.month_to + 1))
        state = states.get((p.year, p.month_from, p.month_to))
        if not busy and i >= recent and state is None:
            continue
        note = STATUS_LABELS[state] if state else ("有记账" if busy else "无记账")
        selected = not chosen and busy and state != "published"
        chosen = chosen or selected
        out.append({"key": p.key, "label": f"{p.label}（{note}）", "selected": selected, "published": state == "published"})
    return out


@role_required()
def disclosure_list(request):
    qs = Disclosure.objects.visible_to(request.user).select_related("village__parent", "book")
    status = request.GET.get("status", "")
    if status in STATUS_LABELS:
        qs = qs.filter(status=status)
    year = request.GET.get("year", "").strip()
    if year.isdigit():
        qs = qs.filter(year=int(year))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(village__name__contains=q) | Q(village__code__startswith=q) | Q(village__parent__name__contains=q))
    qs = qs.order_by("-year", "-month_to", "village_id")
    fmt = export_format(request)
    if fmt:
        return download(disclosures_table(list(qs[:20000])), "财务公开", fmt)
    books = _writable_books(request.user)
    choices = _period_choices(books[0]) if books else []
    return render(
        request,
        "disclosure/list.html",
        {
            "page": paginate(request, qs), "status": status, "year": year, "q": q, "statuses": Disclosure.STATUSES,
            "books": books, "periods": choices, "filtered": bool(status or year or q),
        },
    )


@role_required(*services.PREPARE_ROLES)
@require_POST
@shows_problems
def prepare(request, problems=()):
    book = get_visible_or_404(Book, request.user, code=request.POST.get("book", ""))
    if problems:
        flash_problems(request, problems)
        return redirect("disclosure:list")
    d = services.prepare_period(request.user, book, request.POST.get("period", ""))
    messages.success(request, f"已编制{d.period_label}的财务公开，请村党组织书记核对确认。")
    return redirect("disclosure:detail", pk=d.pk)


@role_required()
def disclosure_detail(request, pk: int):
    d = get_visible_or_404(Disclosure, request.user, pk=pk)
    fmt = export_format(request)
    if fmt:
        table = items_table(d.snapshot) if request.GET.get("part") == "items" else summary_table(d.snapshot)
        return download(table, f"{d.village.name}财务公开-{d.period_key}" + ("-明细" if request.GET.get("part") == "items" else ""), fmt)
    user = request.user
    period = services.period_of(d)
    ctx = {
        "d": d,
        "s": dress(d.snapshot),
        "status_label": STATUS_LABELS[d.status],
        "check": services.check_details(d) if d.is_published else None,
        "unposted": services.unposted_in(d.book, period) if not d.is_published else 0,
        "due": services.due_date(services.settings_for(d.village_id), period),
        "can_prepare": not d.is_published and may(user, services.PREPARE_ROLES, d.village_id),
        "can_confirm": d.status == "draft" and may(user, services.CONFIRM_ROLES, d.village_id),
        "can_publish": d.status == "confirmed" and may(user, services.PUBLISH_ROLES, d.village_id),
        "before_publishing": hooks.publish_problems(d) if not d.is_published else [],
        "events": [(e, EVENT_LABELS.get(e.action, e.action), person_label(e.actor)) for e in d.events.select_related("actor")],
        "who": {"prepared": person_label(d.prepared_by), "confirmed": person_label(d.confirmed_by), "published": person_label(d.published_by)},
        "public_url": public_url(d.village_id, base_url(request)),
    }
    return render(request, "disclosure/detail.html", ctx)


@role_required()
@require_POST
@shows_problems
def disclosure_action(request, pk: int, action: str, problems=()):
    d = get_visible_or_404(Disclosure, request.user, pk=pk)
    if problems:
        flash_problems(request, problems)
    elif action == "confirm":
        services.confirm(request.user, d)
        messages.success(request, "已确认。确认后即可发布。")
    elif action == "publish":
        services.publish(request.user, d)
        messages.success(request, "已发布：村民现在可以在手机上看到本期公开。发布后不能修改或撤回。")
    elif action == "prepare":
        services.prepare(request.user, d.book, d.year, d.month_from, d.month_to)
        messages.success(request, "已按账簿重新编制，请书记重新确认。")
    else:
        return render(request, "404.html", status=404)
    return redirect("disclosure:detail", pk=d.pk)


# --- settings ----------------------------------------------------------------------------------


@role_required()
@shows_problems
def settings_page(request, problems=()):
    counties = county_regions(request.user)
    if request.method == "POST" and not problems:
        county = request.POST.get("county", "")
        if not any(c.code == county for c in counties):
            return render(request, "404.html", status=404)
        services.update_settings(request.user, county, **checked(SettingsForm(request.POST)))
        messages.success(request, "公开设置已保存。")
        return redirect("disclosure:settings")
    rows = []
    for c in counties:
        s = services.settings_for(c.code)
        rows.append({
            "county": c, "s": s, "saved": s.pk is not None and s.updated_at is not None,
            "can_edit": may(request.user, services.SETTINGS_ROLES, c.code),
            "form": SettingsForm(initial={"frequency": s.frequency, "due_day": s.due_day, "answer_days": s.answer_days}),
        })
    return render(request, "disclosure/settings.html", {"rows": rows, "problems": problems})
