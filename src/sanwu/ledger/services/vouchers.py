"""Vouchers before posting: drafts saved and edited (with the receipts attached in the same
step), thrown away, submitted, reviewed or rejected with a reason, and the red-ink reversal of a
posted voucher (a new draft); a book's voucher templates and common summaries. Posting itself
is `posting.py`."""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from sanwu.core import audit, uploads
from sanwu.core.bulk import select_instances
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.workbench.services import inbox

from ..models import Attachment, Book, Entry, Voucher, VoucherTemplate
from .drafts import BookContext, EntryDraft, VoucherDraft, kind_of, voucher_errors
from .roles import MAKE_ROLES, REVIEW_ROLES, audit_change, require_role


def _write_entries(voucher: Voucher, ctx: BookContext, draft: VoucherDraft) -> None:
    Entry.objects.filter(voucher=voucher).delete()
    Entry.objects.bulk_create(
        [
            Entry(
                voucher=voucher, line=i, account=ctx.accounts[e.account], summary=e.summary or draft.summary,
                debit=e.debit, credit=e.credit, counterparty=e.counterparty, counterparty_kind=kind_of(e),
                settlement=e.settlement, source=e.source or ctx.accounts[e.account].default_source,
            )
            for i, e in enumerate(draft.entries, start=1)
        ]
    )


def store_receipt(user, v: Voucher, filename: str, data: bytes) -> Attachment:
    """Keep one receipt of a voucher the caller holds locked, already checked by
    `uploads.upload_errors`; the voucher's attachment count becomes the number of its files."""
    att = Attachment.store(user, filename, data, voucher=v)
    v.attachment_count = v.attachments.count()
    v.save(update_fields=["attachment_count"])
    audit.record("attachment.add", att, actor=user, new={"voucher": v.pk, "sha256": att.sha256, "size": att.size}, region_code=v.book.region_id)
    return att


def save_draft(user, book: Book, draft: VoucherDraft, voucher: Voucher | None = None, receipts=(), *, submit: bool = False) -> Voucher:
    """Create or edit a draft (or a rejected voucher being corrected), refused like a posting
    would be — a draft dated in a closed month included. `receipts`: (file name, bytes) of the
    receipts attached in the same step (checked by `core.uploads`; any bad file saves nothing);
    with `draft.attachment_count` None the count is the number of files the voucher has.
    `submit`: submitted for review in the same step (what the apps that make vouchers from their
    own records do: it was checked just now, so it is not checked twice)."""
    require_role(user, book, MAKE_ROLES, "制单")
    ctx = BookContext(book)
    problems = voucher_errors(ctx, draft)  # a month closed (or waiting for its close to be confirmed) takes no new drafts
    for name, data in receipts:
        problems.extend(uploads.upload_errors(name, data))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        if voucher is None:
            voucher = Voucher(book=book, maker=user)
            old = None
        else:
            voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
            if voucher.status not in ("draft", "rejected"):
                raise Invalid(Problem(f"凭证状态为「{voucher.get_status_display()}」，不能修改"))
            old = {"date": voucher.date, "summary": voucher.summary, "total": voucher.total}
        voucher.date, voucher.year, voucher.month = draft.date, draft.date.year, draft.date.month
        voucher.summary = draft.summary.strip()
        voucher.total = sum(e.debit for e in draft.entries)
        if draft.attachment_count is not None:
            voucher.attachment_count = max(draft.attachment_count, voucher.attachment_count if voucher.pk else 0)
        voucher.source_no = draft.source_no
        voucher.reverses_id = draft.reverses_id or voucher.reverses_id
        if voucher.reverses_id:  # a reversal is of its original's kind (a closing's reversal is a closing)
            voucher.kind = Voucher.objects.get(pk=voucher.reverses_id).kind
        voucher.status = "draft"
        voucher.save()
        _write_entries(voucher, ctx, draft)
        for name, data in receipts:
            store_receipt(user, voucher, name, data)
        if draft.attachment_count is None and not receipts:  # the count comes from the files (store_receipt counted them)
            voucher.attachment_count = voucher.attachments.count()
            voucher.save(update_fields=["attachment_count"])
        audit_change(user, "voucher.save", voucher, old=old, new={"date": voucher.date, "summary": voucher.summary, "total": voucher.total}, region_code=book.region_id)
        if submit:
            _submitted(user, voucher)
    return voucher


