"""Money, for every amount rather than a few examples (hypothesis): text written by the formatting
functions reads back to the same fen; 大写 is well formed and reads back to its amount, so two
amounts never share one; a largest-remainder split always adds up to the whole."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanwu.core.api_fields import MAX_FEN
from sanwu.core.money import MoneyError, fen_to_decimal, format_wan, format_yuan, parse_yuan, to_capital
from sanwu.demo.books import _quotas

FEN = st.integers(min_value=-(MAX_FEN - 1), max_value=MAX_FEN - 1)
SMALL_FEN = st.integers(min_value=-10**9, max_value=10**9)  # up to 1,000 万元, the amounts of a village

# --- Formatting and parsing -------------------------------------------------------------------


@given(FEN)
def test_yuan_text_reads_back_to_the_same_fen(fen):
    assert parse_yuan(format_yuan(fen, grouping=False)) == fen
    assert parse_yuan(format_yuan(fen)) == fen  # with thousands separators
    assert parse_yuan(str(fen_to_decimal(fen))) == fen
    assert parse_yuan(fen_to_decimal(fen)) == fen  # a Decimal, as a form gives it
    assert parse_yuan("¥" + format_yuan(abs(fen))) == abs(fen)


FULL_WIDTH = str.maketrans({**{str(i): chr(0xFF10 + i) for i in range(10)}, ",": "，", ".": "．", "-": "－"})


@given(FEN)
def test_full_width_digits_and_separators_read_as_the_amount_they_mean(fen):
    """１，２００．００ (a Chinese input method's digits) is 1,200.00."""
    assert parse_yuan(format_yuan(fen).translate(FULL_WIDTH)) == fen
    assert parse_yuan(format_yuan(fen, grouping=False).translate(FULL_WIDTH)) == fen
    assert parse_yuan("￥" + format_yuan(abs(fen)).translate(FULL_WIDTH) + "\u3000") == abs(fen)


def test_full_width_example():
    assert parse_yuan("１，２００．００") == 120000
    with pytest.raises(MoneyError, match="两位小数"):
        parse_yuan("１．００５")


@given(st.integers(min_value=-10**13, max_value=10**13))
def test_whole_yuan_as_int_is_a_hundred_fen_each(yuan):
    assert parse_yuan(yuan) == yuan * 100


@given(FEN, st.integers(min_value=1, max_value=9))
def test_a_third_decimal_is_refused(fen, digit):
    with pytest.raises(MoneyError, match="两位小数"):
        parse_yuan(format_yuan(fen, grouping=False) + str(digit))


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_float_is_never_money(value):
    with pytest.raises(MoneyError):
        parse_yuan(value)


@given(FEN)
def test_wan_is_the_amount_rounded_half_up_to_a_hundred_yuan(fen):
    wan = Decimal(format_wan(fen).replace(",", ""))
    assert abs(wan * 1_000_000 - fen) <= 5_000
    # half up: exactly half a unit rounds away from zero
    assert format_wan(5_000) == "0.01" and format_wan(-5_000) == "-0.01" and format_wan(4_999) == "0.00"


# --- 大写 -------------------------------------------------------------------------------------

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = {"拾": 10, "佰": 100, "仟": 1000}
SECTIONS = {"兆": 10**12, "亿": 10**8, "万": 10**4}  # 兆 stands for 万亿 while reading
WELL_FORMED = re.compile(
    r"(负)?"
    r"(?:(?P<yuan>[壹贰叁肆伍陆柒捌玖][零壹贰叁肆伍陆柒捌玖拾佰仟万亿]*)元)?"
    r"(?P<rest>整|[壹贰叁肆伍陆柒捌玖]角(?:整|[壹贰叁肆伍陆柒捌玖]分)|零?[壹贰叁肆伍陆柒捌玖]分)"
)


def read_capital(text: str) -> int:
    """大写 back to fen, written independently of money.to_capital."""
    if text == "零元整":
        return 0
    m = WELL_FORMED.fullmatch(text)
    assert m, f"「{text}」不是规范的大写金额"
    yuan = 0
    if m["yuan"]:
        total = section = digit = 0
        for ch in m["yuan"].replace("万亿", "兆"):
            if ch in DIGITS:
                digit = DIGITS.index(ch)
            elif ch in UNITS:
                section += digit * UNITS[ch]
                digit = 0
            else:
                total += (section + digit) * SECTIONS[ch]
                section = digit = 0
        yuan = total + section + digit
    rest = 0
    if (j := m["rest"].find("角")) > 0:
        rest += DIGITS.index(m["rest"][j - 1]) * 10
    if (f := m["rest"].find("分")) > 0:
        rest += DIGITS.index(m["rest"][f - 1])
    fen = yuan * 100 + rest
    return -fen if m.group(1) else fen


@given(FEN)
def test_capital_amount_is_well_formed_and_reads_back(fen):
    text = to_capital(fen)
    assert read_capital(text) == fen
    assert "零零" not in text and (fen == 0 or not re.search(r"零[元万亿角]", text))
    assert text.startswith("负") == (fen < 0)
    assert text.endswith("整") == (abs(fen) % 10 == 0)  # no 分: 整


@given(st.lists(FEN, min_size=2, max_size=40, unique=True))
def test_capital_amounts_are_unique_and_ordered_as_their_values(amounts):
    ordered = sorted(amounts)
    texts = [to_capital(a) for a in ordered]
    assert len(set(texts)) == len(texts)
    read = [read_capital(t) for t in texts]
    assert all(a < b for a, b in zip(read, read[1:]))


def test_capital_amounts_of_the_textbook():
    assert [to_capital(f) for f in (123456, 100, 1000, 10005, 100000100, 5, 50, 0, -250)] == [
        "壹仟贰佰叁拾肆元伍角陆分", "壹元整", "壹拾元整", "壹佰元零伍分", "壹佰万零壹元整", "伍分", "伍角整", "零元整", "负贰元伍角整",
    ]


# --- Largest-remainder split ------------------------------------------------------------------


@st.composite
def shares(draw):
    """Shares per 10,000 that add up to 10,000 (the demo's income mixes)."""
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=10_000), min_size=0, max_size=8)))
    bounds = [0, *cuts, 10_000]
    return [b - a for a, b in zip(bounds, bounds[1:])]


@given(st.integers(min_value=0, max_value=10**12), shares())
def test_largest_remainder_split_adds_up_to_the_whole(n, parts):
    split = _quotas(n, parts)
    assert sum(split) == n and len(split) == len(parts)
    for got, share in zip(split, parts):
        exact = Decimal(n) * share / 10_000
        assert exact - 1 < got < exact + 1
