"""The voucher as accountants expect it: receipts attached in the form itself (the count from
the files), the account picker's pinyin, common summaries, templates, copying, the printed
记账凭证 with its three names, the reviewer going on to the next voucher, a draft in a closed
month refused when saved, full-width amounts, and messages that read cleanly."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sanwu.ledger import services
from sanwu.ledger.models import Attachment, Voucher, VoucherTemplate
from tests.disclosure import pdftext

from .journal import parse
from .test_views import TINY_PDF, form_data, tiny_png

PAYMENT = """
2025-03-06 支付办公费
  513  300.00  -
  101  -       300.00  cash
"""


def url(name, book, *args):
    return reverse(f"ledger:{name}", args=[book.code, *args])


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def submitted(demo, book, text=PAYMENT) -> Voucher:
    return services.submit(demo.accountant, services.save_draft(demo.accountant, book, parse(text)[0]))


def test_receipts_are_attached_in_the_form_and_counted_from_the_files(demo, as_user, book, media):
    acc = as_user(demo.accountant)
    page = acc.get(url("voucher_new", book)).content.decode()
    assert 'type="file" name="receipts" accept="image/*,application/pdf" capture="environment" multiple' in page
    assert 'enctype="multipart/form-data"' in page and 'name="attachment_count"' not in page
    # one bad file: nothing saved, the problem named, the files asked for again
    bad = acc.post(url("voucher_new", book), {**form_data(attachments="3"), "receipts": [SimpleUploadedFile("发票.png", tiny_png()), SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")]})
    assert bad.status_code == 200 and "「病毒.exe」不是 JPEG、PNG 或 PDF 文件" in bad.content.decode()
    assert "所选的 2 个附件没有保存" in bad.content.decode()
    assert not Voucher.objects.exists() and not Attachment.objects.exists()
    resp = acc.post(url("voucher_new", book), {**form_data(attachments="3"), "receipts": [SimpleUploadedFile("发票.png", tiny_png()), SimpleUploadedFile("合同.pdf", TINY_PDF)]})
    v = Voucher.objects.get(book=book)
    assert resp.status_code == 302 and v.attachment_count == 2
    assert sorted(a.content_type for a in v.attachments.all()) == ["application/pdf", "image/png"]
    edit = acc.get(url("voucher_edit", book, v.pk)).content.decode()
    assert "已上传：" in edit and 'data-saved="2"' in edit
    acc.post(url("voucher_edit", book, v.pk), {**form_data(), "receipts": SimpleUploadedFile("收据.png", tiny_png())})
    v.refresh_from_db()
    assert v.attachment_count == 3
    # another village's accountant does not see the book at all
    assert as_user(demo.other_accountant).post(url("voucher_edit", book, v.pk), {**form_data(), "receipts": SimpleUploadedFile("x.png", tiny_png())}).status_code == 404
    assert v.attachments.count() == 3


def test_the_account_picker_searches_pinyin_and_summaries_are_offered(demo, as_user, book):
    services.post_drafts(demo.accountant, book, parse(PAYMENT))
    page = as_user(demo.accountant).get(url("voucher_new", book)).content.decode()
    assert 'value="102" data-search="102 银行存款 yhck yinhangcunkuan"' in page
    assert "data-account-filter" in page
    assert '<datalist id="common-summaries"><option value="支付办公费"></option>' in page


def test_full_width_amounts_and_clean_messages(demo, as_user, book):
    acc = as_user(demo.accountant)
    resp = acc.post(url("voucher_new", book), form_data(rows=(("102", "１，２００．５０", "", "", ""), ("501", "", "1200.50", "", "pv"))))
    assert resp.status_code == 302 and Voucher.objects.get(book=book).total == 120050
    bad = acc.post(url("voucher_new", book), form_data(rows=(("102", "一百", "", "", ""), ("", "", "100", "", "")))).content.decode()
    assert "第1行分录：借方金额「一百」不是数字" in bad and "金额金额" not in bad
    bad = acc.post(url("voucher_new", book), form_data(rows=(("102", "100", "", "", ""), ("", "", "100", "", "")))).content.decode()
    assert "第2行分录：请选择科目" in bad and "科目「」" not in bad and "未保存任何数据" in bad
    # a refused action saved nothing either, but says so in its own words
    v = services.submit(demo.accountant, Voucher.objects.get(book=book))
    failed = as_user(demo.township).post(url("voucher_action", book, v.pk, "reject"), {"reason": " "}).content.decode()
    assert "请填写退回原因" in failed and "未保存任何数据" not in failed and "未能完成" in failed


def test_a_draft_dated_in_a_closed_month_is_refused_when_saved(demo, as_user, book):
    for m in (1, 2, 3):
        services.close_month(demo.accountant, book, 2025, m)
    resp = as_user(demo.accountant).post(url("voucher_new", book), form_data(date="2025-03-05"))
    assert resp.status_code == 200 and "2025年3月已结账（结账待审），不能再记账" in resp.content.decode()
    assert not Voucher.objects.filter(book=book).exists()


def test_templates_and_copies_fill_a_new_voucher(demo, as_user, book, other_book):
    acc = as_user(demo.accountant)
    (v,) = services.post_drafts(demo.accountant, book, parse(PAYMENT))
    copy = acc.get(url("voucher_new", book), {"copy": v.pk})
    rows = copy.context["rows"]
    assert (rows[0]["account"], rows[0]["debit"], rows[1]["account"], rows[1]["credit"], rows[1]["settlement"]) == ("513", "300.00", "101", "300.00", "cash")
    assert copy.context["form"].initial["date"] == services.today() and "复制自凭证" in copy.content.decode()
    resp = acc.post(url("template_add", book, v.pk), {"name": "每月办公费"})
    assert resp.status_code == 302
    t = VoucherTemplate.objects.get(book=book)
    assert t.summary == "支付办公费" and [e["account"] for e in t.entries] == ["513", "101"]
    dup = acc.post(url("template_add", book, v.pk), {"name": "每月办公费"})
    assert dup.status_code == 422 and "已有名为「每月办公费」的模板" in dup.content.decode()
    page = acc.get(url("voucher_new", book))
    assert "每月办公费" in page.content.decode()
    filled = acc.get(url("voucher_new", book), {"template": t.pk})
    assert filled.context["rows"][0]["debit"] == "300.00" and filled.context["form"].initial["summary"] == "支付办公费"
    # outsiders: another village's accountant, a template of another book, the township (no making)
    other = as_user(demo.other_accountant)
    assert other.get(url("voucher_new", other_book), {"template": t.pk}).status_code == 404
    assert other.get(url("voucher_new", other_book), {"copy": v.pk}).status_code == 404
    assert as_user(demo.township).post(url("template_add", book, v.pk), {"name": "x"}).status_code == 403
    assert acc.post(url("template_delete", book, t.pk)).status_code == 302
    assert not VoucherTemplate.objects.exists()


def test_the_printed_voucher_carries_the_three_names(demo, as_user, book):
    for user, name in ((demo.accountant, "李会计"), (demo.township, "王审核")):
        user.first_name = name
        user.save(update_fields=["first_name"])
    v = submitted(demo, book)
    services.review(demo.township, v)
    services.post(demo.accountant, v)
    for size, box in (("a5", b"/MediaBox [0 0 595.275591 419.527559]"), ("a4", b"/MediaBox [0 0 595.275591 841.889764]")):  # A5 landscape, A4 (points)
        resp = as_user(demo.auditor).get(url("voucher_print", book, v.pk), {"size": size})
        assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
        text = pdftext.text(resp.content)
        assert "记账凭证" in text and "支付办公费" in text and "300.00" in text
        assert "制单：李会计" in text and "审核：王审核" in text and "记账：李会计" in text
        boxes = [head for head, _ in pdftext.objects(resp.content).values() if b"/MediaBox" in head]
        assert boxes and all(box in h for h in boxes), boxes
    assert as_user(demo.other_accountant).get(url("voucher_print", book, v.pk)).status_code == 404
    assert as_user(demo.auditor).get(url("voucher_print", book, v.pk), {"size": "b3"}).status_code == 404


def test_after_posting_the_reviewer_goes_to_the_next_voucher_waiting(demo, as_user, book, other_book):
    first = submitted(demo, book)
    second = submitted(demo, book, PAYMENT.replace("办公费", "电费"))
    town = as_user(demo.township)
    resp = town.post(url("voucher_action", book, first.pk, "review-post"))
    assert resp.status_code == 302 and resp["Location"] == url("voucher", book, second.pk)
    resp = town.post(url("voucher_action", book, second.pk, "review-post"))
    assert resp["Location"] == url("voucher", book, second.pk)  # nothing else waits: the voucher just posted
    # a voucher of another township's village is never offered
    services.submit(None, services.save_draft(None, other_book, parse(PAYMENT)[0]))
    third = submitted(demo, book, PAYMENT.replace("办公费", "水费"))
    resp = town.post(url("voucher_action", book, third.pk, "review-post"))
    assert resp["Location"] == url("voucher", book, third.pk)
    assert "没有其他待审核的凭证了" in town.get(resp["Location"]).content.decode()
