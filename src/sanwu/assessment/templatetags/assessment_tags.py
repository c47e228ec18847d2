"""{% load assessment_tags %}: what the sub-navigation offers, ratings and outcomes as badges."""

from django import template

from sanwu.core.scope import roles_of

from ..models import VIEW_ROLES
from ..rules import OUTCOMES, RATINGS

register = template.Library()


@register.simple_tag(takes_context=True)
def sees_rounds(context) -> bool:
    """Analysis rounds and the difficult-villages list are for township level and above."""
    request = context.get("request")
    return bool(request is not None and roles_of(request.user) & VIEW_ROLES)


@register.filter
def rating_label(key) -> str:
    return RATINGS.get(key or "", "未研判")


@register.filter
def outcome_label(key) -> str:
    return OUTCOMES.get(key or "", key or "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key) if hasattr(mapping, "get") else ""


@register.filter
def who(user, fallback: str = "系统") -> str:
    """A user's display name (the system operator when there is none)."""
    if user is None:
        return fallback
    return user.first_name or user.username
