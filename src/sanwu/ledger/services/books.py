"""Books and their accounts: creating a book with its chart, detail sub-accounts, opening
balances and their confirmation."""

import datetime as dt

from django.db import transaction

from sanwu.core.permissions import refuse
from sanwu.core.codes import credit_code_errors, normalize_credit_code
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.money import format_yuan
from sanwu.core.scope import code_in_scope
from sanwu.regions.models import Region

from ..charts import CHART_VERSIONS, CHARTS, SOURCES
from ..models import Account, Book, Collective, Entry, OpeningBalance
from .roles import BOOK_ADMIN_ROLES, MAKE_ROLES, audit_change, require_role



def new_book_problems(code: str) -> list[Problem]:
    """What is wrong with `code` as a new book's code."""
    if not code or len(code) > 32:
        return [Problem("账套编码不能为空且不超过32个字符", field="code")]
    if Book.objects.filter(code=code).exists():
        return [Problem(f"账套编码「{code}」已存在", field="code")]
    return []


def create_book(
    user, code: str, region_code: str, chart: str, name: str = "", credit_code: str = "", start_date: dt.date | None = None,
    collective: Collective | None = None,
) -> Book:
    """A new book with its chart for the collective that owns it: `collective` when given (in
    the same village), else the village's collective with this credit code, else a new one made
    from the name and credit code."""
    problems = []
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level != "village":
        problems.append(Problem(f"「{region_code}」不是已登记的村", field="region"))
    if chart not in CHART_VERSIONS:
        problems.append(Problem(f"会计制度应为 2023 或 2004，而不是「{chart}」", field="chart"))
    problems += new_book_problems(code)
    if credit_code:
        problems.extend(Problem(e, field="credit_code") for e in credit_code_errors(credit_code))
    if collective is not None and collective.region_id != region_code:
        problems.append(Problem(f"集体经济组织「{collective}」不属于该村", field="collective"))
    if problems:
        raise Invalid(problems)
    if user is not None and not code_in_scope(user, region.code, BOOK_ADMIN_ROLES):
        refuse(user, "ledger.book.create", code, region.code)
        raise Refused("无权为该村建立账套")
    return make_book(user, code, region, chart, name, credit_code, start_date, collective)


def make_book(
    user, code: str, region: Region, chart: str, name: str = "", credit_code: str = "", start_date: dt.date | None = None,
    collective: Collective | None = None,
) -> Book:
    """The book written, its collective made or reused (the checks are the caller's)."""
    with transaction.atomic():
        credit_code = normalize_credit_code(credit_code)
        if collective is None and credit_code:
            collective = Collective.objects.filter(region=region, credit_code=credit_code).order_by("pk").first()
        if collective is None:
            collective = Collective.objects.create(name=name or f"{region.name}股份经济合作社", credit_code=credit_code, region=region)
        book = Book.objects.create(
            code=code,
            name=name or collective.name,
            region=region,
            chart=chart,
            start_date=start_date or dt.date(today().year, 1, 1),
            credit_code=credit_code or collective.credit_code,
            collective=collective,
        )
        _install_chart(book)
        audit_change(
            user, "book.create", book, region_code=region.code,
            new={"code": code, "region": region.code, "chart": chart, "credit_code": book.credit_code, "collective": collective.pk},
        )
    return book


def _install_chart(book: Book) -> None:
    std = CHARTS[book.chart]
    parents = {a.parent for a in std if a.parent}
    made: dict[str, Account] = {}
    for a in std:  # the data lists parents before their sub-accounts
        made[a.code] = Account.objects.create(
            book=book,
            code=a.code,
            name=a.name,
            category=a.category,
            side=a.side,
            roles=",".join(a.roles),
            parent=made.get(a.parent) if a.parent else None,
            standard=True,
            is_leaf=a.code not in parents,
        )


