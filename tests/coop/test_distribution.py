"""收益分配方案 from the closed books to the households paid: computed from 可分配收益 after the
year-end closing, published 10 days before the members' meeting (Art. 46), decided by a completed
四议两公开 matter, approved by the township (frozen and posted, the closing run again), paid through
the bank's list, the rest left payable. Each step with the user who may not take it."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError

from sanwu.coop.imports import import_members
from sanwu.coop.models import Distribution, DistributionEvent, DividendPayment
from sanwu.coop.services import distribution as dist
from sanwu.core.audit import AuditEvent
from sanwu.core.errors import Invalid, Refused
from sanwu.decisions import services as decisions
from sanwu.ledger import services as ledger
from sanwu.ledger.services.reports import income_statement

from ..decisions.conftest import good, village  # noqa: F401  (the fixture)
from ..ledger.journal import parse
from .conftest import sheet
from .test_import import book_of, no_cap, rows, run  # noqa: F401  (the fixture)

YEAR = 2025
JOURNAL = """
2025-03-01 收到光伏发电收入
  102   100000.00  -          bank
  501   -          100000.00
2025-05-01 支付村道保洁费
  511   20000.00   -          bank
  102   -          20000.00   bank
"""
# 本年收益 80,000.00 元; 30% reserve; the rest over 001 (4.5 shares), 002 (1), 集体 (3).
AVAILABLE, RESERVE, DISTRIBUTABLE = 8_000_000, 2_400_000, 5_600_000
AMOUNTS = {"001": 2_964_706, "002": 658_823, "集体": 1_976_471}


@pytest.fixture
def book(demo, coop, no_cap):
    b = book_of(coop)
    import_members(demo.accountant, b, sheet(rows()), "名册.csv", dt.date(2025, 1, 1))
    ledger.post_drafts(demo.accountant, b, parse(JOURNAL))
    return b


@pytest.fixture
def closed(demo, book):
    ledger.close_year(demo.accountant, book, YEAR)
    return book


def dividend_matter(demo, village, meeting_on=dt.date(2026, 1, 16), meeting_type="coop_members"):  # noqa: F811
    """A 收益分配 matter decided by the members' meeting on `meeting_on`, its resolution published."""
    m = decisions.create_matter(demo.secretary, village, "2025年度股份分红", "other", purpose="dividend", amount=DISTRIBUTABLE, year=2026)
    start = meeting_on - dt.timedelta(days=12)
    for i, stage in enumerate(("proposal", "committees", "members_meeting")):
        decisions.record_stage(demo.secretary, m, stage, good(stage, start + dt.timedelta(days=i)))
    kw = dict(meeting_type=meeting_type, entitled=3, present=3, votes_for=3, votes_against=0, votes_abstain=0, notice_date=start)
    decisions.record_stage(demo.secretary, m, "villagers_meeting", good("villagers_meeting", meeting_on, **kw))
    decisions.record_stage(demo.secretary, m, "resolution_published", good("resolution_published", meeting_on + dt.timedelta(days=1)))
    return m


