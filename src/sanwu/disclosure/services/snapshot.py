"""A disclosure's figures, prepared from the books (kept totals and the period's posted vouchers).

`build(book, year, month_from, month_to, names)` returns the snapshot exactly as it will be
frozen: plain JSON, money in integer fen, free text scrubbed for the public. `figures(snapshot)`
picks out what must stay equal to the books — every amount, every voucher's date, number and
amount — so that `services.check_disclosure` can recompute and compare, whatever the person
register or the masking rules have become since.

Accounts are found by role, never by code.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import F, Q

from sanwu.core.masking import Names, scrub
from sanwu.ledger.services import reports
from sanwu.ledger.charts import EXPENSE_ROLES, INCOME_ROLES, ROLE_LABELS, SOURCES
from sanwu.ledger.models import AccountMonth, Book, Entry, Voucher
from sanwu.regions.services import registered_names

from .. import hooks
from .scrub import people_named, public_party

VERSION = 1

# Each role in plain words for a villager (issue 4: no jargon without an explanation).
PLAIN = {
    "operating_income": "村集体自己挣的钱，如出租、光伏发电、卖产品、提供服务",
    "contracting_income": "把集体的田地、山场、水面等包给别人所收的钱",
    "investment_income": "村集体投资入股分到的钱",
    "subsidy_income": "上级政府拨给村里的钱",
    "tax_refund_income": "上级返还给村里的税费",
    "other_income": "以上之外收到的钱，如存款利息、捐款",
    "operating_expense": "为挣钱而花的成本",
    "tax_surcharge": "缴纳的税费",
    "management_expense": "村里日常办公、村干部报酬等开支",
    "welfare_expense": "修路、保洁、照明等为大家办事花的钱",
    "other_expense": "以上之外花的钱",
    "income_tax": "缴纳的所得税",
}
SOURCE_PLAIN = {
    "pv": "光伏电站发电卖电的钱",
    "rent": "出租房屋、土地、厂房收的租金",
    "contracting": "发包田地、山场收的承包费",
    "service": "为别人提供服务收的钱",
    "sales": "卖农产品等收的钱",
    "investment": "投资分红",
    "subsidy": "上级补助",
    "other": "以上之外的来源",
    "": "记账时没有注明来源",
}
INCOME_ORDER = ["operating_income", "contracting_income", "investment_income", "subsidy_income", "tax_refund_income", "other_income"]
EXPENSE_ORDER = ["operating_expense", "management_expense", "welfare_expense", "tax_surcharge", "income_tax", "other_expense"]

# Balances villagers ask about: (key, label, plain words, roles with sign, internal part).
BALANCE_LINES = [
    ("cash", "库存现金", "村里手头的现金", {"cash": 1}, None),
    ("bank", "银行存款", "存在银行里的钱", {"bank": 1}, None),
    ("receivable", "应收款", "别人欠村集体、还没收回的钱", {"receivable": 1}, "debit"),
    (
        "payable", "应付款", "村集体欠别人、还没付的钱",
        {"payable": -1, "wages_payable": -1, "labour_payable": -1, "welfare_payable": -1, "taxes_payable": -1}, "credit",
    ),
    ("loans", "借款", "村集体向银行等借的、还没还的钱", {"short_term_loan": -1, "long_term_loan": -1}, None),
]
KIND_LABELS = {"income": "收入", "expense": "支出", "other": "往来"}


def period_dates(year: int, month_from: int, month_to: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month_from, 1), reports.month_end(year, month_to)


def _pnl_role(account) -> str | None:
    roles = sorted(account.role_set & (INCOME_ROLES | EXPENSE_ROLES))
    return roles[0] if roles else None


def _role_flows(book: Book, chart: reports.Chart, year: int, month_from: int, month_to: int) -> dict[str, int]:
    """Income (credit-positive) and expense (debit-positive) per role, closing vouchers left out."""
    out: dict[str, int] = defaultdict(int)
    if year < 1:
        return out
    for acc_id, net in reports.pnl_flows(book, year, month_from, month_to, chart).items():
        acc = chart.by_id[acc_id]
        role = _pnl_role(acc)
        if role:
            out[role] += -net if role in INCOME_ROLES else net
    return out


def _source_flows(book: Book, chart: reports.Chart, year: int, month_from: int, month_to: int) -> dict[str, int]:
    return defaultdict(int, reports.source_flows(book, year, month_from, month_to, chart))


def _balance_values(chart: reports.Chart, bal: dict[int, int]) -> dict[str, int]:
    out = {}
    for key, _, _, roles, internal in BALANCE_LINES:
        v = 0
        for acc in chart.leaves():
            matched = sorted(acc.role_set & set(roles))
            if matched:
                v += bal.get(acc.pk, 0) * roles[matched[0]]
        if internal:
            for acc in chart.leaves_with({"internal"}):
                b = bal.get(acc.pk, 0)
                v += max(b, 0) if internal == "debit" else max(-b, 0)
        out[key] = v
    return out


def _items(book: Book, chart: reports.Chart, year: int, month_from: int, month_to: int, names: Names) -> list[dict]:
    """Each posted voucher of the period (not the year-end closing): what came in, what went out,
    or a movement between accounts (往来: cash to bank, a debt paid back)."""
    vouchers = {
        v["id"]: v
        for v in Voucher.objects.filter(book=book, status="posted", kind="normal", year=year, month__gte=month_from, month__lte=month_to)
        .values("id", "date", "year", "month", "number", "summary", "total")
    }
    parts: dict[int, dict] = defaultdict(lambda: {"income": 0, "expense": 0, "parties": []})
    rows = Entry.objects.filter(voucher_id__in=list(vouchers)).order_by("voucher_id", "line").values_list("voucher_id", "account_id", "debit", "credit", "counterparty", "counterparty_kind")
    for vid, acc_id, debit, credit, party, party_kind in rows:
        p = parts[vid]
        acc = chart.by_id.get(acc_id)
        role = _pnl_role(acc) if acc is not None else None
        if role in INCOME_ROLES:
            p["income"] += credit - debit
        elif role in EXPENSE_ROLES:
            p["expense"] += debit - credit
        party = (party or "").strip()
        if party and (party, party_kind) not in p["parties"]:
            p["parties"].append((party, party_kind))
    out = []
    for v in sorted(vouchers.values(), key=lambda v: (v["year"], v["month"], v["number"] or 0, v["id"])):
        p = parts[v["id"]]
        if p["income"] and not p["expense"]:
            kind, amount = "income", p["income"]
        elif p["expense"] and not p["income"]:
            kind, amount = "expense", p["expense"]
        elif p["income"] or p["expense"]:
            kind, amount = ("income", p["income"] - p["expense"]) if p["income"] >= p["expense"] else ("expense", p["expense"] - p["income"])
        else:
            kind, amount = "other", v["total"]
        parties = [public_party(x, names, kind=k) for x, k in p["parties"]]
        # A person named as counterparty (or by role inside one: 负责人王小明) is masked in the
        # voucher's summary too, registered or not.
        people = people_named(p["parties"])
        out.append({
            "date": v["date"].isoformat(),
            "no": f"{Voucher.WORD}-{v['number']:04d}" if v["number"] else "",
            "month": v["month"],
            "summary": people.mask(scrub(v["summary"], names)),
            "kind": kind,
            "amount": amount,
            "counterparty": "、".join(x for x in parties if x),
        })
    return out


def _flow_lines(order, labels, plain, cur, ytd, last, last_ytd, keep_all=False):
    lines = []
    for key in order:
        values = {"period": cur.get(key, 0), "ytd": ytd.get(key, 0), "last_period": last.get(key, 0), "last_ytd": last_ytd.get(key, 0)}
        if keep_all or any(values.values()):
            lines.append({"key": key, "label": labels[key], "plain": plain.get(key, ""), **values})
    return lines


def _total(lines) -> dict:
    return {k: sum(line[k] for line in lines) for k in ("period", "ytd", "last_period", "last_ytd")}


def build(book: Book, year: int, month_from: int, month_to: int, names: Names | None = None, *, village=None) -> dict:
    """The snapshot of one period, as villagers will see it."""
    names = names if names is not None else registered_names(book.region_id)
    village = village or book.region
    chart = reports.Chart(book)
    start, end = period_dates(year, month_from, month_to)
    has_last = book.start_date <= dt.date(year - 1, month_from, 1)
    ly = year - 1 if has_last else 0

    flows = {
        "period": _role_flows(book, chart, year, month_from, month_to),
        "ytd": _role_flows(book, chart, year, 1, month_to),
        "last_period": _role_flows(book, chart, ly, month_from, month_to),
        "last_ytd": _role_flows(book, chart, ly, 1, month_to),
    }
    income = _flow_lines(INCOME_ORDER, ROLE_LABELS, PLAIN, *flows.values(), keep_all=False)
    expense = _flow_lines(EXPENSE_ORDER, ROLE_LABELS, PLAIN, *flows.values(), keep_all=False)
    income_total, expense_total = _total(income), _total(expense)

    src = {
        "period": _source_flows(book, chart, year, month_from, month_to),
        "ytd": _source_flows(book, chart, year, 1, month_to),
        "last_period": _source_flows(book, chart, ly, month_from, month_to) if ly else {},
        "last_ytd": _source_flows(book, chart, ly, 1, month_to) if ly else {},
    }
    sources = _flow_lines(list(SOURCES), SOURCES, SOURCE_PLAIN, *src.values())
    untagged = {k: income_total[k] - sum(s[k] for s in sources) for k in ("period", "ytd", "last_period", "last_ytd")}
    if any(untagged.values()):
        sources.append({"key": "", "label": "未注明来源", "plain": SOURCE_PLAIN[""], **untagged})

    now = reports.balances(book, (year, month_from), (year, month_to))
    opening = _balance_values(chart, {k: t[0] for k, t in now.items()})
    closing = _balance_values(chart, {k: t[3] for k, t in now.items()})
    if has_last:
        before = reports.balances(book, (year - 1, month_from), (year - 1, month_to))
        last_closing = _balance_values(chart, {k: t[3] for k, t in before.items()})
    else:
        last_closing = {k: 0 for k in closing}
    balances = [
        {"key": key, "label": label, "plain": plain, "opening": opening[key], "closing": closing[key], "last_closing": last_closing[key]}
        for key, label, plain, _, _ in BALANCE_LINES
    ]

    items = _items(book, chart, year, month_from, month_to, names)
    kind = "month" if month_from == month_to else "quarter"
    township = village.parent
    return {
        "version": VERSION,
        "village": {"code": village.code, "name": village.name, "township": township.name if township else ""},
        "book": {"code": book.code, "name": scrub(book.name, names), "chart": book.chart},
        "period": {
            "kind": kind, "year": year, "month_from": month_from, "month_to": month_to,
            "label": reports.period_label(year, month_from, month_to) if kind == "month" else f"{year}年第{'一二三四'[(month_to - 1) // 3]}季度（{month_from}—{month_to}月）",
            "start": start.isoformat(), "end": end.isoformat(),
        },
        "has_last_year": has_last,
        "income": income,
        "income_total": income_total,
        "sources": sources,
        "expense": expense,
        "expense_total": expense_total,
        "net": {k: income_total[k] - expense_total[k] for k in income_total},
        "balances": balances,
        "items": items,
        "item_counts": {k: sum(1 for i in items if i["kind"] == k) for k in KIND_LABELS},
        **hooks.build_sections(book, year, month_from, month_to),
    }


def figures(snap: dict) -> dict:
    """What must stay equal to the books: every amount and every voucher's date, number, kind
    and amount (not the wording, which depends on masking)."""
    flows = ("period", "ytd", "last_period", "last_ytd")

    def lines(key, cols):
        return sorted((line["key"], *[line[c] for c in cols]) for line in snap.get(key, []) if any(line[c] for c in cols))

    return {
        "has_last_year": snap.get("has_last_year"),
        "income": lines("income", flows),
        "expense": lines("expense", flows),
        "sources": lines("sources", flows),
        "balances": lines("balances", ("opening", "closing", "last_closing")),
        "items": [(i["date"], i["no"], i["kind"], i["amount"]) for i in snap.get("items", [])],
        "sections": hooks.section_figures(snap),
    }


def differences(frozen: dict, now: dict) -> list[str]:
    """In Chinese: which of the frozen figures the books no longer give."""
    a, b = figures(frozen), figures(now)
    out = []
    names = {"income": "收入", "expense": "支出", "sources": "收入来源", "balances": "余额"}
    for key, label in names.items():
        if a[key] != b[key]:
            out.append(f"{label}数字不同")
    for key, label in hooks.section_labels().items():
        if key in a["sections"] and a["sections"][key] != b["sections"].get(key):
            out.append(f"{label}数字不同")
    if a["items"] != b["items"]:
        gone = set(a["items"]) - set(b["items"])
        new = set(b["items"]) - set(a["items"])
        if gone:
            out.append(f"公开的 {len(gone)} 笔收支在账簿中已不存在或金额不同")
        if new:
            out.append(f"账簿中本期有 {len(new)} 笔收支与公开时不同或为公开后补记")
    if a["has_last_year"] != b["has_last_year"]:
        out.append("上年同期对比不同")
    return out


def activity_months(book_ids, months: list[tuple[int, int]]) -> set[tuple[int, int, int]]:
    """(book id, year, month) for the months in which a book has ordinary (non-closing)
    posted activity, from the kept totals (one grouped query)."""
    if not months:
        return set()
    wanted = set(months)
    first, last = min(months), max(months)
    qs = AccountMonth.objects.filter(Q(year__gt=first[0]) | Q(year=first[0], month__gte=first[1])).filter(
        Q(year__lt=last[0]) | Q(year=last[0], month__lte=last[1])
    )
    if book_ids is not None:
        qs = qs.filter(book_id__in=list(book_ids))
    qs = qs.filter(~Q(debit=F("close_debit")) | ~Q(credit=F("close_credit")))
    rows = qs.values_list("book_id", "year", "month").distinct().order_by()
    return {(b, y, m) for b, y, m in rows.iterator() if (y, m) in wanted}
