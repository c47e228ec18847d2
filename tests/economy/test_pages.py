"""The economy pages through the test client: what the county, the township, the village and the
auditor see; exports; and the outsiders (another township, another village, anonymous)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.core.models import AuditEvent
from sanwu.economy.models import EconomySettings
from sanwu.regions.models import Region

from tests.conftest import response_bytes

from .conftest import TOWN1, TOWN2, V1, V4, V5, V6, YUEXI

PAGES = ["economy:overview", "economy:trends", "economy:villages", "economy:awards", "economy:brief"]


def get(client, name, **params):
    return client.get(reverse(name), params)


def xlsx_rows(resp):
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    return list(ws.iter_rows(values_only=True))


def test_county_sees_the_overview(hand, as_user):
    c = as_user(hand.demo.county)
    resp = get(c, "economy:overview", region=YUEXI, year=2025)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "41.17" in html  # 村均经营性收入 41.17万元
    assert "29.15" in html  # 村均经营收益
    assert Region.objects.get(code=V6).name in html  # the top village
    for chart in ("eco-classes", "eco-distribution", "eco-tiers", "eco-children", "eco-children-average"):
        assert f'id="{chart}"' in html and f'data-chart="{chart}"' in html
    assert "<script>" not in html and "style=" not in html  # CSP: no inline scripts or styles
    assert 'vendor/echarts/echarts.min.js' in html and "sanwu/economy.js" in html
    rows = xlsx_rows(get(c, "economy:overview", region=YUEXI, year=2025, format="xlsx"))
    assert rows[1][1] == "岳西县（合计）" and rows[1][2] == 6
    assert {r[0] for r in rows[2:]} == {TOWN1, TOWN2}


def test_pages_answer_for_each_role_in_scope(hand, as_user):
    demo = hand.demo
    for user, region in ((demo.county, YUEXI), (demo.township, TOWN1), (demo.accountant, V1), (demo.secretary, V1), (demo.auditor, YUEXI), (demo.city, "340800000000")):
        c = as_user(user)
        for name in PAGES:
            resp = get(c, name, region=region, year=2025)
            assert resp.status_code == 200, (user.username, name, resp.status_code)


def test_outsiders_get_404_and_anonymous_the_login(hand, as_user, client):
    demo = hand.demo
    for user, region in ((demo.other_township, TOWN1), (demo.other_accountant, V1), (demo.accountant, YUEXI), (demo.township, YUEXI), (demo.township, V4)):
        c = as_user(user)
        for name in PAGES:
            resp = get(c, name, region=region, year=2025)
            assert resp.status_code == 404, (user.username, name, region)
            resp = get(c, name, region=region, year=2025, format="xlsx")
            assert resp.status_code == 404, (user.username, name, region)
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.other_accountant, object_id=V1).exists()
    for name in PAGES + ["economy:settings"]:
        resp = get(client, name, region=YUEXI)
        assert resp.status_code == 302 and resp["Location"].startswith(reverse("login"))


def test_village_user_sees_own_village_only_by_default(hand, as_user):
    c = as_user(hand.demo.accountant)
    resp = get(c, "economy:overview", year=2025)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "大歇村" in html and "70.00" in html and "强村" in html
    assert "/books/E28100200/" in html  # drill down to the book
    rows = xlsx_rows(get(c, "economy:villages", year=2025, format="xlsx"))
    assert len(rows) == 2 and rows[1][1] == V1


def test_village_table_ranks_filters_and_exports_to_the_fen(hand, as_user):
    c = as_user(hand.demo.county)
    resp = get(c, "economy:villages", region=YUEXI, year=2025)
    html = resp.content.decode()
    assert resp.status_code == 200 and html.count("/books/E28") == 6
    rows = xlsx_rows(get(c, "economy:villages", region=YUEXI, year=2025, format="xlsx"))
    head, body = rows[0], rows[1:]
    assert head[:5] == ("排名", "村代码", "村名称", "乡镇", "经营性收入")
    assert [r[1] for r in body] == [V6, "340828100200", V5, "340828100201", V4, "340828100202"]
    first = dict(zip(head, body[0]))
    assert Decimal(str(first["经营性收入"])) == Decimal("1200000.50") and first["类别代码"] == "strong" and first["档次"] == "100万"
    v1 = dict(zip(head, body[1]))
    assert Decimal(str(v1["经营性收入"])) == Decimal("700000.55") and Decimal(str(v1["经营收益"])) == Decimal("520000.25")
    assert Decimal(str(v1["同比增减"])) == Decimal("250000.57") and v1["光伏占经营性收入（%）"] == "14.3"
    strong = xlsx_rows(get(c, "economy:villages", region=YUEXI, year=2025, **{"class": "strong", "format": "xlsx"}))
    assert [r[1] for r in strong[1:]] == [V6, V1]
    tier = xlsx_rows(get(c, "economy:villages", region=YUEXI, year=2025, tier="30000000", format="xlsx"))
    assert [r[1] for r in tier[1:]] == [V6, V1, V5]
    town = xlsx_rows(get(c, "economy:villages", region=YUEXI, year=2025, within=TOWN2, format="xlsx"))
    assert {r[1] for r in town[1:]} == {V4, V5, V6}
    assert "没有符合条件的村" in get(c, "economy:villages", region=YUEXI, year=2025, q="不存在的村").content.decode()
    assert get(c, "economy:villages", region=YUEXI, year=2025, sort="change").status_code == 200


def test_township_sees_its_villages_only(hand, as_user):
    c = as_user(hand.demo.township)
    rows = xlsx_rows(get(c, "economy:villages", region=TOWN1, year=2025, format="xlsx"))
    assert {r[1] for r in rows[1:]} == {"340828100200", "340828100201", "340828100202"}
    resp = get(c, "economy:villages", region=TOWN1, year=2025, within=TOWN2, format="xlsx")
    assert len(xlsx_rows(resp)) == 1  # another township's code filters to nothing, never widens


def test_trends_page_and_export(hand, as_user):
    c = as_user(hand.demo.county)
    resp = get(c, "economy:trends", region=YUEXI, **{"from": 2024, "to": 2025})
    assert resp.status_code == 200
    html = resp.content.decode()
    for chart in ("eco-shares", "eco-average", "eco-trend-tiers"):
        assert f'id="{chart}"' in html
    rows = xlsx_rows(get(c, "economy:trends", region=YUEXI, format="xlsx", **{"from": 2024, "to": 2025}))
    head = rows[0]
    y24, y25 = (dict(zip(head, r)) for r in rows[1:])
    assert (y24["年度"], y24["空壳村"], y24["薄弱村"], y24["强村"]) == (2024, 1, 2, 1)
    assert (y25["年度"], y25["空壳村"], y25["仅光伏村"], y25["强村"], y25["强村占比（%）"]) == (2025, 1, 1, 2, "33.3")
    assert Decimal(str(y25["村均经营性收入"])) == Decimal("411666.86")


def test_bad_year_falls_back_with_a_message(hand, as_user):
    resp = get(as_user(hand.demo.county), "economy:overview", region=YUEXI, year="abc")
    assert resp.status_code == 200 and "年份「abc」无效" in resp.content.decode()


def test_empty_region_says_so(demo, as_user):
    resp = get(as_user(demo.county), "economy:overview", region=YUEXI)
    assert resp.status_code == 200 and "还没有建立账簿的村" in resp.content.decode()
    resp = get(as_user(demo.county), "economy:villages", region=YUEXI)
    assert "还没有建立账簿的村" in resp.content.decode()


# --- county rules ------------------------------------------------------------------------------


def settings_post(**over):
    data = {
        "measure": "operating_income", "roles": ["operating_income", "contracting_income", "investment_income"],
        "hollow_line": "0.00", "weak_line": "150000.00", "strong_line": "500000.00",
        "increment_step": "100000", "increment_award": "5000", "increment_cap": "50000", "cadre_cap": "100000", "cadre_rate": "20",
        "tier_threshold": ["300000", "500000", "1000000", ""], "tier_target": ["3", "2", "1", ""], "tier_award": ["10000", "20000", "50000", ""],
    }
    data.update(over)
    return data


def test_county_supervisor_edits_rules_with_audit(hand, as_user):
    c = as_user(hand.demo.county)
    url = reverse("economy:settings") + f"?county={YUEXI}"
    page = c.get(url)
    assert page.status_code == 200 and "保存规则" in page.content.decode() and EconomySettings.objects.filter(county_id=YUEXI).exists()
    resp = c.post(url, settings_post(strong_line="1000000", weak_line="400000"))
    assert resp.status_code == 302
    s = EconomySettings.objects.get(county_id=YUEXI)
    assert s.strong_line == 100_000_000 and s.weak_line == 40_000_000
    assert [(t.threshold, t.target) for t in s.tiers.all()] == [(30_000_000, 3), (50_000_000, 2), (100_000_000, 1)]
    ev = AuditEvent.objects.get(action="economy.settings.update")
    assert ev.actor == hand.demo.county and ev.old["strong_line"] == 50_000_000 and ev.new["strong_line"] == 100_000_000
    # the figures follow at once: V1 (70万) is no longer strong, V4/V5 are now weak
    rows = xlsx_rows(get(c, "economy:villages", region=YUEXI, year=2025, format="xlsx"))
    classes = {r[1]: r[12] for r in rows[1:]}
    assert classes[V1] == "general" and classes[V6] == "strong" and classes[V5] == "weak" and classes[V4] == "weak"
    html = get(c, "economy:overview", region=YUEXI, year=2025).content.decode()
    assert "已完成" in html


def test_bad_rules_are_listed_and_nothing_saved(hand, as_user):
    c = as_user(hand.demo.county)
    url = reverse("economy:settings") + f"?county={YUEXI}"
    resp = c.post(url, settings_post(weak_line="abc", cadre_rate="20.123", roles=["subsidy_income"], tier_threshold=["300000", "300000"], tier_target=["1", "2"], tier_award=["", ""]))
    html = resp.content.decode()
    assert resp.status_code == 422 and "未保存任何数据" in html  # shows_problems: the page with its problem list
    assert "薄弱村线" in html and "最多两位小数" in html
    resp = c.post(url, settings_post(roles=["subsidy_income"], tier_threshold=["300000", "300000"], tier_target=["1", "2"], tier_award=["", ""]))
    html = resp.content.decode()
    assert "补助收入不计入经营性收入" in html and "重复" in html
    assert not AuditEvent.objects.filter(action="economy.settings.update").exists()


def test_others_may_not_edit_rules(hand, as_user):
    demo = hand.demo
    url = reverse("economy:settings") + f"?county={YUEXI}"
    auditor = as_user(demo.auditor)
    page = auditor.get(url)
    assert page.status_code == 200 and "只有本县的县级监管可以修改规则" in page.content.decode()
    assert auditor.post(url, settings_post()).status_code == 403
    assert as_user(demo.township).get(url).status_code == 403
    assert as_user(demo.accountant).get(url).status_code == 403
    assert as_user(demo.city).post(url, settings_post()).status_code == 403
    assert not AuditEvent.objects.filter(action="economy.settings.update").exists()
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.auditor).exists()


@pytest.mark.parametrize("fmt, kind", [("txt", "text/plain"), ("doc", "application/msword")])
def test_brief_downloads(hand, as_user, fmt, kind):
    resp = get(as_user(hand.demo.county), "economy:brief", region=YUEXI, year=2025, format=fmt)
    assert resp.status_code == 200 and resp["Content-Type"].startswith(kind)
    text = resp.content.decode()
    assert "岳西县6个村村均经营性收入41.17万元" in text and "附表1" in text


def test_brief_pdf_is_made_in_the_background_for_the_one_who_asked(hand, as_user):
    county = as_user(hand.demo.county)
    resp = get(county, "economy:brief", region=YUEXI, year=2025, format="pdf")
    assert resp.status_code == 302
    page = county.get(resp["Location"])
    d = page.context["d"]
    assert d.status == "ready" and d.filename == "集体经济简报-岳西县-2025年.pdf" and d.content_type == "application/pdf"
    assert "下载 集体经济简报-岳西县-2025年.pdf" in page.content.decode()
    pdf = county.get(reverse("core:download_file", args=[d.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"].startswith("attachment")
    assert response_bytes(pdf).startswith(b"%PDF")
    # the outsider — another user, here a township supervisor of the same county — gets 404
    town = as_user(hand.demo.township)
    for name in ("core:download", "core:download_status", "core:download_file"):
        assert town.get(reverse(name, args=[d.pk])).status_code == 404
    # a region outside the user's scope queues nothing and answers 404
    assert get(town, "economy:brief", region=YUEXI, year=2025, format="pdf").status_code == 404