def pdf_text(data: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def by_household(d):
    return {row["household"]: row["amount"] for row in dist.plan_rows(d)}


def test_no_plan_before_the_year_end_closing(demo, book):
    with pytest.raises(Invalid, match="尚未完成2025年年终结转"):
        dist.compute(book, YEAR)


def test_the_plan_comes_from_the_closed_books_and_sums_exactly(demo, closed):
    c = dist.compute(closed, YEAR)
    assert (c.plan.available, c.plan.reserve, c.plan.distributable) == (AVAILABLE, RESERVE, DISTRIBUTABLE)
    assert {ln.key: ln.amount for ln in c.lines} == AMOUNTS
    assert sum(ln.amount for ln in c.lines) == DISTRIBUTABLE
    assert c.plan.per_share == "658823.5294"
    half = dist.compute(closed, YEAR, reserve_rate_bp=5000)
    assert (half.plan.reserve, half.plan.distributable) == (4_000_000, 4_000_000)


def test_from_draft_to_paid_each_step_by_its_role(demo, closed, village):  # noqa: F811
    with pytest.raises(Refused):
        dist.draft(demo.other_accountant, closed, YEAR)
    d = dist.draft(demo.accountant, closed, YEAR)
    assert d.status == "draft" and by_household(d) == AMOUNTS
    d = dist.draft(demo.accountant, closed, YEAR)  # drafting again recomputes the draft
    assert Distribution.objects.filter(book=closed, year=YEAR).count() == 1
    with pytest.raises(Refused):
        dist.publish(demo.township, d, dt.date(2026, 1, 5))
    d = dist.publish(demo.accountant, d, dt.date(2026, 1, 5))
    # Art. 46: a meeting held 9 days after publication does not count
    early = dividend_matter(demo, village, meeting_on=dt.date(2026, 1, 14))
    with pytest.raises(Invalid, match="不足10日"):
        dist.decide(demo.secretary, d, early)
    m = dividend_matter(demo, village)
    with pytest.raises(Refused):
        dist.decide(demo.accountant, d, m)
    d = dist.decide(demo.secretary, d, m)
    assert (d.status, d.meeting_on) == ("decided", dt.date(2026, 1, 16))
    with pytest.raises(Refused):
        dist.approve(demo.other_township, d)
    closed.refresh_from_db()
    head = closed.chain_head
    d = dist.approve(demo.township, d)
    assert d.status == "posted" and d.chain_head == head and dist.is_intact(d)
    st = income_statement(closed, YEAR)["by_label"]
    assert st["减：提取公积公益金"] == RESERVE
    assert st["向成员分配"] == AMOUNTS["001"] + AMOUNTS["002"]
    assert st["其他"] == AMOUNTS["集体"]  # the collective's own share stays with the collective
    assert st["年末未分配收益"] == 0 and ledger.year_end_left(closed, YEAR) == []
    assert [e.action for e in DistributionEvent.objects.filter(distribution=d)] == ["draft", "recompute", "publish", "decide", "approve", "post"]
    # the bank's list: the accountant and the township only, full account numbers, audited
    with pytest.raises(Refused):
        dist.bank_list(demo.secretary, d)
    bank = dist.bank_list(demo.accountant, d)
    assert [(r["户号"], r["收款人户名"], r["收款账号"], r["金额"]) for r in bank.rows] == [
        ("001", "王大山", "6228480012345678", AMOUNTS["001"]), ("002", "张小河", "", AMOUNTS["002"]),
    ]
    assert AuditEvent.objects.filter(action="coop.distribution.bank_list", object_id=str(d.pk)).count() == 1
    # paying 001 leaves 002 payable
    with pytest.raises(Refused):
        dist.pay(demo.other_accountant, d, ["001"], dt.date(2026, 2, 1))
    v = dist.pay(demo.accountant, d, ["001"], dt.date(2026, 2, 1))
    assert v.status == "submitted" and sum(e.debit for e in v.entries.all()) == AMOUNTS["001"]
    assert [dist.line_key(ln) for ln in dist.unpaid_lines(d)] == ["002"]
    assert DividendPayment.objects.filter(line__distribution=d).count() == 1 and dist.paid_total(d) == AMOUNTS["001"]
    with pytest.raises(Invalid, match="001户不在待支付名单中"):
        dist.pay(demo.accountant, d, ["001"], dt.date(2026, 2, 2))
    assert [r["户号"] for r in dist.bank_list(demo.township, d).rows] == ["002"]
    # the village page shows the approved plan, paid and owed, and no household
    from django.test import Client

    html = Client().get(f"/v/{closed.region_id}/").content.decode()
    assert "2025年收益分配（乡镇已审核）" in html and "29,647.06" in html and "6,588.23" in html
    assert "王大山" not in html and "张小河" not in html


def test_the_meeting_must_be_of_the_members_and_the_matter_of_this_village(demo, closed, village):  # noqa: F811
    d = dist.publish(demo.accountant, dist.draft(demo.accountant, closed, YEAR), dt.date(2026, 1, 5))
    villagers = dividend_matter(demo, village, meeting_type="representatives")
    with pytest.raises(Invalid, match="须由集体经济组织成员大会"):
        dist.decide(demo.secretary, d, villagers)
    with pytest.raises(Invalid, match="请选择"):
        dist.decide(demo.secretary, d, None)


def test_books_changed_after_the_draft_stop_the_approval(demo, closed, village):  # noqa: F811
    d = dist.publish(demo.accountant, dist.draft(demo.accountant, closed, YEAR), dt.date(2026, 1, 5))
    d = dist.decide(demo.secretary, d, dividend_matter(demo, village))
    ledger.reopen_year(demo.county, closed, YEAR, "补记12月收入")
    ledger.post_drafts(demo.accountant, closed, parse("2025-12-20 补记租金收入\n  102   1000.00  -  bank\n  501   -  1000.00\n"))
    ledger.close_year(demo.accountant, closed, YEAR)
    with pytest.raises(Invalid, match="请撤回后重新草拟"):
        dist.approve(demo.township, d)
    with pytest.raises(Invalid, match="请说明撤回原因"):
        dist.withdraw(demo.accountant, d, "")
    dist.withdraw(demo.accountant, d, "账簿补记收入")
    again = dist.draft(demo.accountant, closed, YEAR)
    assert again.pk != d.pk and again.available == AVAILABLE + 100_000


def test_the_command_prints_the_plan_with_the_issues_keys(demo, closed, tmp_path):
    out = json.loads(run("distribution", "--book", closed.code, "--year", "2025", "--format", "json", "--as", demo.accountant.username))
    assert out["status"] == "computed"
    assert (out["available_fen"], out["reserve_fen"], out["other_appropriations_fen"], out["distributable_fen"]) == (AVAILABLE, RESERVE, 0, DISTRIBUTABLE)
    assert (out["total_shares"], out["per_share_fen"]) == ("8.50", "658823.5294")
    assert out["households"] == [
        {"household": "001", "shares": "4.50", "amount_fen": AMOUNTS["001"]},
        {"household": "002", "shares": "1.00", "amount_fen": AMOUNTS["002"]},
        {"household": "集体", "shares": "3.00", "amount_fen": AMOUNTS["集体"]},
    ]
    rate = json.loads(run("distribution", "--book", closed.code, "--year", "2025", "--reserve-rate", "50", "--format", "json"))
    assert rate["reserve_fen"] == 4_000_000 and sum(h["amount_fen"] for h in rate["households"]) == 4_000_000
    run("distribution", "--book", closed.code, "--year", "2025", "--save", "--as", demo.accountant.username, "--output", str(tmp_path / "a.xlsx"))
    saved = json.loads(run("distribution", "--book", closed.code, "--year", "2025", "--format", "json"))
    assert saved["status"] == "draft" and saved["distributable_fen"] == DISTRIBUTABLE
    with pytest.raises(CommandError, match="--reserve-rate 应为0到100之间"):
        run("distribution", "--book", closed.code, "--year", "2025", "--reserve-rate", "120")
    with pytest.raises(Exception, match="未找到，或不在您的管辖范围内"):
        run("distribution", "--book", closed.code, "--year", "2025", "--as", demo.other_accountant.username)


def test_the_pages_take_the_plan_through_its_steps_and_keep_the_outsider_out(demo, closed, coop, village):  # noqa: F811
    from django.urls import reverse

    from ..conftest import client_for

    acc, sec, town = client_for(demo.accountant), client_for(demo.secretary), client_for(demo.township)
    url = lambda name, *a: reverse(f"coop:{name}", args=[coop.pk, *a])  # noqa: E731
    assert "还没有收益分配方案" in acc.get(url("distributions")).content.decode()
    bad = acc.post(url("distributions"), {"year": "2026"})
    assert bad.status_code == 422 and "尚未完成2026年年终结转" in bad.content.decode()
    assert sec.post(url("distributions"), {"year": "2025"}).status_code == 403
    assert acc.post(url("distributions"), {"year": "2025", "reserve_rate": "30"}).status_code == 302
    page = acc.get(url("distribution", 2025)).content.decode()
    assert "草拟" in page and "29,647.06" in page and "记录向成员公布" in page
    assert acc.get(url("distribution", 2025), {"format": "xlsx"})["Content-Type"].startswith("application/vnd.openxmlformats")
    printed = acc.get(url("distribution", 2025), {"format": "pdf"})
    assert printed["Content-Type"] == "application/pdf" and "attachment" in printed["Content-Disposition"]
    text = pdf_text(printed.content)
    assert "2025年收益分配方案（草拟）" in text and "29,647.06" in text and "王大山" not in text
    held = pdf_text(acc.get(url("holdings"), {"format": "pdf", "date": "2025-12-31"}).content)
    assert "持股明细（截至2025-12-31）" in held and "001" in held
    assert acc.post(url("distribution_publish", 2025), {"on": "2026-01-05"}).status_code == 302
    m = dividend_matter(demo, village)
    assert sec.post(url("distribution_decide", 2025), {"matter": str(m.pk)}).status_code == 302
    assert client_for(demo.other_township).post(url("distribution_approve", 2025)).status_code in (403, 404)
    assert town.post(url("distribution_approve", 2025)).status_code == 302
    page = acc.get(url("distribution", 2025)).content.decode()
    assert "已入账" in page and "登记支付" in page and "6228480012345678" not in page
    assert sec.post(url("distribution_bank_list", 2025)).status_code == 403
    sheet_ = acc.post(url("distribution_bank_list", 2025))
    assert sheet_.status_code == 200 and sheet_["Content-Type"].startswith("application/vnd.openxmlformats")
    assert acc.post(url("distribution_pay", 2025), {"household": ["001"], "paid_on": "2026-02-01"}).status_code == 302
    assert "未支付" in acc.get(url("distribution", 2025)).content.decode()
    # another village's accountant sees none of it
    other = client_for(demo.other_accountant)
    assert other.get(url("distributions")).status_code == 404
    assert other.get(url("distribution", 2025)).status_code == 404
    assert other.post(url("distribution_bank_list", 2025)).status_code in (403, 404)


def test_the_api_shows_drafts_and_approves_behind_the_same_gate(demo, closed, coop, village):  # noqa: F811
    from ..conftest import api_client

    base = f"/api/v1/coop/{coop.pk}/distributions/2025"
    got = api_client(demo.township).get(base)
    assert got.status_code == 200 and got.json()["status"] == "computed" and got.json()["distributable_fen"] == DISTRIBUTABLE
    assert api_client(demo.other_accountant).get(base).status_code == 404
    assert api_client(demo.accountant).get(f"/api/v1/coop/{coop.pk}/distributions/1900").status_code == 422
    assert api_client(demo.secretary).post(f"{base}/draft", {}, content_type="application/json").status_code == 403
    made = api_client(demo.accountant).post(f"{base}/draft", {"reserve_rate_bp": 2000}, content_type="application/json")
    assert made.status_code == 201 and made.json()["reserve_fen"] == 1_600_000 and made.json()["status"] == "draft"
    assert api_client(demo.accountant).post(f"{base}/publish", {"on": "2026-01-05"}, content_type="application/json").json()["status"] == "published"
    m = dividend_matter(demo, village)
    assert api_client(demo.secretary).post(f"{base}/decide", {"matter_id": m.pk}, content_type="application/json").json()["status"] == "decided"
    assert api_client(demo.accountant).post(f"{base}/approve", {}, content_type="application/json").status_code == 403
    assert api_client(demo.township).post(f"{base}/approve", {}, content_type="application/json").json()["status"] == "posted"
    paid = api_client(demo.accountant).post(f"{base}/pay", {"households": ["002"], "paid_on": "2026-02-01"}, content_type="application/json")
    assert paid.status_code == 200
    assert [ln.paid > 0 for ln in Distribution.objects.get(book=closed, year=2025).lines.order_by("id")] == [False, True, False]
