"""The oversight pages: live feed (polled by htmx), warnings and their handling, the dashboards,
the review queue and the county parameters. Owner, member and outsider for each."""

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from sanwu.core.models import AuditEvent
from sanwu.ledger import services as ledger
from sanwu.oversight import services
from sanwu.oversight.models import Warning, WarningEvent
from sanwu.oversight.services import params_for
from tests.conftest import downloaded, response_bytes

from .conftest import post_journal

JOURNAL = """
2025-03-05 支付村部维修材料款
  513   1500.00  -        cash  县建材店
  101   -        1500.00  cash  县建材店
2025-03-06 收到光伏发电收入
  102   8800.00  -        bank  国网岳西县供电公司
  501   -        8800.00  bank  pv
"""
OTHER = """
2025-03-05 支付关河村保洁费
  513   2600.00  -        cash  保洁员
  101   -        2600.00  cash  保洁员
"""


@pytest.fixture
def posted(demo, book, other_book):
    mine = post_journal(demo.accountant, book, JOURNAL)
    theirs = post_journal(demo.other_accountant, other_book, OTHER)
    return mine, theirs


def page(client, url, status=200):
    resp = client.get(url)
    assert resp.status_code == status, (url, resp.status_code)
    return resp.content.decode() if status == 200 else resp


def no_inline_script(body: str) -> None:
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<[^>]+\son[a-z]+=", body)
    assert not re.search(r"<[^>]+\sstyle=", body)


def xlsx_rows(resp):
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


# --- the live feed ----------------------------------------------------------------------------


def test_the_township_sees_its_villages_postings_flagged_and_polled(demo, as_user, posted):
    (pay, income), (other,) = posted
    body = page(as_user(demo.township), "/oversight/feed/")
    no_inline_script(body)
    assert 'hx-trigger="every 3s"' in body and 'hx-get="/oversight/feed/rows/"' in body
    assert "支付村部维修材料款" in body and "收到光伏发电收入" in body
    assert "支付关河村保洁费" not in body  # another township
    assert f'href="/books/{pay.book.code}/vouchers/{pay.pk}/"' in body
    row = re.search(rf'<tr data-voucher="{pay.pk}"[^>]*>', body).group(0)
    assert 'class="flagged sev-medium"' in row
    assert re.search(rf'<tr data-voucher="{income.pk}">', body)  # not flagged
    assert "中 · 现金支付超限额" in body


def test_the_rows_partial_is_what_htmx_swaps_in_and_204_when_nothing_changed(demo, as_user, posted, book):
    town = as_user(demo.township)
    resp = town.get("/oversight/feed/rows/?flagged=1")
    body = resp.content.decode()
    assert "<html" not in body and "支付村部维修材料款" in body and "收到光伏发电收入" not in body
    stamp = re.search(r'name="stamp" id="feed-stamp" value="(\w+)"', body).group(1)
    assert f'value="{stamp}"' in page(town, "/oversight/feed/?flagged=1")  # the page starts with the same stamp
    assert town.get(f"/oversight/feed/rows/?flagged=1&stamp={stamp}").status_code == 204
    post_journal(demo.accountant, book, "2025-03-07 支付保洁工资\n  513  1200.00  -  cash\n  101  -  1200.00  cash\n")
    resp = town.get(f"/oversight/feed/rows/?flagged=1&stamp={stamp}")
    assert resp.status_code == 200 and "支付保洁工资" in resp.content.decode()
    w = Warning.objects.filter(village_id="340828100200").first()
    new_stamp = re.search(r'id="feed-stamp" value="(\w+)"', resp.content.decode()).group(1)
    assert new_stamp != stamp and town.get(f"/oversight/feed/rows/?flagged=1&stamp={new_stamp}").status_code == 204
    w.severity = "high"  # what the row shows changed: the table is sent again
    w.save(update_fields=["severity"])
    assert town.get(f"/oversight/feed/rows/?flagged=1&stamp={new_stamp}").status_code == 200


def test_each_sees_only_their_scope(demo, as_user, posted):
    assert "支付村部维修材料款" in page(as_user(demo.accountant), "/oversight/feed/")
    assert "支付关河村保洁费" not in page(as_user(demo.accountant), "/oversight/feed/")
    other = page(as_user(demo.other_township), "/oversight/feed/")
    assert "支付关河村保洁费" in other and "支付村部维修材料款" not in other
    other = page(as_user(demo.other_accountant), "/oversight/feed/rows/")
    assert "支付村部维修材料款" not in other
    county = page(as_user(demo.county), "/oversight/feed/")
    assert "支付关河村保洁费" in county and "支付村部维修材料款" in county
    assert "支付村部维修材料款" in page(as_user(demo.auditor), "/oversight/feed/")
    assert Client().get("/oversight/feed/").status_code == 302  # anonymous: to the login page


