"""往来款项明细 with ageing (FIFO), on books built by hand; the pure bucket computation under
hypothesis; the region view; the page, its Excel, the CLI and the API, and their outsiders."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import given, strategies as st
from openpyxl import load_workbook

from sanwu.ledger import services
from sanwu.ledger.services import ageing
from sanwu.regions.models import Region
from tests.conftest import api_client, client_for, response_bytes

from .conftest import OPENING_CASH, opened_book, post_journal

Y = 100  # fen per yuan
AS_OF = dt.date(2026, 6, 30)


# --- The pure part ------------------------------------------------------------------------------

dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2026, 12, 31))
amounts = st.integers(min_value=-10**9, max_value=10**9)


@given(st.lists(st.tuples(dates, amounts), max_size=30), dates)
def test_buckets_sum_to_the_balance_for_all_inputs(moves, as_of):
    b = ageing.buckets(moves, as_of)
    balance = sum(a for _, a in moves)
    assert sum(b) == balance
    assert all(x * balance >= 0 for x in b)  # every bucket on the balance's side (or zero)
    parts = ageing.outstanding(moves)
    assert sum(a for _, a in parts) == balance
    assert {d for d, _ in parts} <= {d for d, _ in moves}


@given(st.lists(st.tuples(dates, amounts), max_size=30), dates, st.integers(min_value=1, max_value=10))
def test_older_than_is_a_part_of_the_balance(moves, as_of, years):
    balance = sum(a for _, a in moves)
    old = ageing.older_than(moves, as_of, years)
    assert old * balance >= 0 and abs(old) <= abs(balance)
    if years == 3:
        assert old == ageing.buckets(moves, as_of)[3]


def test_fifo_pays_off_the_oldest_debits_first():
    d = dt.date
    moves = [(d(2022, 3, 1), 5_000), (d(2024, 3, 1), 3_000), (d(2026, 1, 5), 2_000), (d(2026, 2, 1), -6_000)]
    # 10,000 owed, 6,000 paid: the 2022 debit is paid off, 1,000 of 2024's goes with it.
    assert ageing.outstanding(moves) == [(d(2026, 1, 5), 2_000), (d(2024, 3, 1), 2_000)]
    assert ageing.buckets(moves, AS_OF) == (2_000, 0, 2_000, 0)
    # exactly one year old is still 1年以内; a day more is 1–2年
    assert ageing.buckets([(d(2025, 6, 30), 1)], AS_OF) == (1, 0, 0, 0)
    assert ageing.buckets([(d(2025, 6, 29), 1)], AS_OF) == (0, 1, 0, 0)
    assert ageing.buckets([(d(2023, 6, 30), 1)], AS_OF) == (0, 0, 1, 0)
    assert ageing.buckets([(d(2023, 6, 29), 1)], AS_OF) == (0, 0, 0, 1)
    # a credit balance (paid too much) ages the credits
    assert ageing.buckets([(d(2026, 1, 1), 100), (d(2024, 1, 1), -300)], AS_OF) == (0, 0, -200, 0)
    assert ageing.years_before(d(2028, 2, 29), 1) == d(2027, 2, 28)


# --- A book built by hand -----------------------------------------------------------------------

JOURNAL = """
2022-03-10 赊销农产品给张三
  112    5000.00   -         张三
  501    -         5000.00
2024-03-01 再次赊销给张三
  112    3000.00   -         张三
  501    -         3000.00
2026-01-05 赊销给张三
  112    2000.00   -         张三
  501    -         2000.00
2026-02-01 张三还款
  101    6000.00   -         cash
  112    -         6000.00   张三
2025-08-01 赊销给惠民农资公司
  112    1500.00   -         惠民农资公司
  501    -         1500.00
2023-05-20 李四借款
  112    800.00    -         李四
  101    -         800.00    cash
2024-05-20 李四还清借款
  101    800.00    -         cash
  112    -         800.00    李四
