"""A warning's life: open → explained (by the village) → accepted (by the township), or
escalated to the county (which then accepts). Each step in a transaction with a row lock, a
history row and an audit event; everyone else is refused and the refusal audited."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.oversight import services
from sanwu.oversight.models import Warning, WarningEvent
from sanwu.oversight.rules import Finding

from .conftest import post_journal

CASH_OVER = """
2025-03-05 支付村部维修材料款
  513   1500.00  -        cash  县建材店
  101   -        1500.00  cash  县建材店
"""


@pytest.fixture
def warning(demo, book) -> Warning:
    post_journal(demo.accountant, book, CASH_OVER)
    return Warning.objects.get(rule="cash_over_limit")


def test_the_accountant_explains_and_the_township_accepts(demo, warning):
    w = services.explain(demo.accountant, warning, "  临时用工工资，务工人员没有银行卡。 ")
    assert (w.status, w.explanation, w.explained_by) == ("explained", "临时用工工资，务工人员没有银行卡。", demo.accountant)
    w = services.accept(demo.township, w, "已核对签领单")
    w.refresh_from_db()
    assert (w.status, w.handled_by, w.handling_note) == ("accepted", demo.township, "已核对签领单")
    history = list(w.events.values_list("from_status", "to_status", "actor__username"))
    assert history == [("open", "explained", "accountant_1"), ("explained", "accepted", "township_1")]
    # written by the one event shape: its action, the actor's name kept beside the actor
    assert [(e.action, e.action_label, e.actor_name, e.actor_label) for e in w.events.all()] == [
        ("explain", "说明", "accountant_1", "accountant_1"), ("accept", "认可", "township_1", "township_1"),
    ]
    actions = list(AuditEvent.objects.filter(object_type="oversight.warning").order_by("id").values_list("action", "actor_name", "region_code"))
    assert actions == [
        ("oversight.warning.explain", "accountant_1", "340828100200"),
        ("oversight.warning.accept", "township_1", "340828100200"),
    ]


def test_the_secretary_may_explain_too(demo, warning):
    assert services.explain(demo.secretary, warning, "已补充签领单").status == "explained"


def test_the_township_escalates_and_the_county_accepts(demo, warning):
    with pytest.raises(Invalid) as exc:
        services.escalate(demo.township, warning, "   ")
    assert exc.value.messages == ["「备注」：请填写上报原因"]
    w = services.escalate(demo.township, warning, "村里逾期未说明")
    assert w.status == "escalated"
    with pytest.raises(Refused):
        services.accept(demo.township, w, "")  # escalated: the county's to settle
    w = services.accept(demo.county, w, "县里已核实")
    assert w.status == "accepted"
    assert [e.to_status for e in w.events.all()] == ["escalated", "accepted"]


def test_an_explained_warning_may_still_be_escalated(demo, warning):
    w = services.explain(demo.accountant, warning, "说明")
    w = services.escalate(demo.township, w, "说明不充分")
    assert w.status == "escalated"


def test_wrong_states_are_refused_in_chinese(demo, warning):
    with pytest.raises(Invalid) as exc:
        services.accept(demo.township, warning, "")
    assert exc.value.messages == ["预警状态为「待说明」，不能认可"]
    w = services.explain(demo.accountant, warning, "说明")
    with pytest.raises(Invalid) as exc:
        services.explain(demo.accountant, w, "再说明")
    assert exc.value.messages == ["预警状态为「已说明」，不能说明"]
    with pytest.raises(Invalid):
        services.explain(demo.accountant, Warning.objects.get(rule="no_attachment"), "")


def test_only_the_right_people_may_act_and_refusals_are_audited(demo, warning):
    outsiders = [demo.other_accountant, demo.other_township, demo.auditor, demo.township, demo.county]
    for user in outsiders:
        with pytest.raises(Refused):
            services.explain(user, warning, "我来说明")
    for user in [demo.accountant, demo.secretary, demo.other_township, demo.auditor]:
        with pytest.raises(Refused):
            services.escalate(user, warning, "上报")
    w = services.explain(demo.accountant, warning, "说明")
    for user in [demo.accountant, demo.other_township, demo.auditor, demo.other_accountant]:
        with pytest.raises(Refused):
            services.accept(user, w, "")
    refusals = AuditEvent.objects.filter(action="permission_denied", object_type__startswith="oversight.warning").count()
    assert refusals == len(outsiders) + 4 + 4
    assert Warning.objects.get(pk=w.pk).status == "explained"
    assert WarningEvent.objects.count() == 1


def test_allowed_actions_follow_role_state_and_scope(demo, warning):
    assert services.allowed_actions(demo.accountant, warning) == {"explain": True, "accept": False, "escalate": False}
    assert services.allowed_actions(demo.township, warning) == {"explain": False, "accept": False, "escalate": True}
    assert services.allowed_actions(demo.other_township, warning) == {"explain": False, "accept": False, "escalate": False}
    assert services.allowed_actions(demo.auditor, warning) == {"explain": False, "accept": False, "escalate": False}
    w = services.explain(demo.accountant, warning, "说明")
    assert services.allowed_actions(demo.township, w) == {"explain": False, "accept": True, "escalate": True}
    w = services.escalate(demo.township, w, "上报")
    assert services.allowed_actions(demo.county, w) == {"explain": False, "accept": True, "escalate": False}
    assert services.allowed_actions(demo.township, w) == {"explain": False, "accept": False, "escalate": False}


def test_a_township_warning_is_explained_by_the_township_and_accepted_by_the_county(demo):
    services.store([Finding("question_overdue", "question:999", "340828100200", "群众提问逾期未答复")])
    w = Warning.objects.get(rule="question_overdue")
    with pytest.raises(Refused):
        services.explain(demo.accountant, w, "说明")
    w = services.explain(demo.township, w, "已电话答复")
    with pytest.raises(Refused):
        services.accept(demo.township, w, "")
    with pytest.raises(Refused):
        services.escalate(demo.township, w, "上报")
    assert services.accept(demo.county, w, "").status == "accepted"


def test_overdue_means_open_past_the_countys_response_days(demo, warning):
    assert not services.is_overdue(warning)
    Warning.objects.filter(pk=warning.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    warning.refresh_from_db()
    assert services.is_overdue(warning)
    assert Warning.objects.filter(services.overdue_q()).count() == 1
    services.update_params(demo.county, "340828000000", response_days=10)
    assert not services.is_overdue(warning)
    assert Warning.objects.filter(services.overdue_q()).count() == 0


def test_county_parameters_are_set_by_the_county_only_and_audited(demo):
    for user in [demo.township, demo.accountant, demo.auditor, demo.city]:
        with pytest.raises(Refused):
            services.update_params(user, "340828000000", cash_limit=50000)
    with pytest.raises(Invalid) as exc:
        services.update_params(demo.county, "340828000000", cash_limit=0, close_day=40)
    assert exc.value.messages == ["现金支付限额应大于零", "结账截止日应在每月1日到28日之间"]
    services.update_params(demo.county, "340828000000", cash_limit=50000)
    e = AuditEvent.objects.get(action="oversight.settings.update")
    assert (e.actor_name, e.region_code, e.old["cash_limit"], e.new["cash_limit"]) == ("county_yuexi", "340828000000", 100000, 50000)
    with pytest.raises(Refused):
        services.update_params(demo.county, "340825000000", cash_limit=50000)  # another county (Taihu)


def test_the_migration_to_the_event_shape_gives_the_rows_before_it_their_action(demo, warning):
    """Rows written before `WarningEvent` had an `action` get it from the status they moved to;
    their time, actor, name and note stay as they were."""
    migration = importlib.import_module("sanwu.oversight.migrations.0002_warningevent_as_core_event")
    at = timezone.now() - dt.timedelta(days=30)
    old = [
        WarningEvent.objects.create(warning=warning, at=at, actor=demo.accountant, actor_name="accountant_1", action="",
                                    from_status="open", to_status="explained", note="旧说明"),
        WarningEvent.objects.create(warning=warning, at=at, actor=None, actor_name="", action="",
                                    from_status="explained", to_status="accepted", note="旧认可"),
        WarningEvent.objects.create(warning=warning, at=at, action="", from_status="open", to_status="escalated"),
    ]
    migration.fill_actions(django_apps, None)
    rows = list(WarningEvent.objects.filter(pk__in=[e.pk for e in old]).order_by("id").values_list("action", "actor_name", "note", "at"))
    assert rows == [("explain", "accountant_1", "旧说明", at), ("accept", "", "旧认可", at), ("escalate", "", "", at)]
    assert [e.actor_label for e in WarningEvent.objects.filter(pk__in=[e.pk for e in old]).order_by("id")][1:] == ["系统", "系统"]
