"""Every history model is a `core.models.Event` and every uploaded-file model a
`core.models.StoredFile` (served by `core.views.serve_file`): one shape each, no exceptions."""

from django.apps import apps
from django.db import models

from sanwu.core.models import AuditEvent, Event, StoredFile

# The audit trail is not a thing's history: it has its own shape (channel, request, old/new).
NOT_HISTORY = {AuditEvent}


def _sanwu_models():
    return [m for m in apps.get_models() if m.__module__.startswith("sanwu.")]


def test_every_history_model_is_a_core_event():
    history = [
        m for m in _sanwu_models()
        if m not in NOT_HISTORY and (m.__name__.endswith(("Event", "History")) or {"action", "actor"} <= {f.name for f in m._meta.fields})
    ]
    assert len(history) >= 7  # warnings, assessment, matters, disclosures, questions, tasks, cadre rewards
    assert [m.__name__ for m in history if not issubclass(m, Event)] == []


def test_every_uploaded_file_model_is_a_stored_file():
    with_files = [m for m in _sanwu_models() if any(isinstance(f, models.FileField) for f in m._meta.fields)]
    assert {m.__name__ for m in with_files} >= {"Attachment", "StageAttachment", "TaskEvidence"}
    assert [m.__name__ for m in with_files if not issubclass(m, StoredFile)] == []
