"""The cooperative's forms."""

from django import forms

from sanwu.core.forms import SignedYuanField, YuanField

from . import rules

PERCENT = forms.DecimalField  # rates are typed as percentages and kept in basis points


def _percent(label: str) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=0, max_value=100, decimal_places=2)


class SettingsForm(forms.Form):
    holding_unit = forms.ChoiceField(label="持股单位", choices=list(rules.HOLDING_UNITS.items()))
    management = forms.ChoiceField(label="股权管理方式", choices=list(rules.MANAGEMENT.items()))
    holder_cap = _percent("单一成员持股上限（%，0为不设上限）")
    reserve_rate = _percent("公积公益金提取比例（%）")
    welfare_rate = _percent("应付福利费提取比例（%）")
    outside_rate = _percent("外来投资分利比例（%）")

    RATES = {"holder_cap": "holder_cap_bp", "reserve_rate": "reserve_rate_bp", "welfare_rate": "welfare_rate_bp", "outside_rate": "outside_rate_bp"}

    def values(self) -> dict:
        """The cleaned form as `update_settings` takes it: rates in basis points."""
        d = self.cleaned_data
        out = {"holding_unit": d["holding_unit"], "management": d["management"]}
        out.update({bp: int(d[pct] * 100) for pct, bp in self.RATES.items()})
        return out


class ChangeForm(forms.Form):
    """A change to the share register (not the opening allocation)."""

    kind = forms.ChoiceField(label="变动类型", choices=[(k, v) for k, v in rules.OPERATION_KINDS.items() if k != "allocation"])
    share_class = forms.ChoiceField(label="股份类别")
    from_holder = forms.CharField(label="转出方户号（集体填“集体”）", required=False, max_length=20)
    to_holder = forms.CharField(label="转入方户号（集体填“集体”）", required=False, max_length=20)
    shares = forms.CharField(label="份额（股，最多两位小数）", max_length=20)
    on = forms.DateField(label="变动日期", widget=forms.DateInput(attrs={"type": "date"}))
    matter = forms.TypedChoiceField(label="四议两公开事项", required=False, coerce=int, empty_value=None)
    approval = forms.CharField(label="批准依据", required=False, max_length=200)
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args, classes=(), matters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share_class"].choices = [(c.pk, c.name) for c in classes]
        self.fields["matter"].choices = [("", "不关联")] + [(m.pk, f"{m.year} {m.title}") for m in matters]


class MemberForm(forms.Form):
    household = forms.CharField(label="户号（新户号即新立一户）", max_length=20)
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18)
    relation = forms.ChoiceField(label="与户主关系", choices=list(rules.RELATIONS.items()))
    is_member = forms.BooleanField(label="取得集体经济组织成员身份", required=False, initial=True)
    join_reason = forms.ChoiceField(label="取得方式", choices=list(rules.JOIN_REASONS.items()), initial="birth")
    joined_on = forms.DateField(label="取得日期", widget=forms.DateInput(attrs={"type": "date"}))


class LeaveForm(forms.Form):
    reason = forms.ChoiceField(label="丧失原因", choices=list(rules.LEAVE_REASONS.items()) + list(rules.NOT_ENDING.items()))
    on = forms.DateField(label="丧失日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", required=False, max_length=200)


class ConfirmRosterForm(forms.Form):
    matter = forms.TypedChoiceField(label="确认名册的四议两公开事项（成员大会决议）", coerce=int)

    def __init__(self, *args, matters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].choices = [(m.pk, f"{m.year} {m.title}") for m in matters]


class CertificateForm(forms.Form):
    """Issue (or reissue) a household's certificate."""

    household = forms.CharField(label="户号", max_length=20)
    member_id = forms.CharField(label="成员身份证号（按人持股时为户主以外的成员发证才填）", max_length=18, required=False)
    as_at = forms.DateField(label="持股截止日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    issued_on = forms.DateField(label="发证日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    # The valid certificate the accountant saw ("" for none): a form posted twice reissues once.
    replaces = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    confirm = forms.BooleanField(label="我已知道：换发后原证作废，原证上的查询码不能再用", required=False)


class LookupForm(forms.Form):
    """The public household lookup: both keys, as printed on the certificate."""

    number = forms.CharField(label="证书编号", max_length=40)
    code = forms.CharField(label="查询码", max_length=20)


class VentureForm(forms.Form):
    """A joint venture and, per kind of party, who put in what (the rows left empty are no party)."""

    name = forms.CharField(label="经营主体名称", max_length=100)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    business = forms.CharField(label="经营项目", max_length=200, required=False)
    founded_on = forms.DateField(label="成立日期")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in rules.VENTURE_PARTIES.items():
            self.fields[f"party_{kind}"] = forms.CharField(label=f"{label}出资方", max_length=100, required=False)
            self.fields[f"amount_{kind}"] = YuanField(label=f"{label}出资额（元）", required=False)
            self.fields[f"note_{kind}"] = forms.CharField(label=f"{label}说明", max_length=200, required=False)

    def kinds(self) -> list[dict]:
        """The party rows for the template, with what was typed."""
        return [
            {"kind": k, "label": label, **{f: self[f"{f}_{k}"].value() or "" for f in ("party", "amount", "note")}}
            for k, label in rules.VENTURE_PARTIES.items()
        ]

    def stakes(self) -> list[tuple[str, str, int, str]]:
        """(kind, party, contribution in fen, note) of each row filled in."""
        d = self.cleaned_data
        return [
            (k, d[f"party_{k}"], d[f"amount_{k}"], d[f"note_{k}"])
            for k in rules.VENTURE_PARTIES if d[f"party_{k}"].strip() or d[f"amount_{k}"]
        ]


class VentureProfitForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    profit = SignedYuanField(label="可分配利润（元，亏损填负数）")
    declared_on = forms.DateField(label="分配日期")


class OfficerForm(forms.Form):
    """A post in the cooperative: the person by ID number (already in the person register)."""

    post = forms.ChoiceField(label="职务", choices=list(rules.OFFICER_POSTS.items()))
    id_number = forms.CharField(label="身份证号", max_length=18)
    started_on = forms.DateField(label="任职日期", widget=forms.DateInput(attrs={"type": "date"}))
    account = forms.CharField(label="登录账号（监事会成员签字用，可不填）", max_length=150, required=False)
    declared = forms.BooleanField(label="本人声明：与理事会成员、财务会计人员没有近亲属关系", required=False)


class OfficerEndForm(forms.Form):
    ended_on = forms.DateField(label="离任日期", widget=forms.DateInput(attrs={"type": "date"}))


class FinanceReviewForm(forms.Form):
    month = forms.CharField(label="所审月份", max_length=7, widget=forms.TextInput(attrs={"type": "month"}))
    reviewed_on = forms.DateField(label="理财日期", widget=forms.DateInput(attrs={"type": "date"}))
    remarks = forms.CharField(label="审核意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
