"""对账 (reconciliation), two ways:

- a balance assertion: the bank statement's balance at the end of a day, entered by hand and
  compared with the book balance at the end of that day (opening + every posted entry dated on or
  before it);
- an imported bank statement (`imports.import_bank_statement`): its lines matched one to one to
  the bank journal (the book's posted entries on the bank account) — automatically by amount and
  direction within a date window, or by hand — and the 银行存款余额调节表 at a date from what
  is left unmatched (the 未达账项 both ways).

Reconciliation of an account starts at its first imported statement: entries dated before it are
taken as reconciled before Sanwu, so the two adjusted balances agree exactly when the book
balance the day before that statement equals the statement's opening balance (and show the
difference plainly when not)."""

import datetime as dt
from calendar import monthrange

from django.db import transaction

from sanwu.core import audit
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.money import format_yuan
from sanwu.core.scope import can_write

from ..models import Account, BankAssertion, BankMatch, BankMatchEvent, BankStatement, BankStatementLine, Book, Entry
from .reports import balance_at_end_of

# Automatic matching: a line and an entry of the same amount and direction at most this many
# days apart; the closest dates first.
WINDOW_DAYS = 3

RECONCILE_ROLES = {"village_accountant", "township_supervisor"}
# Bank statements, and cash counts (盘点) the same way.
ACCOUNT_ROLES = ("bank", "cash")


def may_reconcile(user, book: Book) -> bool:
    return user is None or can_write(user, book.region_id, RECONCILE_ROLES)


def require_role(user, book: Book, what: str) -> None:
    if not may_reconcile(user, book):
        from sanwu.core.permissions import refuse

        refuse(user, f"ledger.{what}", book.code, book.region_id)
        raise Refused(f"无权{what}：{book}")


def reconcilable_accounts(book: Book) -> list[Account]:
    """Leaf accounts with role bank or cash, bank first, by code."""
    accounts = [a for a in Account.objects.filter(book=book, is_leaf=True).order_by("code") if a.role_set & set(ACCOUNT_ROLES)]
    return sorted(accounts, key=lambda a: ("bank" not in a.role_set, a.code))


