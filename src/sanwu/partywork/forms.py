"""Forms of the Party-work pages. They only read what the user typed; every rule lives in
services (which raise `Invalid` naming the field)."""

from django import forms

from .models import Meeting, PartyOrg, Talk, Task

DATE = {"type": "date"}


def region_label(r) -> str:
    """How a region reads in a picker: 岳西县（本级）, 主簿镇, 主簿镇·大歇村."""
    if r.level in ("city", "county"):
        return f"{r.name}（本级）"
    if r.level in ("village", "group") and r.parent_id:
        return f"{r.parent.name}·{r.name}"
    return r.name


class TaskForm(forms.Form):
    title = forms.CharField(label="任务", max_length=200)
    region = forms.ChoiceField(label="责任区划（交办给）")
    deadline = forms.DateField(label="完成时限", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    source_kind = forms.ChoiceField(label="来源", choices=Task.SOURCES)
    source_ref = forms.CharField(label="来源文号或会议", max_length=100, required=False)
    description = forms.CharField(label="具体要求", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    owner_orgs = forms.MultipleChoiceField(label="责任党组织", required=False, widget=forms.CheckboxSelectMultiple)
    owner_users = forms.MultipleChoiceField(label="责任人（账号）", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, regions=(), orgs=(), users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, region_label(r)) for r in regions]
        self.fields["owner_orgs"].choices = [(str(o.pk), o.name) for o in orgs]
        self.fields["owner_users"].choices = [(str(u.pk), u.first_name or u.username) for u in users]

    def plan(self, data) -> dict[tuple[int, int], list[str]]:
        """The monthly plan typed into the inputs plan_1 … plan_12 (for the deadline's year)."""
        year = self.cleaned_data["deadline"].year
        out = {}
        for m in range(1, 13):
            text = (data.get(f"plan_{m}") or "").strip()
            items = [i.strip() for i in text.replace("；", "\n").replace(";", "\n").splitlines() if i.strip()]
            if items:
                out[(year, m)] = items
        return out


class ReportForm(forms.Form):
    text = forms.CharField(label="完成情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=200)


class VerifyForm(forms.Form):
    note = forms.CharField(label="核验意见", required=False, max_length=500)
    close = forms.BooleanField(label="核验通过后同时销号", required=False, initial=True)


class ExtendForm(forms.Form):
    deadline = forms.DateField(label="新的完成时限", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    reason = forms.CharField(label="延期原因", max_length=200)


class ReassignForm(forms.Form):
    owner_orgs = forms.MultipleChoiceField(label="责任党组织", required=False, widget=forms.CheckboxSelectMultiple)
    owner_users = forms.MultipleChoiceField(label="责任人（账号）", required=False, widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label="调整原因", max_length=200)

    def __init__(self, *args, orgs=(), users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_orgs"].choices = [(str(o.pk), o.name) for o in orgs]
        self.fields["owner_users"].choices = [(str(u.pk), u.first_name or u.username) for u in users]


class EvidenceForm(forms.Form):
    file = forms.FileField(label="佐证材料（JPEG、PNG 或 PDF）")


class ImportForm(forms.Form):
    file = forms.FileField(label="任务清单（CSV 或 XLSX）")


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Meeting.KINDS)
    title = forms.CharField(label="名称", max_length=200)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    region = forms.ChoiceField(label="召开/组织单位")
    note = forms.CharField(label="内容与要求", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    tasks = forms.MultipleChoiceField(label="涉及的任务", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, regions=(), tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]
        self.fields["tasks"].choices = [(str(t.pk), f"{t.title}（{t.region.name}，{t.deadline:%Y-%m-%d}）") for t in tasks]


class OrgForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=PartyOrg.KINDS)
    region = forms.ChoiceField(label="所在区划")
    parent = forms.ChoiceField(label="上级党组织", required=False)
    purpose = forms.ChoiceField(label="用途（临时党支部、突击队）", choices=PartyOrg.PURPOSES, required=False)
    start_date = forms.DateField(label="成立日期", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    end_date = forms.DateField(label="撤销日期", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    leader_name = forms.CharField(label="负责人", max_length=50, required=False)
    member_count = forms.IntegerField(label="党员人数", min_value=0, required=False, initial=0)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, regions=(), parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, region_label(r)) for r in regions]
        self.fields["parent"].choices = [("", "—")] + [(str(o.pk), o.name) for o in parents]

    def values(self) -> dict:
        d = self.cleaned_data
        return {
            "name": d["name"], "kind": d["kind"], "region_code": d["region"], "parent_id": int(d["parent"]) if d.get("parent") else None,
            "purpose": d.get("purpose") or "", "start_date": d.get("start_date"), "end_date": d.get("end_date"),
            "leader_name": d.get("leader_name") or "", "member_count": d.get("member_count") or 0, "note": d.get("note") or "",
        }


class MemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    position = forms.CharField(label="身份/职务", max_length=50, required=False)
    is_party_member = forms.BooleanField(label="党员", required=False, initial=True)
    joined_on = forms.DateField(label="加入日期", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


class TalkForm(forms.Form):
    kind = forms.ChoiceField(label="谈话类型", choices=Talk.KINDS)
    date = forms.DateField(label="谈话日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    person_name = forms.CharField(label="谈话对象", max_length=50)
    person_position = forms.CharField(label="职务", max_length=100, required=False)
    talker = forms.CharField(label="谈话人", max_length=100)
    region = forms.ChoiceField(label="对象所在区划")
    summary = forms.CharField(label="谈话要点", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, region_label(r)) for r in regions]
