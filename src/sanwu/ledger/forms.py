"""Forms of the book and voucher pages. They only read what the user typed (yuan text → fen
through `parse_yuan`) into `services.VoucherDraft`/`EntryDraft`; every rule lives in services."""

import datetime as dt

from django import forms

from sanwu.core import uploads
from sanwu.core.money import MoneyError, format_yuan, parse_yuan

from .charts import SETTLEMENTS, SOURCES
from .models import Voucher
from .services import EntryDraft, VoucherDraft

ENTRY_FIELDS = ("account", "entry_summary", "debit", "credit", "counterparty", "counterparty_kind", "settlement", "source")


class VoucherForm(forms.Form):
    """The head of a 记账凭证; its entries come as parallel lists (see `parse_entries`), its
    receipts as files (`receipts`): the attachment count is the number of files."""

    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    summary = forms.CharField(label="摘要", max_length=200)


def receipts_of(files) -> list[tuple[str, bytes]]:
    """The receipts chosen in the voucher form (camera or files): (name, bytes), each read to
    one byte past the limit so that the upload check can refuse a larger file."""
    return [(f.name, f.read(uploads.MAX_BYTES + 1)) for f in files.getlist("receipts")]


def _amount(text: str, label: str, line: int, problems: list[str]) -> int:
    text = (text or "").strip()
    if not text:
        return 0
    try:
        return parse_yuan(text)
    except MoneyError as exc:
        # "金额「x」不是数字" under the label 借方金额 reads "借方金额「x」不是数字": the word once
        problems.append(f"第{line}行分录：{label}{str(exc).removeprefix('金额')}")
        return 0


def entry_rows(data) -> list[dict]:
    """The entry rows as typed (blank rows dropped), for redisplaying the form."""
    columns = {f: data.getlist(f) for f in ENTRY_FIELDS}
    n = max((len(v) for v in columns.values()), default=0)
    rows = []
    for i in range(n):
        row = {f: (columns[f][i] if i < len(columns[f]) else "").strip() for f in ENTRY_FIELDS}
        if any(row[f] for f in ("account", "entry_summary", "debit", "credit", "counterparty")):
            rows.append(row)
    return rows


def parse_entries(rows: list[dict]) -> tuple[list[EntryDraft], list[str]]:
    """Rows → entry drafts (line numbers 1.. in `row`), and the problems reading the amounts."""
    problems: list[str] = []
    entries = []
    for line, row in enumerate(rows, start=1):
        entries.append(
            EntryDraft(
                account=row["account"],
                debit=_amount(row["debit"], "借方金额", line, problems),
                credit=_amount(row["credit"], "贷方金额", line, problems),
                summary=row["entry_summary"],
                counterparty=row["counterparty"][:100],
                counterparty_kind=row["counterparty_kind"],  # checked by the one validator
                settlement=row["settlement"] if row["settlement"] in SETTLEMENTS else "",
                source=row["source"] if row["source"] in SOURCES else "",
                row=line,
            )
        )
    return entries, problems


def voucher_draft(form: VoucherForm, entries: list[EntryDraft]) -> VoucherDraft:
    d = form.cleaned_data
    return VoucherDraft(date=d["date"], summary=d["summary"], entries=entries, attachment_count=None)


def typed_row(account: str, debit: int, credit: int, summary: str, counterparty: str, kind: str, settlement: str, source: str) -> dict:
    """One entry in the shape of a typed row (yuan text, no grouping)."""
    return {
        "account": account, "entry_summary": summary,
        "debit": format_yuan(debit, grouping=False) if debit else "",
        "credit": format_yuan(credit, grouping=False) if credit else "",
        "counterparty": counterparty, "counterparty_kind": kind, "settlement": settlement, "source": source,
    }


def rows_of_voucher(voucher: Voucher) -> list[dict]:
    """A saved voucher's entries as typed rows (to edit it, or to copy it into a new one)."""
    return [
        typed_row(e.account.code, e.debit, e.credit, "" if e.summary == voucher.summary else e.summary, e.counterparty, e.counterparty_kind, e.settlement, e.source)
        for e in voucher.entries.select_related("account").order_by("line")
    ]


def rows_of_template(template) -> list[dict]:
    return [
        typed_row(e.get("account", ""), e.get("debit", 0), e.get("credit", 0), e.get("summary", ""), e.get("counterparty", ""),
                  e.get("counterparty_kind", ""), e.get("settlement", ""), e.get("source", ""))
        for e in template.entries
    ]


class TemplateForm(forms.Form):
    name = forms.CharField(label="模板名称", max_length=40)


class VoucherFilterForm(forms.Form):
    STATUS_CHOICES = [("", "全部状态"), *Voucher.STATUSES]

    status = forms.ChoiceField(label="状态", choices=STATUS_CHOICES, required=False)
    month = forms.CharField(label="月份", required=False, widget=forms.DateInput(attrs={"type": "month"}))
    q = forms.CharField(label="摘要或往来单位", required=False, max_length=100)
    amount = forms.CharField(label="金额（元）", required=False, max_length=20)

    def clean_month(self):
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        try:
            y, m = (int(x) for x in text.split("-"))
            dt.date(y, m, 1)
        except ValueError:
            raise forms.ValidationError("月份格式应为 2025-03") from None
        return (y, m)

    def clean_amount(self):
        text = (self.cleaned_data.get("amount") or "").strip()
        if not text:
            return None
        try:
            return parse_yuan(text)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from None


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200)


class SubAccountForm(forms.Form):
    parent = forms.ChoiceField(label="上级科目")
    code = forms.CharField(label="明细科目编码", max_length=20)
    name = forms.CharField(label="明细科目名称", max_length=100)
    default_source = forms.ChoiceField(label="默认收入来源（收入类科目）", choices=[("", "—"), *SOURCES.items()], required=False)

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [(a.code, f"{a.code} {a.name}") for a in accounts]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="原始凭证（JPEG、PNG 或 PDF，不超过 10 MB）",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


DIRECTIONS = {"debit": "借", "credit": "贷"}


def parse_opening(data, accounts) -> tuple[dict[str, int], list[str]]:
    """Opening balances typed as a positive amount plus a 借/贷 direction → debit-positive fen."""
    balances: dict[str, int] = {}
    problems: list[str] = []
    for a in accounts:
        text = (data.get(f"amount_{a.code}") or "").strip()
        if not text:
            balances[a.code] = 0
            continue
        try:
            fen = parse_yuan(text)
        except MoneyError as exc:
            problems.append(f"科目「{a.code} {a.name}」：{exc}")
            continue
        direction = data.get(f"side_{a.code}")
        if direction not in DIRECTIONS:
            direction = "credit" if a.side == "credit" else "debit"
        balances[a.code] = fen if direction == "debit" else -fen
    return balances, problems
