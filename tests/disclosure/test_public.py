"""The public village page (no login), a published disclosure, its QR code and its A4 notice, and
the public read-only API — published data only, small, CSP-clean."""

import re
from urllib.parse import quote

import pytest
from django.test import Client

from sanwu.disclosure import services
from sanwu.disclosure.views.public import public_url

from . import pdftext
from .conftest import body
from .test_disclosures import DAXIE

GUANHE = "340828101200"


def _csp_clean(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\sstyle=", html), "inline style attribute"
    assert not re.search(r"<style", html), "style element"
    assert not re.search(r"\son[a-z]+=", html), "event handler attribute"


def test_the_village_page_shows_the_latest_published_month_to_anyone(demo, book, published):
    resp = Client().get(f"/v/{DAXIE}/")
    assert resp.status_code == 200
    html = resp.content.decode()
    _csp_clean(html)
    assert len(resp.content) < 30_000
    assert "echarts" not in html and "htmx" not in html
    assert "大歇村" in html and "主簿镇" in html and "岳西县" in html
    # March 2025 is the latest published and nothing was booked since: it is the latest, not late
    assert 'data-latest="2025-03"' in html and "最近一期公开：2025年3月" in html and "逾期未公开" not in html
    assert "65,000.50 元" in html and "800.00 元" in html  # income and expenditure of the month
    assert "经营收入<small>（村集体自己挣的钱" in html  # jargon explained
    assert "data-toggle-large" in html and "sanwu/public.js" in html and "sanwu/public.css" in html
    assert "已核对：发布后账簿没有被改动" in html
    assert f'href="/v/{DAXIE}/d/{published.pk}/"' in html
    assert f"/v/{DAXIE}/qr.svg" in html and f"/v/{DAXIE}/d/{published.pk}/notice.pdf" in html
    assert "http://testserver/v/340828100200/" in html  # what the QR code encodes


def test_drafts_and_confirmed_figures_are_not_public(demo, book, confirmed):
    html = Client().get(f"/v/{DAXIE}/").content.decode()
    assert "本村还没有发布财务公开" in html and "65,000.50" not in html
    assert Client().get(f"/v/{DAXIE}/d/{confirmed.pk}/").status_code == 404
    assert Client().get(f"/v/{DAXIE}/d/{confirmed.pk}/notice.pdf").status_code == 404
    assert body(Client().get(f"/api/v1/public/villages/{DAXIE}"))["latest"] is None
    assert Client().get(f"/api/v1/public/villages/{DAXIE}/disclosures/{confirmed.pk}").status_code == 404


def test_the_disclosure_page_lists_every_voucher_masked(demo, book, published):
    resp = Client().get(f"/v/{DAXIE}/d/{published.pk}/")
    html = resp.content.decode()
    _csp_clean(html)
    assert resp.status_code == 200
    assert html.count('class="item ') == 5
    assert "王*明" in html and "王德明" not in html and "13912345678" not in html and "340828195001011234" not in html
    assert "国网岳西县供电公司" in html
    assert "往来" in html and "不算收入也不算支出" in html
    # another village's address does not lead to it
    assert Client().get(f"/v/{GUANHE}/d/{published.pk}/").status_code == 404
    assert Client().get("/v/340828199999/").status_code == 404
    assert Client().get(f"/v/{GUANHE}/").status_code == 200  # a village with nothing published yet


def test_the_qr_code_points_at_the_village_page(demo):
    url = public_url(DAXIE, "http://testserver")
    assert url == "http://testserver/v/340828100200/"
    png = Client().get(f"/v/{DAXIE}/qr.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert png.content == services.qr_png(url)
    svg = Client().get(f"/v/{DAXIE}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert svg.content == services.qr_svg(url)
    # The one Content-Disposition writer (core.tables.disposition): inline, the Chinese name kept, an ASCII fallback.
    assert png["Content-Disposition"] == "inline; filename=\"file.png\"; filename*=utf-8''" + quote("大歇村二维码.png")
    assert svg["Content-Disposition"].startswith("inline; filename=\"file.svg\"; filename*=utf-8''")
    assert Client().get("/v/340828199999/qr.png").status_code == 404


def test_the_qr_code_uses_the_configured_public_address(demo, settings):
    settings.SANWU_PUBLIC_BASE_URL = "https://sanwu.example.cn"
    png = Client().get(f"/v/{DAXIE}/qr.png")
    assert png.content == services.qr_png("https://sanwu.example.cn/v/340828100200/")


def test_the_notice_for_the_notice_board_is_an_a4_pdf_with_the_tables_and_the_qr_code(demo, book, published):
    resp = Client().get(f"/v/{DAXIE}/d/{published.pk}/notice.pdf")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf" and resp.content.startswith(b"%PDF")
    text = pdftext.text(resp.content)
    for words in ("大歇村财务公开", "2025年3月", "65,000.50", "一、收入", "二、支出", "三、家底", "四、收支明细", "王*明", "http://testserver/v/340828100200/"):
        assert words in text, words
    assert "王德明" not in text and "13912345678" not in text
    assert "扫码看手机版" in text
    heads = b" ".join(head for head, _ in pdftext.objects(resp.content).values())
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", heads)
    assert box and abs(float(box.group(1)) - 595.28) < 1 and abs(float(box.group(2)) - 841.89) < 1  # A4 portrait


def test_the_public_api_shows_what_the_page_shows(demo, book, published):
    c = Client()
    v = body(c.get(f"/api/v1/public/villages/{DAXIE}"))
    assert (v["code"], v["name"], v["township"], v["county"]) == (DAXIE, "大歇村", "主簿镇", "岳西县")
    assert [d["period"] for d in v["disclosures"]] == ["2025-03"]
    latest = v["latest"]
    assert latest["id"] == published.pk and latest["check"]["ok"] is True
    f = latest["figures"]
    assert f["income_total"]["period_fen"] == 6500050 and f["expense_total"]["period_fen"] == 80000
    assert [i["counterparty"] for i in f["items"]] == ["国网岳西县供电公司", "王*明", "主簿镇财政所", "李*英", ""]
    assert v["questions"] == [] and v["decisions"] == []
    one = body(c.get(f"/api/v1/public/villages/{DAXIE}/disclosures/{published.pk}"))
    assert one["figures"] == f and one["chain_head"] == published.chain_head
    assert body(c.get(f"/api/v1/public/villages/{DAXIE}/disclosures"))[0]["income_fen"] == 6500050
    assert body(c.get(f"/api/v1/public/villages/{DAXIE}/questions")) == []
    assert body(c.get(f"/api/v1/public/villages/{DAXIE}/decisions")) == []
    assert c.get("/api/v1/public/villages/340828199999").status_code == 404
    assert c.get(f"/api/v1/public/villages/{GUANHE}/disclosures/{published.pk}").status_code == 404
    text = c.get(f"/api/v1/public/villages/{DAXIE}").content.decode()
    assert "王德明" not in text and "13912345678" not in text and "340828195001011234" not in text
    # read-only: nothing to post, and the internal API needs a token
    assert c.post(f"/api/v1/public/villages/{DAXIE}/questions", {}, content_type="application/json").status_code == 405
    assert c.get("/api/v1/disclosures").status_code == 401
    assert c.get("/api/v1/questions").status_code == 401


@pytest.mark.parametrize("path", ["/v/{code}/", "/v/{code}/d/{pk}/"])
def test_public_pages_need_no_login_and_never_redirect(demo, book, published, path):
    resp = Client().get(path.format(code=DAXIE, pk=published.pk))
    assert resp.status_code == 200 and "登录" not in resp.content.decode()
