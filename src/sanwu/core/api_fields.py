"""Input types shared by every app's API schemas: money in fen, ISO dates, bounded text, paging —
each refusing bad input with a Chinese message (answered 422 by the handler in sanwu/api.py)."""

import datetime as dt
import re
from typing import Annotated

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

MAX_FEN = 10**15  # 10 万亿元: far beyond any village, far inside a 64-bit column


def fen_value(value, *, allow_negative: bool = True):
    """An exact amount in fen: an integer (never a float, text or boolean), within range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("fen", "金额应为整数（单位：分），不能是小数或文字")
    if abs(value) >= MAX_FEN or (value < 0 and not allow_negative):
        raise PydanticCustomError("fen", "金额超出范围")
    return value


def iso_date(value):
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date", "日期应为有效的 YYYY-MM-DD")


def text_field(max_length: int, label: str) -> BeforeValidator:
    """Text trimmed and at most `max_length` characters; None becomes ""."""

    def check(value):
        if value is None:
            return ""
        if not isinstance(value, str):
            raise PydanticCustomError("text", "{label}应为文字", {"label": label})
        if len(value.strip()) > max_length:
            raise PydanticCustomError("text", "{label}不能超过{n}个字", {"label": label, "n": max_length})
        return value.strip()

    return BeforeValidator(check)


Fen = Annotated[int, BeforeValidator(fen_value)]
IsoDate = Annotated[dt.date, BeforeValidator(iso_date)]


# Paging of every list: `limit: page_limit(1000) = 100, offset: Offset = 0`. Out of range answers
# 422 (a negative offset, or one past any 64-bit column, never reaches the database).
MAX_OFFSET = 10**7

Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description=f"跳过前若干条（0 至 {MAX_OFFSET}）")]


def page_limit(maximum: int):
    """The `limit` of a list: at least 1, at most `maximum` rows in one answer."""
    return Annotated[int, Field(ge=1, le=maximum, description=f"本次最多返回的条数（1 至 {maximum}）")]
