from django.db.models import Q
from ninja import Router, Schema

from sanwu.core.api_errors import responses
from sanwu.core.api_fields import Offset, page_limit
from sanwu.core.codes import region_prefix
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.scope import ROLES, grants_of

from .models import Region

router = Router(tags=["区划与用户"])


class GrantOut(Schema):
    role: str
    role_label: str
    region: str


class MeOut(Schema):
    username: str
    name: str
    roles: list[GrantOut]


class RegionOut(Schema):
    code: str
    name: str
    level: str
    level_label: str
    parent: str | None


def _region(r: Region) -> dict:
    return {"code": r.code, "name": r.name, "level": r.level, "level_label": r.level_label, "parent": r.parent_id}


@router.get("/me", response=MeOut, summary="当前用户及其角色")
def me(request):
    user = request.auth
    return {
        "username": user.username,
        "name": user.first_name,
        "roles": [{"role": g.role, "role_label": ROLES[g.role], "region": g.region_code} for g in grants_of(user)],
    }


@router.get("/regions", response=list[RegionOut], summary="管辖范围内的区划")
def regions(request, level: str | None = None, parent: str | None = None, within: str | None = None, q: str | None = None, limit: page_limit(5000) = 500, offset: Offset = 0):
    qs = Region.objects.visible_to(request.auth)
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    if within:
        qs = qs.filter(code__startswith=region_prefix(within) if len(within) in (12, 15) else within)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return [_region(r) for r in qs.order_by("code")[offset : offset + limit]]


@router.get("/regions/{code}", response=responses(RegionOut), summary="一个区划（不在范围内时为404）")
def region(request, code: str):
    return _region(get_visible_or_404(Region, request.auth, code=code))
