"""Making free text fit for the public page (principle 9).

- ID numbers, phone numbers and bank account numbers are dropped entirely;
- the full names of people in the person register are masked wherever they appear (张*明);
- a counterparty entered as a person (`Entry.counterparty_kind`) is masked as a whole, and its
  name wherever it appears in free text; one entered before the kind was asked is judged by its
  words (公司, 合作社, 队 …).

Published data is stored already scrubbed; these functions run when something is frozen or
published, not when a public page is read.
"""

import re
from collections.abc import Iterable

from sanwu.core.codes import county_of
from sanwu.core.masking import DROPPED_ACCOUNT, DROPPED_ID, DROPPED_PHONE, Names, drop_numbers, mask_name, scrub
from sanwu.regions.services import registered_names

from ..models import Question

# Words that mark an organisation: its name may stay (domain: company names are public).
ORG_MARKERS = (
    "公司", "集团", "合作社", "合作联社", "银行", "信用社", "农商行", "支行", "分行", "财政", "政府", "委员会", "村委",
    "居委", "管委会", "局", "站", "所", "中心", "厂", "场", "店", "超市", "商行", "医院", "卫生院", "学校", "小学", "中学",
    "幼儿园", "协会", "学会", "联合会", "队", "部", "处", "院", "馆", "办公室", "工程", "项目", "基地", "电网", "供电",
    "保险", "事务所", "研究", "电信", "移动", "联通", "邮政", "税务", "国网", "街道", "乡镇", "镇政府", "乡政府",
    "村民委员会", "经济合作社", "股份", "有限", "工作室", "经营部", "门市", "酒店", "饭店", "宾馆", "加油站",
)


# A name that follows one of these words is a person's, inside any text (负责人王小明).
ROLE_WORDS = (
    "法定代表人", "法人代表", "负责人", "联系人", "经办人", "收款人", "领款人", "承包人", "承租人", "代理人", "委托人",
    "户主", "法人", "队长", "班长", "老板",
)
ROLE_NAME = re.compile("(?:" + "|".join(ROLE_WORDS) + r")[:：\s]*([\u4e00-\u9fff]{2,3})")


def role_names(text: str) -> list[str]:
    """The names of people that `text` names by their role: 「王小明施工队（负责人王小明）」 → 王小明."""
    return [m.group(1) for m in ROLE_NAME.finditer(text or "")]


def is_organisation(name: str) -> bool:
    return any(m in name for m in ORG_MARKERS)


def person_name(name: str, kind: str = "") -> str:
    """The name of a counterparty that is a person ("" for an organisation): numbers, remarks in
    brackets and anything after a separator left out."""
    text = drop_numbers((name or "").strip())
    if not text or counterparty_kind(text, kind) == ORGANISATION:
        return ""
    for p in (DROPPED_ID, DROPPED_PHONE, DROPPED_ACCOUNT):
        text = text.replace(p, "")
    text = re.sub(r"[（(【\[].*?[）)】\]]", "", text)  # remarks in brackets go with the person
    text = re.split(r"[,，;；:：/、]", text)[0]
    return re.sub(r"[\s\d()（）\\-]+", "", text)


PERSON, ORGANISATION = "person", "organisation"  # the values of ledger Entry.counterparty_kind


def counterparty_kind(name: str, kind: str = "") -> str:
    """The kind given when the counterparty was entered (person or organisation; a credit code
    makes it an organisation), or — for entries made before the kind was asked — by its words."""
    if kind in (PERSON, ORGANISATION):
        return kind
    return ORGANISATION if is_organisation(drop_numbers((name or "").strip())) else PERSON


def people_named(parties: Iterable[tuple[str, str]]) -> "Names":
    """Every person that counterparties name: person counterparties themselves and the people an
    organisation's name names by role (负责人王小明) — masked wherever they appear in free text."""
    found = []
    for name, kind in parties:
        if counterparty_kind(name, kind) == PERSON:
            found.append(person_name(name, kind=PERSON))
        found.extend(role_names(name))
    return Names(found)


def public_party(name: str, names: Names | None = None, kind: str = "") -> str:
    """A counterparty for the public: a person is masked as a whole (张*明), always; an
    organisation keeps its name, with the people it names (by role, or registered) masked."""
    text = drop_numbers((name or "").strip())
    if not text:
        return ""
    if counterparty_kind(text, kind) == ORGANISATION:
        known = Names([*(names.names if names is not None else ()), *role_names(text)])
        return known.mask(text)
    person = person_name(text, kind=PERSON)
    return mask_name(person) if person else ""


def mask_contact(contact: str) -> str:
    """A villager's contact, kept only masked: 139****5678, or first and last character."""
    contact = (contact or "").strip()
    if not contact:
        return ""
    digits = re.sub(r"\D", "", contact)
    if len(digits) >= 7 and len(digits) >= len(contact) - 3:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(contact) <= 2:
        return contact[0] + "*"
    return contact[0] + "*" * min(len(contact) - 2, 6) + contact[-1]


class MaskedText:
    """Question texts masked for lists and exports (the full text only on the question's page)."""

    def __init__(self):
        self.by_county: dict[str, Names] = {}

    def __call__(self, q: Question) -> str:
        if q.status == "answered":
            return q.public_text
        county = county_of(q.village_id)
        names = self.by_county.get(county)
        if names is None:
            names = self.by_county[county] = registered_names(q.village_id)
        return scrub(q.text, names)
