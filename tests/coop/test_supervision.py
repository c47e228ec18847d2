"""村务监督委员会 / 监事会: Art. 34 checked as each officer is added, the monthly 民主理财 recorded
and signed by the committee, a disclosure published only after its month's review is signed by
more than half the committee, and the remarks shown with it; each step with the user who may
not take it."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from sanwu.coop import rules
from sanwu.coop.imports import import_members
from sanwu.coop.models import FinanceReview, FinanceSignature, Member, Officer
from sanwu.coop.services import supervision
from sanwu.core.audit import AuditEvent
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Refused
from sanwu.disclosure import services as disclosure
from tests.disclosure.conftest import MARCH
from tests.ledger.conftest import post_journal

from ..conftest import api_client, client_for
from .conftest import make_id, sheet
from .test_import import book_of

D = dt.date(2025, 1, 1)


def test_art_34_keeps_the_board_the_finance_staff_and_their_households_off_the_committee():
    households = {1: (10, "head"), 2: (10, "spouse"), 3: (11, "head"), 4: (10, "other")}
    accountant = [(1, "accountant")]
    # the accountant themself, and the accountant's spouse, may not supervise
    assert "不得兼任" in rules.officer_problems("supervisor", 1, accountant, households, declared=True)[0].message
    assert "同户，属近亲属" in rules.officer_problems("supervisor", 2, accountant, households, declared=True)[0].message
    # another household, or someone recorded as 其他 in it, may — once they declare no close relative elsewhere
    assert rules.officer_problems("supervisor", 3, accountant, households, declared=True) == []
    assert rules.officer_problems("supervisor", 4, accountant, households, declared=True) == []
    assert "近亲属关系" in rules.officer_problems("supervisor", 3, accountant, households, declared=False)[0].message
    # the other way round: a supervisor's spouse may not become the cashier, nor a supervisor a council member
    assert "同户" in rules.officer_problems("cashier", 2, [(1, "supervisor")], households, declared=False)[0].message
    assert "不得兼任" in rules.officer_problems("council", 1, [(1, "supervisor_chair")], households, declared=False)[0].message
    assert rules.officer_problems("council", 3, [(1, "supervisor_chair")], households, declared=False) == []
    # more than half the committee signs
    assert [rules.review_signed(n, 3) for n in range(4)] == [False, False, True, True]
    assert not rules.review_signed(0, 0) and not rules.review_signed(1, 2) and rules.review_signed(2, 2)


@pytest.fixture
def book(demo, coop):
    b = book_of(coop)
    import_members(None, b, sheet([
        ["001", "是", "王大山", make_id(1), "户主", "是", "人口股", "1", "", ""],
        ["001", "否", "李桂英", make_id(2), "配偶", "是", "人口股", "1", "", ""],
        ["002", "是", "张小河", make_id(3), "户主", "是", "人口股", "1", "", ""],
        ["003", "是", "陈春红", make_id(4), "户主", "是", "人口股", "1", "", ""],
        ["004", "是", "刘志强", make_id(5), "户主", "是", "人口股", "1", "", ""],
        ["集体", "", "", "", "", "", "集体股", "200", "", ""],  # under the county's 3% cap per household
    ]), "名册.csv", D)
    return b


def person(n: int):
    return Member.objects.select_related("person").get(household__number=f"{n:03d}", is_head=True).person


@pytest.fixture
def supervisor_user(demo):
    return get_user_model().objects.get(username="supervisor_1")


@pytest.fixture
def committee(demo, coop, book, supervisor_user):
    """The accountant (王大山), and a committee of three from other households; its chair signs in as supervisor_1."""
    supervision.add_officer(demo.secretary, coop, person(1), "accountant", D)
    chair = supervision.add_officer(demo.secretary, coop, person(2), "supervisor_chair", D, account=supervisor_user, declared=True)
    return [chair] + [supervision.add_officer(demo.township, coop, person(n), "supervisor", D, declared=True) for n in (3, 4)]


def test_officers_are_added_by_the_secretary_or_the_township_and_art_34_is_checked(demo, coop, other_coop, book):
    supervision.add_officer(demo.secretary, coop, person(1), "accountant", D)
    spouse = Member.objects.get(household__number="001", is_head=False).person
    with pytest.raises(Invalid, match="同户，属近亲属"):
        supervision.add_officer(demo.secretary, coop, spouse, "supervisor", D, declared=True)
    for outsider in (demo.accountant, demo.other_accountant, demo.other_township, demo.auditor, demo.county):
        with pytest.raises(Refused):
            supervision.add_officer(outsider, coop, person(2), "supervisor", D, declared=True)
    o = supervision.add_officer(demo.secretary, coop, person(2), "supervisor", D, declared=True)
    assert AuditEvent.objects.filter(action="coop.officer.add", object_id=str(o.pk), actor=demo.secretary).exists()
    # an account that is not the village's supervisory committee cannot be linked to sign
    with pytest.raises(Invalid, match="没有本村村务监督委员会的角色"):
        supervision.add_officer(demo.secretary, coop, person(3), "supervisor", D, account=demo.accountant, declared=True)
    supervision.end_officer(demo.secretary, o, dt.date(2025, 6, 30))
    assert supervision.committee(coop.pk, dt.date(2025, 7, 1)) == []
    with pytest.raises(Refused):
        supervision.end_officer(demo.other_accountant, Officer.objects.get(post="accountant"), dt.date(2025, 6, 30))


def test_a_month_is_published_only_after_more_than_half_the_committee_signed_its_review(demo, coop, book, committee, supervisor_user):
    post_journal(demo.accountant, book, MARCH)
    d = disclosure.confirm(demo.secretary, disclosure.prepare(demo.accountant, book, 2025, 3))
    with pytest.raises(Invalid, match="2025年3月尚未进行民主理财"):
        disclosure.publish(demo.secretary, d)
    # neither the accountant, the secretary nor the other village may review; the chair records and signs
    for outsider in (demo.accountant, demo.secretary, demo.other_accountant, demo.township):
        with pytest.raises(Refused):
            supervision.record_review(outsider, book, 2025, 3, remarks="无异议", reviewed_on=dt.date(2025, 4, 5))
    r = supervision.record_review(supervisor_user, book, 2025, 3, remarks="光伏收入已入账；保洁劳务费有签领单，无异议。", reviewed_on=dt.date(2025, 4, 5))
    assert FinanceSignature.objects.filter(review=r).count() == 1
    with pytest.raises(Invalid, match="只有1位成员签字，须超过村务监督委员会3位成员的半数"):
        disclosure.publish(demo.secretary, d)
    with pytest.raises(Invalid, match="已在这份民主理财记录上签字"):
        supervision.sign_review(supervisor_user, r)
    with pytest.raises(Invalid, match="已经进行过民主理财"):
        supervision.record_review(supervisor_user, book, 2025, 3, remarks="再记一次", reviewed_on=dt.date(2025, 4, 6))
    supervision.sign_review(None, r, officer=committee[1])  # a member's signature on the paper record, entered by the operator
    d = disclosure.publish(demo.secretary, d)
    frozen = d.snapshot["finance_review"]["months"]
    assert frozen[0]["remarks"] == "光伏收入已入账；保洁劳务费有签领单，无异议。" and frozen[0]["period"] == "2025-03"
    assert frozen[0]["signers"] == ["张*河（监事长/村务监督委员会主任）", "陈*红（监事/村务监督委员会委员）"]
    ok, why = disclosure.check_disclosure(d)
    assert ok, why
    public = Client().get(reverse("disclosure:public_disclosure", args=[d.village_id, d.pk])).content.decode()  # no login
    assert "民主理财意见" in public and "保洁劳务费有签领单" in public and "张*河" in public and "张小河" not in public
    assert AuditEvent.objects.filter(action="coop.review.record").count() == 1 and AuditEvent.objects.filter(action="coop.review.sign").count() == 1


def test_reviews_and_signatures_are_append_only(demo, book, committee, supervisor_user):
    r = supervision.record_review(supervisor_user, book, 2025, 2, remarks="无异议。", reviewed_on=dt.date(2025, 3, 5))
    with pytest.raises(DatabaseError), transaction.atomic():
        FinanceReview.objects.filter(pk=r.pk).update(remarks="改过的意见")
    with pytest.raises(DatabaseError), transaction.atomic():
        FinanceSignature.objects.filter(review=r).delete()
    assert FinanceReview.objects.get(pk=r.pk).remarks == "无异议。"


def test_the_page_records_signs_and_exports_and_outsiders_see_nothing(demo, coop, book, committee, supervisor_user):
    url = reverse("coop:supervision", args=[coop.pk])
    chair = client_for(supervisor_user)
    page = chair.get(url).content.decode()
    assert "民主理财" in page and "记录并签字" in page and "王*山" in page and "王大山" not in page
    resp = chair.post(reverse("coop:review_new", args=[coop.pk]), {"month": "2025-04", "reviewed_on": "2025-05-06", "remarks": "四月账目无异议。"}, follow=True)
    assert "已记录2025年4月的民主理财并签字，还需其他成员签字" in resp.content.decode()
    r = FinanceReview.objects.get(book=book, year=2025, month=4)
    assert "1/3" in resp.content.decode()
    # the accountant reads the page but has no form; the secretary adds officers, not reviews
    accountant = client_for(demo.accountant).get(url).content.decode()
    assert "四月账目无异议" in accountant and "记录并签字" not in accountant and "登记任职" not in accountant
    assert client_for(demo.accountant).post(reverse("coop:review_sign", args=[coop.pk, r.pk])).status_code == 403
    assert "登记任职" in client_for(demo.secretary).get(url).content.decode()
    bad = client_for(demo.secretary).post(url, {"post": "supervisor", "id_number": make_id(99), "started_on": "2025-01-01"}, follow=True).content.decode()
    assert "本村人员登记中没有这个身份证号" in bad
    # Excel of the reviews; another village's accountant sees neither page nor export
    assert chair.get(url, {"format": "xlsx", "list": "reviews"}).status_code == 200
    for outsider in (demo.other_accountant, demo.other_township):
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(outsider).get(url, {"format": "xlsx"}).status_code == 404


def test_the_api_and_the_cli_read_and_record_reviews_behind_the_same_gate(demo, coop, book, committee, supervisor_user):
    api = api_client(supervisor_user)
    resp = api.post(f"/api/v1/coop/{coop.pk}/finance-reviews", {"period": "2025-05", "reviewed_on": "2025-06-04", "remarks": "五月无异议。"}, content_type="application/json")
    assert resp.status_code == 201, resp.content.decode()
    review = resp.json()
    assert (review["period"], review["committee"], review["signed"], review["signers"]) == ("2025-05", 3, False, ["张*河（监事长/村务监督委员会主任）"])
    bad = api.post(f"/api/v1/coop/{coop.pk}/finance-reviews", {"period": "2025-13", "reviewed_on": "2025-06-04", "remarks": "x"}, content_type="application/json")
    assert bad.status_code == 422 and "月份应在1到12之间" in bad.content.decode()
    worse = api.post(f"/api/v1/coop/{coop.pk}/finance-reviews", {"period": "五月", "reviewed_on": "2025-06-04", "remarks": "x"}, content_type="application/json")
    assert worse.status_code == 422 and "所审月份应写作 2025-03" in worse.content.decode()
    assert api_client(demo.accountant).post(f"/api/v1/coop/{coop.pk}/finance-reviews/{review['id']}/sign").status_code == 403
    officers = api_client(demo.accountant).get(f"/api/v1/coop/{coop.pk}/officers").json()
    assert [o["post"] for o in officers] == ["accountant", "supervisor", "supervisor", "supervisor_chair"] and "王*山" in [o["name"] for o in officers]
    for outsider in (demo.other_accountant, demo.other_township):
        assert api_client(outsider).get(f"/api/v1/coop/{coop.pk}/officers").status_code == 404
        assert api_client(outsider).get(f"/api/v1/coop/{coop.pk}/finance-reviews").status_code == 404
    out = io.StringIO()
    call_command("coop", "finance-reviews", "--book", book.code, "--format", "csv", stdout=out)
    assert "2025-05" in out.getvalue() and "五月无异议。" in out.getvalue() and "1/3，签字未过半" in out.getvalue()
    out = io.StringIO()
    call_command("coop", "finance-review", "--book", book.code, "--month", "2025-06", "--remarks", "六月无异议。", "--date", "2025-07-03", "--as", "supervisor_1", stdout=out)
    assert "签字1/3人，尚未过半" in out.getvalue()
    with pytest.raises(CommandError, match="只有本村村务监督委员会成员"):
        call_command("coop", "finance-review", "--book", book.code, "--month", "2025-07", "--remarks", "x", "--as", demo.accountant.username)
    out = io.StringIO()
    call_command("coop", "officers", "--book", book.code, "--format", "csv", stdout=out)
    assert "王*山" in out.getvalue() and "王大山" not in out.getvalue()


def test_the_committee_members_workbench_lists_the_months_to_review(demo, coop, book, committee, supervisor_user):
    from sanwu.workbench.services.home import workbench_for

    sections = {s.key: s for s in workbench_for(supervisor_user)}
    assert sections["reviews"].count == 12  # the last twelve ended months of a book opened on 2025-01-01
    last = sections["reviews"].items[0]
    assert "民主理财" in last.title and last.target.name == "coop:supervision" and last.target.args == (coop.pk,)
    assert "reviews" not in {s.key for s in workbench_for(demo.accountant)}  # not the accountant's work
    last_month = today().replace(day=1) - dt.timedelta(days=1)
    supervision.record_review(supervisor_user, book, last_month.year, last_month.month, remarks="无异议。", reviewed_on=today())
    assert {s.key: s for s in workbench_for(supervisor_user)}["reviews"].count == 11


def test_the_committee_reads_the_villages_books_and_registers_and_changes_none_of_them(demo, coop, book, other_coop, supervisor_user):
    from sanwu.ledger import services as ledger

    other = ledger.create_book(None, f"B{other_coop.region_id}", other_coop.region_id, "2023", start_date=D, collective=other_coop)
    c = client_for(supervisor_user)
    assert book.code in c.get(reverse("ledger:books")).content.decode()
    assert c.get(reverse("ledger:trial_balance", args=[book.code])).status_code == 200
    members = c.get(reverse("coop:members", args=[coop.pk])).content.decode()
    assert "王*山" in members and "王大山" not in members and make_id(1) not in members  # masked: not a role that sees full values
    assert c.get(reverse("decisions:list")).status_code == 200 and c.get(reverse("disclosure:list")).status_code == 200
    # another village's book is not there; nothing of the village's is theirs to change
    assert c.get(reverse("ledger:book", args=[other.code])).status_code == 404
    assert c.get(reverse("ledger:voucher_new", args=[book.code])).status_code == 403
    with pytest.raises(Refused):
        ledger.post_drafts(supervisor_user, book, [])


def test_the_states_of_many_reviews_are_read_in_as_many_queries_as_of_one(demo, book, committee, supervisor_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for m in (1, 2, 3):
        r = supervision.record_review(supervisor_user, book, 2025, m, remarks="无异议。", reviewed_on=dt.date(2025, m + 1, 2))
    supervision.sign_review(None, r, officer=committee[1])
    reviews = list(FinanceReview.objects.filter(book=book).order_by("month"))
    with CaptureQueriesContext(connection) as one:
        supervision.review_states(reviews[:1])
    with CaptureQueriesContext(connection) as three:
        states = supervision.review_states(reviews)
    assert len(three) == len(one) == 2
    assert [(s["review"].month, len(s["signers"]), s["committee"], s["signed"]) for s in states] == [(1, 1, 3, False), (2, 1, 3, False), (3, 2, 3, True)]
