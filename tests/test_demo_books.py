"""The demo villages' books (issue 3 item 10) and the figures they are shaped to give (issue 5
item 7): every village a book with 2018–2020 vouchers that verify and balance, every month
closed, the plan realised to the fen; and the plan itself reproducing the brief's figures for
Yuexi and Taihu at county and city scale (checked on the plan, without loading the city)."""

import datetime as dt
import io
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from django.utils import timezone

from sanwu.core import dates
from sanwu.core.codes import credit_code_errors
from sanwu.demo import books, generator
from sanwu.ledger import services
from sanwu.ledger.models import Book, Entry, Period, RoleYear, SourceMonth, Voucher
from sanwu.ledger.services.reports import trial_balance
from sanwu.ledger.services.verify import verify_book
from sanwu.regions.models import Region

WAN = books.WAN
OPERATING = {"operating_income", "contracting_income", "investment_income"}
ROLE_KEYS = {
    "subsidy": {"subsidy_income"},
    "other_income": {"other_income"},
    "operating_expense": {"operating_expense"},
    "management_expense": {"management_expense"},
    "other_expense": {"other_expense"},
}


@pytest.fixture
def small_city(db):
    return generator.load("small", 2021)


# --- The books in the database (small scale) -----------------------------------------------------


def test_every_village_has_a_book_that_verifies_and_balances(small_city):
    villages = set(Region.objects.filter(level="village").values_list("code", flat=True))
    first = Book.objects.filter(chart_move_in__isnull=True)  # each village's own book (one moved on, below)
    assert small_city.books == len(villages) == first.count() == Book.objects.count() - 1
    for book in first.select_related("region"):
        assert book.code == book.region_id and book.region_id in villages
        assert book.chart == "2004" and book.start_date == dt.date(2018, 1, 1) and book.opening_confirmed
        assert book.name == f"{book.region.name}股份经济合作社"
        if book.credit_code:
            assert credit_code_errors(book.credit_code) == []
            assert book.credit_code.startswith("N2" + book.code[:6])
        check = verify_book(book)
        assert check.ok, check.problems
        assert check.vouchers == book.posted_count > 0
        for year in books.YEARS:
            assert trial_balance(book, year, 1, 12)["balanced"]


def test_one_taihu_book_moved_to_the_2023_chart(small_city):
    old_code, new_code = small_city.moved
    old, new = Book.objects.get(code=old_code), Book.objects.get(code=new_code)
    assert old.successor == new and old.chart == "2004" and new.chart == "2023" and new.collective == old.collective
    move_year = new.start_date.year - 1
    assert new.start_date == dt.date(move_year + 1, 1, 1) and move_year >= books.LATER
    assert not Voucher.objects.filter(book=old, date__gt=dt.date(move_year, 12, 31)).exists()
    assert Voucher.objects.filter(book=new, year=small_city.through[0], month=small_city.through[1]).exists()
    report = services.chart_move_report(old.chart_move_out)
    assert report["tied"] and report["totals"]["old_debit"] > 0
    assert verify_book(old).ok and verify_book(new).ok
    assert trial_balance(new, move_year + 1, 1, 1)["totals"]["opening_debit"] == trial_balance(old, move_year, 1, 12)["totals"]["closing_debit"]


def test_months_closed_years_closed_and_nothing_in_the_future(small_city):
    n = Book.objects.count() - 1  # one village's months are in two books
    today = dates.today()
    through = books.last_month(today)
    assert (small_city.through, small_city.closed_through) == (through, books._month_before(*through))
    closed = Counter(Period.objects.filter(status="closed").values_list("year", "month"))
    # the brief's years: every month closed in every book
    assert {k: c for k, c in closed.items() if k[0] in books.YEARS} == {(y, m): n for y in books.YEARS for m in range(1, 13)}
    # later: closed up to two months back in most books, the month before waiting for the
    # township or not yet closed in a few (the personas' villages: one of each), last month open
    cut = small_city.closed_through
    assert all(c == n for k, c in closed.items() if (2021, 1) <= k < books._month_before(*cut))
    assert 0 < closed[cut] < n
    assert not Period.objects.filter(year=through[0], month=through[1]).exists()
    held = Period.objects.filter(status="audit_hold")
    assert set(held.values_list("year", "month")) == {cut}
    village_of = {username: code for username, _, code, _ in small_city.users}
    assert held.filter(book__code=village_of["accountant_1"]).exists()  # accountant_1's village: to confirm
    assert not Period.objects.filter(book__code=village_of["accountant_2"], year=cut[0], month=cut[1]).exists()  # accountant_2's: late
    # this month: only the personas' work in progress, none of it posted
    assert not Voucher.objects.exclude(status="posted").filter(date__lt=today.replace(day=1)).exists()
    assert not Voucher.objects.filter(date__gte=today.replace(day=1), status="posted").exists()
    waiting = Voucher.objects.exclude(status="posted")
    assert set(waiting.values_list("maker__username", flat=True)) == {"accountant_1", "accountant_2"}
    assert set(waiting.values_list("status", flat=True)) == {"draft", "submitted", "rejected"}
    assert waiting.get(status="rejected").reject_reason
    assert Voucher.objects.filter(year=through[0], month=through[1]).count() >= n
    assert not Voucher.objects.filter(date__lt=dt.date(2018, 1, 1)).exists()
    closing = Counter(Voucher.objects.filter(kind="closing").values_list("date", flat=True))
    assert {d: c for d, c in closing.items() if d.year in books.YEARS} == {dt.date(y, 12, 31): 2 * n for y in books.YEARS}
    assert {d.year for d in closing} == set(range(2018, today.year))  # every year over is closed
    assert small_city.vouchers == Voucher.objects.count()


