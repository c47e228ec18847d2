"""Minutes, sign-in sheets and photos of a stage: JPEG, PNG or PDF, type checked by content
(filetype), size-limited, sha256 kept. Never deleted; served only through the scope gate
(they may show villagers' names and signatures, so they never go to the public page)."""

from django.db import transaction

from sanwu.core import audit, uploads
from sanwu.core.errors import Invalid, Problem

from ..models import Matter, StageAttachment, StageRecord
from ..rules import fname
from sanwu.core.permissions import require

from .permissions import RECORD_ROLES

MAX_BYTES = uploads.MAX_BYTES
ALLOWED = uploads.ALLOWED
KINDS = dict(StageAttachment.KINDS)


def attachment_errors(filename: str, data: bytes, kind: str = "other") -> list[Problem]:
    problems = []
    if kind not in KINDS:
        problems.append(Problem(f"附件类型「{kind}」无效（{'、'.join(KINDS.values())}）", field=fname("kind")))
    problems.extend(uploads.upload_errors(filename, data, max_bytes=MAX_BYTES))
    return problems


def add_attachment(user, record: StageRecord, filename: str, data: bytes, kind: str = "other") -> StageAttachment:
    """Attach a file to a recorded stage (the village secretary). Allowed after recording too —
    photos and scanned sign-in sheets often come later — but not on an abandoned matter."""
    matter = record.matter
    require(user, RECORD_ROLES, matter.village_id, "上传四议两公开附件", object_type="decisions.attachment", object_id=matter.pk)
    problems = attachment_errors(filename, data, kind)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        m = Matter.objects.select_for_update().get(pk=matter.pk)
        if m.status == "abandoned":
            raise Invalid(Problem("事项已终止，不能再上传附件"))
        att = StageAttachment.store(user, filename, data, record=record, kind=kind)
        audit.record(
            "decision.attachment", att, actor=user, region_code=m.village_id,
            new={"matter": m.pk, "stage": record.stage, "record": record.pk, "kind": kind, "sha256": att.sha256, "size": att.size},
        )
    return att
