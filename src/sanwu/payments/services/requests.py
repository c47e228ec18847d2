"""Payment requests: filled in and corrected by the accountant (with receipts), submitted,
approved by the village, reviewed by the township, or sent back with a reason. Each transition
locks the request, checks where it stands, writes its event, its audit row and its messages in
one transaction."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from sanwu.core import audit, uploads
from sanwu.core.codes import county_of, township_of
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_yuan
from sanwu.core.permissions import require
from sanwu.decisions.models import Matter
from sanwu.decisions.rules import DECIDED_STAGES, STAGE_LABELS
from sanwu.ledger.charts import EXPENSE_ROLES
from sanwu.ledger.models import Account, Book
from sanwu.workbench.services import inbox

from .. import rules
from ..models import PaymentEvent, PaymentReceipt, PaymentRequest
from ..rules import MOVES, STATUS_LABELS
from .permissions import APPROVE_ROLES, MAKE_ROLES, REVIEW_ROLES
from .settings import thresholds_for


@dataclass
class RequestData:
    """What a form, an API call or a command says about a request."""

    payee_name: str
    payee_kind: str
    payee_account: str
    payee_bank: str
    amount: int
    purpose: str
    account: str  # the expense account's code in the book
    matter_id: int | None = None


def _actor(user):
    return user if user is not None and getattr(user, "pk", None) else None


def data_problems(book: Book, d: RequestData) -> tuple[list[Problem], Account | None, Matter | None]:
    problems = rules.request_problems(
        payee_name=d.payee_name, payee_kind=d.payee_kind, payee_account=d.payee_account, payee_bank=d.payee_bank,
        amount=d.amount, purpose=d.purpose,
    )
    if isinstance(d.amount, int) and d.amount > settings.SANWU_MAX_ENTRY_FEN:
        problems.append(Problem(f"金额超过一条分录的上限 {format_yuan(settings.SANWU_MAX_ENTRY_FEN)} 元", field="金额"))
    account = Account.objects.filter(book=book, code=(d.account or "").strip()).first()
    if account is None:
        problems.append(Problem(f"科目「{d.account}」在本账套中不存在", field="支出科目"))
    elif not account.is_leaf or not account.is_open:
        problems.append(Problem(f"科目「{account}」不是启用的末级科目", field="支出科目"))
    elif not account.role_set & EXPENSE_ROLES:
        problems.append(Problem(f"科目「{account}」不是支出类科目", field="支出科目"))
    matter = None
    if d.matter_id:
        matter = Matter.objects.filter(pk=d.matter_id).first()
        if matter is None or matter.village_id != book.region_id:
            problems.append(Problem("四议两公开事项不存在或不是本村的事项", field="四议两公开事项"))
            matter = None
        elif matter.status == "abandoned":
            problems.append(Problem(f"四议两公开事项「{matter.title}」已终止", field="四议两公开事项"))
    return problems, account, matter


def needs_matter_for(book: Book, amount: int) -> bool:
    """Whether a payment of `amount` from this book must rest on a 四议两公开 matter."""
    return rules.needs_matter(amount, thresholds_for(county_of(book.region_id)))


def matter_problems(req: PaymentRequest) -> list[Problem]:
    """Above the county's threshold a request rests on a decided 四议两公开 matter."""
    t = thresholds_for(county_of(req.book.region_id))
    if not rules.needs_matter(req.amount, t):
        return []
    m = req.matter
    if m is None:
        return [Problem(f"金额 {format_yuan(req.amount)} 元达到 {format_yuan(t.matter_threshold)} 元，须关联已决议的四议两公开事项", field="四议两公开事项")]
    if m.status == "abandoned":
        return [Problem(f"四议两公开事项「{m.title}」已终止", field="四议两公开事项")]
    if m.stage not in DECIDED_STAGES:
        done = STAGE_LABELS.get(m.stage, "未开始")
        return [Problem(f"四议两公开事项「{m.title}」尚未完成决议公开（已完成到：{done}）", field="四议两公开事项")]
    return []


def _receipt_problems(receipts) -> list[Problem]:
    return [p for name, data in receipts for p in uploads.upload_errors(name, data, what="附件")]


