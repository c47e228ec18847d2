"""The statistics brief (工作简报): on the page, and as text, a Word document or a PDF
(`?format=txt|doc|pdf`; the PDF is made in the background, core.downloads)."""

from django.http import HttpResponse
from django.shortcuts import render

from sanwu.core.tables import disposition
from sanwu.core.web import prepared_download, role_required

from .. import services
from .common import base_context, region_param, year_param


@role_required()
def brief(request):
    errors: list[str] = []
    region = region_param(request, errors)
    year, years = year_param(request, region, errors)
    base_raw = request.GET.get("base", "").strip()
    base = None
    if base_raw:
        if base_raw.isdigit() and int(base_raw) in years and int(base_raw) <= year:
            base = int(base_raw)
        else:
            errors.append(f"基准年「{base_raw}」无效，已改用上一年")
    fmt = request.GET.get("format", "")
    filename = f"集体经济简报-{region.name}-{year}年"
    if fmt == "pdf":  # dozens of pages: laid out in the background, with progress on a page
        return prepared_download(request, "economy.brief.pdf", {"region": region.code, "year": year, "base": base}, f"{filename}.pdf")
    b = services.brief.build(request.user, region, year, base)
    if fmt == "txt":
        return _file(services.brief.to_text(b).encode("utf-8"), "text/plain; charset=utf-8", f"{filename}.txt")
    if fmt == "doc":
        return _file(services.brief.to_doc_html(b).encode("utf-8"), "application/msword; charset=utf-8", f"{filename}.doc")
    ctx = base_context(request, region, "brief", errors, year=year, years=years, base=b.base_year, base_raw=base_raw, b=b, **services.brief.context(b))
    return render(request, "economy/brief.html", ctx)


def _file(data: bytes, content_type: str, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = disposition(filename)
    return resp
