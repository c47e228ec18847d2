"""资源性资产: a village's land and other resources, registered one by one or from a sheet, their
change of use (each an event with its date), and the areas by use for any region with what was
brought back into use (闲置、低效 → a use) in a year."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum

from sanwu.core import audit, permissions
from sanwu.core.codes import region_level, region_prefix
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.models import Event
from sanwu.core.readers import choice_key
from sanwu.regions.models import Region

from .. import rules
from ..models import Resource, ResourceEvent
from .permissions import KEEP_ROLES


@dataclass
class ResourceData:
    number: str
    name: str
    kind: str
    area_cmu: int
    use: str
    group: str = ""  # a villager group's 15-digit code (or its name, in a sheet)
    certificate: str = ""
    note: str = ""
    row: int | None = None


def resources_problems(village: Region, items: list[ResourceData], file: str | None = None) -> list[Problem]:
    numbers = set(Resource.objects.filter(village=village).values_list("number", flat=True))
    groups = set(Region.objects.filter(parent=village).values_list("code", flat=True))
    out: list[Problem] = []
    for d in items:
        def p(msg, fld, d=d):
            out.append(Problem(msg, row=d.row, field=fld, file=file))

        if not d.number.strip():
            p("资源编号不能为空", "资源编号")
        elif len(d.number) > 40:
            p("资源编号不能超过40个字符", "资源编号")
        elif d.number.strip() in numbers:
            p(f"资源编号「{d.number}」已登记", "资源编号")
        numbers.add(d.number.strip())
        if not d.name.strip() or len(d.name) > 100:
            p("名称（坐落）不能为空，且不超过100个字", "名称")
        if d.kind not in rules.RESOURCE_KINDS:
            p(f"类型「{d.kind}」无效（{'、'.join(rules.RESOURCE_KINDS.values())}）", "类型")
        if d.use not in rules.USES:
            p(f"利用方式「{d.use}」无效（{'、'.join(rules.USES.values())}）", "利用方式")
        if not isinstance(d.area_cmu, int) or d.area_cmu <= 0:
            p("面积应为大于0的亩数（最多两位小数）", "面积（亩）")
        if d.group and d.group not in groups:
            p(f"村民小组「{d.group}」不是本村的村民小组", "村民小组")
        if len(d.certificate) > 60 or len(d.note) > 200:
            p("权属证书不超过60个字，备注不超过200个字", "权属证书")
    return out


def add_resources(user, village: Region, items: list[ResourceData], *, action: str = "create", file: str | None = None) -> list[Resource]:
    """Register resources of a village, all or nothing."""
    permissions.require(user, KEEP_ROLES, village.code, "登记资源性资产", object_type="assets.resource.create", object_id=village.code)
    if region_level(village.code) != "village":
        raise Invalid(Problem(f"{village.name}不是村：资源性资产按村登记"))
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=village.pk).first()
        problems = resources_problems(village, items, file)
        if problems:
            raise Invalid(problems)
        made = Resource.objects.bulk_create([
            Resource(village=village, group_id=d.group or None, number=d.number.strip(), name=d.name.strip(), kind=d.kind, area_cmu=d.area_cmu,
                     certificate=d.certificate.strip(), use=d.use, note=d.note.strip(), created_by=user if getattr(user, "pk", None) else None)
            for d in items
        ], batch_size=1_000)
        if not all(r.pk for r in made):
            ids = dict(Resource.objects.filter(village=village, number__in=[r.number for r in made]).values_list("number", "id"))
            for r in made:
                r.pk = r.id = ids[r.number]
        actor = Event.actor_fields(user)
        ResourceEvent.objects.bulk_create([
            ResourceEvent(resource=r, action=action, to_status=r.use, note=f"{rules.RESOURCE_KINDS[r.kind]} {rules.area_label(r.area_cmu)} 亩，{rules.USES[r.use]}", **actor)
            for r in made
        ], batch_size=1_000)
        audit.record(f"assets.resource.{action}", made[0] if len(made) == 1 else None, actor=user, region_code=village.code,
                     new={"resources": len(made), "area_cmu": sum(r.area_cmu for r in made), **({"file": file} if file else {})})
    return made


def change_use(user, resource: Resource, use: str, on: dt.date, note: str = "") -> Resource:
    """A resource put to another use on a day (闲置 → 发包, 低效 → 自营 …): its history keeps each."""
    permissions.require(user, KEEP_ROLES, resource.village_id, "变更资源利用方式", object_type="assets.resource.use", object_id=resource.pk)
    problems = []
    if use not in rules.USES:
        problems.append(Problem(f"利用方式「{use}」无效", field="利用方式"))
    if on > today():
        problems.append(Problem(f"变更日期 {on} 晚于今天", field="变更日期"))
    with transaction.atomic():
        r = Resource.objects.select_for_update().get(pk=resource.pk)
        if use == r.use:
            problems.append(Problem(f"利用方式已是「{rules.USES[use]}」", field="利用方式"))
        last = ResourceEvent.objects.filter(resource=r, action="use").order_by("-on").values_list("on", flat=True).first()
        if last and on < last:
            problems.append(Problem(f"变更日期不能早于上次变更 {last}", field="变更日期"))
        if problems:
            raise Invalid(problems)
        old = r.use
        r.use = use
        r.save(update_fields=["use"])
        ResourceEvent.record(user, "use", from_status=old, to_status=use, on=on, note=(note or "").strip()[:200] or f"{rules.USES[old]} → {rules.USES[use]}", resource=r)
        audit.record("assets.resource.use", r, actor=user, region_code=r.village_id, old={"use": old}, new={"use": use, "on": str(on)})
    return r


def areas_by_use(region_code: str, year: int | None = None) -> list[dict]:
    """One row per child region of `region_code` (a village: its groups; above: villages or
    townships) and a total: 亩 by use, and what was brought back into use in `year` (闲置 or 低效
    → any other use)."""
    level = region_level(region_code)
    cut = {"city": 6, "county": 9, "township": 12, "village": 15}.get(level)
    prefix = region_prefix(region_code)
    qs = Resource.objects.filter(village__code__startswith=prefix)
    rows: dict[str, dict] = {}

    def row(key: str) -> dict:
        return rows.setdefault(key, {"region": key, **{u: 0 for u in rules.USES}, "total": 0, "revived": 0})

    for code, group, use, area in qs.values_list("village_id", "group_id", "use").annotate(a=Sum("area_cmu")).values_list("village_id", "group_id", "use", "a"):
        key = (group or f"{code}000")[:cut] if level == "village" else code[:cut]
        r = row(key)
        r[use] += area
        r["total"] += area
    year = year or today().year
    revived = ResourceEvent.objects.filter(resource__village__code__startswith=prefix, action="use", on__year=year, from_status__in=rules.UNUSED).exclude(to_status__in=rules.UNUSED)
    for code, group, area in revived.values_list("resource__village_id", "resource__group_id", "resource__area_cmu"):
        key = (group or f"{code}000")[:cut] if level == "village" else code[:cut]
        row(key)["revived"] += area
    names = {r.code: r.name for r in Region.objects.filter(code__in=[k.ljust(12, "0") if len(k) < 12 else k for k in rows])}
    out = []
    for key in sorted(rows):
        code = key.ljust(12, "0") if len(key) < 12 else key
        out.append({**rows[key], "region": code, "name": names.get(code, "（未分组）" if code.endswith("000") and len(code) == 15 else code)})
    total = {"region": region_code, "name": "合计", **{u: sum(r[u] for r in out) for u in rules.USES}, "total": sum(r["total"] for r in out), "revived": sum(r["revived"] for r in out)}
    return out + [total]


def parse_use(text: str) -> str | None:
    return choice_key(rules.USES, text)


def parse_kind(text: str) -> str | None:
    """As `choice_key`, and either half of 荒山、草山 names it too."""
    return choice_key(rules.RESOURCE_KINDS, text) or next((k for k, v in rules.RESOURCE_KINDS.items() if (text or "").strip() in v.split("、")), None)

