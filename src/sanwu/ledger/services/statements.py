"""The book's reports as they are printed and filed (issue 12 items 2 and 7).

The figures come from `reports`; this module only dresses them, once for the page's PDF, the CLI
and anything else that prints them:

- `official(name, data)`: the head and foot of a printed statement — 表号 (charts.STATEMENT_FORMS),
  编制单位 (the book's name), 金额单位 (元), the period and whether its months are closed
  (已结账 / 结账待审 / 未结账), and who signs (charts.STATEMENT_SIGNERS);
- `pdf_context(name, data)` and `render_pdf(name, data)`: the PDF through the templates the
  report pages use (`PDF_TEMPLATES`);
- `document(name, data)`: the JSON of a statement or a book, `{"book", "period", "lines"}` with
  amounts in integer fen (README, CLI section);
- `table(name, data)`: the report's Table (the same `reports.*_table` the page's Excel uses).

`name` is a key of `reports.REPORT_NAMES` (`balance-sheet`, `cash-journal`, …); `data` is what the
`reports` function of that name returned.
"""

import datetime as dt

from sanwu.core.dates import today
from sanwu.core.money import format_yuan
from sanwu.core.pdf import render_pdf as _render_pdf

from ..charts import CHART_VERSIONS, STATEMENT_FORMS, STATEMENT_SIGNERS
from ..models import Book, Period
from . import reports

PDF_TEMPLATES = {
    "trial-balance": "ledger/pdf/trial_balance.html",
    "general-ledger": "ledger/pdf/general_ledger.html",
    "account-ledger": "ledger/pdf/account_ledger.html",
    "cash-journal": "ledger/pdf/journal.html",
    "bank-journal": "ledger/pdf/journal.html",
    "income-expense": "ledger/pdf/income_expense.html",
    "balance-sheet": "ledger/pdf/balance_sheet.html",
    "income-statement": "ledger/pdf/income_statement.html",
}
# The statements (表号 at the top, signed by the collective's officers at the foot); the books —
# ledgers and journals — carry the head without either.
SIGNED = {"trial-balance", "income-expense", "balance-sheet", "income-statement"}
FORM_KEYS = {"balance-sheet": "balance_sheet", "income-statement": "income_statement"}

# Keys whose integer values are fen (wrapped for display; everything else is left alone).
MONEY_KEYS = {
    "opening", "closing", "debit", "credit", "balance", "period", "ytd", "amount", "prior",
    "opening_debit", "opening_credit", "closing_debit", "closing_credit",
    "statement", "book_balance", "difference",
}


class Yuan:
    """An amount in fen as pages print it: `{{ v }}` → 1,234.56; `.nz` blank for zero; `.neg`
    for marking red-ink amounts; `.side`/`.abs` for a balance with its direction (借/贷/平)."""

    __slots__ = ("fen",)

    def __init__(self, fen: int):
        self.fen = int(fen)

    def __str__(self) -> str:
        return format_yuan(self.fen)

    def __bool__(self) -> bool:
        return self.fen != 0

    @property
    def neg(self) -> bool:
        return self.fen < 0

    @property
    def nz(self) -> str:
        return format_yuan(self.fen) if self.fen else ""

    @property
    def side(self) -> str:
        return reports.direction(self.fen)[0]

    @property
    def abs(self) -> str:
        return format_yuan(abs(self.fen))


def display(obj, key: str | None = None):
    """A copy of a report's plain data with the amounts wrapped in `Yuan`."""
    if isinstance(obj, dict):
        return {k: display(v, k) for k, v in obj.items()}
    if isinstance(obj, list):
        return [display(v, key) for v in obj]
    if key in MONEY_KEYS and isinstance(obj, int) and not isinstance(obj, bool):
        return Yuan(obj)
    return obj


# --- The period a report covers -----------------------------------------------------------------


def span(name: str, data: dict) -> tuple[dt.date, dt.date]:
    """The first and last day the report covers (a balance sheet: from the start of its year)."""
    if "date_from" in data:
        return data["date_from"], data["date_to"]
    year = data["year"]
    first = data.get("month_from", 1)
    last = data.get("month_to", data.get("month", 12))
    return dt.date(year, first, 1), reports.month_end(year, last)


