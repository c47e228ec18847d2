"""Payment requests through their states: each transition by the right role, the wrong role
refused, the thresholds (matter, supervisory committee), the voucher made from the request."""

import datetime as dt

import pytest

from sanwu.core.codes import county_of
from sanwu.core.errors import Invalid, Refused
from sanwu.decisions import services as decisions
from sanwu.decisions.models import VoucherLink
from sanwu.ledger import services as ledger
from sanwu.payments import services
from sanwu.payments.models import PaymentEvent, PaymentRequest
from sanwu.workbench.models import Message

from .conftest import PDF, data, walk


def test_walk_through_every_state_with_an_event_each(demo, book):
    req = walk(demo, book, "paid")
    assert req.status == "paid" and req.voucher is not None
    events = list(PaymentEvent.objects.filter(request=req).values_list("action", "from_status", "to_status"))
    assert events == [
        ("create", "", "draft"), ("submit", "draft", "submitted"), ("approve", "submitted", "approved"),
        ("review", "approved", "reviewed"), ("pay", "reviewed", "paid"),
    ]
    assert req.committee_signer == "王监委"


def test_payee_account_encrypted_and_masked(demo, book):
    req = walk(demo, book, "draft")
    assert req.payee_account == "6228480012345678901"
    assert "6228480012345678901" not in req.payee_account_encrypted
    assert req.payee_account_masked == "6228***********8901"


def test_wrong_roles_are_refused(demo, book):
    with pytest.raises(Refused):
        services.create_request(demo.secretary, book, data())
    req = walk(demo, book, "draft")
    with pytest.raises(Refused):
        services.submit(demo.secretary, req)
    services.submit(demo.accountant, req)
    with pytest.raises(Refused):  # the maker does not approve
        services.approve(demo.accountant, req, "王监委")
    with pytest.raises(Refused):  # the township does not approve for the village
        services.approve(demo.township, req, "王监委")
    services.approve(demo.secretary, req, "王监委")
    with pytest.raises(Refused):
        services.review(demo.secretary, req)
    with pytest.raises(Refused):  # another township's supervisor: the outsider
        services.review(demo.other_township, req)
    services.review(demo.township, req)
    req.refresh_from_db()
    with pytest.raises(Refused):
        services.make_voucher(demo.township, req)
    with pytest.raises(Refused):
        services.make_voucher(demo.other_accountant, req)
    assert PaymentRequest.objects.get(pk=req.pk).status == "reviewed"


def test_outsider_cannot_touch_another_villages_request(demo, book):
    req = walk(demo, book, "draft")
    with pytest.raises(Refused):
        services.update_request(demo.other_accountant, req, data(amount=1))
    with pytest.raises(Refused):
        services.add_receipt(demo.other_accountant, req, "x.pdf", PDF)
    from sanwu.core.errors import NotFound
    from sanwu.core.permissions import get_visible

    with pytest.raises(NotFound):
        get_visible(PaymentRequest, demo.other_accountant, pk=req.pk)


def test_out_of_order_is_refused(demo, book):
    req = walk(demo, book, "draft")
    with pytest.raises(Invalid, match="不能审批"):
        services.approve(demo.secretary, req, "王监委")
    with pytest.raises(Invalid, match="不能审核"):
        services.review(demo.township, req)
    with pytest.raises(Invalid, match="乡镇审核通过后"):
        services.make_voucher(demo.accountant, req)


def test_submit_needs_a_receipt(demo, book):
    req = services.create_request(demo.accountant, book, data())
    with pytest.raises(Invalid, match="原始凭证"):
        services.submit(demo.accountant, req)
    services.add_receipt(demo.accountant, req, "合同.pdf", PDF)
    assert services.submit(demo.accountant, req).status == "submitted"


def test_the_budget_line_must_be_an_expense_account(demo, book):
    with pytest.raises(Invalid, match="不是支出类科目"):
        services.create_request(demo.accountant, book, data(account="102"))
    with pytest.raises(Invalid, match="不存在"):
        services.create_request(demo.accountant, book, data(account="999"))


def test_bad_fields_are_named(demo, book):
    with pytest.raises(Invalid) as exc:
        services.create_request(demo.accountant, book, data(payee_name="", payee_account="12ab", amount=0, purpose=""))
    text = "\n".join(exc.value.messages)
    for word in ("收款人户名", "收款账号", "金额", "用途"):
        assert word in text


def test_committee_sign_off_needed_above_its_threshold(demo, book):
    req = walk(demo, book, "submitted", amount=1_000_000)  # 1万元: at the default threshold
    with pytest.raises(Invalid, match="村务监督委员会"):
        services.approve(demo.secretary, req, "")
    assert services.approve(demo.secretary, req, "王监委").status == "approved"
    small = walk(demo, book, "submitted", amount=999_999)
    assert services.approve(demo.secretary, small, "").status == "approved"


def test_matter_needed_above_the_county_threshold(demo, book, village):
    big = dict(amount=6_000_000, purpose="村部维修工程款")
    req = services.create_request(demo.accountant, book, data(**big), receipts=[("发票.pdf", PDF)])
    with pytest.raises(Invalid, match="须关联已决议的四议两公开事项"):
        services.submit(demo.accountant, req)
    m = decisions.create_matter(demo.secretary, village, "村部维修", "assets", purpose="expenditure", amount=6_000_000, year=2025)
    req = services.update_request(demo.accountant, req, data(**big, matter_id=m.pk))
    with pytest.raises(Invalid, match="尚未完成决议公开"):
        services.submit(demo.accountant, req)
    from ..decisions.conftest import advance

    advance(demo.secretary, m, "resolution_published")
    assert services.submit(demo.accountant, req).status == "submitted"


