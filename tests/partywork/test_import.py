"""Importing a task list from Excel or CSV: all or nothing, every bad row named by row and column,
nothing written when anything is wrong; an exported sheet imports again."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from sanwu.core.errors import Invalid
from sanwu.core.models import AuditEvent
from sanwu.partywork import imports, services
from sanwu.partywork.models import Task, TaskEvent

from .conftest import TOWN_1, TOWN_2, VILLAGE_1, assign


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def edit_xlsx(content: bytes, change) -> bytes:
    """A sheet (an export) edited as a user would: `change(ws, header)`, then saved again."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    change(ws, [c.value for c in ws[1]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def set_cells(key_column: str, key, **values):
    """A `change` for `edit_xlsx`: in the rows whose `key_column` holds `key`, set the columns
    named (by header) to the values given; a callable gets the old value."""

    def change(ws, header):
        for row in ws.iter_rows(min_row=2):
            cells = dict(zip(header, row))
            if cells[key_column].value == key:
                for name, value in values.items():
                    cells[name].value = value(cells[name].value) if callable(value) else value

    return change


def test_a_good_excel_list_is_assigned_whole(demo, orgs):
    d = services.today() + dt.timedelta(days=60)
    data = xlsx([
        ["任务", "区划代码", "完成时限", "来源", "来源文号", "责任单位", "责任人", "3月", "4月"],
        ["村级班子运行分析研判", TOWN_1, d, "分析研判", "岳组〔2025〕2号", "中共主簿镇委员会", "township_1", "逐村研判", "形成报告；上报"],
        ["发展党员工作", "五河镇", d.isoformat(), "文件", "", "", "", "", ""],
    ])
    tasks = imports.import_tasks(demo.county, data, "台账.xlsx")
    assert [(t.title, t.region_id, t.deadline, t.source_kind, t.status) for t in tasks] == [
        ("村级班子运行分析研判", TOWN_1, d, "analysis", "assigned"),
        ("发展党员工作", TOWN_2, d, "document", "assigned"),
    ]
    first = tasks[0]
    assert {(o.org_id, o.user_id) for o in first.owners.all()} == {(orgs.town_1.pk, None), (None, demo.township.pk)}
    assert [(p.month, p.item) for p in first.plan.order_by("month", "id")] == [(3, "逐村研判"), (4, "形成报告"), (4, "上报")]
    assert [o.org for o in tasks[1].owners.all()] == [orgs.town_2]  # the township committee by default
    assert TaskEvent.objects.filter(action="assign").count() == 2
    assert AuditEvent.objects.filter(action="task.import").count() == 1


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_written(demo, orgs):
    d = (services.today() + dt.timedelta(days=60)).isoformat()
    csv = (
        "title,region,deadline,source_kind,owner_orgs,owner_users\n"
        f"好任务,{TOWN_1},{d},会议,,\n"
        f",{TOWN_1},{d},会议,,\n"
        f"区划错,340828999999,{d},会议,,\n"
        f"日期错,{TOWN_1},2025-02-30,会议,,\n"
        f"来源错,{TOWN_1},{d},闲聊,,\n"
        f"单位错,{TOWN_1},{d},文件,关河村党支部,\n"
        f"责任人错,{TOWN_1},{d},文件,,nobody\n"
        f"过期,{TOWN_1},2001-01-01,文件,,\n"
    ).encode()
    with pytest.raises(Invalid) as exc:
        imports.import_tasks(demo.county, csv, "tasks.csv")
    got = [(p.row, p.field) for p in exc.value.problems]
    assert got == [
        (3, "任务（title）"),
        (4, "区划代码（region）"),
        (5, "完成时限（deadline）"),
        (6, "来源（source_kind）"),
        (7, "责任单位（owner_orgs）"),
        (8, "责任人（owner_users）"),
        (9, "完成时限（deadline）"),
    ]
    text = exc.value.messages
    assert text[0] == "文件「tasks.csv」第3行「任务（title）」列：任务名称不能为空"
    assert "区划代码「340828999999」不存在或不在您的管辖范围内" in text[1]
    assert "「2025-02-30」不是有效日期" in text[2] and "来源「闲聊」无效" in text[3]
    assert "责任单位「关河村党支部」不在该区划内" in text[4] and "责任人账号「nobody」不存在" in text[5]
    assert Task.objects.count() == 0 and TaskEvent.objects.count() == 0


def test_a_township_may_import_only_for_its_villages(demo, orgs):
    d = (services.today() + dt.timedelta(days=10)).isoformat()
    data = xlsx([["任务", "区划", "完成时限", "来源"], ["大歇村的", "大歇村", d, "会议"], ["关河村的", "340828101200", d, "会议"], ["自己", TOWN_1, d, "会议"]])
    with pytest.raises(Invalid) as exc:
        imports.import_tasks(demo.township, data, "镇.xlsx")
    assert [(p.row, p.field) for p in exc.value.problems] == [(3, "区划代码（region）"), (4, "区划代码（region）")]
    assert "不存在或不在您的管辖范围内" in exc.value.messages[0] and "无权向「340828100000」交办任务" in exc.value.messages[1]
    assert not Task.objects.exists()
    ok = xlsx([["任务", "区划", "完成时限", "来源"], ["大歇村的", "大歇村", d, "会议"]])
    assert [t.region_id for t in imports.import_tasks(demo.township, ok, "镇.xlsx")] == [VILLAGE_1]


def test_missing_columns_unknown_headers_and_empty_files(demo):
    with pytest.raises(Invalid) as exc:
        imports.import_tasks(demo.county, "任务,区划代码\n甲,340828100000\n".encode(), "a.csv")
    assert [p.field for p in exc.value.problems] == ["完成时限（deadline）", "来源（source_kind）"]
    with pytest.raises(Invalid, match="表头「备忘」无法识别"):
        imports.import_tasks(demo.county, "任务,区划代码,完成时限,来源,备忘\n".encode(), "a.csv")
    with pytest.raises(Invalid, match="没有数据行"):
        imports.import_tasks(demo.county, "任务,区划代码,完成时限,来源\n".encode(), "a.csv")


def test_an_exported_sheet_imports_again(demo, orgs, as_user):
    deadline = services.today() + dt.timedelta(days=30)  # the plan is the deadline's year (the next one late in December)
    assign(demo.county, title="导出再导入", deadline=deadline, plan={(deadline.year, 5): ["五月事项"]}, owner_org_ids=[orgs.town_1.pk])
    exported = as_user(demo.county).get("/tasks/?format=xlsx").content
    tasks = imports.import_tasks(demo.county, exported, "导出.xlsx")
    assert [(t.title, t.region_id) for t in tasks] == [("导出再导入", TOWN_1)]
    assert [p.item for p in tasks[0].plan.all()] == ["五月事项"] and [o.org for o in tasks[0].owners.all()] == [orgs.town_1]
    assert Task.objects.count() == 2


def test_import_page_shows_problems_by_row(demo, orgs, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = as_user(demo.county)
    bad = SimpleUploadedFile("t.csv", "任务,区划代码,完成时限,来源\n,340828100000,2030-01-01,会议\n".encode())
    body = c.post("/tasks/import/", {"file": bad}).content.decode()
    assert "未保存任何数据" in body and "第2行「任务（title）」列：任务名称不能为空" in body
    good = SimpleUploadedFile("t.csv", "任务,区划代码,完成时限,来源\n好任务,340828100000,2030-01-01,会议\n".encode())
    assert c.post("/tasks/import/", {"file": good}).status_code == 302
    assert Task.objects.get().title == "好任务"
