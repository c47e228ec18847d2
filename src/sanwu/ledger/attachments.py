"""Receipts (原始凭证) attached to vouchers: JPEG, PNG or PDF, type checked by content,
size-limited, sha256 kept. A posted voucher's attachments can no longer be removed."""

from django.db import transaction

from sanwu.core import uploads
from sanwu.core.errors import Invalid, Problem

from .models import Attachment, Voucher
from .services import MAKE_ROLES, POST_ROLES
from .services.roles import require_role
from .services.vouchers import store_receipt

MAX_BYTES = uploads.MAX_BYTES
ALLOWED = uploads.ALLOWED


def attachment_errors(filename: str, data: bytes) -> list[Problem]:
    return uploads.upload_errors(filename, data)


def add_attachment(user, voucher: Voucher, filename: str, data: bytes) -> Attachment:
    """Attach a receipt. Allowed while the voucher is not posted (the maker or a poster)."""
    require_role(user, voucher.book, MAKE_ROLES | POST_ROLES, "上传附件")
    problems = attachment_errors(filename, data)
    if voucher.status == "posted":
        problems.append(Problem("已记账的凭证不能再增加附件"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        v = Voucher.objects.select_for_update().select_related("book").get(pk=voucher.pk)
        return store_receipt(user, v, filename, data)
