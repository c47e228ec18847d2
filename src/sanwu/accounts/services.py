"""People manage their own access: change their password; an administrator in scope resets a
password, disables and re-enables a user, grants and withdraws roles — never a role above their
own, never outside their own regions. Every change is audited.

Ranks: city (1) > county (2) > township (3) > village (4). A role's rank is the level of the region
it is bound to (the auditor's too). An administrator grants a role of their own rank or below, on a
region inside one of their administering grants, and manages a user only when every grant of that
user lies inside their administering regions."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q

from sanwu.core import audit, permissions
from sanwu.core.codes import LEVEL_LABELS, region_level
from sanwu.core.errors import Invalid, NotFound, Problem, Refused
from sanwu.core.scope import ROLE_LEVELS, ROLES, Grant, grants_of
from sanwu.regions.models import Region, RoleAssignment

ADMIN_ROLES = frozenset({"city_admin", "county_supervisor", "township_supervisor"})
LEVEL_RANK = {"province": 0, "city": 1, "county": 2, "township": 3, "village": 4, "group": 5}


def _rank(region_code: str) -> int:
    return LEVEL_RANK[region_level(region_code)]


def admin_grants(user) -> list[Grant]:
    """The grants through which `user` administers accounts."""
    return [g for g in grants_of(user) if g.role in ADMIN_ROLES]


def may_administer(user) -> bool:
    return bool(admin_grants(user))


def users_in_scope(admin):
    """Users with at least one role inside the administrator's regions (the operator: all)."""
    User = get_user_model()
    if admin is None:
        return User.objects.all()
    cond = Q()
    for g in admin_grants(admin):
        cond |= Q(role_assignments__region__code__startswith=g.prefix)
    if not cond:
        return User.objects.none()
    return User.objects.filter(cond).distinct()


def user_in_scope(admin, pk: int):
    """One user of `users_in_scope`, or `NotFound` (the refusal audited when the user exists)."""
    user = users_in_scope(admin).filter(pk=pk).first()
    if user is None:
        if get_user_model().objects.filter(pk=pk).exists():
            permissions.refuse(admin, "auth.user", pk)
        raise NotFound()
    return user


def may_manage(admin, target) -> bool:
    """Every grant of `target` lies inside a region `admin` administers at or above its rank."""
    if admin is None:
        return True
    if target.pk == admin.pk:
        return False
    mine = admin_grants(admin)
    theirs = list(RoleAssignment.objects.filter(user=target).values_list("region_id", flat=True))
    if not mine or not theirs:
        return False
    return all(any(code.startswith(g.prefix) and _rank(code) >= _rank(g.region_code) for g in mine) for code in theirs)


REFUSALS = {"reset": "无权重置该用户的密码", "active": "无权停用或启用该用户", "role": "无权调整该用户的角色"}


def _require_manage(admin, target, what: str) -> None:
    if not may_manage(admin, target):
        permissions.refuse(admin, f"accounts.{what}", target.pk)
        raise Refused(REFUSALS[what])


def grant_errors(admin, role: str, region_code: str) -> list[Problem]:
    """Why `admin` may not grant `role` on `region_code` (empty: they may)."""
    if role not in ROLES:
        return [Problem(f"未知角色「{role}」", field="role")]
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        return [Problem(f"区划「{region_code}」不存在", field="region")]
    if region.level not in ROLE_LEVELS[role]:
        allowed = "、".join(LEVEL_LABELS[lv] for lv in sorted(ROLE_LEVELS[role]))
        return [Problem(f"角色「{ROLES[role]}」只能授予{allowed}，「{region.name}」是{region.level_label}", field="region")]
    if admin is None:
        return []
    if not any(region_code.startswith(g.prefix) for g in admin_grants(admin)):
        return [Problem(f"「{region.name}」不在您的管辖范围内", field="region")]
    if not any(region_code.startswith(g.prefix) and _rank(region_code) >= _rank(g.region_code) for g in admin_grants(admin)):
        return [Problem("不能授予高于本人的角色", field="role")]
    return []


