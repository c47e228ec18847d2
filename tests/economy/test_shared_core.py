"""The economy on the shared core pieces: the region gate raises `NotFound` (not `Http404`), a
refused cadre-reward decision answers the 403 page without a catch block in the view, and a
county picker offers `permissions.counties_for`."""

import pytest
from django.http import Http404
from django.urls import reverse

from sanwu.core.errors import NotFound
from sanwu.core.models import AuditEvent
from sanwu.economy import services

from .conftest import V1, YUEXI


def test_region_for_raises_not_found_for_an_outsider(hand):
    demo = hand.demo
    with pytest.raises(NotFound) as exc:
        services.region_for(demo.other_accountant, V1)
    assert not isinstance(exc.value, Http404)
    assert services.region_for(demo.accountant, V1).code == V1
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.other_accountant, object_id=V1).exists()


def test_refused_reward_decision_is_the_403_page(hand, as_user):
    demo = hand.demo
    url = reverse("economy:award_action", kwargs={"village": V1, "year": 2025, "action": "approve"})
    resp = as_user(demo.county).post(url, {"reason": "县里想核准"})  # the county revokes, never approves
    assert resp.status_code == 403
    assert AuditEvent.objects.filter(action="permission_denied", object_type="economy.核准村干部奖励", actor=demo.county).exists()


def test_rules_picker_offers_the_users_counties(hand, as_user):
    resp = as_user(hand.demo.county).get(reverse("economy:settings"))
    assert resp.status_code == 200
    assert [c.code for c in resp.context["counties"]] == [YUEXI]
