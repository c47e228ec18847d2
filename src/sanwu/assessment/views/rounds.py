"""Pages of team analysis rounds, the difficult-villages list and the county's settings (the
rectification and assessment pages are in `views_rectification` and `views_assessments`).

Thin: forms read what was typed, services decide. Every row comes through the scope gate; a
county-level header (a round) is shown to a township only through rows of its own it holds.
Buttons appear only for those who may use them; the services check again.
"""

import datetime as dt
from collections import Counter, defaultdict

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from sanwu.core.codes import region_level, region_prefix
from sanwu.core.errors import Invalid, Refused
from sanwu.core.gate import get_visible_or_404, refuse
from sanwu.core.scope import can_write, grants_of
from sanwu.core.tables import Column, Table, download
from sanwu.core.web import current_region_code, export_format, paginate, role_required
from sanwu.core.web import import_page as web_import_page
from sanwu.regions.models import Region

from . import importer, rules, services
from .access import round_or_404, rounds_visible
from .forms import FollowUpForm, PolicyForm, RatingForm, RoundForm, RuleForm, SituationForm, TaskForceForm
from .models import (
    VIEW_ROLES,
    VILLAGE_VIEW_ROLES,
    AnalysisRound,
    Assessment,
    ConsequenceRule,
    DifficultReview,
    DifficultVillage,
    FollowUp,
    History,
    IndicatorDefault,
    Rating,
    Rectification,
    TypicalSituation,
    Unit,
)

VIEW = tuple(sorted(VIEW_ROLES))
VILLAGE_VIEW = tuple(sorted(VILLAGE_VIEW_ROLES))
MANAGE = tuple(sorted(services.MANAGE_ROLES))


# --- helpers shared by the app's pages ---------------------------------------------------------


def county_choices(user) -> list[Region]:
    """The counties whose lists the user works on (a township's or village's own county)."""
    codes: set[str] = set()
    for g in grants_of(user):
        if g.role not in VILLAGE_VIEW_ROLES:
            continue
        if region_level(g.region_code) in ("city", "province"):
            codes |= set(Region.objects.filter(level="county", code__startswith=g.prefix).values_list("code", flat=True))
        else:
            codes.add(services.county_code_of(g.region_code))
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def current_county(request) -> Region | None:
    """The county picked (?county=), else the one of the region the user works in, else the
    first with any records, else the first."""
    choices = county_choices(request.user)
    if not choices:
        return None
    by_code = {c.code: c for c in choices}
    want = request.GET.get("county") or request.POST.get("county")
    if want in by_code:
        return by_code[want]
    here = current_region_code(request)
    if here and services.county_code_of(here) in by_code:
        return by_code[services.county_code_of(here)]
    for c in choices:
        if AnalysisRound.objects.filter(county=c).exists() or Assessment.objects.filter(county=c).exists() or Rectification.objects.filter(county=c).exists():
            return c
    return choices[0]


def can_manage(user, county_code: str) -> bool:
    return can_write(user, county_code, set(services.MANAGE_ROLES))


def problem_texts(exc: Invalid) -> list[str]:
    """A service's problems for a page: a file's name row and column; a form's just the message."""
    return [str(p) if (p.row is not None or p.file) else p.message for p in exc.problems]


def forbidden(request, what: str, object_id="", region_code: str = ""):
    refuse(request.user, what, object_id, region_code)
    return render(request, "403.html", status=403)


def task_url(task_id: int | None) -> str | None:
    if not task_id:
        return None
    try:
        return reverse("partywork:task", args=[task_id])
    except NoReverseMatch:
        return None


def townships_of(county: Region | None, user) -> list[Region]:
    """The county's townships the user sees (for filters)."""
    if county is None:
        return []
    return list(Region.objects.visible_to(user).filter(level="township", code__startswith=region_prefix(county.code)).order_by("code"))


def township_filter(request, county, user) -> tuple[str, list[Region]]:
    towns = townships_of(county, user)
    want = request.GET.get("township", "")
    return (want if want in {t.code for t in towns} else ""), towns


# --- home --------------------------------------------------------------------------------------


