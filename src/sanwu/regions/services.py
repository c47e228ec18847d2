"""Regions, people, roles and tokens. Web, API and CLI all call these functions."""

import secrets
from collections import Counter

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from sanwu.core import audit, permissions
from sanwu.core.codes import (
    LEVEL_LABELS,
    LEVELS,
    county_of,
    id_gender,
    id_number_errors,
    normalize_id_number,
    region_code_errors,
    region_level,
    region_parent_code,
    region_prefix,
)
from sanwu.core.errors import Invalid, Problem
from sanwu.core.masking import Names
from sanwu.core.readers import read_rows
from sanwu.core.scope import REVEAL_ROLES, ROLE_LEVELS, ROLES, grants_of

from .models import ApiToken, Person, Region, RoleAssignment

REGION_COLUMNS = {
    "code": ["代码", "区划代码", "统计用区划代码"],
    "name": ["名称", "区划名称"],
    "parent": ["上级", "上级代码", "parent_code"],
}


# --- Regions -------------------------------------------------------------------------------


def import_regions(data: bytes, filename: str) -> dict:
    """Import regions from CSV/XLSX (columns code, name, optional parent). All or nothing.

    Existing codes are updated (name); new ones are created. Every bad row is reported by line.
    """
    keys, rows = read_rows(data, filename, REGION_COLUMNS)
    name = filename.rsplit("/", 1)[-1]
    problems: list[Problem] = []
    for required in ("code", "name"):
        if required not in keys:
            problems.append(Problem(f"缺少必需的列「{required}」", row=1, file=name))
    if problems:
        raise Invalid(problems)

    parsed: dict[str, tuple[int, str]] = {}
    for line, row in rows:
        code, rname, parent = row.get("code", ""), row.get("name", ""), row.get("parent", "")
        errs = region_code_errors(code)
        for e in errs:
            problems.append(Problem(e, row=line, field="code", file=name))
        if not rname:
            problems.append(Problem("名称不能为空", row=line, field="name", file=name))
        elif len(rname) > 100:
            problems.append(Problem("名称超过100个字", row=line, field="name", file=name))
        if errs:
            continue
        if code in parsed:
            problems.append(Problem(f"代码「{code}」与第{parsed[code][0]}行重复", row=line, field="code", file=name))
            continue
        derived = region_parent_code(code)
        if parent and parent != derived:
            problems.append(
                Problem(f"上级代码「{parent}」与代码推出的上级「{derived}」不一致", row=line, field="parent", file=name)
            )
        parsed[code] = (line, rname)

    existing: set[str] = set()
    if parsed:
        parents = {region_parent_code(c) for c in parsed} - {None} - set(parsed)
        existing = {r.code for r in _regions_by_code(parents)}
        for code, (line, _) in parsed.items():
            level = region_level(code)
            parent = region_parent_code(code)
            if level in ("province", "city"):
                continue  # top of a tree: a province or city may stand alone
            if parent not in parsed and parent not in existing:
                problems.append(
                    Problem(f"上级区划「{parent}」不存在（既不在文件中也不在系统中）", row=line, field="parent", file=name)
                )
    elif not problems:
        problems.append(Problem("文件中没有数据行", file=name))
    if problems:
        raise Invalid(sorted(problems, key=lambda p: (p.row or 0)))

    created = updated = 0
    with transaction.atomic():
        current = {r.code: r for r in _regions_by_code(parsed)}
        fresh = []
        # Parents first: by level, then code.
        for code in sorted(parsed, key=lambda c: (_depth(c), c)):
            _, rname = parsed[code]
            if code in current:
                region = current[code]
                if region.name != rname:
                    old = {"name": region.name}
                    region.name = rname
                    region.save(update_fields=["name"])
                    audit.record("region.update", region, old=old, new={"name": rname}, region_code=code)
                    updated += 1
            else:
                parent = region_parent_code(code)
                has_parent = parent is not None and (parent in parsed or parent in existing)
                fresh.append(Region(code=code, name=rname, level=region_level(code), parent_id=parent if has_parent else None))
        Region.objects.bulk_create(fresh, batch_size=2000)
        created = len(fresh)
        audit.record(
            "region.import",
            object_type="regions.region",
            new={"file": name, "created": created, "updated": updated},
            region_code=min(parsed, key=_depth),
        )
    return {"created": created, "updated": updated, "rows": len(parsed)}


def _regions_by_code(codes) -> list[Region]:
    codes = sorted(codes)
    out: list[Region] = []
    for i in range(0, len(codes), 900):
        out.extend(Region.objects.filter(code__in=codes[i : i + 900]))
    return out


def _depth(code: str) -> int:
    return LEVELS.index(region_level(code))


def region_counts(root: Region | None, user) -> dict[str, int]:
    """How many regions of each level lie under `root` (or the user's whole scope)."""
    qs = Region.objects.visible_to(user)
    if root is not None:
        qs = qs.filter(code__startswith=region_prefix(root.code))
    counts = Counter(dict(qs.values_list("level").annotate(n=Count("code")).order_by()))
    return {lv: counts.get(lv, 0) for lv in ("county", "township", "village", "group")}


def picker_choices(user) -> list[Region]:
    """Regions the user may pick as the current one: theirs and the levels down to township."""
    return list(Region.objects.visible_to(user).filter(level__in=_picker_levels(user)))


def _picker_levels(user) -> list[str]:
    levels = {region_level(g.region_code) for g in grants_of(user)}
    if levels & {"city", "county"}:
        return ["city", "county", "township"]
    return ["township", "village"]


