"""Vouchers linked to matters (the village accountant), and what other apps ask of the links:
whether a voucher, or a village's purpose in a year, rests on a completed decision (system
level: no user, no personal data)."""

from django.db import transaction
from django.db.models import F, Q

from sanwu.core import audit
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_yuan
from sanwu.ledger.models import Voucher

from ..models import Matter, MatterEvent, VoucherLink
from ..rules import DECIDED_STAGES, fname
from sanwu.core.permissions import may, require

from .permissions import LINK_ROLES, may_link


def link_voucher(user, matter: Matter, voucher) -> VoucherLink:
    """The accountant links a voucher of the village's own book to one of the village's matters."""
    require(user, LINK_ROLES, matter.village_id, "关联凭证", object_type="decisions.link", object_id=matter.pk)
    v = Voucher.objects.select_related("book").get(pk=voucher.pk)
    problems = []
    if v.book.region_id != matter.village_id:
        problems.append(Problem("只能关联本村账套的凭证", field=fname("voucher")))
    if not may(user, LINK_ROLES, v.book.region_id):
        problems.append(Problem("只能关联本人所管账套的凭证", field=fname("voucher")))
    if v.status == "rejected":
        problems.append(Problem("已退回的凭证不能关联", field=fname("voucher")))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        m = Matter.objects.select_for_update().get(pk=matter.pk)
        if m.status == "abandoned":
            raise Invalid(Problem("事项已终止，不能再关联凭证"))
        if VoucherLink.objects.filter(matter=m, voucher=v).exists():
            raise Invalid(Problem(f"凭证「{v.label}」已关联本事项", field=fname("voucher")))
        link = VoucherLink.objects.create(matter=m, voucher=v, linked_by=user if user is not None and getattr(user, "pk", None) else None)
        MatterEvent.record(user, "link", note=f"{v.book.code} {v.label} {format_yuan(v.total)}元", matter=m)
        audit.record("decision.link_voucher", link, actor=user, region_code=m.village_id, new={"matter": m.pk, "voucher": v.pk, "book": v.book.code, "label": v.label})
    return link


def unlink_voucher(user, link: VoucherLink) -> None:
    require(user, LINK_ROLES, link.matter.village_id, "取消关联凭证", object_type="decisions.unlink", object_id=link.matter_id)
    with transaction.atomic():
        m = Matter.objects.select_for_update().get(pk=link.matter_id)
        v = link.voucher
        MatterEvent.record(user, "unlink", note=f"{v.book.code} {v.label}", matter=m)
        audit.record("decision.unlink_voucher", link, actor=user, region_code=m.village_id, old={"matter": m.pk, "voucher": v.pk, "label": v.label})
        link.delete()


def linkable_vouchers(user, matter: Matter, q: str = "", limit: int = 50):
    """Vouchers the user could link: the village's books as the user sees them, not rejected,
    not already linked, newest first; `q` matches the summary or the number."""
    if not may_link(user, matter):
        return Voucher.objects.none()
    qs = (
        Voucher.objects.visible_to(user).filter(book__region_id=matter.village_id).exclude(status="rejected")
        .exclude(pk__in=VoucherLink.objects.filter(matter=matter).values("voucher_id")).select_related("book")
    )
    q = (q or "").strip()
    if q:
        cond = Q(summary__contains=q)
        digits = q.removeprefix("记").lstrip("-")
        if digits.isdigit():
            cond |= Q(number=int(digits)) | Q(total=int(digits) * 100)
        qs = qs.filter(cond)
    return qs.order_by("-date", "-id")[:limit]


# --- For other apps (system level) --------------------------------------------------------------


def _decided(require_result: bool = False):
    """Matters whose procedure is complete: the resolution is published (and, with
    `require_result`, the implementation result too). Abandoned matters never count."""
    if require_result:
        return Matter.objects.filter(status="completed")
    return Matter.objects.filter(stage__in=DECIDED_STAGES).exclude(status="abandoned")


def has_completed_decision_for_voucher(voucher, *, require_result: bool = False) -> bool:
    """Whether the voucher is linked to a completed decision of its own village.

    "Completed" means the 四议两公开 procedure has reached a published resolution (stages 1–5):
    money is spent *after* that, and the implementation result (stage 6) is published when the
    work is done. `require_result=True` asks for the result to be published too."""
    village = voucher.book.region_id
    return VoucherLink.objects.filter(voucher_id=voucher.pk, matter__village_id=village, matter__in=_decided(require_result)).exists()


def vouchers_with_completed_decision(voucher_ids, *, require_result: bool = False) -> set[int]:
    """The bulk form of `has_completed_decision_for_voucher`, for batch posting: of these voucher
    ids, those linked to a completed decision of their own village."""
    ids = sorted({int(i) for i in voucher_ids})
    # Most vouchers have no link at all (every voucher of a fresh import): find the linked ones
    # with a plain lookup first, and check matters only for those.
    linked: list[int] = []
    for i in range(0, len(ids), 900):
        linked += VoucherLink.objects.filter(voucher_id__in=ids[i : i + 900]).values_list("voucher_id", flat=True).distinct()
    found: set[int] = set()
    decided = _decided(require_result)
    for i in range(0, len(linked), 900):
        found.update(
            VoucherLink.objects.filter(voucher_id__in=linked[i : i + 900], matter__in=decided)
            .filter(matter__village_id=F("voucher__book__region_id")).values_list("voucher_id", flat=True)
        )
    return found


def completed_matters(village_code: str, purpose: str | None = None, year: int | None = None, *, require_result: bool = False) -> list[Matter]:
    """The village's completed decisions (see `has_completed_decision_for_voucher`), oldest first."""
    qs = _decided(require_result).filter(village_id=village_code)
    if purpose:
        qs = qs.filter(purpose=purpose)
    if year is not None:
        qs = qs.filter(year=year)
    return list(qs.order_by("decided_on", "id"))


def completed_matters_under(prefix: str, purpose: str, year: int, *, require_result: bool = False):
    """The bulk form of `completed_matters`: a queryset of the completed decisions of every village
    whose code starts with `prefix` (a region's villages), for other apps to filter further."""
    return _decided(require_result).filter(village__code__startswith=prefix, purpose=purpose, year=year)


def has_completed_decision(village_code: str, purpose: str, year: int, *, require_result: bool = False) -> bool:
    """E.g. `has_completed_decision(village, "cadre_reward", 2020)` for the cadre reward."""
    qs = _decided(require_result).filter(village_id=village_code, purpose=purpose, year=year)
    return qs.exists()
