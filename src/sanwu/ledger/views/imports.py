"""The voucher import page: upload a CSV/XLSX file, see every problem by row and column, or
the counts of what was written. Thin: the importer does the work."""

from django.contrib import messages
from django.shortcuts import redirect, render

from sanwu.core.errors import Invalid, Refused
from sanwu.core.web import role_required

from .. import imports as importer
from .common import book_context, get_book

IMPORT_ROLES = ("village_accountant", "township_supervisor", "county_supervisor")
MAX_UPLOAD = 50 * 1024 * 1024


def summary(result: dict, post: bool) -> str:
    done = f"已记账 {result['posted']} 张" if post else f"存为草稿 {result['drafts']} 张，待提交审核"
    return f"导入完成：凭证 {result['vouchers']} 张、分录 {result['entries']} 条，{done}（{'、'.join(result['months'])}）。"


@role_required(*IMPORT_ROLES)
def import_vouchers(request, code: str):
    book = get_book(request, code)
    problems: list[str] = []
    done = ""
    post = request.method == "POST" and request.POST.get("post") == "on"
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = ["请选择要导入的 CSV 或 Excel 文件"]
        elif upload.size > MAX_UPLOAD:
            problems = [f"文件「{upload.name}」超过 {MAX_UPLOAD // 1024 // 1024} MB，请分成几个文件导入"]
        else:
            try:
                result = importer.import_vouchers(request.user, book, upload.read(), upload.name, post=post)
            except Invalid as exc:
                problems = exc.messages
            except Refused as exc:
                problems = [str(exc)]
            else:
                done = summary(result, post)
                if not request.htmx:
                    messages.success(request, done)
                    return redirect("ledger:import_vouchers", code=book.code)
    return render(
        request,
        "ledger/import.html",
        {
            **book_context(request, book, "import"),
            "problems": problems, "done": done, "post": post, "columns": importer.COLUMNS, "required": importer.REQUIRED,
        },
    )
