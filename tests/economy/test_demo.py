"""The economy's demo rows on the small demo city with books: the rules of every county, Yuexi's
2020 resolutions and approvals; idempotent."""

from sanwu.demo import generator
from sanwu.economy import demo, services
from sanwu.economy.models import CadreReward, EconomySettings, Resolution
from sanwu.regions.models import Region


def test_load_demo_is_idempotent(db):
    generator.load("small", 2021)
    first = demo.load_demo("small", 2021)
    assert first.counties == 10 and first.resolutions >= 3 and first.approved >= 2
    assert EconomySettings.objects.count() == 10
    again = demo.load_demo("small", 2021)
    assert (again.resolutions, again.approved) == (0, 0)
    assert Resolution.objects.count() == first.resolutions and CadreReward.objects.filter(status="approved").count() == first.approved
    rows = services.award_rows(None, Region.objects.get(code="340828000000"), 2020)
    approved = [a for a in rows if a.status == "approved"]
    assert approved and all(a.cadre_granted == a.cadre > 0 for a in approved)
    s = services.overview(None, Region.objects.get(code="340828000000"), 2020).summary
    assert s.top.measure == 829_900_000  # the brief's 829.9万元
