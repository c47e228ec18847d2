"""City-wide figures straight from the kept yearly role flows (RoleYear): one row per book and
role, so a ranking over 1,500 villages reads a few thousand rows, never the postings."""

from dataclasses import dataclass

from django.db.models import F, Sum

from ..models import Book, RoleYear

# The default definition of operating income (domain.md 1.4 / 4): subsidies and other income excluded.
OPERATING_INCOME_ROLES = ("operating_income", "contracting_income", "investment_income")


def income_by_book(year: int, roles=OPERATING_INCOME_ROLES, books=None) -> dict[int, int]:
    """Book id → the year's income (credit − debit, fen) over accounts with the given roles."""
    qs = RoleYear.objects.filter(year=year, role__in=roles)
    if books is not None:
        qs = qs.filter(book__in=books)
    return dict(qs.values("book_id").annotate(v=Sum(F("credit") - F("debit"))).order_by().values_list("book_id", "v"))


@dataclass(frozen=True)
class RankedBook:
    pk: int
    code: str
    name: str
    region_code: str
    region_name: str


def ranking(year: int, books=None, roles=OPERATING_INCOME_ROLES) -> list[tuple[RankedBook, int]]:
    """Books ranked by the year's operating income, highest first (books without income last).

    Reads plain rows, not model instances: this runs over a whole city."""
    books = books if books is not None else Book.objects.all()
    amounts = income_by_book(year, roles, books)
    rows = books.values_list("pk", "code", "name", "region_id", "region__name")
    return sorted(((RankedBook(*r), amounts.get(r[0], 0)) for r in rows), key=lambda t: (-t[1], t[0].code))
