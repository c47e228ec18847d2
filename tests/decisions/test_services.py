"""四议两公开 services: the strict order, the checks at recording, corrections that keep the
original, frozen publications, who may do what (and the refusals in the audit trail),
voucher links, and what other apps ask."""

import datetime as dt
import hashlib
import json

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.decisions import rules, services
from sanwu.decisions.models import Matter, MatterEvent, StageAttachment, StageRecord, VoucherLink
from sanwu.decisions.services import attachments
from sanwu.ledger import services as ledger
from sanwu.regions.models import Person

from .conftest import advance, good, parse, voucher_of

ORDER = ["proposal", "committees", "members_meeting", "villagers_meeting", "resolution_published", "result_published"]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + b"\x00" * 64


def messages(exc) -> list[str]:
    return [p.message for p in exc.value.problems]


# --- Order and completion -----------------------------------------------------------------------


def test_a_matter_goes_through_the_six_stages_in_order_and_completes(demo, matter):
    assert services.next_stage(matter) == "proposal"
    for i, stage in enumerate(ORDER):
        assert matter.status == "in_progress"
        services.record_stage(demo.secretary, matter, stage, good(stage))
        matter.refresh_from_db()
        assert matter.stage == stage
        assert services.next_stage(matter) == (ORDER[i + 1] if i < 5 else None)
    assert matter.status == "completed"
    assert matter.decided_on == good("resolution_published").date and matter.completed_on == good("result_published").date
    events = list(MatterEvent.objects.filter(matter=matter).values_list("action", "stage", "to_status"))
    assert events[0] == ("create", "", "in_progress")
    assert events[1:] == [("record", s, "completed" if s == "result_published" else "") for s in ORDER]
    assert AuditEvent.objects.filter(action="decision.record", object_type="decisions.stagerecord").count() == 6


@pytest.mark.parametrize("skip_to", ORDER[1:])
def test_no_stage_may_be_recorded_before_the_previous_is_complete(demo, matter, skip_to):
    with pytest.raises(Invalid) as exc:
        services.record_stage(demo.secretary, matter, skip_to, good(skip_to))
    assert messages(exc) == [f"请先完成「党组织提议」，再记录「{dict(rules.STAGES)[skip_to]}」"]
    assert not StageRecord.objects.filter(matter=matter).exists()


def test_members_meeting_cannot_come_before_the_committees(demo, matter):
    services.record_stage(demo.secretary, matter, "proposal", good("proposal"))
    with pytest.raises(Invalid) as exc:
        services.record_stage(demo.secretary, matter, "members_meeting", good("members_meeting"))
    assert "请先完成「“两委”会议商议」" in messages(exc)[0]


def test_a_failed_check_records_nothing(demo, matter):
    advance(demo.secretary, matter, "committees")
    with pytest.raises(Invalid) as exc:
        services.record_stage(demo.secretary, matter, "members_meeting", good("members_meeting", entitled=30, present=19, votes_for=16, votes_against=0, votes_abstain=0))
    assert messages(exc) == ["未通过：实到党员 19 人，须达到应到 30 人的三分之二（含）"]
    matter.refresh_from_db()
    assert matter.stage == "committees"
    assert not StageRecord.objects.filter(matter=matter, stage="members_meeting").exists()
    assert not MatterEvent.objects.filter(matter=matter, stage="members_meeting").exists()
    # exactly two thirds present passes
    rec = services.record_stage(demo.secretary, matter, "members_meeting", good("members_meeting", entitled=30, present=20, votes_for=16))
    assert rec.checks == [
        {"label": "实到党员 20 人，须达到应到 30 人的三分之二（含）", "ok": True},
        {"label": "同意 16 人，须超过应到党员 30 人的半数", "ok": True},
    ]


