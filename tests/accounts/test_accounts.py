"""People manage their own access in the web: own password; an administrator in scope resets,
disables and re-enables, grants and withdraws roles — never above their own, never outside their
regions — each change audited; outsiders get 404 or 403."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sanwu.accounts import services
from sanwu.core.errors import Invalid, NotFound, Refused
from sanwu.core.models import AuditEvent
from sanwu.regions.models import RoleAssignment
from tests.conftest import response_bytes

pytestmark = pytest.mark.django_db

VILLAGE = "340828100200"
TOWNSHIP = "340828100000"
OTHER_TOWNSHIP = "340828101000"
COUNTY = "340828000000"


def test_change_own_password(demo, as_user, settings):
    c = as_user(demo.accountant)
    bad = c.post("/accounts/password/", {"old": "nope", "new": "Xy7-long-enough", "again": "Xy7-long-enough"})
    assert bad.status_code == 422 and "原密码不正确" in bad.content.decode()
    ok = c.post("/accounts/password/", {"old": settings.SANWU_DEMO_PASSWORD, "new": "Xy7-long-enough", "again": "Xy7-long-enough"})
    assert ok.status_code == 302
    assert c.get("/").status_code == 200  # still logged in (session kept)
    demo.accountant.refresh_from_db()
    assert demo.accountant.check_password("Xy7-long-enough")
    assert AuditEvent.objects.filter(action="user.password_change", object_id=str(demo.accountant.pk)).exists()


def test_township_resets_disables_and_reenables_its_accountant(demo, as_user):
    c = as_user(demo.township)
    resp = c.post(f"/users/{demo.accountant.pk}/reset/")
    assert resp.status_code == 302
    temporary = [m.message for m in resp.wsgi_request._messages][0].split("临时密码：")[1].split("（")[0]
    demo.accountant.refresh_from_db()
    assert demo.accountant.check_password(temporary)
    assert c.post(f"/users/{demo.accountant.pk}/active/", {"active": "0", "reason": "调离"}).status_code == 302
    demo.accountant.refresh_from_db()
    assert not demo.accountant.is_active
    login = Client().post("/accounts/login/", {"username": "accountant_1", "password": temporary})
    assert login.status_code == 200  # refused: disabled
    assert c.post(f"/users/{demo.accountant.pk}/active/", {"active": "1"}).status_code == 302
    demo.accountant.refresh_from_db()
    assert demo.accountant.is_active
    actions = set(AuditEvent.objects.filter(object_id=str(demo.accountant.pk)).values_list("action", flat=True))
    assert {"user.password_reset", "user.disable", "user.enable"} <= actions


def test_disabling_needs_a_reason(demo):
    with pytest.raises(Invalid):
        services.set_active(demo.township, demo.accountant, False, "")


def test_outsider_township_cannot_see_or_touch_the_accountant(demo, as_user):
    c = as_user(demo.other_township)
    assert c.get(f"/users/{demo.accountant.pk}/").status_code == 404
    assert c.post(f"/users/{demo.accountant.pk}/reset/").status_code == 404
    assert c.post(f"/users/{demo.accountant.pk}/active/", {"active": "0", "reason": "x"}).status_code == 404
    demo.accountant.refresh_from_db()
    assert demo.accountant.is_active
    assert "accountant_1" not in c.get("/users/").content.decode()
    with pytest.raises(NotFound):
        services.user_in_scope(demo.other_township, demo.accountant.pk)


def test_a_village_user_has_no_user_pages(demo, as_user):
    c = as_user(demo.accountant)
    assert c.get("/users/").status_code == 403
    assert c.post(f"/users/{demo.secretary.pk}/reset/").status_code == 403


def test_grant_within_scope_and_never_above_own(demo, as_user):
    c = as_user(demo.township)
    resp = c.post("/users/new/", {"username": "new_accountant", "full_name": "新会计", "role": "village_accountant", "region": VILLAGE})
    assert resp.status_code == 302
    new = get_user_model().objects.get(username="new_accountant")
    assert RoleAssignment.objects.filter(user=new, role="village_accountant", region_id=VILLAGE).exists()
    # Above own: a county role.
    resp = c.post(f"/users/{new.pk}/", {"role": "county_supervisor", "region": COUNTY})
    assert resp.status_code == 422
    assert not RoleAssignment.objects.filter(user=new, role="county_supervisor").exists()
    # Outside own regions: another township's village.
    with pytest.raises(Invalid) as exc:
        services.grant_role(demo.township, new, "village_secretary", "340828101200")
    assert "不在您的管辖范围内" in exc.value.messages[0]
    # Within: the secretary role of the same village.
    assert c.post(f"/users/{new.pk}/", {"role": "village_secretary", "region": VILLAGE}).status_code == 302
    assert AuditEvent.objects.filter(action="role.grant", object_id=str(new.pk)).count() == 2


def test_withdraw_role_and_the_county_user_is_out_of_a_township_reach(demo, as_user):
    c = as_user(demo.township)
    a = RoleAssignment.objects.get(user=demo.secretary)
    assert c.post(f"/users/{demo.secretary.pk}/roles/{a.pk}/withdraw/").status_code == 302
    assert not RoleAssignment.objects.filter(pk=a.pk).exists()
    assert AuditEvent.objects.filter(action="role.withdraw", object_id=str(demo.secretary.pk)).exists()
    # The county supervisor is not in the township's scope at all.
    assert c.get(f"/users/{demo.county.pk}/").status_code == 404
    with pytest.raises(Refused):
        services.reset_password(demo.township, demo.county)


def test_no_one_grants_themselves(demo):
    with pytest.raises(Refused):
        services.grant_role(demo.township, demo.township, "village_accountant", VILLAGE)


def test_county_sees_and_exports_its_users(demo, as_user):
    c = as_user(demo.county)
    page = c.get("/users/").content.decode()
    assert "accountant_1" in page and "township_2" in page and "city_admin" not in page
    export = response_bytes(c.get("/users/?format=csv")).decode()
    assert export.splitlines()[0] == "username,name,roles,active,last_login"
