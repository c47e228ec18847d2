"""股权证: the cooperative's certificates, their PDF, the public check by QR code and the
household lookup by certificate number and 查询码.

- `issue_certificate`: the village accountant issues a household's (or, when the county holds
  shares per member, a member's) certificate: numbered per cooperative under its row lock
  (`<village code>-<sequence>`), the holder's shares by class as at a date, and a fresh random
  查询码 that is returned once and stored only as a keyed hash (`core.crypto.lookup_hash`). A
  holder that already has a valid certificate gets a reissue: the old one is superseded, the new
  one names it; nothing is deleted.
- `certificate_pdf`: the one-page A4 certificate (WeasyPrint), with the query code only when it
  is given (at issue) and a QR code that opens the public check page.
- `check(number, token)`: the public check page's data. The QR code carries the number and a
  token, a keyed hash of the number (not stored), so numbers cannot be enumerated; an unknown
  number and a wrong token answer the same None.
- `lookup(number, query_code, ip=…)`: the household lookup: both keys, throttled per client
  address (and per number typed), compared in constant time; a wrong code, a superseded
  certificate and an unknown number answer the same None.
- `public_summary(village_code)`: the village page's section (share totals by class).

Pages, the API and the CLI build URLs; nothing here does but `check_path`, which is the QR's.
"""

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from sanwu.core import audit, crypto, dates, permissions
from sanwu.core.codes import normalize_id_number
from sanwu.core.errors import Invalid, Problem
from sanwu.core.masking import mask_id_number
from sanwu.core.pdf import render_pdf
from sanwu.ledger.models import Collective
from sanwu.regions.models import Person

from .. import rules
from ..models import (
    Certificate, CertificateEvent, Distribution, DistributionEvent, DistributionLine, Holder, Holding, Household, LookupAttempt, Member, ShareClass,
    ShareOperation,
)
from .holdings import totals_by_class
from .permissions import KEEP_ROLES
from .register import holdings_at, household_holder, lock_collective

# The household lookup's throttle (per hour): failed tries from one address, and failed tries at
# one number from anywhere (a number being guessed at from many addresses).
LOOKUP_FAILURES_PER_ADDRESS = 10
LOOKUP_FAILURES_PER_NUMBER = 30
LOOKUP_WINDOW = dt.timedelta(hours=1)
LOOKUP_KEEP = dt.timedelta(days=1)
THROTTLED = "查询太频繁，请一小时后再试"
TOKEN_LENGTH = 24  # hex characters of the QR's token (96 bits)
DISTRIBUTION_SHOWN = ("approved", "posted")  # a household sees its dividend once the township approved the plan


# --- keys --------------------------------------------------------------------------------------


def new_query_code() -> str:
    return "".join(secrets.choice(rules.QUERY_CODE_ALPHABET) for _ in range(rules.QUERY_CODE_LENGTH))


def query_code_hash(number: str, code: str) -> str:
    """The keyed hash a certificate keeps of its 查询码 (bound to the number)."""
    return crypto.lookup_hash(f"coop.certificate.query:{number}:{rules.normalize_query_code(code)}")


def check_token(number: str) -> str:
    """The QR code's token for a certificate number: a keyed hash, never stored."""
    return crypto.lookup_hash(f"coop.certificate.check:{number}")[:TOKEN_LENGTH]


def check_path(certificate: Certificate) -> str:
    return reverse("coop:public_check", args=[certificate.number, check_token(certificate.number)])


def check_url(certificate: Certificate, base_url: str | None = None) -> str:
    """The absolute address the certificate's QR code opens (`SANWU_PUBLIC_BASE_URL`, else the
    base the caller gives, else this machine)."""
    base = base_url or settings.SANWU_PUBLIC_BASE_URL or "http://localhost:8000/"
    return base.rstrip("/") + check_path(certificate)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


# --- issue and reissue -------------------------------------------------------------------------


def holder_label(holder: Holder) -> str:
    if holder.kind == "household":
        return f"{holder.household.number}户"
    if holder.kind == "member":
        return holder.member.person.masked_name
    return rules.COLLECTIVE_HOLDER_LABEL