def grantable(admin) -> tuple[list[tuple[str, str]], list[Region]]:
    """The roles and regions an administrator's grant form offers."""
    if admin is None:
        regions = Region.objects.exclude(level="group")
    else:
        cond = Q()
        for g in admin_grants(admin):
            cond |= Q(code__startswith=g.prefix)
        regions = Region.objects.filter(cond).exclude(level="group") if cond else Region.objects.none()
    return list(ROLES.items()), list(regions.order_by("code")[:5000])


def change_own_password(user, old: str, new: str, again: str) -> None:
    problems = []
    if not user.check_password(old):
        problems.append(Problem("原密码不正确", field="password"))
    if new != again:
        problems.append(Problem("两次输入的新密码不一致", field="password"))
    if not problems:
        try:
            validate_password(new, user)
        except DjangoValidationError as exc:
            problems.extend(Problem(m, field="password") for m in exc.messages)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        audit.record("user.password_change", user, actor=user)


def reset_password(admin, target) -> str:
    """A new temporary password for `target`, returned once (its hash only is kept)."""
    _require_manage(admin, target, "reset")
    temporary = secrets.token_urlsafe(9)
    with transaction.atomic():
        target.set_password(temporary)
        target.save(update_fields=["password"])
        audit.record("user.password_reset", target, actor=admin)
    return temporary


def set_active(admin, target, active: bool, reason: str = "") -> None:
    _require_manage(admin, target, "active")
    if not active and not (reason or "").strip():
        raise Invalid(Problem("停用用户须填写原因", field="reason"))
    if target.is_active == active:
        return
    with transaction.atomic():
        target.is_active = active
        target.save(update_fields=["is_active"])
        audit.record("user.enable" if active else "user.disable", target, actor=admin, old={"is_active": not active}, new={"is_active": active}, note=reason.strip()[:500])


def grant_role(admin, target, role: str, region_code: str) -> RoleAssignment:
    if admin is not None and target.pk != admin.pk and RoleAssignment.objects.filter(user=target).exists():
        _require_manage(admin, target, "role")
    if admin is not None and target.pk == admin.pk:
        permissions.refuse(admin, "accounts.role", target.pk, region_code)
        raise Refused("不能给自己授予角色")
    problems = grant_errors(admin, role, region_code)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        assignment, made = RoleAssignment.objects.get_or_create(user=target, role=role, region_id=region_code)
        if made:
            audit.record("role.grant", target, actor=admin, new={"role": role, "region": region_code}, region_code=region_code)
    target._sanwu_grants = None
    return assignment


def withdraw_role(admin, assignment: RoleAssignment) -> None:
    target = assignment.user
    _require_manage(admin, target, "role")
    with transaction.atomic():
        audit.record("role.withdraw", target, actor=admin, old={"role": assignment.role, "region": assignment.region_id}, region_code=assignment.region_id)
        assignment.delete()
    target._sanwu_grants = None


def create_user(admin, username: str, full_name: str, role: str, region_code: str) -> tuple[object, str]:
    """A new user with one role; returns the user and the temporary password (shown once)."""
    User = get_user_model()
    problems = grant_errors(admin, role, region_code)
    username = (username or "").strip()
    if not username or len(username) > 150:
        problems.append(Problem("用户名不能为空且不超过150个字符", field="username"))
    elif User.objects.filter(username=username).exists():
        problems.append(Problem(f"用户名「{username}」已存在", field="username"))
    if problems:
        raise Invalid(problems)
    temporary = secrets.token_urlsafe(9)
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=temporary, first_name=(full_name or "").strip()[:150])
        audit.record("user.create", user, actor=admin, new={"username": username}, region_code=region_code)
        RoleAssignment.objects.create(user=user, role=role, region_id=region_code)
        audit.record("role.grant", user, actor=admin, new={"role": role, "region": region_code}, region_code=region_code)
    return user, temporary
