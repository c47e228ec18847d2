"""`sanwu verify` replays each cooperative's share register: a kept holding that differs, or an
operation changed behind the triggers' back, fails the book and is named."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sanwu.coop.imports import import_members
from sanwu.coop.models import Holding, ShareOperation
from sanwu.ledger import triggers

from .conftest import sheet
from .test_import import book_of, no_cap, rows  # noqa: F401  (the fixture)


def verify(code):
    out = io.StringIO()
    call_command("verify", "--book", code, stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(demo, coop, no_cap):
    book = book_of(coop)
    import_members(demo.accountant, book, sheet(rows()), "名册.csv")
    return book


def test_a_register_that_matches_passes(imported):
    assert "ok" in verify(imported.code)


def test_a_changed_holding_fails_the_book_and_is_named(imported, coop):
    h = Holding.objects.filter(holder__household__number="001", share_class__name="劳龄股").get()
    Holding.objects.filter(pk=h.pk).update(units=h.units + 100)
    with pytest.raises(CommandError, match="001户的劳龄股：现存3.50股，按股权登记簿应为2.50股"):
        verify(imported.code)


def test_an_operation_changed_behind_the_triggers_fails(imported, coop):
    triggers.uninstall(connection)
    try:
        op = ShareOperation.objects.filter(collective=coop).order_by("number")[1]
        ShareOperation.objects.filter(pk=op.pk).update(units=op.units + 1)
    finally:
        triggers.install(connection)
    with pytest.raises(CommandError, match=f"股权登记簿第{op.number}号与校验码不符"):
        verify(imported.code)
