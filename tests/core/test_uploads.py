"""Uploads: an image over the pixel limit (SANWU_UPLOAD_MAX_PIXELS, read from the header, never
decoded) is refused naming the file; stored files are served by one function — images inline in a
sandbox, PDFs only as downloads with their Chinese name — and only to those in scope."""

import functools
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

from sanwu.core import uploads
from sanwu.ledger import services
from sanwu.ledger.attachments import add_attachment
from sanwu.ledger.models import Attachment
from sanwu.regions.services import issue_token
from tests.ledger.conftest import book  # noqa: F401  (fixture)
from tests.ledger.journal import parse

PV_INCOME = "2025-03-05 收到光伏发电收入\n  102  1200.50  -  bank\n  501  -  1200.50  pv\n"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@functools.cache
def one_colour_png(width: int, height: int) -> bytes:
    """A real, valid grey PNG of width×height written by hand (a 30000×30000 picture is 900 MB of
    pixels but under 1 MB compressed). Its IDAT is deflated a block of rows at a time with a full
    flush after each block, which resets the compressor, so every later block compresses to the
    same bytes: compressed once, repeated, and closed with the Adler-32 of all the rows."""
    row = b"\x00" + b"\x80" * width  # filter byte "none", then one grey byte per pixel
    block = row * min(100, height)
    full, rest = divmod(height, min(100, height))
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: header and checksum are ours
    first = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    body = first + again * (full - 1) + deflate.compress(row * rest) + deflate.flush()
    adler = 1
    for _ in range(full):
        adler = zlib.adler32(block, adler)
    adler = zlib.adler32(row * rest, adler)
    data = b"\x78\xda" + body + struct.pack(">I", adler)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def jpeg(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


def draft(demo, book):
    return services.save_draft(demo.accountant, book, parse(PV_INCOME)[0])


def test_a_30000_by_30000_png_is_refused_naming_the_file(demo, as_user, book, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    big = one_colour_png(30000, 30000)
    assert len(big) < 1024 * 1024
    v = draft(demo, book)
    page = as_user(demo.accountant).post(reverse("ledger:attachment_add", args=[book.code, v.pk]), {"file": SimpleUploadedFile("发票.png", big)})
    text = page.content.decode()
    assert "附件「发票.png」是 30000×30000 像素的图片，超过 4000万 像素的上限，请缩小后再上传" in text
    api = f"/api/v1/books/{book.code}/vouchers/{v.pk}/attachments"
    token = {"Authorization": f"Bearer {issue_token(demo.accountant)}"}
    refused = as_user(demo.accountant).post(api, {"file": SimpleUploadedFile("扫描件.png", big)}, headers=token)
    assert refused.status_code == 422 and "附件「扫描件.png」是 30000×30000 像素的图片" in refused.json()["detail"][0]
    assert not Attachment.objects.exists()
    # a picture of a receipt as phones take it (4000×3000, 12 megapixels) is accepted
    assert uploads.upload_errors("收据.png", one_colour_png(4000, 3000)) == []


def test_the_pixel_limit_is_a_setting_and_holds_for_jpeg():
    with Image.open(io.BytesIO(one_colour_png(250, 230))) as image:  # the hand-made PNG is a real one
        image.load()
        assert image.size == (250, 230) and image.getpixel((249, 229)) == 128
    with override_settings(SANWU_UPLOAD_MAX_PIXELS=10_000):
        assert uploads.upload_errors("刚好.png", one_colour_png(100, 100)) == []
        assert uploads.upload_errors("小图.jpg", jpeg(100, 100)) == []
        (problem,) = uploads.upload_errors("现场照片.jpg", jpeg(101, 100), what="佐证材料")
        assert problem.message == "佐证材料「现场照片.jpg」是 101×100 像素的图片，超过 1万 像素的上限，请缩小后再上传"
        (problem,) = uploads.upload_errors("宽图.png", one_colour_png(200, 51))
        assert "200×51 像素" in problem.message
    (broken,) = uploads.upload_errors("坏图.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40)
    assert broken.message == "附件「坏图.jpg」的图片无法读取（文件可能已损坏）"


def test_a_pdf_is_always_a_download_with_its_chinese_name_and_outsiders_get_404(demo, as_user, book, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    v = draft(demo, book)
    pdf = add_attachment(demo.accountant, v, "合同.pdf", PDF)
    png = add_attachment(demo.accountant, v, "发票.png", one_colour_png(2, 2))
    acc = as_user(demo.accountant)
    address = reverse("ledger:attachment", args=[book.code, pdf.pk])
    for query in ({}, {"download": "0"}, {"download": "1"}):
        got = acc.get(address, query)
        assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
        assert got["Content-Disposition"] == "attachment; filename=\"file.pdf\"; filename*=utf-8''%E5%90%88%E5%90%8C.pdf"
        assert got["Content-Security-Policy"] == "sandbox" and got["X-Content-Type-Options"] == "nosniff"
        assert b"".join(got.streaming_content) == PDF
    picture = acc.get(reverse("ledger:attachment", args=[book.code, png.pk]))
    assert picture["Content-Disposition"].startswith("inline;") and picture["Content-Security-Policy"] == "sandbox"
    assert acc.get(reverse("ledger:attachment", args=[book.code, png.pk]), {"download": "1"})["Content-Disposition"].startswith("attachment;")
    # the file is found only under its own book's address
    assert acc.get(reverse("ledger:attachment", args=["340828101299", png.pk])).status_code == 404
    # the API serves the same way
    api = f"/api/v1/books/{book.code}/vouchers/{v.pk}/attachments/{pdf.pk}"
    got = acc.get(api, headers={"Authorization": f"Bearer {issue_token(demo.accountant)}"})
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment;") and got["Cache-Control"] == "private, no-store"
    # another village's accountant: not found, on the page and through the API
    assert as_user(demo.other_accountant).get(address).status_code == 404
    assert as_user(demo.other_accountant).get(api, headers={"Authorization": f"Bearer {issue_token(demo.other_accountant)}"}).status_code == 404


def test_task_evidence_pdfs_are_downloads_too(demo, as_user, settings, tmp_path):
    import datetime as dt

    from sanwu.partywork import services as party

    settings.MEDIA_ROOT = tmp_path / "media"
    town = party.create_org(None, name="中共主簿镇委员会", kind="committee", region_code="340828100000", start_date=dt.date(1990, 1, 1))
    task = party.assign_task(demo.county, title="村级班子运行情况分析研判", region_code="340828100000", deadline=party.today() + dt.timedelta(days=30),
                             source_kind="meeting", owner_org_ids=[town.pk])
    task = party.report(demo.township, task, "报告附后。", [("研判报告.pdf", PDF)])
    evidence = task.reports.get().evidence.get()
    got = as_user(demo.township).get(reverse("partywork:evidence", args=[evidence.pk]))
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment;") and got["Content-Security-Policy"] == "sandbox"
    assert as_user(demo.other_township).get(reverse("partywork:evidence", args=[evidence.pk])).status_code == 404
    # the one serving view asks what the page asked: a party role (a village accountant has none), and a login
    assert as_user(demo.accountant).get(reverse("partywork:evidence", args=[evidence.pk])).status_code == 403
    anonymous = Client().get(reverse("partywork:evidence", args=[evidence.pk]))
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