2023-01-15 购买化肥欠款
  511    4000.00   -
  211    -         4000.00   丰收农资公司
2026-03-15 支付部分化肥款
  211    1000.00   -         丰收农资公司
  102    -         1000.00   bank
2024-09-01 借给村民小组
  113    700.00    -         第一村民组
  101    -         700.00    cash
"""


@pytest.fixture
def aged_book(demo):
    """The accountant's village's book opened 2022-01-01 with cash only, then JOURNAL."""
    return opened_book(demo, dt.date(2022, 1, 1), JOURNAL)


def section(a, role):
    return next(s for s in a["sections"] if s["role"] == role)


def rows(a, role):
    return {r["counterparty"]: (r["balance"], *(r[k] for k in ageing.BUCKET_KEYS)) for r in section(a, role)["rows"]}


def test_book_ageing_by_counterparty(demo, aged_book):
    a = ageing.book_ageing(demo.accountant, aged_book, AS_OF)
    # 张三: 5,000 (2022) + 3,000 (2024) + 2,000 (2026) − 6,000: 2,000 of 2026 and 2,000 of 2024 left.
    # 李四 paid off: not shown. 惠民农资公司: 1,500 of 2025-08 (within a year).
    assert rows(a, "receivable") == {"张三": (4_000 * Y, 2_000 * Y, 0, 2_000 * Y, 0), "惠民农资公司": (1_500 * Y, 1_500 * Y, 0, 0, 0)}
    assert section(a, "receivable")["total"] == {"balance": 5_500 * Y, "within_1": 3_500 * Y, "years_1_2": 0, "years_2_3": 2_000 * Y, "over_3": 0}
    assert section(a, "receivable")["rows"][0]["oldest"] == dt.date(2024, 3, 1)
    # 丰收农资公司: 4,000 owed since 2023-01-15, 1,000 paid: 3,000 over three years old.
    assert rows(a, "payable") == {"丰收农资公司": (3_000 * Y, 0, 0, 0, 3_000 * Y)}
    assert rows(a, "internal") == {"第一村民组": (700 * Y, 0, 700 * Y, 0, 0)}


def test_a_date_before_the_payments_ages_what_was_owed_then(demo, aged_book):
    a = ageing.book_ageing(demo.accountant, aged_book, dt.date(2024, 3, 31))
    assert rows(a, "receivable") == {"张三": (8_000 * Y, 3_000 * Y, 0, 5_000 * Y, 0), "李四": (800 * Y, 800 * Y, 0, 0, 0)}


def test_red_ink_and_sub_accounts_and_opening_balances(demo):
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(demo.county, village, village, "2023", start_date=dt.date(2023, 1, 1))
    services.add_sub_account(demo.accountant, b, "112", "11201", "王五")
    services.set_opening_balances(demo.accountant, b, {"101": OPENING_CASH, "11201": 900 * Y, "113": 100 * Y, "301": -OPENING_CASH - 1_000 * Y})
    services.confirm_opening(demo.accountant, b)
    post_journal(demo.accountant, b, """
2026-01-10 赊销给王五
  11201  500.00   -
  501    -        500.00
2026-01-12 冲销多记的赊销
  11201  -200.00  -
  501    -        -200.00
