"""The books over HTTP (/api/v1/): books, accounts, vouchers through their states, receipts,
the trial balance and the chain check.

Handlers are thin: they fetch through the scope gate (404 outside it), build drafts and call the
services, which check permissions themselves. A service's `Invalid` answers 422 with its Chinese
messages ({"detail": [..]}); `Refused` answers 403 ({"detail": ".."}) — handlers in sanwu/api.py. Money is integer fen in
fields ending `_fen`; dates are ISO.
"""

import datetime as dt
from typing import Annotated

from django.db.models import F, Q
from django.urls import reverse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from sanwu.core.api_errors import Detail, responses as _responses
from sanwu.core.api_fields import Fen, IsoDate, Offset, page_limit, text_field
from sanwu.core.codes import region_code_errors, region_prefix
from sanwu.core.errors import Invalid, Problem
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.money import to_capital
from sanwu.core.views import serve_file

from . import attachments, services
from .charts import CATEGORIES, CHART_VERSIONS, SIDES
from .models import Account, Attachment, Book, Entry, Voucher
from .services import ageing, reports
from .services.verify import verify_book

router = Router(tags=["账簿"])



# --- Errors ------------------------------------------------------------------------------------


# --- Input -------------------------------------------------------------------------------------




class EntryIn(Schema):
    account: Annotated[str, text_field(20, "科目编码")] = Field(description="本账套的科目编码（末级、启用）")
    debit_fen: Fen = Field(0, description="借方金额（分，整数；红字为负数）")
    credit_fen: Fen = Field(0, description="贷方金额（分，整数；红字为负数）")
    summary: Annotated[str, text_field(200, "分录摘要")] = ""
    counterparty: Annotated[str, text_field(100, "往来单位")] = ""
    counterparty_kind: Annotated[str, text_field(12, "往来单位类别")] = Field(
        "", description="person（个人）/ organisation（单位）/ 空（未说明）；往来单位带统一社会信用代码时为单位"
    )
    settlement: Annotated[str, text_field(10, "结算方式")] = Field("", description="cash / bank / transfer")
    source: Annotated[str, text_field(12, "收入来源")] = Field("", description="pv / rent / contracting / service / sales / investment / subsidy / other")


class VoucherIn(Schema):
    date: IsoDate = Field(description="凭证日期 YYYY-MM-DD")
    summary: Annotated[str, text_field(200, "摘要")]
    attachment_count: int = Field(0, ge=0, le=999, description="附件张数")
    entries: list[EntryIn]


class VoucherReasonIn(Schema):
    reason: Annotated[str, text_field(200, "退回原因")] = ""


def _draft(payload: VoucherIn) -> services.VoucherDraft:
    return services.VoucherDraft(
        date=payload.date,
        summary=payload.summary,
        attachment_count=payload.attachment_count,
        entries=[
            services.EntryDraft(
                account=e.account, debit=e.debit_fen, credit=e.credit_fen, summary=e.summary,
                counterparty=e.counterparty, counterparty_kind=e.counterparty_kind, settlement=e.settlement, source=e.source,
            )
            for e in payload.entries
        ],
    )


# --- Output ------------------------------------------------------------------------------------


class BookOut(Schema):
    code: str
    name: str
    region: str
    region_name: str
    chart: str
    chart_label: str
    start_date: dt.date
    credit_code: str
    opening_confirmed: bool
    posted_count: int
    chain_head: str


class AccountOut(Schema):
    code: str
    name: str
    category: str
    category_label: str
    side: str
    side_label: str
    roles: list[str]
    parent: str | None
    is_leaf: bool
    is_open: bool
    standard: bool
    default_source: str


class VoucherBrief(Schema):
    id: int
    label: str
    date: dt.date
    year: int
    month: int
    number: int | None
    status: str
    status_label: str
    summary: str
    total_fen: int
    attachment_count: int
    reverses: int | None


