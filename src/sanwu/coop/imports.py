"""The opening roster and share register of a cooperative from CSV or XLSX, all or nothing.

One row per person and share class (a person with shares in two classes has two rows); the
collective's own share is a row whose 户号 is 集体. Headers in Chinese or English:

    户号/household  户主/head (是/否)  姓名/name  身份证号/id_number  与户主关系/relation
    成员/member (是/否)  股份类别/share_class  份额/shares (up to two decimals)
    开户行/bank  银行账号/bank_account (on the 户主's row only)

Every problem of the file is listed by file, row and column in Chinese, and a file with any
problem writes nothing: ID numbers (checksum), a person twice in the file or already in another
household, a household with no head or two, a share class of the wrong kind, shares on a
non-member, a holder above the county's cap. When the county holds shares per household, a
household's shares in a class are the sum of its rows; per member, each member holds their own.

What is written, in one transaction: the people not yet in the person register, the
households, the members (初始确认 on the import's date), one opening allocation per holder and
class in the share register, and one audit row.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from sanwu.core import audit, dates, permissions
from sanwu.core.codes import id_gender, id_number_errors, normalize_id_number
from sanwu.core.crypto import lookup_hash
from sanwu.core.errors import Invalid, Problem
from sanwu.core.masking import normalize_account
from sanwu.core.models import Event
from sanwu.core.readers import read_rows
from sanwu.ledger.models import Book
from sanwu.regions.models import Person

from . import rules
from .models import Holder, Household, Member, MemberEvent, ShareClass, ShareOperation
from .services import register
from .services.permissions import KEEP_ROLES
from .services.settings import settings_for

COLUMNS: dict[str, list[str]] = {
    "household": ["户号", "household"],
    "head": ["户主", "head"],
    "name": ["姓名", "name"],
    "id_number": ["身份证号", "身份证号码", "id_number"],
    "relation": ["与户主关系", "relation"],
    "member": ["成员", "是否成员", "member"],
    "share_class": ["股份类别", "股权类别", "share_class"],
    "shares": ["份额", "股份", "股数", "shares"],
    "bank": ["开户行", "bank"],
    "bank_account": ["银行账号", "bank_account"],
}
REQUIRED = ("household", "name", "share_class", "shares")
LABELS = {key: names[0] for key, names in COLUMNS.items()}
YES = {"是", "Y", "y", "yes", "Yes", "YES", "1", "true", "True", "√"}
NO = {"否", "N", "n", "no", "No", "NO", "0", "false", "False", ""}
RELATION_NAMES = {**{v: k for k, v in rules.RELATIONS.items()}, **{k: k for k in rules.RELATIONS}, "本人": "head", "儿媳": "in_law", "女婿": "in_law"}


def column(key: str) -> str:
    """How a problem names a column: 「身份证号（id_number）」."""
    return f"{LABELS[key]}（{key}）"


@dataclass
class PersonRow:
    line: int
    household: str
    name: str
    id_number: str
    relation: str
    is_head: bool
    is_member: bool
    bank: str = ""
    bank_account: str = ""
    shares: dict[str, int] = field(default_factory=dict)  # class name → units


@dataclass
class Sheet:
    """A checked file: the people by household (in file order) and the collective's shares."""

    filename: str
    households: dict[str, list[PersonRow]]
    collective: dict[str, int]  # class name → units
    classes: list[str]  # every class named, in first-seen order
    rows: int

    @property
    def people(self) -> int:
        return sum(len(p) for p in self.households.values())


