"""Party-work fixtures: a small register of organisations for the demo city's Yuexi county and a
helper to assign tasks. Evidence files go to a temporary media directory."""

import datetime as dt
from dataclasses import dataclass

import pytest

from sanwu.partywork import services
from tests.conftest import api_client as api_for  # noqa: F401  (used by this app's tests)

YUEXI, TOWN_1, TOWN_2 = "340828000000", "340828100000", "340828101000"
VILLAGE_1, VILLAGE_2 = "340828100200", "340828101200"  # 大歇村 (secretary_1), 关河村
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Orgs:
    county: object
    town_1: object
    town_2: object
    village_1: object
    village_2: object
    department: object


@pytest.fixture
def orgs(demo) -> Orgs:
    make = lambda **kw: services.create_org(None, start_date=dt.date(1990, 1, 1), **kw)  # noqa: E731
    county = make(name="中共岳西县委员会", kind="committee", region_code=YUEXI)
    t1 = make(name="中共主簿镇委员会", kind="committee", region_code=TOWN_1, parent_id=county.pk)
    t2 = make(name="中共五河镇委员会", kind="committee", region_code=TOWN_2, parent_id=county.pk)
    v1 = make(name="大歇村党支部", kind="branch", region_code=VILLAGE_1, parent_id=t1.pk, member_count=36)
    v2 = make(name="关河村党支部", kind="branch", region_code=VILLAGE_2, parent_id=t2.pk, member_count=41)
    dept = make(name="岳西县农业农村局机关党总支", kind="general_branch", region_code=YUEXI, parent_id=county.pk)
    return Orgs(county, t1, t2, v1, v2, dept)


def assign(user, region=TOWN_1, title="村级班子运行情况分析研判", deadline=None, **kw):
    return services.assign_task(
        user, title=title, region_code=region, deadline=deadline or services.today() + dt.timedelta(days=30),
        source_kind=kw.pop("source_kind", "meeting"), **kw,
    )
