"""The book reports (issue 3 item 6), as plain dicts and as Tables.

Balances and sums come from the kept totals (AccountMonth, SourceMonth, OpeningBalance):
O(accounts × months), never O(postings). Only the reports that list entries (明细账, 日记账)
and a balance at the end of a day read posted entries (of one month at most).

Amounts are integer fen; balances are debit-positive. Accounts are found by role, never by code.
Every report has a function returning plain data and a `*_table()` returning a `Table`, so the
web pages, the CLI and the API share them.
"""

import datetime as dt
from calendar import monthrange
from collections import defaultdict

from django.db.models import Q, Sum

from sanwu.core.errors import Invalid, Problem

from ..charts import BALANCE_SHEETS, CATEGORIES, CHART_NOTES, CHARTS, EXPENSE_ROLES, INCOME_ROLES, INCOME_STATEMENT, ROLE_LABELS, SOURCES
from ..models import Account, AccountMonth, Book, Entry, OpeningBalance, SourceMonth, Voucher

PNL_ROLES = INCOME_ROLES | EXPENSE_ROLES
# The accounts whose balances make up 未分配收益 on the balance sheet. Income and expense accounts
# not yet closed into 本年收益 belong to it too (see `_sheet_roles`).
UNDISTRIBUTED_ROLES = {"current_year_income", "income_distribution", "distribution_items", "undistributed"}


def _upto(year: int, month: int) -> Q:
    return Q(year__lt=year) | Q(year=year, month__lte=month)


def balances(book: Book, start: tuple[int, int], end: tuple[int, int]) -> dict[int, list[int]]:
    """Leaf account id → [opening, debit, credit, closing] over the months start..end
    (inclusive), debit-positive balances."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for acc_id, bal in OpeningBalance.objects.filter(book=book).values_list("account_id", "balance"):
        out[acc_id][0] += bal
    rows = AccountMonth.objects.filter(book=book).filter(_upto(*end)).values_list("account_id", "year", "month", "debit", "credit")
    for acc_id, y, m, d, c in rows:
        t = out[acc_id]
        if (y, m) < start:
            t[0] += d - c
        else:
            t[1] += d
            t[2] += c
    for t in out.values():
        t[3] = t[0] + t[1] - t[2]
    return dict(out)


def balances_for(book: Book, year: int, month: int) -> dict[int, list[int]]:
    """Year to date: from January of `year` to `month`."""
    return balances(book, (year, 1), (year, month))


def _split(balance: int) -> tuple[int, int]:
    """A debit-positive balance as (debit, credit) columns."""
    return (balance, 0) if balance >= 0 else (0, -balance)


def direction(balance: int) -> tuple[str, int]:
    """A debit-positive balance as the ledgers print it: (借/贷/平, amount ≥ 0)."""
    if balance > 0:
        return "借", balance
    if balance < 0:
        return "贷", -balance
    return "平", 0


def period_label(year: int, month_from: int, month_to: int) -> str:
    if month_from == month_to:
        return f"{year}年{month_from}月"
    return f"{year}年{month_from}月至{month_to}月"


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, monthrange(year, month)[1])


def _check_months(year: int, *months: int) -> None:
    if not 1900 <= int(year) <= 2999 or any(not 1 <= int(m) <= 12 for m in months):
        raise Invalid(Problem("年份或月份无效", field="month"))
    if len(months) == 2 and months[0] > months[1]:
        raise Invalid(Problem("起始月份不能晚于截止月份", field="month"))


# --- The book's accounts as a tree -----------------------------------------------------------


class Chart:
    """A book's accounts, loaded once: by id and code, parents, leaves, roles."""

    def __init__(self, book: Book):
        self.book = book
        self.accounts = list(Account.objects.filter(book=book).order_by("code"))
        self.by_id = {a.pk: a for a in self.accounts}
        self.by_code = {a.code: a for a in self.accounts}

    def get(self, code: str) -> Account:
        acc = self.by_code.get((code or "").strip())
        if acc is None:
            raise Invalid(Problem(f"科目「{code}」在本账套中不存在", field="account"))
        return acc

    def lineage(self, acc_id: int):
        """The account and its ancestors, nearest first."""
        node = self.by_id.get(acc_id)
        while node is not None:
            yield node
            node = self.by_id.get(node.parent_id)

    def leaves(self) -> list[Account]:
        return [a for a in self.accounts if a.is_leaf]

    def leaves_under(self, account: Account) -> list[Account]:
        """The leaf accounts in `account`'s subtree (itself when it is a leaf)."""
        return [a for a in self.leaves() if any(n.pk == account.pk for n in self.lineage(a.pk))]

    def leaves_with(self, roles) -> list[Account]:
        roles = set(roles)
        return [a for a in self.leaves() if a.role_set & roles]

    def level(self, account: Account) -> int:
        return sum(1 for _ in self.lineage(account.pk))

    def roll_up(self, per_leaf: dict[int, int]) -> dict[int, int]:
        """Sum leaf amounts into every ancestor."""
        out: dict[int, int] = defaultdict(int)
        for acc_id, v in per_leaf.items():
            for node in self.lineage(acc_id):
                out[node.pk] += v
        return out


