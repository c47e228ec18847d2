"""Decisions fixtures: a matter of 大歇村 (the secretary's village), stage data that passes
every check, a helper to walk a matter through its stages, and books for linking vouchers."""

import datetime as dt

import pytest

from sanwu.decisions import services
from sanwu.decisions.models import Comment, Matter, MatterEvent, StageAttachment, StageRecord, VoucherLink
from sanwu.decisions.rules import StageData
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Voucher

from ..ledger.journal import parse

D0 = dt.date(2025, 3, 1)


def village_of(user) -> str:
    return user.role_assignments.get().region_id


def good(stage: str, date: dt.date | None = None, **kw) -> StageData:
    """Stage data that passes the stage's checks (override any field with kw)."""
    base = {
        "proposal": dict(meeting_type="branch_committee", entitled=5, present=5, text="村党组织提议：硬化村组道路1.2公里。"),
        "committees": dict(meeting_type="joint_committees", entitled=7, present=7, votes_for=6, votes_against=1, votes_abstain=0, text="两委联席会议商议同意。"),
        "members_meeting": dict(meeting_type="party_members", entitled=30, present=24, votes_for=20, votes_against=2, votes_abstain=2, text="党员大会审议同意。"),
        "villagers_meeting": dict(meeting_type="representatives", entitled=45, present=36, votes_for=30, votes_against=4, votes_abstain=2, text="村民代表会议决议：同意硬化村组道路，预算38.6万元。"),
        "resolution_published": dict(channel="notice_board", text="决议公开：经村民代表会议表决通过，硬化村组道路，预算38.6万元。"),
        "result_published": dict(channel="notice_board", text="实施结果公开：道路硬化已完工，实际支出38.2万元。"),
    }[stage]
    base.update(kw)
    order = ["proposal", "committees", "members_meeting", "villagers_meeting", "resolution_published", "result_published"]
    return StageData(date=date or D0 + dt.timedelta(days=5 * order.index(stage)), **base)


def advance(user, matter, upto: str, merged: bool = False):
    """Record every stage up to and including `upto`."""
    order = ["proposal", "committees", "members_meeting", "villagers_meeting", "resolution_published", "result_published"]
    for stage in order[: order.index(upto) + 1]:
        if merged and stage == "proposal":
            continue
        services.record_stage(user, matter, stage, good(stage))
    matter.refresh_from_db()
    return matter


@pytest.fixture(autouse=True)
def _no_demo_matters(request):
    """Each test starts with no matters, even if the demo city some day brings its own
    (decisions.demo.load_demo called from the demo loader)."""
    if "demo" not in request.fixturenames and "demo_live" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("demo_live" if "demo_live" in request.fixturenames else "demo")
    clear_matters()
    yield


def clear_matters() -> None:
    if not Matter.objects.exists():
        return
    for model in (VoucherLink, Comment, MatterEvent, StageAttachment):
        model.objects.all().delete()
    # corrections point at the versions they supersede: the latest go first
    for version in sorted(set(StageRecord.objects.values_list("version", flat=True)), reverse=True):
        StageRecord.objects.filter(version=version).delete()
    Matter.objects.all().delete()


@pytest.fixture
def village(demo) -> str:
    return village_of(demo.secretary)


@pytest.fixture
def other_village(demo) -> str:
    return village_of(demo.other_accountant)


@pytest.fixture
def matter(demo, village):
    return services.create_matter(demo.secretary, village, "村组道路硬化工程", "tendering", purpose="expenditure", amount=38_600_000, year=2025)


@pytest.fixture
def other_matter(demo, other_village):
    """A matter of 关河村 (another township; no secretary account there: the system records it)."""
    return services.create_matter(None, other_village, "关河村山场流转", "land", purpose="contract", year=2025)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def open_book(village_code: str, user=None):
    b = ledger.create_book(None, f"B{village_code}", village_code, "2023", start_date=dt.date(2025, 1, 1))
    ledger.confirm_opening(None, b)
    return b


PAYMENTS = """
2025-01-03 收到上级补助资金
  102  500000.00  -          bank
  503  -          500000.00  subsidy
2025-04-10 支付村组道路硬化工程款
  513  382000.00  -          bank
  102  -          382000.00  bank  县路桥公司
2025-04-12 支付办公用品
  513  800.00     -          cash
  101  -          800.00     cash
"""


@pytest.fixture
def book(demo, village):
    b = open_book(village)
    ledger.post_drafts(None, b, parse("2025-01-02 提取备用金\n  101 1000.00 -\n  102 - 1000.00\n" + PAYMENTS))
    return b


@pytest.fixture
def other_book(demo, other_village):
    b = open_book(other_village)
    ledger.post_drafts(None, b, parse("2025-01-02 提取备用金\n  101 1000.00 -\n  102 - 1000.00\n" + PAYMENTS))
    return b


def voucher_of(book, summary):
    return Voucher.objects.get(book=book, summary=summary)