@pytest.mark.parametrize(
    "query, shown",
    [
        ("settlement=cash", {"支付村部维修材料款", "支付关河村保洁费"}),
        ("settlement=bank", {"收到光伏发电收入"}),
        ("min=2000", {"收到光伏发电收入", "支付关河村保洁费"}),
        ("min=1000&max=2000", {"支付村部维修材料款"}),
        ("account=cash", {"支付村部维修材料款", "支付关河村保洁费"}),
        ("account=库存现金", {"支付村部维修材料款", "支付关河村保洁费"}),  # the role's Chinese name, as the picker offers it
        ("account=501", {"收到光伏发电收入"}),
        ("flagged=1", {"支付村部维修材料款", "支付关河村保洁费"}),
        ("severity=high", set()),
        ("township=340828101000", {"支付关河村保洁费"}),
        ("village=340828100200", {"支付村部维修材料款", "收到光伏发电收入"}),
    ],
)
def test_feed_filters(demo, as_user, posted, query, shown):
    body = page(as_user(demo.county), f"/oversight/feed/rows/?{query}")
    all_ = {"支付村部维修材料款", "收到光伏发电收入", "支付关河村保洁费"}
    assert {s for s in all_ if s in body} == shown


def test_feed_filter_errors_are_in_chinese(demo, as_user, posted):
    body = page(as_user(demo.county), "/oversight/feed/?min=abc&settlement=cash")
    assert "最低金额：金额「abc」不是数字" in body
    body = page(as_user(demo.county), "/oversight/feed/?min=20&max=10")
    assert "最低金额不能大于最高金额" in body


def test_feed_exports_excel(demo, as_user, posted):
    """The Excel export is made in the background (core.downloads): the click lands on the
    download's page, which links to the file once it is made (at once in tests)."""
    town = as_user(demo.township)
    resp = town.get("/oversight/feed/?format=xlsx")
    assert resp.status_code == 302 and resp["Location"].startswith("/downloads/")
    ws = load_workbook(io.BytesIO(downloaded(town, resp))).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][:4] == ["记账时间", "乡镇", "村", "账套"]
    summaries = {r[6] for r in rows[1:]}
    assert summaries == {"支付村部维修材料款", "收到光伏发电收入"}
    flagged = [r for r in rows[1:] if r[6] == "支付村部维修材料款"][0]
    assert flagged[7] == 1500 and flagged[8] == "现金" and flagged[10] == "中" and "现金支付超限额" in flagged[11]
    # the outsider (another township's supervisor) cannot open the file, and their own export
    # of the feed holds their township's vouchers only
    other = as_user(demo.other_township)
    assert other.get(resp["Location"]).status_code == 404
    theirs = load_workbook(io.BytesIO(downloaded(other, other.get("/oversight/feed/?format=xlsx")))).active
    assert {r[1] for r in list(theirs.iter_rows(values_only=True))[1:]} == {"五河镇"}


def test_feed_csv_is_streamed_with_the_same_rows(demo, as_user, posted):
    resp = as_user(demo.township).get("/oversight/feed/?format=csv")
    assert resp.streaming and resp["Content-Type"].startswith("text/csv")
    lines = response_bytes(resp).decode().splitlines()
    assert lines[0].startswith("posted_at,township,village,book") and len(lines) == 3
    assert any("支付村部维修材料款" in line and "1500.00" in line for line in lines[1:])
    theirs = response_bytes(as_user(demo.other_township).get("/oversight/feed/?format=csv")).decode().splitlines()[1:]
    assert theirs and all(",五河镇," in line for line in theirs)


def test_feed_is_empty_politely(demo, as_user):
    body = page(as_user(demo.township), "/oversight/feed/")
    assert "还没有符合条件的已记账凭证" in body


# --- warnings -------------------------------------------------------------------------------------


def test_warning_list_scope_filters_and_export(demo, as_user, posted):
    body = page(as_user(demo.township), "/oversight/warnings/")
    no_inline_script(body)
    assert "现金支付 1,500.00元" in body and "2,600.00元" not in body
    body = page(as_user(demo.township), "/oversight/warnings/?rule=no_attachment")
    assert "现金支付 1,500.00元" not in body and "没有原始凭证" in body
    assert "2,600.00元" in page(as_user(demo.other_township), "/oversight/warnings/")
    assert "1,500.00元" not in page(as_user(demo.other_accountant), "/oversight/warnings/")
    rows = xlsx_rows(as_user(demo.county).get("/oversight/warnings/?format=xlsx&status=open"))
    assert rows[0][:3] == ["预警时间", "严重程度", "规则"] and len(rows) == 1 + Warning.objects.count()
    assert as_user(demo.township).get("/oversight/warnings/?region=340828101000").status_code == 404