def test_dates_follow_the_stages_and_never_lie_in_the_future(demo, matter):
    services.record_stage(demo.secretary, matter, "proposal", good("proposal", date=dt.date(2025, 3, 10)))
    with pytest.raises(Invalid) as exc:
        services.record_stage(demo.secretary, matter, "committees", good("committees", date=dt.date(2025, 3, 9)))
    assert messages(exc) == ["日期 2025-03-09 早于上一环节「党组织提议」的日期 2025-03-10"]
    future = services.today() + dt.timedelta(days=1)
    with pytest.raises(Invalid) as exc:
        services.record_stage(demo.secretary, matter, "committees", good("committees", date=future))
    assert messages(exc) == [f"日期 {future} 晚于今天"]
    services.record_stage(demo.secretary, matter, "committees", good("committees", date=dt.date(2025, 3, 10)))  # same day is fine


def test_one_person_holding_both_posts_merges_proposal_into_committees(demo, village):
    m = services.create_matter(demo.secretary, village, "村部出租", "land", merged_first_steps=True, year=2025)
    assert services.next_stage(m) == "committees"
    with pytest.raises(Invalid) as exc:
        services.record_stage(demo.secretary, m, "proposal", good("proposal"))
    assert "一肩挑" in messages(exc)[0]
    services.record_stage(demo.secretary, m, "committees", good("committees"))
    track = {s["key"]: s["state"] for s in services.progress(m)}
    assert track["proposal"] == "merged" and track["committees"] == "done" and track["members_meeting"] == "next"
    for stage in ORDER[2:]:
        services.record_stage(demo.secretary, m, stage, good(stage))
    m.refresh_from_db()
    assert m.status == "completed" and not StageRecord.objects.filter(matter=m, stage="proposal").exists()


def test_a_completed_matter_takes_no_further_stage(demo, matter):
    advance(demo.secretary, matter, "result_published")
    with pytest.raises(Invalid):
        services.record_stage(demo.secretary, matter, "members_meeting", good("members_meeting"))


# --- Corrections and frozen publications ----------------------------------------------------------


def test_a_correction_needs_a_reason_and_keeps_the_original(demo, matter):
    advance(demo.secretary, matter, "members_meeting")
    with pytest.raises(Invalid) as exc:
        services.record_stage(demo.secretary, matter, "members_meeting", good("members_meeting", present=25))
    assert messages(exc) == ["「党员大会审议」已记录；如需更正，请填写更正原因（原记录保留）"]
    second = services.record_stage(demo.secretary, matter, "members_meeting", good("members_meeting", present=25), correction_reason="实到人数录错")
    first = StageRecord.objects.get(matter=matter, stage="members_meeting", version=1)
    assert (first.present, second.present, second.version, second.supersedes_id) == (24, 25, 2, first.pk)
    assert services.current_records(matter)["members_meeting"].pk == second.pk
    assert MatterEvent.objects.filter(matter=matter, action="correct", note="实到人数录错").exists()
    # once the next stage is recorded a meeting can no longer be corrected
    services.record_stage(demo.secretary, matter, "villagers_meeting", good("villagers_meeting"))
    with pytest.raises(Invalid) as exc:
        services.record_stage(demo.secretary, matter, "members_meeting", good("members_meeting"), correction_reason="再改")
    assert messages(exc) == ["「村民（代表）会议决议」已记录，不能再更正「党员大会审议」"]


def test_a_correction_must_pass_the_checks_too(demo, matter):
    advance(demo.secretary, matter, "members_meeting")
    with pytest.raises(Invalid):
        services.record_stage(demo.secretary, matter, "members_meeting", good("members_meeting", present=10), correction_reason="改")
    assert StageRecord.objects.filter(matter=matter, stage="members_meeting").count() == 1


