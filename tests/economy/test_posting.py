"""The figures are the books' kept totals: posting one voucher of operating income moves the
village's figure, its class and the county's counts at once; reversing it moves them back."""

from sanwu.economy import services
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Voucher
from sanwu.ledger.services import EntryDraft, VoucherDraft
from sanwu.regions.models import Region

from .conftest import V1, YUEXI


def county_now(user=None):
    year = ledger.today().year
    ov = services.overview(user, Region.objects.get(code=YUEXI), year, with_prev=True)
    return ov.summary, {v.code: v for v in ov.villages}


def test_posting_and_reversing_one_voucher_moves_the_figures(hand):
    demo = hand.demo
    before, rows = county_now(demo.county)
    # This year nothing is posted yet: every village is hollow.
    assert before.villages == 6 and before.classes["hollow"] == 6 and before.operating_income == 0
    assert rows[V1].prev.operating_income == 70_000_055  # last year, for the year-on-year change

    draft = VoucherDraft(
        date=ledger.today(), summary="收到民宿经营收入",
        entries=[EntryDraft("102", debit=15_000_001, settlement="bank"), EntryDraft("501", credit=15_000_001, source="service")],
    )
    v = ledger.save_draft(demo.accountant, hand.books[V1], draft)
    ledger.submit(demo.accountant, v)
    ledger.review(demo.township, v)
    after_make, _ = county_now(demo.county)
    assert after_make.operating_income == 0  # a voucher counts when it is posted, not before
    ledger.post(demo.accountant, Voucher.objects.get(pk=v.pk))

    s, rows = county_now(demo.county)
    assert rows[V1].now.operating_income == 15_000_001
    assert rows[V1].cls == "general"  # 150,000.01 ≥ 15万: out of hollow, past weak
    assert s.classes["hollow"] == 5 and s.classes["general"] == 1
    assert s.operating_income == 15_000_001 and s.average_operating_income == 2_500_000  # 15,000,001 / 6 = 2,500,000.17
    assert s.top.code == V1
    assert rows[V1].operating_income_change == 15_000_001 - 70_000_055
    # the township and the village itself see the same figure at once
    own = services.village_year(demo.accountant, Region.objects.get(code=V1), ledger.today().year)
    assert own.now.operating_income == 15_000_001 and own.cls == "general"

    r = ledger.start_reversal(demo.accountant, Voucher.objects.get(pk=v.pk))
    ledger.submit(demo.accountant, r)
    ledger.review(demo.township, r)
    ledger.post(demo.accountant, Voucher.objects.get(pk=r.pk))

    back, rows = county_now(demo.county)
    assert rows[V1].now.operating_income == 0 and rows[V1].cls == "hollow"
    assert back.classes == before.classes and back.operating_income == 0


def test_subsidy_never_moves_operating_income(hand):
    demo = hand.demo
    draft = VoucherDraft(
        date=ledger.today(), summary="收到县财政补助",
        entries=[EntryDraft("102", debit=99_000_000, settlement="bank"), EntryDraft("522", credit=99_000_000, source="subsidy")],
    )
    ledger.post_drafts(demo.accountant, hand.books[V1], [draft])
    s, rows = county_now()
    assert rows[V1].now.operating_income == 0 and rows[V1].now.total_income == 99_000_000 and rows[V1].now.subsidy_income == 99_000_000
    assert rows[V1].cls == "hollow" and s.classes["hollow"] == 6


def test_pv_income_makes_a_pv_only_village_and_other_income_undoes_it(hand):
    demo = hand.demo
    book = hand.books[V1]
    pv = VoucherDraft(date=ledger.today(), summary="光伏电费", entries=[EntryDraft("102", debit=12_000_000), EntryDraft("501", credit=12_000_000, source="pv")])
    ledger.post_drafts(demo.accountant, book, [pv])
    _, rows = county_now()
    assert rows[V1].cls == "pv_only" and rows[V1].now.pv_income == 12_000_000
    rent = VoucherDraft(date=ledger.today(), summary="房租", entries=[EntryDraft("102", debit=100), EntryDraft("501", credit=100, source="rent")])
    ledger.post_drafts(demo.accountant, book, [rent])
    _, rows = county_now()
    assert rows[V1].cls == "weak"  # 120,001.00 < 15万, and no longer all PV