def cli_warnings(*args) -> str:
    out = io.StringIO()
    call_command("oversight", "warnings", "--format", "csv", *args, stdout=out)
    return out.getvalue()


def test_the_warnings_list_has_the_same_columns_and_rows_on_the_web_and_in_the_cli(demo, as_user, posted):
    web = response_bytes(as_user(demo.township).get("/oversight/warnings/?format=csv")).decode()
    cli = cli_warnings("--as", demo.township.username)
    header = web.splitlines()[0]
    assert cli.splitlines()[0] == header
    assert header.split(",")[:3] == ["created_at", "severity", "rule"] and {"id", "village_code", "voucher", "explanation"} <= set(header.split(","))
    assert cli == web and "现金支付超限额" in cli and "1500.00" in cli
    # The outsider (another township) sees neither our rows on the web nor in the CLI.
    theirs = cli_warnings("--as", demo.other_township.username)
    assert theirs == response_bytes(as_user(demo.other_township).get("/oversight/warnings/?format=csv")).decode()
    assert "1500.00" not in theirs and "2600.00" in theirs
    assert len(cli_warnings().splitlines()) == 1 + Warning.objects.count()  # the system operator: every warning


def test_the_accountant_explains_and_the_township_accepts_on_the_pages(demo, as_user, posted):
    w = Warning.objects.get(rule="cash_over_limit", village_id="340828100200")
    url = f"/oversight/warnings/{w.pk}/"
    body = page(as_user(demo.accountant), url)
    no_inline_script(body)
    assert 'action="/oversight/warnings/%d/explain/"' % w.pk in body and "data-confirm" in body
    assert f'href="/books/{w.voucher.book.code}/vouchers/{w.voucher_id}/"' in body
    resp = as_user(demo.accountant).post(f"{url}explain/", {"text": ""})
    assert resp.status_code == 422 and "请填写情况说明" in resp.content.decode()
    resp = as_user(demo.accountant).post(f"{url}explain/", {"text": "临时用工工资"})
    assert resp.status_code == 302 and resp["Location"] == url
    assert as_user(demo.other_township).get(url).status_code == 404
    assert as_user(demo.other_township).post(f"{url}accept/", {"note": ""}).status_code == 404
    assert as_user(demo.auditor).post(f"{url}accept/", {"note": ""}).status_code == 403
    body = page(as_user(demo.township), url)
    assert "临时用工工资" in body and f'action="/oversight/warnings/{w.pk}/accept/"' in body
    assert as_user(demo.township).post(f"{url}accept/", {"note": "认可"}).status_code == 302
    w.refresh_from_db()
    assert w.status == "accepted"
    body = page(as_user(demo.county), url)
    assert "已认可" in body and "提交情况说明" in body and "认可——认可" in body


def test_a_warning_moved_on_by_the_system_shows_系统_on_its_page(demo, as_user, posted):
    """Explained and settled with no recorded user (the system operator: the CLI, a daily job) —
    the page used to answer 500 reading the name of nobody."""
    w = Warning.objects.get(rule="cash_over_limit", village_id="340828100200")
    services.explain(None, w, "系统补录的说明")
    services.accept(None, Warning.objects.get(pk=w.pk), "系统办结")
    resp = as_user(demo.township).get(f"/oversight/warnings/{w.pk}/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert [e.actor_label for e in WarningEvent.objects.filter(warning=w)] == ["系统", "系统"]
    history = re.sub(r"\s+", " ", body[body.index('aria-label="处理记录"'):])
    assert "系统： 提交情况说明——系统补录的说明" in history and "系统： 认可——系统办结" in history
    assert body.count("系统 · ") == 2  # who explained, who settled
    assert as_user(demo.other_township).get(f"/oversight/warnings/{w.pk}/").status_code == 404


def test_a_region_filter_outside_the_scope_is_refused_in_the_cli_as_on_the_web(demo, as_user, posted):
    assert as_user(demo.township).get("/oversight/warnings/?region=340828101000").status_code == 404
    with pytest.raises(CommandError, match="未找到，或不在您的管辖范围内"):
        cli_warnings("--as", demo.township.username, "--region", "340828101000")
    assert "1500.00" in cli_warnings("--as", demo.township.username, "--region", "340828100200")
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.township, object_type="oversight.warnings").count() == 2


# --- dashboards -----------------------------------------------------------------------------------


def test_township_dashboard_counts_by_village_with_charts_and_exports(demo, as_user, posted):
    body = page(as_user(demo.township), "/oversight/dashboard/")
    no_inline_script(body)
    assert 'id="oversight-chart" type="application/json"' in body and "vendor/echarts/echarts.min.js" in body
    assert re.search(r'data-stat="open"><span class="n">2</span>', body)  # 大歇村: cash over limit + no attachment
    assert "大歇村" in body and "关河村" not in body
    for table in ["villages", "rules", "closings", "disclosures", "questions"]:
        resp = as_user(demo.township).get(f"/oversight/dashboard/?table={table}&format=xlsx")
        assert resp.status_code == 200, table
        xlsx_rows(resp)
    rows = xlsx_rows(as_user(demo.township).get("/oversight/dashboard/?table=villages&format=xlsx"))
    assert rows[1][:4] == ["340828100200", "大歇村", "主簿镇", 2]