# --- 科目余额表 -------------------------------------------------------------------------------


def trial_balance(book: Book, year: int, month_from: int, month_to: int) -> dict:
    """科目余额表: every account (parents summed from their leaves) with opening, period and closing
    amounts; totals; and whether debits equal credits on each pair of columns."""
    bal = balances(book, (year, month_from), (year, month_to))
    accounts = list(Account.objects.filter(book=book).order_by("code"))
    by_id = {a.pk: a for a in accounts}
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for acc_id, t in bal.items():
        node = by_id.get(acc_id)
        while node is not None:
            s = sums[node.pk]
            for i in range(4):
                s[i] += t[i]
            node = by_id.get(node.parent_id)
    rows = []
    totals = [0] * 6
    for a in accounts:
        s = sums.get(a.pk)
        if not s or not any(s):
            continue
        od, oc = _split(s[0])
        cd, cc = _split(s[3])
        row = {
            "code": a.code, "name": a.name, "category": CATEGORIES[a.category], "level": a.code.__len__() // 2,
            "is_leaf": a.is_leaf, "opening_debit": od, "opening_credit": oc, "debit": s[1], "credit": s[2],
            "closing_debit": cd, "closing_credit": cc,
        }
        rows.append(row)
        if a.parent_id is None:
            for i, k in enumerate(("opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit")):
                totals[i] += row[k]
    keys = ("opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit")
    return {
        "book": book, "year": year, "month_from": month_from, "month_to": month_to, "rows": rows,
        "totals": dict(zip(keys, totals)),
        "balanced": totals[0] == totals[1] and totals[2] == totals[3] and totals[4] == totals[5],
    }


def trial_balance_table(tb: dict):
    """The trial balance as a Table (Excel, CSV, JSON; the CLI and the web share it)."""
    from sanwu.core.tables import Column, Table

    cols = [
        Column("code", "科目编码"), Column("name", "科目名称", width=24),
        Column("opening_debit", "期初借方", money=True), Column("opening_credit", "期初贷方", money=True),
        Column("debit", "本期借方", money=True), Column("credit", "本期贷方", money=True),
        Column("closing_debit", "期末借方", money=True), Column("closing_credit", "期末贷方", money=True),
    ]
    rows = [dict(r) for r in tb["rows"]]
    rows.append({"code": "", "name": "合计", **tb["totals"]})
    period = f"{tb['year']}年{tb['month_from']}月" + (f"至{tb['month_to']}月" if tb["month_to"] != tb["month_from"] else "")
    return Table(f"科目余额表 {period}", cols, rows)


# --- 总账 -------------------------------------------------------------------------------------


def general_ledger(book: Book, year: int, month_to: int = 12, account_code: str | None = None) -> dict:
    """总账: for each level-1 account (or the one chosen, with its sub-accounts), the year's
    opening balance, then each month with activity: debit, credit and the balance at month end,
    then the year's totals. Accounts with neither balance nor activity are left out."""
    _check_months(year, month_to)
    chart = Chart(book)
    roots = [chart.get(account_code)] if account_code else [a for a in chart.accounts if a.parent_id is None]
    root_ids = {a.pk for a in roots}
    opening: dict[int, int] = defaultdict(int)
    monthly: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))

    def targets(acc_id):
        return [n.pk for n in chart.lineage(acc_id) if n.pk in root_ids]

    for acc_id, bal in OpeningBalance.objects.filter(book=book).values_list("account_id", "balance"):
        for r in targets(acc_id):
            opening[r] += bal
    rows = AccountMonth.objects.filter(book=book, year__lte=year).values_list("account_id", "year", "month", "debit", "credit")
    for acc_id, y, m, d, c in rows:
        for r in targets(acc_id):
            if y < year:
                opening[r] += d - c
            elif m <= month_to:
                t = monthly[r][m]
                t[0] += d
                t[1] += c
    out = []
    for a in roots:
        months = monthly.get(a.pk, {})
        if not opening.get(a.pk) and not any(d or c for d, c in months.values()):
            continue
        bal = opening.get(a.pk, 0)
        lines = []
        for m in sorted(months):
            d, c = months[m]
            if not d and not c:
                continue
            bal += d - c
            lines.append({"month": m, "debit": d, "credit": c, "balance": bal})
        total_d = sum(d for d, _ in months.values())
        total_c = sum(c for _, c in months.values())
        out.append({
            "code": a.code, "name": a.name, "opening": opening.get(a.pk, 0), "months": lines,
            "debit": total_d, "credit": total_c, "closing": bal,
        })
    return {"book": book, "year": year, "month_to": month_to, "account": account_code or "", "accounts": out}


