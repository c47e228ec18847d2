"""Rectification of weak and lax village Party organisations: the yearly screening against the
county's typical situations lists a village (with a ledger task); causes, plan, leaders, first
secretary, funds in fen, dated measures; only a passed acceptance check removes it from the list;
history across years; the list as Excel and PDF; outsiders see nothing of another township."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.assessment import services
from sanwu.assessment.models import AcceptanceCheck, History, Rectification, Screening, TypicalSituation
from sanwu.core.errors import Invalid, Refused
from sanwu.partywork.models import Task

from .conftest import V1, V2, YUEXI, api_client

D = dt.date


def _situations(*numbers):
    services.ensure_county_settings(YUEXI)
    return [TypicalSituation.objects.get(county_id=YUEXI, number=n).pk for n in numbers]


def _listed(user, code=V1, year=2021, numbers=(2, 4), on=D(2021, 3, 20)):
    _, case = services.screen_village(user, year, code, _situations(*numbers), "走访党员群众", on)
    return case


def test_typical_situations_are_the_countys_list_with_the_local_additions(demo):
    services.ensure_county_settings(YUEXI)
    rows = list(TypicalSituation.objects.filter(county_id=YUEXI).order_by("number"))
    assert len(rows) == 13 and [r.number for r in rows] == list(range(1, 14))
    assert rows[0].title == "班子不健全、书记长期缺职" and not rows[0].is_local
    assert [r.title for r in rows if r.is_local] == ["连续2年以上未发展党员", "年度考核排名末位", "集体经济薄弱或空壳", "未完成村“两委”换届"]
    # The county adds one and retires another; the other county keeps the defaults.
    services.save_situation(demo.county, YUEXI, title="村党组织书记年龄偏大、后继乏人", description="本县增补")
    services.save_situation(demo.county, YUEXI, title=rows[6].title, active=False, is_local=False, situation=rows[6])
    active = [s.number for s in services.situations_of(YUEXI)]
    assert 7 not in active and 14 in active
    assert len(services.situations_of("340825000000")) == 13
    with pytest.raises(Refused):
        services.save_situation(demo.township, YUEXI, title="x")
    with pytest.raises(Invalid):
        services.screen_village(demo.county, 2021, V1, [rows[6].pk])  # retired: cannot be chosen


def test_screening_lists_the_village_with_the_seeds_funds_and_a_ledger_task(demo):
    case = _listed(demo.county)
    assert (case.year, case.status, case.party_funds_fen, case.project_funds_fen) == (2021, "listed", 500000, 0)
    assert sorted(case.situations.values_list("number", flat=True)) == [2, 4]
    assert case.deadline == D(2021, 12, 31)
    task = Task.objects.get(pk=case.task_id)
    assert (task.source_kind, task.region_id, task.origin, task.title) == (
        "rectification", V1, f"assessment.rectification:{case.pk}", "软弱涣散村党组织整顿：主簿镇大歇村",
    )
    assert task.assigned_on == D(2021, 3, 20)
    assert History.objects.filter(kind="rectification", object_id=case.pk, action="listed").exists()


def test_a_village_without_any_situation_is_screened_not_listed(demo):
    screening, case = services.screen_village(demo.county, 2021, V2, [], "未发现问题", D(2021, 3, 20))
    assert case is None and screening.situations.count() == 0
    assert not Rectification.objects.exists()


def test_the_plan_leaders_first_secretary_and_funds_in_fen(demo):
    case = _listed(demo.county)
    services.update_rectification(
        demo.county, case, causes="书记长期在外", plan="选派第一书记", county_leader="储国华", township_lead="汪明",
        first_secretary="程芳（县财政局）", party_funds_fen=500000, project_funds_fen=65_0000_00, deadline=D(2021, 11, 30),
    )
    case.refresh_from_db()
    assert (case.first_secretary, case.project_funds_fen, case.deadline) == ("程芳（县财政局）", 6500000 * 10, D(2021, 11, 30))
    with pytest.raises(Invalid) as exc:
        services.update_rectification(demo.county, case, project_funds_fen=90_0000_00, party_funds_fen=-1)
    assert {p.field for p in exc.value.problems} == {"project_funds_fen", "party_funds_fen"}
    assert "500,000.00 至 800,000.00 元之间" in exc.value.messages[-1] or "500,000.00 至 800,000.00 元之间" in exc.value.messages[0]
    with pytest.raises(Invalid):
        services.update_rectification(demo.county, case, party_funds_fen=5000.0)  # never a float


def test_only_a_passed_acceptance_check_delists(demo):
    case = _listed(demo.county, year=2020, on=D(2020, 3, 20))
    # Nothing else removes it: edits, measures, a deadline long past, a new screening without
    # situations, a failed check.
    services.update_rectification(demo.county, case, plan="整顿方案", deadline=D(2020, 6, 30))
    services.add_measure(demo.township, case, D(2020, 4, 1), "县级联系领导到村召开专题会议")
    services.screen_village(demo.county, 2021, V1, [], "复查：问题已整改", D(2021, 3, 1))
    services.record_acceptance(demo.county, case, date=D(2020, 12, 20), passed=False, result="群众满意度未达标", checked_by="县委组织部验收组")
    case.refresh_from_db()
    assert case.status == "listed" and case.delisted_on is None
    assert Rectification.objects.filter(status="listed", village_id=V1).count() == 1

    check = services.record_acceptance(demo.county, case, date=D(2021, 6, 30), passed=True, result="同意销号", checked_by="县委组织部验收组")
    case.refresh_from_db()
    assert (case.status, case.delisted_on, check.checked_by) == ("delisted", D(2021, 6, 30), "县委组织部验收组")
    assert [(k.passed, k.date) for k in AcceptanceCheck.objects.filter(rectification=case).order_by("date")] == [
        (False, D(2020, 12, 20)), (True, D(2021, 6, 30)),
    ]
    # Once delisted it is closed: no more edits, measures or checks.
    for call in (
        lambda: services.update_rectification(demo.county, case, plan="x"),
        lambda: services.add_measure(demo.county, case, D(2021, 7, 1), "x"),
        lambda: services.record_acceptance(demo.county, case, date=D(2021, 7, 1), passed=True, result="x", checked_by="y"),
    ):
        with pytest.raises(Invalid):
            call()
    assert [h.action for h in History.objects.filter(kind="rectification", object_id=case.pk)] == [
        "listed", "updated", "measure", "check_failed", "delisted",
    ]


def test_a_passed_acceptance_check_closes_the_rectification_task_in_the_task_ledger(demo, as_user):
    """The two ledgers agree: a delisted village's task is 已销号 on the day of the check (not
    "已交办 逾期…"); a failed check leaves it open. The township sees it closed; another
    township does not see it at all."""
    case = _listed(demo.county, year=2020, on=D(2020, 3, 20))
    services.record_acceptance(demo.county, case, date=D(2020, 12, 20), passed=False, result="未达标", checked_by="县委组织部验收组")
    assert Task.objects.get(pk=case.task_id).status == "assigned"
    services.record_acceptance(demo.county, case, date=D(2021, 11, 30), passed=True, result="同意销号", checked_by="县委组织部验收组")
    task = Task.objects.get(pk=case.task_id)
    assert (task.status, task.closed_at.date()) == ("closed", D(2021, 11, 30))
    event = task.events.get(action="close")
    assert (event.from_status, event.to_status, event.actor, event.note) == ("assigned", "closed", demo.county, "2021-11-30 县委组织部验收组验收通过，整顿销号")
    body = as_user(demo.township).get(reverse("partywork:task", args=[task.pk])).content.decode()
    assert "已销号" in body and "逾期" not in body
    assert as_user(demo.other_township).get(reverse("partywork:task", args=[task.pk])).status_code == 404


def test_the_migration_closes_the_tasks_of_villages_delisted_before_it(demo):
    """Cases delisted before the service closed their task: the data migration closes the task on
    the day of the passed check; a listed case's task stays open."""
    import importlib

    from django.apps import apps as django_apps

    done = _listed(demo.county, year=2020, on=D(2020, 3, 20))
    services.record_acceptance(demo.county, done, date=D(2021, 11, 30), passed=True, result="同意销号", checked_by="验收组")
    Task.objects.filter(pk=done.task_id).update(status="assigned", closed_at=None)  # as before the fix
    Task.objects.get(pk=done.task_id).events.filter(action="close").delete()
    still = _listed(demo.county, code=V2, year=2021)
    migration = importlib.import_module("sanwu.assessment.migrations.0003_close_tasks_of_delisted_rectifications")
    migration.close_tasks(django_apps, None)
    task = Task.objects.get(pk=done.task_id)
    assert (task.status, task.closed_at.date(), task.events.get(action="close").from_status) == ("closed", D(2021, 11, 30), "assigned")
    assert Task.objects.get(pk=still.task_id).status == "assigned"


