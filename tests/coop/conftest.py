"""Fixtures for the cooperative: 大歇村's collective (the accountant's village) with two share
classes and the collective as a holder; the other village's collective for outsiders."""

import pytest

from sanwu.coop.models import ShareClass
from sanwu.ledger.models import Collective


def collective_of(user) -> Collective:
    village = user.role_assignments.get().region_id
    return Collective.objects.get_or_create(region_id=village, defaults={"name": f"{village}股份经济合作社"})[0]


@pytest.fixture
def coop(demo) -> Collective:
    return collective_of(demo.accountant)


@pytest.fixture
def other_coop(demo) -> Collective:
    return collective_of(demo.other_accountant)


@pytest.fixture
def classes(coop) -> dict[str, ShareClass]:
    return {
        "人口股": ShareClass.objects.create(collective=coop, name="人口股", kind="member", order=1),
        "集体股": ShareClass.objects.create(collective=coop, name="集体股", kind="collective", order=2),
    }