def general_ledger_table(gl: dict):
    from sanwu.core.tables import Column, Table

    cols = [
        Column("code", "科目编码"), Column("name", "科目名称", width=20), Column("period", "期间", width=14),
        Column("summary", "摘要", width=12), Column("debit", "借方", money=True), Column("credit", "贷方", money=True),
        Column("direction", "方向", width=6), Column("balance", "余额", money=True),
    ]
    rows = []
    for a in gl["accounts"]:
        base = {"code": a["code"], "name": a["name"]}
        side, amount = direction(a["opening"])
        rows.append({**base, "period": f"{gl['year']}年1月1日", "summary": "年初余额", "direction": side, "balance": amount})
        for m in a["months"]:
            side, amount = direction(m["balance"])
            rows.append({**base, "period": f"{gl['year']}年{m['month']}月", "summary": "本月合计", "debit": m["debit"], "credit": m["credit"], "direction": side, "balance": amount})
        side, amount = direction(a["closing"])
        rows.append({**base, "period": f"{gl['year']}年1–{gl['month_to']}月", "summary": "本年累计", "debit": a["debit"], "credit": a["credit"], "direction": side, "balance": amount})
    return Table(f"总账 {gl['year']}年", cols, rows)


# --- 明细账 and 日记账 -------------------------------------------------------------------------


