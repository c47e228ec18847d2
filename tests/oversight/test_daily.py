"""The time-based rules, run daily (`sanwu oversight run-daily [--date]`): idempotent."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanwu.core.models import AuditEvent
from sanwu.ledger import services as ledger
from sanwu.oversight import services
from sanwu.oversight.models import Warning

from .conftest import post_journal


def closing_warnings():
    return list(Warning.objects.filter(rule="month_not_closed").order_by("id").values_list("subject", "village_id", "occurred_on"))


def test_a_month_not_closed_by_the_10th_warns_once(demo, book):
    assert services.run_daily(None, dt.date(2025, 2, 10))["month_not_closed"] == 0
    assert services.run_daily(None, dt.date(2025, 2, 11))["month_not_closed"] == 1
    assert services.run_daily(None, dt.date(2025, 2, 11))["month_not_closed"] == 0  # idempotent
    assert services.run_daily(None, dt.date(2025, 3, 20))["month_not_closed"] == 0  # still January that is late
    assert closing_warnings() == [(f"book:{book.pk}:2025-01", "340828100200", dt.date(2025, 2, 10))]
    w = Warning.objects.get(rule="month_not_closed")
    assert w.message == "大歇村股份经济合作社 2025年1月未在 2025-02-10 前结账" and w.voucher_id is None and w.book_id == book.pk
    ledger.close_month(demo.accountant, book, 2025, 1)  # audit_hold: the accountant has closed it
    services.run_daily(None, dt.date(2025, 3, 20))
    assert [s for s, _, _ in closing_warnings()] == [f"book:{book.pk}:2025-01", f"book:{book.pk}:2025-02"]


def test_months_closed_in_time_raise_nothing(demo, book):
    ledger.close_month(demo.accountant, book, 2025, 1)
    ledger.confirm_close(demo.township, book, 2025, 1)
    assert services.run_daily(None, dt.date(2025, 2, 20))["month_not_closed"] == 0


def test_the_rule_can_be_switched_off_per_county(demo, book):
    services.update_params(demo.county, "340828000000", disabled=frozenset({"month_not_closed"}))
    assert services.run_daily(None, dt.date(2025, 6, 1))["month_not_closed"] == 0


def test_the_run_is_audited(demo, book):
    services.run_daily(None, dt.date(2025, 2, 11))
    e = AuditEvent.objects.get(action="oversight.run_daily")
    assert e.object_id == "2025-02-11" and e.new["created"]["month_not_closed"] == 1


def test_cli_run_daily_with_a_date(demo, book):
    out = io.StringIO()
    call_command("oversight", "run-daily", "--date", "2025-02-11", stdout=out)
    assert "2025-02-11 每日检查完成：新增预警 1 条" in out.getvalue()
    out = io.StringIO()
    call_command("oversight", "run-daily", "--date", "2025-02-11", stdout=out)
    assert "新增预警 0 条" in out.getvalue()
    with pytest.raises(CommandError, match="日期「2025-13-01」无效"):
        call_command("oversight", "run-daily", "--date", "2025-13-01")


def test_cli_lists_warnings_in_the_users_scope(demo, book, other_book):
    services.run_daily(None, dt.date(2025, 2, 11))
    out = io.StringIO()
    call_command("oversight", "warnings", "--format", "json", "--as", demo.township.username, stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["village_code"] for r in rows] == ["340828100200"]  # not 关河村 (another township)
    out = io.StringIO()
    call_command("oversight", "warnings", "--format", "csv", stdout=out)
    assert out.getvalue().count("月度未按期结账") == 2


def test_cli_rescan(demo, book):
    post_journal(demo.accountant, book, "2025-03-05 支付\n  513  1500.00  -  cash\n  101  -  1500.00  cash\n")
    Warning.objects.all().delete()
    out = io.StringIO()
    call_command("oversight", "rescan", "--book", book.code, stdout=out)
    assert "新增预警 2 条" in out.getvalue()
    with pytest.raises(CommandError, match="不存在"):
        call_command("oversight", "rescan", "--book", "NOPE")


def test_the_dashboards_overdue_closings_count_runs_and_gaps_of_closed_months(demo, book, other_book):
    """Counted from one grouped query: an unbroken run of closed months in arithmetic, a book with a
    gap by walking its months; the same first month and count either way. The outsider (a township
    supervisor of another township) sees neither book."""
    from sanwu.ledger.models import Period

    for month in (1, 2, 3):  # 大歇村: Jan–Mar closed in order
        Period.objects.create(book=book, year=2025, month=month, status="closed")
    Period.objects.create(book=other_book, year=2025, month=1, status="closed")  # the other: Jan and Mar, Feb open
    Period.objects.create(book=other_book, year=2025, month=3, status="audit_hold")
    Period.objects.create(book=other_book, year=2025, month=4, status="open")
    rows = services.overdue_closings(demo.county, "340828000000", as_of=dt.date(2025, 6, 11))
    assert [(r["book"], r["first"], r["months"], r["deadline"]) for r in rows] == [
        (book.code, "2025-04", 2, dt.date(2025, 5, 10)),  # April and May overdue
        (other_book.code, "2025-02", 3, dt.date(2025, 3, 10)),  # February, April, May
    ]
    assert [r["book"] for r in services.overdue_closings(demo.other_township, "340828101000", as_of=dt.date(2025, 6, 11))] == [other_book.code]
    assert services.overdue_closings(demo.other_township, "340828100000", as_of=dt.date(2025, 6, 11)) == []