def _flag(text: str) -> bool | None:
    text = (text or "").strip()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def parse_members(data: bytes, filename: str, classes: dict[str, str] | None = None) -> Sheet:
    """Read and check the whole file against itself (no database), or raise `Invalid` listing
    every problem. `classes` maps the cooperative's existing share classes to their kind."""
    name = Path(filename).name
    keys, rows = read_rows(data, name, COLUMNS)
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        raise Invalid([Problem(f"缺少必需的列「{column(k)}」", row=1, field=column(k), file=name) for k in missing])
    classes = dict(classes or {})
    problems: list[Problem] = []
    households: dict[str, list[PersonRow]] = {}
    people: dict[str, PersonRow] = {}  # normalized ID → first row
    collective: dict[str, int] = {}
    seen_classes: list[str] = []
    first_line: dict[str, int] = {}
    count = 0
    for line, row in rows:
        count += 1

        def p(msg, key, line=line):
            problems.append(Problem(msg, row=line, field=column(key), file=name))

        number = row.get("household", "")
        class_name = row.get("share_class", "")
        # A person with no shares (a child not yet a member) leaves both columns empty.
        units, bad = (None, []) if not class_name and not row.get("shares") else rules.parse_units(row.get("shares", ""), "份额")
        for b in bad:
            p(b.message, "shares")
        if not class_name:
            if units:
                p("给出份额时须填股份类别", "share_class")
        elif len(class_name) > 20:
            p("股份类别不能超过20个字", "share_class")
        elif class_name not in seen_classes:
            seen_classes.append(class_name)
        kind = classes.get(class_name) or _kind_of(class_name)
        if not number:
            p("户号不能为空", "household")
            continue
        if number == rules.COLLECTIVE_HOLDER_LABEL:
            if row.get("id_number"):
                p("集体股一行不填身份证号", "id_number")
            if class_name and kind != "collective":
                p(f"集体持有的股份类别应为集体股（「{class_name}」是{rules.SHARE_KINDS[kind]}）", "share_class")
            if units and class_name:
                collective[class_name] = collective.get(class_name, 0) + units
            continue
        if len(number) > 20:
            p("户号不能超过20个字", "household")
            continue
        first_line.setdefault(number, line)
        if class_name and kind == "collective":
            p(f"「{class_name}」是集体股，只能由户号为「集体」的一行持有", "share_class")
        person_name = row.get("name", "")
        if not person_name:
            p("姓名不能为空", "name")
        elif len(person_name) > 50:
            p("姓名不能超过50个字", "name")
        raw_id = row.get("id_number", "")
        id_errors = id_number_errors(raw_id) if raw_id else ["身份证号不能为空"]
        for e in id_errors:
            p(e, "id_number")
        head = _flag(row.get("head", ""))
        if head is None:
            p(f"户主应填「是」或「否」，不是「{row.get('head')}」", "head")
        member = _flag(row.get("member", "是") or "是")
        if member is None:
            p(f"成员应填「是」或「否」，不是「{row.get('member')}」", "member")
        relation_text = row.get("relation", "") or ("户主" if head else "")
        relation = RELATION_NAMES.get(relation_text)
        if relation is None:
            p(f"与户主关系「{relation_text}」无效（{'、'.join(rules.RELATIONS.values())}）", "relation")
        elif head and relation != "head":
            p(f"户主的与户主关系应为「户主」，不是「{relation_text}」", "relation")
        elif head is False and relation == "head":
            p("与户主关系为「户主」的人应标为户主", "head")
        if member is False and units:
            p("非集体经济组织成员不能配置股份（享有收益权须经成员大会四分之三以上同意，农村集体经济组织法第十五条）", "shares")
        bank, account = row.get("bank", ""), normalize_account(row.get("bank_account", ""))
        if (bank or account) and head is False:
            p("开户行和银行账号只填在户主一行", "bank_account")
        if account and not account.isdigit():
            p("银行账号只能是数字", "bank_account")
        elif account and not 8 <= len(account) <= 32:
            p("银行账号应为8到32位数字", "bank_account")
        if len(bank) > 100:
            p("开户行不能超过100个字", "bank")
        if id_errors:
            continue
        key = normalize_id_number(raw_id)
        earlier = people.get(key)
        if earlier is None:
            person = PersonRow(line, number, person_name, key, relation or "other", bool(head), member is not False, bank, account)
            people[key] = person
            households.setdefault(number, []).append(person)
        else:
            person = earlier
            if earlier.household != number:
                p(f"身份证号已在第{earlier.line}行的{earlier.household}户出现：一人只能在一户", "id_number")
                continue
            if earlier.name != person_name:
                p(f"同一身份证号在第{earlier.line}行的姓名为「{earlier.name}」", "name")
            if head is not None and earlier.is_head != head:
                p(f"同一人在第{earlier.line}行的户主标记不同", "head")
            if bank or account:
                person.bank, person.bank_account = bank or person.bank, account or person.bank_account
        if units and class_name:
            if class_name in person.shares:
                p(f"{person_name}的「{class_name}」已在前面的行中给出：一人一类股份只写一行", "share_class")
            else:
                person.shares[class_name] = units
    if count == 0:
        raise Invalid([Problem("文件中没有数据行", row=1, file=name)])
    for number, members in households.items():
        heads = [m for m in members if m.is_head]
        if not heads:
            problems.append(Problem(f"{number}户没有户主（须有一人标为户主）", row=first_line[number], field=column("head"), file=name))
        elif len(heads) > 1:
            problems.append(Problem(f"{number}户有{len(heads)}个户主（第{'、'.join(str(h.line) for h in heads)}行）", row=heads[1].line, field=column("head"), file=name))
    if problems:
        raise Invalid(sorted(problems, key=lambda q: (q.row or 0)))
    return Sheet(name, households, collective, seen_classes, count)