@role_required(*VILLAGE_VIEW)
def home(request):
    county = current_county(request)
    user = request.user
    ctx = {"county": county, "counties": county_choices(user), "can_manage": bool(county and can_manage(user, county.code))}
    if county is not None:
        within = region_prefix(county.code)
        ctx.update(
            rounds=_rounds_for(user, county).count(),
            difficult=DifficultVillage.objects.visible_to(user).filter(village__code__startswith=within, status="listed").count(),
            rectifying=Rectification.objects.visible_to(user).filter(village__code__startswith=within, status="listed").count(),
            delisted=Rectification.objects.visible_to(user).filter(village__code__startswith=within, status="delisted").count(),
            assessments=assessments_for(user, county).count(),
            sees_rounds=bool(set(VIEW_ROLES) & {g.role for g in grants_of(user)}),
            sees_settings=Region.objects.visible_to(user).filter(code=county.code).exists(),
        )
    return render(request, "assessment/home.html", ctx)


def assessments_for(user, county: Region):
    """The county's assessments the user sees: directly, or through a unit of theirs."""
    direct = Assessment.objects.visible_to(user).filter(county=county)
    via = Unit.objects.visible_to(user).filter(assessment__county=county).values("assessment")
    return Assessment.objects.filter(Q(pk__in=direct.values("pk")) | Q(pk__in=via)).order_by("-year", "level")


# --- team analysis rounds ----------------------------------------------------------------------


def _rounds_for(user, county: Region):
    return rounds_visible(user).filter(county=county).order_by("-year", "-number")


@role_required(*VIEW)
def rounds(request):
    county = current_county(request)
    if county is None:
        return render(request, "assessment/rounds.html", {"county": None, "page": paginate(request, [])})
    user = request.user
    manage = can_manage(user, county.code)
    form = RoundForm(request.POST or None, initial={"held_on": services.today()})
    problems: list[str] = []
    if request.method == "POST":
        if not manage:
            return forbidden(request, "view:assessment:rounds:create", region_code=county.code)
        if form.is_valid():
            d = form.cleaned_data
            try:
                rnd = services.create_round(user, county.code, d["held_on"], title=d["title"], summary=d["summary"])
            except Invalid as exc:
                problems = problem_texts(exc)
            else:
                messages.success(request, f"已建立「{rnd.title}」。")
                return redirect("assessment:round", pk=rnd.pk)
    qs = _rounds_for(user, county)
    total_villages = Region.objects.visible_to(user).filter(level="village", code__startswith=region_prefix(county.code)).count()
    visible_ratings = Rating.objects.visible_to(user)
    counts = defaultdict(Counter)
    for round_id, rating in visible_ratings.filter(round__in=qs).values_list("round_id", "rating"):
        counts[round_id][rating] += 1
    rows = list(qs)
    for r in rows:
        r.counts = {k: counts[r.pk].get(k, 0) for k in rules.RATINGS}
        r.rated = sum(counts[r.pk].values())
    fmt = export_format(request)
    if fmt:
        table = Table(
            "班子运行分析研判",
            [Column("title", "研判"), Column("held_on", "日期"), Column("rated", "已研判村数"), Column("villages", "村总数")]
            + [Column(k, v) for k, v in rules.RATINGS.items()] + [Column("status", "状态")],
            [{"title": r.title, "held_on": r.held_on, "rated": r.rated, "villages": total_villages, **r.counts, "status": r.get_status_display()} for r in rows],
        )
        return download(table, f"班子运行分析研判-{county.name}", fmt)
    return render(request, "assessment/rounds.html", {
        "county": county, "counties": county_choices(user), "page": paginate(request, rows), "form": form, "can_manage": manage,
        "problems": problems, "total_villages": total_villages, "ratings": rules.RATINGS,
    })


def _round(request, pk: int) -> tuple[AnalysisRound, bool]:
    return round_or_404(request.user, pk)


