"""The ledger API (/api/v1/books…): a voucher's whole life by token, validation in Chinese,
refusals, the scope gate (outsiders get 404), receipts, reports and the OpenAPI document."""

import hashlib
import json
import re

import pytest
from django.test import Client

from sanwu.core.models import AuditEvent
from sanwu.ledger import services
from sanwu.ledger.models import AccountMonth, Attachment, Voucher
from sanwu.regions.services import issue_token

from .conftest import post_journal

NOT_FOUND = {"detail": "未找到，或不在您的管辖范围内"}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + b"\x00" * 64


def api_for(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(user)}"})


def body(resp):
    """The JSON of a response, checking it carries real Chinese (no \\u escapes)."""
    text = resp.content.decode()
    assert "\\u" not in text, text
    return json.loads(text)


def send(client, method, url, data=None):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data=data if data is not None else {}, content_type="application/json")


def pv_voucher(fen=120050, date="2025-03-05"):
    return {
        "date": date,
        "summary": "收到光伏发电收入",
        "attachment_count": 1,
        "entries": [
            {"account": "102", "debit_fen": fen, "settlement": "bank", "counterparty": "国网岳西县供电公司"},
            {"account": "501", "credit_fen": fen, "source": "pv", "summary": "3月光伏电费"},
        ],
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_voucher_lives_its_whole_life_through_the_api(demo, book):
    acc, town = api_for(demo.accountant), api_for(demo.township)
    base = f"/api/v1/books/{book.code}/vouchers"

    resp = send(acc, "post", base, pv_voucher())
    assert resp.status_code == 201
    v = body(resp)
    assert v["status"] == "draft" and v["number"] is None and "草稿" in v["label"]
    assert v["total_fen"] == 120050 and v["hash"] is None and v["maker"] == demo.accountant.username
    assert [(e["account"], e["debit_fen"], e["credit_fen"]) for e in v["entries"]] == [("102", 120050, 0), ("501", 0, 120050)]
    assert v["entries"][0]["account_name"] == "银行存款" and v["entries"][0]["settlement"] == "bank"
    assert v["entries"][0]["summary"] == "收到光伏发电收入" and v["entries"][1]["summary"] == "3月光伏电费"
    assert v["entries"][1]["source"] == "pv" and v["entries"][0]["counterparty"] == "国网岳西县供电公司"
    url = f"{base}/{v['id']}"

    # Edit the draft: amounts stay exact to the fen.
    v = body(send(acc, "put", url, pv_voucher(1234567)))
    assert v["total_fen"] == 1234567 and v["total_in_words"] == "壹万贰仟叁佰肆拾伍元陆角柒分"
    assert Voucher.objects.get(pk=v["id"]).total == 1234567

    assert body(acc.post(f"{url}/submit"))["status"] == "submitted"
    refused = acc.post(f"{url}/review")
    assert refused.status_code == 403 and "无权审核凭证" in body(refused)["detail"]
    v = body(town.post(f"{url}/review"))
    assert v["status"] == "reviewed" and v["reviewer"] == demo.township.username
    resp = acc.post(f"{url}/post")
    assert resp.status_code == 200
    v = body(resp)
    assert v["status"] == "posted" and v["label"] == "2025-03 记-0001" and v["number"] == 1
    assert v["seq"] == 1 and v["prev_hash"] == "" and len(v["hash"]) == 64
    assert v["hash"] == Voucher.objects.get(pk=v["id"]).hash
    original = v

    # The township sees the same voucher; the list filters by status and month.
    assert body(town.get(url))["hash"] == original["hash"]
    listed = body(town.get(f"{base}?status=posted&year=2025&month=3"))
    assert [x["id"] for x in listed] == [original["id"]] and listed[0]["total_fen"] == 1234567
    assert body(town.get(f"{base}?month=4")) == []

    tb = body(acc.get(f"/api/v1/books/{book.code}/reports/trial-balance?year=2025&month_from=3&month_to=3"))
    rows = {r["code"]: r for r in tb["rows"]}
    assert rows["102"]["debit_fen"] == 1234567 and rows["102"]["closing_debit_fen"] == 1234567
    assert rows["501"]["credit_fen"] == 1234567
    assert tb["totals"]["debit_fen"] == tb["totals"]["credit_fen"] == 1234567 and tb["balanced"] is True

    # 红字冲销: a draft dated today with negated amounts, linked both ways.
    resp = acc.post(f"{url}/reverse")
    assert resp.status_code == 201
    rev = body(resp)
    assert rev["status"] == "draft" and rev["reverses"] == original["id"] and rev["date"] == services.today().isoformat()
    assert [(e["debit_fen"], e["credit_fen"]) for e in rev["entries"]] == [(-1234567, 0), (0, -1234567)]
    assert body(acc.get(url))["reversed_by"] == [rev["id"]]
    again = acc.post(f"{url}/reverse")
    assert again.status_code == 422 and any("已有冲销凭证" in m for m in body(again)["detail"])

    rev_url = f"{base}/{rev['id']}"
    assert body(acc.post(f"{rev_url}/submit"))["status"] == "submitted"
    rev = body(town.post(f"{rev_url}/review-and-post"))
    assert rev["status"] == "posted" and rev["reviewer"] == rev["poster"] == demo.township.username
    assert rev["seq"] == 2 and rev["prev_hash"] == original["hash"]
    assert re.fullmatch(r"\d{4}-\d{2} 记-\d{4}", rev["label"])

    check = body(town.get(f"/api/v1/books/{book.code}/verify"))
    assert check == {"book": book.code, "ok": True, "vouchers": 2, "problems": []}
    # Kept totals net to zero on the bank account after the reversal.
    bank = AccountMonth.objects.filter(book=book, account__code="102")
    assert sum(m.debit - m.credit for m in bank) == 0


def test_reject_and_delete(demo, book):
    acc, town = api_for(demo.accountant), api_for(demo.township)
    base = f"/api/v1/books/{book.code}/vouchers"
    v = body(send(acc, "post", base, pv_voucher()))
    url = f"{base}/{v['id']}"
    acc.post(f"{url}/submit")
    no_reason = send(town, "post", f"{url}/reject", {"reason": " "})
    assert no_reason.status_code == 422 and body(no_reason)["detail"] == ["「原因」：请填写退回原因"]
    v = body(send(town, "post", f"{url}/reject", {"reason": "附件不全"}))
    assert v["status"] == "rejected" and v["reject_reason"] == "附件不全"
    # A rejected voucher can be corrected and thrown away; then it is gone.
    assert body(send(acc, "put", url, pv_voucher(500)))["status"] == "draft"
    assert acc.delete(url).status_code == 204
    assert not Voucher.objects.filter(pk=v["id"]).exists()
    assert acc.get(url).status_code == 404

    posted = post_journal(demo.accountant, book, "2025-02-01 收到租金\n  102 10.00 -\n  501 - 10.00 rent\n")[0]
    resp = acc.delete(f"{base}/{posted.pk}")
    assert resp.status_code == 422 and "不能删除" in body(resp)["detail"][0]
    assert Voucher.objects.filter(pk=posted.pk, status="posted").exists()


@pytest.mark.parametrize(
    "change,fragment",
    [
        (lambda d: d["entries"][1].update(credit_fen=119999), "借贷不平：借方合计 1,200.50，贷方合计 1,199.99"),
        (lambda d: d["entries"][1].update(account="999"), "科目「999」在本账套中不存在"),
        (lambda d: d["entries"][1].update(account="322"), "有明细科目，请选择末级科目"),
        (lambda d: d.update(date="2024-12-31"), "早于账套启用日期"),
        (lambda d: d.update(summary="  "), "摘要不能为空"),
        (lambda d: d["entries"].pop(), "至少要有两条分录"),
        (lambda d: d["entries"][0].update(settlement="barter"), "结算方式「barter」无效"),
        (lambda d: d["entries"][0].update(counterparty_kind="company"), "往来单位类别「company」无效"),
    ],
)
def test_service_problems_come_back_422_in_chinese(demo, book, change, fragment):
    data = pv_voucher()
    change(data)
    resp = send(api_for(demo.accountant), "post", f"/api/v1/books/{book.code}/vouchers", data)
    assert resp.status_code == 422
    detail = body(resp)["detail"]
    assert isinstance(detail, list) and any(fragment in m for m in detail), detail
    assert not Voucher.objects.filter(book=book).exists()


@pytest.mark.parametrize(
    "change,fragment",
    [
        (lambda d: d["entries"][0].update(debit_fen=1200.5), "金额应为整数（单位：分）"),
        (lambda d: d["entries"][0].update(debit_fen="120050"), "金额应为整数（单位：分）"),
        (lambda d: d["entries"][0].update(debit_fen=10**16), "金额超出范围"),
        (lambda d: d.update(date="2025/03/05"), "日期应为有效的 YYYY-MM-DD"),
        (lambda d: d.update(date="2025-02-30"), "日期应为有效的 YYYY-MM-DD"),
        (lambda d: d.update(summary="长" * 201), "摘要不能超过200个字"),
        (lambda d: d["entries"][0].update(counterparty="长" * 101), "往来单位不能超过100个字"),
    ],
)
def test_malformed_requests_come_back_422_in_chinese(demo, book, change, fragment):
    data = pv_voucher()
    change(data)
    resp = send(api_for(demo.accountant), "post", f"/api/v1/books/{book.code}/vouchers", data)
    assert resp.status_code == 422
    assert fragment in resp.content.decode()
    body(resp)
    assert not Voucher.objects.filter(book=book).exists()


def test_amounts_are_exact_in_fen_including_red_ink(demo, book, settings):
    big = 987654321012345  # 9,876,543,210,123.45 yuan: exact, never through a float
    settings.SANWU_MAX_ENTRY_FEN = settings.SANWU_MAX_VOUCHER_FEN = 10**16  # above the ceilings a county would use
    data = {
        "date": "2025-06-30",
        "summary": "红字更正",
        "entries": [
            {"account": "102", "debit_fen": big},
            {"account": "501", "credit_fen": big + 1},
            {"account": "101", "debit_fen": 1},
        ],
    }
    acc = api_for(demo.accountant)
    v = body(send(acc, "post", f"/api/v1/books/{book.code}/vouchers", data))
    assert [(e["debit_fen"], e["credit_fen"]) for e in v["entries"]] == [(big, 0), (0, big + 1), (1, 0)]
    assert v["total_fen"] == big + 1
    red = {
        "date": "2025-06-30",
        "summary": "冲减多记收入",
        "entries": [{"account": "102", "debit_fen": -333}, {"account": "501", "credit_fen": -333}],
    }
    v = body(send(acc, "post", f"/api/v1/books/{book.code}/vouchers", red))
    assert v["total_fen"] == -333 and v["total_in_words"] == "负叁元叁角叁分"
    assert '"debit_fen": -333' in acc.get(f"/api/v1/books/{book.code}/vouchers/{v['id']}").content.decode()


def test_refusals_answer_403_and_are_audited(demo, book):
    base = f"/api/v1/books/{book.code}/vouchers"
    for user in (demo.secretary, demo.township, demo.auditor, demo.county):
        resp = send(api_for(user), "post", base, pv_voucher())
        assert resp.status_code == 403, user
        assert body(resp)["detail"].startswith("无权制单")
    assert not Voucher.objects.filter(book=book).exists()

    v = post_journal(demo.accountant, book, "2025-02-01 收到租金\n  102 10.00 -\n  501 - 10.00 rent\n")[0]
    draft = services.save_draft(demo.accountant, book, _office_supplies(v.date))
    auditor = api_for(demo.auditor)
    # The auditor reads everything the book shows…
    for path in ("", "/accounts", "/vouchers", f"/vouchers/{v.pk}", "/reports/trial-balance?year=2025", "/verify"):
        assert auditor.get(f"/api/v1/books/{book.code}{path}").status_code == 200, path
    # …and writes nothing.
    for method, path in (
        ("post", f"/{draft.pk}/submit"), ("post", f"/{draft.pk}/review"), ("post", f"/{draft.pk}/post"),
        ("post", f"/{draft.pk}/review-and-post"), ("post", f"/{v.pk}/reverse"), ("put", f"/{draft.pk}"),
        ("delete", f"/{draft.pk}"), ("post", f"/{draft.pk}/reject"),
    ):
        resp = send(auditor, method, base + path, pv_voucher() if method == "put" else {"reason": "x"})
        assert resp.status_code == 403, (method, path)
        assert body(resp)["detail"].startswith("无权")
    upload = auditor.post(f"{base}/{draft.pk}/attachments", {"file": _png("收据.png")})
    assert upload.status_code == 403 and "无权上传附件" in body(upload)["detail"]
    draft.refresh_from_db()
    assert draft.status == "draft" and not Attachment.objects.exists()
    refusals = AuditEvent.objects.filter(action="permission_denied", actor=demo.auditor)
    assert set(refusals.values_list("object_type", flat=True)) == {
        f"ledger.{what}" for what in ("制单", "提交凭证", "审核凭证", "记账", "退回凭证", "冲销凭证", "删除草稿", "上传附件")
    }
    assert set(refusals.values_list("channel", flat=True)) == {"api"}


def _office_supplies(date):
    entries = [services.EntryDraft("513", debit=2000), services.EntryDraft("101", credit=2000)]
    return services.VoucherDraft(date=date, summary="支付办公用品", entries=entries)


def _png(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="application/octet-stream")


def test_outsiders_get_404_and_no_token_401(demo, book, other_book):
    v = post_journal(demo.accountant, book, "2025-02-01 收到租金\n  102 10.00 -\n  501 - 10.00 rent\n")[0]
    draft = body(send(api_for(demo.accountant), "post", f"/api/v1/books/{book.code}/vouchers", pv_voucher()))
    att = body(api_for(demo.accountant).post(f"/api/v1/books/{book.code}/vouchers/{draft['id']}/attachments", {"file": _png("收据.png")}))
    own = f"/api/v1/books/{book.code}"
    paths = [
        ("get", ""), ("get", "/accounts"), ("get", "/vouchers"), ("get", f"/vouchers/{v.pk}"),
        ("get", "/reports/trial-balance?year=2025"), ("get", "/verify"), ("get", att["url"].removeprefix(own)),
        ("post", "/vouchers"), ("put", f"/vouchers/{draft['id']}"), ("delete", f"/vouchers/{draft['id']}"),
        ("post", f"/vouchers/{draft['id']}/submit"), ("post", f"/vouchers/{draft['id']}/review"),
        ("post", f"/vouchers/{v.pk}/reverse"), ("post", f"/vouchers/{draft['id']}/review-and-post"),
    ]
    for outsider in (demo.other_accountant, demo.other_township):
        c = api_for(outsider)
        for method, path in paths:
            resp = send(c, method, own + path, pv_voucher())
            assert resp.status_code == 404, (outsider, method, path)
            assert body(resp) == NOT_FOUND
        # Their own book lists; ours is not in their list, and our vouchers are not reachable through theirs.
        assert [b["code"] for b in body(c.get("/api/v1/books"))] == [other_book.code]
        assert c.get(f"/api/v1/books/{other_book.code}/vouchers/{v.pk}").status_code == 404
        assert c.get(f"/api/v1/books?region={book.region_id}").json() == []
    assert Voucher.objects.get(pk=draft["id"]).status == "draft"
    refused = AuditEvent.objects.filter(action="permission_denied", actor=demo.other_accountant, object_id=book.pk)
    assert refused.exists() and set(refused.values_list("channel", flat=True)) == {"api"}

    # The township and county above the book see it.
    assert api_for(demo.township).get(f"{own}/vouchers/{v.pk}").status_code == 200
    assert {b["code"] for b in body(api_for(demo.county).get("/api/v1/books"))} == {book.code, other_book.code}

    anon = Client()
    bad = Client(headers={"Authorization": "Bearer sw_nope"})
    for c in (anon, bad):
        assert c.get("/api/v1/books").status_code == 401
        assert c.get(f"{own}/vouchers/{v.pk}").status_code == 401
        assert send(c, "post", f"{own}/vouchers", pv_voucher()).status_code == 401
        assert c.get(att["url"]).status_code == 401
    assert Voucher.objects.filter(book=book).count() == 2


def test_attachments_upload_and_download(demo, book):
    acc = api_for(demo.accountant)
    base = f"/api/v1/books/{book.code}/vouchers"
    v = body(send(acc, "post", base, pv_voucher()))
    resp = acc.post(f"{base}/{v['id']}/attachments", {"file": _png("电费收据.png")})
    assert resp.status_code == 201
    att = body(resp)
    assert att["filename"] == "电费收据.png" and att["content_type"] == "image/png"
    assert att["size"] == len(PNG) and att["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert att["url"] == f"{base}/{v['id']}/attachments/{att['id']}"

    detail = body(acc.get(f"{base}/{v['id']}"))
    assert [a["id"] for a in detail["attachments"]] == [att["id"]] and detail["attachment_count"] == 1

    for reader in (demo.accountant, demo.township, demo.auditor):
        got = api_for(reader).get(att["url"])
        assert got.status_code == 200 and got["Content-Type"] == "image/png"
        assert b"".join(got.streaming_content) == PNG
        assert "utf-8''" in got["Content-Disposition"]

    from django.core.files.uploadedfile import SimpleUploadedFile

    text = acc.post(f"{base}/{v['id']}/attachments", {"file": SimpleUploadedFile("收据.png", "不是图片".encode(), content_type="image/png")})
    assert text.status_code == 422 and "不是 JPEG、PNG 或 PDF 文件" in body(text)["detail"][0]
    assert Attachment.objects.count() == 1
    # An attachment id under another voucher of the same book is not found there.
    other = body(send(acc, "post", base, pv_voucher()))
    assert acc.get(f"{base}/{other['id']}/attachments/{att['id']}").status_code == 404


def test_books_and_accounts(demo, book, other_book):
    county = api_for(demo.county)
    town_code = demo.township.role_assignments.get().region_id
    assert [b["code"] for b in body(county.get(f"/api/v1/books?region={town_code}"))] == [book.code]
    assert [b["code"] for b in body(county.get(f"/api/v1/books?region={town_code[:9]}"))] == [book.code]
    assert [b["code"] for b in body(county.get(f"/api/v1/books?q={book.name[:3]}"))] == [book.code]
    assert body(county.get("/api/v1/books?q=没有这个村")) == []
    b = body(county.get(f"/api/v1/books/{book.code}"))
    assert b["region"] == book.region_id and b["chart"] == "2023" and b["start_date"] == "2025-01-01"
    assert b["opening_confirmed"] is True and b["name"] == book.name

    accounts = {a["code"]: a for a in body(api_for(demo.accountant).get(f"/api/v1/books/{book.code}/accounts"))}
    assert accounts["102"]["roles"] == ["bank"] and accounts["102"]["name"] == "银行存款"
    assert accounts["102"]["category"] == "asset" and accounts["102"]["side"] == "debit" and accounts["102"]["is_leaf"]
    assert accounts["322"]["is_leaf"] is False
    children = [a for a in accounts.values() if a["parent"] == "322"]
    assert [a["is_leaf"] for a in children] == [False, True]  # 各项分配 has its own sub-accounts, 未分配收益 none
    assert all(a["is_leaf"] for a in accounts.values() if a["parent"] == children[0]["code"])


def test_voucher_list_paging_and_bad_filters(demo, book):
    post_journal(demo.accountant, book, "".join(f"2025-04-{d:02d} 收到租金{d}\n  102 {d}.00 -\n  501 - {d}.00 rent\n" for d in range(1, 6)))
    acc = api_for(demo.accountant)
    base = f"/api/v1/books/{book.code}/vouchers"
    page = body(acc.get(f"{base}?limit=2&offset=1"))
    assert [x["label"] for x in page] == ["2025-04 记-0002", "2025-04 记-0003"]
    assert [x["total_fen"] for x in page] == [200, 300]
    bad = acc.get(f"{base}?status=lost")
    assert bad.status_code == 422 and "未知状态「lost」" in body(bad)["detail"][0]
    tb = acc.get(f"/api/v1/books/{book.code}/reports/trial-balance?year=2025&month_from=5&month_to=4")
    assert tb.status_code == 422 and "起始月份不能晚于截止月份" in body(tb)["detail"][0]
    tb = body(acc.get(f"/api/v1/books/{book.code}/reports/trial-balance?year=2025"))
    assert tb["month_from"] == 1 and tb["month_to"] == 12 and tb["totals"]["debit_fen"] == 1500 and tb["balanced"]


def test_openapi_lists_the_ledger_paths_in_chinese(demo):
    resp = Client().get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.json()
    paths = doc["paths"]
    for path, method in [
        ("/api/v1/books", "get"), ("/api/v1/books/{code}", "get"), ("/api/v1/books/{code}/accounts", "get"),
        ("/api/v1/books/{code}/vouchers", "get"), ("/api/v1/books/{code}/vouchers", "post"),
        ("/api/v1/books/{code}/vouchers/{id}", "get"), ("/api/v1/books/{code}/vouchers/{id}", "put"),
        ("/api/v1/books/{code}/vouchers/{id}", "delete"),
        *[(f"/api/v1/books/{{code}}/vouchers/{{id}}/{a}", "post") for a in ("submit", "review", "reject", "post", "review-and-post", "reverse", "attachments")],
        ("/api/v1/books/{code}/vouchers/{id}/attachments/{att_id}", "get"),
        ("/api/v1/books/{code}/reports/trial-balance", "get"), ("/api/v1/books/{code}/verify", "get"),
    ]:
        op = paths[path][method]
        assert re.search(r"[\u4e00-\u9fff]", op["summary"]), (path, method)
        assert op["tags"] == ["账簿"]
    entry = doc["components"]["schemas"]["EntryIn"]["properties"]
    assert {"debit_fen", "credit_fen", "account", "settlement", "source"} <= set(entry)


def test_counterparty_kind_goes_in_and_comes_out(demo, book):
    data = pv_voucher()
    data["entries"][0]["counterparty_kind"] = "organisation"
    data["entries"][1].update(counterparty="王小明", counterparty_kind="person")
    v = body(send(api_for(demo.accountant), "post", f"/api/v1/books/{book.code}/vouchers", data))
    assert [e["counterparty_kind"] for e in v["entries"]] == ["organisation", "person"]
    assert send(api_for(demo.other_accountant), "get", f"/api/v1/books/{book.code}/vouchers/{v['id']}").status_code == 404
