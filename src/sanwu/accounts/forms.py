from django import forms

from sanwu.core.scope import ROLES


class PasswordChangeForm(forms.Form):
    old = forms.CharField(label="原密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new = forms.CharField(label="新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    again = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class GrantForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=list(ROLES.items()))
    region = forms.CharField(label="区划代码", max_length=15)


class NewUserForm(GrantForm):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=150, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500, required=False)
