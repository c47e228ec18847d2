"""The pages: the list (masked), a request's page with the buttons of the user's step, each
transition posted, the bank page (file and result), the outsiders (404) and the roles without
the step (403); the workbench sections and the API."""

import io

from django.urls import reverse

from sanwu.core.codes import township_of
from sanwu.payments.models import PaymentRequest
from sanwu.workbench import services as workbench

from ..conftest import api_client, client_for, response_bytes
from .conftest import PDF, walk


def test_list_masks_the_payee_and_keeps_to_the_scope(demo, book):
    walk(demo, book, "draft", payee_name="张三丰", payee_kind="person", payee_account="6217000011112222333")
    page = client_for(demo.township).get(reverse("payments:list"))
    html = page.content.decode()
    assert page.status_code == 200 and "张*丰" in html and "张三丰" not in html
    assert "张三丰" not in client_for(demo.other_township).get(reverse("payments:list")).content.decode().replace("张*丰", "")
    assert "张*丰" not in client_for(demo.other_township).get(reverse("payments:list")).content.decode()
    data = response_bytes(client_for(demo.township).get(reverse("payments:list") + "?format=csv")).decode()
    assert "6217***********2333" in data and "6217000011112222333" not in data


def test_new_request_page(demo, book):
    c = client_for(demo.accountant)
    url = reverse("payments:new", args=[book.code])
    assert c.get(url).status_code == 200
    form = {"payee_name": "县路桥工程有限公司", "payee_kind": "organisation", "payee_account": "6228480012345678901", "payee_bank": "农商银行",
            "amount": "8000.00", "purpose": "道路维修", "account": "513", "matter": ""}
    bad = c.post(url, {**form, "amount": "8000.001"})
    assert bad.status_code == 422
    f = io.BytesIO(PDF)
    f.name = "发票.pdf"
    r = c.post(url, {**form, "receipts": f})
    req = PaymentRequest.objects.get()
    assert r.status_code == 302 and req.amount == 800_000 and req.receipts.count() == 1
    assert client_for(demo.secretary).get(url).status_code == 403
    assert client_for(demo.other_accountant).get(url).status_code == 404


def test_each_step_on_its_page(demo, book):
    req = walk(demo, book, "draft")
    detail = reverse("payments:detail", args=[req.pk])
    assert "提交审批" in client_for(demo.accountant).get(detail).content.decode()
    assert "提交审批" not in client_for(demo.secretary).get(detail).content.decode()
    assert client_for(demo.accountant).post(reverse("payments:submit", args=[req.pk])).status_code == 302
    assert client_for(demo.township).post(reverse("payments:approve", args=[req.pk]), {"committee_signer": "王"}).status_code == 403
    page = client_for(demo.secretary).get(detail).content.decode()
    assert "审批同意" in page and "村务监督委员会审核人" not in page  # 8,000元: below the committee threshold
    assert client_for(demo.secretary).post(reverse("payments:approve", args=[req.pk]), {}).status_code == 302
    assert client_for(demo.township).post(reverse("payments:review", args=[req.pk])).status_code == 302
    r = client_for(demo.accountant).post(reverse("payments:voucher", args=[req.pk]))
    req.refresh_from_db()
    assert req.status == "paid" and r.status_code == 302 and r["Location"] == reverse("ledger:voucher", args=[book.code, req.voucher_id])
    assert client_for(demo.accountant).get(detail).status_code == 200


def test_problems_shown_on_the_page(demo, book):
    req = walk(demo, book, "submitted")
    r = client_for(demo.secretary).post(reverse("payments:reject", args=[req.pk]), {"reason": ""})
    assert r.status_code == 422 and "请填写退回原因" in r.content.decode()


def test_outsiders_get_404(demo, book):
    req = walk(demo, book, "submitted")
    for user in (demo.other_accountant, demo.other_township):
        c = client_for(user)
        assert c.get(reverse("payments:detail", args=[req.pk])).status_code == 404
        assert c.post(reverse("payments:approve", args=[req.pk])).status_code == 404
    att = req.receipts.get()
    assert client_for(demo.other_township).get(reverse("payments:receipt", args=[att.pk])).status_code == 404
    assert client_for(demo.township).get(reverse("payments:receipt", args=[att.pk])).status_code == 200
    assert client_for(demo.secretary).get(reverse("payments:bank", args=[township_of(book.region_id)])).status_code == 403
    assert client_for(demo.other_township).get(reverse("payments:bank", args=[township_of(book.region_id)])).status_code == 404


