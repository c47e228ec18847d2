"""Holdings at a date, the share register, and a change recorded in it."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render

from sanwu.core import permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.core.tables import download
from sanwu.core.web import PRINTABLE, checked, export_format, paginate, role_required, shows_problems
from sanwu.decisions.models import Matter

from .. import rules
from ..forms import ChangeForm
from ..models import ShareClass, ShareOperation
from ..services import may_keep
from ..services.holdings import holdings as holdings_of
from ..services.permissions import KEEP_ROLES
from ..services.register import holder_names
from ..services.shares import Change, apply_change, holder_for
from ..tables import holdings_table, register_table
from .members import collective_or_404


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@role_required()
def holdings(request, pk: int):
    c = collective_or_404(request, pk)
    on = _date(request.GET.get("date"))
    classes, rows = holdings_of(c, on)
    table = holdings_table(classes, rows, on)
    fmt = export_format(request, PRINTABLE)
    if fmt:
        return download(table, f"持股明细-{c.name}", fmt)
    totals = {cls.pk: sum(r.units.get(cls.pk, 0) for r in rows) for cls in classes}
    page = paginate(request, table.rows)
    ctx = {
        "c": c, "table": table, "page": page, "cells": [[row[col.key] for col in table.columns] for row in page],
        "on": on, "date_text": request.GET.get("date", ""),
        "bad_date": bool(request.GET.get("date")) and on is None,
        "totals": [rules.format_units(totals[cls.pk]) for cls in classes], "total": rules.format_units(sum(totals.values())),
    }
    return render(request, "coop/holdings.html", ctx)


@role_required()
def register(request, pk: int):
    c = collective_or_404(request, pk)
    qs = ShareOperation.objects.filter(collective=c).select_related("share_class", "matter").order_by("-number")
    kind = request.GET.get("kind")
    if kind in rules.OPERATION_KINDS:
        qs = qs.filter(kind=kind)
    fmt = export_format(request, PRINTABLE)
    if fmt:
        ops = list(qs.order_by("number"))
        return download(register_table(ops, _names(c, ops)), f"股权登记簿-{c.name}", fmt)
    page = paginate(request, qs)
    names = _names(c, page.object_list)
    rows = register_table(page.object_list, names).rows
    ctx = {"c": c, "page": page, "rows": rows, "kinds": rules.OPERATION_KINDS, "kind": kind or "", "may_keep": may_keep(request.user, c)}
    return render(request, "coop/register.html", ctx)


def _names(c, ops) -> dict[int, str]:
    ids = {h for op in ops for h in (op.from_holder_id, op.to_holder_id) if h}
    return holder_names(c, ids)


@role_required(*KEEP_ROLES)
@shows_problems
def change_new(request, pk: int, problems=()):
    c = collective_or_404(request, pk)
    permissions.require(request.user, KEEP_ROLES, c.region_id, "登记股权变动", object_type="coop.share_operation")
    classes = list(ShareClass.objects.filter(collective=c))
    matters = Matter.objects.filter(village_id=c.region_id, status="completed").order_by("-year", "-id")[:200]
    form = ChangeForm(request.POST or None, classes=classes, matters=matters)
    if request.method == "POST" and not problems:
        d = checked(form)
        units, bad = rules.parse_units(d["shares"])
        if bad:
            raise Invalid(bad)
        by_pk = {str(cls.pk): cls for cls in classes}
        change = Change(
            kind=d["kind"], share_class=by_pk[d["share_class"]], units=units, on=d["on"],
            from_holder=holder_for(c, d["from_holder"]) if d["from_holder"] else None,
            to_holder=holder_for(c, d["to_holder"]) if d["to_holder"] else None,
            matter=next((m for m in matters if m.pk == d["matter"]), None) if d["matter"] else None,
            approval=d["approval"], note=d["note"],
        )
        if d["matter"] and change.matter is None:
            raise Invalid([Problem("请选择本村已完成的四议两公开事项", field="四议两公开事项")])
        op = apply_change(request.user, c, change)
        messages.success(request, f"已登记股权变动第{op.number}号：{rules.OPERATION_KINDS[op.kind]} {rules.format_units(op.units)}股。")
        return redirect("coop:register", c.pk)
    return render(request, "coop/change.html", {"c": c, "form": form, "problems": problems})
