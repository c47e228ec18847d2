"""资金支付审批 pages. Thin: every object through the scope gate, every change through the
services (which check roles themselves); buttons appear only for those who may use them."""

from functools import wraps

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.codes import county_of
from sanwu.core.dates import today
from sanwu.core.money import format_yuan
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.readers import read_upload
from sanwu.core.scope import grants_of
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, paginate, role_required, shows_problems
from sanwu.decisions.models import Matter
from sanwu.ledger.charts import EXPENSE_ROLES
from sanwu.ledger.forms import receipts_of
from sanwu.ledger.models import Account, Book
from sanwu.regions.models import Region

from . import services
from .forms import ApproveForm, FilterForm, PayerForm, ReasonForm, ReceiptForm, RequestForm, ResultForm, SettingsForm
from .models import PaymentEvent, PaymentRequest
from .rules import BANK_STATUSES, STATUS_LABELS
from .tables import bank_file_table, history_table, requests_table


def _request(request, pk: int) -> PaymentRequest:
    return get_visible_or_404(PaymentRequest, request.user, pk=pk)


# --- list ---------------------------------------------------------------------------------------


@role_required()
def request_list(request):
    form = FilterForm(request.GET or None)
    qs = PaymentRequest.objects.visible_to(request.user).select_related("book__region", "account", "voucher")
    if form.is_valid():
        d = form.cleaned_data
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["q"]:
            text = d["q"].strip()
            qs = qs.filter(Q(purpose__contains=text) | Q(reference__contains=text) | Q(book__region__name__contains=text))
    qs = qs.order_by("-created_at", "-id")
    fmt = export_format(request)
    if fmt:
        return download(requests_table(qs[:20000]), "付款申请", fmt)
    books = [b for b in Book.objects.visible_to(request.user).order_by("code")[:200] if permissions.may(request.user, services.MAKE_ROLES, b.region_id)]
    townships = [g.region_code for g in grants_of(request.user) if g.role in services.BANK_ROLES]
    return render(request, "payments/list.html", {"page": paginate(request, qs), "form": form, "books": books, "townships": townships})


# --- new and edit -------------------------------------------------------------------------------


def _choices(book: Book):
    accounts = [a for a in Account.objects.filter(book=book, is_leaf=True, is_open=True).order_by("code") if a.role_set & EXPENSE_ROLES]
    matters = Matter.objects.filter(village_id=book.region_id).exclude(status="abandoned").order_by("-year", "-id")[:200]
    return accounts, matters


def _data(d: dict) -> services.RequestData:
    return services.RequestData(
        payee_name=d["payee_name"], payee_kind=d["payee_kind"], payee_account=d["payee_account"], payee_bank=d["payee_bank"],
        amount=d["amount"], purpose=d["purpose"], account=d["account"], matter_id=d["matter"],
    )


@role_required(*services.MAKE_ROLES)
@shows_problems
def request_new(request, code: str, problems=()):
    book = get_visible_or_404(Book, request.user, code=code)
    permissions.require(request.user, services.MAKE_ROLES, book.region_id, "填写付款申请", object_type="payments.create", object_id=book.code)
    accounts, matters = _choices(book)
    form = RequestForm(request.POST or None, accounts=accounts, matters=matters, initial={"payee_kind": "organisation"})
    if request.method == "POST" and not problems:
        req = services.create_request(request.user, book, _data(checked(form)), receipts=receipts_of(request.FILES))
        messages.success(request, f"付款申请 {req.reference} 已保存。上传原始凭证后提交审批。")
        return redirect("payments:detail", req.pk)
    return render(request, "payments/form.html", {"form": form, "book": book, "problems": problems})


@role_required(*services.MAKE_ROLES)
@shows_problems
def request_edit(request, pk: int, problems=()):
    req = _request(request, pk)
    permissions.require(request.user, services.MAKE_ROLES, req.book.region_id, "修改付款申请", object_type="payments.edit", object_id=req.pk)
    accounts, matters = _choices(req.book)
    initial = {
        "payee_name": req.payee_name, "payee_kind": req.payee_kind, "payee_bank": req.payee_bank,
        "amount": format_yuan(req.amount).replace(",", ""), "purpose": req.purpose, "account": req.account.code, "matter": req.matter_id,
    }
    form = RequestForm(request.POST or None, accounts=accounts, matters=matters, initial=initial)
    form.fields["payee_account"].required = False  # left blank: the number kept (it is never shown in full)
    if request.method == "POST" and not problems:
        d = checked(form)
        d["payee_account"] = d["payee_account"] or req.payee_account
        services.update_request(request.user, req, _data(d), receipts=receipts_of(request.FILES))
        messages.success(request, "付款申请已修改。")
        return redirect("payments:detail", req.pk)
    return render(request, "payments/form.html", {"form": form, "book": req.book, "req": req, "problems": problems})


# --- detail and transitions ---------------------------------------------------------------------


