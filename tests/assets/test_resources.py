import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from sanwu.assets import services
from sanwu.assets.imports import import_resources
from sanwu.assets.models import Resource, ResourceEvent
from sanwu.core.codes import township_of
from sanwu.core.errors import Invalid, Refused
from sanwu.regions.models import Region
from tests.conftest import api_client, client_for

SHEET = """资源编号,名称,类型,村民小组,面积（亩）,权属证书,利用方式
ZY-1,河湾茶园,园地,一组,120.5,皖岳集土第001号,发包
ZY-2,后山茅草山,荒山、草山,二组,800,,低效
ZY-3,老林场,林地,,1500.25,,自营
"""


@pytest.fixture
def village(demo):
    code = demo.accountant.role_assignments.get().region_id
    v = Region.objects.get(code=code)
    for i, name in ((1, "一组"), (2, "二组")):
        Region.objects.update_or_create(code=f"{code}{i:03d}", defaults={"name": name, "level": "group", "parent": v})
    return v


def test_a_village_sheet_of_resources_and_areas_by_use_with_what_was_brought_back(demo, village, tmp_path, capsys):
    made = import_resources(demo.accountant, village, SHEET.encode(), "资源.csv")
    assert [(r.number, r.area_cmu, r.use) for r in made] == [("ZY-1", 12_050, "contracted"), ("ZY-2", 80_000, "inefficient"), ("ZY-3", 150_025, "self_run")]
    hill = made[1]
    services.change_use(demo.accountant, hill, "contracted", dt.date(2026, 3, 1), "茅草山公开发包种植油茶")
    assert [e.action for e in ResourceEvent.objects.filter(resource=hill)] == ["import", "use"]
    rows = {r["name"]: r for r in services.areas_by_use(village.code, 2026)}
    assert rows["一组"]["contracted"] == 12_050 and rows["二组"]["contracted"] == 80_000 and rows["二组"]["revived"] == 80_000
    assert rows["合计"]["total"] == 242_075 and rows["合计"]["inefficient"] == 0
    township = {r["region"]: r for r in services.areas_by_use(township_of(village.code), 2026)}
    assert township[village.code]["self_run"] == 150_025 and township[village.code]["revived"] == 80_000
    assert services.areas_by_use(village.code, 2025)[-1]["revived"] == 0
    call_command("assets", "resources", "--region", township_of(village.code), "--format", "json")
    data = {r["region"]: r for r in json.loads(capsys.readouterr().out)}
    assert data[village.code]["self_run"] == "1,500.25" and data[village.code]["revived"] == "800.00"


def test_a_bad_resource_sheet_names_every_problem_and_writes_nothing(demo, village):
    bad = SHEET + "ZY-1,重复,耕地,三组,0,,报废\n"
    with pytest.raises(Invalid) as exc:
        import_resources(demo.accountant, village, bad.encode(), "bad.csv")
    text = "\n".join(exc.value.messages)
    assert "第5行「面积（亩）（area_mu）」列" in text and "利用方式「报废」无效" in text and "村民小组「三组」" in text
    assert not Resource.objects.exists()
    bad = SHEET + "ZY-1,重复,耕地,一组,3,,自营\n"
    with pytest.raises(Invalid, match="资源编号「ZY-1」已登记"):
        import_resources(demo.accountant, village, bad.encode(), "bad.csv")
    assert not Resource.objects.exists()


def test_outsiders_see_no_resources_and_only_the_accountant_changes_them(demo, village):
    (r, *_) = import_resources(demo.accountant, village, SHEET.encode(), "a.csv")
    with pytest.raises(Refused):
        services.change_use(demo.other_accountant, r, "idle", dt.date(2026, 3, 1))
    with pytest.raises(Refused):
        import_resources(demo.township, village, SHEET.encode(), "b.csv")
    assert client_for(demo.other_accountant).get(reverse("assets:resource", args=[r.pk])).status_code == 404
    assert api_client(demo.other_accountant).get("/api/v1/assets/resources").json() == []
    page = client_for(demo.township).get(reverse("assets:resources") + f"?region={township_of(village.code)}")
    assert page.status_code == 200 and "河湾茶园" in page.content.decode()
    c = client_for(demo.accountant)
    assert c.post(reverse("assets:resource_use", args=[r.pk]), {"use": "idle", "on": "2026-04-01", "note": ""}).status_code == 302
    assert Resource.objects.get(pk=r.pk).use == "idle"
    areas = api_client(demo.accountant).get(f"/api/v1/assets/resource-areas/{village.code}").json()
    assert areas[-1]["name"] == "合计" and areas[-1]["total_mu"] == "2,420.75"