def test_bank_page_file_and_result(demo, book):
    req = walk(demo, book, "reviewed")
    c = client_for(demo.township)
    url = reverse("payments:bank", args=[township_of(book.region_id)])
    assert req.reference in c.get(url).content.decode()
    r = c.post(url, {"action": "file", "format": "csv"})
    text = response_bytes(r).decode()
    assert r.status_code == 200 and text.startswith("序号,付款账号,收款人户名,收款账号,开户行,金额,用途,业务参考号")
    f = io.BytesIO(f"业务参考号,结果,原因\n{req.reference},失败,账户已销户\n".encode())
    f.name = "回单.csv"
    r = c.post(url, {"action": "result", "file": f})
    req.refresh_from_db()
    assert r.status_code == 302 and req.status == "rejected" and "账户已销户" in req.reject_reason
    bad = io.BytesIO("业务参考号,结果\nFK1,成功\n".encode())
    bad.name = "回单.csv"
    r = c.post(url, {"action": "result", "file": bad})
    assert r.status_code == 422 and "第2行" in r.content.decode()


def test_workbench_sections(demo, book):
    a = walk(demo, book, "submitted")
    b = walk(demo, book, "approved")
    sec = {s.key: s for s in workbench.workbench_for(demo.secretary)}
    assert sec["payments_approve"].count == 1 and sec["payments_approve"].items[0].target.args == (a.pk,)
    town = {s.key: s for s in workbench.workbench_for(demo.township)}
    assert town["payments_review"].count == 1 and town["payments_review"].items[0].target.args == (b.pk,)
    assert "payments_review" not in {s.key for s in workbench.workbench_for(demo.other_township)}
    assert client_for(demo.secretary).get(reverse("home")).status_code == 200


def test_api(demo, book):
    api = api_client(demo.accountant)
    body = {"book": book.code, "payee_name": "李四", "payee_kind": "person", "payee_account": "6217000011112222333", "payee_bank": "农商银行",
            "amount_fen": 150_000, "purpose": "护林员补贴", "account": "513"}
    r = api.post("/api/v1/payments", body, content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["payee"] == "李*" and out["payee_account_masked"] == "6217***********2333" and "6217000011112222333" not in r.content.decode()
    assert api.post(f"/api/v1/payments/{out['id']}/submit").status_code == 422  # no receipt yet
    assert api_client(demo.other_township).get(f"/api/v1/payments/{out['id']}").status_code == 404
    assert api_client(demo.secretary).post(f"/api/v1/payments/{out['id']}/review").status_code == 403
    assert [p["id"] for p in api_client(demo.township).get("/api/v1/payments").json()] == [out["id"]]


def test_county_settings_page(demo, book):
    from sanwu.core.codes import county_of
    from sanwu.payments import services

    url = reverse("payments:settings")
    county = county_of(book.region_id)
    page = client_for(demo.township).get(url).content.decode()
    assert "50000.00" in page and "由县级监管修改" in page
    assert client_for(demo.township).post(url + f"?county={county}", {"matter_threshold": "1", "committee_threshold": "1", "warn_min_amount": "1"}).status_code == 403
    form = {"matter_threshold": "30000", "committee_threshold": "5000.00", "warn_without_request": "on", "warn_min_amount": "500"}
    assert client_for(demo.county).post(url + f"?county={county}", form).status_code == 302
    t = services.thresholds_for(county)
    assert (t.matter_threshold, t.committee_threshold, t.warn_without_request, t.warn_min_amount) == (3_000_000, 500_000, True, 50_000)
    bad = client_for(demo.county).post(url + f"?county={county}", {**form, "matter_threshold": "abc"})
    assert bad.status_code == 422
    assert client_for(demo.other_township).get(url + "?county=340825000000").status_code == 404  # not its county
