"""Importing the difficult-villages list (重点难点村清单) and the rectification list (软弱涣散整顿台账)
from Excel or CSV: all or nothing, every problem named by file, row and column, nothing written
when anything is wrong; the lists' own exports import again (changing only what was edited); the
county organisation department lists and updates, a township only records its own villages'
measures, and nobody reaches another township's or county's villages."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.urls import reverse

from sanwu.assessment import imports, services
from sanwu.assessment.models import DifficultReview, DifficultVillage, History, Measure, Rectification, Screening, TypicalSituation
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.partywork.models import Task

from ..partywork.test_import import edit_xlsx, set_cells, xlsx
from .conftest import V1, V2, YUEXI, api_client

V1B = "340828100201"  # township 1's second village
D = dt.date


def state() -> tuple:
    """Everything an import may write, and its trail (a refusal's own audit row excepted)."""
    return (
        sorted(DifficultVillage.objects.values_list("village_id", "status", "problems", "leader", "members")),
        DifficultReview.objects.count(), Task.objects.count(), History.objects.count(), Screening.objects.count(), Measure.objects.count(),
        sorted(Rectification.objects.values_list("village_id", "status", "causes", "plan", "first_secretary", "party_funds_fen", "deadline")),
        AuditEvent.objects.filter(Q(action__startswith="assessment.") | Q(action__startswith="task.")).count(),
    )


# --- the difficult-villages list -----------------------------------------------------------------


@pytest.fixture
def listed(demo):
    """A reviewed round that listed V1 (rated weak); a second round still open."""
    first = services.create_round(demo.county, YUEXI, D(2021, 3, 16))
    services.rate_village(demo.county, first, V1, "weak", findings="书记长期在外")
    services.review_round(demo.county, first)
    second = services.create_round(demo.county, YUEXI, D(2021, 9, 14))
    return first, second


DIFFICULT_HEADER = ["村代码", "乡镇", "村", "列入轮次", "主要问题", "专班负责领导", "专班成员"]


def test_a_list_updates_the_task_force_and_lists_new_villages(demo, listed):
    first, second = listed
    data = xlsx([
        DIFFICULT_HEADER,
        [V1, "主簿镇", "大歇村", "2021年第1轮", "", "储国华（县委常委）", "汪明（县委组织部）；程芳（主簿镇）"],
        ["", "五河镇", "关河村", "2021年第2轮", "集体经济空壳", "刘勇（县农业农村局局长）", "李兰（县委组织部）"],
    ])
    result = imports.import_difficult(demo.county, YUEXI, data, "清单.xlsx")
    assert result == {"listed": 1, "updated": 1, "unchanged": 0}
    v1 = DifficultVillage.objects.get(village_id=V1, status="listed")
    assert (v1.leader, v1.members, v1.problems) == ("储国华（县委常委）", "汪明（县委组织部）\n程芳（主簿镇）", "书记长期在外")
    v2 = DifficultVillage.objects.get(village_id=V2, status="listed")
    assert (v2.listed_round, v2.problems, v2.leader, v2.members) == (second, "集体经济空壳", "刘勇（县农业农村局局长）", "李兰（县委组织部）")
    task = Task.objects.get(pk=v2.task_id)
    assert (task.region_id, task.source_kind, task.origin, task.title) == (V2, "analysis", f"assessment.difficult:{v2.pk}", "重点难点村专班整治：五河镇关河村")
    assert [(r.round, r.outcome, r.note) for r in v2.reviews.all()] == [(second, "listed", "导入：清单.xlsx")]
    assert [h.action for h in History.objects.filter(kind="difficult", object_id=v2.pk)] == ["listed"]
    assert [h.action for h in History.objects.filter(kind="difficult", object_id=v1.pk)] == ["listed", "task_force"]
    assert AuditEvent.objects.get(action="assessment.difficult.import").new == {"file": "清单.xlsx", "listed": 1, "updated": 1, "unchanged": 0}
    assert AuditEvent.objects.filter(action="assessment.difficult.list", region_code=V2).exists()
    # The second round's own review leaves the imported village as it is — no second entry.
    assert V2 not in {p.village.code for p in services.review_proposals(second)}
    services.rate_village(demo.county, second, V2, "weak")
    assert services.review_round(demo.county, second)["listed"] == 0
    assert DifficultVillage.objects.filter(village_id=V2).count() == 1


def test_difficult_every_bad_row_is_named_and_nothing_is_written(demo, listed):
    before = state()
    data = xlsx([
        DIFFICULT_HEADER + ["状态"],
        [V1, "", "", "", "", "储国华", "汪明", "在册"],
        ["340825100200", "", "", "2021年第1轮", "", "", "", ""],  # another county's village
        [V1B, "", "", "", "", "储国华", "汪明", ""],  # not listed, no round
        [V2, "", "", "2020年第9轮", "", "", "", ""],
        [V1, "", "", "2021年第2轮", "", "储国华", "汪明", ""],  # listed at another round; and repeats row 2
        [V1, "", "", "", "", "", "", "待定"],
        [V1B, "", "关河村", "", "", "", "", ""],
        ["", "", "", "", "", "", "", ""],  # blank: skipped
        ["", "", "不存在村", "", "", "", "", ""],
    ])
    with pytest.raises(Invalid) as exc:
        imports.import_difficult(demo.county, YUEXI, data, "清单.xlsx")
    assert [(p.row, p.field) for p in exc.value.problems] == [
        (3, "村代码（code）"),
        (4, "列入轮次（listed_round）"),
        (5, "列入轮次（listed_round）"),
        (6, "村代码（code）"),
        (6, "列入轮次（listed_round）"),
        (7, "状态（status）"),
        (8, "村（village）"),
        (10, "村（village）"),
    ]
    text = exc.value.messages
    assert text[0] == "文件「清单.xlsx」第3行「村代码（code）」列：「340825100200」不是岳西县的村，或不在您的管辖范围内"
    assert "新列入须填写列入轮次" in text[1] and "列入轮次「2020年第9轮」不是岳西县的研判轮次" in text[2]
    assert "与第2行重复" in text[3] and "于「2021年第1轮」列入清单，与列入轮次「2021年第2轮」不符" in text[4]
    assert "状态「待定」无效" in text[5] and "村名「关河村」与代码「340828100201」对应" in text[6]
    assert state() == before


def test_an_entry_without_a_task_force_needs_both_leader_and_members(demo, listed):
    data = xlsx([DIFFICULT_HEADER, [V1, "", "", "", "书记长期在外，班子不团结", "", ""]])
    with pytest.raises(Invalid) as exc:
        imports.import_difficult(demo.county, YUEXI, data, "清单.csv.xlsx")
    assert [(p.row, p.field, p.message) for p in exc.value.problems] == [
        (2, "专班负责领导（leader）", "专班负责领导不能为空"), (2, "专班成员（members）", "专班成员不能为空"),
    ]
    assert str(exc.value.problems[0]) == "文件「清单.csv.xlsx」第2行「专班负责领导（leader）」列：专班负责领导不能为空"


def test_the_exported_difficult_list_imports_again_and_changes_only_what_was_edited(demo, listed, as_user):
    first, _ = listed
    entry = DifficultVillage.objects.get(village_id=V1)
    services.assign_task_force(demo.county, entry, leader="储国华", members="汪明\n程芳")
    services.list_village(demo.county, first, V1B, problems_text="班子不团结")
    third = services.create_round(demo.county, YUEXI, D(2022, 3, 1))
    services.rate_village(demo.county, third, V1B, "good")
    services.review_round(demo.county, third, {V1B: "removed"})
    c = as_user(demo.county)
    exported = c.get(reverse("assessment:difficult_list") + f"?county={YUEXI}&status=all&format=xlsx").content
    before = state()
    assert imports.import_difficult(demo.county, YUEXI, exported, "导出.xlsx") == {"listed": 0, "updated": 0, "unchanged": 2}
    assert state()[:-1] == before[:-1]  # only the import's own audit row

    change = set_cells("村代码", V1, 专班负责领导="储国华（县委副书记）", 专班成员=lambda old: old + "；王平（县财政局）")
    result = imports.import_difficult(demo.county, YUEXI, edit_xlsx(exported, change), "导出.xlsx")
    assert result == {"listed": 0, "updated": 1, "unchanged": 1}
    entry.refresh_from_db()
    assert (entry.leader, entry.members.splitlines()) == ("储国华（县委副书记）", ["汪明", "程芳", "王平（县财政局）"])

    with pytest.raises(Invalid, match="已于「2022年第1轮」销号，不能再修改"):
        imports.import_difficult(demo.county, YUEXI, edit_xlsx(exported, set_cells("村代码", V1B, 主要问题="改写已销号的记录")), "导出.xlsx")


def test_only_the_county_imports_the_list(demo, listed, as_user):
    data = xlsx([DIFFICULT_HEADER, [V1, "", "", "", "", "储国华", "汪明"]])
    before = state()
    for who in ("township", "other_township", "secretary", "auditor", "accountant"):
        user = getattr(demo, who)
        with pytest.raises(Refused):
            imports.import_difficult(user, YUEXI, data, "清单.xlsx")
        assert as_user(user).get(reverse("assessment:difficult_import") + f"?county={YUEXI}").status_code == 403, who
        resp = api_client(user).post(f"/api/v1/difficult-villages/import?county={YUEXI}", {"file": SimpleUploadedFile("清单.xlsx", data)})
        assert resp.status_code == 403, who
    assert state() == before
    assert AuditEvent.objects.filter(action="permission_denied", object_type="assessment.difficultvillage", actor=demo.township).exists()
    # The county's button is on the list page; a township's list has none.
    assert "difficult-villages/import/" in as_user(demo.county).get(reverse("assessment:difficult_list")).content.decode()
    assert "difficult-villages/import/" not in as_user(demo.township).get(reverse("assessment:difficult_list")).content.decode()


def test_list_import_page_api_and_command(demo, listed, as_user, tmp_path):
    c = as_user(demo.county)
    url = reverse("assessment:difficult_import") + f"?county={YUEXI}"
    assert "列入轮次" in c.get(url).content.decode()
    bad = SimpleUploadedFile("清单.csv", "村代码,列入轮次\n340828101200,\n".encode())
    body = c.post(url, {"file": bad, "county": YUEXI}).content.decode()
    assert "未保存任何数据" in body and "文件「清单.csv」第2行「列入轮次（listed_round）」列：关河村不在清单中；新列入须填写列入轮次" in body
    good = SimpleUploadedFile("清单.csv", "code,listed_round,problems\n340828101200,2021年第2轮,集体经济空壳\n".encode())
    resp = c.post(url, {"file": good, "county": YUEXI}, follow=True)
    assert "导入完成：新列入 1 个村" in resp.content.decode()
    f = tmp_path / "清单.csv"
    f.write_text(f"村代码,专班负责领导,专班成员\n{V1},储国华,汪明\n", encoding="utf-8")
    with pytest.raises(CommandError, match="无权导入重点难点村清单"):
        call_command("assessment", "import-difficult", str(f), "--county", YUEXI, "--as", "township_1")
    out = io.StringIO()
    call_command("assessment", "import-difficult", str(f), "--county", YUEXI, "--as", "county_yuexi", stdout=out)
    assert "更新 1 个" in out.getvalue()
    api = api_client(demo.county)
    resp = api.post(f"/api/v1/difficult-villages/import?county={YUEXI}", {"file": SimpleUploadedFile("清单.csv", f.read_bytes())})
    assert resp.status_code == 200 and resp.json() == {"listed": 0, "updated": 0, "unchanged": 1}
    resp = api.post(f"/api/v1/difficult-villages/import?county={YUEXI}", {"file": SimpleUploadedFile("清单.csv", b"x,y\n")})
    assert resp.status_code == 422 and "表头「x」无法识别" in resp.content.decode()


# --- the rectification list ----------------------------------------------------------------------


def _numbers(*ns):
    services.ensure_county_settings(YUEXI)
    return [TypicalSituation.objects.get(county_id=YUEXI, number=n).pk for n in ns]


@pytest.fixture
def case(demo):
    """V1 listed in 2021 (situations 2 and 4) with one measure."""
    _, c = services.screen_village(demo.county, 2021, V1, _numbers(2, 4), "走访党员群众", D(2021, 3, 20))
    services.add_measure(demo.county, c, D(2021, 4, 1), "县级联系领导到村召开专题会议")
    return c


RECT_HEADER = ["村代码", "村", "列入年度", "存在问题（典型情形）", "原因分析", "整顿方案", "联系县级领导", "乡镇责任人", "第一书记",
               "党建经费（元）", "项目扶持资金（元）", "整顿时限", "整顿措施"]


def test_a_list_updates_a_case_adds_measures_and_lists_a_new_village(demo, case):
    this_year = today().year
    data = xlsx([
        RECT_HEADER,
        [V1, "大歇村", 2021, "", "书记长期在外", "选派第一书记", "储国华", "汪明", "程芳（县财政局）", "5,000.00", "650000", "2021-11-30",
         "2021-04-01 县级联系领导到村召开专题会议；2021-05-10 调整支部书记；2021-06-01 规范“三会一课”，建立台账"],
        [V2, "", "", "1. 班子不健全、书记长期缺职；12", "", "", "", "", "", "", "", "", ""],
    ])
    result = imports.import_rectifications(demo.county, YUEXI, data, "台账.xlsx")
    assert result == {"listed": 1, "updated": 1, "unchanged": 0, "measures": 2}
    case.refresh_from_db()
    assert (case.causes, case.plan, case.county_leader, case.township_lead, case.first_secretary) == (
        "书记长期在外", "选派第一书记", "储国华", "汪明", "程芳（县财政局）")
    assert (case.party_funds_fen, case.project_funds_fen, case.deadline) == (500000, 65_000_000, D(2021, 11, 30))
    assert [(m.date, m.text) for m in case.measures.order_by("date")] == [
        (D(2021, 4, 1), "县级联系领导到村召开专题会议"), (D(2021, 5, 10), "调整支部书记"), (D(2021, 6, 1), "规范“三会一课”，建立台账"),
    ]
    new = Rectification.objects.get(village_id=V2)
    assert (new.year, new.status, new.party_funds_fen) == (this_year, "listed", 500000)  # the county's default funds
    assert sorted(new.situations.values_list("number", flat=True)) == [1, 12]
    screening = Screening.objects.get(village_id=V2, year=this_year)
    assert screening.note == "导入：台账.xlsx" and sorted(screening.situations.values_list("number", flat=True)) == [1, 12]
    assert Task.objects.get(pk=new.task_id).origin == f"assessment.rectification:{new.pk}"
    assert [h.action for h in History.objects.filter(kind="rectification", object_id=case.pk)] == ["listed", "measure", "updated", "measure", "measure"]
    assert AuditEvent.objects.get(action="assessment.rectification.import").new == {
        "file": "台账.xlsx", "listed": 1, "updated": 1, "unchanged": 0, "measures": 2}
    assert AuditEvent.objects.filter(action="assessment.rectification.update", region_code=V1).count() == 1


def test_rectification_every_bad_row_is_named_and_nothing_is_written(demo, case):
    before = state()
    data = xlsx([
        RECT_HEADER,
        [V1, "", 2021, "", "", "", "", "", "", "5000.005", "900000", "2021-02-30", "召开会议"],
        [V1B, "", "", "", "原因", "", "", "", "", "", "", "", ""],  # not listed, no situations
        [V2, "", 2099, "2", "", "", "", "", "", "", "", "", ""],
        [V2, "", "", "99；班子散", "", "", "", "", "", "", "", "", ""],
        ["340825100200", "", "", "2", "", "", "", "", "", "", "", "", ""],
        [V1, "", 2020, "", "", "", "", "", "", "", "", "", ""],
        [V1, "", "", "5", "", "", "", "", "", "", "", "", ""],
        [V1, "", "", "", "", "", "", "", "", "", "800000.00", "", "2099-01-01 未来的措施"],
    ])
    with pytest.raises(Invalid) as exc:
        imports.import_rectifications(demo.county, YUEXI, data, "台账.xlsx")
    got = [(p.row, p.field) for p in exc.value.problems]
    assert got == [
        (2, "党建经费（元）（party_funds）"),
        (2, "整顿时限（deadline）"),
        (2, "整顿措施（measures）"),
        (3, "存在问题（典型情形）（situations）"),
        (4, "列入年度（year）"),
        (5, "存在问题（典型情形）（situations）"),
        (5, "存在问题（典型情形）（situations）"),
        (6, "村代码（code）"),
        (7, "列入年度（year）"),
        (8, "存在问题（典型情形）（situations）"),
        (9, "整顿措施（measures）"),
    ]
    text = exc.value.messages
    assert text[0] == "文件「台账.xlsx」第2行「党建经费（元）（party_funds）」列：党建经费：金额「5000.005」超过两位小数（最小单位为分）"
    assert "「2021-02-30」不是有效日期" in text[1] and "整顿措施「召开会议」应以日期开头" in text[2]
    assert "新列入须填写存在问题" in text[3] and "列入年度2099年晚于今年" in text[4]
    assert "序号「99」不在本县" in text[5] and "典型情形「班子散」不在本县" in text[6]
    assert "列入年度为2021年，与「2020」不符" in text[8] and "以年度排查为准" in text[9]
    assert "措施日期不能晚于今天" in text[10]
    assert state() == before


def test_project_funds_outside_the_countys_range_are_named(demo, case):
    with pytest.raises(Invalid) as exc:
        imports.import_rectifications(demo.county, YUEXI, xlsx([RECT_HEADER[:1] + ["项目扶持资金（元）"], [V1, "900,000"]]), "台账.csv.xlsx")
    assert [(p.row, p.field) for p in exc.value.problems] == [(2, "项目扶持资金（元）（project_funds）")]
    assert "500,000.00 至 800,000.00 元之间" in exc.value.messages[0]


def test_the_exported_rectification_list_imports_again_and_changes_only_what_was_edited(demo, case, as_user):
    services.update_rectification(demo.county, case, first_secretary="程芳", project_funds_fen=50_000_000, deadline=D(2021, 12, 31))
    _, done = services.screen_village(demo.county, 2020, V2, _numbers(5), "", D(2020, 3, 1))
    services.record_acceptance(demo.county, done, date=D(2020, 12, 1), passed=True, result="同意销号", checked_by="验收组")
    exported = as_user(demo.county).get(reverse("assessment:rectification_list") + f"?county={YUEXI}&status=all&format=xlsx").content
    before = state()
    assert imports.import_rectifications(demo.county, YUEXI, exported, "导出.xlsx") == {"listed": 0, "updated": 0, "unchanged": 2, "measures": 0}
    assert state()[:-1] == before[:-1]

    change = set_cells("村代码", V1, 整顿方案="选派第一书记，调整班子", 整顿措施=lambda old: old + "；2021-05-10 调整支部书记")
    assert imports.import_rectifications(demo.county, YUEXI, edit_xlsx(exported, change), "导出.xlsx") == {
        "listed": 0, "updated": 1, "unchanged": 1, "measures": 1}
    case.refresh_from_db()
    assert case.plan == "选派第一书记，调整班子" and case.project_funds_fen == 50_000_000 and case.measures.count() == 2

    with pytest.raises(Invalid, match="关河村已于 2020-12-01 验收销号，不能再修改"):
        imports.import_rectifications(demo.county, YUEXI, edit_xlsx(exported, set_cells("村代码", V2, 第一书记="改写")), "导出.xlsx")


def test_a_township_records_its_own_measures_only(demo, case, as_user):
    _, theirs = services.screen_village(demo.county, 2021, V2, _numbers(5), "", D(2021, 3, 20))
    measures = xlsx([["村代码", "整顿措施"], [V1, "2021-05-10 镇党委书记到村指导"]])
    assert imports.import_rectifications(demo.township, YUEXI, measures, "措施.xlsx")["measures"] == 1
    assert case.measures.count() == 2 and case.measures.order_by("-id").first().recorded_by == demo.township
    before = state()
    with pytest.raises(Invalid) as exc:
        imports.import_rectifications(demo.township, YUEXI, xlsx([["村代码", "整顿方案", "整顿措施"],
                                                                    [V1, "改方案", ""],
                                                                    [V2, "", "2021-05-10 越权"],
                                                                    [V1B, "", ""]]), "措施.xlsx")
    assert [(p.row, p.field) for p in exc.value.problems] == [(2, "村代码（code）"), (3, "村代码（code）"), (4, "村代码（code）")]
    text = exc.value.messages
    assert "无权修改「大歇村」的整顿台账（只能记录整顿措施）" in text[0] and "不是岳西县的村，或不在您的管辖范围内" in text[1]
    assert "不在整顿台账中；无权把它列入整顿台账" in text[2]
    assert state() == before
    for who in ("secretary", "auditor", "accountant"):
        with pytest.raises(Refused, match="无权导入整顿台账"):
            imports.import_rectifications(getattr(demo, who), YUEXI, measures, "措施.xlsx")
    assert as_user(demo.secretary).get(reverse("assessment:rectification_import") + f"?county={YUEXI}").status_code == 403
    # The other township sees neither the village nor its case.
    with pytest.raises(Invalid, match="不在您的管辖范围内"):
        imports.import_rectifications(demo.other_township, YUEXI, measures, "措施.xlsx")
    assert theirs.measures.count() == 0 and case.measures.count() == 2


def test_rectification_import_page_api_and_command(demo, case, as_user, tmp_path):
    town = as_user(demo.township)
    assert "rectification/import/" in town.get(reverse("assessment:rectification_list")).content.decode()
    url = reverse("assessment:rectification_import") + f"?county={YUEXI}"
    assert "整顿措施" in town.get(url).content.decode()
    good = SimpleUploadedFile("措施.csv", f"村代码,整顿措施\n{V1},2021-05-10 镇党委书记到村指导\n".encode("gb18030"))
    resp = town.post(url, {"file": good, "county": YUEXI}, follow=True)
    assert "新记整顿措施 1 条" in resp.content.decode()
    too_big = SimpleUploadedFile("大.csv", b"a" * (20 * 1024 * 1024 + 1))
    assert "超过 20 MB" in town.post(url, {"file": too_big, "county": YUEXI}).content.decode()
    f = tmp_path / "台账.csv"
    f.write_text(f"村代码,存在问题,第一书记\n{V2},2、4,李兰\n", encoding="utf-8")
    with pytest.raises(CommandError, match="不是岳西县的村，或不在您的管辖范围内"):
        call_command("assessment", "import-rectifications", str(f), "--county", YUEXI, "--as", "township_1")
    out = io.StringIO()
    call_command("assessment", "import-rectifications", str(f), "--county", YUEXI, "--as", "county_yuexi", stdout=out)
    assert "新列入 1 个" in out.getvalue()
    assert Rectification.objects.get(village_id=V2).first_secretary == "李兰"
    api = api_client(demo.county)
    resp = api.post(f"/api/v1/rectifications/import?county={YUEXI}", {"file": SimpleUploadedFile("台账.csv", f.read_bytes())})
    assert resp.status_code == 200 and resp.json() == {"listed": 0, "updated": 0, "unchanged": 1, "measures": 0}
    assert api_client(demo.secretary).post(f"/api/v1/rectifications/import?county={YUEXI}",
                                           {"file": SimpleUploadedFile("台账.csv", f.read_bytes())}).status_code == 403
