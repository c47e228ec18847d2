from django import forms

from sanwu.core.forms import yuan_fen

from .rules import PAYEE_KINDS, STATUSES


class FilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *STATUSES])
    q = forms.CharField(label="查找", required=False, max_length=100)


class RequestForm(forms.Form):
    payee_name = forms.CharField(label="收款人户名", max_length=100)
    payee_kind = forms.ChoiceField(label="收款人类别", choices=list(PAYEE_KINDS.items()))
    payee_account = forms.CharField(label="收款账号", max_length=40)
    payee_bank = forms.CharField(label="开户行", max_length=100)
    amount = forms.CharField(label="金额（元）", max_length=20)
    purpose = forms.CharField(label="用途", max_length=200)
    account = forms.ChoiceField(label="支出科目（预算项目）")
    matter = forms.TypedChoiceField(label="四议两公开事项", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, accounts=(), matters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(a.code, f"{a.code} {a.name}") for a in accounts]
        self.fields["matter"].choices = [("", "（不关联）"), *[(m.pk, f"{m.title}（{m.year}年，{m.stage_label}）") for m in matters]]

    def clean_amount(self):
        return yuan_fen(self.cleaned_data["amount"].strip())


class ApproveForm(forms.Form):
    committee_signer = forms.CharField(label="村务监督委员会审核人", required=False, max_length=50)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=200)


class ReceiptForm(forms.Form):
    file = forms.FileField(label="文件（JPEG、PNG 或 PDF，不超过10MB）")


class ResultForm(forms.Form):
    file = forms.FileField(label="银行回单文件（CSV 或 XLSX）")


class PayerForm(forms.Form):
    account = forms.ChoiceField(label="银行存款科目")
    number = forms.CharField(label="付款账号", max_length=40)
    bank = forms.CharField(label="开户行", max_length=100)

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(a.code, f"{a.code} {a.name}") for a in accounts]


def _yuan_field(label: str):
    return forms.CharField(label=label, max_length=20)


class SettingsForm(forms.Form):
    matter_threshold = _yuan_field("须经四议两公开的金额（元）")
    committee_threshold = _yuan_field("须经村务监督委员会审核的金额（元）")
    warn_without_request = forms.BooleanField(label="付款凭证没有经过审批的付款申请时预警", required=False)
    warn_min_amount = _yuan_field("预警起点（元）")

    MONEY = ("matter_threshold", "committee_threshold", "warn_min_amount")

    def clean(self):
        data = super().clean()
        for name in self.MONEY:
            if name in data:
                try:
                    data[name] = yuan_fen(data[name].strip())
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data
