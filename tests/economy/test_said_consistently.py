"""Classes and tiers said consistently (issue 12 item 8): the brief's words follow the rule's
boundary, a PV-only village above the strong line is counted the same way by the classes and the
tiers of one paragraph, and the "351" tiers keep their own measure when a county classes by
经营收益. Each of these failed before the change."""

import dataclasses

from sanwu.economy import rules as R
from sanwu.economy import services
from sanwu.economy.services import Amounts, VillageYear, brief, summarise

from .conftest import YUEXI


def village(code, oi, ret=None, pv=0, rules=R.DEFAULTS):
    ret = oi if ret is None else ret
    return VillageYear(code=code, name=f"村{code}", township_code="t", township_name="某镇", county_code="c", year=2020,
                       rules=rules, now=Amounts(oi, ret, oi, pv, 0))


def test_exactly_the_weak_line_is_general_and_the_words_say_below():
    at_line = village("1", 15 * R.WAN)
    below = village("2", 15 * R.WAN - 1)
    assert at_line.cls == "general" and below.cls == "weak"
    parts = brief.compose("某县", summarise([at_line, below], 2020), None, None)
    classes = next(p for p in parts if p.key == "classes").text
    # the rule is value < 15万: the sentence says 不足15万元, never 15万元以下 (which includes 15万)
    assert "经营性收入不足15万元的薄弱村1个" in classes
    assert "以下" not in classes


def test_a_pv_only_village_above_the_strong_line_is_counted_alike_in_classes_and_tiers():
    villages = [village("1", 60 * R.WAN), village("2", 70 * R.WAN, pv=70 * R.WAN), village("3", 20 * R.WAN)]
    s = summarise(villages, 2020)
    assert villages[1].cls == "pv_only"
    at_50 = next(t for t in s.tiers if t.threshold == 50 * R.WAN)
    assert at_50.count == 2  # the tiers count the PV-only village …
    assert s.classes["strong"] == 1  # … the classes do not
    parts = {p.key: p.text for p in brief.compose("某县", s, None, None, villages=villages)}
    # the strong sentence names the PV-only village above the line, so 1 + 1 = the tier's 2
    assert "经营性收入50万元以上的强村1个" in parts["strong"]
    assert "另有仅有光伏收入的村1个经营性收入在50万元以上，不计为强村" in parts["strong"]
    assert "（含仅有光伏收入的村1个）" in parts["tiers"]


def test_tiers_keep_operating_income_when_the_class_measure_is_operating_return():
    by_return = dataclasses.replace(R.DEFAULTS, measure="operating_return")
    v = village("1", 60 * R.WAN, ret=20 * R.WAN, rules=by_return)
    assert v.cls == "general"  # classed by its return, 20万
    assert v.tier is not None and v.tier.threshold == 50 * R.WAN  # tiered by its operating income, 60万
    assert v.volume_award == 2 * R.WAN
    s = summarise([v], 2020)
    assert [(t.threshold, t.count) for t in s.tiers] == [(30 * R.WAN, 1), (50 * R.WAN, 1), (100 * R.WAN, 0)]
    parts = {p.key: p.text for p in brief.compose("某县", s, None, None, villages=[v])}
    assert parts["tiers"].startswith("经营性收入30万元、50万元、100万元以上的村分别有1个、1个、0个")
    assert parts["strong"].startswith("尚无经营收益50万元以上的强村")
    # a county may still tier by its return, as data
    both = dataclasses.replace(by_return, tier_measure="operating_return")
    assert village("1", 60 * R.WAN, ret=20 * R.WAN, rules=both).tier is None


def test_the_tier_measure_is_a_county_setting_kept_apart(hand):
    s = services.settings_for(YUEXI)
    values = {f: getattr(s, f) for f in services.SETTING_FIELDS}
    values["measure"] = "operating_return"
    services.update_settings(hand.demo.county, YUEXI, values, [R.Tier(t.threshold, t.target, t.volume_award) for t in s.tiers.all()])
    rules = services.rules_for([YUEXI])[YUEXI]
    assert rules.measure == "operating_return" and rules.tier_measure == "operating_income"
    # a caller that does not name the tier measure leaves it as it is
    values.pop("tier_measure")
    services.update_settings(hand.demo.county, YUEXI, values, [R.Tier(t.threshold, t.target, t.volume_award) for t in s.tiers.all()])
    assert services.rules_for([YUEXI])[YUEXI].tier_measure == "operating_income"
