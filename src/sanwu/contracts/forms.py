from django import forms

from sanwu.core.forms import YuanField


class ReceiptForm(forms.Form):
    voucher = forms.IntegerField(label="已记账凭证", min_value=1)
    amount = YuanField(label="金额（元）", required=False)
