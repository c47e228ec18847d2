"""股权证: the cooperative's certificates, issue and reissue, the PDF; and the public pages (no
login): the check page a certificate's QR code opens and the household lookup by certificate
number and 查询码. Thin: every object through the scope gate or a public service, every change
through a service."""

from django.conf import settings
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sanwu.core import dates, permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.core.middleware import client_ip
from sanwu.core.pdf import pdf_bytes_response
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, flash_problems, paginate, role_required, shows_problems

from .. import rules
from ..forms import CertificateForm, LookupForm
from ..models import Certificate, CertificateEvent, Household
from ..services import certificates as service
from ..services.permissions import KEEP_ROLES
from ..tables import certificates_table
from .members import collective_or_404


def base_url(request) -> str:
    """Where villagers reach this site: SANWU_PUBLIC_BASE_URL if set, else the request's host."""
    return settings.SANWU_PUBLIC_BASE_URL or request.build_absolute_uri("/")


def _certificate_or_404(request, pk: int, number: str):
    c = collective_or_404(request, pk)
    cert = permissions.get_visible_or_404(Certificate, request.user, collective=c, number=number)
    return c, cert


@role_required()
def certificates(request, pk: int):
    c = collective_or_404(request, pk)
    qs = service.certificates_of(c)
    status = request.GET.get("status") or ""
    if status in rules.CERTIFICATE_STATUSES:
        qs = qs.filter(status=status)
    text = (request.GET.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(holder__household__number=text) | Q(holder__member__household__number=text) | Q(number=text.upper()))
    heads = service.head_names(c)
    fmt = export_format(request)
    if fmt:
        return download(certificates_table(qs, heads), f"股权证-{c.name}", fmt)
    page = paginate(request, qs)
    ctx = {
        "c": c, "page": page, "rows": certificates_table(page.object_list, heads).rows, "q": text, "status": status,
        "statuses": rules.CERTIFICATE_STATUSES, "may_keep": permissions.may(request.user, KEEP_ROLES, c.region_id),
    }
    return render(request, "coop/certificates.html", ctx)


@role_required(*KEEP_ROLES)
@shows_problems
def certificate_new(request, pk: int, problems=()):
    """Issue a household's certificate, or reissue it (confirmed: the old one and its 查询码 are
    void). The answer to the POST shows the 查询码 once, with the PDF that prints it."""
    c = collective_or_404(request, pk)
    permissions.require(request.user, KEEP_ROLES, c.region_id, "发放股权证", object_type="coop.certificate.issue")
    today = dates.today()
    number = (request.POST.get("household") or request.GET.get("household") or "").strip()
    member_id = (request.POST.get("member_id") or request.GET.get("member_id") or "").strip()
    hh = Household.objects.filter(collective=c, number=number).first() if number else None
    current = service.current_certificate(service.household_holder_for(c, number, member_id)) if hh else None
    form = CertificateForm(
        request.POST or None, initial={"household": number, "member_id": member_id, "as_at": today, "issued_on": today, "replaces": current.number if current else ""},
    )
    if request.method == "POST" and not problems:
        d = checked(form)
        holder = service.household_holder_for(c, d["household"], d["member_id"])
        if d["replaces"] and not d["confirm"]:
            raise Invalid([Problem(f"{d['household']}户已有有效的股权证{d['replaces']}：换发将使原证和原查询码作废，请勾选确认", field="确认")])
        cert, code = service.issue_certificate(
            request.user, holder, as_at=d["as_at"], issued_on=d["issued_on"], collective=c, replaces=d["replaces"] or "",
        )
        ctx = {"c": c, "cert": cert, "code": rules.format_query_code(code), "raw_code": code, "reissue": cert.supersedes_id is not None}
        return render(request, "coop/certificate_issued.html", ctx)
    ctx = {"c": c, "form": form, "problems": problems, "current": current, "household": hh}
    return render(request, "coop/certificate_new.html", ctx)


@role_required()
def certificate_detail(request, pk: int, number: str):
    c, cert = _certificate_or_404(request, pk, number)
    ctx = {
        "c": c, "cert": cert, "status": rules.CERTIFICATE_STATUSES[cert.status],
        "holder": service.holder_label(cert.holder), "head": service.head_names(c).get(cert.holder.household_id, "") if cert.holder.kind == "household" else "",
        "lines": [{"class": ln["class"], "shares": rules.format_units(ln["units"])} for ln in cert.holdings],
        "total": rules.format_units(cert.total_units),
        "successor": getattr(cert, "superseded_by", None) if cert.status == "superseded" else None,
        "events": CertificateEvent.objects.filter(certificate=cert).select_related("actor"),
        "may_keep": permissions.may(request.user, KEEP_ROLES, c.region_id),
        "check_url": service.check_url(cert, base_url(request)),
        "household": service.household_of(cert.holder).number,
    }
    return render(request, "coop/certificate.html", ctx)


@require_http_methods(["GET", "POST"])
@role_required()
@shows_problems
def certificate_pdf(request, pk: int, number: str, problems=()):
    """The certificate's PDF: without the 查询码 for everyone in scope (查询码见原证); with it
    only for the accountant who holds it (the page that issued it posts it back). Audited."""
    c, cert = _certificate_or_404(request, pk, number)
    if problems:
        flash_problems(request, problems)
        return redirect("coop:certificate", c.pk, cert.number)
    code = None
    if request.method == "POST":
        permissions.require(request.user, KEEP_ROLES, c.region_id, "打印带查询码的股权证", object_type="coop.certificate.pdf", object_id=cert.pk)
        code = request.POST.get("code") or None
        if code is None or cert.status != "valid":
            raise Invalid([Problem("只有有效的股权证在发证时可以打印查询码", field="查询码")])
    data = service.certificate_pdf(cert, code, base_url=base_url(request))
    service.record_download(request.user, cert, with_code=code is not None)
    return pdf_bytes_response(data, f"股权证-{cert.number}")


# --- public pages (no login) --------------------------------------------------------------------


def public_check(request, number: str, token: str):
    """The page a certificate's QR code opens: masked holder, shares, valid or superseded. A
    wrong token and an unknown number get the same page (404)."""
    data = service.check(number, token)
    resp = render(request, "coop/public_check.html", {"cert": data}, status=200 if data else 404)
    resp["Cache-Control"] = "no-store"
    resp["X-Robots-Tag"] = "noindex"
    return resp


@never_cache
@require_http_methods(["GET", "POST"])
def public_lookup(request):
    """The household lookup: certificate number and 查询码, both required; that one household's
    shares and dividends, or one message for every miss. Throttled per client address."""
    form = LookupForm(request.POST or None)
    ctx = {"form": form, "limits": {"per_address": service.LOOKUP_FAILURES_PER_ADDRESS}}
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            ctx["problem"], status = "请填写证书编号和查询码（都印在股权证上）", 422
        else:
            try:
                found = service.lookup(form.cleaned_data["number"], form.cleaned_data["code"], ip=client_ip(request) or "")
            except Invalid as exc:
                ctx["problem"], status = exc.messages[0], 429
            else:
                if found is None:
                    ctx["problem"] = "没有查到：请核对证书编号和查询码。换发过的股权证，原证的查询码不能再用。"
                else:
                    ctx["h"] = found
                    ctx["form"] = LookupForm()
    resp = render(request, "coop/public_lookup.html", ctx, status=status)
    resp["X-Robots-Tag"] = "noindex"
    return resp