def test_acceptance_is_the_countys_and_needs_date_result_and_checker(demo):
    case = _listed(demo.county)
    with pytest.raises(Invalid) as exc:
        services.record_acceptance(demo.county, case, date=D(2099, 1, 1), passed=True, result="", checked_by="")
    assert {p.field for p in exc.value.problems} == {"date", "result", "checked_by"}
    for outsider in (demo.township, demo.other_township, demo.auditor, demo.secretary):
        with pytest.raises(Refused):
            services.record_acceptance(outsider, case, date=D(2021, 6, 1), passed=True, result="好", checked_by="某")
    with pytest.raises(Refused):
        services.add_measure(demo.other_township, case, D(2021, 4, 1), "x")
    case.refresh_from_db()
    assert case.status == "listed"


def test_history_across_years(demo):
    first = _listed(demo.county, year=2019, on=D(2019, 4, 1))
    services.record_acceptance(demo.county, first, date=D(2019, 12, 1), passed=True, result="销号", checked_by="验收组")
    second = _listed(demo.county, year=2021, numbers=(11,), on=D(2021, 3, 1))
    assert second.pk != first.pk and second.year == 2021
    # Screened again the next year while still listed: the same case carries on.
    screening, carried = services.screen_village(demo.county, 2022, V1, _situations(11, 12), "", D(2022, 3, 1))
    assert carried.pk == second.pk and sorted(carried.situations.values_list("number", flat=True)) == [11, 12]
    assert list(Screening.objects.filter(village_id=V1).order_by("year").values_list("year", flat=True)) == [2019, 2021, 2022]
    assert Task.objects.filter(source_kind="rectification").count() == 2


