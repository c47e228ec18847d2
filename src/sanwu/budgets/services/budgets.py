"""A budget's life: drafted (and its lines set) by the accountant, approved by the members'
meeting as recorded by the secretary, frozen once approved; a change is a new version."""

import hashlib
import json

from django.db import transaction

from sanwu.core import audit
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_yuan
from sanwu.core.permissions import require
from sanwu.decisions.models import Matter
from sanwu.decisions.rules import DECIDED_STAGES
from sanwu.ledger.charts import EXPENSE_ROLES, INCOME_ROLES
from sanwu.ledger.models import Account, Book

from .. import rules
from ..models import Budget, BudgetEvent, BudgetLine
from .permissions import APPROVE_ROLES, DRAFT_ROLES

BUDGET_ROLES = INCOME_ROLES | EXPENSE_ROLES


def kind_of(account: Account) -> str | None:
    """income / expense for an account the budget may hold, else None."""
    roles = account.role_set
    if roles & INCOME_ROLES:
        return "income"
    if roles & EXPENSE_ROLES:
        return "expense"
    return None


def budget_accounts(book: Book) -> list[Account]:
    """The income and expense accounts of the book's chart (parents and details), by code."""
    return [a for a in Account.objects.filter(book=book, is_open=True).order_by("code") if kind_of(a)]


def content_of(budget: Budget) -> dict:
    """The budget's content as frozen: the year, the version and every line."""
    lines = budget.lines.select_related("account").order_by("account__code")
    return {
        "book": budget.book.code, "year": budget.year, "version": budget.version,
        "lines": [{"account": ln.account.code, "amount": ln.amount, "months": ln.months, "note": ln.note} for ln in lines],
    }


