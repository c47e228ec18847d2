"""The county's settings page: funds and analysis criteria, typical situations, indicators and
weights, consequence rules — shown for the counties the user is offered (a township's or
village's own county too), edited by its organisation department only."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.errors import Invalid, NotFound
from sanwu.core.money import format_yuan
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.web import checked, flash_problems, role_required, shows_problems

from .. import services
from ..forms import PolicyForm, RuleForm, SituationForm
from ..models import ConsequenceRule, IndicatorDefault, TypicalSituation
from ..services import can_manage
from .common import MANAGE, VILLAGE_VIEW, current_county


@role_required(*VILLAGE_VIEW)
def settings_page(request):
    county = current_county(request)
    if county is None:
        raise NotFound()
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
        "county": county, "counties": services.counties_offered(request.user), "settings": row, "manage": manage,
        "situations": TypicalSituation.objects.filter(county=county), "indicators": indicators, "rules": rule_rows,
        "policy_form": policy_form if manage else None, "situation_form": SituationForm() if manage else None,
        "new_rule_form": RuleForm(indicators=indicators, prefix="new", initial={"level": "township", "bottom_n": 1, "years": 1, "deadline_days": 30, "active": True}) if manage else None,
        "indicator_rows": [(i.key, i.name, i.weight) for i in indicators] + [("", "", "")] * 2,
    })


def _yuan(fen: int) -> str:
    return format_yuan(fen, grouping=False)


def _save_policy(request, county):
    form = PolicyForm(request.POST)
    d = checked(form)
    services.save_policy(request.user, county.code, party_funds_fen=d["party_funds_fen"], project_funds_min_fen=d["project_funds_min_fen"],
                         project_funds_max_fen=d["project_funds_max_fen"], criteria=form.criteria_list())


def _save_situation(request, county):
    d = checked(SituationForm(request.POST))
    situation = None
    pk = request.POST.get("pk", "")
    if pk:
        if not pk.isdigit():
            raise Http404("未找到该情形")
        situation = get_visible_or_404(TypicalSituation, request.user, county=county, pk=pk)
    services.save_situation(request.user, county.code, title=d["title"], description=d["description"], active=d["active"],
                            is_local=situation.is_local if situation else True, situation=situation)


def _save_indicators(request, county):
    rows, problems = [], []
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


def _save_rule(request, county):
    key = request.POST.get("key", "").strip()
    prefix = "new" if request.POST.get("new") else f"r-{key}"
    form = RuleForm(request.POST, indicators=IndicatorDefault.objects.filter(county=county), prefix=prefix)
    services.save_rule(request.user, county.code, key, **checked(form))


SECTIONS = {"policy": _save_policy, "situation": _save_situation, "indicators": _save_indicators, "rule": _save_rule}


@role_required(*MANAGE)
@require_POST
@shows_problems
def settings_save(request, section: str, problems=()):
    county = current_county(request)
    if county is None or section not in SECTIONS:
        raise Http404("未知设置")
    permissions.require(
        request.user, services.MANAGE_ROLES, county.code, "修改本县设置", object_type=f"assessment.settings.{section}"
    )
    if problems:
        flash_problems(request, problems)
    else:
        SECTIONS[section](request, county)
        messages.success(request, "已保存。")
    return redirect(reverse("assessment:settings") + f"?county={county.code}")
