"""PDF from a Django template through WeasyPrint (Noto Sans CJK SC, see templates/pdf/base.html)."""

from django.http import HttpResponse
from django.template.loader import render_to_string


def layout(html: str):
    """WeasyPrint's laid-out document (its pages), before it is written as PDF."""
    from weasyprint import HTML

    return HTML(string=html).render()


def html_to_pdf(html: str, **options) -> bytes:
    """`options` go to WeasyPrint's write_pdf (tests use uncompressed_pdf=True to read fonts)."""
    return layout(html).write_pdf(**options)


def render_pdf(template_name: str, context: dict, **options) -> bytes:
    return html_to_pdf(render_to_string(template_name, context), **options)


def pdf_response(template_name: str, context: dict, filename: str) -> HttpResponse:
    from urllib.parse import quote

    resp = HttpResponse(render_pdf(template_name, context), content_type="application/pdf")
    resp["Content-Disposition"] = f"inline; filename=\"document.pdf\"; filename*=UTF-8''{quote(filename)}.pdf"
    return resp
