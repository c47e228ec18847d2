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


def make_id(n: int, born: str = "19700101") -> str:
    """A valid ID number (checksum right) of 岳西县, the n-th of its birth date."""
    from sanwu.core.codes import id_check_char

    first = f"340828{born}{n % 1000:03d}"
    return first + id_check_char(first)


def sheet(rows: list[list], header=("户号", "户主", "姓名", "身份证号", "与户主关系", "成员", "股份类别", "份额", "开户行", "银行账号")) -> bytes:
    """A roster CSV: the header and the rows, as a village accountant's sheet has them."""
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return out.getvalue().encode("utf-8")
