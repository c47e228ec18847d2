"""The disclosure pages inside the platform: list with filters and Excel, prepare, confirm and
publish with a confirmation before anything irreversible, the check, the settings; outsiders."""

import re

from django.test import Client

from sanwu.core.models import AuditEvent
from sanwu.disclosure import services
from sanwu.disclosure.models import Disclosure
from tests.conftest import finance_reviewed

from .test_disclosures import DAXIE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_accountant_prepares_the_secretary_confirms_and_publishes_on_the_pages(demo, book, march, as_user):
    acc, sec = as_user(demo.accountant), as_user(demo.secretary)
    page = acc.get("/disclosures/").content.decode()
    assert "从账簿编制公开" in page and 'value="2025-04" selected' in page and "2025年3月（有记账）" in page and "您的管辖范围内还没有财务公开" in page
    assert "从账簿编制公开" not in sec.get("/disclosures/").content.decode()  # the secretary does not prepare
    resp = acc.post("/disclosures/prepare/", {"book": book.code, "period": "2025-03"})
    d = Disclosure.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/disclosures/{d.pk}/"
    page = acc.get(f"/disclosures/{d.pk}/").content.decode()
    assert "待书记确认" in page and "书记确认</button>" not in page and "按账簿重新编制" in page
    assert "65,000.50" in page and "王*明" in page
    page = sec.get(f"/disclosures/{d.pk}/").content.decode()
    assert "书记确认</button>" in page and 'data-confirm="确认本期公开的数字与账簿一致？"' in page
    assert acc.post(f"/disclosures/{d.pk}/confirm/").status_code == 403
    assert sec.post(f"/disclosures/{d.pk}/confirm/").status_code == 302
    page = sec.get(f"/disclosures/{d.pk}/").content.decode()
    assert "发布</button>" in page and "不能修改或撤回" in page  # data-confirm before publishing
    assert "发布前还需" in page and "2025年3月尚未进行民主理财" in page  # the supervisory committee's review comes first
    assert "2025年3月尚未进行民主理财" in sec.post(f"/disclosures/{d.pk}/publish/", follow=True).content.decode()
    finance_reviewed(book, 2025, 3)
    assert "发布前还需" not in sec.get(f"/disclosures/{d.pk}/").content.decode()
    assert sec.post(f"/disclosures/{d.pk}/publish/").status_code == 302
    d.refresh_from_db()
    assert d.status == "published"
    page = acc.get(f"/disclosures/{d.pk}/").content.decode()
    assert 'data-status>已发布' in page and 'data-check="ok"' in page and "公开栏 PDF" in page
    assert "按账簿重新编制" not in page and "发布</button>" not in page
    # publishing again through the page is refused with the reason
    resp = sec.post(f"/disclosures/{d.pk}/publish/", follow=True)
    assert "已经发布" in resp.content.decode()


def test_bad_periods_are_explained_on_the_list(demo, book, as_user):
    resp = as_user(demo.accountant).post("/disclosures/prepare/", {"book": book.code, "period": "2025-13"}, follow=True)
    assert "应写作 2020-03" in resp.content.decode()
    assert not Disclosure.objects.exists()


def test_lists_filters_exports_and_outsiders(demo, book, other_book, march, as_user):
    finance_reviewed(book, 2025, 3)
    d = services.publish(demo.secretary, services.confirm(demo.secretary, services.prepare(demo.accountant, book, 2025, 3)))
    county = as_user(demo.county)
    page = county.get("/disclosures/").content.decode()
    assert "大歇村" in page and "2025年3月" in page and "已发布" in page
    assert "没有符合条件" in county.get("/disclosures/?status=draft").content.decode()
    assert "大歇村" in county.get("/disclosures/?q=大歇").content.decode()
    x = county.get("/disclosures/?format=xlsx")
    assert x.status_code == 200 and x["Content-Type"] == XLSX
    assert county.get(f"/disclosures/{d.pk}/?format=xlsx")["Content-Type"] == XLSX
    assert county.get(f"/disclosures/{d.pk}/?format=xlsx&part=items")["Content-Type"] == XLSX
    # outsiders: another village's accountant and another township see nothing, may do nothing
    for outsider in (demo.other_accountant, demo.other_township):
        c = as_user(outsider)
        assert "大歇村" not in c.get("/disclosures/").content.decode()
        assert c.get(f"/disclosures/{d.pk}/").status_code == 404
        assert c.post(f"/disclosures/{d.pk}/confirm/").status_code == 404
    assert as_user(demo.other_accountant).post("/disclosures/prepare/", {"book": book.code, "period": "2025-03"}).status_code == 404
    assert Client().get("/disclosures/").status_code == 302


def test_the_county_supervisor_sets_the_countys_rules_on_the_settings_page(demo, as_user):
    county = as_user(demo.county)
    page = county.get("/disclosures/settings/").content.decode()
    assert "岳西县" in page and 'name="frequency"' in page
    resp = county.post("/disclosures/settings/", {"county": "340828000000", "frequency": "quarterly", "due_day": "15", "answer_days": "5"})
    assert resp.status_code == 302
    s = services.settings_for(DAXIE)
    assert (s.frequency, s.due_day, s.answer_days) == ("quarterly", 15, 5)
    bad = county.post("/disclosures/settings/", {"county": "340828000000", "frequency": "quarterly", "due_day": "31", "answer_days": "5"})
    assert "未保存任何数据" in bad.content.decode()
    assert county.post("/disclosures/settings/", {"county": "340825000000", "frequency": "monthly", "due_day": "10", "answer_days": "7"}).status_code == 404
    town = as_user(demo.township)
    page = town.get("/disclosures/settings/").content.decode()
    assert "每季度公开" in page and 'name="frequency"' not in page  # read-only below the county
    assert town.post("/disclosures/settings/", {"county": "340828000000", "frequency": "monthly", "due_day": "10", "answer_days": "7"}).status_code == 403
    assert services.settings_for(DAXIE).frequency == "quarterly"


def test_internal_pages_are_csp_clean(demo, book, march, as_user):
    finance_reviewed(book, 2025, 3)
    d = services.publish(demo.secretary, services.confirm(demo.secretary, services.prepare(demo.accountant, book, 2025, 3)))
    q = services.ask(DAXIE, "村部维修花了多少钱？")
    c = as_user(demo.county)
    for path in ("/disclosures/", f"/disclosures/{d.pk}/", "/disclosures/settings/", "/questions/", f"/questions/{q.pk}/", "/questions/stats/"):
        resp = c.get(path)
        assert resp.status_code == 200, path
        html = resp.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, (path, tag)
        assert not re.search(r"<[^>]+\son[a-z]+=", html), path
        assert not re.search(r"<[^>]+\sstyle=", html), path
        assert "sanwu/disclosure.css" in html


def test_the_settings_picker_offers_a_township_its_own_county_read_only_and_refuses_a_change(demo, as_user):
    town = as_user(demo.township)
    page = town.get("/disclosures/settings/").content.decode()
    assert "岳西县" in page and 'name="frequency"' not in page
    assert "太湖县" not in page  # a county the township does not lie in
    resp = town.post("/disclosures/settings/", {"county": "340828000000", "frequency": "quarterly", "due_day": "15", "answer_days": "5"})
    assert resp.status_code == 403 and "无权访问" in resp.content.decode()
    assert services.settings_for(DAXIE).frequency == "monthly"
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.township, object_type="disclosure.settings").count() == 1
    other = town.post("/disclosures/settings/", {"county": "340825000000", "frequency": "quarterly", "due_day": "15", "answer_days": "5"})
    assert other.status_code == 404
