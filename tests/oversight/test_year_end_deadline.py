"""December stays open for the year end until the county's deadline of the next year (default
31 March; `CountyLedgerSettings`): the "month not closed" warning and the dashboard's overdue
closings wait for it, for December and the months that cannot close before it (months close in
order); a book opened in January waits for no December."""

import datetime as dt

import pytest

from sanwu.core.errors import Invalid, Refused
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Book, CountyLedgerSettings, Period
from sanwu.oversight import rules, services
from sanwu.oversight.models import Warning
from sanwu.oversight.rules import BookMonths, Params

D = dt.date
START = D(2024, 1, 1)
THROUGH_NOVEMBER = frozenset((2024, m) for m in range(1, 12))


def months(closed=THROUGH_NOVEMBER, start=START):
    return BookMonths(3, "340828100200", "大歇村股份经济合作社", start, frozenset(closed))


def test_december_waits_for_the_countys_day_of_the_next_year():
    assert rules.month_not_closed(months(), D(2025, 1, 11)) == []  # not by 10 January
    assert rules.month_not_closed(months(), D(2025, 3, 31)) == []  # the deadline day itself is in time
    (f,) = rules.month_not_closed(months(), D(2025, 4, 1))
    assert f.subject == "book:3:2024-12" and f.occurred_on == D(2025, 3, 31)
    assert "共 3 个月" in f.message  # December, January and February (March is due on 10 April)
    assert rules.month_not_closed(months(), D(2025, 4, 1), Params(december_close_by=(4, 30))) == []
    # the months after December wait with it, then keep their own day
    assert rules.close_deadline(2025, 1, Params(), START) == D(2025, 3, 31)
    assert rules.close_deadline(2025, 3, Params(), START) == D(2025, 4, 10)
    assert rules.close_deadline(2024, 1, Params(), START) == D(2024, 2, 10)  # no December before the book


def test_a_book_opened_in_january_waits_for_no_december():
    assert rules.overdue_months(months(closed=(), start=D(2025, 1, 1)), D(2025, 2, 11)) == [(2025, 1)]
    assert rules.overdue_months(months(closed=()), D(2025, 2, 11)) == [(2024, m) for m in range(1, 12)]


def test_the_arithmetic_count_agrees_with_walking_the_months_around_december():
    for start in (D(2023, 5, 1), D(2024, 1, 1)):
        s = start.year * 12 + start.month - 1
        for p in (Params(), Params(december_close_by=(1, 5)), Params(close_day=28, december_close_by=(6, 30))):
            for as_of in (D(2024, 12, 31), D(2025, 1, 11), D(2025, 2, 11), D(2025, 3, 31), D(2025, 4, 1), D(2025, 4, 11), D(2025, 7, 29)):
                for run in [None] + [(lo, hi) for lo in range(s - 2, s + 30, 3) for hi in range(lo, s + 30, 4)]:
                    closed = frozenset((i // 12, i % 12 + 1) for i in range(run[0], run[1] + 1)) if run else frozenset()
                    walked = rules.overdue_months(BookMonths(1, "340828100200", "大歇村", start, closed), as_of, p)
                    assert rules.overdue_of_closed_run(start, run, as_of, p) == ((walked[0], len(walked)) if walked else None), (start, p, as_of, run)


@pytest.fixture
def old_book(demo):
    village = demo.accountant.role_assignments.get().region_id
    b = ledger.create_book(demo.county, "D-2024", village, "2004", start_date=START)
    Period.objects.bulk_create([Period(book=b, year=y, month=m, status="closed") for y, m in THROUGH_NOVEMBER])
    return b


def test_the_county_sets_the_day_and_the_daily_run_and_dashboard_follow_it(demo, old_book):
    county = "340828000000"
    assert services.run_daily(None, D(2025, 2, 11))["month_not_closed"] == 0
    assert services.overdue_closings(demo.county, county, as_of=D(2025, 2, 11)) == []
    rows = services.overdue_closings(demo.county, county, as_of=D(2025, 4, 1))
    assert [(r["first"], r["months"], r["deadline"]) for r in rows] == [("2024-12", 3, D(2025, 3, 31))]
    with pytest.raises(Refused):
        ledger.set_december_deadline(demo.township, county, 4, 30)
    with pytest.raises(Invalid, match="1月至6月"):
        ledger.set_december_deadline(demo.county, county, 9, 30)
    with pytest.raises(Invalid, match="无效"):
        ledger.set_december_deadline(demo.county, county, 2, 29)
    ledger.set_december_deadline(demo.county, county, 4, 30)
    assert CountyLedgerSettings.objects.get(county_id=county).december_close_month == 4
    assert ledger.december_deadline(Book.objects.get(pk=old_book.pk), 2024) == D(2025, 4, 30)
    assert services.overdue_closings(demo.county, county, as_of=D(2025, 4, 1)) == []
    assert services.run_daily(None, D(2025, 4, 1))["month_not_closed"] == 0
    assert services.run_daily(None, D(2025, 5, 1))["month_not_closed"] == 1
    assert Warning.objects.get(rule="month_not_closed").subject == f"book:{old_book.pk}:2024-12"
