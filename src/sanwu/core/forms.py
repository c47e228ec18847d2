"""What every app's forms share: an amount typed in yuan, read as integer fen (`YuanField`, never
negative; `SignedYuanField` where a loss is typed as a negative amount)."""

from django import forms

from .money import MoneyError, parse_yuan


def yuan_fen(text: str) -> int:
    """A non-negative amount typed in yuan (at most two decimals) as fen, or the form's error."""
    try:
        fen = parse_yuan(text)
    except MoneyError as exc:
        raise forms.ValidationError(str(exc)) from None
    if fen < 0:
        raise forms.ValidationError("金额不能为负数")
    return fen


class YuanField(forms.CharField):
    """An amount typed in yuan, cleaned to integer fen (0 when left empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return yuan_fen(value) if value not in (None, "") else 0


class SignedYuanField(forms.CharField):
    """An amount typed in yuan that may be negative (a year's loss), cleaned to integer fen."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_yuan(value)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from None