class EntryOut(Schema):
    line: int
    account: str
    account_name: str
    debit_fen: int
    credit_fen: int
    summary: str
    counterparty: str
    counterparty_kind: str = Field(description="person / organisation / 空（未说明）")
    settlement: str
    source: str


class VoucherAttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    url: str


class VoucherOut(VoucherBrief):
    book: str
    total_in_words: str
    source_no: str
    reject_reason: str
    maker: str | None
    reviewer: str | None
    poster: str | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    posted_at: dt.datetime | None
    seq: int | None
    hash: str | None
    prev_hash: str | None
    reversed_by: list[int]
    entries: list[EntryOut]
    attachments: list[VoucherAttachmentOut]


class TrialBalanceRow(Schema):
    code: str
    name: str
    category_label: str
    level: int
    is_leaf: bool
    opening_debit_fen: int
    opening_credit_fen: int
    debit_fen: int
    credit_fen: int
    closing_debit_fen: int
    closing_credit_fen: int


class TrialBalanceTotals(Schema):
    opening_debit_fen: int
    opening_credit_fen: int
    debit_fen: int
    credit_fen: int
    closing_debit_fen: int
    closing_credit_fen: int


class TrialBalanceOut(Schema):
    book: str
    year: int
    month_from: int
    month_to: int
    rows: list[TrialBalanceRow]
    totals: TrialBalanceTotals
    balanced: bool


class AgeingPartyRow(Schema):
    counterparty: str = Field(description="往来单位（个人往来单位对本村以外的用户隐去姓名）")
    kind: str = Field(description="person / organisation / 空（未说明）")
    balance_fen: int
    within_1_fen: int = Field(description="1年以内（含满1年）")
    years_1_2_fen: int = Field(description="1–2年")
    years_2_3_fen: int = Field(description="2–3年")
    over_3_fen: int = Field(description="3年以上")
    oldest: dt.date = Field(description="最早一笔未清款项的凭证日期")


class AgeingTotals(Schema):
    balance_fen: int
    within_1_fen: int
    years_1_2_fen: int
    years_2_3_fen: int
    over_3_fen: int


class AgeingSection(Schema):
    role: str = Field(description="receivable（应收款）/ payable（应付款）/ internal（内部往来）")
    label: str
    rows: list[AgeingPartyRow]
    total: AgeingTotals


class AgeingOut(Schema):
    book: str
    date: dt.date
    sections: list[AgeingSection]


class VerifyOut(Schema):
    book: str
    ok: bool
    vouchers: int
    problems: list[str]


def _book(b: Book) -> dict:
    return {
        "code": b.code, "name": b.name, "region": b.region_id, "region_name": b.region.name, "chart": b.chart,
        "chart_label": CHART_VERSIONS[b.chart], "start_date": b.start_date, "credit_code": b.credit_code,
        "opening_confirmed": b.opening_confirmed, "posted_count": b.posted_count, "chain_head": b.chain_head,
    }


def _brief(v: Voucher) -> dict:
    return {
        "id": v.pk, "label": v.label, "date": v.date, "year": v.year, "month": v.month, "number": v.number,
        "status": v.status, "status_label": v.get_status_display(), "summary": v.summary, "total_fen": v.total,
        "attachment_count": v.attachment_count, "reverses": v.reverses_id,
    }


def _attachment(book: Book, a: Attachment) -> dict:
    url = reverse("api-1.0.0:ledger_attachment", kwargs={"code": book.code, "id": a.voucher_id, "att_id": a.pk})
    return {
        "id": a.pk, "filename": a.filename, "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
        "uploaded_at": a.uploaded_at, "url": url,
    }