""")
    a = ageing.book_ageing(demo.accountant, b, AS_OF)
    # The sub-account names the counterparty; the opening is dated the book's start (2023-01-01):
    # 900 + 500 − 200 = 1,200: the red-ink −200 offsets like a credit, the oldest part first, so
    # 2026's 500 stays whole and 700 of the opening is left, over three years old.
    assert rows(a, "receivable") == {"王五": (1_200 * Y, 500 * Y, 0, 0, 700 * Y)}
    assert rows(a, "internal") == {ageing.OPENING_PARTY: (100 * Y, 0, 0, 0, 100 * Y)}


def test_person_counterparties_masked_outside_the_village(demo, aged_book):
    assert "张三" in rows(ageing.book_ageing(demo.secretary, aged_book, AS_OF), "receivable")
    seen = rows(ageing.book_ageing(demo.township, aged_book, AS_OF), "receivable")
    assert set(seen) == {"张*", "惠民农资公司"}  # the company keeps its name
    assert set(rows(ageing.book_ageing(demo.county, aged_book, AS_OF), "payable")) == {"丰收农资公司"}


def test_the_kind_as_entered_decides_the_masking(demo, aged_book):
    drafts = [
        services.VoucherDraft(dt.date(2026, 4, 1), "赊销", [
            services.EntryDraft("112", 300 * Y, 0, counterparty="王小明（承包户）", counterparty_kind="person"),
            services.EntryDraft("112", 200 * Y, 0, counterparty="华联", counterparty_kind="organisation"),
            services.EntryDraft("501", 0, 500 * Y),
        ])
    ]
    services.post_drafts(demo.accountant, aged_book, drafts)
    seen = rows(ageing.book_ageing(demo.township, aged_book, AS_OF), "receivable")
    assert "华联" in seen and "王小明（承包户）" not in seen and "王******）" in seen
    full = ageing.book_ageing(demo.accountant, aged_book, AS_OF)
    assert {r["counterparty"]: r["kind_label"] for r in section(full, "receivable")["rows"]}["王小明（承包户）"] == "个人"


def test_region_sums_villages(demo, aged_book, other_book):
    post_journal(None, other_book, "2025-03-01 赊销\n  112  1000.00  -  赵六\n  501  -  1000.00\n")
    county = Region.objects.get(code="340828000000")
    a = ageing.region_ageing(None, county, AS_OF)
    assert [v["code"] for v in a["villages"]] == sorted([aged_book.region_id, other_book.region_id])
    mine = next(v for v in a["villages"] if v["code"] == aged_book.region_id)
    assert mine["sections"]["receivable"] == section(ageing.book_ageing(None, aged_book, AS_OF), "receivable")["total"]
    assert a["totals"]["receivable"]["balance"] == 6_500 * Y
    assert a["totals"]["receivable"]["years_1_2"] == 1_000 * Y  # 赵六, 2025-03-01
    # the township sees its own villages only
    township = Region.objects.get(code=aged_book.region_id[:9] + "000")
    assert [v["code"] for v in ageing.region_ageing(demo.township, township, AS_OF)["villages"]] == [aged_book.region_id]
    t = ageing.region_ageing_table(a)
    total = [r for r in t.rows if r["village"] == "合计" and r["section"] == "应收款"]
    assert total[0]["balance"] == 6_500 * Y


# --- Pages, Excel, CLI, API ---------------------------------------------------------------------


def test_the_page_and_its_excel(demo, aged_book):
    url = reverse("ledger:ageing", args=[aged_book.code])
    r = client_for(demo.accountant).get(url, {"date": "2026-06-30"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "张三" in html and "4,000.00" in html and "3年以上" in html
    r = client_for(demo.township).get(url, {"date": "2026-06-30"})
    assert "张三" not in r.content.decode() and "张*" in r.content.decode()
    x = client_for(demo.accountant).get(url, {"date": "2026-06-30", "format": "xlsx"})
    ws = load_workbook(io.BytesIO(response_bytes(x))).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][:4] == ["科目", "往来单位", "类别", "余额"]
    assert values[1][:2] == ["应收款", "张三"]
    assert float(values[1][3]) == 4000.0
    bad = client_for(demo.accountant).get(url, {"date": "2026-13-01"})
    assert bad.status_code == 200 and "不是有效日期" in bad.content.decode()


def test_outsiders_cannot_see_the_page(demo, aged_book):
    url = reverse("ledger:ageing", args=[aged_book.code])
    assert client_for(demo.other_accountant).get(url).status_code == 404
    assert client_for(demo.other_township).get(url).status_code == 404
    region_url = reverse("ledger:region_ageing")
    township = aged_book.region_id[:9] + "000"
    assert client_for(demo.other_township).get(region_url, {"region": township}).status_code == 404
    assert client_for(demo.accountant).get(region_url, {"region": township}).status_code == 404


def test_the_region_page(demo, aged_book):
    township = aged_book.region_id[:9] + "000"
    r = client_for(demo.township).get(reverse("ledger:region_ageing"), {"region": township, "date": "2026-06-30"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "大歇村" in html and "5,500.00" in html and "张三" not in html
    assert reverse("ledger:ageing", args=[aged_book.code]) in html
    r = client_for(demo.township).get(reverse("ledger:region_ageing"), {"region": township, "date": "2026-06-30", "format": "csv"})
    assert "5500.00" in response_bytes(r).decode()
    # without a region: the user's own (the county supervisor's county)
    r = client_for(demo.county).get(reverse("ledger:region_ageing"), {"date": "2026-06-30"})
    assert r.status_code == 200 and r.context["region"].code == "340828000000"
    assert f"?region={township}&amp;date=2026-06-30" in r.content.decode()  # down to its townships
    # the book's report index links the page
    index = client_for(demo.accountant).get(reverse("ledger:index", args=[aged_book.code])).content.decode()
    assert reverse("ledger:ageing", args=[aged_book.code]) in index


def run(*args):
    out = io.StringIO()
    call_command("report", "ageing", *args, stdout=out)
    return out.getvalue()


def test_cli_book_and_region(demo, aged_book):
    rows_ = json.loads(run("--book", aged_book.code, "--date", "2026-06-30", "--format", "json"))
    zs = next(r for r in rows_ if r["counterparty"] == "张三")
    assert zs["balance"] == "4000.00" and zs["years_2_3"] == "2000.00"
    masked = json.loads(run("--book", aged_book.code, "--date", "2026-06-30", "--format", "json", "--as", demo.township.username))
    assert {r["counterparty"] for r in masked} >= {"张*"} and "张三" not in {r["counterparty"] for r in masked}
    region = json.loads(run("--region", "340828000000", "--date", "2026-06-30", "--format", "json", "--as", demo.county.username))
    assert [r["balance"] for r in region if r["village"] == "合计" and r["section"] == "应收款"] == ["5500.00"]


def test_cli_refuses_outsiders_and_bad_options(demo, aged_book):
    with pytest.raises(CommandError, match="不存在或不在您的管辖范围内"):
        run("--book", aged_book.code, "--date", "2026-06-30", "--as", demo.other_accountant.username)
    with pytest.raises(CommandError, match="不存在，或不在管辖范围内"):
        run("--region", aged_book.region_id[:9] + "000", "--date", "2026-06-30", "--as", demo.other_township.username)
    with pytest.raises(CommandError, match="not allowed with"):
        run("--book", aged_book.code, "--region", "340828000000", "--date", "2026-06-30", "--as", demo.county.username)
    with pytest.raises(CommandError, match="无效"):
        run("--book", aged_book.code, "--date", "2026-02-30")


def test_api(demo, aged_book):
    url = f"/api/v1/books/{aged_book.code}/reports/ageing"
    r = api_client(demo.accountant).get(url, {"date": "2026-06-30"})
    assert r.status_code == 200, r.content
    body = r.json()
    rec = next(s for s in body["sections"] if s["role"] == "receivable")
    assert rec["rows"][0] == {
        "counterparty": "张三", "kind": "", "balance_fen": 400_000, "within_1_fen": 200_000, "years_1_2_fen": 0,
        "years_2_3_fen": 200_000, "over_3_fen": 0, "oldest": "2024-03-01",
    }
    assert api_client(demo.other_accountant).get(url, {"date": "2026-06-30"}).status_code == 404
    masked = api_client(demo.township).get(url, {"date": "2026-06-30"}).json()
    assert "张三" not in json.dumps(masked, ensure_ascii=False)
