"""{% load budgets_tags %} {{ row|cell:col }}: a `core.tables` cell as the page shows it (money in 元)."""

from django import template

from sanwu.core.money import format_yuan

register = template.Library()


@register.filter
def cell(row: dict, col):
    v = row.get(col.key)
    if v is None or v == "":
        return ""
    return format_yuan(v) if col.money else v
