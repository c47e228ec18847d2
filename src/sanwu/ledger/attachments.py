"""Receipts (原始凭证) attached to vouchers: JPEG, PNG or PDF, type checked by content,
size-limited, sha256 kept. A posted voucher's attachments can no longer be removed."""

import hashlib

import filetype
from django.core.files.base import ContentFile
from django.db import transaction

from sanwu.core import audit
from sanwu.core.errors import Invalid, Problem

from .models import Attachment, Voucher
from .services import MAKE_ROLES, POST_ROLES, _require

MAX_BYTES = 10 * 1024 * 1024
ALLOWED = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def attachment_errors(filename: str, data: bytes) -> list[Problem]:
    if not data:
        return [Problem(f"附件「{filename}」是空文件", field="file")]
    if len(data) > MAX_BYTES:
        return [Problem(f"附件「{filename}」超过 {MAX_BYTES // 1024 // 1024} MB", field="file")]
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        return [Problem(f"附件「{filename}」不是 JPEG、PNG 或 PDF 文件（按内容识别）", field="file")]
    return []


def add_attachment(user, voucher: Voucher, filename: str, data: bytes) -> Attachment:
    """Attach a receipt. Allowed while the voucher is not posted (the maker or a poster)."""
    _require(user, voucher.book, MAKE_ROLES | POST_ROLES, "上传附件")
    problems = attachment_errors(filename, data)
    if voucher.status == "posted":
        problems.append(Problem("已记账的凭证不能再增加附件"))
    if problems:
        raise Invalid(problems)
    mime = filetype.guess(data).mime
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        v = Voucher.objects.select_for_update().get(pk=voucher.pk)
        att = Attachment(
            voucher=v, filename=filename[:200], content_type=mime, size=len(data), sha256=digest,
            uploaded_by=user if user is not None else None,
        )
        att.file.save(f"{digest[:16]}.{ALLOWED[mime]}", ContentFile(data), save=False)
        att.save()
        v.attachment_count = v.attachments.count()
        v.save(update_fields=["attachment_count"])
        audit.record("attachment.add", att, actor=user, new={"voucher": v.pk, "sha256": digest, "size": len(data)}, region_code=v.book.region_id)
    return att
