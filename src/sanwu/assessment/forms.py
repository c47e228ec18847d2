"""Forms of the pages: they only read what was typed (dates, whole numbers, yuan → fen through
`core.forms.YuanField`); every rule lives in `services`."""

from django import forms

from sanwu.core.forms import YuanField

from .rules import RATINGS

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class RoundForm(forms.Form):
    held_on = forms.DateField(label="研判日期", **DATE)
    title = forms.CharField(label="名称（可不填，默认“某年第N轮”）", max_length=60, required=False)
    summary = forms.CharField(label="总体情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label="研判等次", choices=list(RATINGS.items()))
    findings = forms.CharField(label="主要问题", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for i, name in enumerate(self.criteria):
            self.fields[f"c{i}"] = forms.ChoiceField(label=name, choices=[("", "—")] + list(RATINGS.items()), required=False)

    def criteria_values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"c{i}") or "" for i, name in enumerate(self.criteria)}

    def criteria_fields(self):
        return [self[f"c{i}"] for i in range(len(self.criteria))]


class FollowUpForm(forms.Form):
    region = forms.ChoiceField(label="涉及乡镇或村")
    title = forms.CharField(label="任务", max_length=200)
    deadline = forms.DateField(label="完成时限", **DATE)
    description = forms.CharField(label="要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name if r.level != "village" else f"{r.parent.name if r.parent_id else ''}{r.name}") for r in regions]


class TaskForceForm(forms.Form):
    leader = forms.CharField(label="专班负责领导（姓名、职务）", max_length=100)
    members = forms.CharField(label="专班成员（每行一人：姓名、单位）", widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(label="主要问题", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ScreenForm(forms.Form):
    screened_on = forms.DateField(label="排查日期", **DATE)
    situations = forms.MultipleChoiceField(label="符合的典型情形", required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="排查情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, situations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situations"].choices = [(str(s.pk), f"{s.number}. {s.title}" + ("（地方增补）" if s.is_local else "")) for s in situations]


class RectificationForm(forms.Form):
    causes = forms.CharField(label="原因分析", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.CharField(label="整顿方案", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    county_leader = forms.CharField(label="联系县级领导", max_length=100, required=False)
    township_lead = forms.CharField(label="乡镇责任人", max_length=100, required=False)
    first_secretary = forms.CharField(label="第一书记", max_length=100, required=False)
    party_funds_fen = YuanField(label="党建经费（元）", required=False)
    project_funds_fen = YuanField(label="项目扶持资金（元）", required=False)
    deadline = forms.DateField(label="整顿时限", required=False, **DATE)


class MeasureForm(forms.Form):
    date = forms.DateField(label="日期", **DATE)
    text = forms.CharField(label="措施", widget=forms.Textarea(attrs={"rows": 2}))


class AcceptanceForm(forms.Form):
    date = forms.DateField(label="验收日期", **DATE)
    passed = forms.TypedChoiceField(label="验收结论", choices=[("yes", "通过（销号）"), ("no", "未通过（继续整顿）")], coerce=lambda v: v == "yes")
    checked_by = forms.CharField(label="验收人（单位）", max_length=100)
    result = forms.CharField(label="验收意见", widget=forms.Textarea(attrs={"rows": 3}))


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    level = forms.ChoiceField(label="考核对象", choices=[("township", "乡镇"), ("village", "村")])
    title = forms.CharField(label="名称（可不填）", max_length=80, required=False)


class PolicyForm(forms.Form):
    party_funds_fen = YuanField(label="每村党建经费（元）")
    project_funds_min_fen = YuanField(label="项目扶持资金下限（元）")
    project_funds_max_fen = YuanField(label="项目扶持资金上限（元）")
    criteria = forms.CharField(label="研判内容（每行一项）", widget=forms.Textarea(attrs={"rows": 6}))

    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["criteria"].splitlines() if line.strip()]


class SituationForm(forms.Form):
    title = forms.CharField(label="情形", max_length=100)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label="启用", required=False, initial=True)


class RuleForm(forms.Form):
    name = forms.CharField(label="规则名称", max_length=60)
    level = forms.ChoiceField(label="考核对象", choices=[("township", "乡镇"), ("village", "村")])
    indicator_key = forms.ChoiceField(label="依据", required=False)
    bottom_n = forms.IntegerField(label="后N位", min_value=1, max_value=50)
    years = forms.IntegerField(label="连续年数", min_value=1, max_value=5)
    target = forms.CharField(label="对象", max_length=60)
    action = forms.CharField(label="处理", max_length=100)
    bars_promotion = forms.BooleanField(label="当年度不列入推荐提拔或重用对象", required=False)
    deadline_days = forms.IntegerField(label="落实期限（天）", min_value=1, max_value=365)
    active = forms.BooleanField(label="启用", required=False)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_key"].choices = [("", "综合得分")] + [(i.key, i.name) for i in indicators]
