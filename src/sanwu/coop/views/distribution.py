"""The year's distribution: the plans by year, one plan with its households, and each step of
its life (drafted, published, decided, approved and posted, paid), each by its role."""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_yuan
from sanwu.core.tables import download
from sanwu.core.web import PRINTABLE, export_format, paginate, role_required, shows_problems
from sanwu.decisions.models import Matter

from .. import rules
from ..models import Distribution, DistributionEvent
from ..services import distribution as service
from ..services.permissions import BANK_LIST_ROLES, BOARD_ROLES, KEEP_ROLES, TOWNSHIP_ROLES
from ..services.register import current_book
from .members import collective_or_404


def _rate_bp(text: str) -> int | None:
    bp, problems = rules.parse_percent_bp(text)
    if problems:
        raise Invalid(problems)
    return bp


def _year(text: str) -> int:
    if not (text or "").strip().isdigit():
        raise Invalid([Problem("请填写年度", field="年度")])
    return int(text)


@role_required()
@shows_problems
def distributions(request, pk: int, problems=()):
    c = collective_or_404(request, pk)
    book = current_book(c.pk)
    user = request.user
    if request.method == "POST" and not problems:
        permissions.require(user, KEEP_ROLES, c.region_id, "草拟收益分配方案", object_type="coop.distribution.draft")
        if book is None:
            raise Invalid([Problem("本合作社还没有账套")])
        d = service.draft(user, book, _year(request.POST.get("year")), reserve_rate_bp=_rate_bp(request.POST.get("reserve_rate")))
        messages.success(request, f"已草拟{d.year}年收益分配方案：向成员分配{format_yuan(d.distributable)}元。")
        return redirect("coop:distribution", c.pk, d.year)
    plans = Distribution.objects.filter(collective=c).order_by("-year", "-id")
    ctx = {
        "c": c, "book": book, "plans": plans, "problems": problems, "may_keep": permissions.may(user, KEEP_ROLES, c.region_id),
        "year": request.POST.get("year") or (dt.date.today().year - 1), "reserve_rate": request.POST.get("reserve_rate", ""),
    }
    return render(request, "coop/distributions.html", ctx)


def _plan(c, year: int) -> Distribution:
    d = Distribution.objects.filter(collective=c, year=year).filter(service.ACTIVE).select_related("book", "matter", "voucher").first()
    if d is None:
        d = Distribution.objects.filter(collective=c, year=year).order_by("-id").select_related("book", "matter", "voucher").first()
    if d is None:
        raise Http404("没有该年度的收益分配方案")
    return d


@role_required()
@shows_problems
def distribution(request, pk: int, year: int, problems=()):
    c = collective_or_404(request, pk)
    d = _plan(c, year)
    table = service.plan_table(d)
    fmt = export_format(request, PRINTABLE)
    if fmt:
        return download(table, f"收益分配方案-{c.name}-{year}年", fmt)
    user, region = request.user, c.region_id
    matters = Matter.objects.filter(village_id=region, purpose="dividend").exclude(status="abandoned").order_by("-year", "-id")[:50]
    owed = list(service.unpaid_lines(d)) if d.status == "posted" else []
    rows = table.rows
    ctx = {
        "c": c, "d": d, "table": table, "page": paginate(request, rows), "problems": problems, "status": rules.DISTRIBUTION_STATUSES[d.status],
        "per_share": service.per_share_of(d),
        "total_shares": rules.format_units(d.total_units), "paid": service.paid_total(d), "intact": service.is_intact(d),
        "owed_total": sum(ln.amount - ln.paid for ln in owed), "owed": [service.line_key(ln) for ln in owed],
        "events": DistributionEvent.objects.filter(distribution=d).select_related("actor"), "matters": matters,
        "notice_days": rules.NOTICE_DAYS, "reserve_pct": f"{d.reserve_rate_bp / 100:g}",
        "can_publish": d.status == "draft" and permissions.may(user, KEEP_ROLES | BOARD_ROLES, region),
        "can_decide": d.status == "published" and permissions.may(user, BOARD_ROLES, region),
        "can_withdraw": d.status in ("draft", "published", "decided") and permissions.may(user, KEEP_ROLES | BOARD_ROLES, region),
        "can_approve": d.status == "decided" and permissions.may(user, TOWNSHIP_ROLES, region),
        "can_pay": d.status == "posted" and bool(owed) and permissions.may(user, KEEP_ROLES, region),
        "can_bank_list": d.status == "posted" and bool(owed) and permissions.may(user, BANK_LIST_ROLES, region),
    }
    return render(request, "coop/distribution.html", ctx)


def _act(request, pk: int, year: int, act, done, problems=()):
    c = collective_or_404(request, pk)
    d = _plan(c, year)
    if problems:
        return distribution(request, pk, year, problems=problems)
    result = act(d)
    messages.success(request, done(result) if callable(done) else done)
    return redirect("coop:distribution", c.pk, year)


def _date(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid([Problem(f"{what}「{text}」应为 YYYY-MM-DD", field=what)]) from None


@require_POST
@role_required(*(KEEP_ROLES | BOARD_ROLES))
@shows_problems
def distribution_publish(request, pk: int, year: int, problems=()):
    act = lambda d: service.publish(request.user, d, _date(request.POST.get("on"), "公布日期"))  # noqa: E731
    return _act(request, pk, year, act, "已记录向成员公布分配方案。", problems)


@require_POST
@role_required(*BOARD_ROLES)
@shows_problems
def distribution_decide(request, pk: int, year: int, problems=()):
    def act(d):
        key = request.POST.get("matter") or ""
        matter = Matter.objects.filter(pk=key, village_id=d.collective.region_id).first() if key.isdigit() else None
        return service.decide(request.user, d, matter)

    return _act(request, pk, year, act, "已记录成员大会通过分配方案，待乡镇审核。", problems)


@require_POST
@role_required(*(KEEP_ROLES | BOARD_ROLES))
@shows_problems
def distribution_withdraw(request, pk: int, year: int, problems=()):
    return _act(request, pk, year, lambda d: service.withdraw(request.user, d, request.POST.get("reason", "")), "分配方案已撤回。", problems)


@require_POST
@role_required(*TOWNSHIP_ROLES)
@shows_problems
def distribution_approve(request, pk: int, year: int, problems=()):
    return _act(request, pk, year, lambda d: service.approve(request.user, d), lambda d: f"已审核通过并入账（凭证 {d.voucher.label}）。", problems)


@require_POST
@role_required(*TOWNSHIP_ROLES)
@shows_problems
def distribution_reject(request, pk: int, year: int, problems=()):
    return _act(request, pk, year, lambda d: service.reject(request.user, d, request.POST.get("reason", "")), "已退回分配方案。", problems)


@require_POST
@role_required(*KEEP_ROLES)
@shows_problems
def distribution_pay(request, pk: int, year: int, problems=()):
    def act(d):
        return service.pay(request.user, d, request.POST.getlist("household"), _date(request.POST.get("paid_on"), "支付日期"))

    return _act(request, pk, year, act, lambda v: f"已登记支付，付款凭证已提交乡镇审核（{v.summary}）。", problems)


@require_POST
@role_required(*BANK_LIST_ROLES)
def distribution_bank_list(request, pk: int, year: int):
    """The bank's payment list, full account numbers: a download only, audited by the service."""
    c = collective_or_404(request, pk)
    d = _plan(c, year)
    return download(service.bank_list(request.user, d), f"分红代发清单-{c.name}-{year}年", "xlsx")
