"""Outbound reminders: one notifier interface. The configured notifier gets every message after
its transaction commits (nothing is sent for a change rolled back).

- `NullNotifier` — the default when no webhook is set: nothing leaves the machine.
- `WebhookNotifier` — posts to `SANWU_NOTIFY_WEBHOOK`: a WeCom (企业微信) group robot
  (`SANWU_NOTIFY_FORMAT=wecom`, the default: `{"msgtype": "text", "text": {"content": …}}`) or an
  SMS gateway taking plain JSON (`SANWU_NOTIFY_FORMAT=json`: recipient, title, body, link).
  A failure is logged, never raised: the inbox row is the record, the reminder is a courtesy.
- `RecordingNotifier` — keeps what it was given (tests; nothing is sent).
"""

import json
import logging
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    username: str
    name: str
    kind: str
    title: str
    body: str = ""

    @property
    def text(self) -> str:
        head = f"【三务】{self.name or self.username}：{self.title}"
        return f"{head}\n{self.body}" if self.body else head


class Notifier:
    def send(self, reminders: list[Reminder]) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class NullNotifier(Notifier):
    def send(self, reminders: list[Reminder]) -> None:
        return None


@dataclass
class RecordingNotifier(Notifier):
    sent: list[Reminder] = field(default_factory=list)

    def send(self, reminders: list[Reminder]) -> None:
        self.sent.extend(reminders)


@dataclass
class WebhookNotifier(Notifier):
    url: str
    format: str = "wecom"
    timeout: float = 5.0

    def payload(self, r: Reminder) -> dict:
        if self.format == "wecom":
            return {"msgtype": "text", "text": {"content": r.text}}
        return {"recipient": r.username, "name": r.name, "kind": r.kind, "title": r.title, "body": r.body}

    def send(self, reminders: list[Reminder]) -> None:
        for r in reminders:
            data = json.dumps(self.payload(r), ensure_ascii=False).encode()
            req = urllib.request.Request(self.url, data=data, headers={"Content-Type": "application/json; charset=utf-8"})
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - the operator's URL
                    resp.read(1024)
            except Exception as exc:  # a reminder never breaks the change it reports
                log.warning("notify webhook failed: %s", exc)


_override: Notifier | None = None


def notifier() -> Notifier:
    """The notifier in use: the one set by `use_notifier`, else the webhook when configured."""
    if _override is not None:
        return _override
    url = getattr(settings, "SANWU_NOTIFY_WEBHOOK", "")
    if not url:
        return NullNotifier()
    return WebhookNotifier(url, getattr(settings, "SANWU_NOTIFY_FORMAT", "wecom"))


def use_notifier(n: Notifier | None) -> Notifier | None:
    """Put `n` in place of the configured notifier (None: back to the settings); returns the previous."""
    global _override
    previous, _override = _override, n
    return previous
