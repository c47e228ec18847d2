"""The county's settings page: funds and analysis criteria, typical situations, indicators and
weights, consequence rules — shown to those who see the county, edited by its organisation
department."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core.errors import Invalid, Refused
from sanwu.core.money import format_yuan
from sanwu.core.web import role_required
from sanwu.regions.models import Region

from .. import services
from ..forms import PolicyForm, RuleForm, SituationForm
from ..models import ConsequenceRule, IndicatorDefault, TypicalSituation
from ..services import can_manage
from .common import MANAGE, VIEW, county_choices, current_county, forbidden, problem_texts


@role_required(*VIEW)
def settings_page(request):
    county = current_county(request)
    # The settings are the county's: seen by those who see the county itself (county, city, auditor).
    if county is None or not Region.objects.visible_to(request.user).filter(code=county.code).exists():
        return forbidden(request, "view:assessment:settings", region_code=county.code if county else "")
    row = services.ensure_county_settings(county.code)
    manage = can_manage(request.user, county.code)
    indicators = list(IndicatorDefault.objects.filter(county=county))
    rule_rows = list(ConsequenceRule.objects.filter(county=county))
    policy_form = PolicyForm(initial={
        "party_funds_fen": _yuan(row.party_funds_fen), "project_funds_min_fen": _yuan(row.project_funds_min_fen),
        "project_funds_max_fen": _yuan(row.project_funds_max_fen), "criteria": "\n".join(row.analysis_criteria),
    })
    names = {i.key: i.name for i in indicators}
    for r in rule_rows:
        r.indicator_name = names.get(r.indicator_key, r.indicator_key) if r.indicator_key else "综合得分"
        r.form = RuleForm(indicators=indicators, initial={f: getattr(r, f) for f in services.RULE_FIELDS}, prefix=f"r-{r.key}") if manage else None
    return render(request, "assessment/settings.html", {
        "county": county, "counties": county_choices(request.user), "settings": row, "manage": manage,
        "situations": TypicalSituation.objects.filter(county=county), "indicators": indicators, "rules": rule_rows,
        "policy_form": policy_form if manage else None, "situation_form": SituationForm() if manage else None,
        "new_rule_form": RuleForm(indicators=indicators, prefix="new", initial={"level": "township", "bottom_n": 1, "years": 1, "deadline_days": 30, "active": True}) if manage else None,
        "indicator_rows": [(i.key, i.name, i.weight) for i in indicators] + [("", "", "")] * 2,
    })


def _yuan(fen: int) -> str:
    return format_yuan(fen, grouping=False)


@role_required(*MANAGE)
@require_POST
def settings_save(request, section: str):
    county = current_county(request)
    if county is None or not can_manage(request.user, county.code):
        return forbidden(request, f"assessment.settings.{section}", region_code=county.code if county else "")
    try:
        if section == "policy":
            form = PolicyForm(request.POST)
            if not form.is_valid():
                raise Invalid([f"{form.fields[k].label}：{e}" for k, errs in form.errors.items() for e in errs])
            d = form.cleaned_data
            services.save_policy(request.user, county.code, party_funds_fen=d["party_funds_fen"], project_funds_min_fen=d["project_funds_min_fen"],
                                 project_funds_max_fen=d["project_funds_max_fen"], criteria=form.criteria_list())
        elif section == "situation":
            form = SituationForm(request.POST)
            if not form.is_valid():
                raise Invalid([f"{form.fields[k].label}：{e}" for k, errs in form.errors.items() for e in errs])
            d = form.cleaned_data
            situation = None
            if request.POST.get("pk"):
                situation = TypicalSituation.objects.filter(county=county, pk=request.POST["pk"]).first()
                if situation is None:
                    raise Http404("未找到该情形")
            services.save_situation(request.user, county.code, title=d["title"], description=d["description"], active=d["active"],
                                    is_local=situation.is_local if situation else True, situation=situation)
        elif section == "indicators":
            rows = []
            problems = []
            for key, name, weight in zip(request.POST.getlist("key"), request.POST.getlist("name"), request.POST.getlist("weight")):
                if not (key.strip() or name.strip() or weight.strip()):
                    continue
                try:
                    rows.append((key.strip(), name.strip(), int(weight)))
                except ValueError:
                    problems.append(f"指标「{name}」的权重「{weight}」应为整数")
            if problems:
                raise Invalid(problems)
            services.save_indicator_defaults(request.user, county.code, rows)
        elif section == "rule":
            key = request.POST.get("key", "").strip()
            prefix = "new" if request.POST.get("new") else f"r-{key}"
            form = RuleForm(request.POST, indicators=IndicatorDefault.objects.filter(county=county), prefix=prefix)
            if not form.is_valid():
                raise Invalid([f"{form.fields[k].label}：{e}" for k, errs in form.errors.items() for e in errs])
            services.save_rule(request.user, county.code, key, **form.cleaned_data)
        else:
            raise Http404("未知设置")
    except Invalid as exc:
        for m in problem_texts(exc):
            messages.error(request, m)
    except Refused:
        return render(request, "403.html", status=403)
    else:
        messages.success(request, "已保存。")
    return redirect(reverse("assessment:settings") + f"?county={county.code}")
