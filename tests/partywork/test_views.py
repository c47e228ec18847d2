"""The task-ledger pages: lists, a task through its closed loop by forms, the quarterly meeting
with its PDF, summaries with Excel — and the outsider (another township) through page, export and
API; no inline scripts anywhere."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from sanwu.core.models import AuditEvent
from sanwu.partywork import services
from sanwu.partywork.models import Task, TaskEvidence

from .conftest import PNG, TOWN_1, TOWN_2, VILLAGE_1, api_for, assign

LIST_PAGES = ["/tasks/", "/tasks/mine/", "/tasks/monthly/", "/tasks/overdue/", "/tasks/awaiting/", "/tasks/by-owner/",
              "/tasks/quarterly/", "/tasks/half-year/", "/tasks/annual/", "/tasks/meetings/"]


def xlsx_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def no_inline_script(body: str) -> None:
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag, tag
    assert not re.search(r"<[^>]+\son[a-z]+=", body)
    assert not re.search(r"<[^>]+\sstyle=", body)


@pytest.fixture
def tasks(demo, orgs):
    mine = assign(demo.county, region=TOWN_1, title="主簿镇的研判任务")
    theirs = assign(demo.county, region=TOWN_2, title="五河镇的发展党员任务")
    village = assign(demo.township, region=VILLAGE_1, title="大歇村三会一课")
    return mine, theirs, village


@pytest.mark.parametrize("path", LIST_PAGES)
def test_every_list_page_renders_for_every_party_role_without_inline_script(demo, tasks, as_user, path):
    for user in (demo.city, demo.county, demo.township, demo.secretary, demo.auditor):
        resp = as_user(user).get(path)
        assert resp.status_code == 200, (user, path)
        no_inline_script(resp.content.decode())
    # The village accountant keeps the books, not the Party ledger.
    assert as_user(demo.accountant).get(path).status_code == 403


def test_the_other_township_sees_nothing_of_ours_in_page_export_and_api(demo, tasks, as_user):
    mine, theirs, village = tasks
    c = as_user(demo.other_township)
    for path in ["/tasks/", "/tasks/mine/", "/tasks/by-owner/", "/tasks/quarterly/", "/tasks/annual/"]:
        body = c.get(path).content.decode()
        assert "主簿镇的研判任务" not in body and "大歇村三会一课" not in body, path
    assert "五河镇的发展党员任务" in c.get("/tasks/").content.decode()
    for path in [f"/tasks/{mine.pk}/", f"/tasks/{village.pk}/"]:
        assert c.get(path).status_code == 404
    assert c.post(f"/tasks/{mine.pk}/report/", {"text": "越权"}).status_code == 404
    exported = xlsx_rows(c.get("/tasks/?format=xlsx").content)
    assert [r[1] for r in exported[1:]] == ["五河镇的发展党员任务"]
    annual = xlsx_rows(c.get("/tasks/annual/?format=xlsx&year=%d" % theirs.deadline.year).content)
    assert [r[0] for r in annual[1:]] == ["中共五河镇委员会"]
    quarterly = c.get("/tasks/quarterly/?format=xlsx").content
    assert "主簿镇" not in str(xlsx_rows(quarterly))
    api = api_for(demo.other_township)
    assert [t["title"] for t in api.get("/api/v1/tasks").json()] == ["五河镇的发展党员任务"]
    resp = api.get(f"/api/v1/tasks/{mine.pk}")
    assert resp.status_code == 404 and resp.json() == {"detail": "未找到，或不在您的管辖范围内"}
    assert api.post(f"/api/v1/tasks/{mine.pk}/report", {"text": "越权"}, content_type="application/json").status_code == 404
    refusals = AuditEvent.objects.filter(action="permission_denied", actor=demo.other_township, object_type="partywork.task")
    assert refusals.count() >= 4 and set(refusals.values_list("channel", flat=True)) == {"web", "api"}
    assert Task.objects.get(pk=mine.pk).status == "assigned"


def test_the_loop_through_the_pages(demo, orgs, as_user):
    county, town = as_user(demo.county), as_user(demo.township)
    deadline = services.today() + dt.timedelta(days=20)
    form = county.get(f"/tasks/new/?region={TOWN_1}").content.decode()
    assert "中共主簿镇委员会" in form and 'hx-get="/tasks/new/owners/"' in form
    no_inline_script(form)
    options = county.get(f"/tasks/new/owners/?region={VILLAGE_1}").content.decode()
    assert "大歇村党支部" in options and "书记" in options
    resp = county.post("/tasks/new/", {
        "title": "年度组织生活会", "region": TOWN_1, "deadline": deadline.isoformat(), "source_kind": "document",
        "source_ref": "岳组〔2025〕23号", "description": "按要求召开", "owner_orgs": [str(orgs.town_1.pk)], f"plan_{deadline.month}": "召开组织生活会；民主评议党员",
    })
    task = Task.objects.get(title="年度组织生活会")
    assert resp.status_code == 302 and resp["Location"] == f"/tasks/{task.pk}/"
    assert [p.item for p in task.plan.all()] == ["召开组织生活会", "民主评议党员"]

    page = town.get(f"/tasks/{task.pk}/").content.decode()
    assert 'id="report-form"' in page and 'id="verify-form"' not in page
    no_inline_script(page)
    # A report without text is refused and shows the problem.
    bad = town.post(f"/tasks/{task.pk}/report/", {"text": ""})
    assert bad.status_code == 422 and "请填写完成情况" in bad.content.decode()
    ok = town.post(f"/tasks/{task.pk}/report/", {"text": "已召开", "files": [io.BytesIO(PNG)]})
    assert ok.status_code == 302
    ev = TaskEvidence.objects.get(report__task=task)
    assert ev.content_type == "image/png"
    assert town.get(f"/tasks/evidence/{ev.pk}/").status_code == 200
    assert as_user(demo.other_township).get(f"/tasks/evidence/{ev.pk}/").status_code == 404

    page = county.get(f"/tasks/{task.pk}/").content.decode()
    assert 'id="verify-form"' in page and 'id="return-form"' in page and 'data-confirm=' in page
    assert county.post(f"/tasks/{task.pk}/return/", {"reason": ""}).status_code == 422
    assert county.post(f"/tasks/{task.pk}/return/", {"reason": "缺少照片"}).status_code == 302
    assert "已退回：缺少照片" in town.get(f"/tasks/{task.pk}/").content.decode()
    town.post(f"/tasks/{task.pk}/report/", {"text": "补充了照片"})
    assert county.post(f"/tasks/{task.pk}/verify/", {"note": "同意"}).status_code == 302  # without "close": verified only
    assert Task.objects.get(pk=task.pk).status == "verified"
    assert 'id="close-form"' in county.get(f"/tasks/{task.pk}/").content.decode()
    county.post(f"/tasks/{task.pk}/close/", {})
    task.refresh_from_db()
    assert task.status == "closed"
    page = town.get(f"/tasks/{task.pk}/").content.decode()
    history = page[page.index('id="history"'):]
    assert [m for m in re.findall(r'data-action="(\w+)"', history)] == ["assign", "report", "return", "report", "verify", "close"]
    assert history.count("岳西县监管员") == 4 and history.count("主簿镇农经站") == 2


def test_the_monthly_overdue_and_awaiting_lists_and_their_exports(demo, orgs, as_user):
    today = services.today()
    assign(demo.county, title="本月到期的任务", deadline=today)
    late = assign(demo.county, title="逾期的任务", deadline=today + dt.timedelta(days=45))
    Task.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=40))
    done = assign(demo.county, title="待核验的任务", deadline=today + dt.timedelta(days=45))
    services.report(demo.township, done, "完成")
    c = as_user(demo.county)
    monthly = c.get("/tasks/monthly/").content.decode()
    assert "本月到期的任务" in monthly and "逾期的任务" not in monthly
    overdue = c.get("/tasks/overdue/").content.decode()
    assert "逾期的任务" in overdue and "逾期40天" in overdue and "本月到期的任务" not in overdue
    awaiting = c.get("/tasks/awaiting/").content.decode()
    assert "待核验的任务" in awaiting and "逾期的任务" not in awaiting
    rows = xlsx_rows(c.get("/tasks/overdue/?format=xlsx").content)
    header = rows[0]
    assert header[:5] == ("编号", "任务", "区划代码", "区划名称", "完成时限") and "是否逾期" in header
    assert [r[1] for r in rows[1:]] == ["逾期的任务"] and rows[1][header.index("是否逾期")] == "是"
    assert c.get("/tasks/?q=待核验").content.decode().count("待核验的任务") == 1
    assert "待核验的任务" not in c.get("/tasks/?status=assigned").content.decode()


def test_quarterly_meeting_prints_a_pdf_and_summaries_export(demo, orgs, as_user):
    today = services.today()
    late = assign(demo.county, title="逾期未完成的整顿任务", deadline=today + dt.timedelta(days=45))
    Task.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=3))
    c = as_user(demo.county)
    page = c.get("/tasks/quarterly/").content.decode()
    assert "逾期未完成的整顿任务" in page and 'id="print-pdf"' in page
    pdf = c.get("/tasks/quarterly/?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert as_user(demo.township).get("/tasks/quarterly/?format=pdf").status_code == 200
    rows = xlsx_rows(c.get("/tasks/quarterly/?format=xlsx").content)
    assert rows[1][:2] == ("逾期未完成", "逾期未完成的整顿任务")
    for path in ("/tasks/half-year/", "/tasks/annual/", "/tasks/by-owner/"):
        day = today - dt.timedelta(days=3)
        year, half = day.year, 1 if day.month <= 6 else 2
        rows = xlsx_rows(c.get(f"{path}?format=xlsx&year={year}&half={half}").content)
        assert rows[0][:3] == ("责任单位/责任人", "区划", "任务数")
        assert rows[1][0] == "中共主簿镇委员会" and rows[1][2] == 1, path


def test_import_page_and_meeting_pages(demo, orgs, as_user):
    c = as_user(demo.county)
    body = c.get("/tasks/import/").content.decode()
    assert "完成时限" in body and "deadline" in body
    assert as_user(demo.secretary).get("/tasks/import/").status_code == 403
    assert as_user(demo.auditor).get("/tasks/new/").status_code == 403
    task = assign(demo.county, title="调度的任务")
    resp = c.post("/tasks/meetings/new/", {"kind": "dispatch", "title": "第二季度调度会", "date": services.today().isoformat(),
                                           "region": "340828000000", "note": "", "tasks": [str(task.pk)]})
    assert resp.status_code == 302
    assert "第二季度调度会" in c.get("/tasks/meetings/").content.decode()
    assert "第二季度调度会" in as_user(demo.township).get(f"/tasks/{task.pk}/").content.decode()
    assert "第二季度调度会" not in as_user(demo.township).get("/tasks/meetings/").content.decode()  # the county's meeting list
    rows = xlsx_rows(c.get("/tasks/meetings/?format=xlsx").content)
    assert rows[1][2] == "第二季度调度会" and rows[1][5] == "调度的任务"