@role_required(*VIEW)
def round_detail(request, pk: int):
    rnd, whole = _round(request, pk)
    user = request.user
    manage = can_manage(user, rnd.county_id)
    villages = Region.objects.visible_to(user).filter(level="village", code__startswith=region_prefix(rnd.county_id)).select_related("parent")
    township, towns = township_filter(request, rnd.county, user)
    if township:
        villages = villages.filter(parent_id=township)
    ratings = {r.village_id: r for r in Rating.objects.visible_to(user).filter(round=rnd)}
    want = request.GET.get("rating", "")
    if want == "none":
        villages = villages.exclude(code__in=list(ratings))
    elif want in rules.RATINGS:
        villages = villages.filter(code__in=[c for c, r in ratings.items() if r.rating == want])
    q = request.GET.get("q", "").strip()
    if q:
        villages = villages.filter(Q(name__contains=q) | Q(parent__name__contains=q))
    rows = [{"village": v, "rating": ratings.get(v.code)} for v in villages.order_by("code")]
    fmt = export_format(request)
    if fmt:
        table = Table(
            f"研判结果-{rnd.title}",
            [Column("code", "村代码", width=16), Column("township", "乡镇"), Column("village", "村"), Column("rating", "研判等次")]
            + [Column(f"c{i}", name) for i, name in enumerate(rnd.criteria)] + [Column("findings", "主要问题", width=40)],
            [
                {
                    "code": r["village"].code, "township": r["village"].parent.name if r["village"].parent_id else "", "village": r["village"].name,
                    "rating": r["rating"].get_rating_display() if r["rating"] else "未研判",
                    **{f"c{i}": rules.RATINGS.get((r["rating"].criteria if r["rating"] else {}).get(name, ""), "") for i, name in enumerate(rnd.criteria)},
                    "findings": r["rating"].findings if r["rating"] else "",
                }
                for r in rows
            ],
        )
        return download(table, f"研判结果-{rnd.title}", fmt)
    dist = Counter(r.rating for r in ratings.values())
    follow_ups = FollowUp.objects.visible_to(user).filter(round=rnd).select_related("region__parent")
    fu_form = None
    if manage:
        targets = Region.objects.filter(code__startswith=region_prefix(rnd.county_id), level__in=("township", "village")).select_related("parent").order_by("code")
        fu_form = FollowUpForm(regions=targets, initial={"deadline": max(rnd.held_on, services.today()) + dt.timedelta(days=30)})
    return render(request, "assessment/round.html", {
        "round": rnd, "whole": whole, "page": paginate(request, rows), "manage": manage,
        "can_rate": rnd.status == "open" and (manage or any(can_write(user, t.code, {"township_supervisor"}) for t in towns)),
        "dist": [(k, label, dist.get(k, 0)) for k, label in rules.RATINGS.items()], "rated": len(ratings),
        "follow_ups": [(f, task_url(f.task_id)) for f in follow_ups], "fu_form": fu_form, "towns": towns, "township": township,
        "rating_filter": want, "q": q, "ratings": rules.RATINGS,
        "history": History.objects.visible_to(user).filter(kind="round", object_id=rnd.pk) if whole else [],
    })


@role_required(*services.RATE_ROLES)
def rate(request, pk: int, code: str):
    rnd, _ = _round(request, pk)
    village = get_visible_or_404(Region, request.user, code=code, level="village")
    if not village.code.startswith(region_prefix(rnd.county_id)):
        raise Http404("该村不在本轮研判范围内")
    if not can_write(request.user, village.code, set(services.RATE_ROLES)):
        return forbidden(request, "assessment.rating", village.code, village.code)
    current = Rating.objects.filter(round=rnd, village=village).first()
    initial = {"rating": current.rating, "findings": current.findings} if current else {}
    if current:
        initial.update({f"c{i}": current.criteria.get(name, "") for i, name in enumerate(rnd.criteria)})
    form = RatingForm(request.POST or None, criteria=rnd.criteria, initial=initial)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_village(request.user, rnd, village.code, form.cleaned_data["rating"], criteria=form.criteria_values(), findings=form.cleaned_data["findings"])
        except Invalid as exc:
            problems = problem_texts(exc)
        except Refused:
            return render(request, "403.html", status=403)
        else:
            messages.success(request, f"已保存{village.name}的研判结果。")
            return redirect(reverse("assessment:round", args=[rnd.pk]) + (f"?township={village.parent_id}" if village.parent_id else ""))
    earlier = Rating.objects.visible_to(request.user).filter(village=village).exclude(round=rnd).select_related("round").order_by("-round__held_on")
    return render(request, "assessment/rate.html", {"round": rnd, "village": village, "form": form, "problems": problems, "earlier": earlier, "locked": rnd.status != "open"})


