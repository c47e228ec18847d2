"""The cooperatives' figures up the tree (issue 13 item 8): members, households, shares
quantified and the year's dividends, summed for a village, township and county, shown on the
economy overview and said in the brief; another township's figures leave them out."""

import datetime as dt

from django.urls import reverse

from sanwu.coop.models import ShareClass
from sanwu.coop.services import distribution as dist
from sanwu.coop.services.figures import coop_figures
from sanwu.economy.services import brief
from sanwu.regions.models import Region

from ..conftest import client_for
from ..decisions.conftest import village  # noqa: F401  (the fixture)
from .test_distribution import AMOUNTS, YEAR, book, closed, dividend_matter  # noqa: F401  (the fixtures)
from .test_import import no_cap  # noqa: F401  (the fixture)

YUEXI = "340828000000"


def test_members_shares_and_dividends_are_summed_up_the_tree(demo, closed, village):  # noqa: F811
    ShareClass.objects.filter(collective=closed.collective).update(value_per_share=190_000)
    f = coop_figures(YUEXI, YEAR)
    # 8.50 shares at 1,900 元 each; nothing distributed yet
    assert (f.cooperatives, f.households, f.members, f.quantified, f.distributed) == (1, 2, 3, 1_615_000, 0)
    assert coop_figures(closed.region_id, YEAR) == f
    other_township = demo.other_township.role_assignments.get().region_id
    assert coop_figures(other_township, YEAR).households == 0
    d = dist.decide(demo.secretary, dist.publish(demo.accountant, dist.draft(demo.accountant, closed, YEAR), dt.date(2026, 1, 5)), dividend_matter(demo, village))
    dist.pay(demo.accountant, dist.approve(demo.township, d), ["001"], dt.date(2026, 2, 1))
    f = coop_figures(YUEXI, YEAR)
    assert (f.distributions, f.distributed, f.paid) == (1, AMOUNTS["001"] + AMOUNTS["002"], AMOUNTS["001"])
    assert coop_figures(YUEXI, YEAR + 1).distributed == 0
    html = client_for(demo.county).get(reverse("economy:overview"), {"region": YUEXI, "year": YEAR}).content.decode()
    assert 'data-more="coop"' in html and "量化集体股份" in html and "1.62" in html
    b = brief.build(demo.county, Region.objects.get(code=YUEXI), YEAR)
    (said,) = [p.text for p in b.parts if p.key == "coop"]
    assert said == "1个村股份经济合作社登记成员3人（2户），量化集体股份1.62万元；2025年1个合作社分红3.62万元，已发放2.96万元。"
    other = client_for(demo.other_township).get(reverse("economy:overview"), {"region": other_township, "year": YEAR}).content.decode()
    assert 'data-more="coop"' not in other
