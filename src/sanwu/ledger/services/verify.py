"""`sanwu verify`: recompute each book's hash chain and check kept totals against the entries."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum

from . import chain
from ..models import Account, AccountMonth, Book, Entry, RoleYear, Voucher
from .posting import FLOW_ROLES, canonical_of


@dataclass
class BookCheck:
    book: Book
    vouchers: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad: Voucher | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_book(book: Book, chunk: int = 2000) -> BookCheck:
    book = Book.objects.get(pk=book.pk)
    check = BookCheck(book)
    prev = ""
    seq_of: dict[int, int] = {}
    expected_seq = 1
    qs = Voucher.objects.filter(book=book, status="posted").order_by("seq")
    last_seq = 0
    while True:
        batch = list(qs.filter(seq__gt=last_seq)[:chunk])
        if not batch:
            break
        entries = defaultdict(list)
        for e in Entry.objects.filter(voucher__in=[v.pk for v in batch]).select_related("account").order_by("voucher_id", "line"):
            entries[e.voucher_id].append(e)
        for v in batch:
            check.vouchers += 1
            last_seq = v.seq
            if v.reverses_id and v.reverses_id not in seq_of:
                seq_of[v.reverses_id] = Voucher.objects.filter(pk=v.reverses_id).values_list("seq", flat=True).first()
            problem = None
            if v.seq != expected_seq:
                problem = f"链条缺号：应为第 {expected_seq} 张，实际为第 {v.seq} 张"
            elif v.prev_hash != prev:
                problem = "与上一张凭证的防篡改校验码接不上（凭证被删除或重排）"
            else:
                recomputed = chain.link(prev, canonical_of(book, v, entries[v.pk], seq_of))
                if recomputed != v.hash:
                    problem = "内容与记账时的防篡改校验码不符（凭证或分录被改动）"
                elif sum(e.debit for e in entries[v.pk]) != sum(e.credit for e in entries[v.pk]):
                    problem = "借贷不平"
            if problem and check.first_bad is None:
                check.first_bad = v
                check.problems.append(f"账套 {book.code} 凭证 {v.label}（链第 {v.seq} 张）：{problem}")
            seq_of[v.pk] = v.seq
            prev = v.hash
            expected_seq += 1
        if check.first_bad is not None:
            break
    if check.first_bad is None:
        if check.vouchers != book.posted_count:
            check.problems.append(f"账套 {book.code}：已记账凭证 {check.vouchers} 张，但链长记录为 {book.posted_count}")
        elif prev != book.chain_head:
            check.problems.append(f"账套 {book.code}：账簿记下的校验码与最后一张凭证的不一致")
    check.problems.extend(_totals_problems(book))
    return check


def _totals_problems(book: Book) -> list[str]:
    kept = {
        (r["account_id"], r["year"], r["month"]): (r["debit"], r["credit"], r["close_debit"], r["close_credit"])
        for r in AccountMonth.objects.filter(book=book).values("account_id", "year", "month", "debit", "credit", "close_debit", "close_credit")
    }
    closing = Q(voucher__kind="closing")
    actual = {
        (r["account_id"], r["voucher__year"], r["voucher__month"]): (r["d"], r["c"], r["cd"] or 0, r["cc"] or 0)
        for r in Entry.objects.filter(voucher__book=book, voucher__status="posted")
        .values("account_id", "voucher__year", "voucher__month")
        .annotate(d=Sum("debit"), c=Sum("credit"), cd=Sum("debit", filter=closing), cc=Sum("credit", filter=closing))
        .order_by()
    }
    problems = _role_year_problems(book)
    for key in sorted(set(kept) | set(actual)):
        k = kept.get(key, (0, 0, 0, 0))
        a = actual.get(key, (0, 0, 0, 0))
        if k != a:
            acc = Account.objects.filter(pk=key[0]).first()
            problems.append(
                f"账套 {book.code} 科目 {acc} {key[1]}年{key[2]}月：保存的发生额 借{k[0]}/贷{k[1]} 分，与分录合计 借{a[0]}/贷{a[1]} 分不符"
            )
    return problems


def _role_year_problems(book: Book) -> list[str]:
    roles = {a.pk: [r for r in a.role_set if r in FLOW_ROLES] for a in Account.objects.filter(book=book)}
    actual: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        Entry.objects.filter(voucher__book=book, voucher__status="posted")
        .exclude(voucher__kind="closing")
        .values("account_id", "voucher__year")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    for r in rows:
        for role in roles.get(r["account_id"], []):
            t = actual[(r["voucher__year"], role)]
            t[0] += r["d"]
            t[1] += r["c"]
    kept = {(r.year, r.role): [r.debit, r.credit] for r in RoleYear.objects.filter(book=book)}
    problems = []
    for key in sorted(set(kept) | set(actual)):
        if kept.get(key, [0, 0]) != actual.get(key, [0, 0]):
            problems.append(f"账套 {book.code} {key[0]}年「{key[1]}」：保存的年度发生额 {kept.get(key, [0, 0])} 与分录合计 {actual.get(key, [0, 0])} 不符")
    return problems