def delete_draft(user, voucher: Voucher) -> None:
    """A draft or rejected voucher may be thrown away by its book's accountant (never a posted one)."""
    require_role(user, voucher.book, MAKE_ROLES, "删除草稿")
    with transaction.atomic():
        v = locked_voucher(voucher, ("draft", "rejected"), "删除")
        if v.attachments.exists():
            raise Invalid(Problem("凭证已有附件，不能删除；请修改后提交"))
        audit_change(user, "voucher.delete", v, old={"date": v.date, "summary": v.summary, "total": v.total}, region_code=v.book.region_id)
        Entry.objects.filter(voucher=v).delete()
        v.delete()


def locked_voucher(voucher: Voucher, allowed: tuple[str, ...], action: str) -> Voucher:
    """The voucher re-read with its book under their row locks, in one of the `allowed` states
    (one plain statement: every transition and every single post reads it)."""
    qn = connection.ops.quote_name
    found = select_instances(
        [(Voucher, "v"), (Book, "b")],
        f"FROM {qn(Voucher._meta.db_table)} v INNER JOIN {qn(Book._meta.db_table)} b ON b.id = v.book_id WHERE v.id = %s"
        + (" FOR UPDATE" if connection.features.has_select_for_update else ""),
        [voucher.pk],
    )
    if not found:
        raise Voucher.DoesNotExist("Voucher matching query does not exist.")
    v, book = found[0]
    v._state.fields_cache["book"] = book
    if v.status not in allowed:
        raise Invalid(Problem(f"凭证「{v.label}」状态为「{v.get_status_display()}」，不能{action}"))
    return v


def submit(user, voucher: Voucher) -> Voucher:
    require_role(user, voucher.book, MAKE_ROLES, "提交凭证")
    with transaction.atomic():
        v = locked_voucher(voucher, ("draft", "rejected"), "提交")
        problems = voucher_errors(BookContext(v.book), draft_of(v))
        if problems:
            raise Invalid(problems)
        _submitted(user, v)
    return v


def _submitted(user, v: Voucher) -> None:
    v.status, v.submitted_at, v.reject_reason = "submitted", timezone.now(), ""
    v.save(update_fields=["status", "submitted_at", "reject_reason"])
    audit_change(user, "voucher.submit", v, region_code=v.book.region_id)


def review(user, voucher: Voucher) -> Voucher:
    require_role(user, voucher.book, REVIEW_ROLES, "审核凭证")
    with transaction.atomic():
        v = locked_voucher(voucher, ("submitted",), "审核")
        if user is not None and v.maker_id == user.pk:
            raise Invalid(Problem("审核人不能是制单人"))
        v.status, v.reviewer, v.reviewed_at = "reviewed", user, timezone.now()
        v.save(update_fields=["status", "reviewer", "reviewed_at"])
        audit_change(user, "voucher.review", v, region_code=v.book.region_id)
    return v


def reject(user, voucher: Voucher, reason: str) -> Voucher:
    require_role(user, voucher.book, REVIEW_ROLES, "退回凭证")
    if not (reason or "").strip():
        raise Invalid(Problem("请填写退回原因", field="reason"))
    with transaction.atomic():
        v = locked_voucher(voucher, ("submitted", "reviewed"), "退回")
        if user is not None and v.maker_id == user.pk:
            raise Invalid(Problem("制单人不能退回自己的凭证"))
        v.status, v.reject_reason, v.reviewer, v.reviewed_at = "rejected", reason.strip()[:200], None, None
        v.save(update_fields=["status", "reject_reason", "reviewer", "reviewed_at"])
        audit_change(user, "voucher.reject", v, new={"reason": v.reject_reason}, region_code=v.book.region_id)
        inbox.notify([v.maker], "rejected", f"凭证被退回：{v.summary}", body=f"退回原因：{v.reject_reason}", subject=v, region_code=v.book.region_id, exclude=user)
    return v


def next_waiting(user, book: Book, after: Voucher | None = None) -> Voucher | None:
    """The next voucher waiting for this reviewer: submitted, not of their own making, in
    `book` first (oldest first), then in any other book in their scope."""
    qs = Voucher.objects.visible_to(user).filter(status="submitted").select_related("book")
    if user is not None:
        qs = qs.exclude(maker=user)
    if after is not None:
        qs = qs.exclude(pk=after.pk)
    order = ("year", "month", "date", "id")
    return qs.filter(book=book).order_by(*order).first() or qs.order_by("book__code", *order).first()


