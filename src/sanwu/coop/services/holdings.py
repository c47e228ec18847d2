"""Holdings as at a date, one row per holder (a household, a member, or the collective), shares
by class: what the holdings page, its export, the CLI and the API show. Read through the gate by
the caller (the cooperative must be visible to the user)."""

import datetime as dt
from dataclasses import dataclass

from sanwu.core.masking import mask_name

from .. import rules
from ..models import Holder, Member, ShareClass
from .register import holdings_at


@dataclass(frozen=True)
class HolderRow:
    holder_id: int
    kind: str
    key: str  # the 户号, the member's masked name, or 集体
    head: str  # the household's head (masked); "" for the collective
    units: dict[int, int]  # share class id → units

    @property
    def total(self) -> int:
        return sum(self.units.values())


def holdings(collective, on: dt.date | None = None) -> tuple[list[ShareClass], list[HolderRow]]:
    """The share classes of `collective` and each holder's holdings as at the end of `on`
    (today's kept holdings when None): households by number, then members, the collective last."""
    held = holdings_at(collective, on)
    classes = list(ShareClass.objects.filter(collective=collective))
    by_holder: dict[int, dict[int, int]] = {}
    for (hid, c), u in held.items():
        by_holder.setdefault(hid, {})[c] = u
    # Plain rows, not model instances: a cooperative of 1,500 households reads them in a few ms.
    heads = {hh: mask_name(name) for hh, name in Member.objects.filter(collective=collective, is_head=True).values_list("household_id", "person__name")}
    holders = Holder.objects.filter(collective=collective).values_list(
        "pk", "kind", "household_id", "household__number", "member__person__name", "member__household__number"
    )
    rows = []
    for pk, kind, household_id, number, member_name, member_household in holders:
        units = by_holder.get(pk)
        if not units:
            continue
        if kind == "household":
            rows.append(HolderRow(pk, kind, number, heads.get(household_id, ""), units))
        elif kind == "member":
            rows.append(HolderRow(pk, kind, mask_name(member_name), f"{member_household}户", units))
        else:
            rows.append(HolderRow(pk, kind, rules.COLLECTIVE_HOLDER_LABEL, "", units))
    order = {"household": 0, "member": 1, "collective": 2}
    rows.sort(key=lambda r: (order[r.kind], _number_key(r.key)))
    return classes, rows


def _number_key(text: str):
    """Household numbers in their natural order (2 before 10) whatever their padding."""
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def totals_by_class(collective, on: dt.date | None = None) -> list[tuple[ShareClass, int]]:
    """Each class's units over all holders (the village page's share totals)."""
    held = holdings_at(collective, on)
    sums: dict[int, int] = {}
    for (_, c), u in held.items():
        sums[c] = sums.get(c, 0) + u
    return [(c, sums.get(c.pk, 0)) for c in ShareClass.objects.filter(collective=collective)]
