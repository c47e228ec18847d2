"""The inbox: every assignment, return, rejection, warning and answer addressed to a user is one
message, written in the change's transaction; read and unread; the header's count; reminders go
through the one notifier (recording here, nothing sent); another user's message is not found."""

import json

import pytest
from django.db import transaction

from sanwu.demo.parts import UNREAD_KEPT, settle_inbox
from sanwu.disclosure import services as disclosure
from sanwu.ledger import services as ledger
from sanwu.oversight import services as oversight
from sanwu.partywork import services as partywork
from sanwu.workbench import services
from sanwu.workbench.models import Message

from .conftest import REJECTED, VILLAGE_1, voucher


def inbox(user) -> list[tuple[str, str]]:
    return [(m.kind, m.title) for m in services.messages_for(user)]


def test_a_rejection_reaches_the_maker_with_its_reason(work, demo, recorder):
    m = services.messages_for(demo.accountant).get(kind="rejected")
    assert m.title == "凭证被退回：支付保洁劳务费" and m.body == "退回原因：缺少签字的劳务费收据"
    assert (m.object_type, m.object_id) == ("ledger.voucher", str(work.rejected.pk))
    assert not services.messages_for(demo.other_accountant).filter(kind="rejected").exists()
    assert not services.messages_for(demo.township).filter(kind="rejected").exists()  # the actor needs no message


def test_warnings_questions_assignments_and_answers(work, demo):
    kinds = {k for k, _ in inbox(demo.accountant)}
    assert "warning" in kinds  # the new warnings of the village
    assert ("question", f"大歇村群众提问，请在 {work.question.deadline} 前答复") in inbox(demo.township)
    assert not [t for k, t in inbox(demo.other_township) if "大歇村" in t]
    assert ("assigned", "交办任务：村级班子运行情况分析研判") in inbox(demo.township)
    assert ("confirm", "2025年3月财务公开待确认") in inbox(demo.secretary)
    partywork.report(demo.township, work.task, "已完成研判")
    assert ("answered", "任务已汇报，待核验：村级班子运行情况分析研判") in inbox(demo.county)
    partywork.return_task(demo.county, work.task, "缺少会议记录")
    assert ("returned", "任务被退回：村级班子运行情况分析研判") in inbox(demo.township)


def test_warning_explained_escalated_and_accepted(work, demo):
    oversight.explain(demo.accountant, work.warning, "为光伏电站维护合同款")
    assert ("explained", f"预警已说明，待认可：{work.warning.message}") in inbox(demo.township)
    oversight.escalate(demo.township, work.warning, "金额较大")
    assert ("escalated", f"乡镇上报预警：{work.warning.message}") in inbox(demo.county)
    assert not [t for k, t in inbox(demo.other_township) if k == "escalated"]
    oversight.accept(demo.county, work.warning, "核查无误")
    assert ("handled", f"预警说明已认可：{work.warning.message}") in inbox(demo.accountant)


