"""The township's bank: the payment file of its reviewed requests (银农直联 layout), and the bank's
result file matched back, all or nothing, with problems naming file, row and field."""

import csv
import io

import openpyxl
import pytest

from sanwu.core.errors import Invalid, Refused
from sanwu.core.codes import township_of
from sanwu.payments import services
from sanwu.payments.models import PaymentEvent, PaymentRequest
from sanwu.payments.tables import bank_file_table
from sanwu.workbench.models import Message

from .conftest import walk


def _csv(rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode("utf-8")


@pytest.fixture
def sent(demo, book):
    a = walk(demo, book, "reviewed")
    b = walk(demo, book, "reviewed", payee_name="张三丰", payee_kind="person", payee_account="6217000011112222333", amount=120_000, purpose="保洁员工资")
    lines = services.send_bank_file(demo.township, township_of(book.region_id))
    return a, b, lines


def test_bank_file_layout(demo, book, sent):
    a, b, lines = sent
    table = bank_file_table(lines)
    text = table.to_csv().splitlines()
    assert text[0] == "序号,付款账号,收款人户名,收款账号,开户行,金额,用途,业务参考号"
    assert text[1] == f"1,1234567890123456,县路桥工程有限公司,6228480012345678901,农商银行岳西支行,8000.00,村组道路维修款,{a.reference}"
    assert text[2].endswith(f",张三丰,6217000011112222333,农商银行岳西支行,1200.00,保洁员工资,{b.reference}")
    ws = openpyxl.load_workbook(io.BytesIO(table.to_xlsx())).active
    assert [c.value for c in ws[1]] == list(services.FILE_COLUMNS)
    assert ws["D2"].value == "6228480012345678901"  # kept as text, never a number in E-notation
    assert {r.bank_status for r in PaymentRequest.objects.all()} == {"sent"}
    assert PaymentEvent.objects.filter(action="bank_sent").count() == 2


def test_bank_file_only_for_the_township(demo, book):
    walk(demo, book, "reviewed")
    with pytest.raises(Refused):
        services.send_bank_file(demo.other_township, township_of(book.region_id))
    with pytest.raises(Refused):
        services.send_bank_file(demo.accountant, township_of(book.region_id))
    # the other township's own file holds nothing of ours
    with pytest.raises(Invalid, match="没有等待银行支付"):
        services.send_bank_file(demo.other_township, township_of(demo.other_township.role_assignments.get().region_id))


def test_bank_file_needs_the_payer_account(demo, book):
    from sanwu.payments.models import PayerAccount

    walk(demo, book, "reviewed")
    PayerAccount.objects.all().delete()
    with pytest.raises(Invalid, match="未登记付款账户"):
        services.send_bank_file(demo.township, township_of(book.region_id))


def test_result_file_paid_and_failed(demo, book, sent):
    a, b, _ = sent
    data = _csv([["业务参考号", "结果", "原因"], [a.reference, "成功", ""], [b.reference, "失败", "户名与账号不符"]])
    r = services.read_bank_result(demo.township, township_of(book.region_id), data, "回单.csv")
    assert (r.paid, r.failed) == (1, 1)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == "reviewed" and a.bank_status == "success" and a.paid_on is not None
    assert b.status == "rejected" and b.bank_status == "failed" and b.reject_reason == "银行支付失败：户名与账号不符"
    assert Message.objects.filter(recipient=demo.accountant, kind="returned", object_id=str(b.pk)).exists()
    # the paid one now has its voucher made; the failed one goes back to the accountant to correct
    v = services.make_voucher(demo.accountant, a)
    assert v.total == a.amount
    assert services.submit(demo.accountant, b).status == "submitted"


def test_no_voucher_while_the_bank_has_it(demo, book, sent):
    a, _, _ = sent
    with pytest.raises(Invalid, match="等银行回单"):
        services.make_voucher(demo.accountant, a)


def test_result_file_all_or_nothing(demo, book, sent):
    a, b, _ = sent
    data = _csv([["序号", "业务参考号", "金额", "结果", "原因"], ["1", a.reference, "8000.00", "成功", ""], ["2", "FK99999999", "1.00", "成功", ""],
                 ["3", b.reference, "1300.00", "失败", ""], ["4", a.reference, "8000.00", "完成", ""]])
    with pytest.raises(Invalid) as exc:
        services.read_bank_result(demo.township, township_of(book.region_id), data, "回单.csv")
    text = "\n".join(exc.value.messages)
    assert "文件「回单.csv」第3行" in text and "FK99999999" in text
    assert "第4行" in text and "金额" in text and "1,300.00 与付款申请的 1,200.00 元不符" in text
    assert "支付失败须写明原因" in text
    assert "第5行" in text and "重复" in text and "「完成」无效" in text
    assert {r.bank_status for r in PaymentRequest.objects.all()} == {"sent"}  # nothing written


def test_result_file_xlsx_and_missing_columns(demo, book, sent):
    a, b, _ = sent
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["业务参考号", "处理结果", "失败原因"])
    ws.append([a.reference, "成功", None])
    buf = io.BytesIO()
    wb.save(buf)
    r = services.read_bank_result(demo.township, township_of(book.region_id), buf.getvalue(), "回单.xlsx")
    assert r.paid == 1
    with pytest.raises(Invalid, match="缺少「结果」列"):
        services.read_bank_result(demo.township, township_of(book.region_id), _csv([["业务参考号"], [b.reference]]), "回单.csv")


def test_result_file_refused_to_others(demo, book, sent):
    a, _, _ = sent
    data = _csv([["业务参考号", "结果"], [a.reference, "成功"]])
    with pytest.raises(Refused):
        services.read_bank_result(demo.other_township, township_of(book.region_id), data, "回单.csv")
