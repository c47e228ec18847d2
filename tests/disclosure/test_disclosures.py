"""A village's financial disclosure: prepared from the books by the accountant, confirmed by the
secretary (only), published and frozen with the book's chain head; checked against the books
afterwards — a rewritten entry is caught and explained."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client

from sanwu.core.codes import id_check_char
from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.disclosure import services
from sanwu.disclosure.models import Disclosure, DisclosureEvent, Frozen
from sanwu.ledger.services import chain
from sanwu.ledger import services as ledger
from sanwu.ledger import triggers
from sanwu.ledger.models import Entry, Voucher
from sanwu.ledger.services import canonical_of
from sanwu.ledger.services.verify import verify_book
from sanwu.regions.models import Person
from tests.conftest import finance_reviewed
from tests.ledger.conftest import OPENING_CASH

from .conftest import post_journal

DAXIE = "340828100200"


def person(region: str, name: str, seq: int, phone: str = "") -> Person:
    first17 = f"{region[:6]}19500101{seq:03d}"
    return Person.objects.create(region_id=region, name=name, id_number=first17 + id_check_char(first17), gender="M", birth_date=dt.date(1950, 1, 1), phone=phone)


@pytest.fixture
def villagers(demo):
    return [person(DAXIE, "王德明", 101, "13912345678"), person(DAXIE, "李秀英", 102, "13800001111")]


def test_the_accountant_prepares_the_months_figures_from_the_books(demo, book, villagers, march):
    d = services.prepare(demo.accountant, book, 2025, 3)
    s = d.snapshot
    assert (d.status, d.kind, d.period_key, d.period_label, d.village_id) == ("draft", "month", "2025-03", "2025年3月", DAXIE)
    assert [(x["key"], x["period"], x["ytd"]) for x in s["income"]] == [("operating_income", 1500050, 1500050), ("subsidy_income", 5000000, 5000000)]
    assert "村集体自己挣的钱" in s["income"][0]["plain"]
    assert s["income_total"]["period"] == 6500050
    assert {x["key"]: x["period"] for x in s["sources"]} == {"pv": 1200050, "rent": 300000, "subsidy": 5000000}
    assert [(x["key"], x["period"]) for x in s["expense"]] == [("management_expense", 80000)]
    assert s["net"]["period"] == 6420050
    assert {b["key"]: (b["opening"], b["closing"]) for b in s["balances"]} == {
        "cash": (OPENING_CASH, OPENING_CASH + 420000), "bank": (0, 6000050), "receivable": (0, 0), "payable": (0, 0), "loans": (0, 0),
    }
    assert s["has_last_year"] is False  # the book was opened in 2025
    # every posted voucher of March, April's left out; people masked, numbers dropped, companies kept
    assert [(i["date"], i["no"], i["kind"], i["amount"], i["counterparty"]) for i in s["items"]] == [
        ("2025-03-05", "记-0001", "income", 1200050, "国网岳西县供电公司"),
        ("2025-03-08", "记-0002", "income", 300000, "王*明"),
        ("2025-03-12", "记-0003", "income", 5000000, "主簿镇财政所"),
        ("2025-03-20", "记-0004", "expense", 80000, "李*英"),
        ("2025-03-25", "记-0005", "other", 200000, ""),
    ]
    assert s["items"][1]["summary"] == "收到王*明交来门面租金，电话（电话已隐去）"
    assert s["items"][3]["summary"] == "支付李*英保洁劳务费，身份证（证件号已隐去）"
    text = str(s)
    for v in villagers:
        assert v.name not in text and v.phone not in text and v.id_number not in text
    assert "340828195001011234" not in text
    assert DisclosureEvent.objects.filter(disclosure=d, action="prepared").exists()
    assert AuditEvent.objects.filter(action="disclosure.prepare", object_id=str(d.pk), actor=demo.accountant).exists()


def test_same_period_last_year_is_compared_when_the_book_was_open(demo):
    village = demo.other_accountant.role_assignments.get().region_id
    b = ledger.create_book(demo.county, "OLD1", village, "2023", start_date=dt.date(2024, 1, 1))
    ledger.confirm_opening(None, b)
    post_journal(demo.other_accountant, b, """
2024-03-05 收到光伏发电收入
  102  1000.00  -
  501  -  1000.00  pv