def test_a_publication_is_frozen_and_corrected_only_by_a_later_record(demo, matter):
    advance(demo.secretary, matter, "result_published")
    published = StageRecord.objects.get(matter=matter, stage="resolution_published")
    # The database itself refuses to change a recorded stage.
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        StageRecord.objects.filter(pk=published.pk).update(public_text="改过的决议")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("UPDATE decisions_stagerecord SET text = 'x' WHERE id = %s", [published.pk])
    published.refresh_from_db()
    assert published.public_text == good("resolution_published").text
    # a publication may be corrected after the result too — as a new, later record
    fixed = services.record_stage(
        demo.secretary, matter, "resolution_published", good("resolution_published", text="更正：预算为38.6万元（原公开为36.8万元）"),
        correction_reason="金额笔误",
    )
    assert fixed.version == 2 and StageRecord.objects.filter(matter=matter, stage="resolution_published").count() == 2
    item = services.published_for_village(matter.village_id)[0]
    assert item["resolution"].startswith("更正：") and item["resolution_corrected"] is True and item["resolution_hash"] == fixed.content_hash


def test_the_content_hash_covers_what_was_recorded(demo, matter):
    rec = services.record_stage(demo.secretary, matter, "proposal", good("proposal"))
    d = good("proposal")
    payload = {
        "matter": matter.pk, "village": matter.village_id, "stage": "proposal", "version": 1, "date": d.date.isoformat(),
        "meeting_type": d.meeting_type, "entitled": 5, "present": 5, "for": None, "against": None, "abstain": None,
        "text": d.text, "public_text": "", "channel": "",
    }
    assert rec.content_hash == hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


# --- Who may do what ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["accountant", "township", "county", "city", "auditor", "other_accountant", "other_township"])
def test_only_the_village_secretary_records_stages(demo, matter, who):
    user = getattr(demo, who)
    with pytest.raises(Refused):
        services.record_stage(user, matter, "proposal", good("proposal"))
    assert not StageRecord.objects.filter(matter=matter).exists()
    assert AuditEvent.objects.filter(action="permission_denied", actor=user, object_type="decisions.record").exists()


@pytest.mark.parametrize("who", ["accountant", "township", "auditor", "other_accountant"])
def test_only_the_village_secretary_creates_and_abandons_matters(demo, village, matter, who):
    user = getattr(demo, who)
    with pytest.raises(Refused):
        services.create_matter(user, village, "另一个事项", "other")
    with pytest.raises(Refused):
        services.abandon(user, matter, "不做了")
    assert Matter.objects.count() == 1


def test_the_secretary_cannot_create_a_matter_for_another_village(demo, other_village):
    with pytest.raises(Refused):
        services.create_matter(demo.secretary, other_village, "别村的事", "other")


def test_create_matter_checks_its_input(demo, village):
    with pytest.raises(Invalid) as exc:
        services.create_matter(demo.secretary, village, " ", "nonsense", purpose="x", amount=-1, year=1999)
    assert messages(exc) == [
        "请填写事项名称",
        "事项类别「nonsense」无效（村规民约及村级发展规划、土地、林地承包、租赁、流转、集体资产购置或处置、举债（借款）、集体企业改制、工程项目招投标、公益事业建设及筹资筹劳、收益分配方案、其他重大事项）",
        "用途标记「x」无效（expenditure、cadre_reward、dividend、contract、borrowing、investment、membership、quantification、income_rights、other）",
        "涉及金额应为不小于0的整数（单位：分）",
        "年度「1999」无效",
    ]
    with pytest.raises(Invalid) as exc:
        services.create_matter(None, "340828100000", "乡镇的事", "other")
    assert messages(exc) == ["「340828100000」不是已登记的村"]


def test_abandoning_stops_the_matter(demo, matter):
    advance(demo.secretary, matter, "committees")
    with pytest.raises(Invalid) as exc:
        services.abandon(demo.secretary, matter, "  ")
    assert messages(exc) == ["请填写终止原因"]
    services.abandon(demo.secretary, matter, "资金不足，方案撤回")
    matter.refresh_from_db()
    assert matter.status == "abandoned" and services.next_stage(matter) is None
    with pytest.raises(Invalid) as exc:
        services.record_stage(demo.secretary, matter, "members_meeting", good("members_meeting"))
    assert messages(exc) == ["事项已终止，不能再记录"]
    with pytest.raises(Invalid):
        services.abandon(demo.secretary, matter, "again")
    assert [s["state"] for s in services.progress(matter)] == ["done", "done", "stopped", "stopped", "stopped", "stopped"]