# --- pages, exports, API --------------------------------------------------------------------------


@pytest.fixture
def two_townships(demo):
    a = _listed(demo.county, V1)
    b = _listed(demo.county, V2, numbers=(5,))
    services.update_rectification(demo.county, a, first_secretary="程芳", project_funds_fen=50_0000_00)
    return a, b


def _xlsx_villages(resp) -> list[str]:
    ws = load_workbook(io.BytesIO(resp.content)).active
    return [r[2] for r in ws.iter_rows(min_row=2, values_only=True)]


def test_county_list_page_excel_and_pdf(demo, as_user, two_townships):
    c = as_user(demo.county)
    page = c.get(reverse("assessment:rectification_list")).content.decode()
    assert "大歇村" in page and "关河村" in page and "5,000.00" in page
    resp = c.get(reverse("assessment:rectification_list") + "?format=xlsx")
    assert sorted(_xlsx_villages(resp)) == sorted(["大歇村", "关河村"])
    ws = load_workbook(io.BytesIO(resp.content)).active
    header = [cell.value for cell in ws[1]]
    row = dict(zip(header, next(ws.iter_rows(min_row=2, values_only=True))))
    assert row["第一书记"] == "程芳" and row["项目扶持资金（元）"] == 500000 and row["党建经费（元）"] == 5000
    pdf = c.get(reverse("assessment:rectification_list") + "?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_township_sees_only_its_own_villages_page_export_api(demo, as_user, two_townships):
    a, b = two_townships
    c = as_user(demo.township)
    page = c.get(reverse("assessment:rectification_list")).content.decode()
    assert "大歇村" in page and "关河村" not in page
    assert _xlsx_villages(c.get(reverse("assessment:rectification_list") + "?format=xlsx")) == ["大歇村"]
    assert c.get(reverse("assessment:rectification_list") + "?format=pdf").status_code == 200
    assert c.get(reverse("assessment:rectification", args=[b.pk])).status_code == 404
    api = api_client(demo.township)
    assert [r["village"]["code"] for r in api.get("/api/v1/rectifications").json()] == [V1]
    assert api.get(f"/api/v1/rectifications/{b.pk}").status_code == 404
    assert api.post(f"/api/v1/rectifications/{b.pk}/measures", {"date": "2021-04-01", "text": "x"}, content_type="application/json").status_code == 404
    other = api_client(demo.other_township)
    assert [r["village"]["code"] for r in other.get("/api/v1/rectifications").json()] == [V2]


def test_village_secretary_sees_own_village_accountant_nothing(demo, as_user, two_townships):
    a, b = two_townships
    sec = as_user(demo.secretary)
    assert sec.get(reverse("assessment:rectification", args=[a.pk])).status_code == 200
    assert sec.get(reverse("assessment:rectification", args=[b.pk])).status_code == 404
    assert _xlsx_villages(sec.get(reverse("assessment:rectification_list") + "?format=xlsx")) == ["大歇村"]
    acc = as_user(demo.accountant)
    assert acc.get(reverse("assessment:rectification_list")).status_code == 403
    assert acc.get(reverse("assessment:rectification_list") + "?format=xlsx").status_code == 403
    assert api_client(demo.accountant).get("/api/v1/rectifications").json() == []
    anon = Client()
    assert anon.get(reverse("assessment:rectification_list") + "?format=pdf").status_code == 302
    assert anon.get("/api/v1/rectifications").status_code == 401


def test_screening_measure_and_acceptance_through_the_pages(demo, as_user):
    c = as_user(demo.county)
    ids = [str(i) for i in _situations(1, 13)]
    resp = c.post(reverse("assessment:screen", args=[2021, V1]), {"screened_on": "2021-03-20", "situations": ids, "note": "走访"})
    case = Rectification.objects.get(village_id=V1)
    assert resp.status_code == 302 and resp["Location"] == reverse("assessment:rectification", args=[case.pk])
    screening = c.get(reverse("assessment:screening") + "?year=2021").content.decode()
    assert "已排查 <strong>1</strong>" in screening
    resp = c.post(reverse("assessment:rectification", args=[case.pk]), {"party_funds_fen": "5000", "project_funds_fen": "600000.00", "first_secretary": "程芳", "deadline": "2021-12-31"})
    assert resp.status_code == 302
    case.refresh_from_db()
    assert case.project_funds_fen == 60_000_000 and case.first_secretary == "程芳"
    resp = c.post(reverse("assessment:rectification", args=[case.pk]), {"party_funds_fen": "5000.001"})
    assert "超过两位小数" in resp.content.decode()
    town = as_user(demo.township)
    assert town.post(reverse("assessment:measure_add", args=[case.pk]), {"date": "2021-04-02", "text": "规范三会一课"}).status_code == 302
    assert case.measures.count() == 1
    assert town.post(reverse("assessment:acceptance", args=[case.pk]), {"date": "2021-06-01", "passed": "yes", "checked_by": "x", "result": "y"}).status_code == 403
    detail = c.get(reverse("assessment:rectification", args=[case.pk])).content.decode()
    assert 'data-confirm="确认记录本次验收结果吗' in detail
    resp = c.post(reverse("assessment:acceptance", args=[case.pk]), {"date": "2021-06-01", "passed": "yes", "checked_by": "县委组织部验收组", "result": "同意销号"})
    assert resp.status_code == 302
    case.refresh_from_db()
    assert case.status == "delisted"


def test_auditor_reads_everything_writes_nothing(demo, as_user, two_townships):
    a, _ = two_townships
    c = as_user(demo.auditor)
    assert sorted(_xlsx_villages(c.get(reverse("assessment:rectification_list") + "?format=xlsx"))) == ["关河村", "大歇村"]
    assert c.post(reverse("assessment:rectification", args=[a.pk]), {"plan": "x"}).status_code == 403
    assert c.post(reverse("assessment:acceptance", args=[a.pk]), {"date": "2021-06-01", "passed": "yes", "checked_by": "x", "result": "y"}).status_code == 403
    assert c.post(reverse("assessment:screen", args=[2021, V1]), {"screened_on": "2021-03-20"}).status_code == 403
    api = api_client(demo.auditor)
    assert len(api.get("/api/v1/rectifications").json()) == 2
    resp = api.post(f"/api/v1/rectifications/{a.pk}/acceptance", {"date": "2021-06-01", "passed": True, "result": "y", "checked_by": "x"}, content_type="application/json")
    assert resp.status_code == 403
    a.refresh_from_db()
    assert a.status == "listed"
