import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.budgets.models import Budget, BudgetLine

from .conftest import post_journal

SPEND = """
2025-02-10 支付村部维修费
  513   9000.00   -
  102   -          9000.00    bank
"""


def url(name, *args):
    return reverse(f"budgets:{name}", args=args)


def xlsx_rows(resp) -> list[list]:
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(resp.content)).active.iter_rows()]


def test_the_accountant_drafts_and_the_secretary_approves_on_the_pages(demo, as_user, book):
    acc = as_user(demo.accountant)
    resp = acc.post(url("new"), {"book": book.code, "year": "2025", "note": "年初"})
    b = Budget.objects.get(book=book, year=2025)
    assert resp.status_code == 302 and resp["Location"] == url("detail", b.pk)
    assert acc.post(url("line", b.pk), {"account": "513", "amount": "12000"}).status_code == 302
    bad = acc.post(url("line", b.pk), {"account": "514", "amount": "600", "months": "1 2 3"})
    assert bad.status_code == 422 and "应为12个金额" in bad.content.decode()
    assert BudgetLine.objects.get(budget=b).months == [100_000] * 12
    sec = as_user(demo.secretary)
    page = sec.get(url("detail", b.pk)).content.decode()
    assert "data-approve-form" in page and "data-line-form" not in page
    low = sec.post(url("approve", b.pk), {"date": "2025-01-20", "meeting_type": "representatives", "entitled": "30", "present": "28", "votes_for": "15"})
    assert low.status_code == 422 and "三分之二以上同意" in low.content.decode()
    ok = sec.post(url("approve", b.pk), {"date": "2025-01-20", "meeting_type": "representatives", "entitled": "30", "present": "28", "votes_for": "25"})
    assert ok.status_code == 302
    b.refresh_from_db()
    assert b.status == "approved"
    page = acc.get(url("detail", b.pk)).content.decode()
    assert "data-revise-form" in page and "data-line-form" not in page and "内容已冻结" in page
    assert acc.post(url("line", b.pk), {"account": "513", "amount": "1"}).status_code == 422
    resp = acc.post(url("revise", b.pk), {"reason": "年中调整"})
    v2 = Budget.objects.get(book=book, year=2025, version=2)
    assert resp["Location"] == url("detail", v2.pk)


def test_budget_against_actual_on_the_page_and_in_excel(demo, as_user, book, approved):
    post_journal(demo.accountant, book, SPEND)
    client = as_user(demo.township)
    page = client.get(url("detail", approved.pk), {"month": "2"})
    html = page.content.decode()
    assert page.status_code == 200 and "data-comparison" in html and "截至2月" in html and 'class="table-wrap"' in html
    rows = xlsx_rows(client.get(url("detail", approved.pk), {"month": "2", "format": "xlsx"}))
    header, *body = rows
    assert header[:5] == ["类别", "科目编码", "科目名称", "年度预算", "2月预算"]
    line = next(r for r in body if r[1] == "513")
    assert line[3] == 12000 and line[5] == 9000 and line[7] == 9000 and line[8] == 7000  # 2月实际, 累计实际, 实际减预算
    months = xlsx_rows(client.get(url("detail", approved.pk), {"table": "months", "format": "xlsx"}))
    assert months[2][0] == "2月" and months[2][4] == 9000
    listing = xlsx_rows(client.get(url("list"), {"format": "xlsx"}))
    assert listing[1][2] == book.code and listing[1][9] == 18000


@pytest.mark.parametrize("who", ["other_accountant", "other_township"])
def test_outsiders_get_404_and_see_nothing_in_the_list(demo, as_user, approved, who):
    client = as_user(getattr(demo, who))
    for target in (url("detail", approved.pk), url("detail", approved.pk) + "?format=xlsx"):
        assert client.get(target).status_code == 404, target
    assert client.post(url("revise", approved.pk), {"reason": "x"}).status_code in (403, 404)
    assert str(approved.book.code) not in client.get(url("list")).content.decode()


def test_the_auditor_reads_but_cannot_draft(demo, as_user, approved):
    client = as_user(demo.auditor)
    assert client.get(url("detail", approved.pk)).status_code == 200
    assert client.get(url("new")).status_code == 403
