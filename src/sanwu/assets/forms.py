from django import forms

from sanwu.core.forms import YuanField

from .rules import CATEGORY_LABELS, DISPOSALS, EXPENSES, KIND_LABELS, ORIGINS, RESOURCE_KINDS, STATES, USES


class FilterForm(forms.Form):
    q = forms.CharField(label="编号或名称", required=False, max_length=50)
    category = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别"), *CATEGORY_LABELS.items()])
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *STATES.items()])


class CardForm(forms.Form):
    number = forms.CharField(label="资产编号", max_length=40)
    name = forms.CharField(label="名称", max_length=100)
    account = forms.ChoiceField(label="科目")
    kind = forms.ChoiceField(label="种类", choices=list(KIND_LABELS.items()))
    acquired = forms.DateField(label="取得日期")
    cost = YuanField(label="原值（元）")
    life_months = forms.IntegerField(label="使用年限（月）", required=False, min_value=0, max_value=1200, help_text="不填按本县该种类资产的默认年限")
    residual_rate = forms.DecimalField(label="残值率（%）", required=False, min_value=0, max_value=100, decimal_places=2)
    origin = forms.ChoiceField(label="来源", choices=[(k, v) for k, v in ORIGINS.items() if k != "opening"])
    voucher = forms.TypedChoiceField(label="入账凭证", required=False, coerce=int, empty_value=None)
    location = forms.CharField(label="存放地点", required=False, max_length=100)
    quantity = forms.DecimalField(label="数量", initial=1, min_value=0.01, max_digits=12, decimal_places=2)
    unit = forms.CharField(label="单位", required=False, max_length=10)
    custodian = forms.CharField(label="保管人（使用人）", required=False, max_length=50)
    state = forms.ChoiceField(label="状态", choices=[(k, v) for k, v in STATES.items() if k != "disposed"])
    expense_role = forms.ChoiceField(label="折旧计入", choices=list(EXPENSES.items()))
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, accounts=(), vouchers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(a.code, f"{a.code} {a.name}（{CATEGORY_LABELS[role]}）") for role, a in accounts]
        self.fields["voucher"].choices = [("", "（无：期初或其他来源）"), *[(v.pk, f"{v.label} {v.summary}") for v in vouchers]]


class ChangeForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    location = forms.CharField(label="存放地点", required=False, max_length=100)
    custodian = forms.CharField(label="保管人（使用人）", required=False, max_length=50)
    state = forms.ChoiceField(label="状态", choices=[(k, v) for k, v in STATES.items() if k != "disposed"])
    expense_role = forms.ChoiceField(label="折旧计入", choices=list(EXPENSES.items()))
    note = forms.CharField(label="备注", required=False, max_length=200)


class DisposeForm(forms.Form):
    kind = forms.ChoiceField(label="处置方式", choices=list(DISPOSALS.items()))
    on = forms.DateField(label="处置日期")
    proceeds = YuanField(label="处置收入（元）", required=False)
    reason = forms.CharField(label="处置原因", max_length=200)
    matter = forms.TypedChoiceField(label="四议两公开事项", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, matters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].choices = [("", "（无）"), *[(m.pk, m.title) for m in matters]]


class MonthForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    month = forms.IntegerField(min_value=1, max_value=12)


class ResourceForm(forms.Form):
    number = forms.CharField(label="资源编号", max_length=40)
    name = forms.CharField(label="名称（坐落）", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=list(RESOURCE_KINDS.items()))
    group = forms.ChoiceField(label="村民小组", required=False)
    area_mu = forms.CharField(label="面积（亩）", max_length=14)
    certificate = forms.CharField(label="权属证书", required=False, max_length=60)
    use = forms.ChoiceField(label="利用方式", choices=list(USES.items()))
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "（不分组）"), *[(g.code, g.name) for g in groups]]


class UseForm(forms.Form):
    use = forms.ChoiceField(label="新的利用方式", choices=list(USES.items()))
    on = forms.DateField(label="变更日期")
    note = forms.CharField(label="说明", required=False, max_length=200)
