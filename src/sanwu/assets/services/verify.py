"""The register against the books (`sanwu verify`, the register's page): for every category the
book's chart has, the held cards' cost equals the balance of the category's accounts and their
accumulated depreciation the balance of its contra account; and each card's kept `accumulated`
is its opening figure plus the lines of its posted runs."""

from dataclasses import dataclass

from django.db.models import Sum

from sanwu.core.money import format_yuan
from sanwu.ledger.models import Account, AccountMonth, OpeningBalance

from ..models import Card, DepreciationLine
from .cards import categories_of, register_of


@dataclass(frozen=True)
class Tie:
    category: str
    label: str
    what: str  # 原值 / 累计折旧
    cards: int  # fen, as the cards say (positive)
    books: int  # fen, as the books say (positive on the account's own side)

    @property
    def difference(self) -> int:
        return self.cards - self.books

    @property
    def ok(self) -> bool:
        return self.cards == self.books


def role_balances(book) -> dict[str, int]:
    """Every role's balance over the book's leaf accounts now (debit-positive)."""
    by_account: dict[int, int] = {}
    for acc, bal in OpeningBalance.objects.filter(book=book).values_list("account_id", "balance"):
        by_account[acc] = by_account.get(acc, 0) + bal
    for acc, d, c in AccountMonth.objects.filter(book=book).values_list("account_id").annotate(d=Sum("debit"), c=Sum("credit")).values_list("account_id", "d", "c"):
        by_account[acc] = by_account.get(acc, 0) + (d or 0) - (c or 0)
    out: dict[str, int] = {}
    for a in Account.objects.filter(book=book, is_leaf=True, pk__in=list(by_account)):
        for role in a.role_set:
            out[role] = out.get(role, 0) + by_account[a.pk]
    return out


def ties(book) -> list[Tie]:
    """Cards against the books, per category the chart has (those with neither cards nor a balance left out)."""
    held: dict[str, list[int]] = {}
    for cat, cost, acc in Card.objects.filter(book=book).exclude(state="disposed").values_list("category").annotate(c=Sum("cost"), a=Sum("accumulated")).values_list("category", "c", "a"):
        held[cat] = [cost or 0, acc or 0]
    bal = role_balances(book)
    out = []
    for c in categories_of(book):
        cost, acc = held.get(c.role, [0, 0])
        contra = c.contra.get(book.chart)
        if not (cost or acc or bal.get(c.role) or (contra and bal.get(contra))):
            continue
        if contra is None:
            out.append(Tie(c.role, c.label, "账面价值" if c.depreciable else "原值", cost - acc, bal.get(c.role, 0)))
        else:
            out.append(Tie(c.role, c.label, "原值", cost, bal.get(c.role, 0)))
            out.append(Tie(c.role, c.label, f"累计{c.verb}", acc, -bal.get(contra, 0)))
    return out


def card_replay_problems(book) -> list[str]:
    posted = dict(
        DepreciationLine.objects.filter(card__book=book, run__status="posted").values_list("card_id").annotate(s=Sum("amount")).values_list("card_id", "s")
    )
    out = []
    for pk, number, opening, kept in Card.objects.filter(book=book).values_list("pk", "number", "opening_accumulated", "accumulated"):
        if opening + posted.get(pk, 0) != kept:
            out.append(f"资产卡片 {number} 的累计折旧 {format_yuan(kept)} 元与登记数加已记账折旧 {format_yuan(opening + posted.get(pk, 0))} 元不符")
    return out


def book_problems(book) -> list[str]:
    """`sanwu verify`: a book with a register fails when its cards and its accounts differ."""
    if register_of(book) is None:
        return []
    out = [
        f"资产台账{t.label}{t.what} {format_yuan(t.cards)} 元，账簿 {format_yuan(t.books)} 元，相差 {format_yuan(t.difference)} 元"
        for t in ties(book) if not t.ok
    ]
    return out + card_replay_problems(book)


def book_notes(book) -> list[str]:
    """`sanwu verify` on a book with no register: said, not failed."""
    if register_of(book) is not None:
        return [f"资产台账相符（{Card.objects.filter(book=book).exclude(state='disposed').count()} 张卡片）"]
    return ["尚未建立资产台账"]
