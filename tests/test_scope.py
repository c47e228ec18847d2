"""The one scope gate: a township supervisor sees exactly the villages of their township, through
the page, the export and the API; everything else answers 404 and is audited."""

import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from sanwu.core.models import AuditEvent
from sanwu.core.scope import prefixes_of
from sanwu.regions.models import Person, Region
from sanwu.regions.services import issue_token


def _xlsx_codes(content: bytes) -> set[str]:
    ws = load_workbook(io.BytesIO(content)).active
    return {str(r[0]) for r in ws.iter_rows(min_row=2, values_only=True)}


def test_township_sees_exactly_its_villages(demo, as_user):
    town = demo.township.role_assignments.get().region
    expected = set(Region.objects.filter(parent=town).values_list("code", flat=True))
    assert len(expected) == 3
    visible = set(Region.objects.visible_to(demo.township).filter(level="village").values_list("code", flat=True))
    assert visible == expected

    c = as_user(demo.township)
    page = c.get(f"/regions/{town.code}/").content.decode()
    for code in expected:
        assert code in page
    assert _xlsx_codes(c.get(f"/regions/{town.code}/?format=xlsx").content) == expected

    token = issue_token(demo.township)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    data = api.get("/api/v1/regions?level=village").json()
    assert {r["code"] for r in data} == expected


def test_other_township_answers_404_everywhere_and_is_audited(demo, as_user):
    other = demo.other_township.role_assignments.get().region
    c = as_user(demo.township)
    assert c.get(f"/regions/{other.code}/").status_code == 404
    assert c.get(f"/regions/{other.code}/?format=xlsx").status_code == 404
    token = issue_token(demo.township)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    resp = api.get(f"/api/v1/regions/{other.code}")
    assert resp.status_code == 404
    assert resp.json() == {"detail": "未找到，或不在您的管辖范围内"}
    assert api.get(f"/api/v1/regions?within={other.code}").json() == []
    refusals = AuditEvent.objects.filter(action="permission_denied", object_id=other.code)
    assert refusals.count() == 3 and {e.actor_id for e in refusals} == {demo.township.pk}
    assert set(refusals.values_list("channel", flat=True)) == {"web", "api"}


def test_village_accountant_sees_only_own_village(demo):
    own = demo.accountant.role_assignments.get().region
    visible = set(Region.objects.visible_to(demo.accountant).values_list("code", flat=True))
    assert own.code in visible
    assert all(code.startswith(own.code) for code in visible)
    assert not Person.objects.visible_to(demo.accountant).exclude(region__code__startswith=own.code).exists()
    assert Person.objects.visible_to(demo.accountant).exists()


def test_county_sees_its_county_and_not_another(demo):
    codes = set(Region.objects.visible_to(demo.county).values_list("code", flat=True))
    assert all(c.startswith("340828") for c in codes)
    assert Region.objects.filter(code__startswith="340825").exists()


def test_city_admin_sees_the_city(demo):
    assert Region.objects.visible_to(demo.city).count() == Region.objects.filter(code__startswith="3408").count()


def test_gate_fails_closed(demo):
    from django.contrib.auth.models import AnonymousUser, User

    nobody = User.objects.create_user("nobody", password="x-y-z-123456")
    assert Region.objects.visible_to(AnonymousUser()).count() == 0
    assert Region.objects.visible_to(nobody).count() == 0
    assert Region.objects.visible_to(None).count() == 0
    # A model without a scope rule shows nothing, even to the city.
    assert User.objects.none().count() == 0
    from sanwu.core.scope import ScopedQuerySet

    class Unscoped(ScopedQuerySet):
        pass

    qs = Unscoped(model=User)
    assert qs.visible_to(demo.city).count() == 0


def test_inactive_user_sees_nothing(demo):
    demo.township.is_active = False
    demo.township.save()
    demo.township._sanwu_grants = None
    assert prefixes_of(demo.township) == []


def test_anonymous_is_sent_to_login_and_api_needs_a_token(demo):
    c = Client()
    resp = c.get("/regions/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    assert c.get("/api/v1/regions").status_code == 401
    bad = Client(headers={"Authorization": "Bearer sw_nope"})
    assert bad.get("/api/v1/me").status_code == 401


def test_api_me_and_real_chinese(demo):
    token = issue_token(demo.township)
    resp = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "乡镇监管" in body and "\\u" not in body
    assert json.loads(body)["roles"][0]["region"] == demo.township.role_assignments.get().region_id


def test_region_picker_only_in_scope(demo, as_user):
    c = as_user(demo.township)
    other = demo.other_township.role_assignments.get().region
    c.post("/scope/", {"region": other.code})
    assert c.session.get("region") != other.code
    own_village = Region.objects.filter(parent=demo.township.role_assignments.get().region).first()
    c.post("/scope/", {"region": own_village.code})
    assert c.session["region"] == own_village.code
    page = c.get("/overview/").content.decode()
    assert own_village.name in page


@pytest.mark.parametrize("who", ["city", "county", "township", "accountant", "secretary", "auditor"])
def test_home_page_counts_are_real(demo, as_user, who):
    user = getattr(demo, who)
    resp = as_user(user).get("/overview/")  # the region's counts (the home page is the workbench)
    assert resp.status_code == 200
    grant = user.role_assignments.get()
    from sanwu.core.codes import region_prefix

    groups = Region.objects.filter(level="group", code__startswith=region_prefix(grant.region_id)).count()
    assert f'data-count="group">{groups}<' in resp.content.decode()


def test_navigation_follows_roles(demo, as_user):
    assert "审计记录" in as_user(demo.county).get("/").content.decode()
    assert "审计记录" not in as_user(demo.accountant).get("/").content.decode()
    assert as_user(demo.accountant).get("/audit/").status_code == 403
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.accountant).exists()


def test_openapi_document_has_real_chinese(db):
    body = Client().get("/api/v1/openapi.json").content.decode()
    assert "管辖范围内的区划" in body and "\\u" not in body


def test_malformed_request_is_answered_in_chinese(demo):
    token = issue_token(demo.township)
    resp = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/regions?limit=abc")
    assert resp.status_code == 422
    assert resp.json()["detail"] == ["字段「limit」：应为整数"]