2025-02-05 收到光伏发电收入
  102  500.00  -
  501  -  500.00  pv
2025-03-05 收到光伏发电收入
  102  1500.00  -
  501  -  1500.00  pv
""")
    s = services.prepare(demo.other_accountant, b, 2025, 3).snapshot
    assert s["has_last_year"] is True
    assert s["income"][0] | {"plain": ""} == {"key": "operating_income", "label": "经营收入", "plain": "", "period": 150000, "ytd": 200000, "last_period": 100000, "last_ytd": 100000}
    assert [(b_["key"], b_["closing"], b_["last_closing"]) for b_ in s["balances"] if b_["key"] == "bank"] == [("bank", 300000, 100000)]


def test_a_quarter_is_three_months_and_quarterly_counties_are_due_after_it(demo, book, march):
    services.update_settings(demo.county, "340828000000", "quarterly", 15, 10)
    d = services.prepare_period(demo.accountant, book, "2025-Q1")
    assert (d.kind, d.month_from, d.month_to, d.period_key, d.period_label) == ("quarter", 1, 3, "2025-Q1", "2025年第一季度")
    assert services.due_date(services.settings_for(DAXIE), services.period_of(d)) == dt.date(2025, 4, 15)
    for bad in ("2025-13", "2025-Q5", "三月", "2025-02-03"):
        with pytest.raises(Invalid):
            services.prepare_period(demo.accountant, book, bad)
    with pytest.raises(Invalid, match="一个月或一个季度"):
        services.prepare(demo.accountant, book, 2025, 2, 3)


def test_a_period_not_yet_over_or_before_the_book_cannot_be_prepared(demo, book):
    today = services.today()
    with pytest.raises(Invalid, match="尚未结束"):
        services.prepare(demo.accountant, book, today.year, today.month)
    with pytest.raises(Invalid, match="早于账套启用日期"):
        services.prepare(demo.accountant, book, 2024, 12)


def test_only_the_villages_accountant_prepares(demo, book, other_book, march):
    for outsider in (demo.secretary, demo.township, demo.county, demo.auditor, demo.other_accountant):
        with pytest.raises(Refused):
            services.prepare(outsider, book, 2025, 3)
    assert not Disclosure.objects.exists()
    assert AuditEvent.objects.filter(action="permission_denied", object_type="disclosure.prepare").count() == 5


def test_only_the_village_secretary_confirms(demo, prepared):
    for other in (demo.accountant, demo.township, demo.county, demo.city, demo.auditor, demo.other_accountant):
        with pytest.raises(Refused, match="党组织书记"):
            services.confirm(other, prepared)
    assert Disclosure.objects.get(pk=prepared.pk).status == "draft"
    d = services.confirm(demo.secretary, prepared)
    assert (d.status, d.confirmed_by) == ("confirmed", demo.secretary)
    with pytest.raises(Invalid, match="已确认"):
        services.confirm(demo.secretary, d)


def test_publishing_needs_the_confirmation_and_freezes_the_chain_head(demo, book, prepared):
    with pytest.raises(Invalid, match="须先由本村党组织书记确认"):
        services.publish(demo.accountant, prepared)
    d = services.confirm(demo.secretary, prepared)
    for other in (demo.township, demo.other_accountant, demo.auditor):
        with pytest.raises(Refused):
            services.publish(other, d)
    with pytest.raises(Invalid, match="2025年3月尚未进行民主理财"):
        services.publish(demo.accountant, d)
    finance_reviewed(book, 2025, 3)
    d = services.publish(demo.accountant, d)
    assert d.snapshot["finance_review"]["months"][0]["remarks"] == "账目清楚，无异议。"
    book.refresh_from_db()
    assert (d.status, d.published_by, d.chain_head, d.posted_count) == ("published", demo.accountant, book.chain_head, book.posted_count)
    assert d.posted_count == 6 and len(d.chain_head) == 64
    assert AuditEvent.objects.filter(action="disclosure.publish", object_id=str(d.pk), new__chain_head=book.chain_head).exists()
    assert [e.action for e in d.events.all()] == ["prepared", "confirmed", "published"]


def test_publishing_is_irreversible(demo, book, published):
    d = published
    with pytest.raises(Invalid, match="已经发布"):
        services.publish(demo.secretary, d)
    with pytest.raises(Invalid, match="已经发布"):
        services.confirm(demo.secretary, d)
    with pytest.raises(Invalid, match="已经发布，不能重新编制"):
        services.prepare(demo.accountant, book, 2025, 3)
    # the model itself refuses, one row or many
    d.snapshot = {"income_total": {"period": 1}}
    with pytest.raises(Frozen):
        d.save()
    with pytest.raises(Frozen):
        Disclosure.objects.get(pk=d.pk).delete()
    with pytest.raises(Frozen):
        Disclosure.objects.filter(pk=d.pk).update(status="draft")
    with pytest.raises(Frozen):
        Disclosure.objects.all().delete()
    stored = Disclosure.objects.get(pk=d.pk)
    assert stored.status == "published" and stored.snapshot["income_total"]["period"] == 6500050


def test_the_books_changing_after_preparation_stop_confirmation_and_publication(demo, book, prepared):
    post_journal(demo.accountant, book, "2025-03-28 收到补记的租金\n  101  100.00  -\n  501  -  100.00  rent\n")
    with pytest.raises(Invalid, match="请会计重新编制"):
        services.confirm(demo.secretary, prepared)
    d = services.prepare(demo.accountant, book, 2025, 3)  # prepared again
    assert d.pk == prepared.pk and d.snapshot["income_total"]["period"] == 6510050
    d = services.confirm(demo.secretary, d)
    post_journal(demo.accountant, book, "2025-03-29 又补记一笔\n  101  1.00  -\n  501  -  1.00  rent\n")
    with pytest.raises(Invalid, match="确认后账簿又有变动"):
        services.publish(demo.secretary, d)
    assert [e.action for e in d.events.all()] == ["prepared", "reprepared", "confirmed"]


def test_a_published_disclosure_checks_out_while_the_books_only_grow(demo, book, published):
    ok, why = services.check_disclosure(published)
    assert ok and "没有被改动" in why
    post_journal(demo.accountant, book, APRIL_MORE)  # new business after the period
    ok, why = services.check_disclosure(Disclosure.objects.get(pk=published.pk))
    assert ok, why
    assert services.verify_disclosures(book) == []


APRIL_MORE = "2025-04-20 支付村部电费\n  513  300.00  -\n  102  -  300.00  bank\n"


def test_a_voucher_posted_into_the_published_month_afterwards_is_explained(demo, book, published):
    post_journal(demo.accountant, book, "2025-03-30 补记3月电费\n  513  50.00  -\n  101  -  50.00  cash\n")
    ok, why = services.check_disclosure(Disclosure.objects.get(pk=published.pk))
    assert not ok
    assert "公开数字与账簿不再一致" in why and "防篡改校验码完好" in why and "支出数字不同" in why


def test_tampering_with_a_posted_entry_after_publication_is_detected(demo, book, published, as_user):
    entry = Entry.objects.get(voucher__book=book, voucher__number=1, voucher__month=3, line=2)
    triggers.uninstall(connection)
    try:
        Entry.objects.filter(pk=entry.pk).update(credit=1200)  # 12,000.50 元 → 12.00 元
        Entry.objects.filter(voucher=entry.voucher, line=1).update(debit=1200)
    finally:
        triggers.install(connection)
    ok, why = services.check_disclosure(Disclosure.objects.get(pk=published.pk))
    assert not ok
    assert why.startswith(services.TAMPERED), why
    assert "2025-03 记-0001" in why  # verify_book names the first voucher that no longer matches
    problems = services.verify_disclosures(book)
    assert len(problems) == 1 and "2025年3月财务公开" in problems[0] and services.TAMPERED in problems[0]
    # the disclosure's pages say so: inside the platform and on the public page
    inside = as_user(demo.township).get(f"/disclosures/{published.pk}/").content.decode()
    assert 'data-check="bad"' in inside and services.TAMPERED in inside
    public = Client().get(f"/v/{DAXIE}/d/{published.pk}/").content.decode()
    assert 'data-check="bad"' in public and services.TAMPERED in public
    village = Client().get(f"/v/{DAXIE}/").content.decode()
    assert services.TAMPERED in village


def test_rewriting_the_chain_after_publication_is_detected_even_if_every_hash_is_recomputed(demo, book, published):
    """Someone rewrites a voucher and recomputes every hash after it (so verify_book alone would
    pass): the disclosure's frozen link no longer matches."""

    triggers.uninstall(connection)
    try:
        Voucher.objects.filter(book=book, seq=2).update(summary="改过的摘要")
        prev = ""
        seq_of = {}
        for v in Voucher.objects.filter(book=book, status="posted").order_by("seq"):
            entries = list(Entry.objects.filter(voucher=v).select_related("account").order_by("line"))
            h = chain.link(prev, canonical_of(book, v, entries, seq_of))
            Voucher.objects.filter(pk=v.pk).update(prev_hash=prev, hash=h)
            seq_of[v.pk] = v.seq
            prev = h
        type(book).objects.filter(pk=book.pk).update(chain_head=prev)
    finally:
        triggers.install(connection)

    assert verify_book(book).ok  # the chain in itself is consistent again…
    ok, why = services.check_disclosure(Disclosure.objects.get(pk=published.pk))
    assert not ok and services.TAMPERED in why and "第 6 张凭证已不是当时那一张" in why  # …but not the one published


