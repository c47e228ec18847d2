"""合作经营: the cooperative's joint ventures, each party's stake, and each year's profit split
by stake with the cooperative's part posted as 投资收益."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import MoneyError, format_yuan, parse_yuan
from sanwu.core.tables import download
from sanwu.core.web import PRINTABLE, export_format, flash_problems, role_required, shows_problems

from .. import rules
from ..models import Venture
from ..services import ventures as service
from ..services.permissions import KEEP_ROLES
from ..tables import ventures_table
from .members import collective_or_404


def _date(text: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise Invalid([Problem(f"请填写{label}（YYYY-MM-DD）", field=label)]) from None


def _fen(text: str, label: str) -> int:
    try:
        return parse_yuan((text or "").strip())
    except MoneyError as exc:
        raise Invalid([Problem(f"{label}：{exc}", field=label)]) from None


def _stakes(post) -> list[service.StakeData]:
    """One row per kind of party, filled where that party put something in."""
    out = []
    for kind, label in rules.VENTURE_PARTIES.items():
        party, amount = (post.get(f"party_{kind}") or "").strip(), (post.get(f"amount_{kind}") or "").strip()
        if party or amount:
            out.append(service.StakeData(kind, party, _fen(amount, f"{label}出资额") if amount else 0, post.get(f"note_{kind}", "")))
    return out


@role_required()
@shows_problems
def ventures(request, pk: int, problems=()):
    c = collective_or_404(request, pk)
    user = request.user
    may_keep = permissions.may(user, KEEP_ROLES, c.region_id)
    if request.method == "POST" and not problems:
        permissions.require(user, KEEP_ROLES, c.region_id, "登记合作经营项目", object_type="coop.venture.create")
        p = request.POST
        v = service.create_venture(
            user, c, name=p.get("name", ""), credit_code=p.get("credit_code", ""), business=p.get("business", ""),
            founded_on=_date(p.get("founded_on"), "成立日期"), stakes=_stakes(p),
        )
        messages.success(request, f"已登记合作经营项目「{v.name}」，本村集体占{rules.format_percent_bp(service.collective_bp(v))}。")
        return redirect("coop:ventures", c.pk)
    items = [{"v": v, "stakes": service.stake_rows(v), "profits": service.profit_rows(v)} for v in service.ventures_of(c)]
    fmt = export_format(request, PRINTABLE)
    if fmt:
        return download(ventures_table(c, [(it["v"], it["stakes"]) for it in items]), f"合作经营-{c.name}", fmt)
    kinds = [{"kind": k, "label": label, "party": request.POST.get(f"party_{k}", ""), "amount": request.POST.get(f"amount_{k}", ""),
              "note": request.POST.get(f"note_{k}", "")} for k, label in rules.VENTURE_PARTIES.items()]
    ctx = {"c": c, "items": items, "may_keep": may_keep, "problems": problems, "kinds": kinds, "post": request.POST, "this_year": dt.date.today().year - 1}
    return render(request, "coop/ventures.html", ctx)


@require_POST
@role_required()
@shows_problems
def venture_profit(request, pk: int, venture: int, problems=()):
    c = collective_or_404(request, pk)
    v = get_object_or_404(Venture, collective=c, pk=venture)
    if problems:
        flash_problems(request, problems)
        return redirect("coop:ventures", c.pk)
    permissions.require(request.user, KEEP_ROLES, c.region_id, "登记合作经营利润分配", object_type="coop.venture.profit", object_id=v.pk)
    year = request.POST.get("year", "").strip()
    if not year.isdigit():
        raise Invalid([Problem("请填写年度", field="年度")])
    p = service.record_profit(
        request.user, v, year=int(year), profit=_fen(request.POST.get("profit"), "可分配利润"), declared_on=_date(request.POST.get("declared_on"), "分配日期"),
    )
    ours = sum(s.amount for s in p.shares.all() if s.stake.is_collective)
    messages.success(request, f"已登记{v.name}{p.year}年度利润分配：本村集体分得{format_yuan(ours)}元" + ("，投资收益凭证已提交乡镇审核。" if p.voucher else "。"))
    return redirect("coop:ventures", c.pk)
