"""会计档案: a closed year bundled with its statements, books, vouchers, receipts and data, each
file's digest and the chain head; retention periods and the list of what is due for appraisal."""

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
import zlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.ledger import services
from sanwu.ledger.models import Archive, Voucher
from sanwu.ledger.services import archives

from ..conftest import client_for, downloaded, response_bytes
from .journal import parse
from .test_views import tiny_png

PNG = tiny_png()

YEAR = """
2025-03-05 收到光伏发电收入
  102   50000.00  -          bank
  501   -         50000.00   pv
2025-06-10 =支付村部电费
  513   1200.00   -
  101   -         1200.00    cash
"""


def _close_2025(demo, book):
    first, *rest = parse(YEAR)
    draft = services.save_draft(demo.accountant, book, first, receipts=[("发票.png", PNG)])
    services.submit(demo.accountant, draft)
    services.review_and_post(demo.township, draft)
    services.post_drafts(demo.accountant, book, rest)
    services.close_year(demo.accountant, book, 2025)
    services.close_months(demo.accountant, book, (2025, 1), (2025, 12))


@pytest.fixture
def closed(demo, book):
    _close_2025(demo, book)
    return book


def _pages(pdf: bytes) -> int:
    """Page objects of a PDF, inside its compressed object streams too."""
    text = pdf
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            text += zlib.decompress(raw)
        except zlib.error:
            pass
    return len(re.findall(rb"/Type\s*/Page\b", text))


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_a_closed_year_is_bundled_with_every_part_and_its_digests(demo, closed):
    archive = archives.archive_year(demo.accountant, closed, 2025)
    with archive.file.open("rb") as fh:
        data = fh.read()
    assert hashlib.sha256(data).hexdigest() == archive.sha256
    z = _zip(data)
    manifest = json.loads(z.read("清单.json"))
    names = set(z.namelist())
    assert {"报表/科目余额表.csv", "报表/资产负债表.csv", "报表/收益及收益分配表.csv", "账簿/总账.csv",
            "报表/科目余额表.pdf", "报表/资产负债表.pdf", "报表/收益及收益分配表.pdf", "账簿/总账.pdf", "账簿/银行存款日记账.pdf",
            "凭证/记账凭证.pdf", "数据/凭证.csv", "数据/分录.csv", "数据/科目.csv"} <= names
    assert any(n.startswith("凭证/原始凭证/2025-03-记0001-1-发票") for n in names), sorted(names)
    for f in manifest["files"]:
        assert hashlib.sha256(z.read(f["path"])).hexdigest() == f["sha256"]
    posted = list(Voucher.objects.filter(book=closed, year=2025, status="posted").order_by("month", "number"))
    assert manifest["vouchers"] == len(posted) == archive.vouchers
    assert manifest["chain_head"] == posted[-1].hash == archive.chain_head
    assert manifest["receipts"] == 1
    # every voucher is a page of the vouchers PDF
    pdf = z.read("凭证/记账凭证.pdf")
    assert pdf.startswith(b"%PDF") and _pages(pdf) == len(posted)
    # the data as text: a summary that looks like a formula stays text
    rows = list(csv.reader(io.StringIO(z.read("数据/凭证.csv").decode("utf-8-sig"))))
    assert any(r[2] == "'=支付村部电费" for r in rows)
    # retention: vouchers 30 years from the year's end, the annual statements permanent
    due = {r["part"]: r["due"] for r in manifest["retention"]}
    assert due["会计凭证（原始凭证、记账凭证）"] == "2056-01-01"
    assert due["年度财务会计报告（资产负债表、收益及收益分配表）"] is None
    assert AuditEvent.objects.filter(action="archive.make").count() == 1


def test_an_open_year_cannot_be_archived_and_nothing_is_kept(demo, book):
    services.post_drafts(demo.accountant, book, parse(YEAR))
    with pytest.raises(Invalid, match="12月尚未结账"):
        archives.archive_year(demo.accountant, book, 2025)
    assert not Archive.objects.exists()


def test_outsiders_cannot_archive_or_open_the_archive(demo, closed):
    with pytest.raises(Refused):
        archives.archive_year(demo.other_accountant, closed, 2025)
    with pytest.raises(Refused):
        archives.archive_year(demo.secretary, closed, 2025)
    archive = archives.archive_year(demo.township, closed, 2025)
    url = reverse("ledger:archive_file", args=[closed.code, archive.pk])
    assert client_for(demo.other_accountant).get(url).status_code == 404
    assert client_for(demo.other_township).get(reverse("ledger:archives", args=[closed.code])).status_code == 404
    assert client_for(demo.other_accountant).post(reverse("ledger:archive_make", args=[closed.code, 2025])).status_code == 404
    assert response_bytes(client_for(demo.accountant).get(url + "?download=1"))[:2] == b"PK"


def test_the_page_bundles_in_the_background_and_keeps_the_archive(demo, closed):
    c = client_for(demo.accountant)
    page = c.get(reverse("ledger:archives", args=[closed.code]))
    assert page.status_code == 200 and "2025年" in page.content.decode() and "生成档案" in page.content.decode()
    data = downloaded(c, c.post(reverse("ledger:archive_make", args=[closed.code, 2025])))
    assert "清单.json" in _zip(data).namelist()
    archive = Archive.objects.get(book=closed, year=2025)
    assert archive.sha256 == hashlib.sha256(data).hexdigest()
    assert "重新生成" in c.get(reverse("ledger:archives", args=[closed.code])).content.decode()
    # an open year is refused on the page with the reason
    r = c.post(reverse("ledger:archive_make", args=[closed.code, 2026]))
    assert r.status_code == 422 and "尚未结账" in r.content.decode()


def test_the_due_list_names_what_reaches_the_end_of_its_retention(demo, closed):
    archives.archive_year(demo.accountant, closed, 2025)
    assert archives.due_by(demo.township, dt.date(2035, 12, 31)) == []
    items = archives.due_by(demo.township, dt.date(2036, 12, 31))
    assert [i.rule.key for i in items] == ["monthly_reports"] and items[0].due == dt.date(2036, 1, 1)
    keys = {i.rule.key for i in archives.due_by(demo.township, dt.date(2056, 1, 1))}
    assert keys == {"monthly_reports", "vouchers", "books"}  # the annual statements never
    assert archives.due_by(demo.other_township, dt.date(2100, 1, 1)) == []
    c = client_for(demo.township)
    r = c.get(reverse("ledger:archives_due") + "?by=2036")
    assert r.status_code == 200 and "月度、季度财务会计报告" in r.content.decode()
    xlsx = response_bytes(c.get(reverse("ledger:archives_due") + "?by=2036&format=xlsx"))
    assert xlsx[:2] == b"PK"
    assert "没有保管期满" in client_for(demo.other_township).get(reverse("ledger:archives_due") + "?by=2036").content.decode()


def test_the_cli_archives_a_year_as_the_page_does(demo, closed, tmp_path, capsys):
    out = tmp_path / "a.zip"
    call_command("book", "archive", closed.code, "--year", "2025", "--output", str(out), "--as", demo.accountant.username)
    assert "2025年会计档案已生成" in capsys.readouterr().out
    assert hashlib.sha256(out.read_bytes()).hexdigest() == Archive.objects.get().sha256
    with pytest.raises(CommandError, match="不存在或不在您的管辖范围内"):
        call_command("book", "archive", closed.code, "--year", "2025", "--as", demo.other_accountant.username)
    with pytest.raises(CommandError, match="无权"):
        call_command("book", "archive", closed.code, "--year", "2025", "--as", demo.secretary.username)
    assert Archive.objects.count() == 1