def _voucher(user, book: Book, voucher: Voucher) -> dict:
    v = Voucher.objects.visible_to(user).select_related("maker", "reviewer", "poster").get(pk=voucher.pk)
    posted = v.status == "posted"
    entries = Entry.objects.visible_to(user).filter(voucher=v).select_related("account").order_by("line")
    return {
        **_brief(v),
        "book": book.code,
        "total_in_words": to_capital(v.total),
        "source_no": v.source_no,
        "reject_reason": v.reject_reason,
        "maker": v.maker.username if v.maker else None,
        "reviewer": v.reviewer.username if v.reviewer else None,
        "poster": v.poster.username if v.poster else None,
        "created_at": v.created_at, "submitted_at": v.submitted_at, "reviewed_at": v.reviewed_at, "posted_at": v.posted_at,
        "seq": v.seq if posted else None,
        "hash": v.hash if posted else None,
        "prev_hash": v.prev_hash if posted else None,
        "reversed_by": list(Voucher.objects.visible_to(user).filter(reverses=v).order_by("id").values_list("id", flat=True)),
        "entries": [
            {
                "line": e.line, "account": e.account.code, "account_name": e.account.name, "debit_fen": e.debit,
                "credit_fen": e.credit, "summary": e.summary, "counterparty": e.counterparty,
                "counterparty_kind": e.counterparty_kind, "settlement": e.settlement, "source": e.source,
            }
            for e in entries
        ],
        "attachments": [_attachment(book, a) for a in Attachment.objects.visible_to(user).filter(voucher=v).order_by("id")],
    }


def _get_book(request, code: str) -> Book:
    return get_visible_or_404(Book, request.auth, code=code)


def _get_voucher(request, code: str, id: int) -> tuple[Book, Voucher]:
    book = _get_book(request, code)
    return book, get_visible_or_404(Voucher, request.auth, pk=id, book=book)


# --- Books and accounts --------------------------------------------------------------------


@router.get(
    "/books", response=list[BookOut], summary="管辖范围内的账套",
    description="region：区划代码或代码前缀（完整的12位代码按其级别截为前缀）；q：名称的一部分，或账套编码的开头。",
)
def books(request, region: str | None = None, q: str | None = None, limit: page_limit(5000) = 500, offset: Offset = 0):
    qs = Book.objects.visible_to(request.auth).select_related("region")
    if region:
        if len(region) in (12, 15) and region.isdigit() and not region_code_errors(region):
            region = region_prefix(region)
        qs = qs.filter(region__code__startswith=region)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return [_book(b) for b in qs.order_by("code")[offset : offset + limit]]


@router.get("/books/{code}", response=_responses(BookOut), summary="一个账套（不在范围内时为404）")
def book(request, code: str):
    b = _get_book(request, code)
    return _book(b)


@router.get("/books/{code}/accounts", response=_responses(list[AccountOut]), summary="账套的会计科目（含明细科目）")
def accounts(request, code: str):
    b = _get_book(request, code)
    qs = Account.objects.visible_to(request.auth).filter(book=b).select_related("parent").order_by("code")
    return [
        {
            "code": a.code, "name": a.name, "category": a.category, "category_label": CATEGORIES[a.category],
            "side": a.side, "side_label": SIDES[a.side], "roles": sorted(a.role_set),
            "parent": a.parent.code if a.parent_id else None, "is_leaf": a.is_leaf, "is_open": a.is_open,
            "standard": a.standard, "default_source": a.default_source,
        }
        for a in qs
    ]


# --- Vouchers ------------------------------------------------------------------------------


@router.get(
    "/books/{code}/vouchers", response=_responses(list[VoucherBrief]), summary="账套的记账凭证",
    description="筛选：status（draft、submitted、reviewed、posted、rejected）、year、month；按月份和凭证号排列"
    "（草稿排在当月之后）；limit 最多 1000。",
)
def vouchers(request, code: str, status: str | None = None, year: int | None = None, month: int | None = None, limit: page_limit(1000) = 100, offset: Offset = 0):
    b = _get_book(request, code)
    qs = Voucher.objects.visible_to(request.auth).filter(book=b)
    if status:
        if status not in dict(Voucher.STATUSES):
            raise Invalid(Problem(f"未知状态「{status}」（{'、'.join(k for k, _ in Voucher.STATUSES)}）", field="status"))
        qs = qs.filter(status=status)
    if year is not None:
        qs = qs.filter(year=year)
    if month is not None:
        qs = qs.filter(month=month)
    qs = qs.order_by("year", "month", F("number").asc(nulls_last=True), "id")
    return [_brief(v) for v in qs[offset : offset + limit]]


