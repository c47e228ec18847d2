"""Holdings as at a date, one row per holder (a household, a member, or the collective), shares
by class: what the holdings page, its export, the CLI and the API show. Read through the gate by
the caller (the cooperative must be visible to the user)."""

import datetime as dt
from dataclasses import dataclass

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
    holders = Holder.objects.filter(collective=collective).select_related("household", "member__person", "member__household")
    heads = {
        m.household_id: m.person.masked_name
        for m in Member.objects.filter(collective=collective, is_head=True).select_related("person")
    }
    rows = []
    for h in holders:
        units = by_holder.get(h.pk)
        if not units:
            continue
        if h.kind == "household":
            rows.append(HolderRow(h.pk, h.kind, h.household.number, heads.get(h.household_id, ""), units))
        elif h.kind == "member":
            rows.append(HolderRow(h.pk, h.kind, h.member.person.masked_name, f"{h.member.household.number}户", units))
        else:
            rows.append(HolderRow(h.pk, h.kind, rules.COLLECTIVE_HOLDER_LABEL, "", units))
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
