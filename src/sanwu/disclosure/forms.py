from django import forms

from . import services
from .models import DisclosureSettings


class AskForm(forms.Form):
    text = forms.CharField(
        label="您的问题", min_length=services.QUESTION_MIN, max_length=services.QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "例如：今年修路的钱花了多少？"}),
        error_messages={"required": "请写下您的问题", "min_length": f"问题太短，请至少写{services.QUESTION_MIN}个字", "max_length": f"问题不能超过{services.QUESTION_MAX}个字"},
    )
    contact = forms.CharField(
        label="联系方式（可不填）", required=False, max_length=services.CONTACT_MAX,
        error_messages={"max_length": f"联系方式不能超过{services.CONTACT_MAX}个字"},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="答复", min_length=services.ANSWER_MIN, max_length=services.ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "答复不能为空", "max_length": f"答复不能超过{services.ANSWER_MAX}个字"},
    )


class SettingsForm(forms.Form):
    frequency = forms.ChoiceField(label="公开频次", choices=DisclosureSettings.FREQUENCIES)
    due_day = forms.IntegerField(label="截止日（次月几日前公开）", min_value=1, max_value=28)
    answer_days = forms.IntegerField(label="群众提问答复期限（天）", min_value=1, max_value=60)
