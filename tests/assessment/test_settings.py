"""The county's rules are data, edited on the settings page by the county organisation
department only; other counties keep the seed's defaults."""

import pytest
from django.urls import reverse

from sanwu.assessment import services
from sanwu.assessment.models import ConsequenceRule, CountySettings, IndicatorDefault, TypicalSituation
from sanwu.core.errors import Invalid, Refused

from .conftest import YUEXI

TAIHU = "340825000000"


def test_settings_page_shows_the_seeds_rules(demo, as_user):
    page = as_user(demo.county).get(reverse("assessment:settings")).content.decode()
    for text in ("党建考核末位", "提醒谈话，不列入当年度推荐提拔或重用对象", "连续2年末位", "后3位", "约谈", "基层党建", "5,000.00 元", "50.00–80.00 万元", "未完成村“两委”换届"):
        assert text in page, text


def test_county_edits_rules_weights_funds_and_situations_on_the_page(demo, as_user):
    c = as_user(demo.county)
    c.get(reverse("assessment:settings"))
    resp = c.post(reverse("assessment:settings_save", args=["rule"]), {
        "county": YUEXI, "key": "recruitment_bottom_three", "r-recruitment_bottom_three-name": "党员发展考核后2位",
        "r-recruitment_bottom_three-level": "township", "r-recruitment_bottom_three-indicator_key": "recruitment",
        "r-recruitment_bottom_three-bottom_n": "2", "r-recruitment_bottom_three-years": "1",
        "r-recruitment_bottom_three-target": "乡镇党委副书记、组织委员", "r-recruitment_bottom_three-action": "约谈",
        "r-recruitment_bottom_three-deadline_days": "20", "r-recruitment_bottom_three-active": "on",
    })
    assert resp.status_code == 302
    rule = ConsequenceRule.objects.get(county_id=YUEXI, key="recruitment_bottom_three")
    assert (rule.bottom_n, rule.name, rule.deadline_days) == (2, "党员发展考核后2位", 20)
    resp = c.post(reverse("assessment:settings_save", args=["indicators"]), {
        "county": YUEXI, "key": ["party_building", "org_work", "recruitment", "economy", ""], "name": ["基层党建", "组织业务", "党员发展", "集体经济", ""],
        "weight": ["40", "20", "20", "20", ""],
    })
    assert resp.status_code == 302
    assert dict(IndicatorDefault.objects.filter(county_id=YUEXI).values_list("key", "weight"))["party_building"] == 40
    resp = c.post(reverse("assessment:settings_save", args=["indicators"]), {"county": YUEXI, "key": ["a"], "name": ["甲"], "weight": ["90"]}, follow=True)
    assert "各项指标权重合计应为100，现为90" in resp.content.decode()
    resp = c.post(reverse("assessment:settings_save", args=["policy"]), {
        "county": YUEXI, "party_funds_fen": "6000", "project_funds_min_fen": "300000", "project_funds_max_fen": "800000", "criteria": "班子结构\n书记履职",
    })
    row = CountySettings.objects.get(county_id=YUEXI)
    assert (row.party_funds_fen, row.project_funds_min_fen, row.analysis_criteria) == (600000, 30000000, ["班子结构", "书记履职"])
    c.post(reverse("assessment:settings_save", args=["situation"]), {"county": YUEXI, "title": "村党组织书记年龄偏大", "active": "on"})
    assert TypicalSituation.objects.get(county_id=YUEXI, number=14).is_local
    # Another county is untouched.
    services.ensure_county_settings(TAIHU)
    assert ConsequenceRule.objects.get(county_id=TAIHU, key="recruitment_bottom_three").bottom_n == 3
    assert CountySettings.objects.get(county_id=TAIHU).party_funds_fen == 500000


@pytest.mark.parametrize("who", ["township", "auditor", "secretary", "accountant"])
def test_others_cannot_change_the_rules(demo, as_user, who):
    user = getattr(demo, who)
    resp = as_user(user).post(reverse("assessment:settings_save", args=["policy"]), {
        "county": YUEXI, "party_funds_fen": "1", "project_funds_min_fen": "1", "project_funds_max_fen": "1", "criteria": "x",
    })
    assert resp.status_code == 403
    with pytest.raises(Refused):
        services.save_policy(user, YUEXI, party_funds_fen=1, project_funds_min_fen=1, project_funds_max_fen=1, criteria=["x"])
    assert not CountySettings.objects.filter(party_funds_fen=100).exists()


@pytest.mark.parametrize("who", ["auditor", "township", "secretary"])
def test_the_county_and_its_townships_and_villages_read_their_own_countys_rules(demo, as_user, who):
    """Every county picker offers `permissions.counties_for`: a township or village user its own
    county — read-only; changing it stays the organisation department's."""
    c = as_user(getattr(demo, who))
    for url in (reverse("assessment:settings"), reverse("assessment:settings") + "?county=340825000000"):  # never Taihu
        body = c.get(url).content.decode()
        assert "本县规则 <small>岳西县</small>" in body and "党员发展考核后3位" in body
        assert "由县委组织部维护" in body and 'name="county" data-autosubmit' not in body  # one county: no picker
        assert "保存规则" not in body
    assert as_user(demo.accountant).get(reverse("assessment:settings")).status_code == 403  # no party work


def test_the_city_is_offered_every_county(demo, as_user):
    body = as_user(demo.city).get(reverse("assessment:settings") + "?county=340825000000").content.decode()
    assert "本县规则 <small>太湖县</small>" in body
    picker = body[body.index('id="county-pick"'):body.index("</select>", body.index('id="county-pick"'))]
    assert picker.count("<option value=") == 10 and '<option value="340828000000">岳西县</option>' in picker


def test_policy_is_checked(demo):
    with pytest.raises(Invalid) as exc:
        services.save_policy(demo.county, YUEXI, party_funds_fen=-1, project_funds_min_fen=5, project_funds_max_fen=1, criteria=[])
    assert {p.field for p in exc.value.problems} == {"party_funds", "criteria"}
    with pytest.raises(Invalid) as exc:
        services.save_policy(demo.county, YUEXI, party_funds_fen=1, project_funds_min_fen=5, project_funds_max_fen=1, criteria=["a", "a"])
    assert {p.field for p in exc.value.problems} == {"project_funds_min", "criteria"}
