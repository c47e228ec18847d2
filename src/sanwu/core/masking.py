"""Masking of personal data, for every app's pages, exports and public texts.

- `mask_name` / `mask_id_number` / `mask_phone`: 张*明, 3408**********1234, 139****5678;
- `drop_numbers`: ID, phone and bank account numbers dropped from free text, in any grouping;
- `Names(...).mask(text)`: the full names of known people masked wherever they stand;
- `scrub(text, names)`: both, for a text that goes to the public.
"""

import re
from collections.abc import Iterable

def mask_name(name: str) -> str:
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(number: str) -> str:
    number = (number or "").strip()
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


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


def drop_numbers(text: str) -> str:
    """`text` with ID, phone and bank account numbers (and any other run of nine or more digits)
    replaced by a placeholder, in any grouping, in full-width digits and in Chinese numerals."""
    text = _drop(text, ID_NUMBER, DROPPED_ID)
    text = _drop(text, MOBILE, DROPPED_PHONE)
    text = _drop(text, LANDLINE, DROPPED_PHONE)
    text = _drop(text, BANK_ACCOUNT, DROPPED_ACCOUNT, keep=lambda g: sum(c.isdigit() for c in g) < 12)
    # Any other run of nine or more digits could be an account or an ID: drop it too.
    text = _drop(text, LONG_DIGITS, DROPPED_ACCOUNT)
    return text


class Names:
    """The full names of registered people (2 to 6 characters), for masking in free text."""

    def __init__(self, names: Iterable[str] = ()):
        self.names = {n.strip() for n in names if n and 2 <= len(n.strip()) <= 6}
        self.lengths = sorted({len(n) for n in self.names}, reverse=True)

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
    text = drop_numbers((text or "").strip())
    return names.mask(text) if names is not None else text


def normalize_account(number: str) -> str:
    """A bank account number as the bank file carries it: digits only (spaces and dashes dropped)."""
    return "".join(ch for ch in (number or "") if ch not in " -\u3000")


def mask_account(number: str) -> str:
    """6222 **** **** 1234 style: the first four and last four digits kept."""
    n = normalize_account(number)
    if len(n) <= 8:
        return "*" * len(n)
    return n[:4] + "*" * (len(n) - 8) + n[-4:]