def test_no_message_when_the_change_rolls_back(work, demo, book, recorder):
    before = Message.objects.count()
    sent = len(recorder.sent)
    v = voucher(demo.accountant, book, REJECTED, submit=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        ledger.reject(demo.township, v, "金额有误")
        raise RuntimeError
    assert Message.objects.count() == before
    assert len(recorder.sent) == sent


def test_reminders_go_through_the_recording_notifier(demo, book, recorder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ledger.reject(demo.township, voucher(demo.accountant, book, REJECTED, submit=True), "缺少发票")
    r = recorder.sent[-1]
    assert (r.username, r.kind, r.body) == (demo.accountant.username, "rejected", "退回原因：缺少发票")
    assert "凭证被退回" in r.text


def test_the_webhook_notifier_posts_wecom_text(monkeypatch, settings):
    settings.SANWU_NOTIFY_WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test"
    previous = services.use_notifier(None)
    try:
        n = services.notifier()
        assert isinstance(n, services.WebhookNotifier)
        seen = []

        class Resp:
            def __enter__(self):
                return self

            def __exit__(self, *a):
                return False

            def read(self, n):
                return b"{}"

        monkeypatch.setattr("urllib.request.urlopen", lambda req, timeout: seen.append(req) or Resp())
        n.send([services.Reminder("accountant_1", "王会计", "rejected", "凭证被退回：x", "退回原因：y")])
        body = json.loads(seen[0].data)
        assert body == {"msgtype": "text", "text": {"content": "【三务】王会计：凭证被退回：x\n退回原因：y"}}
        settings.SANWU_NOTIFY_WEBHOOK = ""
        assert isinstance(services.notifier(), services.NullNotifier)
    finally:
        services.use_notifier(previous)


def test_inbox_page_read_unread_and_header_count(work, demo, as_user, book):
    c = as_user(demo.accountant)
    unread = services.unread_count(demo.accountant)
    assert unread >= 2
    html = c.get("/books/").content.decode()
    assert f'data-unread>{unread}<' in html  # the header on any page
    m = services.messages_for(demo.accountant).get(kind="rejected")
    page = c.get("/inbox/").content.decode()
    assert "凭证被退回：支付保洁劳务费" in page and f'href="/inbox/{m.pk}/"' in page
    resp = c.get(f"/inbox/{m.pk}/")
    assert resp.status_code == 302 and resp["Location"] == f"/books/{book.code}/vouchers/{work.rejected.pk}/"
    assert services.unread_count(demo.accountant) == unread - 1
    assert "凭证被退回" not in c.get("/inbox/?unread=1").content.decode()
    c.post("/inbox/read-all/")
    assert services.unread_count(demo.accountant) == 0
    assert "data-unread>" not in c.get("/books/").content.decode()


def test_another_users_message_is_not_found(work, demo, as_user):
    m = services.messages_for(demo.accountant).first()
    assert as_user(demo.other_accountant).get(f"/inbox/{m.pk}/").status_code == 404
    assert as_user(demo.township).get(f"/inbox/{m.pk}/").status_code == 404
    m.refresh_from_db()
    assert m.read_at is None
    assert "凭证被退回" not in as_user(demo.other_accountant).get("/inbox/").content.decode()


def test_question_message_goes_to_its_township_only(demo):
    q = disclosure.ask(VILLAGE_1, "村里的路什么时候修？")
    assert services.messages_for(demo.township).filter(object_type="disclosure.question", object_id=str(q.pk)).exists()
    assert not Message.objects.filter(object_type="disclosure.question", recipient=demo.other_township).exists()
    assert not Message.objects.filter(object_type="disclosure.question", recipient=demo.county).exists()


def test_a_cadre_reward_not_approved_reaches_the_secretary(demo, as_user):
    from sanwu.economy import services as economy

    from .conftest import sections

    r = economy.reject_cadre_reward(demo.township, VILLAGE_1, 2025, "经营性收入未增长")
    m = services.messages_for(demo.secretary).get(kind="rejected")
    assert (m.title, m.body) == ("2025年村干部奖励未核准", "经营性收入未增长")
    assert as_user(demo.secretary).get(f"/inbox/{m.pk}/")["Location"] == f"/economy/awards/{VILLAGE_1}/2025/"
    item = sections(demo.secretary)["rewards"].items[0]
    assert (item.target.name, item.target.args, item.note) == ("economy:award", (VILLAGE_1, 2025), "经营性收入未增长")
    assert not services.messages_for(demo.accountant).filter(object_type="economy.cadrereward").exists()
    assert r.status == "rejected"


def test_the_demo_leaves_each_user_the_latest_five_messages_unread(demo):
    for n in range(UNREAD_KEPT + 3):
        Message.objects.create(recipient=demo.township, title=f"township {n}")
    Message.objects.create(recipient=demo.accountant, title="accountant 0")
    settle_inbox()
    unread = Message.objects.filter(read_at__isnull=True)
    assert sorted(unread.filter(recipient=demo.township).values_list("title", flat=True)) == [
        f"township {n}" for n in range(3, UNREAD_KEPT + 3)
    ]
    assert list(unread.filter(recipient=demo.accountant).values_list("title", flat=True)) == ["accountant 0"]