def add_sub_account(user, book: Book, parent_code: str, code: str, name: str, default_source: str = "") -> Account:
    require_role(user, book, MAKE_ROLES | BOOK_ADMIN_ROLES, "增设明细科目")
    parent = Account.objects.filter(book=book, code=parent_code).first()
    problems = []
    if parent is None:
        problems.append(Problem(f"上级科目「{parent_code}」不存在", field="parent"))
    elif not code.startswith(parent.code) or len(code) != len(parent.code) + 2 or not code.isdigit():
        problems.append(Problem(f"明细科目编码应为上级编码「{parent.code}」加两位数字", field="code"))
    elif Account.objects.filter(book=book, code=code).exists():
        problems.append(Problem(f"科目编码「{code}」已存在", field="code"))
    elif parent.is_leaf and (Entry.objects.filter(account=parent).exists() or OpeningBalance.objects.filter(account=parent).exists()):
        problems.append(Problem(f"科目「{parent}」已有发生额或期初余额，不能再增设明细", field="parent"))
    if not name.strip():
        problems.append(Problem("科目名称不能为空", field="name"))
    if default_source and default_source not in SOURCES:
        problems.append(Problem(f"未知收入来源「{default_source}」", field="source"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        account = Account.objects.create(
            book=book, code=code, name=name.strip(), category=parent.category, side=parent.side, roles=parent.roles,
            parent=parent, standard=False, is_leaf=True, default_source=default_source,
        )
        if parent.is_leaf:
            parent.is_leaf = False
            parent.save(update_fields=["is_leaf"])
        audit_change(user, "account.create", account, new={"book": book.code, "code": code, "name": account.name}, region_code=book.region_id)
    return account


def accounts_with_role(book: Book, role: str, leaf_only: bool = True) -> list[Account]:
    qs = Account.objects.filter(book=book)
    if leaf_only:
        qs = qs.filter(is_leaf=True)
    return [a for a in qs if role in a.role_set]


def set_opening_balances(user, book: Book, balances: dict[str, int]) -> None:
    """Opening balances by account code, debit-positive fen. Only before confirmation."""
    require_role(user, book, MAKE_ROLES | BOOK_ADMIN_ROLES, "录入期初余额")
    if book.opening_confirmed:
        raise Invalid(Problem("期初余额已确认，不能再修改"))
    accounts = {a.code: a for a in Account.objects.filter(book=book)}
    problems = []
    for code, amount in balances.items():
        acc = accounts.get(code)
        if acc is None:
            problems.append(Problem(f"科目「{code}」不存在", field="account"))
        elif not acc.is_leaf:
            problems.append(Problem(f"科目「{acc}」有明细科目，请在末级科目录入", field="account"))
        elif acc.category == "pnl" and amount:
            problems.append(Problem(f"损益类科目「{acc}」没有期初余额", field="account"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        old = {ob.account.code: ob.balance for ob in OpeningBalance.objects.filter(book=book).select_related("account")}
        OpeningBalance.objects.filter(book=book).delete()
        OpeningBalance.objects.bulk_create(
            [OpeningBalance(book=book, account=accounts[c], balance=v) for c, v in balances.items() if v]
        )
        audit_change(user, "book.opening.set", book, old=old, new={c: v for c, v in balances.items() if v}, region_code=book.region_id)


def confirm_opening(user, book: Book) -> None:
    """Check debits = credits and lock the opening balances (required before the first voucher)."""
    require_role(user, book, MAKE_ROLES | BOOK_ADMIN_ROLES, "确认期初余额")
    total = sum(OpeningBalance.objects.filter(book=book).values_list("balance", flat=True))
    if total != 0:
        side = "借方" if total > 0 else "贷方"
        raise Invalid(Problem(f"期初余额借贷不平：{side}多 {format_yuan(abs(total))} 元"))
    with transaction.atomic():
        book.opening_confirmed = True
        book.save(update_fields=["opening_confirmed"])
        audit_change(user, "book.opening.confirm", book, region_code=book.region_id)


def leaf_for(leaves: list[Account], *roles: str, prefer: tuple[str, ...] = ()) -> Account | None:
    """Of a book's leaf accounts, the one for the first of `roles` it has (a sub-account whose
    name has one of the `prefer` words first, then by code): how the apps that make vouchers from
    their own records (the cooperative, the asset register) find their accounts."""
    for role in roles:
        found = sorted((a for a in leaves if role in a.role_set), key=lambda a: (not any(w in a.name for w in prefer), a.code))
        if found:
            return found[0]
    return None
