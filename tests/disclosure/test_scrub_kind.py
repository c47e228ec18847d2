"""The counterparty's kind, as entered, decides how the public page shows it: a counterparty
entered as a person is masked as a whole and its name wherever it appears (the voucher's
summary too), whatever words its name holds; one entered as an organisation keeps its name."""

from django.test import Client
from django.urls import reverse

from sanwu.disclosure import services
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Entry, Voucher
from tests.conftest import finance_reviewed


def _entered(as_user, demo, book, kind: str, counterparty: str = "王小明施工队（负责人王小明）") -> Voucher:
    """The accountant enters the payment in the voucher form; the township reviews and posts it."""
    acc = as_user(demo.accountant)
    data = {
        "date": "2025-03-20", "summary": "支付王小明劳务费", "attachment_count": "0", "then": "submit",
        "account": ["513", "101"], "entry_summary": ["", ""], "debit": ["800.00", ""], "credit": ["", "800.00"],
        "counterparty": [counterparty, counterparty], "counterparty_kind": [kind, kind], "settlement": ["", "cash"], "source": ["", ""],
    }
    resp = acc.post(reverse("ledger:voucher_new", args=[book.code]), data)
    assert resp.status_code == 302, resp.content.decode()
    v = Voucher.objects.get(book=book, summary="支付王小明劳务费")
    ledger.review_and_post(demo.township, v)
    return v


def _published_item(demo, book) -> dict:
    finance_reviewed(book, 2025, 3)
    d = services.publish(demo.secretary, services.confirm(demo.secretary, services.prepare(demo.accountant, book, 2025, 3)))
    (item,) = [i for i in d.snapshot["items"] if "劳务费" in i["summary"]]
    return item


def test_a_person_counterparty_entered_in_the_form_is_published_masked(demo, as_user, book):
    v = _entered(as_user, demo, book, "person")
    assert set(Entry.objects.filter(voucher=v).values_list("counterparty_kind", flat=True)) == {"person"}
    item = _published_item(demo, book)
    assert item["summary"] == "支付王*明劳务费"
    assert "王小明" not in item["counterparty"] and item["counterparty"].startswith("王*")
    page = Client().get(reverse("disclosure:village_public", args=[book.region_id])).content.decode()
    assert "王小明" not in page


def test_an_organisation_keeps_its_words_but_not_the_person_it_names(demo, as_user, book):
    _entered(as_user, demo, book, "organisation")
    item = _published_item(demo, book)
    assert item["counterparty"] == "王*明施工队（负责人王*明）"  # the organisation keeps its name, the person in it masked
    assert item["summary"] == "支付王*明劳务费"


def test_a_credit_code_makes_the_counterparty_an_organisation(demo, as_user, book):
    party = "岳西县某某建筑有限公司91340828MA2N0B1X4R"
    code = party[-18:]
    from sanwu.core.codes import credit_check_char

    party = party[:-1] + credit_check_char(code[:17])
    acc = as_user(demo.accountant)
    v = _entered(as_user, demo, book, "", counterparty=party)
    assert set(Entry.objects.filter(voucher=v).values_list("counterparty_kind", flat=True)) == {"organisation"}
    # entered as a person with a credit code: refused, nothing saved
    data = {
        "date": "2025-03-21", "summary": "再付劳务费", "attachment_count": "0", "then": "save",
        "account": ["513", "101"], "entry_summary": ["", ""], "debit": ["1.00", ""], "credit": ["", "1.00"],
        "counterparty": [party, ""], "counterparty_kind": ["person", ""], "settlement": ["", ""], "source": ["", ""],
    }
    resp = acc.post(reverse("ledger:voucher_new", args=[book.code]), data)
    assert resp.status_code == 200 and "应为单位而不是个人" in resp.content.decode()
    assert not Voucher.objects.filter(summary="再付劳务费").exists()


def test_the_kind_is_not_part_of_the_chain(demo, book):
    """The chain's canonical text is the same whatever the counterparty's kind, and the book
    still verifies with kinds stored."""
    from sanwu.ledger.services.verify import verify_book
    from tests.ledger.journal import parse

    (draft,) = parse("""
2025-03-05 支付劳务费
  513  1.00  -
  101  -     1.00  cash  张三
""")
    draft.entries[1].counterparty_kind = "person"
    (v,) = ledger.post_drafts(None, book, [draft])
    entries = list(Entry.objects.filter(voucher=v).select_related("account").order_by("line"))
    assert [e.counterparty_kind for e in entries] == ["", "person"]
    v = Voucher.objects.get(pk=v.pk)
    with_kind = ledger.canonical_of(book, v, entries, {})
    for e in entries:
        e.counterparty_kind = "organisation"
    assert ledger.canonical_of(book, v, entries, {}) == with_kind
    assert verify_book(book).ok


def test_an_outsider_cannot_enter_vouchers_in_the_book(demo, as_user, book):
    resp = as_user(demo.other_accountant).post(reverse("ledger:voucher_new", args=[book.code]), {"summary": "x"})
    assert resp.status_code in (403, 404)
