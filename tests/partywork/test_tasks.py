"""The key-work task ledger run closed loop: assign → report → (return → report …) → verify →
close, every transition a history row with who and when; who may do each step; the contract
other apps rely on (`assign_task`)."""

import datetime as dt
import inspect

import pytest
from django.utils import timezone

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.partywork import services
from sanwu.partywork.models import Task, TaskEvent, TaskOwner

from .conftest import PDF, PNG, TOWN_1, TOWN_2, VILLAGE_1, VILLAGE_2, YUEXI, assign


def history(task):
    return [(e.action, e.from_status, e.to_status, e.actor_id) for e in TaskEvent.objects.filter(task=task).order_by("at", "id")]


def test_a_task_runs_the_closed_loop_and_every_step_is_history(demo, orgs):
    county, town = demo.county, demo.township
    task = assign(county, owner_org_ids=[orgs.town_1.pk], source_ref="岳组〔2025〕3号",
                  plan={(2025, 3): ["逐村研判"], (2025, 4): ["形成报告", "上报县委组织部"]})
    assert task.status == "assigned" and task.assigner == county and task.assigner_region_id == YUEXI
    assert [o.org for o in task.owners.all()] == [orgs.town_1]
    assert [(p.month, p.item) for p in task.plan.order_by("month", "id")] == [(3, "逐村研判"), (4, "形成报告"), (4, "上报县委组织部")]

    task = services.report(town, task, "已完成研判，报告附后。", [("研判报告.pdf", PDF), ("现场.png", PNG)])
    assert task.status == "reported" and task.reported_at is not None
    evidence = list(task.reports.get().evidence.order_by("id"))
    assert [(e.filename, e.content_type, e.size) for e in evidence] == [("研判报告.pdf", "application/pdf", len(PDF)), ("现场.png", "image/png", len(PNG))]
    import hashlib

    assert evidence[1].sha256 == hashlib.sha256(PNG).hexdigest() and evidence[1].file.read() == PNG

    task = services.return_task(county, task, "缺少会议记录")
    assert (task.status, task.return_reason, task.return_count) == ("returned", "缺少会议记录", 1)
    task = services.report(town, task, "已补充会议记录。")
    assert task.status == "reported" and task.return_reason == ""
    task = services.verify(county, task, "同意")
    assert task.status == "closed" and task.verified_at and task.closed_at

    assert history(task) == [
        ("assign", "", "assigned", county.pk),
        ("report", "assigned", "reported", town.pk),
        ("return", "reported", "returned", county.pk),
        ("report", "returned", "reported", town.pk),
        ("verify", "reported", "verified", county.pk),
        ("close", "verified", "closed", county.pk),
    ]
    events = list(TaskEvent.objects.filter(task=task).order_by("at", "id"))
    assert all(e.at is not None for e in events) and [e.at for e in events] == sorted(e.at for e in events)
    assert [e.actor_name for e in events][:2] == [county.username, town.username]  # the pages show their names (actor.first_name)
    assert events[2].note == "缺少会议记录"
    actions = list(AuditEvent.objects.filter(object_type="partywork.task", object_id=str(task.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["task.assign", "task.report", "task.return", "task.report", "task.verify", "task.close"]


def test_verify_without_closing_and_only_a_verified_task_is_closed(demo, orgs):
    task = assign(demo.county)
    with pytest.raises(Invalid, match="只有已核验的任务才能销号"):
        services.close(demo.county, task)
    services.report(demo.township, task, "完成")
    with pytest.raises(Invalid, match="只有已核验的任务才能销号"):
        services.close(demo.county, task)
    task = services.verify(demo.county, task, close=False)
    assert task.status == "verified" and task.closed_at is None
    task = services.close(demo.county, task, "季例会销号")
    assert task.status == "closed"
    with pytest.raises(Invalid, match="不能汇报"):
        services.report(demo.township, task, "再次汇报")
    assert [a for a, *_ in history(task)] == ["assign", "report", "verify", "close"]


def test_wrong_moves_are_refused_and_write_nothing(demo, orgs):
    task = assign(demo.county)
    with pytest.raises(Invalid, match="不能核验"):
        services.verify(demo.county, task)
    with pytest.raises(Invalid, match="不能退回"):
        services.return_task(demo.county, task, "理由")
    with pytest.raises(Invalid, match="请填写完成情况"):
        services.report(demo.township, task, "  ")
    with pytest.raises(Invalid, match="不是 JPEG、PNG 或 PDF"):
        services.report(demo.township, task, "完成", [("假图片.png", b"MZ\x90\x00 not an image")])
    services.report(demo.township, task, "完成")
    with pytest.raises(Invalid, match="请填写退回原因"):
        services.return_task(demo.county, task, "")
    task.refresh_from_db()
    assert task.status == "reported" and task.reports.count() == 1
    assert [a for a, *_ in history(task)] == ["assign", "report"]


def test_only_the_owners_report_and_only_the_assigner_verifies(demo, orgs):
    task = assign(demo.county)
    # The county assigned it: it does not report for the township; the other township cannot.
    for outsider in (demo.county, demo.other_township, demo.secretary, demo.auditor, demo.accountant):
        with pytest.raises(Refused):
            services.report(outsider, task, "越权汇报")
    services.report(demo.township, task, "完成")
    # The township does not verify its own task; the auditor only reads.
    for outsider in (demo.township, demo.other_township, demo.auditor, demo.secretary):
        with pytest.raises(Refused):
            services.verify(outsider, task)
        with pytest.raises(Refused):
            services.return_task(outsider, task, "不行")
    # The city (above the assigning county) may verify.
    assert services.verify(demo.city, task).status == "closed"
    refusals = AuditEvent.objects.filter(action="permission_denied", object_type__startswith="partywork.task")
    assert refusals.filter(actor=demo.other_township).count() == 3


def test_the_reporter_never_verifies_their_own_report(demo, orgs):
    # A county department's task: the county both reports (for the department) and verifies.
    task = assign(demo.county, region=YUEXI, owner_org_ids=[orgs.department.pk])
    services.report(demo.county, task, "部门已完成")
    with pytest.raises(Invalid, match="核验人不能是汇报人本人"):
        services.verify(demo.county, task)
    assert services.verify(demo.city, task).status == "closed"


def test_township_assigns_to_its_villages_and_the_secretary_reports(demo, orgs):
    with pytest.raises(Refused):
        assign(demo.township, region=TOWN_1)  # not to itself
    with pytest.raises(Refused):
        assign(demo.township, region=VILLAGE_2)  # not to another township's village
    with pytest.raises(Refused):
        assign(demo.secretary, region=VILLAGE_1)
    task = assign(demo.township, region=VILLAGE_1, title="规范开展三会一课")
    assert task.assigner_region_id == TOWN_1
    assert [o.org for o in task.owners.all()] == [orgs.village_1]  # the village branch by default
    services.report(demo.secretary, task, "已召开支委会")
    with pytest.raises(Refused):
        services.verify(demo.other_township, task)
    assert services.verify(demo.township, task).status == "closed"
    # The county, above the township, sees it; the secretary sees it; the other township does not.
    assert Task.objects.visible_to(demo.county).filter(pk=task.pk).exists()
    assert Task.objects.visible_to(demo.secretary).filter(pk=task.pk).exists()
    assert not Task.objects.visible_to(demo.other_township).filter(pk=task.pk).exists()
    assert not Task.objects.visible_to(demo.accountant).filter(pk=task.pk).exists()  # Party work, not the books


def test_a_township_sees_only_its_own_tasks(demo, orgs):
    mine = assign(demo.county, region=TOWN_1)
    theirs = assign(demo.county, region=TOWN_2)
    village = assign(demo.county, region=VILLAGE_1)
    assert set(Task.objects.visible_to(demo.township)) == {mine, village}
    assert set(Task.objects.visible_to(demo.other_township)) == {theirs}
    assert set(Task.objects.visible_to(demo.secretary)) == {village}
    assert set(Task.objects.visible_to(demo.county)) == {mine, theirs, village}
    assert set(Task.objects.visible_to(demo.auditor)) == {mine, theirs, village}


def test_owners_must_lie_within_the_task_region(demo, orgs):
    with pytest.raises(Invalid) as exc:
        assign(demo.county, region=TOWN_1, owner_org_ids=[orgs.town_2.pk, 999999], owner_user_ids=[demo.other_township.pk, demo.accountant.pk])
    text = "\n".join(exc.value.messages)
    assert "「中共五河镇委员会」不在「主簿镇」范围内" in text and "责任党组织「999999」不存在" in text
    assert "五河镇农经站" in text and "无法汇报" in text and "报账员" in text
    with pytest.raises(Invalid) as exc:
        assign(demo.county, title="", deadline=dt.date(2000, 1, 1), source_kind="gossip")
    fields = {p.field for p in exc.value.problems}
    assert fields == {"title", "source_kind", "deadline"}
    assert not Task.objects.exists()


def test_a_named_owner_user_may_report(demo, orgs):
    task = assign(demo.county, region=TOWN_1, owner_user_ids=[demo.township.pk], owner_org_ids=[orgs.village_1.pk])
    assert {(o.org_id, o.user_id) for o in TaskOwner.objects.filter(task=task)} == {(orgs.village_1.pk, None), (None, demo.township.pk)}
    assert services.report(demo.township, task, "完成").status == "reported"


def test_assign_task_is_the_stable_contract_for_other_apps(demo, orgs):
    sig = inspect.signature(services.assign_task)
    params = sig.parameters
    assert list(params)[:1] == ["user"]
    for name in ("title", "region_code", "deadline", "source_kind", "source_ref", "description", "owner_org_ids", "owner_user_ids", "origin", "year"):
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY, name
    for kind in ("meeting", "document", "inspection", "analysis", "rectification", "assessment"):
        assert kind in dict(Task.SOURCES)
    # As the assessment app would call it: a consequence becomes a task, traceable by origin.
    task = services.assign_task(
        demo.county, title="对党建考核末位的乡镇党委书记进行提醒谈话", region_code=TOWN_2, deadline=dt.date(2031, 3, 31),
        source_kind="assessment", source_ref="2030年度党建考核", origin="assessment.consequence:42", year=2030,
    )
    assert (task.year, task.origin, task.source_kind) == (2030, "assessment.consequence:42", "assessment")
    assert [o.org for o in task.owners.all()] == [orgs.town_2]
    # The system operator (user None) assigns too: the county of the region is the assigner.
    sys_task = services.assign_task(None, title="整改", region_code=VILLAGE_2, deadline=dt.date(2031, 1, 1), source_kind="rectification")
    assert sys_task.assigner is None and sys_task.assigner_region_id == YUEXI
    assert Task.objects.filter(origin="assessment.consequence:42").count() == 1
    # Work decided on an earlier day (a round's date) is assigned as of that day.
    earlier = services.assign_task(None, title="研判后续", region_code=TOWN_1, deadline=dt.date(2021, 5, 31), source_kind="analysis",
                                   origin="assessment.followup:1", assigned_on=dt.date(2021, 3, 16))
    assert earlier.assigned_on == dt.date(2021, 3, 16) and earlier.year == 2021
    ev = earlier.events.get()
    assert timezone.localtime(ev.at).date() == dt.date(2021, 3, 16) and ev.actor is None and ev.actor_label == "系统"


def test_list_views_mine_monthly_overdue_awaiting(demo, orgs):
    today = services.today()
    later = today + dt.timedelta(days=45)  # never this month
    assign(demo.county, title="本月到期", deadline=today)
    late = assign(demo.county, title="逾期", deadline=later)
    Task.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=40))  # never this month either
    assign(demo.county, title="本月有计划", deadline=later, plan={(today.year, today.month): ["本月事项"]})
    reported = assign(demo.county, region=TOWN_2, title="已汇报", deadline=later)
    services.report(demo.other_township, reported, "完成")
    assign(demo.township, region=VILLAGE_1, title="村里的", deadline=later)

    def titles(user, view, **kw):
        return {t.title for t in services.tasks_for(user, view, **kw)}

    assert titles(demo.county, "monthly") == {"本月到期", "本月有计划"}
    assert titles(demo.county, "monthly", year=later.year, month=later.month) == {"本月有计划", "已汇报", "村里的"}
    assert titles(demo.county, "overdue") == {"逾期"}
    assert titles(demo.county, "awaiting") == {"已汇报"}
    assert titles(demo.township, "awaiting") == set()
    assert titles(demo.township, "mine") == {"本月到期", "逾期", "本月有计划", "村里的"}  # its own, and the one it assigned
    assert titles(demo.secretary, "mine") == {"村里的"}
    assert titles(demo.county, "mine") == {"本月到期", "逾期", "本月有计划", "已汇报"}  # those it assigned
    assert titles(demo.other_township, "all") == {"已汇报"}


def test_rollup_per_owner_and_quarterly_agenda(demo, orgs):
    today = services.today()
    year = today.year
    a = assign(demo.county, title="A", deadline=today + dt.timedelta(days=1))
    b = assign(demo.county, title="B", deadline=today + dt.timedelta(days=2))
    c = assign(demo.county, region=TOWN_2, title="C", deadline=today + dt.timedelta(days=3))
    services.report(demo.township, a, "完成")
    services.return_task(demo.county, a, "补充")
    services.report(demo.township, a, "补充了")
    services.verify(demo.county, a)
    services.report(demo.township, b, "完成")
    Task.objects.filter(pk=c.pk).update(deadline=today - dt.timedelta(days=5))
    start, end = dt.date(today.year - 1, 1, 1), dt.date(today.year + 1, 12, 31)
    rows = {r.owner: r for r in services.rollup(demo.county, start, end)}
    t1, t2 = rows["中共主簿镇委员会"], rows["中共五河镇委员会"]
    assert (t1.tasks, t1.closed, t1.on_time, t1.awaiting, t1.overdue, t1.returns, t1.rate) == (2, 1, 1, 1, 0, 1, "50%")
    assert (t2.tasks, t2.closed, t2.overdue, t2.rate) == (1, 0, 1, "0%")
    # The township's roll-up holds only its own owners.
    assert [r.owner for r in services.rollup(demo.township, start, end)] == ["中共主簿镇委员会"]

    agenda = services.quarterly_agenda(demo.county, year, (today.month - 1) // 3 + 1)
    sections = {key: [t.title for t in tasks] for key, _, tasks in agenda["sections"]}
    assert sections["overdue"] == ["C"] and sections["awaiting"] == ["B"]
    assert "A" not in sum(sections.values(), [])
    assert agenda["closed_in_quarter"] == 1
    town_agenda = services.quarterly_agenda(demo.other_township, year, (today.month - 1) // 3 + 1)
    assert [t.title for _, _, tasks in town_agenda["sections"] for t in tasks] == ["C"]


def test_dispatch_meetings_and_inspections_are_recorded_against_tasks(demo, orgs):
    a = assign(demo.county, title="A")
    b = assign(demo.county, region=TOWN_2, title="B")
    m = services.record_meeting(demo.county, kind="dispatch", title="第一季度调度会", date=services.today(), region_code=YUEXI,
                                note="听取汇报", task_ids=[a.pk, b.pk], task_notes={a.pk: "月底前完成"})
    assert set(m.tasks.all()) == {a, b}
    ev = TaskEvent.objects.get(task=a, action="dispatch")
    assert ev.from_status == ev.to_status == "assigned" and "第一季度调度会" in ev.note and "月底前完成" in ev.note
    # A township records its own inspection, but only of tasks it can see.
    with pytest.raises(Invalid, match="不在"):
        services.record_meeting(demo.township, kind="inspection", title="督导", date=services.today(), region_code=TOWN_1, task_ids=[b.pk])
    with pytest.raises(Refused):
        services.record_meeting(demo.township, kind="dispatch", title="越权", date=services.today(), region_code=YUEXI, task_ids=[])
    services.record_meeting(demo.township, kind="inspection", title="镇督导", date=services.today(), region_code=TOWN_1, task_ids=[a.pk])
    assert TaskEvent.objects.filter(task=a, action="inspection").count() == 1
