"""Uploaded files (voucher receipts, decision files, task evidence): JPEG, PNG or PDF, the type judged
by content (filetype), size-limited, sha256 kept. One check for every app that stores files."""

import hashlib
from dataclasses import dataclass

import filetype
from django.core.files.base import ContentFile

from .errors import Problem

MAX_BYTES = 10 * 1024 * 1024
ALLOWED = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def upload_errors(filename: str, data: bytes, *, what: str = "附件", max_bytes: int = MAX_BYTES) -> list[Problem]:
    """Problems with one uploaded file (empty list when it may be stored)."""
    if not data:
        return [Problem(f"{what}「{filename}」是空文件", field="file")]
    if len(data) > max_bytes:
        return [Problem(f"{what}「{filename}」超过 {max_bytes // 1024 // 1024} MB", field="file")]
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        return [Problem(f"{what}「{filename}」不是 JPEG、PNG 或 PDF 文件（按内容识别）", field="file")]
    return []


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