def _kind_of(class_name: str) -> str:
    """A share class first named in an import: 集体股 is the collective's, 资金股 / 投资股 an
    investment, every other a member class (人口股, 劳龄股, 农龄股 …)."""
    if "集体" in class_name:
        return "collective"
    if "资金" in class_name or "投资" in class_name:
        return "investment"
    return "member"


@dataclass(frozen=True)
class Result:
    households: int
    people: int
    members: int
    operations: int
    new_people: int


def import_members(user, book: Book, data: bytes, filename: str, on: dt.date | None = None) -> Result:
    """The opening roster and share register of `book`'s cooperative, from one file: all of it,
    or nothing with every problem listed. Only into a cooperative with no household yet."""
    collective = book.collective
    permissions.require(user, KEEP_ROLES, collective.region_id, "登记本村集体经济组织成员和股权", object_type="coop.import_members")
    on = on or dates.today()
    name = Path(filename).name
    existing = {c.name: c for c in ShareClass.objects.filter(collective=collective)}
    sheet = parse_members(data, name, {n: c.kind for n, c in existing.items()})
    conf = settings_for(collective.region_id)
    problems: list[Problem] = []
    if Household.objects.filter(collective=collective).exists():
        problems.append(Problem(f"{collective.name}已有成员名册：期初名册只能导入一次，此后的变动逐项登记", row=1, file=name))
    # The person register: who is already there, and in which cooperative.
    rows = [p for ps in sheet.households.values() for p in ps]
    hashes = {lookup_hash(p.id_number): p for p in rows}
    known = {person.id_number_hash: person for person in Person.objects.filter(id_number_hash__in=list(hashes))}
    taken = dict(
        Member.objects.filter(person__in=list(known.values()), left_on__isnull=True).values_list("person__id_number_hash", "collective__name")
    )
    for h, row in hashes.items():
        if h in taken:
            problems.append(Problem(f"{row.name}已是{taken[h]}的成员：一人不能同时是两个集体经济组织的成员", row=row.line, field=column("id_number"), file=name))
        elif h in known and known[h].name != row.name:
            problems.append(Problem(f"人员登记中该身份证号的姓名为「{known[h].masked_name}」，与「{row.name}」不符", row=row.line, field=column("name"), file=name))
    problems.extend(_cap_problems(sheet, conf.holding_unit, conf.holder_cap_bp, name))
    if problems:
        raise Invalid(sorted(problems, key=lambda q: (q.row or 0)))

    with transaction.atomic():
        classes = dict(existing)
        order = max((c.order for c in existing.values()), default=0)
        for class_name in sheet.classes:
            if class_name not in classes:
                order += 1
                classes[class_name] = ShareClass.objects.create(collective=collective, name=class_name, kind=_kind_of(class_name), order=order)
        new_people = [
            Person(region_id=collective.region_id, name=r.name, id_number=r.id_number, gender=id_gender(r.id_number))
            for h, r in hashes.items() if h not in known
        ]
        Person.objects.bulk_create(new_people, batch_size=500)
        by_hash = {**known, **{p.id_number_hash: p for p in new_people}}
        households = []
        for number, people in sheet.households.items():
            hh = Household(collective=collective, number=number)
            head = next(p for p in people if p.is_head)
            hh.bank_name = head.bank
            hh.bank_account = head.bank_account
            households.append(hh)
        Household.objects.bulk_create(households, batch_size=500)
        hh_by_number = {hh.number: hh for hh in households}
        members, member_of = [], {}
        for number, people in sheet.households.items():
            for r in people:
                m = Member(
                    collective=collective, household=hh_by_number[number], person=by_hash[lookup_hash(r.id_number)], relation=r.relation,
                    is_head=r.is_head, is_member=r.is_member, joined_on=on if r.is_member else None, join_reason="original" if r.is_member else "",
                )
                members.append(m)
                member_of[r.id_number] = m
        Member.objects.bulk_create(members, batch_size=500)
        _events(user, members, name)
        ops = _opening_operations(collective, sheet, conf.holding_unit, classes, hh_by_number, member_of, on, name)
        register.record_many(collective, ops, user)
        result = Result(len(households), sheet.people, sum(m.is_member for m in members), len(ops), len(new_people))
        audit.record(
            "coop.import_members", collective, actor=user, region_code=collective.region_id,
            new={"file": name, "households": result.households, "people": result.people, "members": result.members, "operations": result.operations},
        )
    return result


