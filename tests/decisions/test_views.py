"""The 四议两公开 pages through the Django test client: the list with filters, search and Excel,
the detail page with its progress track, recording every stage through the forms, attachments
through the gate, linking vouchers (htmx), comments and abandoning — and the outsiders (another
village's accountant, another township, anonymous, the read-only auditor) everywhere."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.core.models import AuditEvent
from sanwu.decisions import services
from sanwu.decisions.models import Comment, Matter, StageRecord, VoucherLink
from sanwu.decisions.services import attachments

from .conftest import advance, good, voucher_of
from .test_services import PNG

ORDER = ["proposal", "committees", "members_meeting", "villagers_meeting", "resolution_published", "result_published"]


def url(name, *args):
    return reverse(f"decisions:{name}", args=args)


def xlsx_rows(resp) -> list[list]:
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def no_inline_code(html: str) -> None:
    """Content-Security-Policy: no inline scripts, event handlers or style attributes."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\son[a-z]+=\"", html), "inline event handler"
    assert " style=" not in html, "style attribute"


def form_of(stage: str) -> dict:
    d = good(stage)
    data = {"date": d.date.isoformat(), "text": d.text}
    for key in ("meeting_type", "entitled", "present", "votes_for", "votes_against", "votes_abstain", "channel"):
        value = getattr(d, key)
        if value not in (None, ""):
            data[key] = str(value)
    return data


# --- list -----------------------------------------------------------------------------------------


def test_the_list_shows_matters_in_scope_with_filters_search_and_excel(demo, as_user, matter, other_matter):
    advance(demo.secretary, matter, "members_meeting")
    page = as_user(demo.secretary).get(url("list"))
    assert page.status_code == 200
    html = page.content.decode()
    no_inline_code(html)
    assert "村组道路硬化工程" in html and "关河村山场流转" not in html and "新建事项" in html
    assert "党员大会审议" in html and "386,000.00" in html

    county = as_user(demo.county)
    html = county.get(url("list")).content.decode()
    assert "村组道路硬化工程" in html and "关河村山场流转" in html and "新建事项" not in html
    html = county.get(url("list"), {"stage": "members_meeting"}).content.decode()
    assert "村组道路硬化工程" in html and "关河村山场流转" not in html
    html = county.get(url("list"), {"stage": "none"}).content.decode()
    assert "村组道路硬化工程" not in html and "关河村山场流转" in html
    html = county.get(url("list"), {"village": other_matter.village_id, "category": "land", "status": "in_progress", "year": "2025"}).content.decode()
    assert "关河村山场流转" in html and "村组道路硬化工程" not in html
    html = county.get(url("list"), {"q": "道路"}).content.decode()
    assert "村组道路硬化工程" in html and "关河村山场流转" not in html
    html = county.get(url("list"), {"q": "没有这个"}).content.decode()
    assert "没有找到符合条件的事项" in html

    rows = xlsx_rows(county.get(url("list"), {"format": "xlsx"}))
    assert rows[0][:4] == ["编号", "村代码", "事项名称", "类别"] and rows[0][11:] == ["村", "乡镇", "进度"]
    assert sorted(r[2] for r in rows[1:]) == ["关河村山场流转", "村组道路硬化工程"]
    road = next(r for r in rows[1:] if r[2] == "村组道路硬化工程")
    assert road[5] == 386000 and road[7] == "党员大会审议" and road[13] == "3/6" and road[1] == matter.village_id


@pytest.mark.parametrize("who", ["other_accountant", "other_township"])
def test_outsiders_see_neither_the_matter_in_the_list_nor_in_the_export(demo, as_user, matter, who):
    client = as_user(getattr(demo, who))
    html = client.get(url("list")).content.decode()
    assert "村组道路硬化工程" not in html and "还没有四议两公开事项" in html
    rows = xlsx_rows(client.get(url("list"), {"format": "xlsx"}))
    assert len(rows) == 1


