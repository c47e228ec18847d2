"""Security from the first day: CSP without inline scripts, CSRF, argon2, throttled and audited
logins, a clean `check --deploy` under production settings."""

import os
import re
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings

from sanwu.core.models import AuditEvent


def test_csp_header_forbids_inline_scripts(demo, as_user):
    resp = as_user(demo.county).get("/")
    csp = resp["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp


@pytest.mark.parametrize("path", ["/", "/regions/", "/people/", "/audit/", "/people/add/", "/regions/import/"])
def test_pages_have_no_inline_script_or_third_party_host(demo, as_user, path):
    body = as_user(demo.county).get(path).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<[^>]+\son[a-z]+=", body)
    assert "http://" not in body.replace("http://127.0.0.1", "") and "https://" not in body


def test_login_page_and_api_docs_load_nothing_from_a_cdn(demo):
    c = Client()
    assert "https://" not in c.get("/accounts/login/").content.decode()
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()


def test_csrf_is_enforced_on_forms(demo):
    c = Client(enforce_csrf_checks=True)
    c.force_login(demo.county)
    assert c.post("/scope/", {"region": "340828000000"}).status_code == 403


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2():
    assert make_password("some-long-password").startswith("argon2$")


def test_argon2_is_the_configured_default(tmp_path):
    assert _setting("PASSWORD_HASHERS[0]", tmp_path) == "django.contrib.auth.hashers.Argon2PasswordHasher"


def _setting(expr: str, var_dir, **extra) -> str:
    """Read a setting in a fresh process, outside the test-suite overrides."""
    env = {**os.environ, "SANWU_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "sanwu.settings", **extra}
    env.pop("SANWU_SECRET_KEY", None)
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{expr})"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.strip()


def test_login_failed_login_and_lockout_are_audited(demo, settings):
    from django.conf import settings as s

    c = Client()
    resp = c.post("/accounts/login/", {"username": "county_yuexi", "password": s.SANWU_DEMO_PASSWORD})
    assert resp.status_code == 302
    assert AuditEvent.objects.filter(action="login", actor=demo.county).count() == 1

    bad = Client()
    for _ in range(5):
        bad.post("/accounts/login/", {"username": "township_1", "password": "wrong"})
    assert AuditEvent.objects.filter(action="login_failed", object_id="township_1").count() == 5
    # Locked now: even the right password is refused.
    resp = bad.post("/accounts/login/", {"username": "township_1", "password": s.SANWU_DEMO_PASSWORD})
    assert resp.status_code in (403, 429)
    assert "锁定" in resp.content.decode()
    assert "_auth_user_id" not in bad.session


def test_request_id_is_returned_and_recorded(demo, as_user):
    c = as_user(demo.accountant)
    resp = c.get("/audit/", headers={"X-Request-ID": "abc123"})
    assert resp["X-Request-ID"] == "abc123"
    assert AuditEvent.objects.filter(action="permission_denied", request_id="abc123").exists()


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "SANWU_ENV": "production",
        "SANWU_SECRET_KEY": "k" * 20 + "Zx9!qL2#mN5$pR8&tV1*wY4^" + "a1B2c3D4e5F6g7H8",
        "SANWU_ALLOWED_HOSTS": "sanwu.example.org",
        "SANWU_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "sanwu.settings",
    }
    env.pop("DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "sanwu.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first, second = _setting("SECRET_KEY", tmp_path), _setting("SECRET_KEY", tmp_path)
    assert first == second and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_cookies_are_secure(tmp_path):
    extra = {"SANWU_ENV": "production"}
    assert _setting("SESSION_COOKIE_SECURE", tmp_path, **extra) == "True"
    assert _setting("CSRF_COOKIE_SECURE", tmp_path, **extra) == "True"
    assert _setting("DEBUG", tmp_path, **extra) == "False"
