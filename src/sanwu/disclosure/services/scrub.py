"""Making free text fit for the public page (principle 9).

- ID numbers, phone numbers and bank account numbers are dropped entirely;
- the full names of people in the person register are masked wherever they appear (张*明);
- a counterparty that is not an organisation is taken to be a person and masked as a whole.

Published data is stored already scrubbed; these functions run when something is frozen or
published, not when a public page is read.
"""

import re
from collections.abc import Iterable

from sanwu.regions.masking import mask_name
from sanwu.regions.models import Person

from ..models import Question

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)")
BANK_ACCOUNT = re.compile(r"(?<!\d)\d{4}(?:[ -]?\d{2,4}){2,5}(?!\d)")
LONG_DIGITS = re.compile(r"\d{9,}")

DROPPED_ID = "（证件号已隐去）"
DROPPED_PHONE = "（电话已隐去）"
DROPPED_ACCOUNT = "（账号已隐去）"
PLACEHOLDERS = (DROPPED_ID, DROPPED_PHONE, DROPPED_ACCOUNT)

# Words that mark an organisation: its name may stay (domain: company names are public).
ORG_MARKERS = (
    "公司", "集团", "合作社", "合作联社", "银行", "信用社", "农商行", "支行", "分行", "财政", "政府", "委员会", "村委",
    "居委", "管委会", "局", "站", "所", "中心", "厂", "场", "店", "超市", "商行", "医院", "卫生院", "学校", "小学", "中学",
    "幼儿园", "协会", "学会", "联合会", "队", "部", "处", "院", "馆", "办公室", "工程", "项目", "基地", "电网", "供电",
    "保险", "事务所", "研究", "电信", "移动", "联通", "邮政", "税务", "国网", "街道", "乡镇", "镇政府", "乡政府",
    "村民委员会", "经济合作社", "股份", "有限", "工作室", "经营部", "门市", "酒店", "饭店", "宾馆", "加油站",
)


def _digits_out(text: str) -> str:
    text = ID_NUMBER.sub(DROPPED_ID, text)
    text = MOBILE.sub(DROPPED_PHONE, text)
    text = LANDLINE.sub(DROPPED_PHONE, text)
    text = BANK_ACCOUNT.sub(lambda m: DROPPED_ACCOUNT if sum(c.isdigit() for c in m.group()) >= 12 else m.group(), text)
    # Any other run of nine or more digits could be an account or an ID: drop it too.
    text = LONG_DIGITS.sub(DROPPED_ACCOUNT, text)
    return text


class Names:
    """The full names of registered people (2 to 6 characters), for masking in free text."""

    def __init__(self, names: Iterable[str] = ()):
        self.names = {n.strip() for n in names if n and 2 <= len(n.strip()) <= 6}
        self.lengths = sorted({len(n) for n in self.names}, reverse=True)

    @classmethod
    def for_region(cls, code: str) -> "Names":
        """Everyone registered in the region's county (a county register, not the whole city)."""
        return cls(Person.objects.filter(region__code__startswith=code[:6]).values_list("name", flat=True))

    def mask(self, text: str) -> str:
        if not self.names or not text:
            return text
        out = []
        i, n = 0, len(text)
        while i < n:
            for length in self.lengths:
                piece = text[i : i + length]
                if len(piece) == length and piece in self.names:
                    out.append(mask_name(piece))
                    i += length
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


def scrub(text: str, names: Names | None = None) -> str:
    """Free text for the public: numbers that identify a person dropped, registered names masked."""
    text = _digits_out((text or "").strip())
    return names.mask(text) if names is not None else text


def is_organisation(name: str) -> bool:
    return any(m in name for m in ORG_MARKERS)


def person_name(name: str) -> str:
    """The name of a counterparty that is a person ("" for an organisation): numbers, remarks in
    brackets and anything after a separator left out."""
    text = _digits_out((name or "").strip())
    if not text or is_organisation(text):
        return ""
    for p in PLACEHOLDERS:
        text = text.replace(p, "")
    text = re.sub(r"[（(【\[].*?[）)】\]]", "", text)  # remarks in brackets go with the person
    text = re.split(r"[,，;；:：/、]", text)[0]
    return re.sub(r"[\s\d()（）\\-]+", "", text)


def public_party(name: str, names: Names | None = None) -> str:
    """A counterparty for the public: an organisation keeps its name (registered people's names
    inside it masked); anyone else is a person, masked as a whole (张*明)."""
    text = _digits_out((name or "").strip())
    if not text:
        return ""
    if is_organisation(text):
        return names.mask(text) if names is not None else text
    person = person_name(text)
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
        names = self.by_county.get(q.village_id[:6])
        if names is None:
            names = self.by_county[q.village_id[:6]] = Names.for_region(q.village_id)
        return scrub(q.text, names)