def test_every_books_statement_ties_with_its_balance_sheet_and_every_year_over_is_closed(small_city):
    """收益及收益分配表's 年末未分配收益 is the balance sheet's 未分配收益 in every book and year; a
    year over leaves 本年收益 and every income and expense account at zero, December closed."""
    from sanwu.ledger.charts import EXPENSE_ROLES, INCOME_ROLES
    from sanwu.ledger.models import Account
    from sanwu.ledger.services.reports import balance_sheet, balances_for, income_statement

    zeroed = INCOME_ROLES | EXPENSE_ROLES | {"current_year_income"}
    this_year = dates.today().year
    for book in Book.objects.all():
        leaves = [a for a in Account.objects.filter(book=book, is_leaf=True) if a.role_set & zeroed]
        for year in range(book.start_date.year, this_year + 1):
            st = income_statement(book, year)
            sheet = {r["label"]: r["closing"] for r in balance_sheet(book, year, 12)["liabilities"]}
            assert st["by_label"]["年末未分配收益"] == sheet["未分配收益"], (book.code, year)
            if year < this_year:
                bal = balances_for(book, year, 12)
                assert all(bal.get(a.pk, [0, 0, 0, 0])[3] == 0 for a in leaves), (book.code, year)
                assert services.year_end_left(book, year) == []
    # the later years over carry a distribution plan: a tenth of the year's income to 公积公益金
    shown = [income_statement(b, books.LATER)["by_label"] for b in Book.objects.filter(chart="2004", start_date__year__lte=books.LATER)]
    assert all(v["减：提取公积公益金"] == v["本年收益"] // 1000 * 100 for v in shown if v["本年收益"] > 0)
    assert any(v["减：提取公积公益金"] > 0 for v in shown)


def test_vouchers_carry_who_made_reviewed_and_posted_them_and_when(small_city):
    from django.contrib.auth import get_user_model

    users = {u.pk: u for u in get_user_model().objects.all()}
    limit = timezone.now()
    feed_times = set()
    for v in Voucher.objects.filter(status="posted").select_related("book").order_by("?")[:400]:
        maker, reviewer, poster = users[v.maker_id], users[v.reviewer_id], users[v.poster_id]
        assert maker.first_name and reviewer.first_name and poster.first_name
        assert maker != reviewer  # the reviewer is never the maker
        assert maker.role_assignments.filter(role="village_accountant", region_id=v.book.region_id).exists()
        assert reviewer.role_assignments.filter(role="township_supervisor", region_id=v.book.region_id[:9] + "000").exists()
        made = timezone.localtime(v.created_at)
        assert made.date() >= v.date and (made.date() - v.date).days <= 12
        assert v.created_at < v.submitted_at < v.reviewed_at < v.posted_at < limit
        feed_times.add(v.posted_at)
    assert len(feed_times) > 390  # spread over their dates, not one feed time
    # the demo personas keep their own villages' books
    acc1 = get_user_model().objects.get(username="accountant_1")
    assert Voucher.objects.filter(maker=acc1).exists()
    staff = get_user_model().objects.filter(username__startswith="bookkeeper_")
    assert staff.exists() and not any(u.has_usable_password() for u in staff)  # named, but no login


def test_books_realise_the_plan_to_the_fen(small_city):
    plan = books.plan_incomes(2021, "small")
    got: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        Entry.objects.filter(voucher__kind="normal")
        .values("voucher__book__region_id", "voucher__year", "account__roles", "source")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    for r in rows:
        roles = set(r["account__roles"].split(","))
        row = got[(r["voucher__book__region_id"], r["voucher__year"])]
        if roles & OPERATING:
            row["operating_income"] += r["c"] - r["d"]
            if r["source"] == "pv":
                row["pv"] += r["c"] - r["d"]
        for key, wanted in ROLE_KEYS.items():
            if roles & wanted:
                row[key] += (r["c"] - r["d"]) if key in ("subsidy", "other_income") else (r["d"] - r["c"])
    assert len(plan) == Book.objects.values("region_id").distinct().count()
    for code, years in plan.items():
        for year, want in years.items():
            have = got[(code, year)]
            for key in ("operating_income", "pv", *ROLE_KEYS):
                assert have[key] == want[key], (code, year, key)
            assert have["operating_income"] - have["operating_expense"] - have["management_expense"] == want["operating_return"]
    # The kept figures (what issue 5 reads) say the same, closing vouchers excluded.
    kept = defaultdict(int)
    for code, year, role, d, c in RoleYear.objects.values_list("book__region_id", "year", "role", "debit", "credit"):
        if role in OPERATING:
            kept[(code, year)] += c - d
    pv = defaultdict(int)
    for code, year, d, c in SourceMonth.objects.filter(source="pv").values_list("book__region_id", "year", "debit", "credit"):
        pv[(code, year)] += c - d
    for code, years in plan.items():
        for year, want in years.items():
            assert kept[(code, year)] == want["operating_income"]
            assert pv[(code, year)] == want["pv"]


def test_vouchers_look_like_a_village_accountants(small_city):
    per = Counter(Voucher.objects.filter(kind="normal", year__in=books.YEARS).values_list("book__code", "year"))
    assert all(35 <= n <= 90 for n in per.values()), per
    later = Counter(Voucher.objects.filter(kind="normal", year__gte=books.LATER, year__lt=dates.today().year).values_list("book__code", "year"))
    assert later and all(12 <= n < 40 for n in later.values()), later  # more lightly
    yuexi = Book.objects.filter(code__startswith="340828").first()
    summaries = set(Voucher.objects.filter(book=yuexi).values_list("summary", flat=True))
    assert {f"收到{m}月光伏发电收入" for m in range(1, 13)} <= summaries
    assert any(s.startswith("发放") and "村干部误工补贴" in s for s in summaries)
    assert Entry.objects.filter(voucher__book=yuexi, counterparty="国网岳西县供电公司", source="pv").exists()
    # Money never runs below zero: cash and bank at every month end, every book.
    for book in Book.objects.all():
        money = [services.accounts_with_role(book, role)[0].code for role in ("cash", "bank")]
        for year in range(2018, dates.today().year + 1):
            for month in range(1, 13):
                if (year, month) > small_city.through:
                    break
                tb = {r["code"]: r for r in trial_balance(book, year, month, month)["rows"]}
                for code in money:
                    assert tb[code]["closing_credit"] == 0, (book.code, year, month, code)


def test_same_seed_gives_the_same_books(db):
    sid = transaction.savepoint_create()
    generator.load("small", 2021)
    first = dict(Book.objects.values_list("code", "chain_head"))
    transaction.savepoint_rollback(sid)
    assert not Book.objects.exists()
    generator.load("small", 2021)
    assert dict(Book.objects.values_list("code", "chain_head")) == first
    assert books.plan_incomes(2021, "county") == books.plan_incomes(2021, "county")
    assert books.plan_incomes(2021, "county") != books.plan_incomes(2022, "county")


def test_demo_command_without_books(db):
    out = io.StringIO()
    call_command("demo", "--scale", "small", "--no-books", stdout=out)
    assert Region.objects.filter(level="village").exists() and not Book.objects.exists()
    assert "账套" not in out.getvalue()


# --- The plan: the brief's figures ---------------------------------------------------------------


def _classes(rows):
    c = Counter()
    for r in rows:
        oi = r["operating_income"]
        c["hollow"] += oi == 0
        c["pv_only"] += 0 < oi == r["pv"]
        c["weak"] += 0 < oi < 15 * WAN and oi != r["pv"]
        c["under15"] += oi < 15 * WAN
        for tier in (30, 50, 100):
            c[f"t{tier}"] += oi >= tier * WAN
    return c


def _county(plans, code, year):
    return [v.years[year] for v in plans if v.county == code]


@pytest.fixture(scope="module", params=["county", "city"])
def plans(request):
    return request.param, books.plan_villages(2021, request.param)


def test_yuexi_2020_as_the_brief_prints_it(plans):
    _, ps = plans
    rows = _county(ps, generator.YUEXI, 2020)
    income = [r["operating_income"] for r in rows]
    c = _classes(rows)
    assert len(rows) == 182
    assert c["t50"] == 95  # 50万以上的强村95个
    assert max(income) == 8_299_000 * 100  # 最高829.9万元
    assert sum(income) == 182 * 705_000 * 100 and sum(income) > 182 * 70 * WAN  # 村均超过70万元
    assert c["pv_only"] == 0 and c["under15"] == 0 and c["hollow"] == 0  # 全面消除
    assert c["t30"] >= 100 and c["t50"] >= 50 and c["t100"] >= 10  # “351”
    for v in ps:
        if v.county == generator.YUEXI:
            assert all(v.years[y]["pv"] >= 10 * WAN for y in books.YEARS)  # 每村光伏≥10万/年
            assert v.cap_kw >= 100


def test_yuexi_before_2020(plans):
    _, ps = plans
    c19 = _classes(_county(ps, generator.YUEXI, 2019))
    c18 = _classes(_county(ps, generator.YUEXI, 2018))
    assert c19["pv_only"] == 55 and c19["weak"] == 11 and c19["under15"] == 11  # 55个单薄村、11个薄弱村
    assert c18["pv_only"] > c19["pv_only"] and c18["under15"] > c19["under15"]
    assert c18["t50"] < c19["t50"] < 95
    assert c19["t50"] == 60 and c18["t50"] == 35


def test_named_yuexi_villages(plans):
    _, ps = plans
    by_name = {v.name: v for v in ps if v.county == generator.YUEXI}
    assert by_name["毛畈村"].years[2020]["operating_income"] == 1_110_000 * 100  # 2020年111万元
    daxie = by_name["大歇村"].years
    assert daxie[2020]["net_income"] > 50 * WAN  # 2020年纯收入突破50万元
    assert daxie[2019]["operating_income"] < 50 * WAN <= daxie[2020]["operating_income"]
    for v in ps:
        if v.county == generator.YUEXI and v.township == "五河镇" and v.years[2020]["investment"] >= 206_000 * 100:
            break
    else:
        pytest.fail("五河镇: no village with the 20.6万元 directed-financing income")


def test_taihu_2020(plans):
    scale, ps = plans
    rows = _county(ps, generator.TAIHU, 2020)
    n = len(rows)
    average_return = sum(r["operating_return"] for r in rows) / n
    assert abs(average_return - 38.36 * WAN) <= 0.5 * WAN  # 村均集体经济收益38.36万元
    strong = _classes(rows)["t50"]
    assert strong == (27 if scale == "city" else round(27 * n / 175))  # 50万元以上强村27个


def test_hollow_and_weak_fall_strong_rise(plans):
    _, ps = plans
    c = {y: _classes([v.years[y] for v in ps]) for y in books.YEARS}
    assert c[2018]["under15"] > c[2019]["under15"] > c[2020]["under15"]
    assert c[2018]["pv_only"] > c[2019]["pv_only"] > c[2020]["pv_only"]
    assert c[2018]["t50"] < c[2019]["t50"] < c[2020]["t50"]
    assert c[2018]["hollow"] >= c[2019]["hollow"] >= c[2020]["hollow"]


def test_other_counties_follow_the_2018_survey():
    ps = books.plan_villages(2021, "city")
    others = [v for v in ps if v.county not in (generator.YUEXI, generator.TAIHU)]
    rows = [v.years[2018] for v in others]
    n = len(rows)
    income = [r["operating_income"] for r in rows]
    assert sum(income) == n * 190_600 * 100  # 村均经营性收入19.06万元

    def share(lo, hi):
        return 100 * sum(lo * WAN <= x < hi * WAN for x in income) / n

    assert abs(share(0, 5) - 26.35) < 3 and abs(share(5, 10) - 26.69) < 3
    assert abs(share(10, 30) - 35.27) < 3 and abs(share(50, 10**6) - 4.1) < 1.5
    c = {y: _classes([v.years[y] for v in others]) for y in books.YEARS}
    assert c[2018]["hollow"] > c[2019]["hollow"] > c[2020]["hollow"] > 0
    assert c[2018]["t50"] < c[2019]["t50"] < c[2020]["t50"]


def test_plan_is_whole_fen_and_consistent():
    for v in books.plan_villages(2021, "county"):
        for year, r in v.years.items():
            assert all(isinstance(x, int) and x >= 0 for k, x in r.items() if k not in ("operating_return", "net_income"))
            parts = r["pv"] + sum(r[k] for k in books.COMPONENTS)
            assert parts == r["operating_income"]
            assert r["operating_return"] == r["operating_income"] - r["operating_expense"] - r["management_expense"]
