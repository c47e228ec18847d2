"""Who sees which scores: the county sees every township's scores, ranking and consequences; a
township only its own row, rank and consequences — through the page, the Excel export and the API;
village users, anonymous users and the read-only auditor as the rules say."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.assessment import services
from sanwu.assessment.models import Consequence, Score
from sanwu.core.models import AuditEvent

from .conftest import T1, T2, T3, T4, T5, YUEXI, api_client, scored_assessment
from .test_assessment_rules import YEAR_2020, YEAR_2021


@pytest.fixture
def applied(demo, five_towns):
    services.finalize(demo.county, scored_assessment(demo.county, 2020, YEAR_2020))
    a = scored_assessment(demo.county, 2021, YEAR_2021)
    services.apply_consequences(demo.county, a)
    return a


def _codes(xlsx: bytes) -> list[str]:
    ws = load_workbook(io.BytesIO(xlsx)).active
    return [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]


def test_county_sees_the_whole_ranking(demo, as_user, applied):
    c = as_user(demo.county)
    page = c.get(reverse("assessment:assessment", args=[applied.pk])).content.decode()
    for name in ("主簿镇", "五河镇", "甲岭镇", "乙河镇", "丙溪乡"):
        assert name in page
    assert "73.50" in page and "党建考核末位" in page and "组织业务考核连续2年末位" in page
    assert _codes(c.get(reverse("assessment:assessment", args=[applied.pk]) + "?format=xlsx").content) == [T1, T2, T3, T5, T4]
    ranking = api_client(demo.county).get(f"/api/v1/assessments/{applied.pk}/ranking").json()
    assert [(r["region"]["code"], r["rank"], r["total"]) for r in ranking] == [
        (T1, 1, "92.00"), (T2, 2, "84.55"), (T3, 3, "83.00"), (T5, 4, "76.25"), (T4, 5, "73.50"),
    ]
    assert ranking[0]["scores"] == {"party_building": "95.00", "org_work": "90.00", "recruitment": "90.00", "economy": "92.00"}
    assert len(api_client(demo.county).get(f"/api/v1/assessments/{applied.pk}/consequences").json()) == 5


def test_township_sees_only_its_own_row_rank_and_consequences(demo, as_user, applied):
    c = as_user(demo.other_township)  # 五河镇 (T2): second, and in the bottom three for recruitment
    page = c.get(reverse("assessment:assessment", args=[applied.pk])).content.decode()
    assert "五河镇" in page and "84.55" in page and "党员发展考核后3位" in page
    for other in ("主簿镇", "甲岭镇", "乙河镇", "丙溪乡", "92.00", "73.50", "党建考核末位"):
        assert other not in page
    assert _codes(c.get(reverse("assessment:assessment", args=[applied.pk]) + "?format=xlsx").content) == [T2]
    api = api_client(demo.other_township)
    ranking = api.get(f"/api/v1/assessments/{applied.pk}/ranking").json()
    assert [(r["region"]["code"], r["rank"], r["of"]) for r in ranking] == [(T2, 2, 5)]
    assert [c["region"]["code"] for c in api.get(f"/api/v1/assessments/{applied.pk}/consequences").json()] == [T2]
    assert [c["rule"] for c in api.get("/api/v1/assessment-consequences").json()] == ["recruitment_bottom_three"]
    listing = api.get("/api/v1/assessments").json()
    assert [(a["year"], a["whole"]) for a in listing] == [(2021, False), (2020, False)]
    cons = c.get(reverse("assessment:consequences")).content.decode()
    assert "五河镇" in cons and "主簿镇" not in cons
    ws = load_workbook(io.BytesIO(c.get(reverse("assessment:consequences") + "?format=xlsx").content)).active
    assert {r[1] for r in ws.iter_rows(min_row=2, values_only=True)} == {"五河镇"}


def test_township_cannot_reach_scores_or_change_the_settings_of_the_county(demo, as_user, applied):
    c = as_user(demo.township)
    assert c.get(reverse("assessment:scores", args=[applied.pk])).status_code == 403
    page = c.get(reverse("assessment:settings"))  # offered its own county, read-only
    assert page.status_code == 200 and "由县委组织部维护" in page.content.decode() and "settings_save" not in page.content.decode()
    assert c.post(reverse("assessment:settings_save", args=["policy"]), {"county": YUEXI}).status_code == 403
    api = api_client(demo.township)
    resp = api.put(f"/api/v1/assessments/{applied.pk}/scores", {"scores": [{"region": T1, "indicator": "economy", "value": "100"}]}, content_type="application/json")
    assert resp.status_code == 404
    assert api.post(f"/api/v1/assessments/{applied.pk}/consequences").status_code == 404
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.township, object_type="assessment.assessment").exists()


def test_village_users_and_anonymous(demo, as_user, applied):
    sec = as_user(demo.secretary)
    assert sec.get(reverse("assessment:assessment", args=[applied.pk])).status_code == 404  # a township assessment
    assert api_client(demo.secretary).get(f"/api/v1/assessments/{applied.pk}/ranking").status_code == 404
    acc = as_user(demo.accountant)
    assert acc.get(reverse("assessment:assessments")).status_code == 403
    assert acc.get(reverse("assessment:assessment", args=[applied.pk]) + "?format=xlsx").status_code == 403
    assert api_client(demo.accountant).get("/api/v1/assessments").json() == []
    anon = Client()
    assert anon.get(reverse("assessment:assessment", args=[applied.pk])).status_code == 302
    assert anon.get(f"/api/v1/assessments/{applied.pk}/ranking").status_code == 401


def test_a_village_assessment_shows_a_secretary_their_village(demo, as_user):
    a = services.create_assessment(demo.county, YUEXI, 2021, level="village")
    services.set_scores(demo.county, a, [
        services.ScoreEntry(u.region_id, i.key, "80") for u in a.units.all() for i in a.indicators.all()
    ])
    services.set_scores(demo.county, a, [services.ScoreEntry("340828100200", "economy", "99")])
    rows = api_client(demo.secretary).get(f"/api/v1/assessments/{a.pk}/ranking").json()
    assert [(r["region"]["code"], r["rank"], r["of"]) for r in rows] == [("340828100200", 1, 6)]
    page = as_user(demo.secretary).get(reverse("assessment:assessment", args=[a.pk])).content.decode()
    assert "大歇村" in page and "关河村" not in page


def test_auditor_reads_but_cannot_score_or_apply(demo, as_user, five_towns):
    a = scored_assessment(demo.county, 2021, YEAR_2021)
    c = as_user(demo.auditor)
    assert len(_codes(c.get(reverse("assessment:assessment", args=[a.pk]) + "?format=xlsx").content)) == 5
    assert c.get(reverse("assessment:scores", args=[a.pk])).status_code == 403
    assert c.post(reverse("assessment:apply", args=[a.pk])).status_code == 403
    assert c.post(reverse("assessment:finalize", args=[a.pk])).status_code == 403
    api = api_client(demo.auditor)
    assert api.post(f"/api/v1/assessments/{a.pk}/consequences").status_code == 403
    assert api.put(f"/api/v1/assessments/{a.pk}/scores", {"scores": [{"region": T1, "indicator": "economy", "value": "1"}]}, content_type="application/json").status_code == 403
    assert not Consequence.objects.exists()
    assert Score.objects.get(unit__region_id=T1, indicator__key="economy").value == 9200


def test_scores_and_consequences_through_the_pages(demo, as_user, five_towns):
    a = services.create_assessment(demo.county, YUEXI, 2021)
    c = as_user(demo.county)
    form = {f"s-{code}-{key}": value for code, row in YEAR_2021.items() for key, value in row.items()}
    form[f"s-{T1}-economy"] = "九十"
    resp = c.post(reverse("assessment:scores", args=[a.pk]), form)
    assert resp.status_code == 422 and "主簿镇「集体经济」分数「九十」不是数字" in resp.content.decode()  # the problem list (shows_problems)
    assert not Score.objects.exists()
    form[f"s-{T1}-economy"] = "92"
    assert c.post(reverse("assessment:scores", args=[a.pk]), form).status_code == 302
    assert Score.objects.count() == 20
    page = c.get(reverse("assessment:assessment", args=[a.pk])).content.decode()
    assert 'data-confirm="将按本县问责规则认定考核问责' in page
    assert c.post(reverse("assessment:apply", args=[a.pk])).status_code == 302
    # 2020 does not exist: the two-year rule cannot be judged; the other rules apply.
    assert Consequence.objects.filter(assessment=a).count() == 4
    c.post(reverse("assessment:apply", args=[a.pk]))
    assert Consequence.objects.filter(assessment=a).count() == 4
    resp = c.post(reverse("assessment:scores", args=[a.pk]), {f"s-{T1}-economy": "10"})
    assert "考核已定稿" in resp.content.decode()
