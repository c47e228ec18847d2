"""合作经营: the cooperative's joint ventures, each party's stake, and each year's profit split
by stake with the cooperative's part posted as 投资收益."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.dates import today
from sanwu.core.money import format_yuan
from sanwu.core.tables import download
from sanwu.core.web import PRINTABLE, checked, export_format, flash_problems, role_required, shows_problems

from .. import rules
from ..forms import VentureForm, VentureProfitForm
from ..models import Venture
from ..services import ventures as service
from ..services.permissions import KEEP_ROLES
from ..tables import ventures_table
from .members import collective_or_404


@role_required()
@shows_problems
def ventures(request, pk: int, problems=()):
    c = collective_or_404(request, pk)
    user = request.user
    form = VentureForm(request.POST or None)
    if request.method == "POST" and not problems:
        permissions.require(user, KEEP_ROLES, c.region_id, "登记合作经营项目", object_type="coop.venture.create")
        d = checked(form)
        v = service.create_venture(
            user, c, name=d["name"], credit_code=d["credit_code"], business=d["business"], founded_on=d["founded_on"],
            stakes=[service.StakeData(*row) for row in form.stakes()],
        )
        messages.success(request, f"已登记合作经营项目「{v.name}」，本村集体占{rules.format_percent_bp(service.collective_bp(v))}。")
        return redirect("coop:ventures", c.pk)
    items = [{"v": v, "stakes": service.stake_rows(v), "profits": service.profit_rows(v)} for v in service.ventures_of(c)]
    fmt = export_format(request, PRINTABLE)
    if fmt:
        return download(ventures_table(c, [(it["v"], it["stakes"]) for it in items]), f"合作经营-{c.name}", fmt)
    ctx = {
        "c": c, "items": items, "may_keep": permissions.may(user, KEEP_ROLES, c.region_id), "problems": problems, "form": form,
        "kinds": form.kinds(), "this_year": today().year - 1,
    }
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
    d = checked(VentureProfitForm(request.POST))
    p = service.record_profit(request.user, v, year=d["year"], profit=d["profit"], declared_on=d["declared_on"])
    ours = service.collective_part((s.stake, s.amount) for s in p.shares.select_related("stake"))
    messages.success(request, f"已登记{v.name}{p.year}年度利润分配：本村集体分得{format_yuan(ours)}元" + ("，投资收益凭证已提交乡镇审核。" if p.voucher else "。"))
    return redirect("coop:ventures", c.pk)