def create_request(user, book: Book, d: RequestData, receipts=()) -> PaymentRequest:
    """A new request (a draft) by the book's accountant, with its receipts."""
    require(user, MAKE_ROLES, book.region_id, "填写付款申请", object_type="payments.create", object_id=book.code)
    problems, account, matter = data_problems(book, d)
    problems += _receipt_problems(receipts)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        req = PaymentRequest(
            book=book, payee_name=d.payee_name.strip(), payee_kind=d.payee_kind, payee_bank=d.payee_bank.strip(),
            amount=d.amount, purpose=d.purpose.strip(), account=account, matter=matter, created_by=_actor(user),
        )
        req.payee_account = d.payee_account
        req.save()
        req.reference = f"FK{req.pk:08d}"
        req.save(update_fields=["reference"])
        for name, data in receipts:
            PaymentReceipt.store(user, name, data, request=req)
        PaymentEvent.record(user, "create", to_status="draft", note=f"{req.purpose} {format_yuan(req.amount)}元", request=req)
        audit.record("payments.create", req, actor=user, region_code=book.region_id, new=_facts(req))
    return req


def _facts(req: PaymentRequest) -> dict:
    """What the audit trail keeps of a request (the account number masked)."""
    return {
        "payee": req.payee_name, "kind": req.payee_kind, "account": req.payee_account_masked, "bank": req.payee_bank,
        "amount": req.amount, "purpose": req.purpose, "budget_account": req.account.code, "matter": req.matter_id,
    }


def _locked(req: PaymentRequest, allowed, what: str) -> PaymentRequest:
    r = PaymentRequest.objects.select_for_update(of=("self",)).select_related("book", "account", "matter").get(pk=req.pk)
    if r.status not in allowed:
        raise Invalid(Problem(f"付款申请 {r.reference} 状态为「{STATUS_LABELS[r.status]}」，不能{what}"))
    return r


def update_request(user, req: PaymentRequest, d: RequestData, receipts=()) -> PaymentRequest:
    """The accountant corrects a draft or a request sent back (it is then submitted again)."""
    require(user, MAKE_ROLES, req.book.region_id, "修改付款申请", object_type="payments.edit", object_id=req.pk)
    problems, account, matter = data_problems(req.book, d)
    problems += _receipt_problems(receipts)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        r = _locked(req, ("draft", "rejected"), "修改")
        old = _facts(r)
        r.payee_name, r.payee_kind, r.payee_bank = d.payee_name.strip(), d.payee_kind, d.payee_bank.strip()
        r.payee_account = d.payee_account
        r.amount, r.purpose, r.account, r.matter = d.amount, d.purpose.strip(), account, matter
        r.bank_status, r.bank_note = "", ""
        r.save()
        for name, data in receipts:
            PaymentReceipt.store(user, name, data, request=r)
        PaymentEvent.record(user, "edit", from_status=r.status, to_status=r.status, request=r)
        audit.record("payments.edit", r, actor=user, region_code=r.book.region_id, old=old, new=_facts(r))
    return r


def add_receipt(user, req: PaymentRequest, filename: str, data: bytes) -> PaymentReceipt:
    require(user, MAKE_ROLES, req.book.region_id, "上传付款附件", object_type="payments.receipt", object_id=req.pk)
    problems = _receipt_problems([(filename, data)])
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        r = _locked(req, ("draft", "rejected"), "添加附件")
        att = PaymentReceipt.store(user, filename, data, request=r)
        audit.record("payments.receipt", att, actor=user, region_code=r.book.region_id, new={"request": r.pk, "sha256": att.sha256})
    return att


def _move(user, req: PaymentRequest, act: str, *, note: str = "", event: str | None = None) -> PaymentRequest:
    """The state change `act` of a locked request (see `rules.MOVES`), with its event and audit row."""
    allowed, to = MOVES[act]
    was = req.status
    if was not in allowed:
        raise Invalid(Problem(f"付款申请 {req.reference} 状态为「{STATUS_LABELS[was]}」，不能{dict(PaymentEvent.ACTIONS)[event or act]}"))
    req.status = to
    req.save()
    PaymentEvent.record(user, event or act, from_status=was, to_status=to, note=note, request=req)
    audit.record(f"payments.{event or act}", req, actor=user, region_code=req.book.region_id, old={"status": was}, new={"status": to}, note=note)
    return req


