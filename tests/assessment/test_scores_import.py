"""Scores from Excel or CSV: all or nothing, every bad row listed by row and column; the exported
ranking sheet can be filled in and imported again; the page, the API and the outsiders."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from sanwu.assessment import imports, services
from sanwu.assessment.models import Score
from sanwu.core.errors import Invalid, Refused

from .conftest import T1, T2, T3, T4, T5, YUEXI, api_client

HEAD = ["代码", "名称", "基层党建", "组织业务", "党员发展", "集体经济"]


def xlsx(rows, header=HEAD) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows, header=HEAD, encoding="utf-8") -> bytes:
    return ("\n".join(",".join(str(c) for c in r) for r in [header, *rows]) + "\n").encode(encoding)


@pytest.fixture
def assessment(demo, five_towns):
    return services.create_assessment(demo.county, YUEXI, 2021)


def good_rows():
    return [
        [T1, "主簿镇", 95, 90, 90, 92],
        [T2, "五河镇", 88, 85, 72, 90],
        [T3, "甲岭镇", 90, 80, 70, 88],
        [T4, "乙河镇", "70", "82", "85", "60"],
        [T5, "丙溪乡", 85.5, 75.25, 60, 80],
    ]


def test_good_excel_writes_every_score(demo, assessment):
    result = imports.import_scores(demo.county, assessment, xlsx(good_rows()), "得分.xlsx")
    assert result == {"entries": 20, "changed": 20, "rows": 5}
    rows = services.standings(assessment)
    assert [r.region.code for r in rows] == [T1, T2, T3, T5, T4]
    assert Score.objects.get(unit__region_id=T5, indicator__key="org_work").value == 7525


def test_english_headers_gbk_csv_and_blank_cells(demo, assessment):
    rows = [[T1, "", "95", "", "90", "92"]]
    data = csv_bytes(rows, header=["code", "name", "party_building", "org_work", "recruitment", "economy"], encoding="gbk")
    assert imports.import_scores(demo.county, assessment, data, "s.csv")["entries"] == 3
    data = csv_bytes([[T1, "主簿镇", "", "88", "", ""]], encoding="gbk")
    imports.import_scores(demo.county, assessment, data, "s.csv")
    assert dict(Score.objects.filter(unit__region_id=T1).values_list("indicator__key", "value")) == {
        "party_building": 9500, "org_work": 8800, "recruitment": 9000, "economy": 9200,
    }


def test_every_bad_row_is_listed_by_row_and_column_and_nothing_is_written(demo, assessment):
    rows = good_rows()
    rows[0][2] = "九十"  # line 2, 基层党建: not a number
    rows[1][3] = "120"  # line 3, 组织业务: above 100
    rows[2][0] = "340825100000"  # line 4: not a unit of this assessment
    rows[3][1] = "五河镇"  # line 5: name does not match the code
    rows[4][4] = "60.555"  # line 6, 党员发展: three decimals
    rows.append([T1, "主簿镇", 1, 1, 1, 1])  # line 7: T1 again
    rows.append(["", "", 1, 1, 1, 1])  # line 8: no code
    with pytest.raises(Invalid) as exc:
        imports.import_scores(demo.county, assessment, xlsx(rows), "得分.xlsx")
    got = [(p.row, p.field, p.file) for p in exc.value.problems]
    assert got == [
        (2, "基层党建", "得分.xlsx"), (3, "组织业务", "得分.xlsx"), (4, "code", "得分.xlsx"), (5, "name", "得分.xlsx"),
        (6, "党员发展", "得分.xlsx"), (7, "code", "得分.xlsx"), (8, "code", "得分.xlsx"),
    ]
    assert exc.value.messages == [
        "文件「得分.xlsx」第2行「基层党建」列：「基层党建」分数「九十」不是数字",
        "文件「得分.xlsx」第3行「组织业务」列：「组织业务」分数「120」应在0到100之间",
        "文件「得分.xlsx」第4行「代码（code）」列：「340825100000」不是本次考核的考核对象",
        "文件「得分.xlsx」第5行「名称（name）」列：名称「五河镇」与代码「340828200000」对应的「丙溪乡」不一致".replace("340828200000", T4).replace("丙溪乡", "乙河镇"),
        "文件「得分.xlsx」第6行「党员发展」列：「党员发展」分数「60.555」超过两位小数",
        "文件「得分.xlsx」第7行「代码（code）」列：代码「340828100000」与第2行重复",
        "文件「得分.xlsx」第8行「代码（code）」列：代码不能为空",
    ]
    assert not Score.objects.exists()


def test_bad_headers_and_empty_files(demo, assessment):
    with pytest.raises(Invalid) as exc:
        imports.import_scores(demo.county, assessment, xlsx([[T1, 1]], header=["代码", "考勤"]), "s.xlsx")
    assert exc.value.messages == ["文件「s.xlsx」第1行：第2列的表头「考勤」无法识别"]
    with pytest.raises(Invalid) as exc:
        imports.import_scores(demo.county, assessment, xlsx([["主簿镇", 1]], header=["名称", "基层党建"]), "s.xlsx")
    assert exc.value.messages == ["文件「s.xlsx」第1行「代码（code）」列：缺少必需的列「代码（code）」"]
    with pytest.raises(Invalid) as exc:
        imports.import_scores(demo.county, assessment, xlsx([]), "s.xlsx")
    assert exc.value.messages == ["文件「s.xlsx」：文件中没有数据行"]
    with pytest.raises(Invalid, match="不支持的文件类型"):
        imports.import_scores(demo.county, assessment, b"x", "s.pdf")
    assert not Score.objects.exists()


def test_the_exported_sheet_imports_again(demo, as_user, assessment):
    imports.import_scores(demo.county, assessment, xlsx(good_rows()), "a.xlsx")
    exported = as_user(demo.county).get(reverse("assessment:assessment", args=[assessment.pk]) + "?format=xlsx").content
    wb = load_workbook(io.BytesIO(exported))
    ws = wb.active
    assert [c.value for c in ws[1]] == ["代码", "名称", "基层党建", "组织业务", "党员发展", "集体经济", "综合得分", "名次"]
    ws.cell(row=2, column=3).value = "96"  # the top township's 基层党建, 95 → 96
    buf = io.BytesIO()
    wb.save(buf)
    assert imports.import_scores(demo.county, assessment, buf.getvalue(), "b.xlsx") == {"entries": 20, "changed": 1, "rows": 5}
    assert Score.objects.get(unit__region_id=T1, indicator__key="party_building").value == 9600


def test_import_refused_after_final_and_for_outsiders(demo, assessment):
    for outsider in (demo.township, demo.auditor, demo.secretary):
        with pytest.raises(Refused):
            imports.import_scores(outsider, assessment, xlsx(good_rows()), "a.xlsx")
    imports.import_scores(demo.county, assessment, xlsx(good_rows()), "a.xlsx")
    services.finalize(demo.county, assessment)
    with pytest.raises(Invalid, match="考核已定稿"):
        imports.import_scores(demo.county, assessment, xlsx(good_rows()), "a.xlsx")


def test_import_page_shows_every_problem(demo, as_user, assessment):
    c = as_user(demo.county)
    rows = good_rows()
    rows[1][3] = "abc"
    resp = c.post(reverse("assessment:import", args=[assessment.pk]), {"file": SimpleUploadedFile("得分.xlsx", xlsx(rows))})
    body = resp.content.decode()
    assert resp.status_code == 200 and "未保存任何数据" in body and "第3行「组织业务」列" in body
    assert not Score.objects.exists()
    resp = c.post(reverse("assessment:import", args=[assessment.pk]), {"file": SimpleUploadedFile("得分.xlsx", xlsx(good_rows()))})
    assert resp.status_code == 302 and Score.objects.count() == 20
    assert as_user(demo.township).get(reverse("assessment:import", args=[assessment.pk])).status_code == 403
    assert as_user(demo.auditor).post(reverse("assessment:import", args=[assessment.pk]), {"file": SimpleUploadedFile("a.xlsx", xlsx(good_rows()))}).status_code == 403


def test_import_through_the_api(demo, assessment):
    api = api_client(demo.county)
    rows = good_rows()
    rows[0][5] = "-3"
    resp = api.post(f"/api/v1/assessments/{assessment.pk}/scores/import", {"file": SimpleUploadedFile("s.xlsx", xlsx(rows))})
    assert resp.status_code == 422
    assert resp.json()["detail"] == ["文件「s.xlsx」第2行「集体经济」列：「集体经济」分数「-3」应在0到100之间"]
    resp = api.post(f"/api/v1/assessments/{assessment.pk}/scores/import", {"file": SimpleUploadedFile("s.xlsx", xlsx(good_rows()))})
    assert resp.status_code == 200 and resp.json() == {"entries": 20, "changed": 20, "rows": 5}
    town = api_client(demo.township)
    resp = town.post(f"/api/v1/assessments/{assessment.pk}/scores/import", {"file": SimpleUploadedFile("s.xlsx", xlsx(good_rows()))})
    assert resp.status_code == 404  # the assessment itself is the county's
