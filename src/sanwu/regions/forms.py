from django import forms


class RegionImportForm(forms.Form):
    file = forms.FileField(label="区划文件（CSV 或 XLSX，列：代码、名称、上级）")


class PersonForm(forms.Form):
    region = forms.ChoiceField(label="所属村/组")
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18)
    phone = forms.CharField(label="电话", max_length=20, required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name}（{r.code}）") for r in regions]
