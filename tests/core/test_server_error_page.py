"""A server error answers a styled page in Chinese with the request's id and a way back, never
Django's bare "Server Error"; the API keeps its JSON."""

import pytest
from django.test import Client
from django.urls import path

from sanwu.urls import handler500, urlpatterns as site_patterns  # noqa: F401  (this module is the URLconf below)


def _broken(request):
    raise RuntimeError("故意出错")


urlpatterns = [path("broken/", _broken), *site_patterns]


@pytest.fixture
def broken_site(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


def test_a_server_error_is_the_styled_chinese_page_with_the_request_id_and_a_way_back(db, broken_site):
    client = Client(raise_request_exception=False)
    resp = client.get("/broken/", headers={"X-Request-ID": "req-4711abc", "Referer": "http://testserver/ledger/books/"})
    assert resp.status_code == 500
    body = resp.content.decode()
    assert "系统出错了" in body and "Server Error" not in body
    assert '<code class="request-id">req-4711abc</code>' in body and resp["X-Request-ID"] == "req-4711abc"
    assert 'href="/">返回首页</a>' in body and 'href="http://testserver/ledger/books/">回到上一页</a>' in body
    assert "sanwu/site.css" in body and 'name="viewport"' in body


def test_the_way_back_never_leads_to_another_site(db, broken_site):
    resp = Client(raise_request_exception=False).get("/broken/", headers={"Referer": "https://evil.example/phish"})
    body = resp.content.decode()
    assert resp.status_code == 500 and "evil.example" not in body and "回到上一页" not in body
    assert 'class="request-id"' in body  # an id of our own when the request brought none