def test_county_dashboard_counts_by_township(demo, as_user, posted):
    body = page(as_user(demo.county), "/oversight/dashboard/")
    assert re.search(r'data-stat="open"><span class="n">4</span>', body)
    rows = xlsx_rows(as_user(demo.county).get("/oversight/dashboard/?table=children&format=xlsx"))
    assert [(r[0], r[2]) for r in rows[1:]] == [("340828100000", 2), ("340828101000", 2)]
    body = page(as_user(demo.county), "/oversight/dashboard/?region=340828101000")
    assert re.search(r'data-stat="open"><span class="n">2</span>', body)
    assert as_user(demo.township).get("/oversight/dashboard/?region=340828101000").status_code == 404
    assert as_user(demo.accountant).get("/oversight/dashboard/").status_code == 403
    assert as_user(demo.county).get("/oversight/dashboard/?table=nope&format=xlsx").status_code == 404


def test_dashboard_lists_overdue_closings(demo, as_user, book):
    body = page(as_user(demo.township), "/oversight/dashboard/")
    assert "2025-01" in body and "大歇村" in body  # the book opened 2025-01-01 has closed no month
    assert "逾期未说明" in body


# --- the review queue -----------------------------------------------------------------------------


def test_the_review_queue_shows_submitted_vouchers_in_scope(demo, as_user, book):
    v = ledger.save_draft(demo.accountant, book, ledger.VoucherDraft(
        date=dt.date(2025, 3, 5), summary="待审核的报销", entries=[ledger.EntryDraft("513", debit=5000), ledger.EntryDraft("101", credit=5000)],
    ))
    assert "待审核的报销" not in page(as_user(demo.township), "/oversight/queue/")  # a draft is not waiting
    ledger.submit(demo.accountant, v)
    body = page(as_user(demo.township), "/oversight/queue/")
    no_inline_script(body)
    assert "待审核的报销" in body and f'href="/books/{book.code}/vouchers/{v.pk}/"' in body
    assert "待审核的报销" not in page(as_user(demo.other_township), "/oversight/queue/")
    assert "待审核的报销" in page(as_user(demo.county), "/oversight/queue/?township=340828100000")
    assert as_user(demo.township).get("/oversight/queue/?township=340828101000").status_code == 404
    assert as_user(demo.accountant).get("/oversight/queue/").status_code == 403
    rows = xlsx_rows(as_user(demo.county).get("/oversight/queue/?format=xlsx"))
    assert rows[1][5:7] == ["待审核的报销", 50]


# --- county parameters ----------------------------------------------------------------------------


def test_the_county_sets_its_parameters_on_the_page(demo, as_user):
    body = page(as_user(demo.county), "/oversight/settings/")
    no_inline_script(body)
    assert 'value="1000.00"' in body and 'value="50000.00"' in body
    data = {
        "cash_limit": "500", "large_amount": "30000", "duplicate_days": "10", "round_min": "10000", "round_unit": "10000",
        "close_day": "10", "response_days": "7", "enabled": ["cash_over_limit", "no_attachment"],
    }
    assert as_user(demo.county).post("/oversight/settings/?county=340828000000", data).status_code == 302
    p = params_for("340828000000")
    assert (p.cash_limit, p.large_amount, p.duplicate_days) == (50000, 3000000, 10)
    assert "round_sum" in p.disabled and "cash_over_limit" not in p.disabled
    resp = as_user(demo.county).post("/oversight/settings/?county=340828000000", {**data, "cash_limit": "1.234"})
    assert resp.status_code == 422 and "超过两位小数" in resp.content.decode()
    body = page(as_user(demo.auditor), "/oversight/settings/")
    assert "只读" in body and "<fieldset disabled>" in body
    assert as_user(demo.auditor).post("/oversight/settings/", data).status_code == 403
    for who in (demo.township, demo.accountant):  # offered their own county, read-only; a change is refused
        body = page(as_user(who), "/oversight/settings/")
        assert "<h1>预警参数 <small>岳西县</small></h1>" in body and "<fieldset disabled>" in body and 'value="500.00"' in body
        assert as_user(who).post("/oversight/settings/", data).status_code == 403
        assert as_user(who).get("/oversight/settings/?county=340825000000").status_code == 404  # Taihu: not theirs
    assert params_for("340828000000").cash_limit == 50000
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.accountant, object_type="oversight.settings").count() == 2
