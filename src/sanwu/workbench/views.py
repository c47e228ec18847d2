"""The workbench (the home page), the inbox, and the auditor's book verification page. Thin:
what is pending and every change come from `services`; here targets become links."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import export_format, paginate, role_required
from sanwu.economy.models import CadreReward
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Book, Voucher

from . import services
from .tables import inbox_table


def link(target: services.Target) -> str:
    url = reverse(target.name, args=target.args)
    return f"{url}?{urlencode(target.query)}" if target.query else url


# What a message is about → its page (object type as the audit trail names it).
def _voucher_page(pk: str) -> str | None:
    code = Voucher.objects.filter(pk=pk).values_list("book__code", flat=True).first()
    return reverse("ledger:voucher", args=(code, int(pk))) if code else None


def _reward_page(pk: str) -> str | None:
    row = CadreReward.objects.filter(pk=pk).values_list("village_id", "year").first()
    return reverse("economy:award", args=row) if row else None


PAGES = {
    "economy.cadrereward": _reward_page,
    "ledger.voucher": _voucher_page,
    "oversight.warning": lambda pk: reverse("oversight:warning", args=(int(pk),)),
    "partywork.task": lambda pk: reverse("partywork:task", args=(int(pk),)),
    "disclosure.question": lambda pk: reverse("disclosure:question", args=(int(pk),)),
    "disclosure.disclosure": lambda pk: reverse("disclosure:detail", args=(int(pk),)),
    "decisions.matter": lambda pk: reverse("decisions:detail", args=(int(pk),)),
    "payments.paymentrequest": lambda pk: reverse("payments:detail", args=(int(pk),)),
    "oversight.village_warnings": lambda code: reverse("oversight:warnings") + "?" + urlencode({"region": code, "status": "open"}),
}


def message_page(m) -> str:
    """The page of what the message is about (the inbox when it names nothing known)."""
    page = PAGES.get(m.object_type)
    url = page(m.object_id) if page and m.object_id.isdigit() else None
    return url or reverse("workbench:inbox")


@role_required()
def home(request):
    sections = services.workbench_for(request.user)
    for s in sections:
        s.link = link(s.more) if s.more else ""
        for i in s.items:
            i.link = link(i.target)
    unread = list(services.messages_for(request.user, unread=True)[:5])
    ctx = {"sections": sections, "total": services.total(sections), "unread": unread, "unread_count": services.unread_count(request.user) if unread else 0}
    return render(request, "workbench/home.html", ctx)


@role_required()
def inbox(request):
    only_unread = request.GET.get("unread") == "1"
    qs = services.messages_for(request.user, unread=only_unread)
    fmt = export_format(request)
    if fmt:
        return download(inbox_table(qs[:10000]), "站内消息", fmt)
    page = paginate(request, qs)
    return render(request, "workbench/inbox.html", {"page": page, "table": inbox_table(page.object_list), "only_unread": only_unread})


@role_required()
def message_open(request, pk: int):
    """Open a message: it is read, and the user lands on the page it is about."""
    return redirect(message_page(services.mark_read(request.user, pk)))


@role_required()
@require_POST
def mark_all_read(request):
    n = services.mark_all_read(request.user)
    messages.success(request, f"已将 {n} 条消息标为已读。")
    return redirect("workbench:inbox")


@role_required()
def verify_book(request, code: str):
    """One book's verification: its state, and (POST) a run whose result is kept in the audit trail."""
    book = get_visible_or_404(Book, request.user, code=code)
    if request.method == "POST":
        check = ledger.verify_and_record(request.user, book)
        if check.ok:
            messages.success(request, f"校验通过：{book.name} 的 {check.vouchers} 张已记账凭证与防篡改校验码、发生额一致。")
        else:
            messages.error(request, "校验未通过：" + "；".join(check.problems[:3]))
        return redirect("workbench:verify", code=book.code)
    return render(request, "workbench/verify.html", {"book": book, "state": _state_of(request.user, book)})


def _state_of(user, book) -> str:
    count, rows = ledger.verification_states(user, book=book)
    return rows[0]["state"] if rows else "已校验，此后无新增凭证"
