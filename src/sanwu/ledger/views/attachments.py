"""A voucher's receipts: upload one (each is served by `core.views.serve_file`)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from sanwu.core.errors import Invalid, Refused
from sanwu.core.web import role_required

from .. import attachments, services
from ..forms import AttachmentForm
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
