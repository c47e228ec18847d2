"""`sanwu verify` names the published disclosures a tampered book no longer matches: the
disclosure app registers that check with `ledger.hooks.register_verifier`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sanwu.disclosure import services
from sanwu.ledger import triggers
from sanwu.ledger.models import Entry


def test_verify_names_the_disclosure_a_tampered_book_no_longer_matches(demo, book, other_book, published):
    out = io.StringIO()
    call_command("verify", stdout=out)
    assert "财务公开" not in out.getvalue()  # all well: no disclosure lines
    entry = Entry.objects.get(voucher__book=book, voucher__number=1, voucher__month=3, line=2)
    triggers.uninstall(connection)
    try:
        Entry.objects.filter(pk=entry.pk).update(credit=1200)
        Entry.objects.filter(voucher=entry.voucher, line=1).update(debit=1200)
    finally:
        triggers.install(connection)
    for args in (["verify"], ["book", "verify", book.code]):
        out = io.StringIO()
        with pytest.raises(CommandError, match="1 个账套校验未通过"):
            call_command(*args, stdout=out)
        lines = out.getvalue().splitlines()
        at = lines.index(f"{book.code} 有问题：")
        mentions = [line for line in lines[at:] if "财务公开" in line]
        assert len(mentions) == 1 and mentions[0].startswith(f"  账套 {book.code} 2025年3月财务公开：{services.TAMPERED}")
    # the other village's book is still fine and names no disclosure
    out = io.StringIO()
    call_command("verify", "--book", other_book.code, stdout=out)
    assert out.getvalue() == f"{other_book.code} ok（0 张已记账凭证）；尚未建立资产台账\n"