def test_anonymous_is_sent_to_login_everywhere(client, demo, matter):
    rec = services.record_stage(demo.secretary, matter, "proposal", good("proposal"))
    for target in (url("list"), url("detail", matter.pk), url("new"), url("record", matter.pk, "committees"), url("list") + "?format=xlsx",
                   url("voucher_options", matter.pk)):
        resp = client.get(target)
        assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/"), target
    for target in (url("link", matter.pk), url("comment", matter.pk), url("abandon", matter.pk), url("attachment_add", matter.pk, rec.pk)):
        resp = client.post(target, {"text": "x", "reason": "x", "voucher": "1"})
        assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/"), target
    assert Comment.objects.count() == 0 and Matter.objects.get().status == "in_progress"


# --- detail ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretary", "accountant", "township", "county", "city", "auditor"])
def test_everyone_in_scope_reads_the_detail_page(demo, as_user, matter, who):
    advance(demo.secretary, matter, "committees")
    resp = as_user(getattr(demo, who)).get(url("detail", matter.pk))
    assert resp.status_code == 200
    html = resp.content.decode()
    no_inline_code(html)
    assert html.count('class="step step-done"') == 2 and 'class="step step-next"' in html
    assert "同意 6 人，须超过应到成员 7 人的半数" in html
    assert ("记录此环节" in html) == (who == "secretary")
    assert ("终止事项" in html) == (who == "secretary")
    assert ("发表意见" in html) == (who in ("secretary", "township", "county", "city"))


@pytest.mark.parametrize("who", ["other_accountant", "other_township"])
def test_outsiders_get_404_on_the_detail_its_exports_and_its_actions(demo, as_user, matter, who, media):
    rec = services.record_stage(demo.secretary, matter, "proposal", good("proposal"))
    att = attachments.add_attachment(demo.secretary, rec, "纪要.png", PNG, "minutes")
    client = as_user(getattr(demo, who))
    for target in (url("detail", matter.pk), url("detail", matter.pk) + "?format=xlsx", url("detail", matter.pk) + "?format=xlsx&table=history",
                   url("attachment", att.pk), url("voucher_options", matter.pk)):
        assert client.get(target).status_code == 404, target
    for target in (url("comment", matter.pk), url("link", matter.pk), url("abandon", matter.pk), url("attachment_add", matter.pk, rec.pk)):
        assert client.post(target, {"text": "x", "reason": "x", "voucher": "1"}).status_code == 404, target
    assert AuditEvent.objects.filter(action="permission_denied", actor=getattr(demo, who), object_type="decisions.matter").exists()