def test_supervisors_comment_and_the_secretary_replies(demo, matter, other_matter):
    services.add_comment(demo.township, matter, "请补充党员大会签到表。")
    services.add_comment(demo.county, matter, "同意乡镇意见。")
    reply = services.add_comment(demo.secretary, matter, "已补充。")
    assert reply.author_role == "village_secretary"
    for who in ("accountant", "auditor", "other_township", "other_accountant"):
        with pytest.raises(Refused):
            services.add_comment(getattr(demo, who), matter, "看看")
    with pytest.raises(Refused):
        services.add_comment(demo.township, other_matter, "别乡镇的事")
    with pytest.raises(Invalid):
        services.add_comment(demo.township, matter, " ")
    assert matter.comments.count() == 3


# --- Quorum rules per county ----------------------------------------------------------------------


def test_a_county_sets_its_own_quorum_for_representatives_meetings(demo, matter):
    county = "340828000000"
    assert services.quorum_rule_for(matter.village_id, "representatives").source == "法定默认"
    for who in ("township", "accountant", "auditor", "secretary"):
        with pytest.raises(Refused):
            services.set_quorum_rule(getattr(demo, who), county, "representatives", 1, 2, True)
    with pytest.raises(Invalid):
        services.set_quorum_rule(demo.county, county, "party_members", 1, 2, True)
    with pytest.raises(Invalid):
        services.set_quorum_rule(demo.county, county, "representatives", 3, 2, True)
    services.set_quorum_rule(demo.county, county, "representatives", 1, 2, True)
    rule = services.quorum_rule_for(matter.village_id, "representatives")
    assert (rule.present.num, rule.present.den, rule.present.strict, rule.source) == (1, 2, True, "岳西县规定")
    advance(demo.secretary, matter, "members_meeting")
    # 23 of 45 is more than half: passes under the county's rule (the default 2/3 would refuse it)
    rec = services.record_stage(demo.secretary, matter, "villagers_meeting", good("villagers_meeting", entitled=45, present=23, votes_for=12, votes_against=5, votes_abstain=0))
    assert rec.rule["source"] == "岳西县规定" and rec.rule["strict"] is True
    assert services.quorum_rule_for("340825100200", "representatives").source == "法定默认"  # Taihu keeps the default


# --- Voucher links --------------------------------------------------------------------------------


def test_the_accountant_links_a_voucher_of_the_own_book(demo, matter, book):
    v = voucher_of(book, "支付村组道路硬化工程款")
    link = services.link_voucher(demo.accountant, matter, v)
    assert link.voucher_id == v.pk and link.linked_by == demo.accountant
    assert MatterEvent.objects.filter(matter=matter, action="link").exists()
    with pytest.raises(Invalid) as exc:
        services.link_voucher(demo.accountant, matter, v)
    assert "已关联本事项" in messages(exc)[0]
    services.unlink_voucher(demo.accountant, link)
    assert not VoucherLink.objects.exists() and MatterEvent.objects.filter(matter=matter, action="unlink").exists()


def test_another_villages_voucher_is_refused(demo, matter, other_matter, book, other_book):
    theirs = voucher_of(other_book, "支付村组道路硬化工程款")
    with pytest.raises(Invalid) as exc:
        services.link_voucher(demo.accountant, matter, theirs)
    assert messages(exc) == ["只能关联本村账套的凭证", "只能关联本人所管账套的凭证"]
    with pytest.raises(Invalid) as exc:
        services.link_voucher(None, matter, theirs)  # not even the system operator
    assert messages(exc) == ["只能关联本村账套的凭证"]
    ours = voucher_of(book, "支付村组道路硬化工程款")
    with pytest.raises(Refused):
        services.link_voucher(demo.other_accountant, matter, ours)  # another village's accountant
    with pytest.raises(Refused):
        services.link_voucher(demo.accountant, other_matter, theirs)  # a matter of another village
    for who in ("secretary", "township", "auditor"):
        with pytest.raises(Refused):
            services.link_voucher(getattr(demo, who), matter, ours)
    assert not VoucherLink.objects.exists()


