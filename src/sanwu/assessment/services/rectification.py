"""Rectification of weak and lax village Party organisations (软弱涣散村党组织整顿): the yearly
screening against the county's typical situations lists a village (with a ledger task); its
plan, leaders, funds and measures are kept; only a passed acceptance check delists it."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sanwu.core import audit, permissions
from sanwu.core.codes import county_of
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_yuan
from sanwu.partywork.services import close_by_origin
from sanwu.regions.models import Region

from ..models import AcceptanceCheck, CountySettings, History, Measure, Rectification, Screening, TypicalSituation
from .common import checked_year, clean_text, saved_by
from .consequences import assign_ledger_task
from .settings import ensure_county_settings
from .visibility import MANAGE_ROLES, MEASURE_ROLES


def situations_of(county_code: str, active_only: bool = True) -> list[TypicalSituation]:
    ensure_county_settings(county_code)
    qs = TypicalSituation.objects.filter(county_id=county_code)
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.order_by("number"))


def screen_village(user, year: int, village_code: str, situation_ids, note: str = "", screened_on: dt.date | None = None) -> tuple[Screening, Rectification | None]:
    """Record the year's screening of a village. A village matching any typical situation is
    put on the rectification list (with a ledger task), unless it is on it already — then its
    open case carries on. A screening never removes a village: only an acceptance check does."""
    problems: list[Problem] = []
    year = checked_year(year, problems)
    village = Region.objects.filter(code=village_code, level="village").first()
    if village is None:
        raise Invalid(Problem(f"「{village_code}」不是已登记的村", field="village"))
    county_code = county_of(village.code)
    permissions.require(
        user, MANAGE_ROLES, village.code, f"排查{village.name}",
        object_type="assessment.screening", object_id=village.code,
    )
    settings_row = ensure_county_settings(county_code)
    ids = sorted({int(i) for i in situation_ids})
    chosen = list(TypicalSituation.objects.filter(county_id=county_code, pk__in=ids))
    if len(chosen) != len(ids):
        problems.append(Problem("所选情形不在本县典型情形清单中", field="situations"))
    elif any(not s.active for s in chosen):
        problems.append(Problem("所选情形已停用", field="situations"))
    note = clean_text(note, "排查情况", "note", problems)
    screened_on = screened_on or today()
    if not isinstance(screened_on, dt.date):
        problems.append(Problem("排查日期无效", field="screened_on"))
    elif screened_on > today():
        problems.append(Problem("排查日期不能晚于今天", field="screened_on"))
    elif year and screened_on.year not in (year, year + 1):
        problems.append(Problem(f"排查日期应在{year}年度内（或次年初）", field="screened_on"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        screening = Screening.objects.select_for_update().filter(year=year, village=village).first()
        old = {"situations": sorted(screening.situations.values_list("number", flat=True)), "note": screening.note} if screening else None
        if screening is None:
            screening = Screening(county_id=county_code, year=year, village=village)
        screening.note, screening.screened_on = note, screened_on
        screening.screened_by = saved_by(user)
        screening.save()
        screening.situations.set(chosen)
        audit.record("assessment.screening", screening, actor=user, old=old, new={"situations": sorted(s.number for s in chosen), "note": note}, region_code=village.code)
        case = Rectification.objects.select_for_update().filter(village=village, status="listed").first()
        if chosen and case is None:
            case = Rectification.objects.create(
                county_id=county_code, year=year, village=village, party_funds_fen=settings_row.party_funds_fen,
                deadline=max(dt.date(year, 12, 31), screened_on + dt.timedelta(days=90)),
                created_by=saved_by(user),
            )
            case.situations.set(chosen)
            township = village.parent.name if village.parent_id else ""
            case.task_id = assign_ledger_task(
                user, title=f"软弱涣散村党组织整顿：{township}{village.name}", region_code=village.code, deadline=case.deadline,
                source_kind="rectification", source_ref=f"{year}年度软弱涣散村党组织排查",
                description="存在问题：" + "；".join(s.title for s in chosen), origin=f"assessment.rectification:{case.pk}", year=year,
                assigned_on=screened_on,
            )
            case.save(update_fields=["task_id"])
            History.record(
                user, "listed", kind="rectification", object_id=case.pk, region_code=village.code, to_status="listed",
                note=f"{year}年度排查列入：" + "、".join(s.title for s in chosen),
            )
            audit.record("assessment.rectification.list", case, actor=user, new={"year": year, "situations": [s.number for s in chosen]}, region_code=village.code)
        elif chosen:
            case.situations.add(*chosen)
            History.record(
                user, "rescreened", kind="rectification", object_id=case.pk, region_code=village.code,
                note=f"{year}年度排查仍存在问题，延续整顿：" + "、".join(s.title for s in chosen),
            )
    return screening, case if chosen else None


CASE_FIELDS = ["causes", "plan", "county_leader", "township_lead", "first_secretary", "party_funds_fen", "project_funds_fen", "deadline"]


def case_errors(settings_row: CountySettings, year: int, data: dict) -> tuple[dict, list[Problem]]:
    """A rectification's `CASE_FIELDS` cleaned, and what is wrong with them: texts within their
    lengths, funds whole fen not below 0 (project funds 0 or within the county's range), the
    deadline not before the year it was listed."""
    data = dict(data)
    problems: list[Problem] = []
    data["causes"] = clean_text(data["causes"], "原因分析", "causes", problems)
    data["plan"] = clean_text(data["plan"], "整顿方案", "plan", problems)
    for f, label in (("county_leader", "联系县级领导"), ("township_lead", "乡镇责任人"), ("first_secretary", "第一书记")):
        data[f] = clean_text(data[f], label, f, problems, max_length=100)
    for f, label in (("party_funds_fen", "党建经费"), ("project_funds_fen", "项目扶持资金")):
        v = data[f]
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            problems.append(Problem(f"{label}应为不小于0的金额（分）", field=f))
    p = data["project_funds_fen"]
    if isinstance(p, int) and p > 0 and not settings_row.project_funds_min_fen <= p <= settings_row.project_funds_max_fen:
        problems.append(Problem(
            f"项目扶持资金应在 {format_yuan(settings_row.project_funds_min_fen)} 至 {format_yuan(settings_row.project_funds_max_fen)} 元之间（本县设置），或为0（尚未安排）",
            field="project_funds_fen",
        ))
    if data["deadline"] is not None and not isinstance(data["deadline"], dt.date):
        problems.append(Problem("整顿时限无效", field="deadline"))
    elif data["deadline"] is not None and data["deadline"] < dt.date(year, 1, 1):
        problems.append(Problem("整顿时限不能早于列入年度", field="deadline"))
    return data, problems


def update_rectification(user, case: Rectification, **values) -> Rectification:
    """Causes, plan, the assigned county leader, township lead and first secretary, the funds
    (fen) and the deadline of a listed organisation (`CASE_FIELDS`)."""
    permissions.require(user, MANAGE_ROLES, case.village_id, "修改整顿台账", object_type="assessment.rectification", object_id=case.pk)
    unknown = set(values) - set(CASE_FIELDS)
    if unknown:
        raise Invalid(Problem(f"未知字段：{'、'.join(sorted(unknown))}", field="rectification"))
    settings_row = ensure_county_settings(case.county_id)
    data, problems = case_errors(settings_row, case.year, {**{f: getattr(case, f) for f in CASE_FIELDS}, **values})
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        case = Rectification.objects.select_for_update().get(pk=case.pk)
        if case.status != "listed":
            raise Invalid(Problem("已验收销号的整顿台账不能再修改", field="status"))
        old = audit.snapshot(case, CASE_FIELDS)
        for f in CASE_FIELDS:
            setattr(case, f, data[f])
        case.save(update_fields=CASE_FIELDS)
        new = audit.snapshot(case, CASE_FIELDS)
        changed = [f for f in CASE_FIELDS if old[f] != new[f]]
        if changed:
            labels = {f.name: str(f.verbose_name).removesuffix("（分）") for f in Rectification._meta.fields}
            History.record(
                user, "updated", kind="rectification", object_id=case.pk, region_code=case.village_id,
                note="修改：" + "、".join(labels[f] for f in changed),
            )
            audit.record("assessment.rectification.update", case, actor=user, old=old, new=new, region_code=case.village_id)
    return case


def measure_errors(year: int, date, text) -> tuple[str, list[Problem]]:
    """A measure's text cleaned, and what is wrong: a text, a date not in the future and not
    before the year the organisation was listed."""
    problems: list[Problem] = []
    text = clean_text(text, "措施", "text", problems, required=True)
    if not isinstance(date, dt.date):
        problems.append(Problem("日期无效", field="date"))
    elif date > today():
        problems.append(Problem("措施日期不能晚于今天", field="date"))
    elif date < dt.date(year, 1, 1):
        problems.append(Problem("措施日期不能早于列入年度", field="date"))
    return text, problems


def add_measure(user, case: Rectification, date: dt.date, text: str) -> Measure:
    permissions.require(user, MEASURE_ROLES, case.village_id, "记录整顿措施", object_type="assessment.measure", object_id=case.pk)
    text, problems = measure_errors(case.year, date, text)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        case = Rectification.objects.select_for_update().get(pk=case.pk)
        if case.status != "listed":
            raise Invalid(Problem("已验收销号，不能再记录整顿措施", field="status"))
        m = Measure.objects.create(rectification=case, date=date, text=text, recorded_by=saved_by(user))
        History.record(
            user, "measure", kind="rectification", object_id=case.pk, region_code=case.village_id, note=f"{date:%Y-%m-%d} {text[:100]}"
        )
        audit.record("assessment.rectification.measure", m, actor=user, new={"date": date, "text": text}, region_code=case.village_id)
    return m


def _checked_at(date: dt.date) -> dt.datetime | None:
    """When the ledger records a check made on `date`: now if today, else that day at 17:00."""
    if date >= today():
        return None
    return timezone.make_aware(dt.datetime.combine(date, dt.time(17, 0)))


def record_acceptance(user, case: Rectification, *, date: dt.date, passed: bool, result: str, checked_by: str) -> AcceptanceCheck:
    """验收. A passed check — and nothing else — removes the organisation from the list; a failed
    one is kept on record and the rectification goes on."""
    permissions.require(
        user, MANAGE_ROLES, case.village_id, "组织整顿验收",
        object_type="assessment.acceptancecheck", object_id=case.pk,
    )
    problems: list[Problem] = []
    result = clean_text(result, "验收意见", "result", problems, required=True)
    checked_by = clean_text(checked_by, "验收人", "checked_by", problems, required=True, max_length=100)
    if not isinstance(date, dt.date):
        problems.append(Problem("验收日期无效", field="date"))
    elif date > today():
        problems.append(Problem("验收日期不能晚于今天", field="date"))
    elif date < dt.date(case.year, 1, 1):
        problems.append(Problem("验收日期不能早于列入年度", field="date"))
    if not isinstance(passed, bool):
        problems.append(Problem("请注明验收是否通过", field="passed"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        case = Rectification.objects.select_for_update().get(pk=case.pk)
        if case.status != "listed":
            raise Invalid(Problem(f"该村已于 {case.delisted_on:%Y-%m-%d} 验收销号", field="status"))
        check = AcceptanceCheck.objects.create(
            rectification=case, date=date, passed=passed, result=result, checked_by=checked_by,
            recorded_by=saved_by(user),
        )
        if passed:
            case.status, case.delisted_on = "delisted", date
            case.save(update_fields=["status", "delisted_on"])
            close_by_origin(user, case.task_id, f"{date:%Y-%m-%d} {checked_by}验收通过，整顿销号", at=_checked_at(date))
        History.record(
            user, "delisted" if passed else "check_failed", kind="rectification", object_id=case.pk, region_code=case.village_id,
            **({"from_status": "listed", "to_status": "delisted"} if passed else {}),
            note=f"{date:%Y-%m-%d} {checked_by}验收{'通过，销号' if passed else '未通过'}：{result[:100]}",
        )
        audit.record(
            "assessment.rectification.accept" if passed else "assessment.rectification.check_failed", case, actor=user,
            old={"status": "listed"}, new={"status": case.status, "date": date, "checked_by": checked_by, "result": result}, region_code=case.village_id,
        )
    return check
