"""Forms of the oversight pages: they read what was typed (yuan text → fen through `parse_yuan`)
into the services' filters and calls; every rule lives in services and rules."""

from django import forms

from sanwu.core.money import MoneyError, format_yuan, parse_yuan
from sanwu.ledger.charts import ROLE_LABELS, SETTLEMENTS

from .models import SEVERITIES, STATUSES
from .rules import RULES, Params
from .services import FeedFilter, WarningFilter

ACCOUNT_ROLE_CHOICES = [
    ("cash", "库存现金"), ("bank", "银行存款"),
    ("operating_expense", "经营支出"), ("management_expense", "管理费用"), ("welfare_expense", "公益支出"),
    ("other_expense", "其他支出"), ("payable", "应付款"), ("receivable", "应收款"), ("fixed_asset", "固定资产"),
    ("construction_in_progress", "在建工程"), ("operating_income", "经营收入"), ("subsidy_income", "补助收入"),
]

ROLE_BY_LABEL = {label: role for role, label in ROLE_LABELS.items()}


def _yuan_or_none(text: str, label: str = ""):
    """Fen from yuan text (None when empty). `label` starts the message for a form whose errors
    are shown without their field's label (the feed's filters)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        fen = parse_yuan(text)
    except MoneyError as exc:
        raise forms.ValidationError(f"{label}：{exc}" if label else str(exc)) from None
    if fen < 0:
        raise forms.ValidationError(f"{label}不能为负数" if label else "不能为负数")
    return fen


class FeedFilterForm(forms.Form):
    township = forms.CharField(required=False, max_length=12)
    village = forms.CharField(required=False, max_length=12)
    min = forms.CharField(required=False, max_length=20)
    max = forms.CharField(required=False, max_length=20)
    settlement = forms.ChoiceField(required=False, choices=[("", "全部"), *SETTLEMENTS.items()])
    account = forms.CharField(required=False, max_length=40)
    flagged = forms.BooleanField(required=False)
    severity = forms.ChoiceField(required=False, choices=[("", "全部"), *SEVERITIES])

    def clean_min(self):
        return _yuan_or_none(self.cleaned_data.get("min"), "最低金额")

    def clean_max(self):
        return _yuan_or_none(self.cleaned_data.get("max"), "最高金额")

    def clean_account(self):
        value = (self.cleaned_data.get("account") or "").strip()
        value = ROLE_BY_LABEL.get(value, value)  # 库存现金, as the picker offers it, is the role cash
        if value and value not in ROLE_LABELS and not value.isdigit():
            raise forms.ValidationError("科目应为科目编码（如 101、513）或科目用途（如 库存现金）")
        return value

    def filter(self) -> FeedFilter:
        d = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return FeedFilter(
            township=d.get("township") or "", village=d.get("village") or "", min_amount=d.get("min"),
            max_amount=d.get("max"), settlement=d.get("settlement") or "", account=d.get("account") or "",
            flagged=bool(d.get("flagged")), severity=d.get("severity") or "",
        )


class WarningFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "全部状态"), ("active", "未办结"), *STATUSES])
    rule = forms.ChoiceField(required=False, choices=[("", "全部规则"), *((r.code, r.label) for r in RULES.values())])
    severity = forms.ChoiceField(required=False, choices=[("", "全部"), *SEVERITIES])
    region = forms.CharField(required=False, max_length=15)
    overdue = forms.BooleanField(required=False)
    q = forms.CharField(required=False, max_length=50)

    def filter(self) -> WarningFilter:
        d = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = d.get("status") or ""
        return WarningFilter(
            status="" if status == "active" else status, active=status == "active", rule=d.get("rule") or "",
            severity=d.get("severity") or "", region=(d.get("region") or "").strip(), overdue=bool(d.get("overdue")),
            q=(d.get("q") or "").strip(),
        )


class ExplainForm(forms.Form):
    text = forms.CharField(label="情况说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SettingsForm(forms.Form):
    """A county's parameters; money in yuan on the page, fen in the service."""

    cash_limit = forms.CharField(label="现金支付限额（元）", max_length=20)
    large_amount = forms.CharField(label="须经“四议两公开”的支出（元）", max_length=20)
    duplicate_days = forms.IntegerField(label="重复支付比对天数", min_value=1, max_value=366)
    round_min = forms.CharField(label="大额整数支付起点（元）", max_length=20)
    round_unit = forms.CharField(label="整数单位（元）", max_length=20)
    close_day = forms.IntegerField(label="次月结账截止日", min_value=1, max_value=28)
    response_days = forms.IntegerField(label="预警说明期限（天）", min_value=1, max_value=365)
    enabled = forms.MultipleChoiceField(
        label="启用的规则", required=False, choices=[(r.code, r.label) for r in RULES.values()], widget=forms.CheckboxSelectMultiple
    )

    MONEY = ("cash_limit", "large_amount", "round_min", "round_unit")

    def clean(self):
        d = super().clean()
        for name in self.MONEY:
            if name in d:
                try:
                    d[name] = _yuan_or_none(d[name])
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return d

    @classmethod
    def initial_of(cls, p: Params) -> dict:
        return {
            "cash_limit": format_yuan(p.cash_limit, grouping=False), "large_amount": format_yuan(p.large_amount, grouping=False),
            "duplicate_days": p.duplicate_days, "round_min": format_yuan(p.round_min, grouping=False),
            "round_unit": format_yuan(p.round_unit, grouping=False), "close_day": p.close_day, "response_days": p.response_days,
            "enabled": [code for code in RULES if p.enabled(code)],
        }

    def values(self) -> dict:
        d = self.cleaned_data
        return {
            "cash_limit": d["cash_limit"], "large_amount": d["large_amount"], "duplicate_days": d["duplicate_days"],
            "round_min": d["round_min"], "round_unit": d["round_unit"], "close_day": d["close_day"],
            "response_days": d["response_days"], "disabled": frozenset(set(RULES) - set(d.get("enabled") or [])),
        }