@role_required(*MANAGE)
@require_POST
def follow_up(request, pk: int):
    rnd = get_visible_or_404(AnalysisRound, request.user, pk=pk)
    if not can_manage(request.user, rnd.county_id):
        return forbidden(request, "assessment.followup", rnd.pk, rnd.county_id)
    targets = Region.objects.filter(code__startswith=region_prefix(rnd.county_id), level__in=("township", "village")).select_related("parent")
    form = FollowUpForm(request.POST, regions=targets)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.add_follow_up(request.user, rnd, d["region"], d["title"], d["deadline"], d["description"])
        except (Invalid, Refused) as exc:
            for m in problem_texts(exc) if isinstance(exc, Invalid) else [str(exc)]:
                messages.error(request, m)
        else:
            messages.success(request, "已布置后续任务，并列入重点工作台账。")
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("assessment:round", pk=rnd.pk)


@role_required(*VIEW)
def review(request, pk: int):
    rnd = get_visible_or_404(AnalysisRound, request.user, pk=pk)
    manage = can_manage(request.user, rnd.county_id)
    problems: list[str] = []
    if request.method == "POST":
        if not manage:
            return forbidden(request, "assessment.review", rnd.pk, rnd.county_id)
        decisions = {k[2:]: v for k, v in request.POST.items() if k.startswith("o-") and v}
        notes = {k[2:]: v for k, v in request.POST.items() if k.startswith("n-") and v}
        try:
            result = services.review_round(request.user, rnd, decisions, notes)
        except Invalid as exc:
            problems = problem_texts(exc)
        except Refused:
            return render(request, "403.html", status=403)
        else:
            if result["already"]:
                messages.info(request, "本轮已复核过清单。")
            else:
                messages.success(request, "已复核重点难点村清单：" + "，".join(f"{rules.OUTCOMES[k]} {result[k]} 个" for k in rules.OUTCOMES))
            return redirect("assessment:review", pk=rnd.pk)
    labels = {**rules.OUTCOMES, "not_listed": "不列入"}
    if rnd.status == "reviewed":
        done = DifficultReview.objects.visible_to(request.user).filter(round=rnd).select_related("entry__village__parent").order_by("entry__village_id")
        return render(request, "assessment/review.html", {"round": rnd, "done": done, "manage": manage, "labels": labels})
    proposals = [p for p in services.review_proposals(rnd) if Region.objects.visible_to(request.user).filter(code=p.village.code).exists()]
    return render(request, "assessment/review.html", {"round": rnd, "proposals": proposals, "manage": manage, "labels": labels, "problems": problems})


# --- the difficult-villages list ----------------------------------------------------------------


def _history_text(entry) -> str:
    return "；".join(f"{r.round.title} {rules.OUTCOMES[r.outcome]}" for r in entry.reviews.all())


