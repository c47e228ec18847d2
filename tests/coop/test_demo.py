"""The demo's cooperatives: every village with books has its opening roster and share register,
consistent with the person register, replayed by `sanwu verify`'s check; loading twice adds nothing."""

import pytest

from sanwu.coop import demo
from sanwu.coop.models import Holding, Household, Member, ShareOperation
from sanwu.coop.services import replay_problems
from sanwu.demo import generator
from sanwu.ledger.models import Book, Collective
from sanwu.regions.models import Person


@pytest.fixture
def city(db):
    generator.load("small", 2021)


def test_every_cooperative_has_members_shares_and_a_collective_share(city):
    r = demo.load_demo(2021)
    with_books = Collective.objects.filter(books__isnull=False).distinct()
    assert r["cooperatives"] == with_books.count() > 0
    for c in with_books:
        assert Household.objects.filter(collective=c).count() >= 25
        assert replay_problems(c) == []
        kinds = set(Holding.objects.filter(holder__collective=c, units__gt=0).values_list("holder__kind", flat=True))
        assert kinds == {"household", "collective"}
        # every member is a person of the register, of the cooperative's own village, in one household
        assert not Member.objects.filter(collective=c).exclude(person__region_id=c.region_id).exists()
    assert Member.objects.count() == Member.objects.values("person").distinct().count()
    # the village's registered people head its first households
    village = Book.objects.order_by("region_id").first().region_id
    first = Person.objects.filter(region_id=village).order_by("id").first()
    assert Member.objects.get(person=first).is_head
    assert demo.load_demo(2021) == {"cooperatives": 0, "households": 0, "people": 0}
    assert ShareOperation.objects.count() == ShareOperation.objects.filter(kind="allocation").count()
