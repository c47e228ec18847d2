import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from sanwu.contracts import rules, services
from sanwu.contracts.imports import import_contracts
from sanwu.contracts.models import Contract, ReceiptLink, ScheduleLine
from sanwu.core.errors import Invalid, Refused
from tests.conftest import api_client, client_for
from tests.ledger.conftest import book, other_book, post_journal  # noqa: F401  (fixtures)

SHEET = """合同编号,类型,对方,对方类型,统一社会信用代码,标的,面积（亩）,开始日期,结束日期,金额,收款周期,押金
HT-001,发包,王建国,个人,,村集体茶园,120.5,2025-01-01,2027-12-31,36000,年,5000
HT-002,租赁,岳西县宏达建筑工程有限公司,单位,91340828MA2N0YQK4D,村部一楼店面,,2025-03-01,2026-02-28,3000,季,
"""


@given(st.integers(1, 10**9), st.sampled_from(["year", "half", "quarter"]), st.integers(0, 30))
def test_a_schedule_without_escalation_is_the_amount_once_per_period(amount, period, years):
    start = dt.date(2020, 1, 1)
    end = rules.add_months(start, years * 12) - dt.timedelta(days=1) if years else start
    lines = rules.schedule(rules.Terms(start, end, amount, period))
    per_year = 12 // rules.PERIOD_MONTHS[period]
    assert len(lines) == (years * per_year if years else 1) and all(a == amount for _, _, a in lines)
    assert [s for s, _, _ in lines] == list(range(1, len(lines) + 1)) and all(d <= end for _, d, _ in lines)


def test_escalation_by_percent_compounds_yearly_and_by_amount_adds():
    t = rules.Terms(dt.date(2025, 1, 31), dt.date(2027, 12, 31), 100_000, "half", "percent", 500)
    assert [(d, a) for _, d, a in rules.schedule(t)] == [
        (dt.date(2025, 1, 31), 100_000), (dt.date(2025, 7, 31), 100_000), (dt.date(2026, 1, 31), 105_000),
        (dt.date(2026, 7, 31), 105_000), (dt.date(2027, 1, 31), 110_250), (dt.date(2027, 7, 31), 110_250),
    ]
    t = rules.Terms(dt.date(2025, 1, 1), dt.date(2026, 12, 31), 100_000, "year", "amount", 2_000)
    assert [a for _, _, a in rules.schedule(t)] == [100_000, 102_000]
    assert rules.schedule(rules.Terms(dt.date(2025, 5, 1), dt.date(2030, 1, 1), 5_000_000, "once")) == [(1, dt.date(2025, 5, 1), 5_000_000)]


def test_a_sheet_of_contracts_with_their_schedules(demo, book):
    made = import_contracts(demo.accountant, book, SHEET.encode(), "合同.csv")
    assert [c.number for c in made] == ["HT-001", "HT-002"]
    tea = Contract.objects.get(book=book, number="HT-001")
    assert list(tea.lines.values_list("due", "amount")) == [(dt.date(2025, 1, 1), 3_600_000), (dt.date(2026, 1, 1), 3_600_000), (dt.date(2027, 1, 1), 3_600_000)]
    assert (tea.area_cmu, tea.deposit) == (12_050, 500_000)
    assert Contract.objects.get(number="HT-002").lines.count() == 4


def test_a_bad_sheet_names_every_problem_and_writes_nothing(demo, book):
    bad = SHEET + "HT-001,转让,李四,个人,91340828MA2N0YQK4D,鱼塘,x,2025-13-01,2024-01-01,-1,月,\nHT-004,租赁,某公司,单位,,厂房,,2025-01-01,2025-12-31,100,年,\n"
    with pytest.raises(Invalid) as exc:
        import_contracts(demo.accountant, book, bad.encode(), "bad.csv")
    text = "\n".join(exc.value.messages)
    assert "第4行「类型（kind）」列：类型「转让」无效" in text and "收款周期「月」无效" in text and "开始日期「2025-13-01」无效" in text
    assert "第5行「统一社会信用代码（credit_code）」列：对方为单位时须填写统一社会信用代码" in text
    assert not Contract.objects.exists()
    dup = SHEET + "HT-001,发包,张三,个人,,鱼塘,,2025-01-01,2025-12-31,100,年,\n"
    with pytest.raises(Invalid, match="合同编号「HT-001」已登记"):
        import_contracts(demo.accountant, book, dup.encode(), "dup.csv")
    assert not Contract.objects.exists()