@router.post("/books/{code}/vouchers", response=_responses(VoucherOut, 201), summary="新建凭证草稿（制单）")
def create_voucher(request, code: str, payload: VoucherIn):
    b = _get_book(request, code)
    v = services.save_draft(request.auth, b, _draft(payload))
    return Status(201, _voucher(request.auth, b, v))


@router.get("/books/{code}/vouchers/{id}", response=_responses(VoucherOut), summary="一张凭证（含分录、附件、哈希链）")
def voucher(request, code: str, id: int):
    b, v = _get_voucher(request, code, id)
    return _voucher(request.auth, b, v)


@router.put("/books/{code}/vouchers/{id}", response=_responses(VoucherOut), summary="修改凭证草稿（草稿或被退回的凭证）")
def update_voucher(request, code: str, id: int, payload: VoucherIn):
    b, v = _get_voucher(request, code, id)
    v = services.save_draft(request.auth, b, _draft(payload), voucher=v)
    return _voucher(request.auth, b, v)


@router.delete("/books/{code}/vouchers/{id}", response=_responses(None, 204), summary="删除凭证草稿（已记账凭证不能删除）")
def delete_voucher(request, code: str, id: int):
    _, v = _get_voucher(request, code, id)
    services.delete_draft(request.auth, v)
    return Status(204, None)


@router.post("/books/{code}/vouchers/{id}/submit", response=_responses(VoucherOut), summary="提交凭证待审核")
def submit_voucher(request, code: str, id: int):
    b, v = _get_voucher(request, code, id)
    return _voucher(request.auth, b, services.submit(request.auth, v))


@router.post("/books/{code}/vouchers/{id}/review", response=_responses(VoucherOut), summary="审核凭证（审核人不能是制单人）")
def review_voucher(request, code: str, id: int):
    b, v = _get_voucher(request, code, id)
    return _voucher(request.auth, b, services.review(request.auth, v))


@router.post("/books/{code}/vouchers/{id}/reject", response=_responses(VoucherOut), summary="退回凭证（须填写原因）")
def reject_voucher(request, code: str, id: int, payload: VoucherReasonIn):
    b, v = _get_voucher(request, code, id)
    return _voucher(request.auth, b, services.reject(request.auth, v, payload.reason))


@router.post("/books/{code}/vouchers/{id}/post", response=_responses(VoucherOut), summary="记账（编号、哈希链、科目发生额）")
def post_voucher(request, code: str, id: int):
    b, v = _get_voucher(request, code, id)
    return _voucher(request.auth, b, services.post(request.auth, v))


@router.post("/books/{code}/vouchers/{id}/review-and-post", response=_responses(VoucherOut), summary="审核并记账")
def review_and_post_voucher(request, code: str, id: int):
    b, v = _get_voucher(request, code, id)
    return _voucher(request.auth, b, services.review_and_post(request.auth, v))


@router.post("/books/{code}/vouchers/{id}/reverse", response=_responses(VoucherOut, 201), summary="红字冲销：生成冲销凭证草稿（日期为今天）")
def reverse_voucher(request, code: str, id: int):
    b, v = _get_voucher(request, code, id)
    return Status(201, _voucher(request.auth, b, services.start_reversal(request.auth, v)))


# --- Attachments ---------------------------------------------------------------------------


@router.post("/books/{code}/vouchers/{id}/attachments", response=_responses(VoucherAttachmentOut, 201), summary="上传原始凭证附件（JPEG、PNG、PDF）")
def upload_attachment(request, code: str, id: int, file: UploadedFile = File(..., description="JPEG、PNG 或 PDF，按内容识别，不超过10MB")):
    b, v = _get_voucher(request, code, id)
    # One byte past the limit is enough for the service to refuse an oversized file.
    data = file.read(attachments.MAX_BYTES + 1)
    att = attachments.add_attachment(request.auth, v, file.name or "附件", data)
    return Status(201, _attachment(b, att))


