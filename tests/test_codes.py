"""Validators and money, with the vectors from domain.md section 7."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanwu.core import codes
from sanwu.core.money import MoneyError, format_wan, format_yuan, parse_yuan, to_capital
from sanwu.core.masking import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize("number", ["11010519491231002X", "110101199003074477", "11010519491231002x"])
def test_valid_id_numbers(number):
    assert codes.id_number_errors(number) == []


def test_id_number_wrong_check_digit_names_the_expected_one():
    errors = codes.id_number_errors("110101199003074478")
    assert errors == ["身份证号「110101199003074478」校验码错误（应为7）"]


def test_id_number_impossible_birth_date():
    errors = codes.id_number_errors("110105194913310021")
    assert any("出生日期" in e for e in errors)


def test_id_number_shape():
    assert codes.id_number_errors("12345") and codes.id_number_errors("1101051949123100XX")


def test_id_gender_and_birth():
    assert codes.id_gender("110101199003074477") == "M"
    assert codes.id_gender("11010519491231002X") == "F"
    assert str(codes.id_birth_date("11010519491231002X")) == "1949-12-31"


@pytest.mark.parametrize("code", ["91350100M000100Y43", "N2340828MF1234567Q", "n2340828mf1234567q"])
def test_valid_credit_codes(code):
    assert codes.credit_code_errors(code) == []


def test_credit_code_inner_org_check():
    assert codes.org_code_check_char("MF123456") == "7"


@pytest.mark.parametrize(
    "code,fragment",
    [("N2340828MF1234567A", "校验码错误（应为Q）"), ("N2340828MF123456", "应为18位"), ("N2340828MF1234567O", "不允许的字符")],
)
def test_bad_credit_codes(code, fragment):
    assert any(fragment in e for e in codes.credit_code_errors(code))


@pytest.mark.parametrize(
    "code,level,parent",
    [
        ("340800000000", "city", "340000000000"),
        ("340828000000", "county", "340800000000"),
        ("340828100000", "township", "340828000000"),
        ("340828100200", "village", "340828100000"),
        ("340828100200001", "group", "340828100200"),
    ],
)
def test_region_levels_and_parents(code, level, parent):
    assert codes.region_code_errors(code) == []
    assert codes.region_level(code) == level
    assert codes.region_parent_code(code) == parent


@pytest.mark.parametrize(
    "code,fragment",
    [
        ("3408281002", "12位"),
        ("34082810020A", "12位"),
        ("340828700000", "乡级代码「700」"),
        ("340828100700", "村级代码「700」"),
        ("340828000200", "缺少乡级代码"),
        ("340828100200000", "组号不能为000"),
        ("009999000000", "省级代码"),
    ],
)
def test_bad_region_codes(code, fragment):
    assert any(fragment in e for e in codes.region_code_errors(code)), codes.region_code_errors(code)


@pytest.mark.parametrize(
    "fen,text",
    [
        (0, "零元整"),
        (1, "壹分"),
        (100, "壹元整"),
        (123456, "壹仟贰佰叁拾肆元伍角陆分"),
        (10005, "壹佰元零伍分"),
        (100000100, "壹佰万零壹元整"),
        (829900000, "捌佰贰拾玖万玖仟元整"),
        (-5000, "负伍拾元整"),
    ],
)
def test_capital_amounts(fen, text):
    assert to_capital(fen) == text


@pytest.mark.parametrize("text,fen", [("1.2", 120), ("1,234.56", 123456), ("-5", -500), ("￥3.00", 300), ("0.1", 10)])
def test_parse_yuan(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text,fragment", [("0.001", "两位小数"), ("abc", "不是数字"), ("", "为空"), (1.5, "精确"), ("1e3", "科学计数法")])
def test_parse_yuan_rejects(text, fragment):
    with pytest.raises(MoneyError, match=fragment):
        parse_yuan(text)


def test_formats():
    assert format_yuan(123456789) == "1,234,567.89"
    assert format_yuan(-5) == "-0.05"
    assert format_wan(3836000) == "3.84"
    assert format_wan(829900000, 1) == "829.9"


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_yuan_round_trip(fen):
    assert parse_yuan(format_yuan(fen)) == fen


@given(st.integers(min_value=1, max_value=10**13))
def test_capital_is_well_formed(fen):
    text = to_capital(fen)
    assert text.endswith(("整", "分", "角")) and "零零" not in text and not text.startswith("零")


def test_masking():
    assert mask_name("张三明") == "张*明"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_id_number("340828199003074477") == "3408**********4477"
    assert mask_phone("13912345678") == "139****5678"