def _events(user, members: list[Member], filename: str) -> None:
    """One history row per member registered (bulk: a roster holds thousands)."""
    who = Event.actor_fields(user)
    note = f"期初名册导入（{filename}）"
    MemberEvent.objects.bulk_create([MemberEvent(member=m, **who, action="add", note=note) for m in members], batch_size=500)


def _holder_units(sheet: Sheet, unit: str) -> dict[tuple[str, str], dict[str, int]]:
    """(kind, key) → {class: units}: per household (the sum of its rows) or per member."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for number, people in sheet.households.items():
        for r in people:
            key = ("household", number) if unit == "household" else ("member", r.id_number)
            bucket = out.setdefault(key, {})
            for class_name, units in r.shares.items():
                bucket[class_name] = bucket.get(class_name, 0) + units
    return out


def _cap_problems(sheet: Sheet, unit: str, cap_bp: int, filename: str) -> list[Problem]:
    held = _holder_units(sheet, unit)
    total = sum(sum(c.values()) for c in held.values()) + sum(sheet.collective.values())
    lines = {number: people[0].line for number, people in sheet.households.items()}
    rows_of = {r.id_number: r for ps in sheet.households.values() for r in ps}
    out = []
    for (kind, key), classes in held.items():
        if kind == "household":
            # The cap is per member (浙江: 单一成员持股): a household's is its members' together.
            members = sum(r.is_member for r in sheet.households[key])
            label, line, cap = f"{key}户（{members}名成员）", lines[key], cap_bp * max(members, 1)
        else:
            label, line, cap = rows_of[key].name, rows_of[key].line, cap_bp
        for prob in rules.cap_problems(sum(classes.values()), total, cap, label):
            out.append(Problem(prob.message, row=line, field=column("shares"), file=filename))
    return out


def _opening_operations(collective, sheet, unit, classes, hh_by_number, member_of, on, filename) -> list[ShareOperation]:
    note = f"期初股权登记（{filename}）"[:200]
    ops = []
    held = _holder_units(sheet, unit)
    holders = {}
    if unit == "household":
        new = [Holder(collective=collective, kind="household", household=hh) for hh in hh_by_number.values()]
        Holder.objects.bulk_create(new, batch_size=500)
        holders = {("household", h.household.number): h for h in new}
    else:
        new = [Holder(collective=collective, kind="member", member=m) for m in member_of.values() if m.is_member]
        Holder.objects.bulk_create(new, batch_size=500)
        by_member = {h.member_id: h for h in new}
        holders = {("member", key): by_member[m.pk] for key, m in member_of.items() if m.pk in by_member}
    for key, by_class in held.items():
        for class_name in sheet.classes:
            if by_class.get(class_name):
                ops.append(ShareOperation(kind="allocation", on=on, share_class=classes[class_name], to_holder=holders[key], units=by_class[class_name], note=note))
    if sheet.collective:
        own = register.collective_holder(collective)
        for class_name in sheet.classes:
            if sheet.collective.get(class_name):
                ops.append(ShareOperation(kind="allocation", on=on, share_class=classes[class_name], to_holder=own, units=sheet.collective[class_name], note=note))
    return ops
