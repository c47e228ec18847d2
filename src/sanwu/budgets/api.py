"""年度财务预算 over HTTP (/api/v1/budgets…): read only — the budgets in scope, and one budget
with its lines and budget against actual by month. Money is integer fen in fields ending `_fen`."""

import datetime as dt

from ninja import Router, Schema
from pydantic import Field

from sanwu.core.api_errors import responses
from sanwu.core.api_fields import Offset, page_limit
from sanwu.core.errors import Invalid, Problem
from sanwu.core.permissions import get_visible_or_404

from . import services
from .models import Budget
from .rules import STATUS_LABELS

router = Router(tags=["年度财务预算"])


class BudgetBrief(Schema):
    id: int
    book: str
    village: str
    year: int
    version: int
    status: str = Field(description="、".join(f"{k} {v}" for k, v in STATUS_LABELS.items()))
    approved_on: dt.date | None


class BudgetLineOut(Schema):
    code: str
    name: str
    kind: str = Field(description="income 收入、expense 支出")
    amount_fen: int
    months_fen: list[int] = Field(description="12个月的预算（分）")
    actual_fen: list[int] = Field(description="12个月的实际（分，账簿记账数，不含年终结转）")


class BudgetOut(BudgetBrief):
    meeting_type: str
    matter_id: int | None
    entitled: int | None
    present: int | None
    votes_for: int | None
    content_hash: str
    lines: list[BudgetLineOut]


def _brief(b: Budget) -> dict:
    return {"id": b.pk, "book": b.book.code, "village": b.book.region_id, "year": b.year, "version": b.version, "status": b.status, "approved_on": b.approved_on}


@router.get("/budgets", response=responses(list[BudgetBrief]), summary="管辖范围内的年度财务预算", description="筛选：year、status；limit 最多 1000。")
def budgets(request, year: int | None = None, status: str | None = None, limit: page_limit(1000) = 100, offset: Offset = 0):
    qs = Budget.objects.visible_to(request.auth).select_related("book")
    if status:
        if status not in STATUS_LABELS:
            raise Invalid(Problem(f"未知状态「{status}」（{'、'.join(STATUS_LABELS)}）", field="status"))
        qs = qs.filter(status=status)
    if year is not None:
        qs = qs.filter(year=year)
    return [_brief(b) for b in qs.order_by("-year", "book_id", "-version")[offset : offset + limit]]


@router.get("/budgets/{id}", response=responses(BudgetOut), summary="一份预算：预算行、分月预算与实际")
def budget(request, id: int):
    b = get_visible_or_404(Budget, request.auth, pk=id)
    data = services.budget_vs_actual(b)
    return {
        **_brief(b), "meeting_type": b.meeting_type, "matter_id": b.matter_id, "entitled": b.entitled, "present": b.present,
        "votes_for": b.votes_for, "content_hash": b.content_hash,
        "lines": [
            {"code": ln["code"], "name": ln["name"], "kind": ln["kind"], "amount_fen": ln["amount"], "months_fen": ln["months"], "actual_fen": ln["actual"]}
            for ln in data["lines"]
        ],
    }