def holder_problems(holder: Holder, collective: Collective | None = None) -> list[Problem]:
    if collective is not None and holder.collective_id != collective.pk:
        return [Problem("不是本集体经济组织的持股人", field="户号")]
    if holder.kind == "collective":
        return [Problem("集体股不发股权证：股权证发给持股的户（或成员）", field="户号")]
    return []


def holdings_as_at(holder: Holder, as_at: dt.date) -> list[dict]:
    """The holder's shares by class at the end of `as_at`: what a certificate records."""
    held = holdings_at(holder.collective, as_at)
    out = []
    for c in ShareClass.objects.filter(collective_id=holder.collective_id):
        units = held.get((holder.pk, c.pk), 0)
        if units:
            out.append({"class_id": c.pk, "class": c.name, "units": units})
    return out


def current_certificate(holder: Holder) -> Certificate | None:
    return Certificate.objects.filter(holder=holder, status="valid").first()


def issue_certificate(
    user, holder: Holder, *, as_at: dt.date, issued_on: dt.date | None = None, collective: Collective | None = None,
    replaces: str | None = None,
) -> tuple[Certificate, str]:
    """Issue (or reissue) `holder`'s certificate as at `as_at`; returns it and its 查询码, which
    exists nowhere else afterwards. `collective`, when given, is the cooperative the caller works
    in (a holder of another is refused); `replaces`, when given, is the number of the valid
    certificate the caller saw ("" for none): a form posted twice does not reissue twice."""
    c = collective or holder.collective
    permissions.require(user, KEEP_ROLES, c.region_id, "发放股权证", object_type="coop.certificate.issue", object_id=holder.pk)
    issued_on = issued_on or dates.today()
    problems = holder_problems(holder, collective)
    if as_at > dates.today():
        problems.append(Problem(f"持股截止日期 {as_at} 晚于今天", field="持股截止日期"))
    if issued_on > dates.today():
        problems.append(Problem(f"发证日期 {issued_on} 晚于今天", field="发证日期"))
    if as_at > issued_on:
        problems.append(Problem(f"持股截止日期 {as_at} 晚于发证日期 {issued_on}", field="持股截止日期"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        lock_collective(c)
        old = Certificate.objects.select_for_update().filter(holder=holder, status="valid").first()
        if replaces is not None and replaces != (old.number if old else ""):
            now = f"现有效的股权证为{old.number}" if old else "现在没有有效的股权证"
            raise Invalid([Problem(f"{holder_label(holder)}的股权证已有变化（{now}），请刷新页面后再办理")])
        lines = holdings_as_at(holder, as_at)
        if not lines:
            raise Invalid([Problem(f"{holder_label(holder)}截至{as_at}没有股份，不能发股权证", field="户号")])
        prefix = c.region_id
        sequence = Certificate.objects.filter(number__startswith=f"{prefix}-").count() + 1
        number = rules.certificate_number(prefix, sequence)
        code = new_query_code()
        if old is not None:
            old.status = "superseded"
            old.save(update_fields=["status"])
            CertificateEvent.record(user, "supersede", from_status="valid", to_status="superseded", certificate=old, note=f"换发为{number}")
        cert = Certificate.objects.create(
            collective=c, number=number, holder=holder, as_at=as_at, issued_on=issued_on, holdings=lines, status="valid",
            supersedes=old, query_code_hash=query_code_hash(number, code), created_by=user if getattr(user, "pk", None) else None,
        )
        CertificateEvent.record(
            user, "reissue" if old else "issue", to_status="valid", certificate=cert, note=f"换发原证{old.number}" if old else "",
        )
        audit.record(
            "coop.certificate.issue", cert, actor=user, region_code=c.region_id,
            old={"number": old.number} if old else None,
            new={"number": number, "holder": holder_label(holder), "as_at": as_at, "issued_on": issued_on,
                 "shares": {ln["class"]: rules.format_units(ln["units"]) for ln in lines}},
        )
    return cert, code


# --- the certificate printed -------------------------------------------------------------------


def household_of(holder: Holder):
    return holder.household if holder.kind == "household" else holder.member.household


def members_as_at(household, on: dt.date) -> list[Member]:
    """The household's members of the cooperative on `on`, the head first."""
    qs = Member.objects.filter(household=household, is_member=True).select_related("person")
    return [m for m in qs if (m.joined_on is None or m.joined_on <= on) and (m.left_on is None or m.left_on > on)]


def certificate_context(certificate: Certificate, query_code: str | None = None, *, base_url: str | None = None) -> dict:
    """What the printed certificate shows. The holder's own paper: the head's (or the member's)
    name in full, every ID number masked, the other members' names masked."""
    from sanwu.disclosure.services import qr_data_uri  # the village page's QR codes, made the same way

    holder = certificate.holder
    household = household_of(holder)
    head = Member.objects.filter(household=household, is_head=True).select_related("person").first()
    own = holder.member if holder.kind == "member" else head  # whose name the paper prints in full
    name, id_masked = (own.person.name, own.person.id_number_masked) if own else ("", "")
    members = [
        {"name": m.person.name if own is not None and m.pk == own.pk else m.person.masked_name,
         "relation": rules.RELATIONS.get(m.relation, m.relation), "id_masked": m.person.id_number_masked}
        for m in members_as_at(household, certificate.as_at)
    ]
    url = check_url(certificate, base_url)
    return {
        "cert": certificate,
        "cooperative": certificate.collective.name,
        "village": certificate.collective.region.name,
        "holder_kind": rules.HOLDER_KINDS[holder.kind],
        "household": household.number,
        "name": name,
        "id_masked": id_masked,
        "members": members,
        "lines": [{"class": ln["class"], "shares": rules.format_units(ln["units"])} for ln in certificate.holdings],
        "total": rules.format_units(certificate.total_units),
        "query_code": rules.format_query_code(query_code) if query_code else "",
        "check_url": url,
        "qr": qr_data_uri(url),
        "supersedes": certificate.supersedes.number if certificate.supersedes_id else "",
        "status": rules.CERTIFICATE_STATUSES[certificate.status],
    }


def certificate_pdf(certificate: Certificate, query_code: str | None, *, base_url: str | None = None) -> bytes:
    """The one-page A4 股权证. The 查询码 is printed only when given (at issue); a reprint says
    查询码见原证."""
    if query_code and not _same(certificate.query_code_hash, query_code_hash(certificate.number, query_code)):
        raise Invalid([Problem("查询码与该股权证不符", field="查询码")])
    return render_pdf("coop/pdf/certificate.html", certificate_context(certificate, query_code, base_url=base_url))


def record_download(user, certificate: Certificate, *, with_code: bool) -> None:
    """Each PDF of a certificate handed out (it names the head in full) is in the audit trail."""
    audit.record(
        "coop.certificate.pdf", certificate, actor=user, region_code=certificate.collective.region_id,
        new={"number": certificate.number, "with_code": with_code, "status": certificate.status},
    )


# --- public: the check by QR code and the household lookup -------------------------------------


def _shares(pairs) -> list[dict]:
    return [{"class": name, "shares": rules.format_units(units)} for name, units in pairs]


def _head_masked(holder: Holder) -> str:
    if holder.kind == "member":
        return holder.member.person.masked_name
    head = Member.objects.filter(household_id=holder.household_id, is_head=True).select_related("person").first()
    return head.person.masked_name if head else ""


def _certificates():
    return Certificate.objects.select_related(
        "collective__region", "holder__household", "holder__member__person", "holder__member__household", "superseded_by",
    )


def check(number: str, token: str) -> dict | None:
    """The public check page: the certificate behind the QR code, masked — holder, shares by
    class as printed, valid or superseded (and by which number). None for an unknown number and
    for a wrong token alike."""
    number = rules.normalize_certificate_number(number)
    expected = check_token(number)
    cert = _certificates().filter(number=number).first()
    if not _same(expected, str(token or "")) or cert is None:
        return None
    successor = getattr(cert, "superseded_by", None) if cert.status == "superseded" else None
    return {
        **_identity(cert),
        "as_at": cert.as_at,
        "issued_on": cert.issued_on,
        "shares": _shares((ln["class"], ln["units"]) for ln in cert.holdings),
        "total": rules.format_units(cert.total_units),
        "valid": cert.status == "valid",
        "status": rules.CERTIFICATE_STATUSES[cert.status],
        "superseded_by": successor.number if successor else "",
    }


def _identity(cert: Certificate) -> dict:
    """Whose certificate it is, masked: what the check page and the household's lookup both show."""
    holder = cert.holder
    return {
        "number": cert.number, "cooperative": cert.collective.name, "village": cert.collective.region.name,
        "village_code": cert.collective.region_id, "holder_kind": rules.HOLDER_KINDS[holder.kind],
        "household": household_of(holder).number, "head": _head_masked(holder),
    }


def _throttled(ip_key: str, number_key: str, since) -> bool:
    failed = LookupAttempt.objects.filter(found=False, at__gte=since)
    if ip_key and failed.filter(ip_hash=ip_key).count() >= LOOKUP_FAILURES_PER_ADDRESS:
        return True
    return failed.filter(number_hash=number_key).count() >= LOOKUP_FAILURES_PER_NUMBER


def lookup(number: str, query_code: str, *, ip: str = "", now=None) -> dict | None:
    """The household lookup: that one household's current shares and dividends, or None — the
    same None for a wrong code, a superseded certificate and an unknown number. Both keys are
    required; throttled per client address and per number typed (`Invalid` THROTTLED, the same
    whether the number exists or not)."""
    now = now or timezone.now()
    number = rules.normalize_certificate_number(number)
    code = rules.normalize_query_code(query_code)
    ip_key = crypto.lookup_hash(f"coop.lookup.ip:{ip}") if ip else ""
    number_key = crypto.lookup_hash(f"coop.lookup.number:{number}")
    with transaction.atomic():
        if _throttled(ip_key, number_key, now - LOOKUP_WINDOW):
            raise Invalid([Problem(THROTTLED)])
        cert = _certificates().filter(number=number, status="valid").first() if number else None
        given = query_code_hash(number, code)
        found = _same(cert.query_code_hash if cert else "0" * 64, given) and cert is not None and bool(code)
        LookupAttempt.objects.filter(at__lt=now - LOOKUP_KEEP).delete()
        LookupAttempt.objects.create(at=now, ip_hash=ip_key, number_hash=number_key, found=found)
        if not found:
            return None
        audit.record("coop.certificate.lookup", cert, region_code=cert.collective.region_id, new={"number": cert.number})
    return household_view(cert)


def household_view(cert: Certificate) -> dict:
    """What the household's own lookup shows: its shares today, its dividends; masked."""
    holder = cert.holder
    held = Holding.objects.filter(holder=holder, units__gt=0).select_related("share_class").order_by("share_class__order", "share_class_id")
    shares = [(h.share_class.name, h.units) for h in held]
    return {
        **_identity(cert),
        "shares": _shares(shares),
        "total": rules.format_units(sum(u for _, u in shares)),
        "dividends": dividends_for(holder),
    }


def dividends_for(holder: Holder) -> list[dict]:
    """The holder's dividends from the distributions the township approved (and those posted):
    year, amount, paid and still owed, in fen, newest year first. Empty until there are any."""
    lines = (
        DistributionLine.objects.filter(holder=holder, distribution__status__in=DISTRIBUTION_SHOWN)
        .select_related("distribution").order_by("-distribution__year", "-id")
    )
    return [
        {"year": ln.distribution.year, "amount_fen": ln.amount, "paid_fen": ln.paid, "unpaid_fen": ln.amount - ln.paid}
        for ln in lines
    ]


# --- the village page's section ----------------------------------------------------------------


def public_summary(village_code: str) -> dict | None:
    """The village page's 股份经济合作社 section: each cooperative's share totals by class and how
    many households hold shares — no household listed. None when the village has no shares."""
    out = []
    for c in Collective.objects.filter(region_id=village_code).order_by("id"):
        totals = [(cls.name, units) for cls, units in totals_by_class(c) if units]
        if not totals:
            continue
        households = Holding.objects.filter(holder__collective=c, holder__kind__in=("household", "member"), units__gt=0)
        out.append({
            "name": c.name,
            "shares": _shares(totals),
            "total": rules.format_units(sum(u for _, u in totals)),
            "holders": households.aggregate(n=Count("holder", distinct=True))["n"],
            "distribution": approved_distribution(c),
        })
    return {"cooperatives": out} if out else None


def approved_distribution(collective: Collective) -> dict | None:
    """The newest distribution the township approved, for the village page (`distribution.public_plan`)."""
    from .distribution import public_plan

    return public_plan(collective)


# One statement: it runs for every request of the village page (`disclosure.services.versions`).
_VERSION = """
SELECT (SELECT MAX(o.id) FROM {o} o WHERE o.collective_id IN (SELECT c.id FROM {c} c WHERE c.region_id = %s)),
       (SELECT COUNT(*) FROM {s} s WHERE s.collective_id IN (SELECT c.id FROM {c} c WHERE c.region_id = %s)),
       (SELECT MAX(s.id) FROM {s} s WHERE s.collective_id IN (SELECT c.id FROM {c} c WHERE c.region_id = %s)),
       (SELECT MAX(e.id) FROM {e} e WHERE e.distribution_id IN
            (SELECT d.id FROM {d} d WHERE d.collective_id IN (SELECT c.id FROM {c} c WHERE c.region_id = %s)))
"""


def public_version(village_code: str) -> tuple:
    """What the village page's frozen copy depends on here (`disclosure.hooks`): the newest share
    operation and the share classes of the village's cooperatives (a renamed class shows within
    the frozen page's lifetime), and the newest step of their distributions (approved, paid)."""
    q = connection.ops.quote_name
    sql = _VERSION.format(
        o=q(ShareOperation._meta.db_table), c=q(Collective._meta.db_table), s=q(ShareClass._meta.db_table),
        e=q(DistributionEvent._meta.db_table), d=q(Distribution._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [village_code] * 4)
        return tuple(cursor.fetchone())


def household_holder_for(collective: Collective, household_number: str, member_id_number: str = "") -> Holder:
    """The holder a page or the CLI names by 户号: the household, or — when the county holds
    shares per member — the household's head as a member holder if that is who holds them, or
    the member of the household with `member_id_number` (per-member counties: each member holds
    and gets a certificate of their own)."""
    number = (household_number or "").strip()
    hh = Household.objects.filter(collective=collective, number=number).first()
    if hh is None:
        raise Invalid([Problem(f"本集体经济组织没有{number}户", field="户号")])
    if (member_id_number or "").strip():
        member = Member.objects.filter(household=hh, person__in=Person.objects.with_id_number(member_id_number)).first()
        if member is None:
            raise Invalid([Problem(f"{number}户没有身份证号为{mask_id_number(normalize_id_number(member_id_number))}的人", field="成员身份证号")])
        holder = Holder.objects.filter(collective=collective, kind="member", member=member).first()
        if holder is None:
            raise Invalid([Problem(f"{member.person.masked_name}没有以个人名义持股（按户持股时股权证发给户）", field="成员身份证号")])
        return holder
    member_holders = Holder.objects.filter(collective=collective, kind="member", member__household=hh, member__is_head=True)
    held = Holding.objects.filter(holder__in=member_holders, units__gt=0).values_list("holder_id", flat=True).first()
    if held is not None and not Holding.objects.filter(holder__household=hh, holder__kind="household", units__gt=0).exists():
        return Holder.objects.get(pk=held)
    return household_holder(hh)


def head_names(collective: Collective) -> dict[int, str]:
    """Each household's head, masked, by household id (one query): lists name holders so."""
    heads = Member.objects.filter(collective=collective, is_head=True).select_related("person")
    return {m.household_id: m.person.masked_name for m in heads}


def certificates_of(collective: Collective):
    """The cooperative's certificates for its list, newest number first."""
    return (
        Certificate.objects.filter(collective=collective)
        .select_related("holder__household", "holder__member__person", "holder__member__household", "supersedes")
        .order_by("-number")
    )
