"""The demo: two analysis rounds, the difficult-villages list, a rectification list with some
villages delisted after acceptance, an assessment with its consequences — deterministic,
idempotent, every follow-up a task in the ledger."""

from django.db import transaction
from django.urls import reverse

from sanwu.assessment import demo
from sanwu.assessment.models import (
    AcceptanceCheck,
    AnalysisRound,
    Assessment,
    Consequence,
    DifficultReview,
    DifficultVillage,
    FollowUp,
    History,
    Rating,
    Rectification,
    Screening,
)
from sanwu.partywork.models import Task
from sanwu.regions.models import Region

from ..conftest import client_for
from .conftest import YUEXI


def _snapshot():
    return (
        list(Rating.objects.order_by("round__number", "village_id").values_list("round__number", "village_id", "rating")),
        list(DifficultReview.objects.order_by("round__number", "entry__village_id").values_list("round__number", "entry__village_id", "outcome")),
        list(Rectification.objects.order_by("year", "village_id").values_list("year", "village_id", "status", "project_funds_fen")),
        list(Consequence.objects.order_by("rule_key", "unit__region_id").values_list("rule_key", "unit__region_id", "basis")),
    )


def test_demo_loads_every_part_and_twice_adds_nothing(demo):
    result = demo_module_load()
    assert result == {"rounds": 2, "listed": result["listed"], "assessments": 2} and result["listed"] >= 2
    villages = Region.objects.filter(level="village", code__startswith="340828").count()
    assert AnalysisRound.objects.filter(county_id=YUEXI).count() == 2
    assert Rating.objects.count() == 2 * villages  # every village rated in each round
    assert AnalysisRound.objects.filter(status="reviewed").count() == 2
    assert DifficultVillage.objects.exists() and DifficultReview.objects.filter(outcome="listed").exists()
    assert FollowUp.objects.count() >= 2
    assert Screening.objects.filter(year=2020).count() == villages == Screening.objects.filter(year=2021).count()
    delisted = Rectification.objects.filter(status="delisted")
    assert delisted.exists() and Rectification.objects.filter(status="listed").exists()
    for case in delisted:  # every delisted village passed an acceptance check
        assert AcceptanceCheck.objects.filter(rectification=case, passed=True, date=case.delisted_on).exists()
    assert AcceptanceCheck.objects.filter(passed=False).exists()
    a2021 = Assessment.objects.get(county_id=YUEXI, year=2021)
    assert a2021.status == "final" and Assessment.objects.get(county_id=YUEXI, year=2020).status == "final"
    keys = set(Consequence.objects.values_list("rule_key", flat=True))
    assert keys == {"last_overall", "org_work_last_two_years", "recruitment_bottom_three"}
    # Every consequence, follow-up, listing and rectification is a task in the ledger.
    for c in Consequence.objects.all():
        assert Task.objects.get(pk=c.task_id).origin == f"assessment.consequence:{c.pk}"
    assert not FollowUp.objects.filter(task_id__isnull=True).exists()
    assert not DifficultVillage.objects.filter(task_id__isnull=True).exists()
    assert not Rectification.objects.filter(task_id__isnull=True).exists()
    assert set(Task.objects.values_list("source_kind", flat=True)) >= {"analysis", "rectification", "assessment"}
    # The demo acts as the system operator: its history rows name nobody and show 系统.
    assert History.objects.exists() and set(History.objects.values_list("actor_id", "actor_name")) == {(None, "")}
    case = delisted.first()
    assert History.objects.get(kind="rectification", object_id=case.pk, action="delisted").to_status == "delisted"
    page = client_for(demo.county).get(reverse("assessment:rectification", args=[case.pk])).content.decode()
    assert '<span class="who">系统</span>' in page[page.index("<h2>记录</h2>"):]

    before = _snapshot()
    tasks = Task.objects.count()
    assert demo_module_load() == {"rounds": 0, "listed": 0, "assessments": 0}
    assert _snapshot() == before and Task.objects.count() == tasks


class _Rollback(Exception):
    pass


def _load_and_roll_back(seed: int):
    """Load the demo with `seed`, take the snapshot, and undo everything."""
    try:
        with transaction.atomic():
            demo.load_demo(seed)
            snap = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    assert not Rating.objects.exists()
    return snap


def test_demo_is_deterministic(demo):
    first = _load_and_roll_back(2021)
    assert _load_and_roll_back(2021) == first
    assert _load_and_roll_back(7) != first


def demo_module_load():
    return demo.load_demo(2021)