def _tell(roles, code: str, kind: str, title: str, req: PaymentRequest, user, exact: bool = True) -> None:
    inbox.notify(inbox.holders(roles, code, exact=exact), kind, title, subject=req,
                 region_code=req.book.region_id, exclude=user)


def submit(user, req: PaymentRequest) -> PaymentRequest:
    """The accountant submits the request for the village's approval; above the county's
    threshold it must rest on a decided 四议两公开 matter, and it needs at least one receipt."""
    require(user, MAKE_ROLES, req.book.region_id, "提交付款申请", object_type="payments.submit", object_id=req.pk)
    with transaction.atomic():
        r = _locked(req, MOVES["submit"][0], "提交")
        problems = matter_problems(r)
        if not r.receipts.exists():
            problems.append(Problem("请先上传原始凭证（发票、合同或验收单）", field="附件"))
        if problems:
            raise Invalid(problems)
        r.reject_reason = ""
        r.bank_status = r.bank_note = ""  # a payment the bank failed goes into the next bank file again
        _move(user, r, "submit")
        _tell(APPROVE_ROLES, r.book.region_id, "confirm", f"待审批的付款申请：{r.purpose} {format_yuan(r.amount)}元", r, user)
    return r


def approve(user, req: PaymentRequest, committee_signer: str = "") -> PaymentRequest:
    """The village secretary approves; above the committee threshold the approval names the
    村务监督委员会 member who signed it too."""
    require(user, APPROVE_ROLES, req.book.region_id, "审批付款申请", object_type="payments.approve", object_id=req.pk)
    signer = (committee_signer or "").strip()
    with transaction.atomic():
        r = _locked(req, MOVES["approve"][0], "审批")
        t = thresholds_for(county_of(r.book.region_id))
        if rules.needs_committee(r.amount, t) and not signer:
            raise Invalid(Problem(f"金额达到 {format_yuan(t.committee_threshold)} 元，须填写村务监督委员会审核人", field="村务监督委员会审核人"))
        problems = matter_problems(r)
        if problems:
            raise Invalid(problems)
        r.committee_signer = signer[:50]
        _move(user, r, "approve", note=f"村务监督委员会：{signer}" if signer else "")
        _tell(REVIEW_ROLES, township_of(r.book.region_id), "confirm", f"待审核的付款申请：{r.book.region.name} {r.purpose} {format_yuan(r.amount)}元", r, user)
    return r


def review(user, req: PaymentRequest) -> PaymentRequest:
    """The township supervisor reviews the village's approval; the request may then be paid."""
    require(user, REVIEW_ROLES, req.book.region_id, "审核付款申请", object_type="payments.review", object_id=req.pk)
    with transaction.atomic():
        r = _locked(req, MOVES["review"][0], "审核")
        _move(user, r, "review")
        _tell(MAKE_ROLES, r.book.region_id, "other", f"付款申请已通过乡镇审核：{r.purpose} {format_yuan(r.amount)}元", r, user)
    return r


def reject(user, req: PaymentRequest, reason: str) -> PaymentRequest:
    """Sent back to the accountant with a reason: by the secretary while it waits for the
    village, by the township while it waits for the township or for payment."""
    reason = (reason or "").strip()
    status = PaymentRequest.objects.filter(pk=req.pk).values_list("status", flat=True).first()
    roles = APPROVE_ROLES if status == "submitted" else REVIEW_ROLES
    require(user, roles, req.book.region_id, "退回付款申请", object_type="payments.reject", object_id=req.pk)
    if not reason:
        raise Invalid(Problem("请填写退回原因", field="退回原因"))
    with transaction.atomic():
        r = _locked(req, MOVES["reject"][0], "退回")
        if r.status != status:
            raise Invalid(Problem(f"付款申请 {r.reference} 状态已变为「{STATUS_LABELS[r.status]}」，请刷新后再操作"))
        if r.bank_status == "sent":
            raise Invalid(Problem(f"付款申请 {r.reference} 已发送银行，请等银行回单后再处理"))
        r.reject_reason = reason[:200]
        _move(user, r, "reject", note=r.reject_reason)
        _tell(MAKE_ROLES, r.book.region_id, "returned", f"付款申请被退回：{r.purpose}（{r.reject_reason}）", r, user)
    return r
