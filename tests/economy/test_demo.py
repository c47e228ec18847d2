"""The economy's demo rows on the small demo city with books: the rules of every county, Yuexi's
2020 cadre-reward decisions (completed through the decisions services) and approvals; idempotent;
the decisions demo first, as `sanwu demo` loads them, keeps its own cadre-reward decision."""

from sanwu.decisions import demo as decisions_demo
from sanwu.decisions.models import Matter
from sanwu.demo import generator
from sanwu.economy import demo, services
from sanwu.economy.models import CadreReward, EconomySettings
from sanwu.regions.models import Region

YUEXI = "340828000000"


def test_load_demo_is_idempotent(db):
    generator.load("small", 2021)
    first = demo.load_demo("small", 2021)
    assert first.counties == 10 and first.decisions >= 3 and first.approved >= 2
    assert EconomySettings.objects.count() == 10
    again = demo.load_demo("small", 2021)
    assert (again.decisions, again.approved) == (0, 0)
    made = Matter.objects.filter(purpose="cadre_reward", year=2020)
    assert made.count() == first.decisions
    # every one went through all six stages (the decisions app's own rule says "completed")
    assert all(m.status == "completed" and m.stage == "result_published" and m.records.count() == 6 for m in made)
    approved = CadreReward.objects.filter(status="approved")
    assert approved.count() == first.approved
    assert all(r.matter is not None and r.matter.village_id == r.village_id and r.matter.year == 2020 for r in approved)
    rows = services.award_rows(None, Region.objects.get(code=YUEXI), 2020)
    granted = [a for a in rows if a.status == "approved"]
    assert granted and all(a.cadre_granted == a.cadre > 0 and a.basis is not None for a in granted)
    waiting = [a for a in rows if a.status == "pending"]
    assert waiting and all(a.matter is not None for a in waiting)
    s = services.overview(None, Region.objects.get(code=YUEXI), 2020).summary
    assert s.top.measure == 829_900_000  # the brief's 829.9万元


def test_after_the_decisions_demo_its_decision_is_reused(db):
    generator.load("small", 2021)
    decisions_demo.load_demo(2021)
    own = {m.village_id: m for m in Matter.objects.filter(purpose="cadre_reward", year=2020, status="completed")}
    assert own  # the decisions demo's first village has a completed 2020 cadre-reward decision
    before = Matter.objects.count()
    out = demo.load_demo("small", 2021)
    assert Matter.objects.count() == before + out.decisions
    reused = CadreReward.objects.filter(village_id__in=list(own), year=2020)
    assert reused and all(r.matter == own[r.village_id] for r in reused)
    # each village has exactly one cadre-reward decision for 2020
    codes = list(Matter.objects.filter(purpose="cadre_reward", year=2020).values_list("village_id", flat=True))
    assert len(codes) == len(set(codes))
