"""Uploaded files (voucher receipts, decision files, task evidence): JPEG, PNG or PDF, the type judged
by content (filetype), size-limited, images also limited in pixels (read from their header, never
decoded), sha256 kept. One check for every app that stores files, and one way to serve them back
(`file_response`): images inline in a sandbox, PDFs and anything else only as downloads."""

import hashlib
import io
import struct
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from PIL import JpegImagePlugin, PngImagePlugin

from .errors import Problem
from .tables import disposition

MAX_BYTES = 10 * 1024 * 1024
ALLOWED = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
INLINE = {"image/jpeg", "image/png"}  # shown in the page; everything else is a download
_HEADER_READERS = {"image/jpeg": JpegImagePlugin.JpegImageFile, "image/png": PngImagePlugin.PngImageFile}


def upload_errors(filename: str, data: bytes, *, what: str = "附件", max_bytes: int = MAX_BYTES) -> list[Problem]:
    """Problems with one uploaded file (empty list when it may be stored)."""
    if not data:
        return [Problem(f"{what}「{filename}」是空文件", field="file")]
    if len(data) > max_bytes:
        return [Problem(f"{what}「{filename}」超过 {max_bytes // 1024 // 1024} MB", field="file")]
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        return [Problem(f"{what}「{filename}」不是 JPEG、PNG 或 PDF 文件（按内容识别）", field="file")]
    if kind.mime in _HEADER_READERS:
        size = image_size(data, kind.mime)
        if size is None:
            return [Problem(f"{what}「{filename}」的图片无法读取（文件可能已损坏）", field="file")]
        limit = settings.SANWU_UPLOAD_MAX_PIXELS
        width, height = size
        if width * height > limit:
            return [Problem(
                f"{what}「{filename}」是 {width}×{height} 像素的图片，超过 {_count(limit)} 像素的上限，请缩小后再上传", field="file",
            )]
    return []


def image_size(data: bytes, mime: str) -> tuple[int, int] | None:
    """(width, height) of a JPEG or PNG read from its header by Pillow, never decoding the pixels
    (and without Pillow's process-wide bomb limit); None when the header cannot be read. A PNG
    whose later chunks Pillow refuses still has its size in IHDR, the first chunk, which is what
    a browser reads before it allocates the picture."""
    try:
        with _HEADER_READERS[mime](io.BytesIO(data)) as image:
            return image.size
    except (SyntaxError, OSError, ValueError, struct.error, EOFError):
        pass
    if mime == "image/png" and data[12:16] == b"IHDR" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    return None


def _count(n: int) -> str:
    """40000000 → 4000万, 12345 → 12,345."""
    return f"{n // 10_000}万" if n % 10_000 == 0 else f"{n:,}"


@dataclass(frozen=True)
class Checked:
    mime: str
    sha256: str
    size: int

    @property
    def stored_name(self) -> str:
        """Content-addressed name for the FileField."""
        return f"{self.sha256[:16]}.{ALLOWED[self.mime]}"


def inspect(data: bytes) -> Checked:
    """Type, digest and size of a file that passed `upload_errors`."""
    return Checked(filetype.guess(data).mime, hashlib.sha256(data).hexdigest(), len(data))


def save_to(field_file, data: bytes, checked: Checked) -> None:
    field_file.save(checked.stored_name, ContentFile(data), save=False)


def file_response(field_file, content_type: str, filename: str, *, download: bool = False, cache: str = "private, max-age=0") -> FileResponse:
    """Serve a stored upload (after the caller's scope check), keeping its Chinese file name.

    An image is shown inline unless `download`; a PDF (whose scripts a browser would run) and any
    other type is always a download. Every answer carries `Content-Security-Policy: sandbox` and
    `nosniff`, so that even a file that is not what it claims cannot script the site."""
    try:
        handle = field_file.open("rb")
    except OSError:
        raise Http404("附件文件不存在") from None
    inline = content_type in INLINE and not download
    resp = FileResponse(handle, content_type=content_type)
    resp["Content-Disposition"] = disposition(filename, inline=inline)
    resp["Content-Security-Policy"] = "sandbox"
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = cache
    return resp
