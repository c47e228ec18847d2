"""The demo's cooperatives: every village with books has its opening roster and share register,
consistent with the person register, replayed by `sanwu verify`'s check; its last two years'
distributions posted into the books, some households paid and some still owed; the big village's
certificates; loading twice adds nothing."""

import pytest

from sanwu.coop import demo
from sanwu.coop.models import (
    Certificate, Distribution, DividendPayment, FinanceReview, Holding, Household, Member, Officer, ShareOperation, Venture,
)
from sanwu.coop.services import distribution, replay_problems, supervision, ventures
from sanwu.core.dates import today
from sanwu.demo import generator
from sanwu.demo.books import distribution_years
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Book, Collective, Period
from sanwu.ledger.services.verify import verify_book
from sanwu.regions.models import Person


@pytest.fixture
def city(db):
    generator.load("small", 2021)


def test_every_cooperative_has_members_shares_and_a_collective_share(city):
    r = demo.load_demo(2021)
    with_books = Collective.objects.filter(books__isnull=False).distinct()
    assert r["cooperatives"] == with_books.count() > 0
    for c in with_books:
        assert Household.objects.filter(collective=c).count() >= 25
        assert replay_problems(c) == []
        kinds = set(Holding.objects.filter(holder__collective=c, units__gt=0).values_list("holder__kind", flat=True))
        assert kinds == {"household", "collective"}
        # every member is a person of the register, of the cooperative's own village, in one household
        assert not Member.objects.filter(collective=c).exclude(person__region_id=c.region_id).exists()
    assert Member.objects.count() == Member.objects.values("person").distinct().count()
    # the village's registered people head its first households
    village = Book.objects.order_by("region_id").first().region_id
    first = Person.objects.filter(region_id=village).order_by("id").first()
    assert Member.objects.get(person=first).is_head
    # two years of distributions: posted, frozen, summing exactly, the books closed after them
    years = distribution_years(today())
    plans = list(Distribution.objects.select_related("book"))
    assert {d.year for d in plans} == set(years) and len(years) == 2
    moved = {b.collective_id for b in Book.objects.filter(successor__isnull=False)}
    assert {d.collective_id for d in plans} == {c.pk for c in with_books if c.pk not in moved}
    for d in plans:
        assert d.status == "posted" and distribution.is_intact(d) and d.matter.purpose == "dividend"
        assert sum(d.lines.values_list("amount", flat=True)) == d.distributable > 0
        assert ledger.year_end_left(d.book, d.year) == []
        assert verify_book(d.book).ok
    # the months posted into are closed again, as the books loader left them
    assert not Period.objects.filter(year__in=years, month=12, status="open").exists()
    older, newer = (Distribution.objects.filter(year=y) for y in years)
    owed = [distribution.unpaid_lines(d).count() for d in older] + [distribution.unpaid_lines(d).count() for d in newer]
    assert sum(owed) > 0 and DividendPayment.objects.filter(voucher__status="posted").count() == DividendPayment.objects.count() > sum(owed)
    assert r["paid_households"] == DividendPayment.objects.count() and r["owed_households"] == sum(owed)
    # the accountant's village: every household's certificate
    assert r["certificates"] == Certificate.objects.count() >= 25
    # 大歇村's resources are 51% of a tourism venture; its profit's part is the cooperative's 投资收益
    v = Venture.objects.get(collective__region__name="大歇村")
    assert ventures.collective_bp(v) == 5100 and r["ventures"] == Venture.objects.count()
    p = v.profits.get()
    assert p.voucher.status == "posted" and sum(p.shares.values_list("amount", flat=True)) == p.profit
    # each cooperative's officers pass Art. 34; its committee signed every ended month's review in the window
    for c in with_books:
        serving = supervision.serving(c.pk)
        assert len(serving) == 7 and len({o.person_id for o in serving}) == 7
        households = {o.person_id: Member.objects.get(person_id=o.person_id).household_id for o in serving}
        assert len(set(households.values())) == 7
        reviews = FinanceReview.objects.filter(collective=c)
        assert reviews.count() >= 20 and all(supervision.review_state(x)["signed"] for x in reviews[:3])
    assert r["reviews"] == FinanceReview.objects.count() and r["officers"] == Officer.objects.count()
    chair = Officer.objects.get(account__username="supervisor_1")
    assert chair.post == "supervisor_chair" and chair.collective.region.name == "大歇村"
    assert demo.load_demo(2021) == {"cooperatives": 0, "households": 0, "people": 0}
    assert ShareOperation.objects.count() == ShareOperation.objects.filter(kind="allocation").count()
