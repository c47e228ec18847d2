"""A voucher's receipts: upload one, and serve one only through the scope gate."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from sanwu.core import uploads
from sanwu.core.errors import Invalid, Refused
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.web import role_required

from .. import attachments, services
from ..forms import AttachmentForm
from ..models import Attachment
from .common import forbidden, get_book, get_voucher, may, problem_lines, refused
from .vouchers import voucher_page


@role_required()
@require_POST
def attachment_add(request, code: str, pk: int):
    book = get_book(request, code)
    voucher = get_voucher(request, book, pk)
    if not may(request.user, book, services.MAKE_ROLES | services.POST_ROLES):
        return forbidden(request, book, "attachment.add")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return voucher_page(request, book, voucher, ["请选择要上传的文件（JPEG、PNG 或 PDF）"], upload_form=form)
    upload = form.cleaned_data["file"]
    data = upload.read(attachments.MAX_BYTES + 1)  # the service refuses anything larger
    try:
        attachments.add_attachment(request.user, voucher, upload.name, data)
    except Invalid as exc:
        return voucher_page(request, book, voucher, problem_lines(exc), upload_form=form)
    except Refused:
        return refused(request)
    messages.success(request, f"附件「{upload.name}」已上传。")
    return redirect("ledger:voucher", book.code, voucher.pk)


@role_required()
def attachment_file(request, code: str, pk: int):
    """The receipt itself, only through the scope gate (never a public media URL)."""
    book = get_book(request, code)
    att = get_visible_or_404(Attachment, request.user, pk=pk, voucher__book=book)
    return uploads.file_response(att.file, att.content_type, att.filename, download=request.GET.get("download") == "1")