def test_receipts_pay_the_schedule_oldest_first_and_the_rest_is_in_arrears(demo, book, capsys):
    import_contracts(demo.accountant, book, SHEET.encode(), "合同.csv")
    tea = Contract.objects.get(book=book, number="HT-001")
    (v,) = post_journal(demo.accountant, book, "2025-01-10 收到茶园承包费\n  102  40000.00  -  bank\n  501  -  40000.00\n")
    links = services.link_receipt(demo.accountant, tea, v)
    assert [(lk.line.seq, lk.amount) for lk in links] == [(1, 3_600_000), (2, 400_000)]
    with pytest.raises(Invalid, match="收款已全部登记"):
        services.link_receipt(demo.accountant, tea, v)
    with pytest.raises(Refused):
        services.link_receipt(demo.other_accountant, tea, v)
    rows = services.arrears(demo.township, book.region_id, dt.date(2026, 6, 30))
    mine = [r for r in rows if r["contract_no"] == "HT-001"]
    assert [(r["seq"], r["due_fen"], r["paid_fen"], r["owed_fen"], r["days_overdue"]) for r in mine] == [(2, 3_600_000, 400_000, 3_200_000, 180)]
    assert mine[0]["counterparty"] == "王*国" and mine[0]["ageing"] == "91至180天"
    assert services.arrears(demo.other_accountant, book.region_id, dt.date(2026, 6, 30)) == []
    call_command("contracts", "arrears", "--region", book.region_id, "--date", "2026-06-30", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert {"book", "contract_no", "counterparty", "due", "due_fen", "paid_fen", "owed_fen", "days_overdue"} <= set(data[0])
    assert services.book_problems(book) == []
    assert ReceiptLink.objects.count() == 2 and ScheduleLine.objects.get(contract=tea, seq=2).paid == 400_000


def test_pages_and_api_mask_people_and_keep_outsiders_out(demo, book):
    import_contracts(demo.accountant, book, SHEET.encode(), "合同.csv")
    tea = Contract.objects.get(book=book, number="HT-001")
    page = client_for(demo.township).get(reverse("contracts:detail", args=[tea.pk]))
    assert page.status_code == 200 and "王*国" in page.content.decode() and "王建国" not in page.content.decode()
    assert client_for(demo.other_accountant).get(reverse("contracts:detail", args=[tea.pk])).status_code == 404
    assert api_client(demo.other_accountant).get("/api/v1/contracts").json() == []
    data = api_client(demo.accountant).get(f"/api/v1/contracts/{tea.pk}").json()
    assert data["counterparty"] == "王*国" and len(data["lines"]) == 3
    arrears = client_for(demo.accountant).get(reverse("contracts:arrears") + f"?region={book.region_id}&date=2026-06-30")
    assert arrears.status_code == 200 and "HT-001" in arrears.content.decode()


def test_the_daily_run_warns_of_an_unpaid_line_and_of_income_with_no_contract(demo, book):
    from sanwu.oversight.models import Warning
    from sanwu.oversight.services import run_daily

    import_contracts(demo.accountant, book, SHEET.encode(), "合同.csv")
    from sanwu.ledger import services as ledger

    ledger.post_drafts(demo.accountant, book, [ledger.VoucherDraft(dt.date(2026, 2, 10), "收到鱼塘租金", [
        ledger.EntryDraft("102", debit=200_000, settlement="bank"),
        ledger.EntryDraft("501", credit=200_000, source="rent", counterparty="李四", counterparty_kind="person"),
    ])])
    run_daily(None, dt.date(2026, 6, 30))
    rules_found = set(Warning.objects.filter(book=book).values_list("rule", flat=True))
    assert {"contract_payment_overdue", "income_without_contract"} <= rules_found
    tea = Contract.objects.get(book=book, number="HT-001")
    undecided = set(Warning.objects.filter(book=book, rule="contract_no_decision").values_list("subject", flat=True))
    assert undecided == {f"contract:{tea.pk}"}  # 10.8万元 with no matter; the shop's 1.2万元 is below 5万元
    w = Warning.objects.get(book=book, rule="income_without_contract")
    assert "李*" in w.message and "李四" not in w.message
    run_daily(None, dt.date(2026, 6, 30))
    assert Warning.objects.filter(book=book, rule="income_without_contract").count() == 1  # idempotent


def test_a_contract_names_the_resources_and_cards_it_covers(demo, book):
    from sanwu.assets import services as assets

    village = book.region
    (r,) = assets.add_resources(demo.accountant, village, [assets.ResourceData("ZY-9", "河湾茶园", "garden", 12_050, "contracted")])
    sheet = SHEET.splitlines()
    rows = [sheet[0] + ",资源或资产编号", sheet[1] + ",ZY-9", sheet[2] + ","]
    import_contracts(demo.accountant, book, ("\n".join(rows) + "\n").encode(), "c.csv")
    assert list(Contract.objects.get(book=book, number="HT-001").resources.all()) == [r]
    with pytest.raises(Invalid, match="不是本村登记的资源"):
        import_contracts(demo.accountant, book, ("\n".join([rows[0], rows[1].replace("HT-001", "HT-009").replace("ZY-9", "ZY-404")]) + "\n").encode(), "d.csv")


def test_the_accountant_links_a_receipt_on_the_page_and_bad_amounts_are_named(demo, book):
    import_contracts(demo.accountant, book, SHEET.encode(), "合同.csv")
    tea = Contract.objects.get(book=book, number="HT-001")
    (v,) = post_journal(demo.accountant, book, "2025-01-10 收到茶园承包费\n  102  36000.00  -  bank\n  501  -  36000.00\n")
    c = client_for(demo.accountant)
    r = c.post(reverse("contracts:receipt", args=[tea.pk]), {"voucher": v.pk, "amount": "12.345"})
    assert r.status_code == 422 and "金额" in r.content.decode()
    assert c.post(reverse("contracts:receipt", args=[tea.pk]), {"voucher": v.pk, "amount": ""}).status_code == 302
    assert ScheduleLine.objects.get(contract=tea, seq=1).paid == 3_600_000
    assert client_for(demo.township).post(reverse("contracts:receipt", args=[tea.pk]), {"voucher": v.pk}).status_code == 403
