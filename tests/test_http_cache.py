"""What is frozen may be cached: a published disclosure's public pages answer 304 to a browser that
holds the version they are frozen on, and the live feed's poll answers 304 (or 204 by its stamp)
while nothing is new — and a change gives 200 with the new content. The outsiders: another
township's supervisor and anonymous users, whom a borrowed ETag gives nothing."""

import re

from django.test import Client

from sanwu.disclosure import services
from tests.disclosure.conftest import MARCH, book, confirmed, march, post_journal, prepared, published  # noqa: F401  (fixtures)
from tests.ledger.conftest import other_book  # noqa: F401  (fixture)

DAXIE = "340828100200"


def conditional(client, url, etag, **headers):
    return client.get(url, headers={"If-None-Match": etag, **headers})


# --- the public village pages -----------------------------------------------------------------


def test_the_village_page_answers_304_until_a_question_is_asked_or_answered(demo, published):
    villager = Client()
    first = villager.get(f"/v/{DAXIE}/")
    assert first.status_code == 200 and first["Cache-Control"] == "no-cache"
    etag = first["ETag"]
    again = conditional(villager, f"/v/{DAXIE}/", etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert conditional(Client(), f"/v/{DAXIE}/?utm_source=wechat", etag).status_code == 304  # made-up parameters change nothing

    q = services.ask(DAXIE, "三月份的保洁费付给了谁？", ip="10.1.2.3")
    asked = conditional(villager, f"/v/{DAXIE}/", etag)  # listed among the questions waiting for an answer
    assert asked.status_code == 200 and "三月份的保洁费付给了谁？" in asked.content.decode()
    etag = asked["ETag"]
    services.answer(demo.township, q, "付给了本村保洁员，按月结算。")
    changed = conditional(villager, f"/v/{DAXIE}/", etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "付给了本村保洁员，按月结算。" in changed.content.decode()
    assert conditional(villager, f"/v/{DAXIE}/", changed["ETag"]).status_code == 304


def test_a_kept_village_page_carries_each_visitors_own_csrf_token(demo, published):
    Client().get(f"/v/{DAXIE}/")  # someone else made the page first
    villager = Client(enforce_csrf_checks=True)
    html = villager.get(f"/v/{DAXIE}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert "__sanwu_csrf_token__" not in html
    resp = villager.post(f"/v/{DAXIE}/ask/", {"text": "村里的光伏收入每年有多少？", "contact": "", "csrfmiddlewaretoken": token})
    assert resp.status_code == 302 and resp["Location"].endswith("/?new=1")
    assert "已收到您的问题" in villager.get(resp["Location"]).content.decode()


def test_the_disclosure_page_changes_when_its_book_no_longer_agrees(demo, book, published):
    url = f"/v/{DAXIE}/d/{published.pk}/"
    first = Client().get(url)
    assert first.status_code == 200 and "已核对" in first.content.decode()
    assert conditional(Client(), url, first["ETag"]).status_code == 304
    pdf = Client().get(url + "notice.pdf")
    assert pdf.status_code == 200 and conditional(Client(), url + "notice.pdf", pdf["ETag"]).status_code == 304

    post_journal(demo.accountant, book, "2025-03-30 补记3月电费\n  513  50.00  -\n  101  -  50.00  cash\n")
    changed = conditional(Client(), url, first["ETag"])
    assert changed.status_code == 200 and 'data-check="bad"' in changed.content.decode()
    assert conditional(Client(), url + "notice.pdf", pdf["ETag"]).status_code == 200


def test_no_etag_for_what_is_not_published(demo, confirmed):
    assert Client().get(f"/v/{DAXIE}/d/{confirmed.pk}/").status_code == 404
    assert Client().get("/v/340828199999/", headers={"If-None-Match": "*"}).status_code == 404


# --- the live feed's poll ---------------------------------------------------------------------


def poll(client, query=""):
    resp = client.get(f"/oversight/feed/rows/{query}")
    assert resp.status_code == 200, resp.status_code
    body = resp.content.decode()
    return resp, body, re.search(r'id="feed-stamp" value="(\w+)"', body).group(1)


def test_the_poll_answers_304_while_nothing_is_new_and_200_with_the_new_posting(demo, as_user, book):
    post_journal(demo.accountant, book, MARCH)
    town = as_user(demo.township)
    resp, body, stamp = poll(town)
    assert resp["ETag"] == f'"{stamp}"' and resp["Cache-Control"] == "private, no-cache"
    etag = resp["ETag"]
    held = conditional(town, f"/oversight/feed/rows/?stamp={stamp}", etag)
    assert held.status_code == 304 and held.content == b""
    assert town.get(f"/oversight/feed/rows/?stamp={stamp}").status_code == 204  # htmx's own stamp, no ETag held

    post_journal(demo.accountant, book, "2025-03-28 支付村部电费\n  513  230.00  -  cash\n  101  -  230.00  cash\n")
    fresh = conditional(town, f"/oversight/feed/rows/?stamp={stamp}", etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag and "支付村部电费" in fresh.content.decode()
    new_stamp = re.search(r'id="feed-stamp" value="(\w+)"', fresh.content.decode()).group(1)
    assert conditional(town, f"/oversight/feed/rows/?stamp={new_stamp}", fresh["ETag"]).status_code == 304


def test_another_township_or_anonymous_gets_nothing_from_a_borrowed_etag(demo, as_user, book, other_book):
    post_journal(demo.accountant, book, MARCH)
    post_journal(demo.other_accountant, other_book, "2025-03-05 支付关河村保洁费\n  513  2600.00  -  cash  保洁员\n  101  -  2600.00  cash  保洁员\n")
    resp, _, stamp = poll(as_user(demo.township))
    etag = resp["ETag"]

    outsider = as_user(demo.other_township)
    theirs = conditional(outsider, f"/oversight/feed/rows/?stamp={stamp}", etag)
    assert theirs.status_code == 200 and theirs["ETag"] != etag  # their own feed, not a 304 on ours
    assert "支付关河村保洁费" in theirs.content.decode() and "收到光伏发电收入" not in theirs.content.decode()
    township = demo.township.role_assignments.get().region_id
    aimed = conditional(outsider, f"/oversight/feed/rows/?township={township}&stamp={stamp}", etag)
    assert aimed.status_code == 200 and "收到光伏发电收入" not in aimed.content.decode()  # filtering to our township shows nothing

    anonymous = conditional(Client(), f"/oversight/feed/rows/?stamp={stamp}", etag)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_poll_reads_its_townships_generation_only(demo, as_user, book, other_book):
    """The poll's version is its townships' feed generation: one small query, not the feed. A posting
    in another township (the outsider's) leaves our poll at 304; a warning stored later on one of
    our vouchers (a re-scan after the county lowered its cash limit) changes it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sanwu.oversight import services as oversight

    post_journal(demo.accountant, book, "2025-03-28 支付村部电费\n  513  230.00  -  cash\n  101  -  230.00  cash\n")
    town = as_user(demo.township)
    resp, _, stamp = poll(town)
    url = f"/oversight/feed/rows/?stamp={stamp}"
    with CaptureQueriesContext(connection) as q:
        assert conditional(town, url, resp["ETag"]).status_code == 304
    assert not [s for s in q.captured_queries if "ledger_voucher" in s["sql"] or "oversight_warning" in s["sql"]]
    post_journal(demo.other_accountant, other_book, "2025-03-05 支付关河村保洁费\n  513  2600.00  -  cash  保洁员\n  101  -  2600.00  cash  保洁员\n")
    assert conditional(town, url, resp["ETag"]).status_code == 304  # not our township

    oversight.update_params(demo.county, "340828000000", cash_limit=10_000)  # 100 元
    assert oversight.rescan_book(book) == 1  # 支付村部电费 230 元 is now over the limit
    fresh = conditional(town, url, resp["ETag"])
    assert fresh.status_code == 200 and "现金支付超限额" in fresh.content.decode()
