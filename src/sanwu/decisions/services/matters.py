"""Matters: creating one, abandoning it, comments on it, and its history rows."""


from django.db import transaction

from sanwu.core import audit
from sanwu.core.dates import today
from sanwu.core.permissions import require
from sanwu.core.errors import Invalid, Problem
from sanwu.core.scope import roles_of
from sanwu.regions.models import Region

from ..models import Comment, Matter, MatterEvent
from ..rules import CATEGORIES, PURPOSES, STATUS_LABELS, fname
from .permissions import COMMENT_ROLES, RECORD_ROLES

MAX_TITLE = 200


# --- Matters ------------------------------------------------------------------------------------


def matter_problems(village_code: str, title: str, category: str, purpose: str, amount, year) -> list[Problem]:
    problems = []
    region = Region.objects.filter(code=village_code).first()
    if region is None or region.level != "village":
        problems.append(Problem(f"「{village_code}」不是已登记的村", field="region"))
    if not (title or "").strip():
        problems.append(Problem("请填写事项名称", field=fname("title")))
    elif len(title.strip()) > MAX_TITLE:
        problems.append(Problem(f"事项名称不能超过{MAX_TITLE}个字", field=fname("title")))
    if category not in CATEGORIES:
        problems.append(Problem(f"事项类别「{category}」无效（{'、'.join(CATEGORIES.values())}）", field=fname("category")))
    if purpose not in PURPOSES:
        problems.append(Problem(f"用途标记「{purpose}」无效（{'、'.join(PURPOSES)}）", field=fname("purpose")))
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or amount < 0):
        problems.append(Problem("涉及金额应为不小于0的整数（单位：分）", field=fname("amount")))
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= today().year + 1:
        problems.append(Problem(f"年度「{year}」无效", field=fname("year")))
    return problems


def create_matter(
    user, village_code: str, title: str, category: str, *, purpose: str = "other", amount: int | None = None,
    year: int | None = None, description: str = "", merged_first_steps: bool = False,
) -> Matter:
    """A new matter for a village (the secretary). Its stages follow one by one."""
    region = Region.objects.filter(code=village_code).first()
    if region is not None and region.level == "village":
        require(user, RECORD_ROLES, village_code, "建立四议两公开事项", object_type="decisions.create", object_id=village_code)
    year = today().year if year is None else year
    problems = matter_problems(village_code, title, category, purpose, amount, year)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        m = Matter.objects.create(
            village=region, title=title.strip(), description=(description or "").strip(), category=category, purpose=purpose,
            amount=amount, year=year, merged_first_steps=bool(merged_first_steps),
            created_by=user if user is not None and getattr(user, "pk", None) else None,
        )
        MatterEvent.record(user, "create", to_status="in_progress", note=m.title, matter=m)
        audit.record(
            "decision.create", m, actor=user, region_code=village_code,
            new={"title": m.title, "category": category, "purpose": purpose, "amount": amount, "year": year, "merged": m.merged_first_steps},
        )
    return m


def abandon(user, matter: Matter, reason: str) -> Matter:
    """终止: the matter stops where it is (the records stay). Not once the result is published."""
    require(user, RECORD_ROLES, matter.village_id, "终止事项", object_type="decisions.abandon", object_id=matter.pk)
    if not (reason or "").strip():
        raise Invalid(Problem("请填写终止原因", field="reason"))
    with transaction.atomic():
        m = Matter.objects.select_for_update().get(pk=matter.pk)
        if m.status != "in_progress":
            raise Invalid(Problem(f"事项状态为「{STATUS_LABELS[m.status]}」，不能终止"))
        m.status, m.abandon_reason = "abandoned", reason.strip()[:200]
        m.save(update_fields=["status", "abandon_reason", "updated_at"])
        MatterEvent.record(user, "abandon", from_status="in_progress", to_status="abandoned", note=m.abandon_reason, matter=m)
        audit.record("decision.abandon", m, actor=user, old={"status": "in_progress"}, new={"status": "abandoned"}, note=m.abandon_reason, region_code=m.village_id)
    return m


# --- Comments -----------------------------------------------------------------------------------


def add_comment(user, matter: Matter, text: str) -> Comment:
    require(user, COMMENT_ROLES, matter.village_id, "发表意见", object_type="decisions.comment", object_id=matter.pk)
    text = (text or "").strip()
    if not text:
        raise Invalid(Problem("请填写意见内容", field=fname("text")))
    if len(text) > 2000:
        raise Invalid(Problem("意见不能超过2000个字", field=fname("text")))
    mine = roles_of(user) & COMMENT_ROLES if user is not None else set()
    role = sorted(mine)[0] if mine else ""
    with transaction.atomic():
        c = Comment.objects.create(matter=matter, author=user if user is not None and getattr(user, "pk", None) else None, author_role=role, text=text)
        audit.record("decision.comment", c, actor=user, region_code=matter.village_id, new={"matter": matter.pk, "text": text[:200]})
    return c

