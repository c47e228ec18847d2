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


@register.filter
def cell(row: dict, col):
    """{{ row|cell:col }}: a `core.tables` cell as a page shows it (money in 元)."""
    v = row.get(col.key)
    if v is None or v == "":
        return ""
    return format_yuan(v) if col.money else v


@register.filter
def mask_name(name: str) -> str:
    """A person's name masked (张*明), as pages show personal data by default."""
    from sanwu.core.masking import mask_name as mask

    return mask(name) if name else ""

