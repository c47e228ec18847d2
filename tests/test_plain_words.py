"""Plain words: the pages speak Chinese and no internal terms — no "system", no English role
codes in a placeholder, no 哈希/链头 (a 防篡改校验码 with one line saying what it proves), no
"草稿#32126", no "岳西县（县（区、市））", and no API documentation in village users' menus."""

import re
from pathlib import Path

import pytest

from sanwu.regions.models import Region
from tests.ledger.conftest import book, post_journal  # noqa: F401  (the fixture)

SRC = Path(__file__).resolve().parents[1] / "src" / "sanwu"
# Internal words no page may show (templates are what pages are made of).
BANNED = {
    "哈希": "防篡改校验码",
    "链头": "账簿防篡改校验码",
    "如 cash": "如 库存现金",
    "草稿#": "草稿（记账时编号）",
    "（{{ r.level_label }}）": "{{ r.display_name }}",
    "（{{ region.level_label }}）": "{{ region.display_name }}",
}

JOURNAL = """
2025-03-05 支付村部维修材料款
  513   1500.00  -        cash  县建材店
  101   -        1500.00  cash  县建材店
"""


def test_no_template_shows_an_internal_word():
    found = []
    for path in SRC.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(SRC)}: {word}（应为「{instead}」）" for word, instead in BANNED.items() if word in text]
    assert found == []


def test_a_posted_voucher_shows_its_tamper_proof_code_and_what_it_proves(demo, as_user, book):  # noqa: F811
    v = post_journal(demo.accountant, book, JOURNAL)[0]
    body = as_user(demo.township).get(f"/books/{book.code}/vouchers/{v.pk}/").content.decode()
    assert "防篡改校验码" in body and "上一张的校验码" in body and "哈希" not in body
    assert "记账后有人改动、删除或调换任何一张凭证，校验就对不上" in body
    assert as_user(demo.other_township).get(f"/books/{book.code}/vouchers/{v.pk}/").status_code == 404


def test_a_draft_is_named_without_its_database_number(demo, book):  # noqa: F811
    from sanwu.ledger import services
    from tests.ledger.journal import parse

    draft = services.save_draft(demo.accountant, book, parse(JOURNAL)[0])
    assert draft.label == "2025-03 草稿（记账时编号）" and "#" not in str(draft)


@pytest.mark.parametrize("code, shown", [("340828000000", "岳西县"), ("340828100000", "主簿镇"), ("340828100200", "大歇村")])
def test_a_region_whose_name_says_its_level_is_shown_alone(demo, code, shown):
    assert Region.objects.get(code=code).display_name == shown
    assert Region(code="340828199000", name="城南", level="township").display_name == "城南（乡镇（街道））"


def test_the_dashboard_names_the_county_once(demo, as_user):
    body = as_user(demo.county).get("/oversight/dashboard/?region=340828000000").content.decode()
    assert "岳西县" in body and "（县（区、市））" not in body


def test_no_python_source_names_the_operator_system_to_people():
    hits = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"""actor_name\s*=.*["']system["']""", line) or "草稿#" in line:
                hits.append(f"{path.relative_to(SRC)}:{n}")
    assert hits == []