def test_the_county_sets_its_thresholds(demo, book):
    county = county_of(book.region_id)
    with pytest.raises(Refused):
        services.update_thresholds(demo.township, county, matter_threshold=100)
    services.update_thresholds(demo.county, county, matter_threshold=500_000)
    req = services.create_request(demo.accountant, book, data(amount=800_000), receipts=[("发票.pdf", PDF)])
    with pytest.raises(Invalid, match="四议两公开"):
        services.submit(demo.accountant, req)


def test_matter_of_another_village_is_refused(demo, book):
    m = decisions.create_matter(None, demo.other_accountant.role_assignments.get().region_id, "关河村工程", "assets", year=2025)
    with pytest.raises(Invalid, match="不是本村的事项"):
        services.create_request(demo.accountant, book, data(matter_id=m.pk))


def test_reject_back_with_a_reason_and_resubmit(demo, book):
    req = walk(demo, book, "submitted")
    with pytest.raises(Invalid, match="退回原因"):
        services.reject(demo.secretary, req, " ")
    with pytest.raises(Refused):  # waiting for the village: the township does not send it back
        services.reject(demo.township, req, "不合规")
    services.reject(demo.secretary, req, "发票抬头不对")
    req.refresh_from_db()
    assert req.status == "rejected" and req.reject_reason == "发票抬头不对"
    assert Message.objects.filter(recipient=demo.accountant, kind="returned", object_id=str(req.pk)).exists()
    services.update_request(demo.accountant, req, data(purpose="村组道路维修款（更正发票）"))
    assert services.submit(demo.accountant, req).status == "submitted"
    services.approve(demo.secretary, req, "王监委")
    services.reject(demo.township, req, "缺少验收单")
    req.refresh_from_db()
    assert req.status == "rejected"
    assert list(PaymentEvent.objects.filter(request=req, action="reject").values_list("from_status", flat=True)) == ["submitted", "approved"]


def test_the_inbox_tells_the_next_person(demo, book):
    req = walk(demo, book, "submitted")
    assert Message.objects.filter(recipient=demo.secretary, object_type="payments.paymentrequest", object_id=str(req.pk)).exists()
    services.approve(demo.secretary, req, "王监委")
    assert Message.objects.filter(recipient=demo.township, object_id=str(req.pk)).exists()
    assert not Message.objects.filter(recipient=demo.other_township, object_id=str(req.pk)).exists()


def test_voucher_made_from_the_request(demo, book, village):
    m = decisions.create_matter(demo.secretary, village, "道路维修", "welfare", purpose="expenditure", year=2025)
    req = walk(demo, book, "reviewed", matter_id=m.pk)
    v = services.make_voucher(demo.accountant, req, date=dt.date(2025, 5, 6))
    req.refresh_from_db()
    assert req.status == "paid" and req.voucher_id == v.pk
    assert v.status == "draft" and v.maker_id == demo.accountant.pk and v.total == 800_000 and v.source_no == req.reference
    lines = list(v.entries.order_by("line").values_list("account__code", "debit", "credit", "counterparty", "counterparty_kind", "settlement"))
    assert lines == [
        ("513", 800_000, 0, "县路桥工程有限公司", "organisation", "bank"),
        ("102", 0, 800_000, "县路桥工程有限公司", "organisation", "bank"),
    ]
    assert v.attachments.count() == 1 and v.attachment_count == 1
    assert VoucherLink.objects.filter(matter=m, voucher=v).exists()
    # the voucher goes on as usual: submitted, reviewed and posted by the books' own roles
    ledger.submit(demo.accountant, v)
    v = ledger.review_and_post(demo.township, v)
    assert v.status == "posted"
    with pytest.raises(Invalid, match="状态为"):
        services.make_voucher(demo.accountant, req)


def test_voucher_made_again_after_its_draft_was_thrown_away(demo, book):
    req = walk(demo, book, "paid")
    v = req.voucher
    v.attachments.all().delete()
    ledger.delete_draft(demo.accountant, v)
    req.refresh_from_db()
    assert req.status == "paid" and req.voucher_id is None
    v2 = services.make_voucher(demo.accountant, req, date=dt.date(2025, 5, 7))
    req.refresh_from_db()
    assert req.voucher_id == v2.pk


def test_key_rotation_reencrypts_payee_accounts(demo, book, settings, tmp_path):
    import io

    from django.core.management import call_command

    from sanwu.core import crypto
    from sanwu.regions.models import Person

    Person.objects.all().delete()  # the demo's rows are under the suite's key file
    settings.SANWU_PII_KEY_FILE = str(tmp_path / "keys.json")
    crypto.forget_keys()
    try:
        req = walk(demo, book, "draft")
        before = req.payee_account_encrypted
        out = io.StringIO()
        call_command("keys", "rotate", stdout=out)
        assert "重新加密 1 项" in out.getvalue()
        after = PaymentRequest.objects.get(pk=req.pk)
        assert after.payee_account_encrypted != before and after.payee_account == "6228480012345678901"
    finally:
        crypto.forget_keys()