def draft_of(v: Voucher, entries: list[Entry] | None = None, code_of: dict[int, str] | None = None) -> VoucherDraft:
    """A saved voucher as the draft it was made from. `entries` (in line order) and `code_of`
    (account id → code): when the caller has them, nothing is read again."""
    if entries is None:
        entries = list(v.entries.select_related("account").order_by("line"))
    if code_of is None:
        code_of = {e.account_id: e.account.code for e in entries}
    return VoucherDraft(
        date=v.date, summary=v.summary, attachment_count=v.attachment_count, reverses_id=v.reverses_id, kind=v.kind,
        entries=[
            EntryDraft(code_of[e.account_id], e.debit, e.credit, e.summary, e.counterparty, e.settlement, e.source, counterparty_kind=e.counterparty_kind)
            for e in entries
        ],
    )


def start_reversal(user, voucher: Voucher) -> Voucher:
    """红字冲销: a draft that negates a posted voucher, dated today, linked both ways."""
    require_role(user, voucher.book, MAKE_ROLES, "冲销凭证")
    if voucher.status != "posted":
        raise Invalid(Problem("只有已记账的凭证才能冲销"))
    if Voucher.objects.filter(reverses=voucher).exclude(status="rejected").exists():
        raise Invalid(Problem(f"凭证「{voucher.label}」已有冲销凭证"))
    if voucher.reverses_id:
        raise Invalid(Problem("冲销凭证本身不能再冲销"))
    draft = VoucherDraft(
        # a year-end closing is undone within its own year, on its day (never into a later year)
        date=voucher.date if voucher.kind == "closing" else today(),
        summary=f"冲销{voucher.label}：{voucher.summary}"[:200],
        reverses_id=voucher.pk,
        kind=voucher.kind,
        entries=[
            EntryDraft(e.account.code, -e.debit, -e.credit, f"冲销：{e.summary}"[:200], e.counterparty, e.settlement, e.source, counterparty_kind=e.counterparty_kind)
            for e in voucher.entries.select_related("account").order_by("line")
        ],
    )
    return save_draft(user, voucher.book, draft)


# --- Templates and common summaries ------------------------------------------------------------


def save_template(user, book: Book, name: str, voucher: Voucher) -> VoucherTemplate:
    """Keep a voucher of the book as a named template (summary and entries with their amounts)."""
    require_role(user, book, MAKE_ROLES, "保存凭证模板")
    name = (name or "").strip()
    if not name:
        raise Invalid(Problem("请填写模板名称", field="name"))
    if len(name) > 40:
        raise Invalid(Problem("模板名称不能超过40个字", field="name"))
    if voucher.book_id != book.pk:
        raise Invalid(Problem("凭证不属于本账套"))
    if VoucherTemplate.objects.filter(book=book, name=name).exists():
        raise Invalid(Problem(f"本账套已有名为「{name}」的模板", field="name"))
    entries = [
        {
            "account": e.account.code, "debit": e.debit, "credit": e.credit, "summary": "" if e.summary == voucher.summary else e.summary,
            "counterparty": e.counterparty, "counterparty_kind": e.counterparty_kind, "settlement": e.settlement, "source": e.source,
        }
        for e in voucher.entries.select_related("account").order_by("line")
    ]
    with transaction.atomic():
        t = VoucherTemplate.objects.create(book=book, name=name, summary=voucher.summary, entries=entries, created_by=user)
        audit_change(user, "voucher_template.add", t, new={"name": name, "voucher": voucher.pk}, region_code=book.region_id)
    return t


def delete_template(user, template: VoucherTemplate) -> None:
    require_role(user, template.book, MAKE_ROLES, "删除凭证模板")
    with transaction.atomic():
        audit_change(user, "voucher_template.delete", template, old={"name": template.name}, region_code=template.book.region_id)
        template.delete()


def common_summaries(book: Book, limit: int = 30) -> list[str]:
    """The book's common summaries: its templates' first, then the summaries its vouchers use
    most (reversals and year-end closings left out)."""
    found = list(VoucherTemplate.objects.filter(book=book).values_list("summary", flat=True))
    used = (
        Voucher.objects.filter(book=book, kind="normal", reverses__isnull=True)
        .values_list("summary").annotate(n=Count("id")).order_by("-n", "summary")[: limit * 2]
    )
    counts = Counter({text: n for text, n in used})
    out = list(dict.fromkeys(found))
    for text, _ in counts.most_common():
        if text not in out:
            out.append(text)
    return out[:limit]
