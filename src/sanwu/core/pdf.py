"""PDF from a Django template through WeasyPrint (Noto Sans CJK SC, see templates/pdf/base.html)."""

import gc
from contextlib import contextmanager

from django.http import HttpResponse
from django.template.loader import render_to_string

_collecting = {"paused": 0}


@contextmanager
def few_collections():
    """WeasyPrint makes millions of small objects while it lays out and draws a document, and
    Python's cyclic garbage collector, run every 700 of them, goes through the whole process each
    time it reaches its oldest generation: Django, the models, the fonts. Meanwhile the objects
    already there are frozen (never gone through again) and the youngest generation collected ten
    times less often: the brief's 36 pages took 4.7–4.8 s of CPU in the worker, 3.5–3.8 s so
    (docs/performance.md). Nested uses are one; everything is collected normally afterwards."""
    if _collecting["paused"]:
        yield
        return
    threshold = gc.get_threshold()
    _collecting["paused"] += 1
    gc.freeze()
    gc.set_threshold(threshold[0] * 10, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
        _collecting["paused"] -= 1


def layout(html: str):
    """WeasyPrint's laid-out document (its pages), before it is written as PDF (`write`)."""
    from weasyprint import HTML

    with few_collections():
        return HTML(string=html).render()


def write(document, out=None, **options):
    """The laid-out `document` as PDF: written to the binary file `out`, or returned as bytes.
    `options` go to WeasyPrint's write_pdf (tests use uncompressed_pdf=True to read fonts)."""
    with few_collections():
        return document.write_pdf(out, **options)


def html_to_pdf(html: str, **options) -> bytes:
    return write(layout(html), **options)


def render_pdf(template_name: str, context: dict, **options) -> bytes:
    return html_to_pdf(render_to_string(template_name, context), **options)


def pdf_response(template_name: str, context: dict, filename: str) -> HttpResponse:
    return pdf_bytes_response(render_pdf(template_name, context), filename)


def pdf_bytes_response(data: bytes, filename: str) -> HttpResponse:
    """A PDF answered inline under its Chinese name (`filename` without .pdf)."""
    from urllib.parse import quote

    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f"inline; filename=\"document.pdf\"; filename*=UTF-8''{quote(filename)}.pdf"
    return resp
