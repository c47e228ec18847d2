"""The cooperatives' figures up the tree (issue 13 item 8): for a village, township, county or the
city, the cooperatives with members, their households and members, the collective shares
quantified (the brief's "量化集体股份1.04亿元" kind of figure: each class's shares at its value per
share) and the year's approved distributions — what the members share and what is paid. The
economy's overview and brief show them (`economy.hooks.register_figures`)."""

from dataclasses import dataclass

from django.db.models import F, Sum

from sanwu.core.codes import region_prefix
from sanwu.core.money import format_wan
from sanwu.core.tables import Column, Table

from .. import rules
from ..models import DistributionLine, Holding, Household, Member


@dataclass(frozen=True)
class CoopFigures:
    cooperatives: int
    households: int
    members: int
    quantified: int  # fen
    distributions: int  # approved plans of the year
    distributed: int  # fen the members share (the collective's own share left out)
    paid: int  # fen


def coop_figures(region_code: str, year: int) -> CoopFigures:
    prefix = region_prefix(region_code)
    households = Household.objects.filter(collective__region__code__startswith=prefix)
    members = Member.objects.filter(household__collective__region__code__startswith=prefix, is_member=True, left_on__isnull=True)
    held = Holding.objects.filter(holder__collective__region__code__startswith=prefix, units__gt=0)
    quantified = held.aggregate(v=Sum(F("units") * F("share_class__value_per_share")))["v"] or 0
    lines = DistributionLine.objects.filter(
        distribution__collective__region__code__startswith=prefix, distribution__year=year, distribution__status__in=("approved", "posted"),
    ).exclude(holder__kind="collective")
    paid = lines.aggregate(a=Sum("amount"), p=Sum("paid"))
    return CoopFigures(
        cooperatives=households.values("collective_id").distinct().count(), households=households.count(), members=members.count(),
        quantified=quantified // rules.UNITS_PER_SHARE, distributions=lines.values("distribution_id").distinct().count(),
        distributed=paid["a"] or 0, paid=paid["p"] or 0,
    )


def economy_figures(region_code: str, year: int):
    """The economy's cards and brief sentence (None when the region has no cooperative members)."""
    from sanwu.economy.hooks import Card, Figures

    f = coop_figures(region_code, year)
    if not f.households:
        return None
    cards = [
        Card("股份经济合作社", str(f.cooperatives), "个", f"{f.households}户、成员{f.members}人"),
        Card("量化集体股份", format_wan(f.quantified), "万元"),
        Card(f"{year}年股份分红", format_wan(f.distributed), "万元", f"{f.distributions}个合作社，已发放{format_wan(f.paid)}万元"),
    ]
    text = f"{f.cooperatives}个村股份经济合作社登记成员{f.members}人（{f.households}户），量化集体股份{format_wan(f.quantified)}万元"
    text += f"；{year}年{f.distributions}个合作社分红{format_wan(f.distributed)}万元，已发放{format_wan(f.paid)}万元。" if f.distributions else "。"
    table = Table("股份经济合作社", [Column("item", "项目", width=18), Column("value", "数值", width=18)], [
        {"item": "合作社（个）", "value": f.cooperatives}, {"item": "户数", "value": f.households}, {"item": "成员（人）", "value": f.members},
        {"item": "量化集体股份（万元）", "value": format_wan(f.quantified)}, {"item": f"{year}年分红（万元）", "value": format_wan(f.distributed)},
        {"item": "已发放（万元）", "value": format_wan(f.paid)},
    ])
    return Figures("coop", "股份经济合作社", cards, text, table)