def add_assertion(user, book: Book, account_code: str, date: dt.date, balance_fen: int, note: str = "") -> BankAssertion:
    """Record the statement balance of a bank (or cash) account at the end of `date`."""
    require_role(user, book, "录入对账单余额")
    problems = []
    account = Account.objects.filter(book=book, code=(account_code or "").strip()).first()
    if account is None:
        problems.append(Problem(f"科目「{account_code}」在本账套中不存在", field="account"))
    elif not account.role_set & set(ACCOUNT_ROLES):
        problems.append(Problem(f"科目「{account}」不是银行存款或现金科目", field="account"))
    elif not account.is_leaf:
        problems.append(Problem(f"科目「{account}」有明细科目，请按末级科目（每个银行账户）对账", field="account"))
    if not isinstance(date, dt.date):
        problems.append(Problem("日期无效", field="date"))
    elif date < book.start_date:
        problems.append(Problem(f"日期 {date} 早于账套启用日期 {book.start_date}", field="date"))
    elif date > today():
        problems.append(Problem(f"日期 {date} 晚于今天", field="date"))
    if isinstance(balance_fen, bool) or not isinstance(balance_fen, int):
        problems.append(Problem("对账单余额应为以分计的整数", field="balance"))
    note = (note or "").strip()
    if len(note) > 200:
        problems.append(Problem("备注不超过200个字", field="note"))
    if not problems and BankAssertion.objects.filter(book=book, account=account, date=date).exists():
        problems.append(Problem(f"{account} {date} 的对账单余额已录入；如需更正，请先删除原记录", field="date"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        a = BankAssertion.objects.create(book=book, account=account, date=date, balance=balance_fen, note=note, created_by=user)
        audit.record(
            "assertion.add", a, actor=user, region_code=book.region_id,
            new={"book": book.code, "account": account.code, "date": date, "balance": balance_fen, "note": note},
        )
    return a


def delete_assertion(user, assertion: BankAssertion) -> None:
    book = assertion.book
    require_role(user, book, "删除对账记录")
    with transaction.atomic():
        audit.record(
            "assertion.delete", assertion, actor=user, region_code=book.region_id,
            old={"book": book.code, "account": assertion.account.code, "date": assertion.date, "balance": assertion.balance, "note": assertion.note},
        )
        assertion.delete()


def reconciliation(book: Book, account_code: str | None = None) -> dict:
    """Every assertion (newest first) beside the book balance at the end of its day."""
    qs = BankAssertion.objects.filter(book=book).select_related("account", "created_by").order_by("-date", "account__code", "-id")
    if account_code:
        qs = qs.filter(account__code=account_code)
    rows = []
    for a in qs:
        booked = balance_at_end_of(book, [a.account_id], a.date)
        rows.append({
            "id": a.pk, "date": a.date, "account_code": a.account.code, "account_name": a.account.name,
            "statement": a.balance, "book_balance": booked, "difference": a.balance - booked, "note": a.note,
            "created_by": getattr(a.created_by, "username", ""),
        })
    return {
        "book": book, "account": account_code or "", "rows": rows,
        "differences": sum(1 for r in rows if r["difference"]),
    }


def describe(row: dict) -> str:
    """In words, for messages: 相符 or 对账单比账面多/少 X 元."""
    d = row["difference"]
    if not d:
        return "相符"
    return f"对账单比账面{'多' if d > 0 else '少'} {format_yuan(abs(d))} 元"


def reconciliation_table(r: dict):
    from sanwu.core.tables import Column, Table

    cols = [
        Column("date", "日期", width=12), Column("account_code", "科目编码"), Column("account_name", "科目名称", width=18),
        Column("statement", "对账单余额", money=True), Column("book_balance", "账面余额", money=True),
        Column("difference", "差额（对账单−账面）", money=True), Column("result", "结果", width=22), Column("note", "备注", width=24),
    ]
    return Table("银行对账", cols, [{**row, "result": describe(row)} for row in r["rows"]])


# --- Imported statements ------------------------------------------------------------------------


def store_statement(user, book: Book, parsed) -> BankStatement:
    """Write a statement checked by `imports.parse_bank_statement` (inside its transaction)."""
    st = BankStatement.objects.create(
        book=book, account=parsed.account, filename=parsed.filename, sha256=parsed.sha256, size=parsed.size,
        date_from=parsed.date_from, date_to=parsed.date_to, opening_balance=parsed.opening, closing_balance=parsed.closing,
        line_count=len(parsed.lines), imported_by=user if getattr(user, "pk", None) else None,
    )
    BankStatementLine.objects.bulk_create([
        BankStatementLine(statement=st, book=book, account=parsed.account, row=x.row, position=i, date=x.date, amount=x.amount,
                          balance=x.balance, counterparty=x.counterparty, summary=x.summary)
        for i, x in enumerate(parsed.lines)
    ])
    BankMatchEvent.record(user, "import", statement=st, note=f"{st.filename}：{st.line_count} 笔，{st.date_from} 至 {st.date_to}")
    audit.record(
        "bank_statement.import", st, actor=user, region_code=book.region_id,
        new={"book": book.code, "account": parsed.account.code, "file": st.filename, "sha256": st.sha256, "lines": st.line_count,
             "from": st.date_from, "to": st.date_to, "opening": st.opening_balance, "closing": st.closing_balance},
    )
    return st


def reconciliation_start(account: Account) -> dt.date | None:
    """The first day of the account's first imported statement (None: none imported)."""
    first = BankStatement.objects.filter(account=account).order_by("date_from").first()
    return first.date_from if first else None


def _journal(book: Book, account: Account, start: dt.date, end: dt.date | None = None):
    """The bank journal's posted entries on `account` from `start` (to `end`), with their voucher."""
    qs = Entry.objects.filter(voucher__book=book, voucher__status="posted", account=account, voucher__date__gte=start)
    if end is not None:
        qs = qs.filter(voucher__date__lte=end)
    return qs.select_related("voucher").order_by("voucher__date", "voucher_id", "line")


def entry_amount(e: Entry) -> int:
    """What an entry does to the bank balance (debit-positive; a red-ink reversal is negative)."""
    return e.debit - e.credit


def auto_match(user, book: Book, account: Account, window: int = WINDOW_DAYS) -> int:
    """Match the account's unmatched statement lines to unmatched bank-journal entries of the same
    amount and direction at most `window` days apart, one to one, closest dates first (then the
    earlier line, the earlier entry). Returns how many pairs were made; each is an event."""
    require_role(user, book, "匹配银行对账单")
    start = reconciliation_start(account)
    if start is None:
        return 0
    lines = list(BankStatementLine.objects.filter(book=book, account=account, match__isnull=True).select_related("statement"))
    if not lines:
        return 0
    by_amount: dict[int, list[Entry]] = {}
    for e in _journal(book, account, start).filter(bank_match__isnull=True):
        if entry_amount(e):
            by_amount.setdefault(entry_amount(e), []).append(e)
    pairs = []
    for line in lines:
        for e in by_amount.get(line.amount, ()):
            gap = abs((e.voucher.date - line.date).days)
            if gap <= window:
                pairs.append((gap, line.date, line.statement_id, line.position, e.voucher.date, e.pk, line, e))
    pairs.sort(key=lambda p: p[:6])
    used_lines, used_entries, made = set(), set(), []
    for *_, line, e in pairs:
        if line.pk in used_lines or e.pk in used_entries:
            continue
        used_lines.add(line.pk)
        used_entries.add(e.pk)
        made.append((line, e))
    if not made:
        return 0
    with transaction.atomic():
        actor = user if getattr(user, "pk", None) else None
        BankMatch.objects.bulk_create([BankMatch(line=line, entry=e, how="auto", matched_by=actor) for line, e in made])
        for line, e in made:
            BankMatchEvent.record(user, "auto", statement=line.statement, line=line, entry=e, note=_pair_note(line, e))
        audit.record("bank.auto_match", book, actor=user, region_code=book.region_id,
                     new={"account": account.code, "pairs": len(made), "window": window})
    return len(made)


def _voucher_no(v) -> str:
    return f"{v.WORD}-{v.number:04d}" if v.number is not None else ""


def _pair_note(line: BankStatementLine, e: Entry) -> str:
    v = e.voucher
    return f"对账单 {line.date} {format_yuan(line.amount)} 元 ↔ {v.date} {v.year}年{v.month}月{_voucher_no(v)}"


def match(user, line: BankStatementLine, entry: Entry) -> BankMatch:
    """Match one statement line to one bank-journal entry by hand: same book and account, the same
    amount and direction, both still unmatched, the entry posted and within the reconciliation."""
    book = line.book
    require_role(user, book, "匹配银行对账单")
    problems = []
    if entry.voucher.book_id != book.pk or entry.account_id != line.account_id:
        problems.append(Problem("只能匹配同一账套、同一银行账户的分录", field="entry"))
    elif entry.voucher.status != "posted":
        problems.append(Problem("只能匹配已记账的分录", field="entry"))
    elif entry_amount(entry) != line.amount:
        problems.append(Problem(
            f"金额不同：对账单 {format_yuan(line.amount)} 元，日记账 {format_yuan(entry_amount(entry))} 元（收入为正、支出为负）", field="entry",
        ))
    elif entry.voucher.date < (reconciliation_start(line.account) or entry.voucher.date):
        problems.append(Problem("该分录早于第一张对账单，不在对账范围内", field="entry"))
    if BankMatch.objects.filter(line=line).exists():
        problems.append(Problem("该对账单行已经匹配，请先取消匹配", field="line"))
    if BankMatch.objects.filter(entry=entry).exists():
        problems.append(Problem("该分录已经匹配了另一笔对账单行，请先取消匹配", field="entry"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        m = BankMatch.objects.create(line=line, entry=entry, how="manual", matched_by=user if getattr(user, "pk", None) else None)
        BankMatchEvent.record(user, "match", statement=line.statement, line=line, entry=entry, note=_pair_note(line, entry))
        audit.record("bank.match", m, actor=user, region_code=book.region_id, new={"line": line.pk, "entry": entry.pk, "amount": line.amount})
    return m


def unmatch(user, line: BankStatementLine) -> None:
    book = line.book
    require_role(user, book, "取消银行对账匹配")
    m = BankMatch.objects.filter(line=line).select_related("entry__voucher").first()
    if m is None:
        raise Invalid(Problem("该对账单行没有匹配", field="line"))
    with transaction.atomic():
        BankMatchEvent.record(user, "unmatch", statement=line.statement, line=line, entry=m.entry, note=_pair_note(line, m.entry))
        audit.record("bank.unmatch", m, actor=user, region_code=book.region_id,
                     old={"line": line.pk, "entry": m.entry_id, "how": m.how, "amount": line.amount})
        m.delete()


def statement_balance_at(account: Account, day: dt.date) -> int | None:
    """The bank's balance at the end of `day`: the balance after the last statement line on or
    before it (the first statement's opening balance before its first line); None before any."""
    last = (
        BankStatementLine.objects.filter(account=account, date__lte=day)
        .order_by("-date", "-statement__date_from", "-statement_id", "-position").values_list("balance", flat=True).first()
    )
    if last is not None:
        return last
    first = BankStatement.objects.filter(account=account, date_from__lte=day).order_by("date_from").first()
    return first.opening_balance if first else None


def _item(day, amount, summary, counterparty, ref) -> dict:
    return {"date": day, "amount": abs(amount), "summary": summary, "counterparty": counterparty, "ref": ref}


OUTSTANDING = [
    ("bank_in", "银行已收、企业未收", "加"),
    ("bank_out", "银行已付、企业未付", "减"),
    ("book_in", "企业已收、银行未收", "加"),
    ("book_out", "企业已付、银行未付", "减"),
]


def bank_reconciliation(book: Book, account_code: str, day: dt.date) -> dict:
    """The 银行存款余额调节表 of one bank account at the end of `day`:

        book balance + 银行已收企业未收 − 银行已付企业未付 = adjusted book balance
        statement balance + 企业已收银行未收 − 企业已付银行未付 = adjusted statement balance

    An item is outstanding at `day` when its counterpart is missing or dated after `day`."""
    account = bank_account(book, account_code)
    start = reconciliation_start(account)
    if start is None or start > day:
        raise Invalid(Problem(f"银行账户「{account}」在 {day} 之前没有导入银行对账单", field="date"))
    items: dict[str, list[dict]] = {k: [] for k, _, _ in OUTSTANDING}
    matched = 0
    for e in _journal(book, account, start, day).select_related("bank_match__line"):
        m = getattr(e, "bank_match", None)
        if m is not None and m.line.date <= day:
            matched += 1
            continue
        amount = entry_amount(e)
        if amount:
            v = e.voucher
            items["book_in" if amount > 0 else "book_out"].append(
                _item(v.date, amount, e.summary or v.summary, e.counterparty, f"{v.year}年{v.month}月{_voucher_no(v)}"))
    lines = BankStatementLine.objects.filter(account=account, date__lte=day).select_related("match__entry__voucher").order_by("date", "statement_id", "position")
    count = 0
    for x in lines:
        count += 1
        m = getattr(x, "match", None)
        if m is not None and m.entry.voucher.date <= day:
            continue
        items["bank_in" if x.amount > 0 else "bank_out"].append(_item(x.date, x.amount, x.summary, x.counterparty, f"对账单第{x.row}行"))
    totals = {k: sum(i["amount"] for i in v) for k, v in items.items()}
    book_balance = balance_at_end_of(book, [account.pk], day)
    bank_balance = statement_balance_at(account, day)
    adjusted_book = book_balance + totals["bank_in"] - totals["bank_out"]
    adjusted_bank = bank_balance + totals["book_in"] - totals["book_out"]
    first = BankStatement.objects.filter(account=account).order_by("date_from").first()
    begin_book = balance_at_end_of(book, [account.pk], start - dt.timedelta(days=1))
    return {
        "book": book, "account_code": account.code, "account_name": account.name, "date": day, "start": start,
        "book_balance": book_balance, "bank_balance": bank_balance,
        "items": items, "totals": totals,
        "adjusted_book": adjusted_book, "adjusted_bank": adjusted_bank, "difference": adjusted_bank - adjusted_book,
        "agree": adjusted_bank == adjusted_book,
        "opening_book": begin_book, "opening_bank": first.opening_balance, "opening_difference": first.opening_balance - begin_book,
        "lines": count, "matched": matched,
    }


def bank_account(book: Book, code: str, file: str = ""):
    """The leaf account with role `bank` named by `code` in `book`, or `Invalid`."""
    account = Account.objects.filter(book=book, code=(code or "").strip()).first()
    if account is None:
        raise Invalid(Problem(f"科目「{code}」在账套「{book.code}」中不存在", field="account", file=file))
    if "bank" not in account.role_set:
        raise Invalid(Problem(f"科目「{account}」不是银行存款科目", field="account", file=file))
    if not account.is_leaf:
        raise Invalid(Problem(f"科目「{account}」有明细科目，请按末级科目（每个银行账户）导入对账单", field="account", file=file))
    return account


def agreed_months(book: Book, account_ids, first: tuple[int, int], last: tuple[int, int]) -> set[tuple[int, int, int]]:
    """(year, month, account id) of the months from `first` to `last` in which an imported
    statement covers the month and the 调节表 at the month's end (or today, when the month has
    not ended) has agreeing balances: what the month-close check counts as
    reconciled beside a balance assertion."""
    out: set[tuple[int, int, int]] = set()
    start, end = dt.date(*first, 1), dt.date(*last, monthrange(*last)[1])
    spans: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for acc, a, b in BankStatement.objects.filter(book=book, account_id__in=account_ids, date_from__lte=end, date_to__gte=start).values_list("account_id", "date_from", "date_to"):
        spans.setdefault(acc, []).append((a, b))
    if not spans:
        return out
    accounts = {a.pk: a for a in Account.objects.filter(pk__in=spans)}
    y, m = first
    while (y, m) <= last:
        m_start, m_end = dt.date(y, m, 1), dt.date(y, m, monthrange(y, m)[1])
        for acc, ranges in spans.items():
            day = min(m_end, today())
            # the statements together must cover the month to its end (or today): one that stops
            # on the 3rd leaves the rest of the month unseen
            if _covers(ranges, m_start, day):
                if bank_reconciliation(book, accounts[acc].code, day)["agree"]:
                    out.add((y, m, acc))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _covers(ranges: list[tuple[dt.date, dt.date]], first: dt.date, last: dt.date) -> bool:
    """Whether the date ranges together cover every day from `first` to `last`."""
    reached = first - dt.timedelta(days=1)
    for a, b in sorted(ranges):
        if a > reached + dt.timedelta(days=1):
            break
        reached = max(reached, b)
        if reached >= last:
            return True
    return reached >= last


def statements(book: Book, account: Account | None = None):
    qs = BankStatement.objects.filter(book=book).select_related("account", "imported_by").order_by("account__code", "-date_from")
    return qs.filter(account=account) if account is not None else qs


def match_screen(book: Book, account: Account, date_from: dt.date, date_to: dt.date, window: int = WINDOW_DAYS) -> dict:
    """The statement lines of the account from `date_from` to `date_to` with their match, each
    unmatched line with the unmatched entries of its amount (the nearest first) to choose from,
    and the unmatched journal entries of the span."""
    start = reconciliation_start(account)
    lines = list(
        BankStatementLine.objects.filter(account=account, date__gte=date_from, date__lte=date_to)
        .select_related("match__entry__voucher", "statement").order_by("date", "statement_id", "position")
    )
    free = list(_journal(book, account, start).filter(bank_match__isnull=True)) if start else []
    by_amount: dict[int, list[Entry]] = {}
    for e in free:
        by_amount.setdefault(entry_amount(e), []).append(e)
    rows = []
    for x in lines:
        m = getattr(x, "match", None)
        row = {"line": x, "id": x.pk, "date": x.date, "amount": x.amount, "abs": abs(x.amount), "balance": x.balance, "summary": x.summary,
               "counterparty": x.counterparty, "matched": None, "how": "", "candidates": []}
        if m is not None:
            v = m.entry.voucher
            row["matched"] = {"date": v.date, "ref": f"{v.year}年{v.month}月{_voucher_no(v)}", "summary": m.entry.summary or v.summary, "voucher_id": v.pk}
            row["how"] = m.get_how_display()
        else:
            cands = sorted(by_amount.get(x.amount, ()), key=lambda e: (abs((e.voucher.date - x.date).days), e.pk))
            row["candidates"] = [{"id": e.pk, "label": f"{e.voucher.date} {e.voucher.year}年{e.voucher.month}月{_voucher_no(e.voucher)} {e.summary or e.voucher.summary}"} for e in cands[:10]]
        rows.append(row)
    entries = [
        {"date": e.voucher.date, "ref": f"{e.voucher.year}年{e.voucher.month}月{_voucher_no(e.voucher)}", "summary": e.summary or e.voucher.summary,
         "amount": entry_amount(e), "abs": abs(entry_amount(e)), "counterparty": e.counterparty, "voucher_id": e.voucher_id}
        for e in free if date_from - dt.timedelta(days=window) <= e.voucher.date <= date_to + dt.timedelta(days=window)
    ]
    return {"rows": rows, "entries": entries, "start": start, "unmatched": sum(1 for r in rows if r["matched"] is None)}


def reconciliation_rows(r: dict) -> list[dict]:
    """The 调节表 in the official two-sided layout, row by row: the book side on the left, the
    statement side on the right; `kind` is balance, head (加/减 a kind of item), item or total."""
    labels = {k: t for k, t, _ in OUTSTANDING}

    def side(balance_label, balance, plus, minus, adjusted):
        out = [("balance", balance_label, balance, "")]
        for key, sign in ((plus, "加"), (minus, "减")):
            out.append(("head", f"{sign}：{labels[key]}", r["totals"][key], ""))
            for i in r["items"][key]:
                text = f"{i['date']:%m-%d} {i['summary']}" + (f"（{i['counterparty']}）" if i["counterparty"] else "")
                out.append(("item", text, i["amount"], i["ref"]))
        out.append(("total", "调节后的存款余额", adjusted, ""))
        return out

    left = side("企业银行存款日记账余额", r["book_balance"], "bank_in", "bank_out", r["adjusted_book"])
    right = side("银行对账单余额", r["bank_balance"], "book_in", "book_out", r["adjusted_bank"])
    # The items of both sides fill the rows between the balance lines and the totals, which face each other.
    lb, rb = left[:-1], right[:-1]
    blank = ("", "", None, "")
    n = max(len(lb), len(rb))
    lb += [blank] * (n - len(lb))
    rb += [blank] * (n - len(rb))
    rows = []
    for a, b in [*zip(lb, rb), (left[-1], right[-1])]:
        rows.append({"left_kind": a[0], "left": a[1], "left_amount": a[2], "left_ref": a[3],
                     "right_kind": b[0], "right": b[1], "right_amount": b[2], "right_ref": b[3]})
    return rows


def bank_reconciliation_table(r: dict):
    """The 调节表 as one table (Excel, CSV): each outstanding item under its line."""
    from sanwu.core.tables import Column, Table

    rows = reconciliation_rows(r)
    if not r["agree"]:
        rows.append({"left": "调节后余额不符：银行对账单一方减日记账一方", "left_amount": r["difference"], "left_ref": "",
                     "right": "", "right_amount": None, "right_ref": ""})
    cols = [
        Column("left", "项目（企业银行存款日记账）", width=36), Column("left_amount", "金额", money=True), Column("left_ref", "对账单", width=14),
        Column("right", "项目（银行对账单）", width=36), Column("right_amount", "金额", money=True), Column("right_ref", "凭证", width=16),
    ]
    return Table(f"银行存款余额调节表 {r['account_code']} {r['date']}", cols, rows)


PDF_TEMPLATE = "ledger/pdf/bank_reconciliation.html"


def pdf_context(r: dict) -> dict:
    """What the 调节表's PDF template reads (the page's and the CLI's PDF alike)."""
    from ..charts import CHART_VERSIONS

    book = r["book"]
    return {"r": r, "rows": reconciliation_rows(r), "book": book, "chart_label": CHART_VERSIONS.get(book.chart, book.chart), "printed": today()}


def bank_reconciliation_json(r: dict) -> dict:
    """The 调节表 for scripts: amounts as integer fen."""
    return {
        "book": r["book"].code, "account": r["account_code"], "account_name": r["account_name"], "date": r["date"].isoformat(),
        "book_balance_fen": r["book_balance"], "bank_balance_fen": r["bank_balance"],
        "adjusted_book_fen": r["adjusted_book"], "adjusted_bank_fen": r["adjusted_bank"], "difference_fen": r["difference"], "agree": r["agree"],
        "outstanding": {
            key: {"name": name, "total_fen": r["totals"][key],
                  "items": [{"date": i["date"].isoformat(), "amount_fen": i["amount"], "summary": i["summary"], "counterparty": i["counterparty"], "ref": i["ref"]} for i in r["items"][key]]}
            for key, name, _ in OUTSTANDING
        },
    }
