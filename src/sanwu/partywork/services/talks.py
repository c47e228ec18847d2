"""Talks (谈话): recorded, and seen row by row, only by the organisation department."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from sanwu.core import audit, permissions
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.masking import mask_name
from sanwu.regions.models import Region

from ..models import ORG_DEPT_ROLES, Talk
from .common import TALK_LABELS, today


def talk_errors(*, kind, date, person_name, person_position="", talker, region_code, summary, origin="",
                row=None, file=None) -> list[Problem]:
    problems: list[Problem] = []

    def p(msg, fld):
        problems.append(Problem(msg, row=row, field=fld, file=file))

    if kind not in TALK_LABELS:
        p(f"谈话类型「{kind}」无效（{'、'.join(TALK_LABELS.values())}）", "kind")
    if not isinstance(date, dt.date):
        p("谈话日期无效", "date")
    elif date > today():
        p(f"谈话日期 {date} 晚于今天", "date")
    if not (person_name or "").strip():
        p("谈话对象不能为空", "person_name")
    elif len(person_name.strip()) > 50:
        p("谈话对象姓名不能超过50个字", "person_name")
    if len(person_position or "") > 100:
        p("职务不能超过100个字", "person_position")
    if not (talker or "").strip():
        p("谈话人不能为空", "talker")
    elif len(talker.strip()) > 100:
        p("谈话人不能超过100个字", "talker")
    if not Region.objects.filter(code=region_code or "").exists():
        p(f"区划「{region_code or ''}」不存在", "region")
    if not (summary or "").strip():
        p("谈话要点不能为空", "summary")
    elif len(summary) > 5000:
        p("谈话要点不能超过5000个字", "summary")
    if len(origin or "") > 100:
        p("关联来源不能超过100个字符", "origin")
    return problems


def record_talk(user, *, kind: str, date: dt.date, person_name: str, talker: str, region_code: str, summary: str,
                person_position: str = "", person_user_id: int | None = None, origin: str = "") -> Talk:
    """Record a talk. Only the organisation department may (and only it sees the rows)."""
    problems = talk_errors(kind=kind, date=date, person_name=person_name, person_position=person_position, talker=talker,
                           region_code=region_code, summary=summary, origin=origin)
    if person_user_id and not get_user_model().objects.filter(pk=person_user_id).exists():
        problems.append(Problem(f"用户「{person_user_id}」不存在", field="person_user"))
    if problems:
        raise Invalid(problems)
    if not permissions.may(user, ORG_DEPT_ROLES, region_code):
        permissions.refuse(user, "partywork.talk.create", region_code=region_code)
        raise Refused("只有组织部门可以记录谈话")
    with transaction.atomic():
        talk = Talk.objects.create(
            kind=kind, date=date, person_name=person_name.strip(), person_position=(person_position or "").strip(),
            person_user_id=person_user_id, talker=talker.strip(), region_id=region_code, summary=summary.strip(),
            origin=origin or "", created_by=user,
        )
        # The trail keeps no summary and only the masked name: it is read by auditors too.
        audit.record("talk.create", talk, actor=user, region_code=region_code,
                     new={"kind": kind, "date": date, "person": mask_name(talk.person_name), "origin": origin})
    return talk