def test_the_detail_exports_its_tables(demo, as_user, matter, book):
    advance(demo.secretary, matter, "members_meeting")
    services.link_voucher(demo.accountant, matter, voucher_of(book, "支付村组道路硬化工程款"))
    client = as_user(demo.township)
    rows = xlsx_rows(client.get(url("detail", matter.pk), {"format": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["党组织提议", "“两委”会议商议", "党员大会审议"]
    assert rows[3][4:9] == [30, 24, 20, 2, 2] and "✓ 实到党员 24 人" in rows[3][11]
    rows = xlsx_rows(client.get(url("detail", matter.pk), {"format": "xlsx", "table": "vouchers"}))
    assert rows[1][3] == "支付村组道路硬化工程款" and rows[1][4] == 382000
    rows = xlsx_rows(client.get(url("detail", matter.pk), {"format": "xlsx", "table": "history"}))
    assert [r[1] for r in rows[1:]] == ["建立事项", "记录环节", "记录环节", "记录环节", "关联凭证"]


# --- creating and recording through the forms -----------------------------------------------------


def test_the_secretary_creates_a_matter_and_records_every_stage(demo, as_user, village):
    client = as_user(demo.secretary)
    page = client.get(url("new"))
    assert page.status_code == 200 and "大歇村" in page.content.decode()
    no_inline_code(page.content.decode())
    resp = client.post(url("new"), {"village": village, "title": "村部维修", "category": "assets", "purpose": "expenditure", "amount": "12,345.67", "year": "2025", "description": "维修村部屋顶"})
    m = Matter.objects.get(title="村部维修")
    assert resp.status_code == 302 and resp["Location"] == url("detail", m.pk)
    assert m.amount == 1234567 and m.created_by == demo.secretary
    for stage in ORDER:
        form = client.get(url("record", m.pk, stage))
        assert form.status_code == 200
        no_inline_code(form.content.decode())
        resp = client.post(url("record", m.pk, stage), form_of(stage))
        assert resp.status_code == 302 and resp["Location"] == url("detail", m.pk) + f"#stage-{stage}", resp.content.decode()[:2000]
    m.refresh_from_db()
    assert m.status == "completed"
    html = client.get(url("detail", m.pk)).content.decode()
    assert html.count('class="step step-done"') == 6 and "六个环节均已完成" in html
    assert "对外公开的文本" in html


def test_the_form_shows_the_problems_and_records_nothing(demo, as_user, matter):
    advance(demo.secretary, matter, "committees")
    client = as_user(demo.secretary)
    data = form_of("members_meeting") | {"present": "19", "votes_against": "0", "votes_abstain": "0", "votes_for": "16"}
    resp = client.post(url("record", matter.pk, "members_meeting"), data)
    assert resp.status_code == 422
    html = resp.content.decode()
    assert "未通过：实到党员 19 人，须达到应到 30 人的三分之二（含）" in html and 'value="19"' in html
    assert not StageRecord.objects.filter(matter=matter, stage="members_meeting").exists()
    resp = client.post(url("record", matter.pk, "result_published"), form_of("result_published"))
    assert resp.status_code == 422 and "请先完成「党员大会审议」" in resp.content.decode()
    resp = client.post(url("new"), {"village": matter.village_id, "title": "", "category": "assets", "purpose": "other", "amount": "1.234", "year": "2025"})
    assert resp.status_code == 422 and "超过两位小数" in resp.content.decode()


def test_a_correction_through_the_form(demo, as_user, matter):
    advance(demo.secretary, matter, "proposal")
    client = as_user(demo.secretary)
    page = client.get(url("record", matter.pk, "proposal")).content.decode()
    assert "更正原因" in page and "第 1 版" in page
    resp = client.post(url("record", matter.pk, "proposal"), form_of("proposal") | {"text": "更正后的提议", "correction_reason": "补充内容"})
    assert resp.status_code == 302
    html = client.get(url("detail", matter.pk)).content.decode()
    assert "更正后的提议" in html and "此前的版本（1）" in html and "补充内容" in html


@pytest.mark.parametrize("who", ["accountant", "township", "county", "auditor"])
def test_only_the_secretary_may_use_the_record_and_new_forms(demo, as_user, matter, who):
    client = as_user(getattr(demo, who))
    assert client.get(url("record", matter.pk, "proposal")).status_code == 403
    assert client.post(url("record", matter.pk, "proposal"), form_of("proposal")).status_code == 403
    assert client.get(url("new")).status_code == 403
    assert client.post(url("new"), {"village": matter.village_id, "title": "x", "category": "other", "purpose": "other", "year": "2025"}).status_code == 403
    assert client.post(url("abandon", matter.pk), {"reason": "x"}).status_code == 403
    assert not StageRecord.objects.exists() and Matter.objects.count() == 1


def test_abandon_through_the_page(demo, as_user, matter):
    client = as_user(demo.secretary)
    html = client.get(url("detail", matter.pk)).content.decode()
    assert 'data-confirm="终止后本事项不能再继续记录' in html
    assert client.post(url("abandon", matter.pk), {"reason": ""}).status_code == 422
    resp = client.post(url("abandon", matter.pk), {"reason": "资金不足"})
    assert resp.status_code == 302
    html = client.get(url("detail", matter.pk)).content.decode()
    assert "事项已终止：资金不足" in html and "记录此环节" not in html


# --- attachments ----------------------------------------------------------------------------------


def test_attachments_upload_and_download_through_the_gate(demo, as_user, matter, media):
    rec = services.record_stage(demo.secretary, matter, "proposal", good("proposal"))
    client = as_user(demo.secretary)
    resp = client.post(url("attachment_add", matter.pk, rec.pk), {"kind": "sign_in", "file": _upload("签到表.png", PNG)})
    assert resp.status_code == 302
    att = rec.attachments.get()
    assert att.kind == "sign_in" and att.filename == "签到表.png"
    resp = client.post(url("attachment_add", matter.pk, rec.pk), {"kind": "minutes", "file": _upload("纪要.png", b"plain text")})
    assert resp.status_code == 422 and "不是 JPEG、PNG 或 PDF 文件" in resp.content.decode()
    html = client.get(url("detail", matter.pk)).content.decode()
    assert "签到表.png" in html and url("attachment", att.pk) in html
    for who in ("township", "auditor", "accountant"):
        got = as_user(getattr(demo, who)).get(url("attachment", att.pk))
        assert got.status_code == 200 and b"".join(got.streaming_content) == PNG and got["Content-Type"] == "image/png"
        assert as_user(getattr(demo, who)).post(url("attachment_add", matter.pk, rec.pk), {"kind": "photo", "file": _upload("x.png", PNG)}).status_code == 403
    assert rec.attachments.count() == 1


def _upload(name, data):
    return SimpleUploadedFile(name, data)


# --- vouchers -------------------------------------------------------------------------------------


def test_the_accountant_links_a_voucher_with_htmx(demo, as_user, matter, book, other_book):
    client = as_user(demo.accountant)
    html = client.get(url("detail", matter.pk)).content.decode()
    assert 'hx-post="' + url("link", matter.pk) in html and "支付村组道路硬化工程款" in html
    options = client.get(url("voucher_options", matter.pk), {"q": "道路"}).content.decode()
    assert "支付村组道路硬化工程款" in options and "办公用品" not in options
    v = voucher_of(book, "支付村组道路硬化工程款")
    resp = client.post(url("link", matter.pk), {"voucher": v.pk}, headers={"HX-Request": "true"})
    assert resp.status_code == 200
    part = resp.content.decode()
    assert "<html" not in part and "支付村组道路硬化工程款" in part and "382,000.00" in part
    assert VoucherLink.objects.filter(matter=matter, voucher=v).exists()
    # another village's voucher is not even visible to this accountant
    theirs = voucher_of(other_book, "支付村组道路硬化工程款")
    assert client.post(url("link", matter.pk), {"voucher": theirs.pk}, headers={"HX-Request": "true"}).status_code == 404
    # linking twice: the problem comes back in the fragment
    again = client.post(url("link", matter.pk), {"voucher": v.pk}, headers={"HX-Request": "true"})
    assert again.status_code == 422 and "已关联本事项" in again.content.decode()
    link = VoucherLink.objects.get()
    assert client.post(url("unlink", matter.pk, link.pk)).status_code == 302
    assert not VoucherLink.objects.exists()


@pytest.mark.parametrize("who", ["secretary", "township", "auditor"])
def test_others_in_scope_see_links_but_cannot_link(demo, as_user, matter, book, who):
    link = services.link_voucher(demo.accountant, matter, voucher_of(book, "支付村组道路硬化工程款"))
    client = as_user(getattr(demo, who))
    html = client.get(url("detail", matter.pk)).content.decode()
    assert "支付村组道路硬化工程款" in html and 'hx-post="' + url("link", matter.pk) not in html and "取消关联" not in html
    v = voucher_of(book, "支付办公用品")
    assert client.post(url("link", matter.pk), {"voucher": v.pk}).status_code == 403
    assert client.post(url("unlink", matter.pk, link.pk)).status_code == 403
    assert VoucherLink.objects.count() == 1


# --- comments -------------------------------------------------------------------------------------


def test_the_township_comments_and_the_secretary_replies(demo, as_user, matter):
    assert as_user(demo.township).post(url("comment", matter.pk), {"text": "请补充签到表"}).status_code == 302
    assert as_user(demo.secretary).post(url("comment", matter.pk), {"text": "已补充"}).status_code == 302
    assert as_user(demo.township).post(url("comment", matter.pk), {"text": ""}).status_code == 422
    for who in ("auditor", "accountant"):
        assert as_user(getattr(demo, who)).post(url("comment", matter.pk), {"text": "x"}).status_code == 403
    html = as_user(demo.auditor).get(url("detail", matter.pk)).content.decode()
    assert "请补充签到表" in html and "已补充" in html and "（乡镇）" in html and "（村书记）" in html
    assert Comment.objects.count() == 2
