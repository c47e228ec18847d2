"""Money in templates: {% load sanwu %} {{ fen|yuan }} {{ fen|wan }} {{ fen|capital }}."""

from django import template

from sanwu.core.money import format_wan, format_yuan, to_capital

register = template.Library()


@register.filter
def yuan(fen):
    return format_yuan(fen) if fen not in (None, "") else ""


@register.filter
def wan(fen, places=2):
    return format_wan(fen, int(places)) if fen not in (None, "") else ""


@register.filter
def capital(fen):
    return to_capital(int(fen)) if fen not in (None, "") else ""