# --- Users, roles and tokens -----------------------------------------------------------------


def add_user(username: str, roles: list[tuple[str, str]], password: str | None = None, full_name: str = "") -> tuple[object, str]:
    """Create a user (or add roles to an existing one). Returns (user, password used or '')."""
    problems = []
    if not username or len(username) > 150:
        problems.append(Problem("用户名不能为空且不超过150个字符", field="username"))
    resolved = []
    for role, code in roles:
        if role not in ROLES:
            problems.append(Problem(f"未知角色「{role}」（可用：{'、'.join(ROLES)}）", field="role"))
            continue
        region = Region.objects.filter(code=code).first()
        if region is None:
            problems.append(Problem(f"区划「{code}」不存在", field="region"))
            continue
        if region.level not in ROLE_LEVELS[role]:
            allowed = "、".join(LEVEL_LABELS[lv] for lv in sorted(ROLE_LEVELS[role]))
            problems.append(Problem(f"角色「{ROLES[role]}」只能授予{allowed}，「{region}」是{region.level_label}", field="region"))
            continue
        resolved.append((role, region))
    User = get_user_model()
    existing = User.objects.filter(username=username).first()
    generated = ""
    if existing is None:
        if password is None:
            generated = password = secrets.token_urlsafe(12)
        try:
            validate_password(password)
        except DjangoValidationError as exc:
            problems.extend(Problem(m, field="password") for m in exc.messages)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        if existing is None:
            user = User.objects.create_user(username=username, password=password, first_name=full_name[:150])
            audit.record("user.create", user, new={"username": username}, region_code=resolved[0][1].code if resolved else "")
        else:
            user = existing
            if password is not None:
                user.set_password(password)
                user.save(update_fields=["password"])
                audit.record("user.password", user, region_code=resolved[0][1].code if resolved else "")
        for role, region in resolved:
            _, made = RoleAssignment.objects.get_or_create(user=user, role=role, region=region)
            if made:
                audit.record("role.grant", user, new={"role": role, "region": region.code}, region_code=region.code)
    user._sanwu_grants = None
    return user, generated or (password or "")


def issue_token(user) -> str:
    """A new API token for the user; only its digest is kept. Returns the raw token once."""
    raw = "sw_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw))
        audit.record("token.issue", user, object_type="auth.user")
    return raw


def user_for_token(raw: str):
    token = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(raw or "")).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


# --- People ----------------------------------------------------------------------------------


def registered_county(code: str, field: str = "region") -> Region:
    """The registered county of that code, or `Invalid` naming `field` (for a county's settings)."""
    county = Region.objects.filter(code=code, level="county").first()
    if county is None:
        raise Invalid(Problem(f"「{code}」不是已登记的县（区、市）", field=field))
    return county


_NAMES: dict[tuple[str, str], tuple[tuple, Names]] = {}  # (database, county) → (stamp, names)


def registered_names(code: str) -> Names:
    """Everyone in the person register of the county `code` lies in (a text about one village
    often names people of the next), for masking in free text. Kept per process while the
    county's register stays as it was: its count, last id and last creation time (people are
    added and never renamed in place), read in one aggregate instead of every name."""
    county = county_of(code) or code
    people = Person.objects.filter(region__code__startswith=region_prefix(county))
    stamp = tuple(people.aggregate(n=Count("id"), last=Max("id"), at=Max("created_at")).values())
    key = (people.db, county)
    kept = _NAMES.get(key)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    names = Names(people.values_list("name", flat=True))
    _NAMES[key] = (stamp, names)
    return names


def person_errors(region_code: str, name: str, id_number: str, phone: str = "") -> list[Problem]:
    problems = []
    if not (name or "").strip():
        problems.append(Problem("姓名不能为空", field="name"))
    problems.extend(Problem(e, field="id_number") for e in id_number_errors(id_number))
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level not in ("village", "group"):
        problems.append(Problem(f"「{region_code}」不是村或村民小组", field="region"))
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 15):
        problems.append(Problem(f"电话「{phone}」格式不正确", field="phone"))
    if not problems and Person.objects.with_id_number(id_number).exists():
        problems.append(Problem("该身份证号已登记", field="id_number"))
    return problems


PERSON_ROLES = {"city_admin", "county_supervisor", "township_supervisor", "village_accountant", "village_secretary"}


def add_person(user, region_code: str, name: str, id_number: str, phone: str = "") -> Person:
    permissions.require(user, PERSON_ROLES, region_code, "在该区划登记人员", object_type="regions.person.create")
    problems = person_errors(region_code, name, id_number, phone)
    if problems:
        raise Invalid(problems)
    number = normalize_id_number(id_number)
    with transaction.atomic():
        person = Person.objects.create(
            region_id=region_code, name=name.strip(), id_number=number, gender=id_gender(number), phone=phone
        )
        audit.record(
            "person.create", person, actor=user, new={"name": person.masked_name, "id_number": person.masked_id_number}, region_code=region_code
        )
    return person


def can_reveal(user, person: Person) -> bool:
    return permissions.may(user, REVEAL_ROLES, person.region_id)


def reveal_person(user, person: Person) -> dict:
    """Full name, ID number and phone, for a role that needs them. The view is audited."""
    permissions.require(user, REVEAL_ROLES, person.region_id, "查看完整个人信息", object_type="regions.person.reveal", object_id=person.pk)
    audit.record("person.reveal", person, region_code=person.region_id, actor=user)
    return {"name": person.name, "id_number": person.id_number, "phone": person.phone}
