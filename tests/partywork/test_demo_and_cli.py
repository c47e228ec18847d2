"""The Party-work demo (deterministic, idempotent, tasks in every state with sound histories) and
the `sanwu tasks` / `sanwu partywork` commands."""

import datetime as dt
import io
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from sanwu.partywork import demo as party_demo
from sanwu.partywork import services
from sanwu.partywork.models import Meeting, PartyOrg, Talk, Task, TaskEvent, TeamMember

from .conftest import PNG, TOWN_1, TOWN_2, VILLAGE_1, assign

DAY = dt.date(2025, 11, 20)


def snapshot():
    return (
        sorted(PartyOrg.objects.values_list("name", "kind", "region_id", "start_date", "end_date", "member_count", "leader_name")),
        sorted(TeamMember.objects.values_list("org__name", "name", "position")),
        sorted(Task.objects.values_list("title", "region_id", "deadline", "status", "return_count")),
        sorted(Talk.objects.values_list("kind", "date", "person_name", "region_id")),
        sorted(Meeting.objects.values_list("kind", "title", "date")),
    )


def test_demo_is_deterministic_idempotent_and_has_every_state(demo):
    result = party_demo.load_demo(7, today=DAY)
    assert not result.skipped and result.tasks > 20 and result.talks > 10 and result.meetings >= 4
    assert party_demo.load_demo(7, today=DAY).skipped  # a second call does nothing
    first = snapshot()
    assert Counter(dict(Task.STATUSES)) and set(Task.objects.values_list("status", flat=True)) == {s for s, _ in Task.STATUSES}
    overdue = Task.objects.filter(status__in=Task.TODO, deadline__lt=DAY)
    assert overdue.exists()
    kinds = set(PartyOrg.objects.values_list("kind", flat=True))
    assert kinds == {k for k, _ in PartyOrg.KINDS}
    assert TeamMember.objects.exists() and Talk.objects.values("kind").distinct().count() == 4
    # Assigned by county_yuexi to the townships; by township_1 to its villages; every state reached through the services.
    assert Task.objects.filter(assigner=demo.county, region_id=TOWN_1).exists() and Task.objects.filter(assigner=demo.county, region_id=TOWN_2).exists()
    assert Task.objects.filter(assigner=demo.township, region_id=VILLAGE_1).exists()
    for t in Task.objects.all():
        events = list(TaskEvent.objects.filter(task=t).order_by("at", "id"))
        assert events[0].action == "assign"
        assert [e.at for e in events] == sorted(e.at for e in events)
        transitions = [e for e in events if e.action not in ("dispatch", "inspection")]
        for a, b in zip(transitions, transitions[1:]):
            assert a.to_status == b.from_status, t
        assert transitions[-1].to_status == t.status
    # township_1's own list has the six states the browser and the pages show.
    mine = set(services.tasks_for(demo.township, "all").filter(region_id=TOWN_1).values_list("status", flat=True))
    assert mine == {"assigned", "reported", "returned", "verified", "closed"}

    # Same seed, fresh database: the same data.
    Task.objects.all().delete()
    Meeting.objects.all().delete()
    Talk.objects.all().delete()
    TeamMember.objects.all().delete()
    PartyOrg.objects.filter(parent__isnull=False, children__isnull=True).delete()
    while PartyOrg.objects.exists():
        PartyOrg.objects.filter(children__isnull=True).delete()
    from sanwu.core.models import SiteFlag

    SiteFlag.objects.filter(key=party_demo.FLAG).delete()
    party_demo.load_demo(7, today=DAY)
    assert snapshot() == first