def test_editing_the_frozen_snapshot_in_the_database_is_detected(demo, published):
    with connection.cursor() as cur:
        cast = "::jsonb" if connection.vendor == "postgresql" else ""
        cur.execute(f"UPDATE disclosure_disclosure SET snapshot = %s{cast} WHERE id = %s", ['{"income": []}', published.pk])
    ok, why = services.check_disclosure(Disclosure.objects.get(pk=published.pk))
    assert not ok and "指纹不符" in why


def test_overdue_disclosures_for_oversight(demo, book, march):
    # March has business, due 2025-04-10; April too (due 2025-05-10)
    assert services.overdue_disclosures(dt.date(2025, 4, 10)) == []
    late = services.overdue_disclosures(dt.date(2025, 4, 11))
    assert late == [{"village_code": DAXIE, "period": "2025-03", "due_date": dt.date(2025, 4, 10), "book_code": book.code, "village_name": "大歇村", "label": "2025年3月"}]
    assert [r["period"] for r in services.overdue_disclosures(dt.date(2025, 5, 11))] == ["2025-03", "2025-04"]
    d = services.confirm(demo.secretary, services.prepare(demo.accountant, book, 2025, 3))
    assert [r["period"] for r in services.overdue_disclosures(dt.date(2025, 5, 11))] == ["2025-03", "2025-04"]  # confirmed is not published
    finance_reviewed(book, 2025, 3)
    services.publish(demo.secretary, d)
    assert [r["period"] for r in services.overdue_disclosures(dt.date(2025, 5, 11))] == ["2025-04"]
    # a quarterly county: the first quarter is due on its due day in April
    services.update_settings(demo.county, "340828000000", "quarterly", 20, 7)
    assert [(r["period"], r["due_date"]) for r in services.overdue_disclosures(dt.date(2025, 7, 21))] == [("2025-Q1", dt.date(2025, 4, 20)), ("2025-Q2", dt.date(2025, 7, 20))]
    # long past: outside the look-back window
    assert services.overdue_disclosures(dt.date(2026, 9, 1)) == []


def test_county_settings_are_the_county_supervisors(demo):
    s = services.settings_for(DAXIE)
    assert (s.pk is None or s.updated_at is None, s.frequency, s.due_day, s.answer_days) == (True, "monthly", 10, 7)
    for other in (demo.township, demo.accountant, demo.secretary, demo.auditor, demo.city):
        with pytest.raises(Refused):
            services.update_settings(other, "340828000000", "quarterly", 15, 5)
    with pytest.raises(Invalid) as exc:
        services.update_settings(demo.county, "340828000000", "yearly", 31, 0)
    assert len(exc.value.problems) == 3
    with pytest.raises(Refused):
        services.update_settings(demo.county, "340825000000", "quarterly", 15, 5)  # another county (太湖县)
    services.update_settings(demo.county, "340828000000", "quarterly", 15, 5)
    s = services.settings_for(DAXIE)
    assert (s.frequency, s.due_day, s.answer_days, s.updated_by) == ("quarterly", 15, 5, demo.county)
    assert AuditEvent.objects.filter(action="disclosure.settings", actor=demo.county, region_code="340828000000").exists()
