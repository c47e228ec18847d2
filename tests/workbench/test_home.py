"""The workbench per role: each role's home lists that role's real pending work, each item a link
to the page where it is done, counted, the most urgent first — and nothing of another village's
or township's (the outsiders)."""

import datetime as dt

import pytest

from sanwu.disclosure import services as disclosure
from sanwu.ledger import services as ledger
from sanwu.oversight import services as oversight
from sanwu.partywork import services as partywork
from sanwu.workbench import services

from .conftest import links, sections


def page(as_user, user) -> str:
    resp = as_user(user).get("/")
    assert resp.status_code == 200
    return resp.content.decode()


def test_accountant_sees_drafts_rejections_warnings_and_months_to_close(work, demo, book, as_user):
    s = sections(demo.accountant)
    assert links(s["drafts"]) == [("ledger:voucher", (book.code, work.draft.pk))]
    assert s["drafts"].count == 1
    assert s["rejected"].items[0].note == "退回原因：缺少签字的劳务费收据"
    assert links(s["rejected"]) == [("ledger:voucher", (book.code, work.rejected.pk))]
    assert ("oversight:warning", (work.warning.pk,)) in links(s["explain"])
    # the book opened 2025-01 and no month is closed: every month past its deadline waits
    assert s["close"].count == 1 and "2025-01 起" in s["close"].items[0].title
    assert s["close"].items[0].urgency == 2
    assert s["questions"].count == 1  # the village's question, answered by the township
    assert "review" not in s  # the accountant reviews nothing
    html = page(as_user, demo.accountant)
    assert f'href="/books/{book.code}/vouchers/{work.draft.pk}/"' in html
    assert "缺少签字的劳务费收据" in html
    assert 'data-count="drafts">1<' in html


def test_another_villages_accountant_sees_only_their_own(work, demo, other_book, book):
    s = sections(demo.other_accountant)
    assert links(s["drafts"]) == [("ledger:voucher", (other_book.code, work.other_draft.pk))]
    assert "rejected" not in s
    assert ("oversight:warning", (work.other_warning.pk,)) in links(s["explain"])
    mine = {i.target.args for sec in sections(demo.accountant).values() for i in sec.items}
    assert (other_book.code, work.other_draft.pk) not in mine
    assert (work.other_warning.pk,) not in mine


def test_secretary_sees_disclosure_to_confirm_and_matters(work, demo):
    s = sections(demo.secretary)
    assert links(s["confirm"]) == [("disclosure:detail", (work.disclosure.pk,))]
    assert links(s["matters"]) == [("decisions:detail", (work.matter.pk,))]
    assert s["matters"].items[0].note == "下一步：党组织提议"
    assert "drafts" not in s and "review" not in s
    disclosure.confirm(demo.secretary, work.disclosure)
    s = sections(demo.secretary)
    assert "confirm" not in s and links(s["publish"]) == [("disclosure:detail", (work.disclosure.pk,))]


def test_township_sees_review_questions_tasks_and_not_the_other_township(work, demo, book):
    s = sections(demo.township)
    assert links(s["review"]) == [("ledger:voucher", (book.code, work.submitted.pk))]
    assert links(s["questions"]) == [("disclosure:question", (work.question.pk,))]
    assert s["questions"].items[0].deadline == work.question.deadline
    assert links(s["tasks"]) == [("partywork:task", (work.task.pk,))]
    assert s["tasks"].items[0].urgency == 1  # due in two days
    assert "close" in s  # 大歇村 is late closing
    other = sections(demo.other_township)
    assert [i.target.args for i in other["review"].items] == [(work.other_submitted.book.code, work.other_submitted.pk)]
    assert (work.question.pk,) not in [i.target.args for i in other["questions"].items]
    assert "tasks" not in other


def test_township_accepts_what_the_village_explained(work, demo):
    oversight.explain(demo.accountant, work.warning, "系统误报：该笔为光伏电站维护合同款，附合同")
    assert ("oversight:warning", (work.warning.pk,)) not in links(sections(demo.accountant)["explain"])
    s = sections(demo.township)
    assert links(s["accept"]) == [("oversight:warning", (work.warning.pk,))]
    assert "accept" not in sections(demo.other_township)


