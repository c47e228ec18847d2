"""Extending a task's deadline (延期) and reassigning its owners (调整责任单位): only the assigning
body or the county above it, with a reason, never on a closed task; each a history row (who, when,
old → new) and an audit row; the overdue lists follow the new deadline. The owner township may
not extend its own deadline; another township neither sees nor touches the task — by page, API
and command."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.partywork import services
from sanwu.partywork.models import TaskEvent, TaskOwner

from .conftest import TOWN_1, TOWN_2, VILLAGE_1, api_for, assign


def today() -> dt.date:
    return services.today()


def owners(task) -> set:
    return set(TaskOwner.objects.filter(task=task).values_list("org_id", "user_id"))


@pytest.fixture
def grid(orgs):
    return services.create_org(None, name="大歇村第一网格党支部", kind="grid_branch", region_code=VILLAGE_1, parent_id=orgs.village_1.pk,
                               start_date=dt.date(2019, 3, 1))


def overdue_task(user, **kw):
    """A task past its deadline, still with its owners (assigned a month ago)."""
    return assign(user, deadline=today() - dt.timedelta(days=3), assigned_on=today() - dt.timedelta(days=30), **kw)


def test_the_county_extends_a_late_task_and_the_overdue_lists_follow(demo, orgs):
    task = overdue_task(demo.county, owner_org_ids=[orgs.town_1.pk])
    assert task.is_overdue(today()) and services.tasks_for(demo.county, "overdue").filter(pk=task.pk).exists()
    new = today() + dt.timedelta(days=20)
    old = task.deadline
    task = services.extend_deadline(demo.county, task, new, "受汛期影响，现场工作推迟")
    assert task.deadline == new and task.status == "assigned" and not task.is_overdue(today())
    assert not services.tasks_for(demo.county, "overdue").filter(pk=task.pk).exists()
    assert not services.tasks_for(demo.township, "overdue").filter(pk=task.pk).exists()
    event = TaskEvent.objects.get(task=task, action="extend")
    assert (event.actor, event.actor_name, event.old_value, event.new_value, event.note) == (
        demo.county, demo.county.username, old.isoformat(), new.isoformat(), "受汛期影响，现场工作推迟")
    assert (event.from_status, event.to_status) == ("assigned", "assigned")
    trail = AuditEvent.objects.get(action="task.extend", object_id=str(task.pk))
    assert trail.actor == demo.county and trail.old == {"deadline": old.isoformat()}
    assert trail.new == {"deadline": new.isoformat(), "reason": "受汛期影响，现场工作推迟"}
    # The report that follows is on time against the new deadline.
    services.report(demo.township, task, "已完成")
    services.verify(demo.county, task)
    row = next(r for r in services.rollup(demo.county, old, new) if r.owner == "中共主簿镇委员会")
    assert (row.on_time, row.overdue) == (1, 0)


def test_extension_rules(demo, orgs):
    task = assign(demo.county)
    with pytest.raises(Invalid, match="请填写延期原因"):
        services.extend_deadline(demo.county, task, task.deadline + dt.timedelta(days=1), "  ")
    with pytest.raises(Invalid, match="应晚于原时限"):
        services.extend_deadline(demo.county, task, task.deadline, "原因")
    with pytest.raises(Invalid, match="应晚于原时限"):
        services.extend_deadline(demo.county, task, task.deadline - dt.timedelta(days=1), "原因")
    with pytest.raises(Invalid, match="不能超过200个字"):
        services.extend_deadline(demo.county, task, task.deadline + dt.timedelta(days=1), "长" * 201)
    services.report(demo.township, task, "已完成")
    services.verify(demo.county, task)  # and closed
    with pytest.raises(Invalid, match="已销号的任务不能延期"):
        services.extend_deadline(demo.county, task, task.deadline + dt.timedelta(days=1), "原因")
    with pytest.raises(Invalid, match="已销号的任务不能调整"):
        services.reassign(demo.county, task, [orgs.town_1.pk], [], "原因")
    assert not TaskEvent.objects.filter(action__in=("extend", "reassign")).exists()
    assert not AuditEvent.objects.filter(action__in=("task.extend", "task.reassign")).exists()


def test_the_owners_and_the_other_township_may_not_extend_or_reassign(demo, orgs):
    county_task = assign(demo.county, owner_org_ids=[orgs.town_1.pk])
    later = county_task.deadline + dt.timedelta(days=10)
    # The owner township may not extend its own deadline, nor pick its own owners.
    with pytest.raises(Refused, match="只有交办单位可以延期"):
        services.extend_deadline(demo.township, county_task, later, "想延期")
    with pytest.raises(Refused, match="只有交办单位可以调整"):
        services.reassign(demo.township, county_task, [], [demo.township.pk], "想调整")
    for who in ("other_township", "secretary", "auditor", "accountant"):
        with pytest.raises(Refused):
            services.extend_deadline(getattr(demo, who), county_task, later, "越权")
    # A township's own village task: the township (its assigner) and the county above it may; the
    # village secretary (the owner) may not.
    village_task = assign(demo.township, region=VILLAGE_1, owner_org_ids=[orgs.village_1.pk])
    with pytest.raises(Refused):
        services.extend_deadline(demo.secretary, village_task, later, "想延期")
    services.extend_deadline(demo.township, village_task, village_task.deadline + dt.timedelta(days=5), "镇党委同意")
    services.extend_deadline(demo.county, village_task, village_task.deadline + dt.timedelta(days=10), "县委组织部同意")
    assert [e.actor for e in TaskEvent.objects.filter(task=village_task, action="extend").order_by("at", "id")] == [demo.township, demo.county]
    county_task.refresh_from_db()
    assert county_task.deadline == later - dt.timedelta(days=10)
    assert AuditEvent.objects.filter(action="permission_denied", object_type="partywork.task.extend").count() == 6


def test_reassignment_replaces_the_owners_and_keeps_who_owned_it(demo, orgs, grid):
    task = assign(demo.township, region=VILLAGE_1, owner_org_ids=[orgs.village_1.pk])
    task = services.reassign(demo.township, task, [orgs.village_1.pk, grid.pk], [demo.secretary.pk], "增加网格党支部共同承办")
    assert owners(task) == {(orgs.village_1.pk, None), (grid.pk, None), (None, demo.secretary.pk)}
    event = TaskEvent.objects.get(task=task, action="reassign")
    assert (event.actor, event.old_value, event.new_value, event.note) == (
        demo.township, "大歇村党支部", "大歇村党支部、大歇村第一网格党支部、大歇村书记", "增加网格党支部共同承办")
    trail = AuditEvent.objects.get(action="task.reassign")
    assert trail.old == {"owner_orgs": [orgs.village_1.pk], "owner_users": []}
    assert trail.new == {"owner_orgs": [orgs.village_1.pk, grid.pk], "owner_users": [demo.secretary.pk], "reason": "增加网格党支部共同承办"}
    # The new owners report; the lists follow.
    assert services.tasks_for(demo.secretary, "mine").filter(pk=task.pk).exists()
    services.report(demo.secretary, task, "网格已落实")
    # The county above the township may reassign too, while the task is open.
    task = services.reassign(demo.county, task, [grid.pk], [], "由网格党支部牵头")
    assert owners(task) == {(grid.pk, None)} and task.status == "reported"


def test_reassignment_rules_and_scope(demo, orgs, grid):
    task = assign(demo.county, owner_org_ids=[orgs.town_1.pk])
    with pytest.raises(Invalid, match="请至少选择一个责任党组织或责任人"):
        services.reassign(demo.county, task, [], [], "原因")
    with pytest.raises(Invalid, match="请填写调整原因"):
        services.reassign(demo.county, task, [orgs.town_1.pk, grid.pk], [], "")
    with pytest.raises(Invalid, match="没有变化"):
        services.reassign(demo.county, task, [orgs.town_1.pk], [], "原因")
    with pytest.raises(Invalid) as exc:
        services.reassign(demo.county, task, [orgs.town_2.pk, 999999], [demo.other_township.pk], "原因")
    assert exc.value.messages == [
        "「责任单位」：责任党组织「中共五河镇委员会」不在「主簿镇」范围内",
        "「责任单位」：责任党组织「999999」不存在",
        "「责任人」：责任人「五河镇农经站」不管辖「主簿镇」，无法汇报",
    ]
    # A township reassigning its village task cannot reach an organisation it does not see.
    village_task = assign(demo.township, region=VILLAGE_1, owner_org_ids=[orgs.village_1.pk])
    with pytest.raises(Invalid, match="不存在"):
        services.reassign(demo.township, village_task, [orgs.village_2.pk], [], "原因")
    assert owners(task) == {(orgs.town_1.pk, None)} and owners(village_task) == {(orgs.village_1.pk, None)}
    assert not TaskEvent.objects.filter(action="reassign").exists()


def test_the_task_page_offers_both_with_confirmation_to_the_assigner_only(demo, orgs, grid, as_user):
    task = overdue_task(demo.county, owner_org_ids=[orgs.town_1.pk])
    county = as_user(demo.county)
    page = county.get(f"/tasks/{task.pk}/").content.decode()
    assert 'id="extend-form"' in page and 'id="reassign-form"' in page
    assert 'data-confirm="延期后' in page and 'data-confirm="调整后' in page
    assert 'value="340828100000"' not in page  # owners are organisations and accounts, not regions
    town = as_user(demo.township).get(f"/tasks/{task.pk}/").content.decode()
    assert "extend-form" not in town and "reassign-form" not in town
    # The owner township posting anyway is refused; the other township does not even find it.
    new = (today() + dt.timedelta(days=15)).isoformat()
    assert as_user(demo.township).post(f"/tasks/{task.pk}/extend/", {"deadline": new, "reason": "想延期"}).status_code == 403
    assert as_user(demo.other_township).get(f"/tasks/{task.pk}/").status_code == 404
    assert as_user(demo.other_township).post(f"/tasks/{task.pk}/extend/", {"deadline": new, "reason": "越权"}).status_code == 404
    assert as_user(demo.other_township).post(f"/tasks/{task.pk}/reassign/", {"owner_orgs": [orgs.town_2.pk], "reason": "越权"}).status_code == 404
    # The county: a problem is shown on the page, then the extension goes through.
    bad = county.post(f"/tasks/{task.pk}/extend/", {"deadline": task.deadline.isoformat(), "reason": "原因"})
    assert bad.status_code == 422 and "应晚于原时限" in bad.content.decode()
    resp = county.post(f"/tasks/{task.pk}/extend/", {"deadline": new, "reason": "受汛期影响"}, follow=True)
    body = resp.content.decode()
    assert "已延期" in body and f"完成时限 {task.deadline:%Y-%m-%d} → {new}" in body and "原因：受汛期影响" in body
    assert f"/tasks/{task.pk}/" not in county.get("/tasks/overdue/").content.decode()
    resp = county.post(f"/tasks/{task.pk}/reassign/", {"owner_orgs": [str(orgs.town_1.pk)], "owner_users": [str(demo.township.pk)],
                                                        "reason": "明确组织委员为责任人"}, follow=True)
    body = resp.content.decode()
    assert "已调整责任单位" in body and "责任单位 中共主簿镇委员会 → 中共主簿镇委员会、主簿镇农经站" in body
    assert owners(task) == {(orgs.town_1.pk, None), (None, demo.township.pk)}
    nothing = county.post(f"/tasks/{task.pk}/reassign/", {"reason": "清空"})
    assert nothing.status_code == 422 and "请至少选择一个责任党组织或责任人" in nothing.content.decode()


def test_extend_and_reassign_over_the_api(demo, orgs):
    task = assign(demo.county, owner_org_ids=[orgs.town_1.pk])
    new = (task.deadline + dt.timedelta(days=30)).isoformat()

    def post(user, path, data):
        return api_for(user).post(f"/api/v1/tasks/{task.pk}/{path}", data, content_type="application/json")

    resp = post(demo.county, "extend", {"deadline": new, "reason": "顺延"})
    assert resp.status_code == 200
    body = json.loads(resp.content)
    assert body["deadline"] == new
    assert [(h["action"], h["old_value"], h["new_value"], h["note"]) for h in body["history"]][-1] == (
        "extend", task.deadline.isoformat(), new, "顺延")
    assert post(demo.county, "extend", {"deadline": new, "reason": "再顺延"}).status_code == 422
    refused = post(demo.township, "extend", {"deadline": "2099-01-01", "reason": "想延期"})
    assert refused.status_code == 403 and "只有交办单位可以延期" in refused.json()["detail"]
    assert post(demo.other_township, "extend", {"deadline": "2099-01-01", "reason": "越权"}).status_code == 404
    assert post(demo.other_township, "reassign", {"owner_org_ids": [orgs.town_2.pk], "reason": "越权"}).status_code == 404
    resp = post(demo.county, "reassign", {"owner_user_ids": [demo.township.pk], "reason": "改由组织委员负责"})
    assert resp.status_code == 200 and resp.json()["owners"] == [{"kind": "user", "id": demo.township.pk, "name": "主簿镇农经站"}]
    assert resp.json()["history"][-1]["action_label"] == "调整责任单位"
    bad = post(demo.county, "reassign", {"owner_org_ids": [orgs.town_2.pk], "reason": "x"})
    assert bad.status_code == 422 and "不在「主簿镇」范围内" in bad.content.decode()
    assert json.loads(api_for(demo.county).get("/api/v1/openapi.json").content)["paths"].keys() >= {
        "/api/v1/tasks/{id}/extend", "/api/v1/tasks/{id}/reassign"}


def test_extend_and_reassign_from_the_command_line(demo, orgs):
    task = assign(demo.county, owner_org_ids=[orgs.town_1.pk])
    new = (task.deadline + dt.timedelta(days=7)).isoformat()
    with pytest.raises(CommandError, match="只有交办单位可以延期"):
        call_command("tasks", "extend", str(task.pk), "--deadline", new, "--reason", "想延期", "--as", "township_1")
    with pytest.raises(CommandError, match="不存在或不在管辖范围内"):
        call_command("tasks", "extend", str(task.pk), "--deadline", new, "--reason", "越权", "--as", "township_2")
    out = io.StringIO()
    call_command("tasks", "extend", str(task.pk), "--deadline", new, "--reason", "顺延", "--as", "county_yuexi", stdout=out)
    assert out.getvalue().strip() == f"{task.pk} {new}"
    out = io.StringIO()
    call_command("tasks", "reassign", str(task.pk), "--org", str(orgs.town_1.pk), "--owner", "township_1", "--reason", "明确责任人",
                 "--as", "county_yuexi", stdout=out)
    assert out.getvalue().strip() == f"{task.pk} 中共主簿镇委员会、主簿镇农经站"
    assert [e.action for e in TaskEvent.objects.filter(task=task).order_by("at", "id")] == ["assign", "extend", "reassign"]
    assert TaskEvent.objects.get(task=task, action="extend").actor == demo.county


def test_the_demo_history_shows_extended_and_reassigned_tasks(demo):
    from sanwu.partywork import demo as party_demo

    party_demo.load_demo(7)
    extended = TaskEvent.objects.filter(action="extend").select_related("task")
    reassigned = TaskEvent.objects.filter(action="reassign").select_related("task")
    assert extended.count() == 2 and reassigned.count() == 2
    for e in extended:
        assert e.task.deadline.isoformat() == e.new_value > e.old_value and e.note
        assert e.task.region_id.startswith(TOWN_1[:9])
    assert {e.actor.username for e in extended} == {"county_yuexi", "township_1"}
    assert all(e.old_value != e.new_value and e.note for e in reassigned)
    assert TOWN_2 not in {e.task.region_id for e in reassigned}