def balance_before(book: Book, account_ids, day: dt.date) -> int:
    """Balance of the accounts at the start of `day`: opening + kept totals of earlier months +
    posted entries of `day`'s month dated before it."""
    ids = list(account_ids)
    if not ids:
        return 0
    total = OpeningBalance.objects.filter(book=book, account_id__in=ids).aggregate(s=Sum("balance"))["s"] or 0
    months = AccountMonth.objects.filter(book=book, account_id__in=ids).filter(Q(year__lt=day.year) | Q(year=day.year, month__lt=day.month))
    agg = months.aggregate(d=Sum("debit"), c=Sum("credit"))
    total += (agg["d"] or 0) - (agg["c"] or 0)
    same = Entry.objects.filter(
        voucher__book=book, voucher__status="posted", voucher__year=day.year, voucher__month=day.month,
        voucher__date__lt=day, account_id__in=ids,
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    return total + (same["d"] or 0) - (same["c"] or 0)


def balance_at_end_of(book: Book, account_ids, day: dt.date) -> int:
    """Balance at the end of `day` (opening + every posted entry dated on or before it)."""
    return balance_before(book, account_ids, day + dt.timedelta(days=1))


def _ledger_lines(book: Book, accounts: list[Account], date_from: dt.date, date_to: dt.date) -> dict:
    if date_from > date_to:
        raise Invalid(Problem("起始日期不能晚于截止日期", field="date"))
    ids = [a.pk for a in accounts]
    opening = balance_before(book, ids, date_from)
    qs = (
        Entry.objects.filter(voucher__book=book, voucher__status="posted", account_id__in=ids, voucher__date__gte=date_from, voucher__date__lte=date_to)
        .order_by("voucher__date", "voucher__year", "voucher__month", "voucher__number", "voucher_id", "line")
        .values_list("voucher_id", "voucher__date", "voucher__year", "voucher__month", "voucher__number", "summary", "account__code", "account__name", "counterparty", "debit", "credit")
    )
    rows = []
    bal = opening
    total_d = total_c = 0
    for vid, date, y, m, n, summary, code, name, counterparty, d, c in qs:
        bal += d - c
        total_d += d
        total_c += c
        rows.append({
            "date": date, "voucher_id": vid, "voucher": Voucher(year=y, month=m, number=n).label, "summary": summary,
            "account_code": code, "account_name": name, "counterparty": counterparty, "debit": d, "credit": c, "balance": bal,
        })
    return {"opening": opening, "rows": rows, "debit": total_d, "credit": total_c, "closing": bal}


def account_ledger(book: Book, account_code: str, date_from: dt.date, date_to: dt.date) -> dict:
    """明细账: one account (a leaf, or a parent with all its sub-accounts) over a date range:
    the opening balance, each posted entry with the running balance, the period totals."""
    chart = Chart(book)
    account = chart.get(account_code)
    leaves = chart.leaves_under(account)
    lines = _ledger_lines(book, leaves, date_from, date_to)
    return {
        "book": book, "account": account, "code": account.code, "name": account.name, "is_leaf": account.is_leaf,
        "date_from": date_from, "date_to": date_to, **lines,
    }


def _ledger_table_rows(led: dict) -> list[dict]:
    side, amount = direction(led["opening"])
    rows = [{"date": led["date_from"], "summary": "期初余额", "direction": side, "balance": amount}]
    for r in led["rows"]:
        side, amount = direction(r["balance"])
        rows.append({**r, "direction": side, "balance": amount})
    side, amount = direction(led["closing"])
    rows.append({"date": led["date_to"], "summary": "本期合计", "debit": led["debit"], "credit": led["credit"], "direction": side, "balance": amount})
    return rows


def _ledger_columns():
    from sanwu.core.tables import Column

    return [
        Column("date", "日期", width=12), Column("voucher", "凭证号", width=16), Column("account_code", "科目编码"),
        Column("account_name", "科目名称", width=18), Column("summary", "摘要", width=30),
        Column("debit", "借方", money=True), Column("credit", "贷方", money=True),
        Column("direction", "方向", width=6), Column("balance", "余额", money=True),
    ]


def account_ledger_table(led: dict):
    from sanwu.core.tables import Table

    return Table(f"明细账 {led['code']} {led['name']}", _ledger_columns(), _ledger_table_rows(led))


JOURNAL_ROLES = {"cash": "现金日记账", "bank": "银行日记账"}


def journal_accounts(book: Book, role: str, chart: Chart | None = None) -> list[Account]:
    """The accounts a journal may show: those with the role (parents and leaves)."""
    chart = chart or Chart(book)
    return [a for a in chart.accounts if role in a.role_set]


def journal(book: Book, role: str, date_from: dt.date, date_to: dt.date, account_code: str | None = None) -> dict:
    """现金日记账 / 银行日记账: the entries of the accounts with role `cash` / `bank` (or of one of
    them), day by day with the running balance and each day's subtotal."""
    if role not in JOURNAL_ROLES:
        raise Invalid(Problem(f"未知日记账「{role}」", field="role"))
    chart = Chart(book)
    if account_code:
        chosen = chart.get(account_code)
        if role not in chosen.role_set:
            raise Invalid(Problem(f"科目「{chosen}」不是{ROLE_LABELS[role]}科目", field="account"))
        leaves = chart.leaves_under(chosen)
    else:
        leaves = chart.leaves_with({role})
    lines = _ledger_lines(book, leaves, date_from, date_to)
    days = []
    for r in lines["rows"]:
        if not days or days[-1]["date"] != r["date"]:
            days.append({"date": r["date"], "rows": [], "debit": 0, "credit": 0, "balance": 0})
        day = days[-1]
        day["rows"].append(r)
        day["debit"] += r["debit"]
        day["credit"] += r["credit"]
        day["balance"] = r["balance"]
    return {
        "book": book, "role": role, "title": JOURNAL_ROLES[role], "account": account_code or "",
        "accounts": leaves, "date_from": date_from, "date_to": date_to, "days": days,
        **{k: lines[k] for k in ("opening", "debit", "credit", "closing")}, "count": len(lines["rows"]),
    }


def journal_table(j: dict):
    from sanwu.core.tables import Table

    side, amount = direction(j["opening"])
    rows = [{"date": j["date_from"], "summary": "期初余额", "direction": side, "balance": amount}]
    for day in j["days"]:
        for r in day["rows"]:
            side, amount = direction(r["balance"])
            rows.append({**r, "direction": side, "balance": amount})
        side, amount = direction(day["balance"])
        rows.append({"date": day["date"], "summary": "本日合计", "debit": day["debit"], "credit": day["credit"], "direction": side, "balance": amount})
    side, amount = direction(j["closing"])
    rows.append({"date": j["date_to"], "summary": "本期合计", "debit": j["debit"], "credit": j["credit"], "direction": side, "balance": amount})
    return Table(j["title"], _ledger_columns(), rows)


# --- Income and expense flows (without the year-end closing) ----------------------------------
#
# The year-end closing (services.close_year) posts vouchers of kind "closing" that move income
# and expense balances into 本年收益 and on into 未分配收益. The kept totals hold their part apart
# (AccountMonth.close_debit/close_credit; SourceMonth leaves them out), so the flows — what was
# earned and spent — are read straight from the kept totals: debit − close_debit, credit −
# close_credit. An ordinary voucher that merely says 结转 (e.g. 结转产品成本) is business and counts.


def pnl_flows(book: Book, year: int, month_from: int, month_to: int, chart: Chart | None = None) -> dict[int, int]:
    """Income and expense leaf account id → the months' net activity (debit − credit) without
    the closing vouchers, from the kept totals."""
    chart = chart or Chart(book)
    pnl = {a.pk for a in chart.leaves_with(PNL_ROLES)}
    out: dict[int, int] = defaultdict(int)
    rows = AccountMonth.objects.filter(book=book, year=year, month__gte=month_from, month__lte=month_to, account_id__in=pnl)
    for acc_id, d, c, cd, cc in rows.values_list("account_id", "debit", "credit", "close_debit", "close_credit"):
        out[acc_id] += (d - cd) - (c - cc)
    return dict(out)


def _flow(account: Account, net: int) -> int:
    """Income credit-positive, expense debit-positive."""
    return -net if account.role_set & INCOME_ROLES else net


def source_flows(book: Book, year: int, month_from: int, month_to: int, chart: Chart | None = None) -> dict[str, int]:
    """Income by source tag: credit − debit on income accounts (SourceMonth, which the closing
    vouchers never reach)."""
    chart = chart or Chart(book)
    income = {a.pk for a in chart.leaves_with(INCOME_ROLES)}
    out: dict[str, int] = defaultdict(int)
    rows = SourceMonth.objects.filter(book=book, year=year, month__gte=month_from, month__lte=month_to, account_id__in=income)
    for source, d, c in rows.values_list("source", "debit", "credit"):
        out[source] += c - d
    return dict(out)


# --- 收支明细表 -------------------------------------------------------------------------------


def income_expense_detail(book: Book, year: int, month_from: int, month_to: int) -> dict:
    """收支明细表: every income and expense account (sub-accounts under their parent) with the
    period's amount and the year to date, their totals, and income by source tag."""
    _check_months(year, month_from, month_to)
    chart = Chart(book)
    period = chart.roll_up(pnl_flows(book, year, month_from, month_to, chart))
    ytd = chart.roll_up(pnl_flows(book, year, 1, month_to, chart))

    def lines(roles):
        out = []
        for a in chart.accounts:
            if a.role_set & roles:
                out.append({
                    "code": a.code, "name": a.name, "level": chart.level(a), "is_leaf": a.is_leaf,
                    "period": _flow(a, period.get(a.pk, 0)), "ytd": _flow(a, ytd.get(a.pk, 0)),
                })
        return out

    income = lines(INCOME_ROLES)
    expense = lines(EXPENSE_ROLES)
    income_total = _totals(chart, income)
    expense_total = _totals(chart, expense)
    by_source = source_flows(book, year, month_from, month_to, chart)
    by_source_ytd = source_flows(book, year, 1, month_to, chart)
    sources = [
        {"source": key, "label": label, "period": by_source.get(key, 0), "ytd": by_source_ytd.get(key, 0)}
        for key, label in SOURCES.items()
    ]
    tagged = sum(s["period"] for s in sources), sum(s["ytd"] for s in sources)
    sources.append({"source": "", "label": "未标注来源", "period": income_total["period"] - tagged[0], "ytd": income_total["ytd"] - tagged[1]})
    return {
        "book": book, "year": year, "month_from": month_from, "month_to": month_to,
        "income": income, "expense": expense, "income_total": income_total, "expense_total": expense_total,
        "net": {k: income_total[k] - expense_total[k] for k in ("period", "ytd")},
        "sources": sources,
    }


def _totals(chart: Chart, rows: list[dict]) -> dict:
    """Sum the rows that have no listed parent (sub-accounts are already inside their parent)."""
    listed = {r["code"] for r in rows}
    top = []
    for r in rows:
        parent = chart.by_id.get(chart.by_code[r["code"]].parent_id)
        if parent is None or parent.code not in listed:
            top.append(r)
    return {"period": sum(r["period"] for r in top), "ytd": sum(r["ytd"] for r in top)}


def income_expense_table(d: dict):
    from sanwu.core.tables import Column, Table

    cols = [
        Column("kind", "类别"), Column("code", "科目编码"), Column("name", "项目", width=24),
        Column("period", "本期金额", money=True), Column("ytd", "本年累计", money=True),
    ]
    rows = []
    for r in d["income"]:
        rows.append({"kind": "收入", **r})
    rows.append({"kind": "收入", "name": "收入合计", **d["income_total"]})
    for r in d["expense"]:
        rows.append({"kind": "支出", **r})
    rows.append({"kind": "支出", "name": "支出合计", **d["expense_total"]})
    rows.append({"kind": "", "name": "收支相抵", **d["net"]})
    for s in d["sources"]:
        rows.append({"kind": "收入来源", "code": s["source"], "name": s["label"], "period": s["period"], "ytd": s["ytd"]})
    return Table(f"收支明细表 {period_label(d['year'], d['month_from'], d['month_to'])}", cols, rows)


# --- 资产负债表 -------------------------------------------------------------------------------

SHEET_NOTES = {
    "2004": "项目名称依据《村集体经济组织会计制度》（财会〔2004〕12号）；行次参照常用软件的编排。",
    "2023": "《农村集体经济组织会计制度》（财会〔2023〕14号）的报表项目尚未与财政部附录核对，本表项目按目前已知情况列示，行次为本系统编排。",
}


def _sheet_roles(account: Account) -> set[str]:
    """The roles an account answers to on the balance sheet. Income and expense accounts not yet
    closed into 本年收益 hold this year's income so far: they count as 本年收益 (within 未分配收益),
    so the sheet balances at every month end, not only after the year-end closing."""
    roles = account.role_set
    if roles & PNL_ROLES:
        roles = roles | {"current_year_income"}
    return roles


def _role_sum(chart: Chart, signs: dict[str, int], bal: dict[int, int]) -> int:
    total = 0
    for acc in chart.leaves():
        matched = sorted(_sheet_roles(acc) & set(signs))
        if matched:
            total += bal.get(acc.pk, 0) * signs[matched[0]]
    return total


def _sheet_values(chart: Chart, lines: list[tuple], bal: dict[int, int]) -> dict[int, int]:
    values: dict[int, int] = {}
    for row, _, kind, spec in lines:
        if kind == "roles":
            values[row] = _role_sum(chart, spec, bal)
        elif kind == "mixed":
            v = _role_sum(chart, spec.get("roles", {}), bal)
            # Per account: a household's 内部往来 owing the collective is a receivable, one the
            # collective owes is a payable, whatever the parent account's net balance.
            v += sum(max(bal.get(a.pk, 0), 0) for a in chart.leaves_with(spec.get("debit_part", ())))
            v += sum(max(-bal.get(a.pk, 0), 0) for a in chart.leaves_with(spec.get("credit_part", ())))
            values[row] = v
        elif kind == "sum":
            values[row] = sum(values[r] for r in spec)
        elif kind == "diff":
            values[row] = values[spec[0]] - values[spec[1]]
        else:  # pragma: no cover - charts.py data error
            raise ValueError(f"unknown balance-sheet line kind {kind!r}")
    return values


def _sheet_covered_roles(lines: list[tuple]) -> set[str]:
    covered: set[str] = set()
    for _, _, kind, spec in lines:
        if kind == "roles":
            covered |= set(spec)
        elif kind == "mixed":
            covered |= set(spec.get("roles", {})) | set(spec.get("debit_part", ())) | set(spec.get("credit_part", ()))
    return covered


def balance_sheet(book: Book, year: int, month: int) -> dict:
    """资产负债表 at the end of a month: the chart's lines (charts.BALANCE_SHEETS) with 年初数
    (the balances at the start of the year) and 期末数; whether 资产总计 equals 负债和所有者权益总计;
    and any account with a balance that no line takes in (which would explain a difference)."""
    _check_months(year, month)
    chart = Chart(book)
    spec = BALANCE_SHEETS[book.chart]
    lines = spec["assets"] + spec["liabilities"]
    bal = balances(book, (year, 1), (year, month))
    opening = _sheet_values(chart, lines, {k: t[0] for k, t in bal.items()})
    closing = _sheet_values(chart, lines, {k: t[3] for k, t in bal.items()})

    def side(items):
        return [
            {"row": row, "label": label, "kind": kind, "total": kind in ("sum", "diff"), "opening": opening[row], "closing": closing[row]}
            for row, label, kind, _ in items
        ]

    assets, liabilities = side(spec["assets"]), side(spec["liabilities"])
    total_a, total_l = assets[-1], liabilities[-1]
    covered = _sheet_covered_roles(lines)
    uncovered = []
    for acc in chart.leaves():
        t = bal.get(acc.pk)
        if t and (t[0] or t[3]) and not (_sheet_roles(acc) & covered):
            uncovered.append({"code": acc.code, "name": acc.name, "opening": t[0], "closing": t[3]})
    return {
        "book": book, "year": year, "month": month, "date": month_end(year, month),
        "assets": assets, "liabilities": liabilities, "total_assets": total_a, "total_liabilities_equity": total_l,
        "balanced": total_a["opening"] == total_l["opening"] and total_a["closing"] == total_l["closing"],
        "difference": {"opening": total_a["opening"] - total_l["opening"], "closing": total_a["closing"] - total_l["closing"]},
        "uncovered": uncovered, "note": SHEET_NOTES.get(book.chart, ""), "verified": book.chart == "2004",
        "chart_note": CHART_NOTES.get(book.chart, ""),
    }


def balance_sheet_table(bs: dict):
    from sanwu.core.tables import Column, Table

    cols = [
        Column("asset", "资产", width=20), Column("asset_row", "行次", width=6),
        Column("asset_opening", "年初数", money=True), Column("asset_closing", "期末数", money=True),
        Column("liability", "负债和所有者权益", width=22), Column("liability_row", "行次", width=6),
        Column("liability_opening", "年初数", money=True), Column("liability_closing", "期末数", money=True),
    ]
    rows = []
    for i in range(max(len(bs["assets"]), len(bs["liabilities"]))):
        row = {}
        if i < len(bs["assets"]):
            a = bs["assets"][i]
            row.update(asset=a["label"], asset_row=a["row"], asset_opening=a["opening"], asset_closing=a["closing"])
        if i < len(bs["liabilities"]):
            li = bs["liabilities"][i]
            row.update(liability=li["label"], liability_row=li["row"], liability_opening=li["opening"], liability_closing=li["closing"])
        rows.append(row)
    return Table(f"资产负债表 {bs['date']:%Y年%m月%d日}", cols, rows)


# --- 收益及收益分配表 ----------------------------------------------------------------------------


OTHER_IN_ROLES = {"current_year_income", "income_distribution", "undistributed"}


def _business_net(book: Book, year: int, month: int, ids: list[int]) -> dict[int, int]:
    """Account id → the year's net activity (debit − credit) to the end of `month`, without the
    closing vouchers, from the kept totals."""
    out: dict[int, int] = defaultdict(int)
    if not ids:
        return out
    rows = AccountMonth.objects.filter(book=book, year=year, month__lte=month, account_id__in=ids)
    for acc_id, d, c, cd, cc in rows.values_list("account_id", "debit", "credit", "close_debit", "close_credit"):
        out[acc_id] += (d - cd) - (c - cc)
    return out


def _distribution_lines(book: Book, chart: Chart, year: int, month: int) -> dict[int, int]:
    """Row → the year's distributions on that line: each 各项分配 leaf's net debits (a credit back
    corrects a distribution), on the line of its role, else of its name (a book's own
    sub-account named as a standard one), else the "other" line."""
    lines = [(row, label, spec) for row, label, kind, spec in INCOME_STATEMENT[book.chart] if kind == "distribution"]
    std_names = {a.name: set(a.roles) for a in CHARTS[book.chart] if "distribution_items" in a.roles}
    leaves = chart.leaves_with({"distribution_items"})
    net = _business_net(book, year, month, [a.pk for a in leaves])
    out: dict[int, int] = defaultdict(int)
    for acc in leaves:
        roles = acc.role_set | std_names.get(acc.name, set())
        row = next((r for r, _, spec in lines if roles & set(spec)), None)
        if row is None:
            row = next(r for r, _, spec in lines if "other" in spec)
        out[row] += net.get(acc.pk, 0)
    return out


def _statement_values(book: Book, chart: Chart, year: int, month: int, through: int | None = None) -> dict[int, int]:
    """Each line's amount, in the statement's order; `through`: only as far as that row."""
    flows = pnl_flows(book, year, 1, month, chart)
    values: dict[int, int] = {}
    distributed = None
    for row, _, kind, spec in INCOME_STATEMENT[book.chart]:
        if through is not None and values.get(through) is not None:
            break
        if kind == "flow":
            v = 0
            for acc in chart.leaves_with(spec):
                sign = spec[sorted(acc.role_set & set(spec))[0]]
                v += sign * _flow(acc, flows.get(acc.pk, 0))
            values[row] = v
        elif kind == "calc":
            values[row] = sum(coef * values[r] for r, coef in spec.items())
        elif kind == "opening_undistributed":
            # 年初未分配收益, credit-positive: the balance at the start of the year of the accounts
            # that make up 未分配收益 on the balance sheet. After a complete year-end (income closed
            # into 未分配收益, 各项分配 closed too) that is just the `undistributed` accounts; when
            # last year's 各项分配 or income were left unclosed they still belong here, so the
            # statement's 年末未分配收益 always equals the balance sheet's 未分配收益.
            bal = balances(book, (year, 1), (year, 1))
            values[row] = -sum(bal.get(a.pk, [0])[0] for a in chart.leaves() if _sheet_roles(a) & UNDISTRIBUTED_ROLES)
        elif kind == "other_in":
            # 其他转入, credit-positive: what came into 本年收益 and 未分配收益 in the year other than
            # by the closing (e.g. 公积公益金 covering a loss: 借 公积公益金 / 贷 未分配收益).
            ids = [a.pk for a in chart.leaves_with(OTHER_IN_ROLES) if not a.role_set & ({"distribution_items"} | PNL_ROLES)]
            values[row] = -sum(_business_net(book, year, month, ids).values())
        elif kind == "distribution":
            if distributed is None:
                distributed = _distribution_lines(book, chart, year, month)
            values[row] = distributed.get(row, 0)
        else:  # pragma: no cover - charts.py data error
            raise ValueError(f"unknown income-statement line kind {kind!r}")
    return values


def income_statement(book: Book, year: int, month: int = 12, *, with_prior: bool = True) -> dict:
    """收益及收益分配表 for a year (or the year to the end of `month`), lines from
    charts.INCOME_STATEMENT, with the same months of the previous year beside it when the book
    was open then. Income and expense are the activity before the year-end closing."""
    _check_months(year, month)
    chart = Chart(book)
    current = _statement_values(book, chart, year, month)
    prior = _statement_values(book, chart, year - 1, month) if with_prior and book.start_date.year <= year - 1 else None
    rows = [
        {"row": row, "label": label, "kind": kind, "total": kind == "calc", "amount": current[row], "prior": prior[row] if prior else None}
        for row, label, kind, _ in INCOME_STATEMENT[book.chart]
    ]
    return {
        "book": book, "year": year, "month": month, "rows": rows, "has_prior": prior is not None,
        "by_label": {r["label"]: r["amount"] for r in rows},
        "note": SHEET_NOTES.get(book.chart, "") if book.chart != "2004" else "",
    }


def income_statement_line(book: Book, year: int, label: str, month: int = 12) -> int:
    """One line of the 收益及收益分配表 (e.g. 可分配收益), computed only as far as that line."""
    _check_months(year, month)
    row = next(r for r, lab, _, _ in INCOME_STATEMENT[book.chart] if lab == label)
    return _statement_values(book, Chart(book), year, month, through=row)[row]


def income_statement_table(st: dict):
    from sanwu.core.tables import Column, Table

    cols = [Column("label", "项目", width=24), Column("row", "行次", width=6), Column("amount", "本年累计数" if st["month"] < 12 else "本年数", money=True)]
    if st["has_prior"]:
        cols.append(Column("prior", "上年同期数" if st["month"] < 12 else "上年数", money=True))
    title = f"收益及收益分配表 {st['year']}年" + (f"1–{st['month']}月" if st["month"] < 12 else "")
    return Table(title, cols, [dict(r) for r in st["rows"]])


# --- One entry point for the CLI and the API ----------------------------------------------------

REPORT_NAMES = {
    "trial-balance": "科目余额表", "general-ledger": "总账", "account-ledger": "明细账", "cash-journal": "现金日记账",
    "bank-journal": "银行日记账", "income-expense": "收支明细表", "balance-sheet": "资产负债表", "income-statement": "收益及收益分配表",
}


def report_data(book: Book, name: str, *, year: int | None = None, month: int | None = None, month_from: int | None = None,
                date_from: dt.date | None = None, date_to: dt.date | None = None, account: str | None = None) -> dict:
    """Any report above as its plain data, by its name in REPORT_NAMES. `month` is the month to
    report up to (default December); `month_from` starts a month range (default: `month`, or
    January for the income and expense detail); dates bound the ledgers and journals (default:
    the year, from the book's first day when it began that year)."""
    if name not in REPORT_NAMES:
        raise Invalid(Problem(f"未知报表「{name}」（可用：{'、'.join(REPORT_NAMES)}）", field="report"))
    year = year or book.start_date.year
    month = month or 12
    date_to = date_to or dt.date(year, 12, 31)
    if date_from is None:
        date_from = dt.date(year, 1, 1)
        if book.start_date <= date_to:
            date_from = max(date_from, book.start_date)
    if name == "trial-balance":
        _check_months(year, month_from or month, month)
        return trial_balance(book, year, month_from or month, month)
    if name == "general-ledger":
        return general_ledger(book, year, month, account or None)
    if name == "account-ledger":
        if not account:
            raise Invalid(Problem("明细账需要指定科目", field="account"))
        return account_ledger(book, account, date_from, date_to)
    if name in ("cash-journal", "bank-journal"):
        return journal(book, name.split("-")[0], date_from, date_to, account or None)
    if name == "income-expense":
        return income_expense_detail(book, year, month_from or 1, month)
    if name == "balance-sheet":
        return balance_sheet(book, year, month)
    return income_statement(book, year, month)


REPORT_TABLES = {
    "trial-balance": trial_balance_table, "general-ledger": general_ledger_table, "account-ledger": account_ledger_table,
    "cash-journal": journal_table, "bank-journal": journal_table, "income-expense": income_expense_table,
    "balance-sheet": balance_sheet_table, "income-statement": income_statement_table,
}


def report_table(book: Book, name: str, **options):
    """Any report above as a Table, by its name (options as `report_data`)."""
    data = report_data(book, name, **options)
    return REPORT_TABLES[name](data)
