"""{% load budgets_tags %} {{ row|cell:col }}: the house's `cell` filter (`core.templatetags.sanwu`)."""

from django import template

from sanwu.core.templatetags.sanwu import cell

register = template.Library()
register.filter("cell", cell)
