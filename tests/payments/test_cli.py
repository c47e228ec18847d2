"""`sanwu payments …`: the whole cycle from the command line, honouring --as."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanwu.core.codes import township_of
from sanwu.payments.models import PaymentRequest

from .conftest import PDF


def run(*args) -> str:
    out = io.StringIO()
    call_command("payments", *args, stdout=out)
    return out.getvalue()


def test_the_whole_cycle_as_each_role(demo, book, tmp_path):
    receipt = tmp_path / "发票.pdf"
    receipt.write_bytes(PDF)
    out = run("new", "--book", book.code, "--payee", "李四", "--kind", "person", "--account-no", "6217000011112222333", "--bank", "农商银行",
              "--amount", "1500.00", "--purpose", "护林员补贴", "--budget", "513", "--receipt", str(receipt), "--as", demo.accountant.username)
    ref = PaymentRequest.objects.get().reference
    assert ref in out
    with pytest.raises(CommandError, match="无权"):
        run("submit", ref, "--as", demo.secretary.username)
    run("submit", ref, "--as", demo.accountant.username)
    run("approve", ref, "--as", demo.secretary.username)
    run("review", ref, "--as", demo.township.username)
    township = township_of(book.region_id)
    bank = tmp_path / "支付.csv"
    run("bank-file", "--township", township, "--format", "csv", "--output", str(bank), "--as", demo.township.username)
    rows = list(csv.reader(io.StringIO(bank.read_text("utf-8"))))
    assert rows[0][:3] == ["序号", "付款账号", "收款人户名"] and rows[1][3] == "6217000011112222333"
    result = tmp_path / "回单.csv"
    result.write_text(f"业务参考号,结果,原因\n{ref},成功,\n", "utf-8")
    assert "支付成功 1 笔" in run("bank-result", str(result), "--township", township, "--as", demo.township.username)
    assert "已生成付款凭证草稿" in run("voucher", ref, "--as", demo.accountant.username)
    shown = run("show", ref, "--as", demo.secretary.username)
    assert "已付款" in shown and "李*" in shown and "6217***********2333" in shown and "6217000011112222333" not in shown


def test_list_masks_and_keeps_to_the_scope(demo, book):
    run("new", "--book", book.code, "--payee", "李四", "--kind", "person", "--account-no", "6217000011112222333", "--bank", "农商银行",
        "--amount", "1500", "--purpose", "护林员补贴", "--budget", "513")
    rows = json.loads(run("list", "--format", "json", "--as", demo.township.username))
    assert [(r["payee"], r["payee_account"], r["amount"]) for r in rows] == [("李*", "6217***********2333", "1500.00")]
    assert json.loads(run("list", "--format", "json", "--as", demo.other_township.username)) == []
    with pytest.raises(CommandError, match="未找到"):
        run("show", rows[0]["reference"], "--as", demo.other_accountant.username)


def test_settings_by_the_county(demo, book):
    county = book.region_id[:6] + "000000"
    with pytest.raises(CommandError, match="无权"):
        run("settings", "--county", county, "--warn", "on", "--as", demo.township.username)
    out = run("settings", "--county", county, "--warn", "on", "--matter-threshold", "30000", "--as", demo.county.username)
    assert "30,000.00 元起" in out and "开启" in out
