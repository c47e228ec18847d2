"""Every API error is JSON with a Chinese `detail`, never an HTML page or a server error: paging
out of range on every list, a body too large or unreadable, an unknown path, a method a path does
not take, a missing token, and a server error itself."""

import json

import pytest
from django.http import HttpResponseServerError
from django.test import Client, RequestFactory

from sanwu.api import api
from sanwu.core.api_errors import ApiErrorsMiddleware
from tests.conftest import api_client
from tests.ledger.conftest import book  # noqa: F401  (fixture)

BAD_PAGING = [
    ("offset", "-1", "应不小于 0"),
    ("offset", "9223372036854775808", "应不大于 10000000"),
    ("offset", "99999999999999999999999", "应不大于 10000000"),
    ("limit", "0", "应不小于 1"),
    ("limit", "-5", "应不小于 1"),
    ("limit", "9223372036854775808", "应不大于"),
]


def chinese_json(resp) -> dict:
    assert resp["Content-Type"].startswith("application/json"), (resp.status_code, resp["Content-Type"], resp.content[:200])
    text = resp.content.decode()
    assert "\\u" not in text and "<html" not in text.lower(), text
    return json.loads(text)


def list_paths(book) -> dict[str, str]:
    """Every operation of the published document that pages with limit or offset: the path to
    call (a book's code, its collective's id filled in) → the path as published."""
    out = {}
    for path, item in api.get_openapi_schema()["paths"].items():
        operation = item.get("get", {})
        if {p["name"] for p in operation.get("parameters", [])} & {"limit", "offset"}:
            out[path.replace("{code}", book.code).replace("{id}", str(book.collective_id))] = path
    return out


def test_paging_out_of_range_answers_422_in_chinese_on_every_list(demo, book):
    paths = list_paths(book)
    assert len(paths) >= 15 and "/api/v1/books/{code}/vouchers".replace("{code}", book.code) in paths
    county = api_client(demo.county)
    for path, published in paths.items():
        params = {p["name"] for p in api.get_openapi_schema()["paths"][published]["get"]["parameters"]}
        for name, value, message in BAD_PAGING:
            if name not in params:
                continue
            resp = county.get(path, {name: value})
            assert resp.status_code == 422, (path, name, value, resp.status_code)
            (detail,) = chinese_json(resp)["detail"]
            assert detail.startswith(f"字段「{name}」：{message}"), (path, detail)
        assert county.get(path, {"limit": 1, "offset": 0}).status_code == 200, path


def test_a_body_over_the_upload_limit_answers_413_in_chinese(demo, book, settings):
    body = json.dumps({"date": "2025-03-01", "summary": "x" * (4 * 1024 * 1024), "entries": []})
    resp = api_client(demo.accountant).post(f"/api/v1/books/{book.code}/vouchers", body, content_type="application/json")
    assert resp.status_code == 413
    assert chinese_json(resp)["detail"] == "请求体过大（不能超过 2.5 MB）"


def test_an_unreadable_body_answers_400_in_chinese(demo, book):
    resp = api_client(demo.accountant).post(f"/api/v1/books/{book.code}/vouchers", b"\xff\xfe{not json", content_type="application/json")
    assert resp.status_code == 400
    assert chinese_json(resp)["detail"] == "请求体无法解析：应为 UTF-8 编码的 JSON"


def test_an_unknown_path_and_a_wrong_method_answer_json(demo):
    county = api_client(demo.county)
    resp = county.get("/api/v1/no-such-thing")
    assert resp.status_code == 404 and chinese_json(resp)["detail"] == "接口不存在：/api/v1/no-such-thing"
    resp = county.delete("/api/v1/me")
    assert resp.status_code == 405 and resp["Allow"] == "GET"
    assert chinese_json(resp)["detail"] == "该接口不支持 DELETE 请求"
    # outside /api/ Django's own pages stay as they are
    page = county.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_missing_or_wrong_token_answers_401_in_chinese(db):
    for client in (Client(), Client(headers={"Authorization": "Bearer not-a-token"})):
        resp = client.get("/api/v1/me")
        assert resp.status_code == 401
        assert chinese_json(resp)["detail"] == "未登录或令牌无效：请在 Authorization 头中提供 Bearer 令牌"


@pytest.mark.parametrize("path, is_api", [("/api/v1/books", True), ("/books/", False)])
def test_a_server_error_under_api_is_json_with_the_request_id(path, is_api):
    request = RequestFactory().get(path)
    request.request_id = "abc123"
    resp = ApiErrorsMiddleware(lambda r: HttpResponseServerError("<html><h1>Server Error</h1></html>"))(request)
    assert resp.status_code == 500
    if is_api:
        assert chinese_json(resp)["detail"] == "服务器内部错误，请稍后重试（请求编号 abc123）"
    else:
        assert resp.content.startswith(b"<html>")