def test_county_sees_escalations_overdue_by_township_and_tasks_to_verify(work, demo):
    oversight.escalate(demo.township, work.warning, "涉及金额较大，请县级核查")
    partywork.report(demo.township, work.task, "已完成研判，形成报告")
    s = sections(demo.county)
    assert links(s["escalated"]) == [("oversight:warning", (work.warning.pk,))]
    assert links(s["verify"]) == [("partywork:task", (work.task.pk,))]
    # backdate the other village's warning past its response days: overdue, by township
    work.other_warning.created_at -= dt.timedelta(days=60)
    work.other_warning.save(update_fields=["created_at"])
    s = sections(demo.county)
    assert s["overdue"].count == 1
    item = s["overdue"].items[0]
    assert item.target.query == {"region": work.other_warning.township_code, "overdue": "on"}
    assert "1 条" in item.title
    assert "escalated" not in sections(demo.township)  # the county's, not the township's


def test_auditor_sees_books_to_verify_and_a_verification_takes_one_off(work, demo, book, other_book, as_user):
    s = sections(demo.auditor)
    codes = [i.target.args[0] for i in s["verification"].items]
    assert book.code in codes and other_book.code in codes
    assert s["verification"].items[0].note == "未校验"
    resp = as_user(demo.auditor).post(f"/workbench/books/{book.code}/verify/", follow=True)
    assert "校验通过" in resp.content.decode()
    codes = [i.target.args[0] for i in sections(demo.auditor)["verification"].items]
    assert book.code not in codes and other_book.code in codes
    # a voucher posted since puts it back
    ledger.review_and_post(demo.township, work.submitted)
    state = [i.note for i in sections(demo.auditor)["verification"].items if i.target.args[0] == book.code]
    assert state == ["校验后新增 1 张凭证"]


def test_an_outsider_cannot_verify_a_book_out_of_scope(work, demo, other_book, as_user):
    assert as_user(demo.accountant).post(f"/workbench/books/{other_book.code}/verify/").status_code == 404
    assert as_user(demo.accountant).get(f"/workbench/books/{other_book.code}/verify/").status_code == 404


def test_urgent_sections_come_first(work, demo):
    keys = [s.key for s in services.workbench_for(demo.accountant)]
    assert keys.index("close") < keys.index("drafts")  # overdue months before a draft with no deadline


@pytest.mark.parametrize("who", ["city", "county", "township", "accountant", "secretary", "auditor"])
def test_every_role_gets_a_page(work, demo, as_user, who):
    html = page(as_user, getattr(demo, who))
    assert "<h1>工作台</h1>" in html


def test_anonymous_is_sent_to_login(client, db):
    resp = client.get("/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_a_few_queries_per_section(work, demo, django_assert_max_num_queries, as_user):
    c = as_user(demo.county)
    with django_assert_max_num_queries(40):
        assert c.get("/").status_code == 200
    # the overdue closings read the county's December deadline too; payment requests to review
    with django_assert_max_num_queries(43):
        as_user(demo.township).get("/")


def test_the_overview_keeps_the_region_counts(demo, as_user):
    resp = as_user(demo.township).get("/overview/")
    assert resp.status_code == 200 and 'data-count="group"' in resp.content.decode()


@pytest.mark.parametrize("who", ["city", "county", "township", "accountant", "secretary", "auditor"])
def test_every_link_on_the_workbench_opens(work, demo, as_user, who):
    """Each item's link and each section's 全部 link answers 200 for the user who sees it."""
    from sanwu.workbench.views import link

    user = getattr(demo, who)
    oversight.escalate(demo.township, work.warning, "金额较大")
    partywork.report(demo.township, work.task, "已完成")
    work.other_warning.created_at -= dt.timedelta(days=60)
    work.other_warning.save(update_fields=["created_at"])
    c = as_user(user)
    urls = {link(t) for s in services.workbench_for(user) for t in [s.more, *(i.target for i in s.items)] if t}
    assert urls
    for url in sorted(urls):
        assert c.get(url).status_code == 200, url


def test_ranking_changes_for_the_county(work, demo, book, other_book):
    from tests.ledger.conftest import post_journal

    post_journal(demo.other_accountant, other_book, """
2026-02-05 收到光伏发电收入
  102   90000.00  -   bank
  501   -   90000.00  pv
""")
    count, rows = ledger.ranking_changes(demo.county, 2026, min_move=1)
    moves = {r["book"].code: (r["before"], r["now"]) for r in rows}
    assert moves[other_book.code] == (2, 1) and moves[book.code] == (1, 2)
    count, rows = ledger.ranking_changes(demo.accountant, 2026, min_move=1)
    assert count == 0  # one book in the accountant's scope: nothing moves
    assert "ranking" not in sections(demo.county)  # two villages cannot move three places
