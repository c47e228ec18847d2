"""Every link the app shows answers: logged in as each demo role, follow every internal link on
the home page and every link on the pages they lead to (depth 2); each answers 2xx, or redirects
to a page that does. Links of one shape (the same page for other rows: /disclosures/115/ and
/disclosures/116/, the same query keys) are followed up to SAME_SHAPE times each, the first ones
shown: the rows' pages have tests of their own, and a role's 120 disclosures cost a minute.
The same for every warning's page a role may open. One load of the small demo city with its
books and every app's part, shared by all roles."""

import re
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sanwu.demo import generator, parts
from sanwu.oversight.models import Warning

ROLES = ["city_admin", "county_yuexi", "township_1", "township_2", "accountant_1", "secretary_1", "accountant_2", "auditor_yuexi"]
HREF = re.compile(r"""<a\b[^>]*?\bhref=["']([^"']+)["']""", re.I)
SKIP = ("/static/", "/media/")
SAME_SHAPE = 3
DIGITS = re.compile(r"\d+")


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker, tmp_path_factory):
    """The small demo city loaded once for this module, removed after it; its stored files (the
    payment requests' receipts) in a media directory of the module's own, which the tests use."""
    from django.db import connection
    from django.test import override_settings

    from sanwu.ledger import triggers

    media = tmp_path_factory.mktemp("crawl-media")
    with django_db_blocker.unblock():
        if len(triggers.installed(connection)) < len(triggers.RULES):
            triggers.install(connection)
        with override_settings(MEDIA_ROOT=media):
            generator.load("small", 2021)
            parts.load_parts("small", 2021)
        yield media
        triggers.uninstall(connection)
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
        triggers.install(connection)


def links(page: str, body: str) -> list[str]:
    found = []
    for href in HREF.findall(body):
        href = unescape(href).strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        url = urldefrag(urljoin("http://testserver" + page, href)).url
        parts_ = urlsplit(url)
        if parts_.netloc != "testserver" or parts_.path.startswith(SKIP):
            continue
        found.append(parts_.path + (f"?{parts_.query}" if parts_.query else ""))
    return found


def answer(client: Client, url: str) -> tuple[int, str]:
    resp = client.get(url, follow=True)
    ctype = resp.get("Content-Type", "")
    body = resp.content.decode() if ctype.startswith("text/html") else ""
    return resp.status_code, body


def shape(url: str) -> str:
    """A link's shape: its path with the numbers taken out, and its query's keys (the format's
    value kept: an export in each format is followed)."""
    parts_ = urlsplit(url)
    keys = sorted(k if k != "format" else f"format={v}" for k, _, v in (q.partition("=") for q in parts_.query.split("&") if q))
    return DIGITS.sub("<n>", parts_.path) + "?" + "&".join(keys)


def crawl(client: Client) -> list[str]:
    """The links that did not answer 2xx, each with the page that shows it."""
    failures, seen, shapes = [], {"/"}, {}
    status, home = answer(client, "/")
    if not 200 <= status < 300:
        return [f"/ → {status}"]
    frontier = [(u, "/") for u in dict.fromkeys(links("/", home))]
    for depth in (1, 2):
        following = []
        for url, shown_on in frontier:
            if url in seen or shapes.get(shape(url), 0) >= SAME_SHAPE:
                continue
            seen.add(url)
            shapes[shape(url)] = shapes.get(shape(url), 0) + 1
            status, body = answer(client, url)
            if not 200 <= status < 300:
                failures.append(f"{url} (on {shown_on}) → {status}")
            elif depth == 1 and body:
                following += [(u, url) for u in dict.fromkeys(links(url, body))]
        frontier = following
    return failures


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_every_link_shown_to_each_role_answers(demo_city, username, settings):
    settings.MEDIA_ROOT = demo_city
    user = get_user_model().objects.get(username=username)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    failures = crawl(client)
    assert not failures, f"{username}: " + "; ".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["township_1", "county_yuexi", "accountant_1", "auditor_yuexi"])
def test_every_warning_page_a_role_may_open_answers(demo_city, username):
    user = get_user_model().objects.get(username=username)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    ids = list(Warning.objects.visible_to(user).values_list("pk", flat=True))
    assert ids, "the demo gives this role warnings to see"
    bad = [(pk, s) for pk in ids if (s := client.get(f"/oversight/warnings/{pk}/").status_code) != 200]
    assert not bad
    outsider = get_user_model().objects.get(username="township_2")
    theirs = set(Warning.objects.visible_to(outsider).values_list("pk", flat=True))
    other = Client()
    other.force_login(outsider)
    assert all(other.get(f"/oversight/warnings/{pk}/").status_code == 404 for pk in [pk for pk in ids if pk not in theirs][:5])