def test_rejected_vouchers_and_abandoned_matters_take_no_link(demo, matter, book):
    draft = ledger.save_draft(demo.accountant, book, parse("2025-05-01 支付材料款\n  513 100.00 -\n  102 - 100.00\n")[0])
    ledger.submit(demo.accountant, draft)
    ledger.reject(demo.township, draft, "附件不全")
    with pytest.raises(Invalid) as exc:
        services.link_voucher(demo.accountant, matter, draft)
    assert messages(exc) == ["已退回的凭证不能关联"]
    services.abandon(demo.secretary, matter, "撤回")
    with pytest.raises(Invalid) as exc:
        services.link_voucher(demo.accountant, matter, voucher_of(book, "支付办公用品"))
    assert messages(exc) == ["事项已终止，不能再关联凭证"]


def test_what_the_warning_rule_and_the_cadre_reward_ask(demo, matter, book, village):
    v = voucher_of(book, "支付村组道路硬化工程款")
    other = voucher_of(book, "支付办公用品")
    services.link_voucher(demo.accountant, matter, v)
    assert services.has_completed_decision_for_voucher(v) is False  # only just proposed
    advance(demo.secretary, matter, "villagers_meeting")
    assert services.has_completed_decision_for_voucher(v) is False  # resolved but not yet published
    services.record_stage(demo.secretary, matter, "resolution_published", good("resolution_published"))
    assert services.has_completed_decision_for_voucher(v) is True
    assert services.has_completed_decision_for_voucher(v, require_result=True) is False
    assert services.has_completed_decision_for_voucher(other) is False  # not linked
    assert services.vouchers_with_completed_decision([v.pk, other.pk]) == {v.pk}
    assert services.vouchers_with_completed_decision([v.pk], require_result=True) == set()
    assert [m.pk for m in services.completed_matters(village)] == [matter.pk]
    assert services.completed_matters(village, purpose="cadre_reward") == []
    assert services.completed_matters(village, year=2024) == []
    assert services.has_completed_decision(village, "expenditure", 2025) is True
    assert services.has_completed_decision(village, "cadre_reward", 2025) is False
    services.record_stage(demo.secretary, matter, "result_published", good("result_published"))
    assert services.has_completed_decision_for_voucher(v, require_result=True) is True
    assert services.has_completed_decision(village, "expenditure", 2025, require_result=True) is True


def test_an_abandoned_matter_is_no_decision(demo, matter, book, village):
    v = voucher_of(book, "支付村组道路硬化工程款")
    services.link_voucher(demo.accountant, matter, v)
    advance(demo.secretary, matter, "resolution_published")
    services.abandon(demo.secretary, matter, "项目取消")
    assert services.has_completed_decision_for_voucher(v) is False
    assert services.completed_matters(village) == []


# --- Publication for the public village page --------------------------------------------------------