def test_cli_lists_assigns_runs_the_loop_and_imports(demo, orgs, tmp_path):
    out = io.StringIO()
    deadline = (services.today() + dt.timedelta(days=30)).isoformat()
    call_command("tasks", "assign", "--as", "county_yuexi", "--title", "命令行交办", "--region", TOWN_1, "--deadline", deadline,
                 "--source", "meeting", "--org", str(orgs.town_1.pk), stdout=out)
    pk = int(out.getvalue().strip())
    png = tmp_path / "照片.png"
    png.write_bytes(PNG)
    out = io.StringIO()
    call_command("tasks", "report", str(pk), "--as", "township_1", "--text", "已完成", "--file", str(png), stdout=out)
    assert "已汇报待核验" in out.getvalue()
    with pytest.raises(CommandError, match="无权核验"):
        call_command("tasks", "verify", str(pk), "--as", "township_1")
    with pytest.raises(CommandError, match="不存在或不在管辖范围内"):
        call_command("tasks", "verify", str(pk), "--as", "township_2")
    out = io.StringIO()
    call_command("tasks", "verify", str(pk), "--as", "county_yuexi", stdout=out)
    assert "已销号" in out.getvalue()
    out = io.StringIO()
    call_command("tasks", "list", "--format", "json", "--as", "township_2", stdout=out)
    assert json.loads(out.getvalue()) == []
    out = io.StringIO()
    call_command("tasks", "list", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [(r["title"], r["status"]) for r in rows] == [("命令行交办", "已销号")]
    csv = tmp_path / "tasks.csv"
    csv.write_text(f"任务,区划代码,完成时限,来源\n,{TOWN_1},{deadline},会议\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第2行「任务（title）」列"):
        call_command("tasks", "import", str(csv), "--as", "county_yuexi")
    csv.write_text(f"任务,区划代码,完成时限,来源\n导入的,{TOWN_1},{deadline},会议\n", encoding="utf-8")
    out = io.StringIO()
    call_command("tasks", "import", str(csv), "--as", "county_yuexi", stdout=out)
    assert "交办任务 1 项" in out.getvalue()
    pdf = tmp_path / "q.pdf"
    call_command("tasks", "quarterly", "--format", "pdf", "--output", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    out = io.StringIO()
    call_command("tasks", "rollup", "--year", deadline[:4], "--format", "csv", stdout=out)  # the deadline's year, late in December the next
    assert "中共主簿镇委员会" in out.getvalue()


def test_cli_counts_and_demo(demo):
    out = io.StringIO()
    call_command("partywork", "demo", "--seed", "3", stdout=out)
    assert "重点工作" in out.getvalue()
    out = io.StringIO()
    call_command("partywork", "demo", stdout=out)
    assert "跳过" in out.getvalue()
    out = io.StringIO()
    call_command("partywork", "counts", "--format", "json", "--from", "2000-01-01", stdout=out)
    rows = {r["kind"]: r for r in json.loads(out.getvalue())}
    assert rows["temporary_branch"]["created"] == PartyOrg.objects.filter(kind="temporary_branch").count()
    out = io.StringIO()
    call_command("partywork", "talk-counts", "--format", "json", "--from", "2000-01-01", "--as", "township_1", stdout=out)
    assert sum(r["count"] for r in json.loads(out.getvalue())) == Talk.objects.filter(region__code__startswith="340828100").count()
    out = io.StringIO()
    call_command("partywork", "orgs", "--kind", "commando_team", "--format", "csv", stdout=out)
    assert "党员突击队" in out.getvalue()
    assign(None, title="x")  # the system operator may assign too


def test_cli_imports_a_register(demo, orgs, tmp_path):
    f = tmp_path / "名册.csv"
    f.write_text("名称,类型,区划代码,成立日期,成员\n主簿镇党员突击队,党员突击队,340828100000,2020-07-01,张三、李四\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第2行「区划代码（region）」列：.*不在您的管辖范围内"):
        call_command("partywork", "import-orgs", str(f), "--as", "township_2")
    village = tmp_path / "村.csv"
    village.write_text("名称,类型,区划代码,成立日期\n大歇村突击队,党员突击队,340828100200,2020-07-01\n", encoding="utf-8")
    with pytest.raises(CommandError, match="无权在「340828100200」设立党员突击队"):
        call_command("partywork", "import-orgs", str(village), "--as", "secretary_1")
    out = io.StringIO()
    call_command("partywork", "import-orgs", str(f), "--as", "township_1", stdout=out)
    assert "党组织 1 个" in out.getvalue() and TeamMember.objects.count() == 2


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_task_verbs_are_the_partywork_areas_and_sanwu_tasks_is_the_same(demo, orgs, tmp_path):
    """`sanwu partywork tasks <verb>` is the one implementation; `sanwu tasks <verb>` (the README's
    spelling) prints the same, refuses the same, and its state changes go through the same loop."""
    party_demo.load_demo(7, today=DAY)
    for args in (
        ("list",), ("list", "--format", "json"), ("list", "--view", "overdue", "--as", "township_1", "--format", "json"),
        ("list", "--view", "monthly", "--year", "2025", "--month", "12"), ("list", "--status", "closed", "--format", "json"),
        ("list", "--as", "township_2", "--format", "json"), ("quarterly", "--year", "2025", "--quarter", "4", "--format", "json"),
        ("rollup", "--year", "2025", "--half", "2", "--as", "township_1"),
    ):
        new, old = run("partywork", "tasks", *args), run("tasks", *args)
        assert new == old and new, args
    listed = json.loads(run("partywork", "tasks", "list", "--format", "json", "--as", "township_1"))
    assert listed and {r["region"][:9] for r in listed} == {"340828100"}  # township_1 sees its own township only
    assert json.loads(run("partywork", "tasks", "list", "--format", "json", "--as", "township_2")) != listed
    xlsx = tmp_path / "t.xlsx"
    call_command("partywork", "tasks", "list", "--format", "xlsx", "--output", str(xlsx))
    assert xlsx.read_bytes().startswith(b"PK")
    # The state-changing verbs: the same checks, whichever spelling.
    deadline = (services.today() + dt.timedelta(days=30)).isoformat()
    pk = int(run("partywork", "tasks", "assign", "--as", "county_yuexi", "--title", "区域交办", "--region", TOWN_1, "--deadline", deadline,
                 "--source", "meeting", "--org", str(orgs.town_1.pk)).strip())
    with pytest.raises(CommandError, match="无权汇报"):
        call_command("partywork", "tasks", "report", str(pk), "--as", "county_yuexi", "--text", "x")
    with pytest.raises(CommandError, match="无权汇报"):
        call_command("tasks", "report", str(pk), "--as", "county_yuexi", "--text", "x")
    assert "已汇报待核验" in run("partywork", "tasks", "report", str(pk), "--as", "township_1", "--text", "已完成")
    assert "已销号" in run("tasks", "verify", str(pk), "--as", "county_yuexi")
    assert TaskEvent.objects.filter(task_id=pk).count() == 4  # assign, report, verify, close
    with pytest.raises(CommandError):
        call_command("partywork", "tasks", "nonsense")
