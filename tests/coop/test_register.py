"""The share register's core: numbered, chained, append-only; holdings derived."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from sanwu.coop import services
from sanwu.coop.models import Holding, Household, ShareOperation
from sanwu.core.errors import Invalid

D = dt.date


@pytest.fixture
def households(coop):
    return [Household.objects.create(collective=coop, number=f"{i:03d}") for i in range(1, 4)]


def allocate(coop, cls, holders, units, on=D(2025, 1, 1)):
    ops = [ShareOperation(kind="allocation", on=on, share_class=cls, to_holder=h, units=u) for h, u in zip(holders, units)]
    with transaction.atomic():
        return services.record_many(coop, ops)


def test_numbers_chain_and_holdings_at_a_date(coop, classes, households):
    holders = [services.household_holder(h) for h in households]
    allocate(coop, classes["人口股"], holders, [300, 250, 400])
    with transaction.atomic():
        services.record(coop, kind="transfer", on=D(2025, 6, 1), share_class=classes["人口股"], from_holder=holders[0], to_holder=holders[1], units=100)
    ops = list(ShareOperation.objects.filter(collective=coop).order_by("number"))
    assert [o.number for o in ops] == [1, 2, 3, 4]
    assert ops[0].prev_digest == "" and all(b.prev_digest == a.digest for a, b in zip(ops, ops[1:]))
    cls = classes["人口股"].pk
    assert services.holdings_at(coop, D(2025, 5, 31)) == {(holders[0].pk, cls): 300, (holders[1].pk, cls): 250, (holders[2].pk, cls): 400}
    assert services.holdings_at(coop, D(2025, 6, 1)) == {(holders[0].pk, cls): 200, (holders[1].pk, cls): 350, (holders[2].pk, cls): 400}
    assert services.holdings_at(coop) == services.holdings_at(coop, D(2025, 12, 31))
    assert services.holdings_at(coop, D(2024, 12, 31)) == {}
    assert services.replay_problems(coop) == []


def test_a_transfer_above_the_holding_is_refused_and_writes_nothing(coop, classes, households):
    a, b = (services.household_holder(h) for h in households[:2])
    allocate(coop, classes["人口股"], [a], [100])
    with pytest.raises(Invalid):
        with transaction.atomic():
            services.record(coop, kind="transfer", on=D(2025, 2, 1), share_class=classes["人口股"], from_holder=a, to_holder=b, units=101)
    assert ShareOperation.objects.filter(collective=coop).count() == 1
    assert Holding.objects.get(holder=a).units == 100


@pytest.mark.django_db(transaction=True)
def test_the_register_is_append_only_in_the_database(demo, coop, classes, households):
    a = services.household_holder(households[0])
    op = allocate(coop, classes["人口股"], [a], [100])[0]
    for sql in ("UPDATE coop_shareoperation SET units = 1 WHERE id = %s", "DELETE FROM coop_shareoperation WHERE id = %s"):
        with pytest.raises(IntegrityError):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql, [op.pk])
    assert ShareOperation.objects.get(pk=op.pk).units == 100


def test_verify_names_the_first_operation_that_does_not_match(coop, classes, households):
    from sanwu.ledger import triggers

    a, b = (services.household_holder(h) for h in households[:2])
    allocate(coop, classes["人口股"], [a, b], [100, 200])
    triggers.uninstall(connection)
    try:
        ShareOperation.objects.filter(collective=coop, number=2).update(units=250)
    finally:
        triggers.install(connection)
    problems = services.replay_problems(coop)
    assert problems[0] == "股权登记簿第2号与校验码不符：登记内容被改动"
    assert any("按股权登记簿应为2.50股" in p for p in problems)


def test_the_other_cooperative_is_not_touched(coop, other_coop, classes, households):
    allocate(coop, classes["人口股"], [services.household_holder(households[0])], [100])
    assert services.holdings_at(other_coop) == {} and services.holdings_at(other_coop, D(2030, 1, 1)) == {}
