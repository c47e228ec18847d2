"""Login throttling per address across usernames, and the client address behind a trusted proxy."""

import ipaddress

import pytest
from django.test import Client, RequestFactory

from sanwu.core.middleware import client_ip
from sanwu.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _fail(client, username, times, **extra):
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "wrong-password"}, **extra)


def test_one_address_trying_many_usernames_is_locked(demo, settings):
    settings.SANWU_LOGIN_ADDRESS_LIMIT = 8
    c = Client(REMOTE_ADDR="10.9.8.7")
    # Four failures per username never reach the pair's limit of five …
    _fail(c, "township_1", 4)
    _fail(c, "township_2", 4)
    # … but eight from one address lock the address: the right password of a third user fails.
    resp = c.post(LOGIN, {"username": "accountant_1", "password": settings.SANWU_DEMO_PASSWORD})
    assert resp.status_code in (403, 429)
    assert "锁定" in resp.content.decode()
    # Another address is not locked.
    other = Client(REMOTE_ADDR="10.9.8.8")
    assert other.post(LOGIN, {"username": "accountant_1", "password": settings.SANWU_DEMO_PASSWORD}).status_code == 302


def test_under_the_address_limit_logins_still_work(demo, settings):
    settings.SANWU_LOGIN_ADDRESS_LIMIT = 8
    c = Client(REMOTE_ADDR="10.9.8.9")
    _fail(c, "township_1", 4)
    _fail(c, "township_2", 3)
    assert c.post(LOGIN, {"username": "accountant_1", "password": settings.SANWU_DEMO_PASSWORD}).status_code == 302


def _req(peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_address_only_from_a_trusted_proxy(settings):
    settings.SANWU_TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8")]
    assert client_ip(_req("127.0.0.1", "203.0.113.5")) == "203.0.113.5"
    # The nearest untrusted hop wins; a spoofed left-most entry is not believed.
    assert client_ip(_req("127.0.0.1", "198.51.100.1, 203.0.113.5, 10.1.1.1")) == "203.0.113.5"
    assert client_ip(_req("203.0.113.9", "198.51.100.1")) == "203.0.113.9"  # not a proxy: header ignored
    assert client_ip(_req("127.0.0.1", "not-an-address")) == "127.0.0.1"
    settings.SANWU_TRUSTED_PROXY_NETWORKS = []
    assert client_ip(_req("127.0.0.1", "203.0.113.5")) == "127.0.0.1"


def test_lock_and_audit_use_the_forwarded_client(demo, settings):
    settings.SANWU_TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("127.0.0.1/32")]
    settings.SANWU_LOGIN_ADDRESS_LIMIT = 6
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    _fail(proxy, "township_1", 3, HTTP_X_FORWARDED_FOR="203.0.113.7")
    _fail(proxy, "township_2", 3, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AuditEvent.objects.filter(action="login_failed", ip="203.0.113.7").count() == 6
    good = {"username": "accountant_1", "password": settings.SANWU_DEMO_PASSWORD}
    assert proxy.post(LOGIN, good, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code in (403, 429)
    # Another villager behind the same proxy is not locked with them.
    assert Client(REMOTE_ADDR="127.0.0.1").post(LOGIN, good, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302
