"""Checking a published disclosure against the books: its own fingerprint, the chain head it
was frozen with, the book's hash chain, and the figures recomputed. `verify_disclosures(book)`
is what `sanwu verify` asks."""

from dataclasses import dataclass

from sanwu.core.masking import Names
from sanwu.ledger.models import Book, Voucher
from sanwu.ledger.services.verify import verify_book

from ..models import Disclosure
from . import snapshot as snap
from .disclosures import build_snapshot, fingerprint, period_of

TAMPERED = "本公开发布后，账簿中的记录被改动，公开数字与账簿不再一致"
CHANGED = "本公开发布后，账簿中本期的数字有了变化，公开数字与账簿不再一致"
INTACT = "已核对：发布后账簿没有被改动，公开的数字与账簿一致"


@dataclass
class CheckResult:
    ok: bool
    explanation: str
    details: list[str]


def _check(d: Disclosure, book_check=None) -> CheckResult:
    if d.status != "published":
        return CheckResult(True, "尚未发布：数字随账簿重新编制，发布时才冻结", [])
    details: list[str] = []
    tampered = False
    if fingerprint(d.snapshot) != d.snapshot_hash:
        tampered = True
        details.append("公开内容与发布时的指纹不符（公开记录本身被改动）")
    book = Book.objects.get(pk=d.book_id)
    frozen = d.posted_count or 0
    if frozen:
        link = Voucher.objects.filter(book=book, seq=frozen, status="posted").values_list("hash", flat=True).first()
        if link != d.chain_head:
            tampered = True
            details.append(f"发布时账簿的第 {frozen} 张凭证已不是当时那一张（链被改写或删除）")
    elif d.chain_head:
        tampered = True
        details.append("发布时记下的账簿校验码与账簿不符")
    if book.posted_count < frozen:
        tampered = True
        details.append(f"账簿现有已记账凭证 {book.posted_count} 张，少于发布时的 {frozen} 张")
    check = book_check if book_check is not None else verify_book(book)
    if not check.ok:
        tampered = True
        details.extend(check.problems[:5])
    differences = snap.differences(d.snapshot, build_snapshot(book, period_of(d), Names()))
    details.extend(differences)
    if tampered:
        return CheckResult(False, TAMPERED + "。", details)
    if differences:
        return CheckResult(False, CHANGED + "（防篡改校验码完好，多为发布后又补记了本期凭证）。", details)
    return CheckResult(True, INTACT + "。", [])


def check_disclosure(disclosure: Disclosure) -> tuple[bool, str]:
    """Recompute the published figures from the books and check the hash chain: (ok, explanation
    in Chinese, naming what no longer matches)."""
    r = _check(disclosure)
    return r.ok, (r.explanation + ("：" + "；".join(r.details) if r.details else ""))


def check_details(disclosure: Disclosure) -> CheckResult:
    return _check(disclosure)


def verify_disclosures(book: Book) -> list[str]:
    """For `sanwu verify`: every published disclosure of the book whose figures no longer match
    the books, explained in Chinese (empty when all match)."""
    published = list(Disclosure.objects.filter(book=book, status="published").order_by("year", "month_to"))
    if not published:
        return []
    check = verify_book(book)
    out = []
    for d in published:
        r = _check(d, check)
        if not r.ok:
            out.append(f"账套 {book.code} {d.period_label}财务公开：{r.explanation}" + ("" if not r.details else "：" + "；".join(r.details)))
    return out