def period_label(name: str, data: dict) -> str:
    """The period as the printed report names it."""
    if "date_from" in data:
        return f"{data['date_from']:%Y-%m-%d} 至 {data['date_to']:%Y-%m-%d}"
    year = data["year"]
    if name == "balance-sheet":
        d = data["date"]
        return f"{d.year}年{d.month}月{d.day}日"
    if "month_from" in data:
        return reports.period_label(year, data["month_from"], data["month_to"])
    last = data.get("month_to", data.get("month", 12))
    return f"{year}年" + (f"1–{last}月" if last < 12 else "")


CLOSE_ORDER = ["open", "audit_hold", "closed"]


def close_state(book: Book, first: dt.date, last: dt.date) -> str:
    """The least-closed state among the book's months first..last (those since the book
    started): `closed` only when every one of them is closed."""
    start = (book.start_date.year, book.start_date.month)
    lo = max((first.year, first.month), start)
    hi = (last.year, last.month)
    if lo > hi:
        return "open"
    statuses = {
        (y, m): s for y, m, s in Period.objects.filter(book=book, year__gte=lo[0], year__lte=hi[0]).values_list("year", "month", "status")
    }
    state = "closed"
    y, m = lo
    while (y, m) <= hi:
        s = statuses.get((y, m), "open")
        if CLOSE_ORDER.index(s) < CLOSE_ORDER.index(state):
            state = s
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return state


def official(name: str, data: dict) -> dict:
    """The printed statement's head and foot (issue 12 item 7)."""
    book = data["book"]
    number, verified, _ = STATEMENT_FORMS.get(book.chart, {}).get(FORM_KEYS.get(name, ""), ("", False, ""))
    state = close_state(book, *span(name, data))
    return {
        "title": reports.REPORT_NAMES[name] if name not in ("cash-journal", "bank-journal") else data["title"],
        "number": number, "number_verified": verified, "maker": book.name, "unit": "元",
        "period": period_label(name, data), "state": state, "state_label": dict(Period.STATUSES)[state],
        "statement": name in SIGNED, "signers": STATEMENT_SIGNERS if name in SIGNED else (),
    }


# --- PDF ----------------------------------------------------------------------------------------


def pdf_context(name: str, data: dict, printed: dt.date | None = None) -> dict:
    """What the report's PDF template reads: the figures wrapped for display, the head and foot."""
    book = data["book"]
    shown = display(data)
    ctx = {
        "book": book, "chart_label": CHART_VERSIONS.get(book.chart, book.chart), "printed": printed or today(),
        "official": official(name, data), "period": period_label(name, data),
    }
    if name == "trial-balance":
        ctx.update(tb=shown)
    elif name == "general-ledger":
        ctx.update(gl=shown, year=data["year"], month=data["month_to"])
    elif name == "account-ledger":
        ctx.update(led=shown, date_from=data["date_from"], date_to=data["date_to"], show_account=not data["is_leaf"])
    elif name in ("cash-journal", "bank-journal"):
        ctx.update(j=shown, account=data["account"], date_from=data["date_from"], date_to=data["date_to"], show_account=len(data["accounts"]) > 1)
    elif name == "income-expense":
        ctx.update(d=shown)
    elif name == "balance-sheet":
        ctx.update(bs=shown, pairs=display(sheet_pairs(data)))
    elif name == "income-statement":
        ctx.update(st=shown, year=data["year"], month=data["month"])
    else:  # pragma: no cover - a name outside PDF_TEMPLATES
        raise ValueError(f"unknown report {name!r}")
    return ctx


def sheet_pairs(bs: dict) -> list[dict]:
    """The balance sheet's two sides line beside line, as it is printed: `{"a": asset line,
    "l": liability or equity line}`, None where one side has run out."""
    a, li = bs["assets"], bs["liabilities"]
    return [{"a": a[i] if i < len(a) else None, "l": li[i] if i < len(li) else None} for i in range(max(len(a), len(li)))]


