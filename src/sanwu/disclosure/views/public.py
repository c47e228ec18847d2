"""The public village page (no login) and what hangs off it: a published disclosure, the QR
code, the printable notice for the notice board, and the question form.

These views read only through the published-only service functions (`services.public_*`); they
never touch a queryset of their own.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import condition, require_POST

from sanwu.core.caching import etag, frozen_page
from sanwu.core.middleware import client_ip
from sanwu.core.pdf import pdf_response
from sanwu.core.tables import disposition
from sanwu.core.errors import Invalid

from .. import services
from ..services import versions
from ..forms import AskForm
from .display import dress


def base_url(request) -> str:
    """Where villagers reach this site: SANWU_PUBLIC_BASE_URL if set, else the request's host."""
    return settings.SANWU_PUBLIC_BASE_URL or request.build_absolute_uri("/")


def public_url(village_code: str, base_url: str) -> str:
    """The absolute address of a village's public page (what its QR code encodes)."""
    return base_url.rstrip("/") + reverse("disclosure:village_public", args=[village_code])


def _village_or_404(code: str, details: bool = False) -> dict:
    data = services.public_village(code, details)
    if data is None:
        raise Http404("没有这个村")
    return data


def _village_page(request, code: str, form: AskForm | None = None, problems=None, status: int = 200):
    data = _village_or_404(code, details=True)
    latest = data["latest"]
    return render(
        request,
        "disclosure/public/village.html",
        {
            "v": data,
            "latest": latest,
            "s": dress(latest["snapshot"]) if latest else None,
            "form": form or AskForm(),
            "problems": problems or [],
            "public_url": public_url(code, base_url(request)),
            "limits": {"text": services.QUESTION_MAX, "contact": services.CONTACT_MAX},
        },
        status=status,
    )


@frozen_page(versions.village)
def village(request, code: str):
    return _village_page(request, code)


@require_POST
def ask(request, code: str):
    """Ask, then follow the question on its own page (its number, state and deadline); a problem
    with a field is shown beside that field, any other above the form."""
    form = AskForm(request.POST)
    if form.is_valid():
        try:
            q = services.ask(code, form.cleaned_data["text"], form.cleaned_data["contact"], ip=client_ip(request) or "")
        except Invalid as exc:
            if services.public_village(code, details=False) is None:
                raise Http404("没有这个村") from None
            for p in exc.problems:
                form.add_error(p.field if p.field in form.fields else None, p.message)
        else:
            return redirect(reverse("disclosure:public_question", args=[code, q.pk]) + "?new=1")
    elif services.public_village(code, details=False) is None:
        raise Http404("没有这个村")
    return _village_page(request, code, form, form.non_field_errors(), status=422)


def question(request, code: str, pk: int):
    """A question's own public page: its number, state, the real deadline and, once given, the
    answer — masked like everything public. Another village's question is not found here."""
    data = _village_or_404(code)
    q = services.public_question(code, pk)
    if q is None:
        raise Http404("没有这个提问")
    url = request.build_absolute_uri(reverse("disclosure:public_question", args=[code, pk]))
    return render(request, "disclosure/public/question.html", {"v": data, "q": q, "new": request.GET.get("new") == "1", "url": url})


def _image(content: bytes, content_type: str, filename: str) -> HttpResponse:
    resp = HttpResponse(content, content_type=content_type)
    resp["Cache-Control"] = "public, max-age=86400"
    resp["Content-Disposition"] = disposition(filename, inline=True)
    return resp


def qr_png(request, code: str):
    data = _village_or_404(code)
    return _image(services.qr_png(public_url(code, base_url(request))), "image/png", f"{data['name']}二维码.png")


def qr_svg(request, code: str):
    data = _village_or_404(code)
    return _image(services.qr_svg(public_url(code, base_url(request))), "image/svg+xml", f"{data['name']}二维码.svg")


@frozen_page(versions.disclosure)
def disclosure(request, code: str, pk: int):
    data = _village_or_404(code)
    d = services.public_disclosure(code, pk)
    if d is None:
        raise Http404("没有这期公开")
    return render(request, "disclosure/public/disclosure.html", {"v": data, "d": d, "s": dress(d["snapshot"])})


def _notice_etag(request, code: str, pk: int) -> str | None:
    version = versions.disclosure(code, pk)
    return etag("notice", version, request.get_host()) if version is not None else None


@condition(etag_func=_notice_etag)
def notice_pdf(request, code: str, pk: int):
    """The A4 notice for the village notice board (公开栏): the disclosure's tables and the QR code."""
    data = _village_or_404(code)
    d = services.public_disclosure(code, pk)
    if d is None:
        raise Http404("没有这期公开")
    url = public_url(code, base_url(request))
    ctx = {"v": data, "d": d, "s": dress(d["snapshot"]), "qr": services.qr_data_uri(url), "public_url": url}
    return pdf_response("disclosure/pdf/notice.html", ctx, f"{data['name']}财务公开-{d['period']}")
