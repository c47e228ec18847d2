"""`sanwu disclosure list|prepare|confirm|publish|check`: the services' roles and checks on the
command line, the page's columns in the list, the scope with --as (outsiders see nothing)."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sanwu.core.models import AuditEvent
from sanwu.disclosure.models import Disclosure
from tests.conftest import finance_reviewed

from .test_disclosures import DAXIE


def run(*args) -> str:
    out = io.StringIO()
    call_command("disclosure", *args, stdout=out)
    return out.getvalue()


def test_prepare_confirm_publish_by_the_roles_of_the_village(demo, book, march):
    out = run("prepare", "--book", book.code, "--period", "2025-03", "--as", demo.accountant.username)
    d = Disclosure.objects.get()
    assert f"已编制大歇村2025年3月的财务公开（编号 {d.pk}）" in out and d.status == "draft"
    # the accountant prepares, only the secretary confirms
    with pytest.raises(CommandError, match="只有本村党组织书记可以确认财务公开"):
        run("confirm", str(d.pk), "--as", demo.accountant.username)
    assert "已确认" in run("confirm", str(d.pk), "--as", demo.secretary.username)
    with pytest.raises(CommandError, match="2025年3月尚未进行民主理财"):
        run("publish", str(d.pk), "--as", demo.secretary.username)
    finance_reviewed(book, 2025, 3)
    assert "已发布大歇村2025年3月的财务公开" in run("publish", str(d.pk), "--as", demo.secretary.username)
    d.refresh_from_db()
    assert d.status == "published" and d.chain_head == book.__class__.objects.get(pk=book.pk).chain_head
    with pytest.raises(CommandError, match="已经发布"):
        run("prepare", "--book", book.code, "--period", "2025-03")


def test_outsiders_cannot_prepare_nor_find_another_villages_disclosure(demo, book, march, prepared):
    with pytest.raises(CommandError, match="不存在或不在您的管辖范围内"):
        run("prepare", "--book", book.code, "--period", "2025-03", "--as", demo.other_accountant.username)
    with pytest.raises(CommandError, match=f"财务公开「{prepared.pk}」不存在，或不在您的管辖范围内"):
        run("confirm", str(prepared.pk), "--as", demo.other_township.username)
    assert AuditEvent.objects.filter(action="permission_denied", object_type="disclosure.disclosure", object_id=str(prepared.pk)).exists()
    prepared.refresh_from_db()
    assert prepared.status == "draft"
    with pytest.raises(CommandError, match="期间「2025-13」无效"):
        run("prepare", "--book", book.code, "--period", "2025-13", "--as", demo.accountant.username)


def test_list_has_the_pages_columns_within_the_users_scope(demo, book, march, published):
    rows = json.loads(run("list", "--format", "json"))
    assert rows == [
        {"village": "大歇村", "township": book.region.parent.name, "period": "2025年3月", "status": "已发布", "income": "65000.50",
         "expense": "800.00", "items": 5, "published_at": rows[0]["published_at"], "chain_head": published.chain_head[:16]},
    ]
    assert json.loads(run("list", "--format", "json", "--as", demo.township.username)) == rows
    assert json.loads(run("list", "--format", "json", "--as", demo.other_township.username)) == []
    assert json.loads(run("list", "--format", "json", "--status", "draft")) == []
    assert json.loads(run("list", "--format", "json", "--within", DAXIE, "--year", "2025")) == rows
    assert run("list").splitlines()[0] == "village,township,period,status,income,expense,items,published_at,chain_head"


def test_check_names_what_no_longer_matches_and_exits_1(demo, published):
    assert "已核对：发布后账簿没有被改动" in run("check", str(published.pk))
    with connection.cursor() as cur:
        cast = "::jsonb" if connection.vendor == "postgresql" else ""
        cur.execute(f"UPDATE disclosure_disclosure SET snapshot = %s{cast} WHERE id = %s", ['{"income": []}', published.pk])
    out = io.StringIO()
    with pytest.raises(CommandError, match=f"财务公开「{published.pk}」与账簿不符"):
        call_command("disclosure", "check", str(published.pk), stdout=out)
    assert "指纹不符" in out.getvalue()
