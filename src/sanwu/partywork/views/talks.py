"""Talks (谈话): the list with its download, recording one and importing a sheet — all for the
organisation department only, whose rows nobody else sees (the counts are on the statistics page)."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render

from sanwu.core.codes import region_prefix
from sanwu.core import permissions
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, import_page, paginate, role_required, shows_problems
from sanwu.regions.models import Region

from .. import imports, services
from ..forms import TalkForm
from ..models import ORG_DEPT_ROLES, Talk
from ..tables import talks_table
from .common import ORG_DEPT, date_param, party_tabs


@role_required(*ORG_DEPT)
def talks(request):
    user = request.user
    qs = Talk.objects.visible_to(user).select_related("region").order_by("-date", "-id")
    g = request.GET
    f = {k: (g.get(k) or "").strip() for k in ("kind", "from", "to", "region", "q")}
    if f["kind"] in services.TALK_LABELS:
        qs = qs.filter(kind=f["kind"])
    if date_param(f["from"], None):
        qs = qs.filter(date__gte=date_param(f["from"], None))
    if date_param(f["to"], None):
        qs = qs.filter(date__lte=date_param(f["to"], None))
    if f["region"].isdigit() and len(f["region"]) == 12:
        qs = qs.filter(region__code__startswith=region_prefix(f["region"]))
    if f["q"]:
        qs = qs.filter(Q(person_name__contains=f["q"]) | Q(person_position__contains=f["q"]) | Q(talker__contains=f["q"]))
    fmt = export_format(request)
    if fmt:
        return download(talks_table(qs[:50000]), "谈话记录", fmt)
    townships = list(Region.objects.visible_to(user).filter(level__in=("county", "township")).order_by("code")[:300])
    return render(request, "partywork/talks.html", {
        "page": paginate(request, qs), "f": f, "kinds": Talk.KINDS, "townships": townships,
        "filtered": any(f.values()), "party_tabs": party_tabs(request, "talks"),
    })


@role_required(*ORG_DEPT)
@shows_problems
def talk_new(request, problems=()):
    user = request.user
    regions = [r for r in Region.objects.visible_to(user).filter(level__in=("city", "county", "township", "village")).select_related("parent").order_by("code")[:5000]
               if permissions.may(user, ORG_DEPT_ROLES, r.code)]
    form = TalkForm(request.POST or None, regions=regions, initial={"date": services.today(), "kind": request.GET.get("kind") or "reminder"})
    if request.method == "POST" and not problems:
        d = checked(form)
        services.record_talk(user, kind=d["kind"], date=d["date"], person_name=d["person_name"], person_position=d["person_position"],
                             talker=d["talker"], region_code=d["region"], summary=d["summary"])
        messages.success(request, "谈话已记录。")
        return redirect("partywork:talks")
    return render(request, "partywork/talk_form.html", {"form": form, "problems": problems})


@role_required(*ORG_DEPT)
def talk_import(request):
    """Import talks from Excel or CSV (the talks export's own columns); the organisation
    department only, like recording them."""
    columns = [(names[0], key, key in imports.TALK_REQUIRED) for key, names in imports.TALK_COLUMNS.items() if key != "id"]
    return import_page(request, run=imports.import_talks, done=_talks_imported, back="partywork:talks", template="partywork/talk_import.html",
                       context={"columns": columns, "kinds": Talk.KINDS, "party_tabs": party_tabs(request, "talks")})


def _talks_imported(result) -> str:
    skipped = f"，与已有记录相同而跳过 {result.skipped} 条" if result.skipped else ""
    return f"导入完成：谈话 {len(result.talks)} 人次{skipped}。"
