"""The workbench and the inbox over HTTP: /api/v1/workbench (the home page's sections, each item
with its page's path) and /api/v1/inbox (the user's own messages; mark one or all read).
Messages belong to their recipient alone: another user's message is 404."""

import datetime as dt

from ninja import Router, Schema

from sanwu.core.api_errors import responses
from sanwu.core.api_fields import Offset, page_limit

from . import services
from .views import link, message_page

router = Router(tags=["工作台"])


class WorkbenchItemOut(Schema):
    title: str
    link: str
    deadline: dt.date | None
    due_text: str
    urgency: int
    note: str
    where: str


class WorkbenchSectionOut(Schema):
    key: str
    title: str
    count: int
    urgency: int
    more: str | None
    items: list[WorkbenchItemOut]


class WorkbenchOut(Schema):
    total: int
    unread: int
    sections: list[WorkbenchSectionOut]


class InboxMessageOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    object_type: str
    object_id: str
    link: str
    read: bool
    read_at: dt.datetime | None
    created_at: dt.datetime


class InboxOut(Schema):
    count: int
    unread: int
    items: list[InboxMessageOut]


class InboxReadAllOut(Schema):
    marked: int


def _message(m) -> dict:
    return {
        "id": m.pk, "kind": m.kind, "kind_label": m.kind_label, "title": m.title, "body": m.body, "object_type": m.object_type,
        "object_id": m.object_id, "link": message_page(m), "read": m.read_at is not None, "read_at": m.read_at, "created_at": m.created_at,
    }


@router.get("/workbench", response=responses(WorkbenchOut), summary="工作台：本人当前的待办（按角色，逾期和临近期限的在前）")
def workbench(request):
    sections = services.workbench_for(request.auth)
    return {
        "total": services.total(sections),
        "unread": services.unread_count(request.auth),
        "sections": [
            {
                "key": s.key, "title": s.title, "count": s.count, "urgency": s.urgency, "more": link(s.more) if s.more else None,
                "items": [
                    {"title": i.title, "link": link(i.target), "deadline": i.deadline, "due_text": i.due_text, "urgency": i.urgency, "note": i.note, "where": i.where}
                    for i in s.items
                ],
            }
            for s in sections
        ],
    }


@router.get("/inbox", response=responses(InboxOut), summary="站内消息（unread=true 只列未读），新的在前")
def inbox(request, unread: bool = False, limit: page_limit(200) = 50, offset: Offset = 0):
    qs = services.messages_for(request.auth, unread=unread)
    return {"count": qs.count(), "unread": services.unread_count(request.auth), "items": [_message(m) for m in qs[offset : offset + limit]]}


@router.post("/inbox/read-all", response=responses(InboxReadAllOut), summary="全部标为已读")
def read_all(request):
    return {"marked": services.mark_all_read(request.auth)}


@router.post("/inbox/{id}/read", response=responses(InboxMessageOut), summary="一条消息标为已读")
def read(request, id: int):
    return _message(services.mark_read(request.auth, id))
