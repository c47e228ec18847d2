"""Persona fixtures: one user for every role, plus the outsiders (another village's accountant,
another township's supervisor, anonymous). Built from the small demo city. `client_for(user)`
logs a user in for the pages, `api_client(user)` calls the API with the user's token."""

import os
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings

from sanwu.demo import generator


@dataclass
class City:
    city: object
    county: object
    township: object
    other_township: object
    accountant: object
    other_accountant: object
    secretary: object
    auditor: object


def _build() -> City:
    from django.contrib.auth import get_user_model

    generator.load("small", 2021, books=False)
    users = {u.username: u for u in get_user_model().objects.all()}
    return City(
        city=users["city_admin"],
        county=users["county_yuexi"],
        township=users["township_1"],
        other_township=users["township_2"],
        accountant=users["accountant_1"],
        other_accountant=users["accountant_2"],
        secretary=users["secretary_1"],
        auditor=users["auditor_yuexi"],
    )


# The files that take longest (pytest --durations), longest first: pytest-xdist's loadfile hands
# files to the two workers in collection order, so a long file collected last is the whole run's
# tail while the other worker idles. Started first, the short files even the two workers out.
SLOW_FILES = (
    "tests/test_api_fuzz.py",
    "tests/test_crawl.py",
    "tests/browser/test_phone_lists.py",
    "tests/ledger/test_migrations.py",
    "tests/ledger/test_reliability.py",
    "tests/ledger/test_chart_move.py",
    "tests/browser/test_login.py",
    "tests/disclosure/test_privacy.py",
    "tests/browser/test_oversight.py",
    "tests/browser/test_workbench.py",
    "tests/disclosure/test_demo.py",
    "tests/test_test_database.py",
    "tests/test_api_errors.py",
    "tests/browser/test_vouchers.py",
    "tests/test_backup.py",
    "tests/browser/test_tasks.py",
    "tests/ledger/test_archives.py",
    "tests/core/test_database_down.py",
    "tests/assessment/test_browser.py",
    "tests/test_cli.py",
)


def pytest_collection_modifyitems(items):
    rank = {f: i for i, f in enumerate(SLOW_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable: the rest in order


@pytest.fixture(autouse=True)
def _immutability_triggers(request):
    """Posted vouchers and the audit trail are protected by triggers. Tests that commit
    (transactional, live server) drop them at teardown so the database can be flushed."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(names & {"transactional_db", "live_server", "demo_live"}) or bool(marker and marker.kwargs.get("transaction"))
    if not (transactional or names & {"db", "demo"} or marker):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    from sanwu.ledger import triggers

    if len(triggers.installed(connection)) < len(triggers.RULES):
        triggers.install(connection)
    yield
    if transactional:
        triggers.uninstall(connection)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Pages kept between requests (core.caching) belong to one test's database."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_at_once(settings, tmp_path):
    """Background tasks (core.downloads) run inside the request that queues them (django.tasks'
    immediate backend); uploaded files and the files tasks make go to a MEDIA_ROOT of the test's own. tests/core/
    test_downloads.py runs the real database backend and its worker."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def response_bytes(response) -> bytes:
    """A response's bytes, whether streamed (a CSV export, a stored file) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def downloaded(client, response) -> bytes:
    """The file behind a response that queued a background download (core.downloads): follows
    the redirect to the download's page and fetches the file it links to (tests run the task at
    once, so it is ready)."""
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["d"].status == "ready", page.context["d"].error
    return response_bytes(client.get(reverse("core:download_file", args=[page.context["d"].pk])))


@pytest.fixture
def demo(db) -> City:
    return _build()


@pytest.fixture
def demo_live(transactional_db) -> City:
    """The demo city for tests that drive a live server (committed data)."""
    return _build()


def database_url() -> str:
    """The test database, for processes started by a test (a command under test reads and writes
    the same database, not a fresh one that would need every migration run again)."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def finance_reviewed(book, year: int, month_from: int, month_to: int | None = None) -> None:
    """The supervisory committee's signed 民主理财 of the months, which a disclosure of them waits
    for: a committee of three from the village's people (made once per cooperative), each review
    entered by the system operator and signed by all three."""
    import datetime as dt

    from sanwu.coop.models import FinanceReview, Officer
    from sanwu.coop.services import supervision
    from sanwu.core.dates import today
    from sanwu.regions.models import Person

    members = supervision.committee(book.collective_id, dt.date(year, month_from, 1))
    if not members:
        people = list(Person.objects.filter(region_id=book.region_id).order_by("id")[:3])
        assert len(people) == 3, "the village needs three registered people for its committee"
        for person, post in zip(people, ("supervisor_chair", "supervisor", "supervisor")):
            supervision.add_officer(None, book.collective, person, post, dt.date(2000, 1, 1), declared=True)
        members = list(Officer.objects.filter(collective_id=book.collective_id, post__in=["supervisor_chair", "supervisor"]))
    for month in range(month_from, (month_to or month_from) + 1):
        if FinanceReview.objects.filter(book=book, year=year, month=month).exists():
            continue
        on = min(dt.date(year + month // 12, month % 12 + 1, 3), today())
        r = supervision.record_review(None, book, year, month, remarks="账目清楚，无异议。", reviewed_on=on, officer=members[0])
        for o in members[1:]:
            supervision.sign_review(None, r, officer=o)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def api_client(user) -> Client:
    """A client that calls the API with a token of `user` (Authorization: Bearer …)."""
    from sanwu.regions.services import issue_token

    return Client(headers={"Authorization": f"Bearer {issue_token(user)}"})


@pytest.fixture
def as_user():
    return client_for


# hypothesis: no deadline (database examples are slow on a busy machine), a bounded number of
# examples; SANWU_HYPOTHESIS_PROFILE=deep for a longer search.
settings.register_profile("default", deadline=None, max_examples=30, database=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", deadline=None, max_examples=500, database=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("SANWU_HYPOTHESIS_PROFILE", "default"))