@role_required(*VIEW)
def difficult_list(request):
    county = current_county(request)
    user = request.user
    qs = DifficultVillage.objects.visible_to(user).select_related("village__parent", "listed_round", "removed_round").prefetch_related("reviews__round")
    if county is not None:
        qs = qs.filter(county=county)
    status = request.GET.get("status", "listed")
    if status in ("listed", "removed"):
        qs = qs.filter(status=status)
    township, towns = township_filter(request, county, user)
    if township:
        qs = qs.filter(village__parent_id=township)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(village__name__contains=q) | Q(leader__contains=q) | Q(members__contains=q))
    qs = qs.order_by("village_id", "-id")
    fmt = export_format(request)
    if fmt:
        table = Table(
            "重点难点村清单",
            [
                Column("code", "村代码", width=16), Column("township", "乡镇"), Column("village", "村"), Column("status", "状态"),
                Column("listed", "列入轮次"), Column("removed", "销号轮次"), Column("problems", "主要问题", width=40),
                Column("leader", "专班负责领导", width=20), Column("members", "专班成员", width=40), Column("history", "历次复核", width=50),
            ],
            [
                {
                    "code": e.village.code, "township": e.village.parent.name if e.village.parent_id else "", "village": e.village.name,
                    "status": e.get_status_display(), "listed": e.listed_round.title, "removed": e.removed_round.title if e.removed_round else "",
                    "problems": e.problems, "leader": e.leader, "members": "；".join(e.members.splitlines()), "history": _history_text(e),
                }
                for e in qs[:20000]
            ],
        )
        return download(table, f"重点难点村清单-{county.name if county else ''}", fmt)
    return render(request, "assessment/difficult_list.html", {
        "county": county, "counties": county_choices(user), "page": paginate(request, qs), "status": status, "towns": towns,
        "township": township, "q": q, "outcomes": rules.OUTCOMES, "can_manage": bool(county and can_manage(user, county.code)),
    })


@role_required(*VIEW)
def difficult_detail(request, pk: int):
    entry = get_visible_or_404(DifficultVillage, request.user, pk=pk)
    manage = can_manage(request.user, entry.county_id)
    form = TaskForceForm(request.POST or None, initial={"leader": entry.leader, "members": entry.members, "problems": entry.problems})
    problems: list[str] = []
    if request.method == "POST":
        if not manage:
            return forbidden(request, "assessment.difficultvillage", entry.pk, entry.village_id)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.assign_task_force(request.user, entry, leader=d["leader"], members=d["members"], problems_text=d["problems"])
            except Invalid as exc:
                problems = problem_texts(exc)
            except Refused:
                return render(request, "403.html", status=403)
            else:
                messages.success(request, "已保存专班安排。")
                return redirect("assessment:difficult", pk=entry.pk)
    ratings = Rating.objects.visible_to(request.user).filter(village=entry.village).select_related("round").order_by("round__held_on")
    others = DifficultVillage.objects.visible_to(request.user).filter(village=entry.village).exclude(pk=entry.pk).select_related("listed_round", "removed_round")
    return render(request, "assessment/difficult.html", {
        "entry": entry, "reviews": entry.reviews.select_related("round").order_by("round__held_on", "id"), "ratings": ratings, "others": others,
        "form": form if manage and entry.status == "listed" else None, "problems": problems, "task_url": task_url(entry.task_id),
        "history": History.objects.visible_to(request.user).filter(kind="difficult", object_id=entry.pk),
        "members": [m for m in entry.members.splitlines() if m.strip()], "outcomes": rules.OUTCOMES,
    })


def import_page(request, county, *, template: str, run, done, back: str, columns: dict):
    """An import page of a county's list (`core.web.import_page` for one county): the columns, the
    problems by row and column, and on success a message and back to the list."""
    return web_import_page(
        request, run=lambda user, data, filename: run(user, county.code, data, filename), done=done,
        back=reverse(back) + f"?county={county.code}", template=template, problems_of=problem_texts,
        context={
            "county": county, "counties": county_choices(request.user),
            "columns": [(names[0], key) for key, names in columns.items()],
            "export_url": reverse(back) + f"?county={county.code}&status=all&format=xlsx",
        },
    )


@role_required(*MANAGE)
def difficult_import(request):
    county = current_county(request)
    if county is None or not can_manage(request.user, county.code):
        return forbidden(request, "assessment.difficultvillage.import", region_code=county.code if county else "")
    return import_page(
        request, county, template="assessment/difficult_import.html", run=importer.import_difficult, back="assessment:difficult_list",
        columns={k: v for k, v in importer.DIFFICULT_COLUMNS.items() if k not in ("removed_round", "history")},
        done=importer.difficult_summary,
    )


# --- the county's settings -----------------------------------------------------------------------


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
    from sanwu.core.money import format_yuan

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
