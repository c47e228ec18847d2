"""The township's bank (银农直联): the payment file of a township's reviewed requests, and the
bank's result file read back — all or nothing, every problem named by file, row and field. A
request paid by the bank waits for its voucher (the accountant makes it); a failed one goes back
to the accountant with the bank's reason."""

from dataclasses import dataclass

from django.db import transaction

from sanwu.core import audit
from sanwu.core.codes import region_prefix
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_yuan, parse_yuan
from sanwu.core.permissions import require, visible
from sanwu.core.readers import read_rows
from sanwu.regions.models import Region

from ..models import PayerAccount, PaymentEvent, PaymentRequest
from ..rules import RESULT_WORDS
from .permissions import BANK_ROLES, MAKE_ROLES
from .requests import _tell

# The columns of the payment file, in the bank's order (keys and headers alike).
FILE_COLUMNS = ("序号", "付款账号", "收款人户名", "收款账号", "开户行", "金额", "用途", "业务参考号")
RESULT_ALIASES = {
    "reference": ["业务参考号", "参考号", "reference"],
    "result": ["结果", "处理结果", "交易状态", "状态", "result"],
    "reason": ["原因", "失败原因", "备注", "reason"],
    "amount": ["金额", "交易金额", "amount"],
    # the payment file's own columns, as a bank often returns them beside the result: not read
    **{f"_{c}": [c] for c in FILE_COLUMNS if c not in ("业务参考号", "金额")},
}


def _township(code: str) -> Region:
    t = Region.objects.filter(code=code, level="township").first()
    if t is None:
        raise Invalid(Problem(f"「{code}」不是已登记的乡镇", field="乡镇"))
    return t


def waiting_for_bank(user, township_code: str):
    """The township's reviewed requests not yet paid: what its next payment file holds."""
    return (
        visible(PaymentRequest, user).filter(book__region__code__startswith=region_prefix(township_code), status="reviewed", bank_status__in=("", "sent"), voucher__isnull=True)
        .select_related("book__region", "account").order_by("book__region_id", "id")
    )


@dataclass
class BankLine:
    request: PaymentRequest
    payer: PayerAccount


def send_bank_file(user, township_code: str) -> list[BankLine]:
    """The lines of the payment file (the requests are marked sent to the bank; sending again
    repeats the ones still waiting for the bank's result). The full account numbers leave here
    only, audited."""
    _township(township_code)
    require(user, BANK_ROLES, township_code, "生成银行支付文件", object_type="payments.bank_file", object_id=township_code)
    with transaction.atomic():
        reqs = list(waiting_for_bank(user, township_code).select_for_update(of=("self",)))
        payers = {p.book_id: p for p in PayerAccount.objects.filter(book_id__in={r.book_id for r in reqs})}
        missing = sorted({r.book.name for r in reqs if r.book_id not in payers})
        if missing:
            raise Invalid([Problem(f"账套「{name}」未登记付款账户（付款账号、开户行），不能生成支付文件", field="付款账号") for name in missing])
        if not reqs:
            raise Invalid(Problem("没有等待银行支付的付款申请"))
        for r in reqs:
            if r.bank_status != "sent":
                r.bank_status = "sent"
                r.save(update_fields=["bank_status", "updated_at"])
                PaymentEvent.record(user, "bank_sent", from_status=r.status, to_status=r.status, request=r)
        audit.record("payments.bank_file", None, actor=user, region_code=township_code, object_type="payments.bank_file",
                     new={"references": [r.reference for r in reqs], "total": sum(r.amount for r in reqs)})
    return [BankLine(r, payers[r.book_id]) for r in reqs]


@dataclass
class ResultSummary:
    paid: int
    failed: int


def _result_rows(user, township_code: str, data: bytes, filename: str):
    keys, rows = read_rows(data, filename, RESULT_ALIASES)
    name = filename.rsplit("/", 1)[-1]
    problems = [Problem(f"缺少「{label}」列", row=1, field=label, file=name) for key, label in (("reference", "业务参考号"), ("result", "结果")) if key not in keys]
    if problems:
        raise Invalid(problems)
    sent = {r.reference: r for r in visible(PaymentRequest, user).filter(book__region__code__startswith=region_prefix(township_code), status="reviewed", bank_status="sent").select_related("book")}
    out, seen = [], {}
    for line, row in rows:
        ref, word = row.get("reference", ""), row.get("result", "")
        req = sent.get(ref)
        if not ref:
            problems.append(Problem("业务参考号不能为空", row=line, field="业务参考号", file=name))
        elif ref in seen:
            problems.append(Problem(f"业务参考号「{ref}」与第{seen[ref]}行重复", row=line, field="业务参考号", file=name))
        elif req is None:
            problems.append(Problem(f"业务参考号「{ref}」不是本乡镇已发送银行、等待回单的付款申请", row=line, field="业务参考号", file=name))
        seen.setdefault(ref, line)
        if word not in RESULT_WORDS:
            problems.append(Problem(f"结果「{word}」无效（成功、失败）", row=line, field="结果", file=name))
        elif RESULT_WORDS[word] == "failed" and not row.get("reason"):
            problems.append(Problem("支付失败须写明原因", row=line, field="原因", file=name))
        if row.get("amount") and req is not None:
            try:
                amount = parse_yuan(row["amount"])
            except Invalid:
                problems.append(Problem(f"金额「{row['amount']}」无效", row=line, field="金额", file=name))
            else:
                if amount != req.amount:
                    problems.append(Problem(f"金额 {format_yuan(amount)} 与付款申请的 {format_yuan(req.amount)} 元不符", row=line, field="金额", file=name))
        if req is not None and word in RESULT_WORDS:
            out.append((req, RESULT_WORDS[word], row.get("reason", "")[:200]))
    if not out and not problems:
        problems.append(Problem("文件中没有回单记录", file=name))
    if problems:
        raise Invalid(problems)
    return out


def read_bank_result(user, township_code: str, data: bytes, filename: str) -> ResultSummary:
    """The bank's result file (业务参考号, 成功/失败, 原因) matched back to the requests sent:
    paid ones wait for their voucher, failed ones go back to the accountant. All or nothing."""
    _township(township_code)
    require(user, BANK_ROLES, township_code, "导入银行回单", object_type="payments.bank_result", object_id=township_code)
    with transaction.atomic():
        lines = _result_rows(user, township_code, data, filename)
        paid = failed = 0
        for req, result, reason in lines:
            r = PaymentRequest.objects.select_for_update(of=("self",)).select_related("book__region").get(pk=req.pk)
            if result == "success":
                r.bank_status, r.bank_note, r.paid_on = "success", reason, today()
                r.save()
                PaymentEvent.record(user, "bank_paid", from_status=r.status, to_status=r.status, note=reason, request=r)
                _tell(MAKE_ROLES, r.book.region_id, "other", f"银行已支付 {r.reference}：{r.purpose}，请制作付款凭证", r, user)
                paid += 1
            else:
                was = r.status
                r.status, r.bank_status, r.bank_note = "rejected", "failed", reason
                r.reject_reason = f"银行支付失败：{reason}"[:200]
                r.save()
                PaymentEvent.record(user, "bank_failed", from_status=was, to_status="rejected", note=reason, request=r)
                _tell(MAKE_ROLES, r.book.region_id, "returned", f"银行支付失败 {r.reference}：{reason}", r, user)
                failed += 1
        audit.record("payments.bank_result", None, actor=user, region_code=township_code, object_type="payments.bank_result",
                     new={"file": filename, "paid": paid, "failed": failed})
    return ResultSummary(paid, failed)
