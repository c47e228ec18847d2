"""The cooperative's pages: the list, one cooperative, its roster (masked), holdings and register
with their Excel, the opening import, a change recorded, the county's rules — each with its
owner, the reader in scope and the outsider."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.coop.imports import import_members
from sanwu.coop.models import CoopSettings, ShareOperation
from sanwu.core.audit import AuditEvent
from sanwu.decisions import services as decisions

from ..conftest import client_for, response_bytes
from ..decisions.conftest import advance, village  # noqa: F401  (the fixture)
from .conftest import make_id, sheet
from .test_import import book_of, no_cap, rows  # noqa: F401  (the fixture)


@pytest.fixture
def imported(demo, coop, no_cap):
    book = book_of(coop)
    import_members(demo.accountant, book, sheet(rows()), "名册.csv", dt.date(2025, 1, 1))
    return coop


def url(name, *args):
    return reverse(f"coop:{name}", args=args)


def test_every_page_answers_for_the_owner_and_the_reader(demo, imported):
    c = imported
    for user in (demo.accountant, demo.secretary, demo.township, demo.county, demo.city, demo.auditor):
        client = client_for(user)
        assert client.get(url("list")).status_code == 200
        for name in ("detail", "members", "holdings", "register"):
            r = client.get(url(name, c.pk))
            assert r.status_code == 200, (user, name, r.status_code)
    page = client_for(demo.township).get(url("members", c.pk)).content.decode()
    assert "王*山" in page and "王大山" not in page and make_id(1) not in page  # masked by default


def test_the_outsider_sees_no_member_and_no_register(demo, imported):
    c = imported
    for user in (demo.other_accountant, demo.other_township):
        client = client_for(user)
        for name in ("detail", "members", "holdings", "register", "import", "change_new"):
            assert client.get(url(name, c.pk)).status_code in (403, 404), (user, name)
        assert imported.name not in client.get(url("list")).content.decode()


def test_holdings_and_register_come_out_as_excel(demo, imported):
    client = client_for(demo.township)
    wb = load_workbook(io.BytesIO(response_bytes(client.get(url("holdings", imported.pk) + "?format=xlsx"))))
    values = [[c.value for c in row] for row in wb.active.iter_rows()]
    assert values[0][:3] == ["户号/持股人", "类型", "户主"] and values[1][0] == "001" and values[-1][0] == "集体"
    wb = load_workbook(io.BytesIO(response_bytes(client.get(url("register", imported.pk) + "?format=xlsx"))))
    assert wb.active.max_row == 1 + ShareOperation.objects.filter(collective=imported).count()
    assert b"001" in response_bytes(client.get(url("members", imported.pk) + "?format=csv"))


def test_the_import_page_lists_every_problem_and_writes_nothing(demo, coop, no_cap):
    book_of(coop)
    client = client_for(demo.accountant)
    bad = rows()
    bad[1][3] = "340828197001010021"
    f = io.BytesIO(sheet(bad))
    f.name = "名册.csv"
    r = client.post(url("import", coop.pk), {"file": f})
    assert r.status_code == 200 and "第3行" in r.content.decode() and "身份证号" in r.content.decode()
    assert not ShareOperation.objects.filter(collective=coop).exists()
    f = io.BytesIO(sheet(rows()))
    f.name = "名册.csv"
    r = client.post(url("import", coop.pk), {"file": f})
    assert r.status_code == 302 and ShareOperation.objects.filter(collective=coop).count() == 4
    assert client_for(demo.secretary).get(url("import", coop.pk)).status_code == 403


def test_a_transfer_inside_the_collective_is_recorded_and_one_outside_refused(demo, imported, other_coop):
    client = client_for(demo.accountant)
    cls = imported.share_classes.get(name="人口股")
    form = {"kind": "transfer", "share_class": cls.pk, "from_holder": "001", "to_holder": "002", "shares": "0.5", "on": "2025-06-01", "approval": "理事会2025年第3次会议决定"}
    r = client.post(url("change_new", imported.pk), form)
    assert r.status_code == 302
    op = ShareOperation.objects.filter(collective=imported).order_by("-number").first()
    assert (op.kind, op.units, op.number) == ("transfer", 50, 5)
    assert AuditEvent.objects.filter(action="coop.share_operation", actor=demo.accountant).exists()
    r = client.post(url("change_new", imported.pk), {**form, "to_holder": "999"})
    assert r.status_code == 422 and "没有999户" in r.content.decode()
    r = client.post(url("change_new", imported.pk), {**form, "approval": ""})
    assert r.status_code == 422 and "批准依据" in r.content.decode()
    r = client.post(url("change_new", imported.pk), {**form, "shares": "9"})
    assert r.status_code == 422 and "转出份额超过持有份额" in r.content.decode()
    assert ShareOperation.objects.filter(collective=imported).count() == 5
    # the secretary reads the register but records nothing
    assert client_for(demo.secretary).post(url("change_new", imported.pk), form).status_code == 403


def test_an_adjustment_needs_a_completed_matter(demo, imported, village):
    client = client_for(demo.accountant)
    cls = imported.share_classes.get(name="劳龄股")
    form = {"kind": "adjustment", "share_class": cls.pk, "to_holder": "002", "shares": "1", "on": "2025-06-01"}
    r = client.post(url("change_new", imported.pk), form)
    assert r.status_code == 422 and "已完成的四议两公开事项" in r.content.decode()
    m = decisions.create_matter(demo.secretary, village, "调整劳龄股", "other", purpose="quantification", year=2025)
    advance(demo.secretary, m, "result_published")
    assert client.post(url("change_new", imported.pk), {**form, "matter": m.pk}).status_code == 302


def test_the_county_sets_its_rules_and_others_only_read(demo):
    r = client_for(demo.county).post(
        url("settings") + "?county=340828000000",
        {"holding_unit": "member", "management": "static", "holder_cap": "3", "reserve_rate": "30", "welfare_rate": "5", "outside_rate": "0"},
    )
    assert r.status_code == 302
    conf = CoopSettings.objects.get(county_id="340828000000")
    assert (conf.holding_unit, conf.holder_cap_bp, conf.reserve_rate_bp, conf.welfare_rate_bp) == ("member", 300, 3000, 500)
    bad = client_for(demo.county).post(
        url("settings") + "?county=340828000000",
        {"holding_unit": "member", "management": "static", "holder_cap": "3", "reserve_rate": "90", "welfare_rate": "20", "outside_rate": "0"},
    )
    assert bad.status_code == 422 and "合计不能超过100%" in bad.content.decode()
    assert client_for(demo.township).post(url("settings") + "?county=340828000000", {"holding_unit": "household"}).status_code in (403, 422)
    assert CoopSettings.objects.get(county_id="340828000000").holding_unit == "member"