def test_published_for_village_shows_only_published_resolutions_and_no_personal_data(demo, village, matter, other_matter):
    person = Person.objects.filter(region__code__startswith=village).order_by("id").first()
    neighbour = Person.objects.filter(region__code__startswith="340828").exclude(region__code__startswith=village).order_by("id").first()
    name, phone, id_number = person.name, person.phone, person.id_number
    assert len(name) >= 2 and phone and id_number
    texts = {
        "proposal": f"提议人{name}，联系电话{phone}。",
        "members_meeting": f"党员{name}、{neighbour.name}发言支持。",
        "villagers_meeting": f"决议：由{name}（身份证号{id_number}）承包，保证金汇入账户6222021234567890123。",
        "resolution_published": f"决议公开：由{name}（身份证号{id_number}，电话{phone}）承包；担保人{neighbour.name}。",
        "result_published": f"实施结果：{name}已签订合同，联系人{neighbour.name} {phone}。",
    }
    title_matter = services.create_matter(demo.secretary, village, f"{name}承包村茶园", "land", year=2025)
    for stage in ORDER:
        services.record_stage(demo.secretary, title_matter, stage, good(stage, text=texts.get(stage, good(stage).text)))
    advance(demo.secretary, matter, "villagers_meeting")  # resolved, not published: not shown
    advance(None, other_matter, "result_published")  # another village

    out = services.published_for_village(village)
    assert [item["id"] for item in out] == [title_matter.pk]
    item = out[0]
    dump = json.dumps(out, ensure_ascii=False, default=str)
    for secret in (name, neighbour.name, phone, id_number, "6222021234567890123", demo.secretary.username, demo.secretary.first_name):
        assert secret not in dump, secret
    masked = name[0] + "*" * (len(name) - 2) + name[-1] if len(name) > 2 else name[0] + "*"
    assert item["title"] == f"{masked}承包村茶园"
    assert item["resolution"].startswith(f"决议公开：由{masked}（身份证号（证件号已隐去），电话（电话已隐去））承包")
    assert "提议人" not in dump and "发言支持" not in dump  # no minutes, no attendance lists
    assert item["stage"] == "result_published" and item["status_label"] == "已完成"
    assert item["members_meeting_entitled"] == 30 and item["members_meeting_for"] == 20
    assert item["villagers_meeting_type_label"] == "村民代表会议"
    assert item["resolution_date"] == good("resolution_published").date and item["result_date"] == good("result_published").date
    assert item["steps"][0] == f"{good('proposal').date:%Y-%m-%d} 党组织提议" and len(item["steps"]) == 6
    # Every value is flat: text, numbers, dates, booleans, or a list of strings.
    for key, value in item.items():
        assert value is None or isinstance(value, (str, int, bool, dt.date)) or (isinstance(value, list) and all(isinstance(v, str) for v in value)), key
    assert services.published_for_village(matter.village_id[:-3] + "999") == []


def test_public_text_is_masked_when_published(demo, matter, village):
    person = Person.objects.filter(region__code__startswith=village).first()
    advance(demo.secretary, matter, "villagers_meeting")
    rec = services.record_stage(demo.secretary, matter, "resolution_published", good("resolution_published", text=f"承包人：{person.name}"))
    assert rec.text == f"承包人：{person.name}"  # what the secretary wrote, kept for the record
    assert person.name not in rec.public_text and rec.public_text.startswith("承包人：" + person.name[0])


# --- Attachments ----------------------------------------------------------------------------------


def test_attachments_are_checked_by_content_and_kept(demo, matter, media):
    rec = services.record_stage(demo.secretary, matter, "proposal", good("proposal"))
    att = attachments.add_attachment(demo.secretary, rec, "签到表.png", PNG, "sign_in")
    assert (att.content_type, att.size, att.sha256, att.kind) == ("image/png", len(PNG), hashlib.sha256(PNG).hexdigest(), "sign_in")
    with pytest.raises(Invalid) as exc:
        attachments.add_attachment(demo.secretary, rec, "纪要.png", b"not really a png", "minutes")
    assert messages(exc) == ["附件「纪要.png」不是 JPEG、PNG 或 PDF 文件（按内容识别）"]
    with pytest.raises(Invalid) as exc:
        attachments.add_attachment(demo.secretary, rec, "big.png", PNG + b"\x00" * attachments.MAX_BYTES, "photo")
    assert messages(exc) == ["附件「big.png」超过 10 MB"]
    with pytest.raises(Invalid) as exc:
        attachments.add_attachment(demo.secretary, rec, "x.png", PNG, "selfie")
    assert "附件类型「selfie」无效" in messages(exc)[0]
    for who in ("accountant", "township", "auditor", "other_accountant"):
        with pytest.raises(Refused):
            attachments.add_attachment(getattr(demo, who), rec, "x.png", PNG)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        StageAttachment.objects.filter(pk=att.pk).update(sha256="0" * 64)
    assert StageAttachment.objects.count() == 1
