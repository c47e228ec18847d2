"""Closing a range of months in one step: the pre-close checks per month (unposted vouchers keep
a month open; receipts missing, bank not reconciled and open warnings are shown), empty months
together, all or nothing, one confirmation on the page, and `sanwu book close CODE --from --to`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from sanwu.core.errors import Invalid, Refused
from sanwu.ledger import services
from sanwu.ledger.models import Period, Voucher

from .conftest import post_journal
from .journal import parse

JOURNAL = """
2025-03-05 收到光伏发电收入
  102  1200.50  -        bank
  501  -        1200.50  pv
2025-05-06 支付办公费
  513  300.00   -
  101  -        300.00   cash
"""


def statuses(book, months):
    stored = {(p.year, p.month): p.status for p in Period.objects.filter(book=book)}
    return [stored.get(ym, "open") for ym in months]


def url(name, book, *args):
    return reverse(f"ledger:{name}", args=[book.code, *args])


def test_checks_name_each_month_and_a_waiting_draft_keeps_everything_open(demo, book):
    post_journal(demo.accountant, book, JOURNAL)
    draft = services.save_draft(demo.accountant, book, parse("""
2025-04-10 支付电费
  513  10.00  -
  101  -      10.00  cash
""")[0])
    checks = {(c.year, c.month): c for c in services.close_checks(book, (2025, 1), (2025, 6))}
    assert checks[(2025, 1)].empty and checks[(2025, 2)].empty
    assert "1 张已记账凭证没有上传原始凭证" in checks[(2025, 3)].notes[0]
    assert any("银行账户「102 银行存款」本月未对账" in n for n in checks[(2025, 3)].notes)
    assert checks[(2025, 4)].blocking == ["还有 1 张凭证未记账（草稿 1 张），请先处理"]
    months = services.months_between((2025, 1), (2025, 6))
    with pytest.raises(Invalid, match="2025年4月还有 1 张凭证未记账"):
        services.close_months(demo.accountant, book, (2025, 1), (2025, 6))
    assert statuses(book, months) == ["open"] * 6  # all or nothing
    services.delete_draft(demo.accountant, draft)
    closed = services.close_months(demo.accountant, book, (2025, 1), (2025, 6))
    assert [(p.year, p.month) for p in closed] == months and statuses(book, months) == ["audit_hold"] * 6
    # a draft dated in a closed month is refused when saved, not only at submit
    with pytest.raises(Invalid, match="2025年4月已结账"):
        services.save_draft(demo.accountant, book, parse("""
2025-04-11 支付电费
  513  10.00  -
  101  -      10.00  cash
""")[0])
    assert not Voucher.objects.filter(summary="支付电费").exists()


def test_open_warnings_are_shown_before_closing_but_do_not_keep_the_month_open(demo, book):
    from sanwu.oversight.models import Warning

    (v, _) = post_journal(demo.accountant, book, JOURNAL)
    Warning.objects.filter(book=book).delete()
    Warning.objects.create(
        rule="test", subject=f"v{v.pk}", severity="high", village_id=book.region_id, township_code=book.region_id[:9] + "000",
        county_code=book.region_id[:6] + "000000", book=book, voucher=v, message="测试预警",
    )
    (march,) = services.close_checks(book, (2025, 3), (2025, 3))
    assert "1 条预警待说明" in march.notes and not march.blocking
    assert len(services.close_months(demo.accountant, book, (2025, 1), (2025, 3))) == 3


def test_a_range_needs_its_earlier_months_closed_and_open_months_only(demo, book):
    with pytest.raises(Invalid, match="请先结账 2025年1月（2025年3月之前还有 2 个月未结账）"):
        services.close_months(demo.accountant, book, (2025, 3), (2025, 4))
    services.close_month(demo.accountant, book, 2025, 1)
    with pytest.raises(Invalid, match="2025年1月状态为「结账待审」"):
        services.close_months(demo.accountant, book, (2025, 1), (2025, 2))
    today = services.today()
    with pytest.raises(Invalid, match="还没有到"):
        services.close_months(demo.accountant, book, (2025, 2), (today.year + 1, 1))
    with pytest.raises(Refused):
        services.close_months(demo.other_accountant, book, (2025, 2), (2025, 2))
    with pytest.raises(Refused):
        services.close_months(demo.township, book, (2025, 2), (2025, 2))


def test_the_page_shows_the_checks_and_closes_the_range_with_one_confirmation(demo, as_user, book):
    post_journal(demo.accountant, book, JOURNAL)
    acc = as_user(demo.accountant)
    page = acc.get(url("periods", book), {"from": "2025-01", "to": "2025-12"})
    html = page.content.decode()
    groups = page.context["close"]["groups"]
    assert [g["label"] for g in groups][:3] == ["2025年1月至2025年2月", "2025年3月", "2025年4月"]
    assert groups[0]["months"] == 2 and "均无凭证，一并结账" in html
    assert "没有上传原始凭证" in html and "请先进行2025年年终结转" in html  # December waits for the closing
    assert acc.post(url("period_close", book), {"from": "2025-01", "to": "2025-12"}).status_code == 422
    services.close_year(demo.accountant, book, 2025)
    html = acc.get(url("periods", book), {"from": "2025-01", "to": "2025-12"}).content.decode()
    assert html.count("data-confirm=\"将 2025年1月至2025年12月共 12 个月一次结账") == 1
    resp = acc.post(url("period_close", book), {"from": "2025-01", "to": "2025-12"})
    assert resp.status_code == 302
    months = services.months_between((2025, 1), (2025, 12))
    assert statuses(book, months) == ["audit_hold"] * 12
    again = acc.post(url("period_close", book), {"from": "2026-13", "to": "2026-01"})
    assert again.status_code == 422 and "起始月份「2026-13」应为 2025-03 这样的月份" in again.content.decode()
    # the township confirms, it does not close; another village's accountant does not see the book
    assert as_user(demo.township).post(url("period_close", book), {"from": "2026-01", "to": "2026-01"}).status_code == 403
    assert as_user(demo.other_accountant).post(url("period_close", book), {"from": "2026-01", "to": "2026-01"}).status_code == 404
    assert "close-range" not in as_user(demo.township).get(url("periods", book)).content.decode()


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_cli_closes_a_range_all_or_nothing(demo, book):
    post_journal(demo.accountant, book, JOURNAL)
    out = run("book", "close", book.code, "--from", "2025-01", "--to", "2025-02")
    assert "2025年1月至2025年2月（2 个月）已结账" in out
    out = run("book", "close", book.code, "--from", "2025-03", "--to", "2025-03")  # one month: the same month twice
    assert "2025年3月已结账" in out and "提示 2025年3月：1 张已记账凭证没有上传原始凭证" in out
    with pytest.raises(CommandError, match="请先结账 2025年4月"):
        run("book", "close", book.code, "--from", "2025-05", "--to", "2025-06")
    assert statuses(book, [(2025, 5), (2025, 6)]) == ["open", "open"]
    with pytest.raises(CommandError, match="YYYY-MM"):
        run("book", "close", book.code, "--from", "2025/04", "--to", "2025-06")
    with pytest.raises(CommandError, match="不存在或不在您的管辖范围内"):
        run("book", "close", book.code, "--from", "2025-04", "--to", "2025-04", "--as", demo.other_accountant.username)
    with pytest.raises(CommandError, match="无权"):
        run("book", "close", book.code, "--from", "2025-04", "--to", "2025-04", "--as", demo.township.username)
    assert statuses(book, [(2025, 4)]) == ["open"]
