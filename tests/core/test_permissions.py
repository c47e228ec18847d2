"""The one permission module: may / require / visible / get_visible, the county pickers' list,
region codes cut in one place, and how refusals and validation failures reach a page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from sanwu.core import permissions
from sanwu.core.codes import city_of, county_of, township_of
from sanwu.core.errors import Invalid, NotFound, Problem, Refused
from sanwu.core.middleware import NotFoundMiddleware
from sanwu.core.models import AuditEvent
from sanwu.core.web import checked, shows_problems
from sanwu.regions.models import Region

pytestmark = pytest.mark.django_db

VILLAGE = "340828100200"  # 大歇村 (accountant_1, secretary_1)
OTHER_VILLAGE = "340828101200"  # 关河村 (accountant_2)


def test_codes_are_cut_in_one_place():
    assert county_of("340828100200") == "340828000000"
    assert county_of("340828100200001") == "340828000000"
    assert township_of("340828100200") == "340828100000"
    assert township_of("340828000000") is None
    assert county_of("340800000000") is None
    assert city_of("340828100200") == "340800000000"


def test_may_operator_owner_outsider_and_read_only(demo):
    roles = {"village_accountant"}
    assert permissions.may(None, roles, VILLAGE)
    assert permissions.may(demo.accountant, roles, VILLAGE)
    assert not permissions.may(demo.other_accountant, roles, VILLAGE)
    # The auditor sees the county but never acts, whatever role set is asked for.
    assert not permissions.may(demo.auditor, {"auditor"}, VILLAGE)


def test_require_refuses_as_permission_denied_and_audits(demo):
    before = AuditEvent.objects.filter(action="permission_denied").count()
    with pytest.raises(Refused) as exc:
        permissions.require(demo.other_accountant, {"village_accountant"}, VILLAGE, "记账", object_type="ledger.post", object_id="B1")
    assert isinstance(exc.value, PermissionDenied)
    assert str(exc.value) == "无权记账"
    row = AuditEvent.objects.filter(action="permission_denied").latest("id")
    assert AuditEvent.objects.filter(action="permission_denied").count() == before + 1
    assert (row.object_type, row.object_id, row.region_code) == ("ledger.post", "B1", VILLAGE)
    permissions.require(demo.accountant, {"village_accountant"}, VILLAGE, "记账")  # the owner passes


def test_get_visible_not_found_outside_scope_is_audited(demo):
    assert permissions.get_visible(Region, demo.accountant, code=VILLAGE).code == VILLAGE
    with pytest.raises(NotFound):
        permissions.get_visible(Region, demo.accountant, code=OTHER_VILLAGE)
    assert AuditEvent.objects.filter(action="permission_denied", object_id=OTHER_VILLAGE).exists()
    with pytest.raises(NotFound):  # does not exist at all: nothing to audit
        permissions.get_visible(Region, demo.accountant, code="340828199199")
    assert permissions.visible(Region, None).count() == Region.objects.count()


def test_counties_for_every_level(demo):
    yuexi = "340828000000"
    assert permissions.counties_for(demo.township) == [yuexi]  # a township is offered its county
    assert permissions.counties_for(demo.accountant) == [yuexi]
    assert permissions.counties_for(demo.county) == [yuexi]
    city = permissions.counties_for(demo.city)
    assert yuexi in city and city == sorted(Region.objects.filter(level="county", code__startswith="3408").values_list("code", flat=True))
    assert permissions.counties_for(None) == sorted(Region.objects.filter(level="county").values_list("code", flat=True))


def test_holds(demo):
    assert permissions.holds(demo.township, {"township_supervisor", "county_supervisor"})
    assert not permissions.holds(demo.accountant, {"township_supervisor"})


# --- pages -----------------------------------------------------------------------------------


def _page(request, problems=()):
    if request.method == "POST" and not problems:
        if request.POST.get("amount") != "1":
            raise Invalid(Problem("金额应为 1", field="amount"))
        return HttpResponse("done")
    return HttpResponse("problems:" + "|".join(problems))


def test_shows_problems_renders_the_page_again_with_422():
    view = shows_problems(_page)
    rf = RequestFactory()
    ok = view(rf.post("/", {"amount": "1"}))
    assert (ok.status_code, ok.content) == (200, b"done")
    bad = view(rf.post("/", {"amount": "2"}))
    assert bad.status_code == 422
    assert "金额应为 1" in bad.content.decode()
    assert view(rf.get("/")).status_code == 200


def test_checked_names_fields_by_label():
    from django import forms

    class F(forms.Form):
        amount = forms.IntegerField(label="金额")

    assert checked(F({"amount": "3"})) == {"amount": 3}
    with pytest.raises(Invalid) as exc:
        checked(F({"amount": "x"}))
    assert exc.value.messages[0].startswith("金额：")


def test_not_found_from_a_service_answers_404():
    mw = NotFoundMiddleware(lambda r: HttpResponse("x"))
    response = mw.process_exception(RequestFactory().get("/x/"), NotFound())
    assert response.status_code == 404
    assert mw.process_exception(RequestFactory().get("/x/"), ValueError()) is None
