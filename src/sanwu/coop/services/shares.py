"""Changes to the share register after the opening allocation: a transfer inside the collective,
an inheritance, a gift, a sell-back to the collective, an adjustment decided by the members.
Each is one numbered, chained operation (`register.record`), never an edit of a holding.

- Shares never leave the collective: both holders belong to the same cooperative (transfer only
  inside the collective, domain.md 8.2; the collective is a holder of its own).
- A transfer, gift or sell-back records its approval (the board's decision or the members'
  meeting, as the county's rules say); an adjustment names a completed 四议两公开 matter.
- After the change no holder other than the collective is above the county's cap.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from sanwu.core import audit, dates, permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.decisions.models import Matter

from .. import rules
from ..models import Holder, Household, ShareClass, ShareOperation
from .permissions import KEEP_ROLES
from .register import collective_holder, holdings_at, household_holder, record
from .settings import settings_for


@dataclass
class Change:
    kind: str
    share_class: ShareClass
    units: int
    on: dt.date
    from_holder: Holder | None = None
    to_holder: Holder | None = None
    matter: Matter | None = None
    approval: str = ""
    note: str = ""


def change_problems(collective, c: Change) -> list[Problem]:
    """What refuses a change, before anything is written (pure but for the rows given)."""
    out: list[Problem] = []
    if c.kind not in rules.OPERATION_KINDS or c.kind == "allocation":
        out.append(Problem(f"变动类型应为：{'、'.join(v for k, v in rules.OPERATION_KINDS.items() if k != 'allocation')}", field="kind"))
        return out
    if c.share_class.collective_id != collective.pk:
        out.append(Problem("股份类别不属于本集体经济组织", field="share_class"))
    for h, label in ((c.from_holder, "转出方"), (c.to_holder, "转入方")):
        if h is not None and h.collective_id != collective.pk:
            out.append(Problem(f"{label}不是本集体经济组织的持股人：股份不得转让给本集体经济组织以外的人", field=label))
    if c.units <= 0:
        out.append(Problem("份额应大于零", field="份额"))
    if c.kind in rules.MOVES:
        if c.from_holder is None or c.to_holder is None:
            out.append(Problem(f"{rules.OPERATION_KINDS[c.kind]}须有转出方和转入方", field="转入方"))
        elif c.from_holder.pk == c.to_holder.pk:
            out.append(Problem("转出方和转入方不能是同一持股人", field="转入方"))
        if c.kind == "sell_back" and c.to_holder is not None and c.to_holder.kind != "collective":
            out.append(Problem("退股由集体回购：转入方应为集体", field="转入方"))
        if c.kind in ("transfer", "gift", "sell_back") and not c.approval.strip() and c.matter is None:
            out.append(Problem(f"{rules.OPERATION_KINDS[c.kind]}须填写批准依据（理事会决定或成员大会决议）", field="批准依据"))
    else:  # adjustment: shares created or cancelled by the members' decision
        if (c.from_holder is None) == (c.to_holder is None):
            out.append(Problem("民主议定调整须只填增加的一方（转入方）或减少的一方（转出方）", field="转入方"))
        if c.matter is None:
            out.append(Problem("民主议定调整须关联已完成的四议两公开事项", field="四议两公开事项"))
    if c.matter is not None:
        if c.matter.village_id != collective.region_id:
            out.append(Problem("四议两公开事项不属于本村", field="四议两公开事项"))
        elif c.matter.status != "completed":
            out.append(Problem(f"四议两公开事项「{c.matter.title}」尚未完成", field="四议两公开事项"))
    if c.on > dates.today():
        out.append(Problem(f"变动日期 {c.on} 晚于今天", field="date"))
    if len(c.approval) > 200 or len(c.note) > 200:
        out.append(Problem("批准依据和说明各不能超过200个字", field="说明"))
    return out


def apply_change(user, collective, c: Change) -> ShareOperation:
    """Record one change in the register (the village accountant), with its audit row."""
    permissions.require(user, KEEP_ROLES, collective.region_id, "登记股权变动", object_type="coop.share_operation")
    problems = change_problems(collective, c)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        last = ShareOperation.objects.filter(collective=collective).order_by("-number").values_list("on", flat=True).first()
        if last is not None and c.on < last:
            raise Invalid([Problem(f"变动日期 {c.on} 早于上一笔登记的日期 {last}：登记簿按日期顺序登记", field="date")])
        op = record(
            collective, user, kind=c.kind, on=c.on, share_class=c.share_class, from_holder=c.from_holder, to_holder=c.to_holder,
            units=c.units, matter=c.matter, approval=c.approval.strip(), note=c.note.strip(),
        )
        problems = _cap_after(collective, c.to_holder)
        if problems:
            raise Invalid(problems)  # rolls the operation back
        audit.record(
            "coop.share_operation", op, actor=user, region_code=collective.region_id,
            new={"number": op.number, "kind": op.kind, "class": c.share_class.name, "units": rules.format_units(op.units),
                 "from": op.from_holder_id, "to": op.to_holder_id},
        )
    return op


def _cap_after(collective, holder: Holder | None) -> list[Problem]:
    if holder is None or holder.kind == "collective":
        return []
    conf = settings_for(collective.region_id)
    held = holdings_at(collective)
    total = sum(held.values())
    mine = sum(u for (h, _), u in held.items() if h == holder.pk)
    cap = conf.holder_cap_bp
    label = "该持股人"
    if holder.kind == "household":
        members = holder.household.people.filter(is_member=True, left_on__isnull=True).count()
        cap, label = cap * max(members, 1), f"{holder.household.number}户（{members}名成员）"
    return rules.cap_problems(mine, total, cap, label)


def holder_for(collective, key: str) -> Holder:
    """The holder a form or the CLI names: a household number, or 集体."""
    key = (key or "").strip()
    if key == rules.COLLECTIVE_HOLDER_LABEL:
        return collective_holder(collective)
    hh = Household.objects.filter(collective=collective, number=key).first()
    if hh is None:
        raise Invalid([Problem(f"本集体经济组织没有{key}户", field="户号")])
    return household_holder(hh)
