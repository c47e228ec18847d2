"""The demo matters: every state on show, vouchers linked only where a book exists,
deterministic for a seed, idempotent, and nothing personal on the public side."""

import datetime as dt
import json

from django.db import transaction

from sanwu.decisions import services
from sanwu.decisions.demo import load_demo
from sanwu.decisions.models import Matter, StageRecord, VoucherLink
from sanwu.ledger import services as ledger
from sanwu.regions.models import Person

from ..ledger.journal import parse
from .conftest import clear_matters, good, village_of


def snapshot():
    return sorted(
        (m.village_id, m.title, m.year, m.status, m.stage, m.amount, m.merged_first_steps,
         tuple(StageRecord.objects.filter(matter=m).order_by("id").values_list("stage", "date", "entitled", "present", "votes_for", "channel")),
         tuple(VoucherLink.objects.filter(matter=m).values_list("voucher__summary", flat=True)))
        for m in Matter.objects.all()
    )


def test_the_demo_shows_every_state_and_links_vouchers_where_books_exist(demo, book):
    result = load_demo(2021)
    village = village_of(demo.secretary)
    other = village_of(demo.other_accountant)
    mine = Matter.objects.filter(village_id=village)
    assert {m.stage for m in mine} == {"", "proposal", "committees", "members_meeting", "villagers_meeting", "resolution_published", "result_published"}
    assert {m.status for m in mine} == {"in_progress", "completed", "abandoned"}
    assert mine.filter(merged_first_steps=True, status="completed").exists()
    assert services.has_completed_decision(village, "cadre_reward", 2020)
    # 大歇村 has a book (with 2025 vouchers only: no 2020 payment to link); 关河村 has none
    assert not VoucherLink.objects.exists() and result["links"] == 0
    assert Matter.objects.filter(village_id=other).count() == 4
    extra = Matter.objects.exclude(village_id__in=[village, other]).values_list("village_id", flat=True).distinct()
    assert len(set(extra)) == 4
    assert result["matters"] == Matter.objects.count()
    # secretary's village: recorded as the secretary; elsewhere as the system
    assert set(StageRecord.objects.filter(matter__village_id=village).values_list("recorded_by", flat=True)) == {demo.secretary.pk}
    assert set(StageRecord.objects.filter(matter__village_id=other).values_list("recorded_by", flat=True)) == {None}


def test_the_demo_links_2020_payments_when_the_books_have_them(demo, village):
    b = ledger.create_book(None, "D2020", village, "2004", start_date=dt.date(2020, 1, 1))
    ledger.confirm_opening(None, b)
    ledger.post_drafts(None, b, parse(
        "2020-01-05 收到补助\n  102 500000.00 -\n  522 - 500000.00 subsidy\n"
        "2020-08-10 支付防汛救灾支出\n  551 120000.00 -\n  102 - 120000.00 bank\n"
        "2020-09-01 提取备用金\n  101 1000.00 -\n  102 - 1000.00 bank\n"
        "2020-09-10 支付办公用品\n  541 300.00 -\n  101 - 300.00 cash\n"
    ))
    load_demo(7)
    link = VoucherLink.objects.get()
    assert link.voucher.summary == "支付防汛救灾支出" and link.linked_by == demo.accountant
    m = link.matter
    assert m.status == "completed" and m.amount == 12_000_000 and m.purpose == "expenditure"
    records = {r.stage: r.date for r in StageRecord.objects.filter(matter=m)}
    assert records["resolution_published"] < link.voucher.date < records["result_published"]
    assert services.has_completed_decision_for_voucher(link.voucher)


def test_the_demo_is_deterministic_and_idempotent(demo):
    with transaction.atomic():
        load_demo(2021)
        first = snapshot()
        transaction.set_rollback(True)
    assert not Matter.objects.exists()
    load_demo(2021)
    assert snapshot() == first
    again = load_demo(2021)
    assert again == {"matters": 0, "links": 0} and snapshot() == first


def test_no_registered_name_reaches_the_public_side(demo):
    load_demo(2021)
    names = set(Person.objects.filter(region__code__startswith="340828").values_list("name", flat=True))
    for village in Matter.objects.values_list("village_id", flat=True).distinct():
        out = services.published_for_village(village)
        dump = json.dumps(out, ensure_ascii=False, default=str)
        assert out and all(item["resolution"] for item in out)
        for name in names:
            assert name not in dump, (village, name)
        assert "secretary" not in dump and "书记" not in dump


def test_a_test_can_start_from_a_clean_slate_even_after_the_demo(demo, book):
    load_demo(2021)
    m = Matter.objects.filter(stage="result_published").first()
    services.record_stage(None, m, "result_published", good("result_published", date=services.today()), correction_reason="更正")
    clear_matters()
    assert not Matter.objects.exists() and not StageRecord.objects.exists()
