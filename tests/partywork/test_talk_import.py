"""Importing talks (谈话) from Excel or CSV: the organisation department only (like recording
them); all or nothing, every bad row named by file, row and column, nothing written when
anything is wrong; the talks export imports again without recording anything twice."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.partywork import imports, services
from sanwu.partywork.models import Talk

from .conftest import TOWN_1, TOWN_2, VILLAGE_1
from .test_import import edit_xlsx, set_cells, xlsx

HEADER = ["谈话日期", "类型", "谈话对象", "职务", "区划代码", "谈话人", "谈话要点"]
SECRET = "该同志在防汛中擅离职守"


def _day(days_ago: int = 5) -> dt.date:
    return services.today() - dt.timedelta(days=days_ago)


def _trail() -> list[str]:
    return list(AuditEvent.objects.exclude(action="permission_denied").values_list("action", flat=True))


def test_a_good_file_records_every_talk_with_its_audit_row(demo):
    data = xlsx([
        HEADER,
        [_day(), "提醒", "储明华", "主簿镇党委书记", TOWN_1, "县委常委、组织部长", SECRET],
        [_day(3).isoformat(), "暖心谈话", "李兰", "五河镇党委副书记", "五河镇", "县委组织部副部长", "了解家庭困难"],
        [_day(2).strftime("%Y年%m月%d日"), "warning", "汪国强", "", VILLAGE_1, "部长", "立即整改"],
    ])
    result = imports.import_talks(demo.county, data, "谈话.xlsx")
    assert result.skipped == 0
    assert [(t.kind, t.date, t.person_name, t.region_id, t.origin) for t in result.talks] == [
        ("reminder", _day(), "储明华", TOWN_1, "import:谈话.xlsx"),
        ("caring", _day(3), "李兰", TOWN_2, "import:谈话.xlsx"),
        ("warning", _day(2), "汪国强", VILLAGE_1, "import:谈话.xlsx"),
    ]
    assert Talk.objects.get(person_name="储明华").created_by == demo.county
    assert AuditEvent.objects.filter(action="talk.create").count() == 3
    imported = AuditEvent.objects.get(action="talk.import")
    assert imported.new == {"file": "谈话.xlsx", "talks": 3, "skipped": 0} and imported.actor == demo.county
    # The trail keeps neither the summary nor the full name (auditors read it).
    assert SECRET not in str(list(AuditEvent.objects.values_list("new", flat=True))) and "储明华" not in str(imported.new)


def test_english_headers_and_csv_in_gbk(demo):
    csv = f"date,kind,person_name,region,talker,summary\n{_day()},激励,王平,{TOWN_1},部长,肯定成绩\n".encode("gb18030")
    result = imports.import_talks(demo.county, csv, "talks.csv")
    assert [(t.kind, t.person_name) for t in result.talks] == [("encouragement", "王平")]


def test_every_bad_row_is_named_and_nothing_is_written(demo):
    future = services.today() + dt.timedelta(days=3)
    data = xlsx([
        HEADER,
        [_day(), "提醒", "储明华", "", TOWN_1, "部长", "好的一行"],
        [_day(), "批评", "甲", "", TOWN_1, "部长", "x"],
        ["2025-02-30", "提醒", "乙", "", TOWN_1, "部长", "x"],
        [future, "提醒", "丙", "", TOWN_1, "部长", "x"],
        [_day(), "提醒", "", "", TOWN_1, "部长", "x"],
        [_day(), "提醒", "丁", "", "340825000000", "部长", "x"],
        [_day(), "提醒", "戊", "", TOWN_1, "", ""],
        [_day(), "提醒", "储明华", "", TOWN_1, "部长", "好的一行"],
    ])
    before = _trail()
    with pytest.raises(Invalid) as exc:
        imports.import_talks(demo.county, data, "谈话.xlsx")
    assert [(p.row, p.field) for p in exc.value.problems] == [
        (3, "类型（kind）"),
        (4, "谈话日期（date）"),
        (5, "谈话日期（date）"),
        (6, "谈话对象（person_name）"),
        (7, "区划代码（region）"),
        (8, "谈话人（talker）"),
        (8, "谈话要点（summary）"),
        (9, "谈话对象（person_name）"),
    ]
    text = exc.value.messages
    assert text[0] == "文件「谈话.xlsx」第3行「类型（kind）」列：谈话类型「批评」无效（提醒、激励、暖心、警诫）"
    assert "「2025-02-30」不是有效日期" in text[1] and "晚于今天" in text[2] and "谈话对象不能为空" in text[3]
    assert "区划代码「340825000000」不存在或不在您的管辖范围内" in text[4]  # another county's
    assert "与第2行重复" in text[7]
    assert not Talk.objects.exists() and _trail() == before


def test_missing_columns_unknown_headers_and_empty_files(demo):
    with pytest.raises(Invalid) as exc:
        imports.import_talks(demo.county, "谈话日期,类型,谈话对象\n".encode(), "a.csv")
    assert [p.field for p in exc.value.problems] == ["谈话人（talker）", "谈话要点（summary）", "区划代码（region）"]
    with pytest.raises(Invalid, match="表头「心得」无法识别"):
        imports.import_talks(demo.county, "谈话日期,类型,谈话对象,区划代码,谈话人,谈话要点,心得\n".encode(), "a.csv")
    with pytest.raises(Invalid, match="没有数据行"):
        imports.import_talks(demo.county, "谈话日期,类型,谈话对象,区划代码,谈话人,谈话要点\n".encode(), "a.csv")
    with pytest.raises(Invalid, match="不支持的文件类型"):
        imports.import_talks(demo.county, b"x", "a.doc")


@pytest.mark.parametrize("who", ["township", "other_township", "secretary", "auditor", "accountant"])
def test_only_the_organisation_department_imports_talks(demo, as_user, who):
    user = getattr(demo, who)
    data = xlsx([HEADER, [_day(), "提醒", "储明华", "", VILLAGE_1, "部长", SECRET]])
    with pytest.raises(Refused, match="只有组织部门可以导入谈话记录"):
        imports.import_talks(user, data, "谈话.xlsx")
    c = as_user(user)
    assert c.get("/party/talks/import/").status_code == 403
    assert c.post("/party/talks/import/", {"file": SimpleUploadedFile("谈话.xlsx", data)}).status_code == 403
    with pytest.raises(CommandError, match="只有组织部门"):
        call_command("partywork", "import-talks", __file__, "--as", user.username)
    assert not Talk.objects.exists()
    assert AuditEvent.objects.filter(action="permission_denied", actor=user).exists()


def test_the_talks_export_imports_again_and_adds_only_new_rows(demo, as_user):
    services.record_talk(demo.county, kind="reminder", date=_day(), person_name="储明华", person_position="主簿镇党委书记", talker="部长",
                         region_code=TOWN_1, summary=SECRET)
    services.record_talk(demo.county, kind="caring", date=_day(9), person_name="李兰", talker="部长", region_code=TOWN_2, summary="关心")
    c = as_user(demo.county)
    exported = c.get("/party/talks/?format=xlsx").content
    again = imports.import_talks(demo.county, exported, "谈话记录.xlsx")
    assert (again.talks, again.skipped) == ([], 2) and Talk.objects.count() == 2
    # Edit the sheet: one talk added at the bottom, one summary changed (a new record, the old kept).
    def add_and_change(ws, header):
        assert header == ["谈话日期", "类型", "谈话对象", "职务", "所在区划", "谈话人", "谈话要点", "区划代码"]
        ws.append([_day(1).isoformat(), "激励", "王平", "主簿镇组织委员", "主簿镇", "部长", "肯定成绩", TOWN_1])
        set_cells("谈话对象", "储明华", 谈话要点=SECRET + "（补充）")(ws, header)

    result = imports.import_talks(demo.county, edit_xlsx(exported, add_and_change), "谈话记录.xlsx")
    assert sorted(t.person_name for t in result.talks) == ["储明华", "王平"] and result.skipped == 1
    assert Talk.objects.count() == 4
    # A name that does not match the code is caught.
    with pytest.raises(Invalid, match="所在区划「五河镇」与区划代码「340828100000」对应的「主簿镇」不一致"):
        imports.import_talks(demo.county, edit_xlsx(exported, set_cells("谈话对象", "李兰", 区划代码=TOWN_1)), "谈话记录.xlsx")


def test_import_page_cli_and_the_city(demo, as_user, tmp_path):
    c = as_user(demo.county)
    page = c.get("/party/talks/").content.decode()
    assert "/party/talks/import/" in page
    form = c.get("/party/talks/import/").content.decode()
    assert "谈话日期" in form and "二者至少填一个" in form
    bad = SimpleUploadedFile("t.csv", "谈话日期,类型,谈话对象,区划代码,谈话人,谈话要点\n2020-01-01,提醒,,340828100000,部长,x\n".encode())
    body = c.post("/party/talks/import/", {"file": bad}).content.decode()
    assert "未保存任何数据" in body and "文件「t.csv」第2行「谈话对象（person_name）」列：谈话对象不能为空" in body
    assert "请选择要导入的 CSV 或 Excel 文件" in c.post("/party/talks/import/", {}).content.decode()
    good = SimpleUploadedFile("t.csv", "谈话日期,类型,谈话对象,区划代码,谈话人,谈话要点\n2020-01-01,提醒,甲,340828100000,部长,x\n".encode())
    resp = c.post("/party/talks/import/", {"file": good}, follow=True)
    assert resp.redirect_chain[-1][0] == "/party/talks/" and "导入完成：谈话 1 人次" in resp.content.decode()
    f = tmp_path / "谈话.csv"
    f.write_text(f"谈话日期,类型,谈话对象,区划代码,谈话人,谈话要点\n{_day()},警诫,乙,{TOWN_2},部长,y\n2020-01-01,提醒,甲,340828100000,部长,x\n",
                 encoding="utf-8")
    out = io.StringIO()
    call_command("partywork", "import-talks", str(f), "--as", "city_admin", stdout=out)
    assert "谈话 1 人次，与已有记录相同而跳过 1 条" in out.getvalue() and Talk.objects.count() == 2
