"""The audit page reads as Chinese: actions by name (`audit.ACTIONS`, every recorded action
registered), objects by title with a link to their page, people by name, regions by name;
filtered by person, action, object and date; the export the same. Village and township users
have no such page; a county sees its own county's rows only."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sanwu.core import audit
from sanwu.core.dates import today
from sanwu.oversight import services as oversight
from sanwu.oversight.models import Warning
from tests.ledger.conftest import book, post_journal  # noqa: F401  (the fixture)

SRC = Path(__file__).resolve().parents[2] / "src" / "sanwu"
JOURNAL = """
2025-03-05 支付村部维修材料款
  513   1500.00  -        cash  县建材店
  101   -        1500.00  cash  县建材店
"""


@pytest.fixture
def explained(demo, book):  # noqa: F811
    post_journal(demo.accountant, book, JOURNAL)
    w = Warning.objects.get(rule="cash_over_limit")
    oversight.explain(demo.accountant, w, "村部维修急需，已补办手续")
    return w


def rows(body: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tr)).strip() for tr in re.findall(r"<tr data-action.*?</tr>", body, re.S)]


def test_every_recorded_action_has_its_chinese_name():
    recorded = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"(?:audit\.record|\baudit_change)\(\s*(?:user,\s*)?(.{0,200})", text, re.S):
            recorded |= set(re.findall(r'^"([a-z_.]+)"(?: if .*? else "([a-z_.]+)")?', call.group(1), re.S)[0] if re.match(r'"', call.group(1)) else ())
    recorded |= {f"oversight.warning.{a}" for a in ("explain", "accept", "escalate")}
    recorded.discard("")
    assert recorded - set(audit.ACTIONS) == set()
    assert {"voucher.post", "user.disable", "assessment.rectification.check_failed"} <= recorded
    assert audit.action_label("oversight.warning.explain") == "说明预警"


def test_the_county_reads_who_did_what_to_which_object_where(demo, as_user, explained):
    body = as_user(demo.county).get("/audit/").content.decode()
    line = next(r for r in rows(body) if "说明预警" in r)
    assert "大歇村报账员" in line and "预警" in line and "大歇村" in line
    assert "oversight.warning" not in line and "accountant_1" not in line and "340828100200" not in line
    assert f'href="/oversight/warnings/{explained.pk}/">{explained}' in body
    assert 'href="/regions/340828100200/">大歇村</a>' in body
    assert 'href="?actor=accountant_1"' in body
    post = next(r for r in rows(body) if "批量记账" in r)
    assert "账套 大歇村股份经济合作社" in post and "大歇村报账员" in post
    grant = next(r for r in rows(body) if "授予角色" in r and "大歇村报账员" in r.split("授予角色")[1])
    assert grant.split(" ")[2] == "系统"  # the demo's operator, not "system"


def actions(body: str) -> list[str]:
    return re.findall(r'<tr data-action="([^"]+)"', body)


@pytest.mark.parametrize("query, want", [
    ("actor=大歇村报账员", {"oversight.warning.explain", "voucher.batch_post", "book.opening.set", "book.opening.confirm"}),
    ("actor=accountant_1", {"oversight.warning.explain", "voucher.batch_post", "book.opening.set", "book.opening.confirm"}),
    ("action=oversight.warning.explain", {"oversight.warning.explain"}),
    ("action=book", {"book.create", "book.opening.set", "book.opening.confirm"}),
    ("object_type=oversight.warning", {"oversight.warning.explain"}),
])
def test_filters_by_person_action_and_object(demo, as_user, explained, query, want):
    assert set(actions(as_user(demo.county).get(f"/audit/?{query}").content.decode())) == want


def test_filters_by_object_id_and_date(demo, as_user, explained):
    c = as_user(demo.county)
    found = rows(c.get(f"/audit/?object_type=oversight.warning&object_id={explained.pk}").content.decode())
    assert len(found) == 1 and "说明预警" in found[0]
    day = today()
    assert "oversight.warning.explain" in actions(c.get(f"/audit/?since={day}&until={day}").content.decode())
    yesterday = day - dt.timedelta(days=1)
    body = c.get(f"/audit/?since={yesterday - dt.timedelta(days=30)}&until={yesterday}").content.decode()
    assert actions(body) == [] and "没有符合条件的审计记录" in body
    assert "oversight.warning.explain" in actions(c.get("/audit/?since=not-a-date").content.decode())  # ignored, not a 500


def test_the_export_speaks_the_same_words(demo, as_user, explained):
    resp = as_user(demo.county).get("/audit/?action=oversight.warning.explain&format=xlsx")
    ws = load_workbook(io.BytesIO(resp.content)).active
    table = [list(r) for r in ws.iter_rows(values_only=True)]
    header = table[0]
    row = dict(zip(header, next(r for r in table[1:] if "说明预警" in r)))
    assert (row["操作人"], row["用户名"], row["操作"], row["区划"]) == ("大歇村报账员", "accountant_1", "说明预警", "大歇村")
    assert row["对象"].startswith(str(explained)[:10])


def test_village_and_township_users_have_no_audit_page_and_a_county_sees_its_own(demo, as_user, explained):
    for user in (demo.accountant, demo.secretary, demo.township):
        assert as_user(user).get("/audit/").status_code == 403
    audit.record("region.update", object_type="regions.region", object_id="340825000000", region_code="340825000000")  # Taihu
    body = as_user(demo.county).get("/audit/?action=region.update").content.decode()
    assert rows(body) == []
    assert rows(as_user(demo.city).get("/audit/?action=region.update").content.decode())