def content_hash(budget: Budget) -> str:
    text = json.dumps(content_of(budget), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_intact(budget: Budget) -> bool:
    """An approved budget's lines are still those approved."""
    return budget.status == "draft" or budget.content_hash == content_hash(budget)


def _user(user):
    return user if user is not None and getattr(user, "pk", None) else None


def _locked(budget: Budget) -> Budget:
    return Budget.objects.select_for_update().select_related("book").get(pk=budget.pk)


def _draft_only(b: Budget) -> None:
    if b.status != "draft":
        raise Invalid(Problem(f"{b}已{rules.STATUS_LABELS[b.status]}，不能修改；如需调整，请编制新版本"))


def create_budget(user, book: Book, year: int, note: str = "") -> Budget:
    """A new draft for the book's year (version 1). One budget per book and year: a change to
    an approved one is `revise`."""
    require(user, DRAFT_ROLES, book.region_id, "编制年度预算", object_type="budgets.create", object_id=book.code)
    if not isinstance(year, int) or isinstance(year, bool) or not book.start_date.year <= year <= today().year + 1:
        raise Invalid(Problem(f"年度「{year}」无效（{book.start_date.year}年至{today().year + 1}年）", field="year"))
    with transaction.atomic():
        Book.objects.select_for_update().get(pk=book.pk)
        if Budget.objects.filter(book=book, year=year).exists():
            raise Invalid(Problem(f"{book.name}{year}年度已有预算；调整已批准的预算请编制新版本", field="year"))
        b = Budget.objects.create(book=book, year=year, note=(note or "").strip()[:200], created_by=_user(user))
        BudgetEvent.record(user, "create", to_status="draft", note=b.note, budget=b)
        audit.record("budget.create", b, actor=user, region_code=book.region_id, new={"book": book.code, "year": year})
    return b


def set_line(user, budget: Budget, account: Account, amount: int, months: list[int] | None = None, note: str = "") -> BudgetLine:
    """Set one account's line of a draft (a new line, or a change). Without `months` the year
    is split evenly over the twelve months (largest remainder)."""
    return set_lines(user, budget, [(account, amount, months, note)])[0]


def _line_problems(budget: Budget, account: Account, amount, months) -> list[Problem]:
    problems = []
    if account.book_id != budget.book_id:
        problems.append(Problem("科目不属于本账套", field="account"))
    elif kind_of(account) is None:
        problems.append(Problem(f"科目「{account.code} {account.name}」不是收入或支出类科目，不能列入预算", field="account"))
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        problems.append(Problem("年度预算应为不小于0的金额", field="amount"))
    else:
        problems += rules.month_problems(amount, months)
    return problems


def set_lines(user, budget: Budget, lines) -> list[BudgetLine]:
    """Set several lines of a draft at once (`lines`: (account, amount, months or None, note)),
    all or none: one transaction, one history row."""
    require(user, DRAFT_ROLES, budget.book.region_id, "修改年度预算", object_type="budgets.line", object_id=budget.pk)
    lines = list(lines)
    problems = [p for account, amount, months, _ in lines for p in _line_problems(budget, account, amount, months)]
    if len({a.pk for a, *_ in lines}) != len(lines):
        problems.append(Problem("同一科目只能列一行", field="account"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        b = _locked(budget)
        _draft_only(b)
        parents = dict(Account.objects.filter(book_id=b.book_id).values_list("pk", "parent_id"))
        mine = {a.pk for a, *_ in lines}
        kept = {ln.account_id: ln for ln in b.lines.select_related("account")}
        listed = [ln.account for pk, ln in kept.items() if pk not in mine] + [a for a, *_ in lines]
        for account, *_ in lines:
            a = next((x for x in listed if x.pk != account.pk and _related(parents, x.pk, account.pk)), None)
            if a is not None:
                raise Invalid(Problem(f"「{account.code} {account.name}」与已列入的「{a.code} {a.name}」是上下级科目，只能列一个", field="account"))
        out, new = [], []
        for account, amount, months, note in lines:
            months = list(months) if months is not None else rules.even_months(amount)
            line = kept.get(account.pk) or BudgetLine(budget=b, account=account)
            line.amount, line.months, line.note = amount, months, (note or "").strip()[:200]
            if line.pk:
                line.save()
            else:
                new.append(line)
            out.append(line)
        BudgetLine.objects.bulk_create(new)
        BudgetEvent.record(user, "line", note="、".join(f"{a.code} {a.name} {format_yuan(amount)}元" for a, amount, *_ in lines), budget=b)
        audit.record(
            "budget.line", b, actor=user, region_code=b.book.region_id,
            new={"lines": [{"account": a.code, "amount": amount, "months": ln.months} for (a, amount, *_), ln in zip(lines, out)]},
        )
    return out


def _lineage(parents: dict[int, int | None], pk: int) -> set[int]:
    out = set()
    while pk is not None and pk not in out:
        out.add(pk)
        pk = parents.get(pk)
    return out


def _related(parents: dict[int, int | None], a: int, b: int) -> bool:
    """One account is the other's ancestor (their amounts would be counted twice)."""
    return a in _lineage(parents, b) or b in _lineage(parents, a)


def remove_line(user, budget: Budget, account: Account) -> None:
    require(user, DRAFT_ROLES, budget.book.region_id, "修改年度预算", object_type="budgets.line", object_id=budget.pk)
    with transaction.atomic():
        b = _locked(budget)
        _draft_only(b)
        deleted, _ = BudgetLine.objects.filter(budget=b, account=account).delete()
        if not deleted:
            raise Invalid(Problem(f"预算中没有科目「{account.code}」", field="account"))
        BudgetEvent.record(user, "remove_line", note=f"{account.code} {account.name}", budget=b)
        audit.record("budget.remove_line", b, actor=user, region_code=b.book.region_id, old={"account": account.code})


def approve(user, budget: Budget, *, approved_on=None, meeting: rules.Meeting | None = None, matter: Matter | None = None) -> Budget:
    """The members' meeting approved the draft: recorded with its date, attendance and votes
    (`meeting`), or by the village's 四议两公开 matter whose resolution is published (`matter`).
    The budget is frozen; the version it replaces (if any) is marked superseded."""
    require(user, APPROVE_ROLES, budget.book.region_id, "记录预算批准", object_type="budgets.approve", object_id=budget.pk)
    problems = []
    if matter is not None:
        m = Matter.objects.filter(pk=matter.pk).first()
        if m is None or m.village_id != budget.book.region_id:
            problems.append(Problem("只能关联本村的四议两公开事项", field="matter"))
        elif m.status == "abandoned" or m.stage not in DECIDED_STAGES:
            problems.append(Problem(f"事项「{m.title}」的决议尚未公开，不能作为预算的批准依据", field="matter"))
        else:
            approved_on = approved_on or m.decided_on
    elif meeting is None:
        problems.append(Problem("请填写成员（代表）大会的表决情况，或关联四议两公开事项", field="meeting_type"))
    else:
        problems += rules.meeting_problems(meeting)
    if approved_on is None:
        problems.append(Problem("请填写批准日期", field="date"))
    elif approved_on > today():
        problems.append(Problem("批准日期不能晚于今天", field="date"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        b = _locked(budget)
        _draft_only(b)
        if not b.lines.exists():
            raise Invalid(Problem("预算还没有任何预算行"))
        old = Budget.objects.select_for_update().filter(pk=b.supersedes_id).first() if b.supersedes_id else None
        if old is not None and old.approved_on and approved_on < old.approved_on:
            raise Invalid(Problem(f"批准日期不能早于上一版本的批准日期（{old.approved_on:%Y-%m-%d}）", field="date"))
        b.status, b.approved_on, b.approved_by = "approved", approved_on, _user(user)
        b.matter = matter
        if meeting is not None and matter is None:
            b.meeting_type, b.entitled, b.present = meeting.meeting_type, meeting.entitled, meeting.present
            b.votes_for, b.votes_against, b.votes_abstain = meeting.votes_for, meeting.votes_against or 0, meeting.votes_abstain or 0
        b.content_hash = content_hash(b)
        b.save()
        how = f"四议两公开事项「{matter.title}」" if matter is not None else f"{rules.MEETING_TYPES[b.meeting_type]}（应到{b.entitled}、实到{b.present}、同意{b.votes_for}）"
        BudgetEvent.record(user, "approve", from_status="draft", to_status="approved", note=f"{approved_on:%Y-%m-%d} {how}", budget=b)
        if old is not None and old.status == "approved":
            old.status = "superseded"
            old.save(update_fields=["status", "updated_at"])
            BudgetEvent.record(user, "supersede", from_status="approved", to_status="superseded", note=f"由第{b.version}版替代", budget=old)
        audit.record(
            "budget.approve", b, actor=user, region_code=b.book.region_id,
            new={"year": b.year, "version": b.version, "hash": b.content_hash, "approved_on": approved_on.isoformat(), "matter": matter.pk if matter else None},
        )
    return b


def revise(user, budget: Budget, reason: str) -> Budget:
    """A new draft version copied from an approved budget; the approved one stays in force
    until the new one is approved."""
    require(user, DRAFT_ROLES, budget.book.region_id, "调整年度预算", object_type="budgets.revise", object_id=budget.pk)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(Problem("请填写调整原因", field="reason"))
    with transaction.atomic():
        b = _locked(budget)
        if b.status != "approved":
            raise Invalid(Problem("只有已批准（现行）的预算可以调整"))
        if Budget.objects.filter(book=b.book, year=b.year, status="draft").exists():
            raise Invalid(Problem(f"{b.year}年度已有待批准的新版本草稿"))
        last = Budget.objects.filter(book=b.book, year=b.year).order_by("-version").values_list("version", flat=True).first()
        new = Budget.objects.create(
            book=b.book, year=b.year, version=last + 1, supersedes=b, note=b.note, change_reason=reason[:200], created_by=_user(user),
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(budget=new, account_id=ln.account_id, amount=ln.amount, months=ln.months, note=ln.note) for ln in b.lines.all()
        )
        BudgetEvent.record(user, "revise", to_status="draft", note=reason[:200], budget=new)
        audit.record("budget.revise", new, actor=user, region_code=b.book.region_id, new={"from": b.pk, "version": new.version, "reason": reason[:200]})
    return new


def current_budget(book: Book, year: int, as_of=None) -> Budget | None:
    """The approved budget in force for the book's year: the latest approved version, or with
    `as_of`, the latest approved on or before that day (what a disclosure of a period shows)."""
    qs = Budget.objects.filter(book=book, year=year, status__in=("approved", "superseded"), approved_on__isnull=False)
    if as_of is not None:
        qs = qs.filter(approved_on__lte=as_of)
    else:
        qs = qs.filter(status="approved")
    return qs.order_by("-approved_on", "-version").first()
