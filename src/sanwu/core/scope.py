"""The one scope gate (NetBox's `restrict`): `Model.objects.visible_to(user)`.

A user's scope is the union of the regions their roles are bound to; a region is a prefix of the
12-digit code, so visibility is a prefix match on the code a model is scoped by. It fails closed:
anonymous users, users without roles, and models that name no scope field see nothing.

A model opts in with
    scope_field = "region__code"            # path to a region code
    scope_roles = {"county_supervisor"}  # optional: only these roles see it at all
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from .codes import PREFIX_LENGTH, region_level

ROLES = {
    "city_admin": "市级管理员",
    "county_supervisor": "县级监管",
    "township_supervisor": "乡镇监管",
    "village_accountant": "村会计（报账员）",
    "village_secretary": "村党组织书记",
    "village_supervisor": "村务监督委员会（监事会）",
    "auditor": "审计（只读）",
}
# The level a role is bound to (auditor: any level from county down).
ROLE_LEVELS = {
    "city_admin": {"city"},
    "county_supervisor": {"county"},
    "township_supervisor": {"township"},
    "village_accountant": {"village"},
    "village_secretary": {"village"},
    "village_supervisor": {"village"},
    "auditor": {"city", "county", "township", "village"},
}
READ_ONLY_ROLES = {"auditor"}
# Roles that may see a person's full name and ID number (each such view is audited).
REVEAL_ROLES = {"city_admin", "county_supervisor", "township_supervisor", "village_secretary"}


@dataclass(frozen=True)
class Grant:
    role: str
    region_code: str

    @property
    def prefix(self) -> str:
        return self.region_code[: PREFIX_LENGTH[region_level(self.region_code)]]


def grants_of(user) -> tuple[Grant, ...]:
    """The user's (role, region) grants, read once per user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_sanwu_grants", None)
    if cached is None:
        cached = tuple(
            Grant(role, code) for role, code in user.role_assignments.values_list("role", "region_id").order_by("role", "region_id")
        )
        user._sanwu_grants = cached
    return cached


def roles_of(user) -> set[str]:
    return {g.role for g in grants_of(user)}


def prefixes_of(user, roles: set[str] | frozenset[str] | None = None) -> list[str]:
    """Minimal list of region prefixes the user may see (optionally through the given roles)."""
    prefixes = sorted({g.prefix for g in grants_of(user) if roles is None or g.role in roles})
    minimal: list[str] = []
    for p in prefixes:
        if not any(p.startswith(m) for m in minimal):
            minimal.append(p)
    return minimal


def code_in_scope(user, code: str, roles=None) -> bool:
    return any(code.startswith(p) for p in prefixes_of(user, roles))


def can_write(user, code: str, roles: set[str]) -> bool:
    """True when one of `roles` (never a read-only role) covers the region `code`."""
    return code_in_scope(user, code, set(roles) - READ_ONLY_ROLES)


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, roles: set[str] | None = None):
        field = getattr(self.model, "scope_field", None)
        if field is None:
            return self.none()
        allowed = getattr(self.model, "scope_roles", None)
        if allowed is not None:
            roles = set(allowed) if roles is None else set(roles) & set(allowed)
        prefixes = prefixes_of(user, roles)
        if not prefixes:
            return self.none()
        cond = Q()
        for p in prefixes:
            cond |= Q(**{f"{field}__startswith": p})
        return self.filter(cond)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)
