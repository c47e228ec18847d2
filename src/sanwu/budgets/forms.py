import re

from django import forms

from sanwu.core.forms import yuan_fen

from .rules import MEETING_TYPES, MONTHS, STATUSES


class FilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *STATUSES])
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部年度"), *[(y, f"{y}年") for y in years]]


class BudgetForm(forms.Form):
    book = forms.ChoiceField(label="账套")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args, books=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["book"].choices = [(b.code, f"{b.name}（{b.code}）") for b in books]


class LineForm(forms.Form):
    account = forms.ChoiceField(label="科目")
    amount = forms.CharField(label="年度预算（元）", max_length=20)
    months = forms.CharField(
        label="月度分解（元，可不填）", required=False, max_length=400,
        help_text="12个金额，用逗号或空格分开；不填则按12个月平均分配（分位差额计入前几个月）",
    )
    note = forms.CharField(label="说明", required=False, max_length=200)
    remove = forms.BooleanField(label="从预算中删除该科目", required=False)

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(a.code, f"{a.code} {a.name}") for a in accounts]

    def clean_amount(self):
        return yuan_fen(self.cleaned_data["amount"].strip())

    def clean_months(self):
        text = self.cleaned_data["months"].strip()
        if not text:
            return None
        parts = [p for p in re.split(r"[\s,，、;；]+", text) if p]
        if len(parts) != MONTHS:
            raise forms.ValidationError(f"应为12个金额，现有{len(parts)}个")
        return [yuan_fen(p) for p in parts]


class ApproveForm(forms.Form):
    date = forms.DateField(label="批准日期（会议日期）", required=False)
    meeting_type = forms.ChoiceField(label="会议形式", required=False, choices=[("", "——"), *MEETING_TYPES.items()])
    entitled = forms.IntegerField(label="应到人数", required=False, min_value=0)
    present = forms.IntegerField(label="实到人数", required=False, min_value=0)
    votes_for = forms.IntegerField(label="同意", required=False, min_value=0)
    votes_against = forms.IntegerField(label="反对", required=False, min_value=0)
    votes_abstain = forms.IntegerField(label="弃权", required=False, min_value=0)
    matter = forms.TypedChoiceField(label="或：关联已公开决议的四议两公开事项", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, matters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].choices = [("", "不关联（按上面的会议记录）"), *[(m.pk, f"{m.title}（{m.year}年）") for m in matters]]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="调整原因", max_length=200)
