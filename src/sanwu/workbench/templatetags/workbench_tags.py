from django import template
from django.urls import reverse
from django.utils.html import format_html

from sanwu.workbench import services

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_link(context):
    """The header's link to the inbox with the unread count (one query per page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    n = services.unread_count(user)
    url = reverse("workbench:inbox")
    if n:
        return format_html('<a class="inbox" href="{}" title="站内消息：{} 条未读">消息<span class="unread" data-unread>{}</span></a>', url, n, n)
    return format_html('<a class="inbox" href="{}" title="站内消息">消息</a>', url)
