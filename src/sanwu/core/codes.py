"""Pure validators for the official codes (domain.md section 7).

Each `*_errors` function returns a list of problems in Chinese (empty when the value is valid);
`normalize_*` returns the canonical form.
"""

import datetime as dt
import re

# --- Region codes (GB/T 2260 + NBS 12-digit statistical code, domain.md 7.1) -----------------

LEVELS = ("province", "city", "county", "township", "village", "group")
LEVEL_LABELS = {
    "province": "省",
    "city": "市",
    "county": "县（区、市）",
    "township": "乡镇（街道）",
    "village": "村（社区）",
    "group": "村民小组",
}
# The endings by which a region's name already says its level (岳西县, 主簿镇, 大歇村): such a name is
# shown alone, any other with its level (`regions.Region.display_name`).
LEVEL_NAME_ENDINGS = {
    "province": ("省", "自治区", "市"),
    "city": ("市", "州", "盟", "地区"),
    "county": ("县", "区", "市", "旗"),
    "township": ("镇", "乡", "街道"),
    "village": ("村", "社区", "居委会"),
    "group": ("组",),
}
# Digits that make a level's prefix (a scope is a prefix match on the code).
PREFIX_LENGTH = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12, "group": 15}

_CODE_RE = re.compile(r"^\d{12}(\d{3})?$")


def region_level(code: str) -> str:
    """The level a (valid) code denotes."""
    if len(code) == 15:
        return "group"
    if code[9:12] != "000":
        return "village"
    if code[6:9] != "000":
        return "township"
    if code[4:6] != "00":
        return "county"
    if code[2:4] != "00":
        return "city"
    return "province"


def region_prefix(code: str) -> str:
    return code[: PREFIX_LENGTH[region_level(code)]]


def region_parent_code(code: str) -> str | None:
    """The code of the enclosing region, derived from the code itself."""
    level = region_level(code)
    if level == "group":
        return code[:12]
    if level == "province":
        return None
    keep = PREFIX_LENGTH[LEVELS[LEVELS.index(level) - 1]]
    return code[:keep] + "0" * (12 - keep)


def region_code_errors(code: str) -> list[str]:
    """Structural checks: 12 digits (15 for a villager group), GB/T 2260 ranges for the
    prefecture and county digits, township segment 001–599, village segment 001–599."""
    if not isinstance(code, str) or not _CODE_RE.match(code):
        return [f"区划代码「{code}」应为12位数字（村民小组为15位）"]
    errors = []
    if code[:2] < "11" or code[:2] > "82":
        errors.append(f"区划代码「{code}」的省级代码「{code[:2]}」不存在")
    pref, county, town, village = code[2:4], code[4:6], code[6:9], code[9:12]
    if pref != "00" and not ("01" <= pref <= "70" or pref == "90"):
        errors.append(f"区划代码「{code}」的地级代码「{pref}」超出范围（01–70、90）")
    if county != "00" and not ("01" <= county <= "99"):
        errors.append(f"区划代码「{code}」的县级代码「{county}」超出范围")
    if pref == "00" and county != "00":
        errors.append(f"区划代码「{code}」缺少地级代码")
    if town != "000" and not ("001" <= town <= "599"):
        errors.append(f"区划代码「{code}」的乡级代码「{town}」超出范围（001–599）")
    if town != "000" and county == "00":
        errors.append(f"区划代码「{code}」缺少县级代码")
    if village != "000" and not ("001" <= village <= "599"):
        errors.append(f"区划代码「{code}」的村级代码「{village}」超出范围（001–599）")
    if village != "000" and town == "000":
        errors.append(f"区划代码「{code}」缺少乡级代码")
    if len(code) == 15:
        if village == "000":
            errors.append(f"村民小组代码「{code}」的前12位应为村级代码")
        if code[12:] == "000":
            errors.append(f"村民小组代码「{code}」的组号不能为000")
    return errors


# --- Citizen ID number (GB 11643-1999, domain.md 7.2) -----------------------------------------

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def id_number_errors(value: str) -> list[str]:
    number = normalize_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return [f"身份证号「{value}」应为18位（前17位数字，末位为数字或X）"]
    errors = []
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        if birth.year < 1900 or birth > dt.date.today():
            errors.append(f"身份证号「{value}」的出生日期「{number[6:14]}」不合理")
    except ValueError:
        errors.append(f"身份证号「{value}」的出生日期「{number[6:14]}」不存在")
    expected = id_check_char(number[:17])
    if number[17] != expected:
        errors.append(f"身份证号「{value}」校验码错误（应为{expected}）")
    return errors


def id_birth_date(number: str) -> dt.date:
    number = normalize_id_number(number)
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_gender(number: str) -> str:
    """'M' or 'F' from the sequence digit (odd = male)."""
    return "M" if int(normalize_id_number(number)[16]) % 2 else "F"


# --- Unified social credit code (GB 32100-2015, domain.md 7.3) --------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def credit_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character over base-36 characters."""
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def credit_code_errors(value: str) -> list[str]:
    code = normalize_credit_code(value)
    if len(code) != 18:
        return [f"统一社会信用代码「{value}」应为18位"]
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        return [f"统一社会信用代码「{value}」含有不允许的字符「{''.join(bad)}」（不使用I、O、S、V、Z）"]
    errors = []
    if not code[2:8].isdigit():
        errors.append(f"统一社会信用代码「{value}」第3–8位应为行政区划代码")
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        errors.append(f"统一社会信用代码「{value}」校验码错误（应为{expected}）")
    return errors


# --- Enclosing regions by code (the only place a code is cut by hand) --------------------------


def county_of(code: str) -> str | None:
    """The 12-digit code of the county a code lies in (itself for a county), or None above it."""
    if len(code) < 12 or region_level(code) in ("province", "city"):
        return None
    return code[:6] + "000000"


def township_of(code: str) -> str | None:
    """The 12-digit code of the township a code lies in (itself for a township), or None above it."""
    if len(code) < 12 or region_level(code) in ("province", "city", "county"):
        return None
    return code[:9] + "000"


def city_of(code: str) -> str | None:
    """The 12-digit code of the city a code lies in (itself for a city), or None for a province."""
    if len(code) < 12 or region_level(code) == "province":
        return None
    return code[:4] + "00000000"
