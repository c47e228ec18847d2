"""The workbench and the inbox, by topic, re-exported so callers write `services.x`:

- `inbox`: `notify` (the one function other apps call, in their transaction), `holders` (who
  holds a role over a region: the usual recipients), a user's messages, unread count, mark read
- `notifier`: the one outbound interface (WeCom / SMS webhook, or nothing; recording in tests)
- `home`: `workbench_for(user)`, the sections of a user's home page
"""

from .home import Item, Section, Target, total, workbench_for
from .inbox import enclosing_codes, holders, mark_all_read, mark_read, message_for, messages_for, notify, unread_count
from .notifier import NullNotifier, RecordingNotifier, Reminder, WebhookNotifier, notifier, use_notifier

__all__ = [
    "Item",
    "NullNotifier",
    "RecordingNotifier",
    "Reminder",
    "Section",
    "Target",
    "WebhookNotifier",
    "enclosing_codes",
    "holders",
    "mark_all_read",
    "mark_read",
    "message_for",
    "messages_for",
    "notifier",
    "notify",
    "total",
    "unread_count",
    "use_notifier",
    "workbench_for",
]