def render_pdf(name: str, data: dict, **options) -> bytes:
    return _render_pdf(PDF_TEMPLATES[name], pdf_context(name, data), **options)


# --- Tables and JSON ----------------------------------------------------------------------------

def table(name: str, data: dict):
    """The report's Table: the one its page's Excel and CSV download."""
    return reports.REPORT_TABLES[name](data)


def _line(kind: str, date, summary: str, debit: int, credit: int, balance: int, *, voucher=None, code=None, account=None, counterparty=None) -> dict:
    """One line of a book (ledger or journal) in the JSON: `balance_fen` debit-positive, with the
    direction the printed book shows beside it."""
    return {
        "kind": kind, "date": date.isoformat() if date else None, "voucher": voucher, "code": code, "account": account,
        "summary": summary, "counterparty": counterparty, "debit_fen": debit, "credit_fen": credit,
        "balance_fen": balance, "direction": reports.direction(balance)[0],
    }


def _entry_lines(rows: list[dict]) -> list[dict]:
    return [
        _line("entry", r["date"], r["summary"], r["debit"], r["credit"], r["balance"], voucher=r["voucher"],
              code=r["account_code"], account=r["account_name"], counterparty=r["counterparty"] or None)
        for r in rows
    ]


def _lines(name: str, data: dict) -> list[dict]:
    if name == "balance-sheet":
        return [
            {"name": r["label"], "line_no": r["row"], "code": None, "side": side, "total": r["total"], "begin_fen": r["opening"], "end_fen": r["closing"]}
            for side, rows in (("assets", data["assets"]), ("liabilities_equity", data["liabilities"]))
            for r in rows
        ]
    if name == "income-statement":
        # Whatever lines the statement has (the distribution section's among them), as they come.
        return [
            {"name": r["label"], "line_no": r.get("row"), "code": r.get("code") or None, "total": bool(r.get("total")),
             "amount_fen": r["amount"], "last_year_fen": r.get("prior")}
            for r in data["rows"]
        ]
    if name == "general-ledger":
        out = []
        year, last = data["year"], data["month_to"]
        for a in data["accounts"]:
            acc = {"code": a["code"], "account": a["name"]}
            out.append(_line("opening", dt.date(year, 1, 1), "年初余额", 0, 0, a["opening"], **acc))
            for m in a["months"]:
                out.append(_line("month_total", reports.month_end(year, m["month"]), "本月合计", m["debit"], m["credit"], m["balance"], **acc))
            out.append(_line("year_total", reports.month_end(year, last), "本年累计", a["debit"], a["credit"], a["closing"], **acc))
        return out
    if name == "account-ledger":
        acc = {"code": data["code"], "account": data["name"]}
        return [
            _line("opening", data["date_from"], "期初余额", 0, 0, data["opening"], **acc),
            *_entry_lines(data["rows"]),
            _line("total", data["date_to"], "本期合计", data["debit"], data["credit"], data["closing"], **acc),
        ]
    if name in ("cash-journal", "bank-journal"):
        out = [_line("opening", data["date_from"], "期初余额", 0, 0, data["opening"])]
        for day in data["days"]:
            out.extend(_entry_lines(day["rows"]))
            out.append(_line("day_total", day["date"], "本日合计", day["debit"], day["credit"], day["balance"]))
        out.append(_line("total", data["date_to"], "本期合计", data["debit"], data["credit"], data["closing"]))
        return out
    raise ValueError(f"report {name!r} has no JSON document")  # pragma: no cover


DOCUMENTS = ("balance-sheet", "income-statement", "general-ledger", "account-ledger", "cash-journal", "bank-journal")


def document(name: str, data: dict) -> dict:
    """The JSON of a statement or a book: `{"book", "period", "lines"}` (README, CLI section)."""
    book = data["book"]
    first, last = span(name, data)
    state = close_state(book, first, last)
    return {
        "book": {"code": book.code, "name": book.name, "chart": book.chart},
        "period": {"label": period_label(name, data), "from": first.isoformat(), "to": last.isoformat(),
                   "state": state, "state_label": dict(Period.STATUSES)[state], "closed": state == "closed"},
        "lines": _lines(name, data),
    }