_FILE_TYPES = {mime: {"schema": {"type": "string", "format": "binary"}} for mime in attachments.ALLOWED}


@router.get(
    "/books/{code}/vouchers/{id}/attachments/{att_id}", response={404: Detail}, summary="下载附件原文件",
    url_name="ledger_attachment", openapi_extra={"responses": {200: {"description": "附件原文件", "content": _FILE_TYPES}}},
)
def download_attachment(request, code: str, id: int, att_id: int):
    _, v = _get_voucher(request, code, id)
    return serve_file(request, Attachment, user=request.auth, cache="private, no-store", pk=att_id, voucher=v)


# --- Reports and verification ------------------------------------------------------------


@router.get(
    "/books/{code}/reports/trial-balance", response=_responses(TrialBalanceOut), summary="科目余额表（金额单位：分）",
    description="按保存的科目发生额计算：每个科目（上级科目为其明细之和）的期初、本期、期末金额；"
    "期间为 year 年的 month_from 月至 month_to 月（默认全年）。",
)
def trial_balance(request, code: str, year: int, month_from: int = 1, month_to: int = 12):
    b = _get_book(request, code)
    problems = []
    if not 1900 <= year <= 2999:
        problems.append(Problem(f"年份「{year}」无效", field="year"))
    if not 1 <= month_from <= 12:
        problems.append(Problem(f"起始月份「{month_from}」无效（1–12）", field="month_from"))
    if not 1 <= month_to <= 12:
        problems.append(Problem(f"截止月份「{month_to}」无效（1–12）", field="month_to"))
    elif month_from > month_to:
        problems.append(Problem("起始月份不能晚于截止月份", field="month_from"))
    if problems:
        raise Invalid(problems)
    tb = reports.trial_balance(b, year, month_from, month_to)
    keys = ("opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit")
    return {
        "book": b.code, "year": year, "month_from": month_from, "month_to": month_to,
        "rows": [
            {
                "code": r["code"], "name": r["name"], "category_label": r["category"], "level": r["level"],
                "is_leaf": r["is_leaf"], **{f"{k}_fen": r[k] for k in keys},
            }
            for r in tb["rows"]
        ],
        "totals": {f"{k}_fen": tb["totals"][k] for k in keys},
        "balanced": tb["balanced"],
    }


@router.get(
    "/books/{code}/reports/ageing", response=_responses(AgeingOut), summary="往来款项明细（账龄，金额单位：分）",
    description="应收款、应付款、内部往来按往来单位的余额，按先进先出计龄：1年以内、1–2年、2–3年、3年以上；"
    "date 为截止日期（默认今天）。余额为零的往来单位不列出。",
)
def ageing_report(request, code: str, date: IsoDate | None = None):
    b = _get_book(request, code)
    a = ageing.book_ageing(request.auth, b, date or services.today())

    def fen(d: dict) -> dict:
        return {f"{k}_fen": d[k] for k in ("balance", *ageing.BUCKET_KEYS)}

    return {
        "book": b.code, "date": a["as_of"],
        "sections": [
            {
                "role": s["role"], "label": s["label"], "total": fen(s["total"]),
                "rows": [{"counterparty": r["counterparty"], "kind": r["kind"], "oldest": r["oldest"], **fen(r)} for r in s["rows"]],
            }
            for s in a["sections"]
        ],
    }


@router.get("/books/{code}/verify", response=_responses(VerifyOut), summary="校验账套：哈希链与科目发生额")
def verify(request, code: str):
    b = _get_book(request, code)
    check = verify_book(b)
    return {"book": b.code, "ok": check.ok, "vouchers": check.vouchers, "problems": check.problems}
