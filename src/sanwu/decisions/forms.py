from django import forms

from sanwu.core.forms import yuan_fen

from .services.attachments import KINDS
from .rules import CATEGORIES, CHANNELS, MEETING_TYPES, PURPOSES, STAGE_MEETING_TYPES, STAGES, STATUSES, StageData


class FilterForm(forms.Form):
    village = forms.ChoiceField(label="村", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *STATUSES])
    category = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别"), *CATEGORIES.items()])
    stage = forms.ChoiceField(label="进行到", required=False, choices=[("", "全部环节"), ("none", "未开始"), *STAGES])
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    q = forms.CharField(label="查找", required=False, max_length=100)

    def __init__(self, *args, villages=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "全部村"), *[(v.code, v.name) for v in villages]]
        self.fields["year"].choices = [("", "全部年度"), *[(y, f"{y}年") for y in years]]


class MatterForm(forms.Form):
    village = forms.ChoiceField(label="村")
    title = forms.CharField(label="事项名称", max_length=200)
    category = forms.ChoiceField(label="事项类别", choices=list(CATEGORIES.items()))
    purpose = forms.ChoiceField(label="用途标记", choices=list(PURPOSES.items()), initial="other",
                                help_text="村干部奖励、重大支出等：集体经济和预警模块据此查找决策")
    amount = forms.CharField(label="涉及金额（元，可不填）", required=False, max_length=20)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    description = forms.CharField(label="事项内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    merged_first_steps = forms.BooleanField(
        label="村党组织书记、村委会主任“一肩挑”，党组织提议与“两委”会议商议合并进行", required=False,
    )

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, f"{v.name}（{v.code}）") for v in villages]

    def clean_amount(self):
        text = self.cleaned_data["amount"].strip()
        if not text:
            return None
        return yuan_fen(text)


class StageForm(forms.Form):
    """All fields of any stage; the view shows those of the stage being recorded."""

    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    meeting_type = forms.ChoiceField(label="会议形式", required=False)
    entitled = forms.IntegerField(label="应到人数", required=False, min_value=0)
    present = forms.IntegerField(label="实到人数", required=False, min_value=0)
    votes_for = forms.IntegerField(label="同意", required=False, min_value=0)
    votes_against = forms.IntegerField(label="反对", required=False, min_value=0)
    votes_abstain = forms.IntegerField(label="弃权", required=False, min_value=0)
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 6}))
    channel = forms.ChoiceField(label="公开渠道", required=False, choices=[("", "请选择"), *CHANNELS.items()])
    notice_date = forms.DateField(label="会议通知日期（成员大会）", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    correction_reason = forms.CharField(label="更正原因", required=False, max_length=200)

    def __init__(self, *args, stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        types = STAGE_MEETING_TYPES.get(stage, ())
        self.fields["meeting_type"].choices = [(t, MEETING_TYPES[t]) for t in types]

    def data_for_service(self) -> StageData:
        d = self.cleaned_data
        return StageData(
            date=d["date"], meeting_type=d.get("meeting_type") or "", entitled=d.get("entitled"), present=d.get("present"),
            votes_for=d.get("votes_for"), votes_against=d.get("votes_against"), votes_abstain=d.get("votes_abstain"),
            text=d.get("text") or "", channel=d.get("channel") or "", notice_date=d.get("notice_date"),
        )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=list(KINDS.items()), initial="minutes")
    file = forms.FileField(label="文件（JPEG、PNG 或 PDF，不超过10MB）")


class CommentForm(forms.Form):
    text = forms.CharField(label="意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="终止原因", max_length=200)
