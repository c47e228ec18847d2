"""Region import (all or nothing, errors by line) and the tree page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from sanwu.core.errors import Invalid
from sanwu.core.models import AuditEvent
from sanwu.regions.models import Region
from sanwu.regions.services import import_regions

GOOD = """代码,名称,上级
340800000000,安庆市,
340828000000,岳西县,340800000000
340828100000,天堂镇,340828000000
340828100200,天堂村,340828100000
340828100200001,天堂村第一组,340828100200
"""


@pytest.mark.django_db
def test_import_builds_the_tree():
    result = import_regions(GOOD.encode(), "regions.csv")
    assert result == {"created": 5, "updated": 0, "rows": 5}
    group = Region.objects.get(code="340828100200001")
    assert group.level == "group"
    assert [r.code for r in group.ancestors()] == ["340800000000", "340828000000", "340828100000", "340828100200"]
    assert AuditEvent.objects.filter(action="region.import").count() == 1


@pytest.mark.django_db
def test_import_again_updates_names():
    import_regions(GOOD.encode(), "regions.csv")
    result = import_regions("code,name\n340828100000,天堂新镇\n".encode(), "rename.csv")
    assert result["updated"] == 1
    assert Region.objects.get(code="340828100000").name == "天堂新镇"


@pytest.mark.django_db
def test_bad_rows_are_listed_by_line_and_nothing_is_written():
    text = GOOD + "340828100799,坏村,\n340828105000,孤镇,\n340828100200001,重复组,\n,无码村,\n"
    with pytest.raises(Invalid) as exc:
        import_regions(text.encode(), "bad.csv")
    messages = exc.value.messages
    assert any("第7行" in m and "村级代码「799」" in m for m in messages), messages
    assert not any("第8行" in m for m in messages)  # a new township under a county in the file is fine
    assert any(m.startswith("文件「bad.csv」第9行") and "与第6行重复" in m for m in messages), messages
    assert any("第10行" in m and "12位" in m for m in messages), messages
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_missing_parent_is_named():
    with pytest.raises(Invalid) as exc:
        import_regions("code,name\n340828100200,某村\n".encode(), "orphan.csv")
    assert exc.value.messages == ["文件「orphan.csv」第2行「上级（parent）」列：上级区划「340828100000」不存在（既不在文件中也不在系统中）"]
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_parent_column_must_agree_with_code():
    with pytest.raises(Invalid) as exc:
        import_regions("code,name,parent\n340800000000,安庆市,\n340828000000,岳西县,340700000000\n".encode(), "p.csv")
    assert "第3行" in exc.value.messages[0] and "不一致" in exc.value.messages[0]


@pytest.mark.django_db
def test_unknown_header_and_wrong_file_type():
    with pytest.raises(Invalid, match="表头「邮编」无法识别"):
        import_regions("code,name,邮编\n".encode(), "x.csv")
    with pytest.raises(Invalid, match="不支持的文件类型"):
        import_regions(b"whatever", "x.pdf")


@pytest.mark.django_db
def test_xlsx_import():
    wb = Workbook()
    ws = wb.active
    ws.append(["区划代码", "名称"])
    ws.append([340800000000, "安庆市"])  # a number cell, as Excel users type it
    ws.append(["340825000000", "太湖县"])
    buf = io.BytesIO()
    wb.save(buf)
    assert import_regions(buf.getvalue(), "regions.xlsx")["created"] == 2


@pytest.mark.django_db
def test_gbk_csv_is_read():
    assert import_regions("代码,名称\n340800000000,安庆市\n".encode("gbk"), "gbk.csv")["created"] == 1


@pytest.mark.django_db
def test_cli_import_reports_errors_and_exits_nonzero(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n340828100200,某村\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第2行"):
        call_command("regions", "import", str(bad))
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("regions", "import", str(good), stdout=out)
    assert "新增 5 个" in out.getvalue()


def test_tree_page_shows_children_and_exports(demo, as_user):
    c = as_user(demo.county)
    resp = c.get("/regions/340828000000/")
    assert resp.status_code == 200
    towns = Region.objects.filter(parent_id="340828000000")
    for t in towns:
        assert t.name in resp.content.decode()
    resp = c.get("/regions/340828000000/?format=xlsx")
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")


def test_region_import_page_for_county_only(demo, as_user):
    assert as_user(demo.township).get("/regions/import/").status_code == 403
    c = as_user(demo.county)
    resp = c.post("/regions/import/", {"file": SimpleUploadedFile("r.csv", "code,name\n340828100799,坏\n".encode())})
    assert resp.status_code == 422  # the problem list, nothing written
    assert "村级代码「799」" in resp.content.decode() and "未保存任何数据" in resp.content.decode()
