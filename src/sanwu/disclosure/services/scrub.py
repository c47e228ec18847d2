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

from sanwu.regions.masking import mask_name
from sanwu.regions.models import Person

from ..models import Question

# Digits are found on a view of the text in which full-width digits and Chinese numerals read as
# ASCII digits and full-width separators as ASCII ones — one character for one, so a match's
# span in the view is its span in the text. Phone numbers match in any grouping.
_DIGIT_VIEW = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "〇": "0", "零": "0", "○": "0", "一": "1", "幺": "1", "二": "2", "两": "2",
     "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9", "\u3000": " ", "－": "-", "．": ".",
     "—": "-", "–": "-", "·": ".", "＋": "+"}
)
_SEP = r"[ .\-_/]*"  # between the digits of one number, in any grouping
# An ID number: 18 characters (or the old 15 digits), written whole or grouped 6-8-4.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{6}[ .\-]\d{8}[ .\-]\d{3}[\dXx]|\d{15})(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+?86" + _SEP + r")?1" + _SEP + r"[3-9](?:" + _SEP + r"\d){9}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}" + _SEP + r"\d(?:" + _SEP + r"\d){6,7}(?!\d)")
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


def _inside_longer_number(view: str, start: int, end: int) -> bool:
    """Whether a match is only a piece of a longer grouped number (6222 0212 3456 7890 123)."""
    before = view[max(0, start - 2) : start]
    after = view[end : end + 2]
    return (len(before) == 2 and before[0].isdigit() and before[1] in " .-_/") or (
        len(after) == 2 and after[1].isdigit() and after[0] in " .-_/"
    )


def _drop(text: str, pattern: re.Pattern, placeholder: str, keep=lambda match: False) -> str:
    """Replace each match of `pattern` in the digit view of `text` by `placeholder` — unless
    `keep` says so, or the match is only a piece of a longer grouped number."""
    view = text.translate(_DIGIT_VIEW)
    out, last = [], 0
    for m in pattern.finditer(view):
        if keep(m.group()) or _inside_longer_number(view, m.start(), m.end()):
            continue
        out.append(text[last : m.start()])
        out.append(placeholder)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def _digits_out(text: str) -> str:
    text = _drop(text, ID_NUMBER, DROPPED_ID)
    text = _drop(text, MOBILE, DROPPED_PHONE)
    text = _drop(text, LANDLINE, DROPPED_PHONE)
    text = _drop(text, BANK_ACCOUNT, DROPPED_ACCOUNT, keep=lambda g: sum(c.isdigit() for c in g) < 12)
    # Any other run of nine or more digits could be an account or an ID: drop it too.
    text = _drop(text, LONG_DIGITS, DROPPED_ACCOUNT)
    return text


# A name that follows one of these words is a person's, inside any text (负责人王小明).
ROLE_WORDS = (
    "法定代表人", "法人代表", "负责人", "联系人", "经办人", "收款人", "领款人", "承包人", "承租人", "代理人", "委托人",
    "户主", "法人", "队长", "班长", "老板",
)
ROLE_NAME = re.compile("(?:" + "|".join(ROLE_WORDS) + r")[:：\s]*([\u4e00-\u9fff]{2,3})")


def role_names(text: str) -> list[str]:
    """The names of people that `text` names by their role: 「王小明施工队（负责人王小明）」 → 王小明."""
    return [m.group(1) for m in ROLE_NAME.finditer(text or "")]


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


def person_name(name: str, kind: str = "") -> str:
    """The name of a counterparty that is a person ("" for an organisation): numbers, remarks in
    brackets and anything after a separator left out."""
    text = _digits_out((name or "").strip())
    if not text or counterparty_kind(text, kind) == ORGANISATION:
        return ""
    for p in PLACEHOLDERS:
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
    return ORGANISATION if is_organisation(_digits_out((name or "").strip())) else PERSON


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
    text = _digits_out((name or "").strip())
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
        names = self.by_county.get(q.village_id[:6])
        if names is None:
            names = self.by_county[q.village_id[:6]] = Names.for_region(q.village_id)
        return scrub(q.text, names)