@role_required()
@shows_problems
def request_detail(request, pk: int, problems=()):
    req = _request(request, pk)
    fmt = export_format(request)
    events = PaymentEvent.objects.visible_to(request.user).filter(request=req).select_related("actor")
    if fmt:
        return download(history_table(events), f"付款申请记录-{req.reference}", fmt)
    user = request.user
    t = services.thresholds_for(county_of(req.book.region_id))
    ctx = {
        "req": req, "problems": problems, "events": events, "receipts": req.receipts.all(), "status_label": STATUS_LABELS[req.status],
        "bank_label": BANK_STATUSES[req.bank_status], "amount_yuan": format_yuan(req.amount),
        "can_make": services.may_make(user, req), "can_approve": services.may_approve(user, req), "can_review": services.may_review(user, req),
        "needs_committee": req.amount >= t.committee_threshold, "needs_matter": req.amount >= t.matter_threshold,
        "approve_form": ApproveForm(), "reason_form": ReasonForm(), "receipt_form": ReceiptForm(),
    }
    return render(request, "payments/detail.html", ctx)


def _posted(view):
    """A transition from the detail page: POST only; its problems shown on the request's page (422)."""

    @wraps(view)
    def act(request, pk: int, problems=()):
        if problems:
            return request_detail(request, pk, problems=problems)
        return view(request, pk)

    return require_POST(role_required()(shows_problems(act)))


@_posted
def submit(request, pk: int):
    req = _request(request, pk)
    services.submit(request.user, req)
    messages.success(request, "已提交村级审批。")
    return redirect("payments:detail", pk)


@_posted
def approve(request, pk: int):
    req = _request(request, pk)
    services.approve(request.user, req, checked(ApproveForm(request.POST))["committee_signer"])
    messages.success(request, "村级审批同意，已报乡镇审核。")
    return redirect("payments:detail", pk)


@_posted
def review(request, pk: int):
    services.review(request.user, _request(request, pk))
    messages.success(request, "乡镇审核同意，可以付款。")
    return redirect("payments:detail", pk)


@_posted
def reject(request, pk: int):
    services.reject(request.user, _request(request, pk), request.POST.get("reason", ""))
    messages.success(request, "已退回会计。")
    return redirect("payments:detail", pk)


@_posted
def make_voucher(request, pk: int):
    v = services.make_voucher(request.user, _request(request, pk))
    messages.success(request, "付款凭证草稿已生成，请核对后提交审核。")
    return redirect("ledger:voucher", v.book.code, v.pk)


@_posted
def receipt_add(request, pk: int):
    f = checked(ReceiptForm(request.POST, request.FILES))["file"]
    services.add_receipt(request.user, _request(request, pk), f.name, f.read())
    messages.success(request, "附件已上传。")
    return redirect("payments:detail", pk)


# --- the township's bank ------------------------------------------------------------------------


@role_required(*services.BANK_ROLES)
@shows_problems
def bank(request, code: str, problems=()):
    township = get_visible_or_404(Region, request.user, code=code, level="township")
    permissions.require(request.user, services.BANK_ROLES, township.code, "办理银行支付", object_type="payments.bank", object_id=code)
    if request.method == "POST" and not problems:
        if request.POST.get("action") == "result":
            data, name = read_upload(request.FILES.get("file"))
            r = services.read_bank_result(request.user, township.code, data, name)
            messages.success(request, f"银行回单已导入：支付成功 {r.paid} 笔，失败 {r.failed} 笔（已退回会计）。")
            return redirect("payments:bank", code)
        lines = services.send_bank_file(request.user, township.code)
        fmt = request.POST.get("format") if request.POST.get("format") in ("csv", "xlsx") else "xlsx"
        return download(bank_file_table(lines), f"银行支付文件-{township.name}-{today():%Y%m%d}", fmt)
    waiting = services.waiting_for_bank(request.user, township.code)
    return render(request, "payments/bank.html", {"township": township, "waiting": waiting, "problems": problems, "result_form": ResultForm()})


@role_required(*services.MAKE_ROLES)
@shows_problems
def payer(request, code: str, problems=()):
    book = get_visible_or_404(Book, request.user, code=code)
    permissions.require(request.user, services.MAKE_ROLES, book.region_id, "登记付款账户", object_type="payments.payer", object_id=code)
    current = services.payer_account_of(book)
    initial = {"account": current.account.code, "number": current.number, "bank": current.bank} if current else {}
    form = PayerForm(request.POST or None, accounts=services.bank_accounts(book), initial=initial)
    if request.method == "POST" and not problems:
        d = checked(form)
        services.set_payer_account(request.user, book, d["account"], d["number"], d["bank"])
        messages.success(request, "付款账户已登记。")
        return redirect("payments:list")
    return render(request, "payments/payer.html", {"form": form, "book": book, "problems": problems})



@role_required()
@shows_problems
def county_settings(request, problems=()):
    """The county's thresholds: shown for the counties the user's regions lie in, changed by the
    county supervisor."""
    counties = permissions.county_regions(request.user)
    code = request.GET.get("county") or (counties[0].code if counties else "")
    county = permissions.county_offered(request.user, code, what="payments.settings") if code else None
    t = services.thresholds_for(county.code) if county else None
    initial = {f: (format_yuan(getattr(t, f)).replace(",", "") if f in SettingsForm.MONEY else getattr(t, f)) for f in services.THRESHOLD_FIELDS} if t else {}
    form = SettingsForm(request.POST or None, initial=initial)
    may_edit = bool(county) and permissions.may(request.user, services.SETTINGS_ROLES, county.code)
    if request.method == "POST" and county and not problems:
        services.update_thresholds(request.user, county.code, **checked(form))
        messages.success(request, f"{county.name}的资金支付审批参数已保存。")
        return redirect(f"{request.path}?county={county.code}")
    return render(request, "payments/settings.html", {"county": county, "counties": counties, "form": form, "may_edit": may_edit, "problems": problems})
