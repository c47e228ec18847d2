"""Money is an integer number of fen. Decimal only at the edges (forms, Excel, JSON)."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_SECTIONS = ["", "万", "亿", "万亿"]


_PLAIN = re.compile(r"(-?)(\d{1,18})(?:\.(\d{1,2}))?")  # 1234, -1234.5, 1234.56 (fullmatch below)


# Full-width digits and separators (a Chinese input method's １，２００．００) read as the
# ASCII ones they stand for; the ideographic space as a space.
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "，": ",", "．": ".", "－": "-", "＋": "+", "\u3000": " "})


class MoneyError(ValueError):
    """An amount that cannot be read as yuan with at most two decimals (message in Chinese)."""


def parse_yuan(value) -> int:
    """Read an amount in yuan (text, int or Decimal) into fen. Negative (red-ink) amounts allowed.

    Rejects floats, more than two decimals, and anything that is not a number. Full-width
    digits and separators (１，２００．００) are read as the amount they mean.
    """
    if value is None:
        raise MoneyError("金额为空")
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"金额「{value}」不是精确的十进制数")
    if isinstance(value, int):
        return value * 100
    if type(value) is str and (m := _PLAIN.fullmatch(value)):  # the common case, without Decimal
        sign, whole, cents = m.groups()
        fen = int(whole) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
        return -fen if sign else fen
    text = str(value).translate(_FULL_WIDTH).strip().replace(",", "")
    if text.startswith("¥") or text.startswith("￥"):
        text = text[1:].strip()
    if not text:
        raise MoneyError("金额为空")
    if "e" in text.lower():
        raise MoneyError(f"金额「{value}」不能用科学计数法")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise MoneyError(f"金额「{value}」不是数字") from None
    if not amount.is_finite():
        raise MoneyError(f"金额「{value}」不是数字")
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise MoneyError(f"金额「{value}」超过两位小数（最小单位为分）")
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def fen_to_decimal(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def format_yuan(fen: int | None, *, grouping: bool = True) -> str:
    """12345678 -> '123,456.78' (yuan, two decimals)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    whole = f"{yuan:,}" if grouping else str(yuan)
    return f"{sign}{whole}.{cents:02d}"


def format_wan(fen: int | None, places: int = 2) -> str:
    """Amount in 万元 with `places` decimals, rounded half up: 3836000 fen -> '3.84'."""
    if fen is None:
        return ""
    wan = (Decimal(int(fen)) / Decimal(1_000_000)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{wan:,.{places}f}"


def _four_digits(n: int) -> str:
    """0 < n < 10000 in capital digits, with inner zeros collapsed."""
    out = []
    zero = False
    for pos in range(3, -1, -1):
        d = (n // 10**pos) % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[d] + _UNITS[pos])
    return "".join(out)


def to_capital(fen: int) -> str:
    """Chinese capital amount (大写) as written on vouchers.

    123456 -> '壹仟贰佰叁拾肆元伍角陆分', 100 -> '壹元整', 10005 -> '壹佰元零伍分',
    100000100 -> '壹佰万零壹元整'.
    """
    fen = int(fen)
    if fen == 0:
        return "零元整"
    prefix = "负" if fen < 0 else ""
    fen = abs(fen)
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    parts = []
    if yuan:
        sections = []
        n = yuan
        while n:
            sections.append(n % 10000)
            n //= 10000
        text = ""
        need_zero = False
        for idx in range(len(sections) - 1, -1, -1):
            sec = sections[idx]
            if sec == 0:
                need_zero = bool(text)
                continue
            if text and (need_zero or sec < 1000):
                text += "零"
            text += _four_digits(sec) + _SECTIONS[idx]
            need_zero = False
        parts.append(text + "元")
    if jiao == 0 and cents == 0:
        parts.append("整")
    else:
        if jiao:
            parts.append(_DIGITS[jiao] + "角")
        elif yuan:
            parts.append("零")
        if cents:
            parts.append(_DIGITS[cents] + "分")
        else:
            parts.append("整")
    return prefix + "".join(parts)


def split_by_largest_remainder(total: int, weights) -> list[int]:
    """`total` fen split in proportion to `weights` (non-negative integers, not all zero) so that
    the parts are whole fen and sum to `total` exactly: each part gets the floor of its share,
    and the fen left over go one each to the largest remainders (ties to the earlier part).
    `split_by_largest_remainder(100, [1, 1, 1]) == [34, 33, 33]`. A negative total splits as its
    opposite, negated."""
    weights = [int(w) for w in weights]
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    if total < 0:
        return [-p for p in split_by_largest_remainder(-total, weights)]
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    left = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[:left]:
        parts[i] += 1
    return parts
