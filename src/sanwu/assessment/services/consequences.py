"""The one place this app puts work into the task ledger (重点工作台账, `sanwu.partywork`).

Follow-up tasks of analysis rounds, listed difficult villages, rectifications and assessment
consequences all become ledger tasks through `assign_ledger_task`. The returned task id is kept
on our row, so a task is never assigned twice; rows kept while the ledger was not installed get
their task the next time their service runs (re-running is idempotent).
"""

import datetime as dt
import importlib
import importlib.util


def ledger_available() -> bool:
    """Whether the task ledger's service is installed."""
    if importlib.util.find_spec("sanwu.partywork.services") is None:
        return False
    return hasattr(importlib.import_module("sanwu.partywork.services"), "assign_task")


def assign_ledger_task(
    user,
    *,
    title: str,
    region_code: str,
    deadline: dt.date,
    source_kind: str,
    source_ref: str = "",
    description: str = "",
    origin: str = "",
    year: int | None = None,
    assigned_on: dt.date | None = None,
) -> int | None:
    """Assign a task in the ledger and return its id (None when the ledger is not installed).

    `source_kind` is "analysis", "rectification" or "assessment"; `origin` names our row
    ("assessment.consequence:42") so the ledger can link back; `assigned_on` is the day the work
    was decided (a round's date, a screening's, the day consequences were applied). The ledger checks the acting
    user's permissions itself; its `Invalid`/`Refused` propagate and roll back our transaction.
    """
    if not ledger_available():
        return None
    services = importlib.import_module("sanwu.partywork.services")
    task = services.assign_task(
        user,
        title=title[:200],
        region_code=region_code,
        deadline=deadline,
        source_kind=source_kind,
        source_ref=source_ref,
        description=description,
        origin=origin,
        year=year,
        assigned_on=assigned_on,
    )
    return task.pk
