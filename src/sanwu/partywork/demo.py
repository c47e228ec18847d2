"""Party work for the demo city: organisations for every region (committees, branches, county
departments, temporary branches for epidemic and flood work, grid branches, commando teams with
members), a year of key tasks in every state (assigned by county_yuexi to the Yuexi townships and
departments, by township_1 to its villages; a few of 主簿镇's extended or reassigned), dispatch
meetings and inspections, and talks.

Deterministic for a seed (and the day it is loaded on: the year of tasks is the current one) and
idempotent: a second call does nothing. Tasks run through the services, so their histories,
audit trail and states are exactly what users would have produced.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sanwu.core import audit
from sanwu.core.codes import region_prefix
from sanwu.core.models import SiteFlag
from sanwu.core.scope import grants_of
from sanwu.regions.models import Region

from . import services
from .models import PartyOrg, Talk, Task, TeamMember

FLAG = "partywork_demo"
YUEXI = "340828000000"
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙朱胡高何汪储程方余")
GIVEN = list("明华国建军平志强海英秀兰芳玉春红德林文金荣桂凤丽勇杰涛斌")
TEMP_PURPOSES = [("epidemic", "疫情防控"), ("flood", "防汛救灾"), ("project", "项目建设")]
DEPARTMENTS = [("农业农村局", "general_branch"), ("财政局", "branch"), ("乡村振兴局", "branch")]

# (title, source kind, source reference, monthly plan items)
COUNTY_TASKS = [
    ("村级班子运行情况分析研判", "analysis", "岳组〔{y}〕2号", ["逐村研判", "形成研判报告"]),
    ("软弱涣散村党组织整顿", "rectification", "岳组〔{y}〕5号", ["制定整顿方案", "落实“四个一”举措"]),
    ("“主题党日”清单落实", "document", "岳组〔{y}〕8号", ["按月开展主题党日"]),
    ("发展党员工作", "document", "岳组〔{y}〕11号", ["确定发展对象", "政治审查"]),
    ("村级集体经济发展计划和项目库", "meeting", "全县组织部长会议", ["每村2个以上项目入库"]),
    ("党建指导员工作日志调阅", "inspection", "第二轮专题督导", ["调阅工作日志"]),
    ("“一村一名大学生”后备干部储备", "document", "岳组〔{y}〕14号", ["摸底", "建立后备干部台账"]),
    ("组织委员配备和乡镇党建办公室建设", "meeting", "党建例会", ["配强组织委员"]),
    ("农村党员干部网格化管理", "document", "岳组〔{y}〕17号", ["调整网格", "党员结对帮扶"]),
    ("“三会一课”制度落实情况检查", "inspection", "第三轮专题督导", ["检查会议记录"]),
    ("村级财务公开和“四议两公开”规范", "meeting", "季度党建例会", ["按月公开"]),
    ("年度组织生活会和民主评议党员", "document", "岳组〔{y}〕23号", ["召开组织生活会", "民主评议党员"]),
]
VILLAGE_TASKS = [
    ("规范开展“三会一课”", "document", "镇党委〔{y}〕3号", ["召开支委会", "上党课"]),
    ("村集体经济增收项目推进", "meeting", "镇党建例会", ["项目立项", "项目实施"]),
    ("党员结对帮扶户走访", "inspection", "镇专题督导", ["每月走访一次"]),
    ("村务公开栏更新", "document", "镇党委〔{y}〕6号", ["按月更新"]),
]
TALK_TEXT = {
    "reminder": "指出{who}在{what}方面存在的不足，提醒其限期改进。",
    "encouragement": "肯定{who}在{what}中的表现，鼓励其继续担当作为。",
    "caring": "了解{who}的工作生活困难，在{what}方面给予关心支持。",
    "warning": "就{who}在{what}中的问题进行警诫谈话，要求立即整改。",
}
TALK_TOPICS = ["项目推进", "防汛救灾", "集体经济发展", "党建考核", "信访维稳", "人居环境整治"]


@dataclass
class DemoResult:
    orgs: int = 0
    members: int = 0
    tasks: int = 0
    meetings: int = 0
    talks: int = 0
    skipped: bool = False


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def load_demo(seed: int = 2021, today: dt.date | None = None) -> DemoResult:
    """Load the Party-work demo into a database that holds the demo city. Does nothing when it
    has been loaded already or there are no regions."""
    if SiteFlag.get(FLAG) or not Region.objects.filter(level="county").exists():
        return DemoResult(skipped=True)
    today = today or services.today()
    rng = random.Random(seed * 7919 + 6)
    result = DemoResult()
    with transaction.atomic():
        orgs_by_region = _organisations(rng, today, result)
        _tasks(rng, today, orgs_by_region, result)
        _talks(rng, today, result)
        SiteFlag.put(FLAG, str(seed))
        audit.record("partywork.demo.load", object_type="partywork", new=result.__dict__, region_code=Region.objects.filter(level="city").order_by("code").values_list("code", flat=True).first() or "")
    return result


# --- organisations -------------------------------------------------------------------------------


def _organisations(rng: random.Random, today: dt.date, result: DemoResult) -> dict[str, PartyOrg]:
    """The standing tree (city → county → township committees → village branches), county
    departments, grid branches, temporary branches and commando teams with members."""
    regions = list(Region.objects.exclude(level="group").order_by("code"))
    principal: dict[str, PartyOrg] = {}
    founded = dt.date(1990, 1, 1)
    for level in ("city", "county", "township", "village"):
        batch = []
        for r in regions:
            if r.level != level:
                continue
            parent = principal.get(r.parent_id) if r.parent_id else None
            if level == "village":
                kind = "general_branch" if rng.random() < 0.2 else "branch"
                name = f"{r.name}党{'总支' if kind == 'general_branch' else '支部'}"
                members = rng.randint(18, 70)
            else:
                kind = "committee"
                name = f"中共{r.name}委员会"
                members = 0
            batch.append(PartyOrg(name=name, kind=kind, region=r, parent=parent, start_date=founded, member_count=members, leader_name=_person(rng)))
        PartyOrg.objects.bulk_create(batch)
        for o in PartyOrg.objects.filter(region__level=level, kind__in=services.REGULAR_ORG_KINDS):
            principal[o.region_id] = o
    extra = []
    for r in regions:
        if r.level == "county":
            for dept, kind in DEPARTMENTS:
                extra.append(PartyOrg(name=f"{r.name}{dept}机关党{'总支' if kind == 'general_branch' else '支部'}", kind=kind, region=r,
                                      parent=principal[r.code], start_date=founded, member_count=rng.randint(12, 40), leader_name=_person(rng)))
        elif r.level == "village":
            for n in range(1, rng.choice((1, 2, 2, 3)) + 1):
                extra.append(PartyOrg(name=f"{r.name}第{'一二三'[n - 1]}网格党支部", kind="grid_branch", region=r, parent=principal[r.code],
                                      start_date=dt.date(2019, rng.randint(3, 10), rng.randint(1, 28)), member_count=rng.randint(5, 15),
                                      leader_name=_person(rng), purpose="poverty"))
        elif r.level == "township":
            parent = principal[r.code]
            villages = [v for v in regions if v.parent_id == r.code and v.level == "village"]
            # Temporary branches: last year's flood season and epidemic, and this year's.
            for i in range(rng.randint(2, 4)):
                purpose, label = TEMP_PURPOSES[i % 2] if i < 2 else rng.choice(TEMP_PURPOSES)
                place = rng.choice(villages) if villages and rng.random() < 0.6 else r
                year = today.year - 1 if i < 2 else today.year
                start = _day_in(rng, year, 1 if purpose == "epidemic" else 6, 2 if purpose == "epidemic" else 8, today)
                end = start + dt.timedelta(days=rng.randint(60, 150))
                extra.append(PartyOrg(name=f"{place.name}{label}临时党支部", kind="temporary_branch", region=place, parent=parent, purpose=purpose,
                                      start_date=start, end_date=end if end < today else None, member_count=rng.randint(4, 12), leader_name=_person(rng)))
            for i in range(rng.randint(1, 2)):
                purpose, label = TEMP_PURPOSES[(i + 1) % 2]
                year = today.year if i == 0 else today.year - 1
                start = _day_in(rng, year, 1, 12, today)
                extra.append(PartyOrg(name=f"{r.name}{label}党员突击队" + ("" if i == 0 else "（二）"), kind="commando_team", region=r, parent=parent,
                                      purpose=purpose, start_date=start, leader_name=_person(rng)))
    PartyOrg.objects.bulk_create(extra)
    members = []
    positions = ["村党员", "镇机关党员", "驻村干部", "村党组织书记", "退役军人党员", "致富带头人党员"]
    for team in PartyOrg.objects.filter(kind="commando_team").order_by("id"):
        n = rng.randint(3, 6)
        for _ in range(n):
            members.append(TeamMember(org=team, name=_person(rng), position=positions[rng.randrange(len(positions))], joined_on=team.start_date))
        team.member_count = n
        team.save(update_fields=["member_count"])
    TeamMember.objects.bulk_create(members)
    result.orgs = PartyOrg.objects.count()
    result.members = len(members)
    return principal


def _day_in(rng: random.Random, year: int, m1: int, m2: int, today: dt.date) -> dt.date:
    day = dt.date(year, rng.randint(m1, m2), rng.randint(1, 28))
    return min(day, today - dt.timedelta(days=1))


# --- tasks ---------------------------------------------------------------------------------------


def _users() -> dict:
    names = ("county_yuexi", "township_1", "township_2", "secretary_1")
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def _states(rng: random.Random, deadline: dt.date, today: dt.date) -> str:
    """Where a task stands, by how far its deadline lies behind or ahead."""
    gap = (today - deadline).days
    r = rng.random()
    if gap > 30:
        return "closed" if r < 0.7 else "verified" if r < 0.78 else "overdue" if r < 0.9 else "returned"
    if gap > -30:
        return "reported" if r < 0.4 else "assigned" if r < 0.7 else "returned" if r < 0.85 else "closed"
    return "assigned" if r < 0.7 else "reported" if r < 0.9 else "closed"


FORCED = ["closed", "verified", "reported", "returned", "overdue", "assigned"]


def _tasks(rng: random.Random, today: dt.date, principal: dict[str, PartyOrg], result: DemoResult) -> None:
    county = Region.objects.filter(code=YUEXI).first()
    if county is None:
        return
    users = _users()
    county_user = users.get("county_yuexi")
    township_users = {g.region_code: u for u in (users.get("township_1"), users.get("township_2")) if u is not None for g in grants_of(u)}
    year = today.year
    now = timezone.now()
    townships = list(Region.objects.filter(parent=county, level="township").order_by("code"))
    departments = list(PartyOrg.objects.filter(region=county, kind__in=("branch", "general_branch")).order_by("id"))
    plans = []  # (assigner, region, owner orgs, reporter, verifier, title, source, ref, items, forced state)
    for ti, town in enumerate(townships):
        reporter = township_users.get(town.code)
        for i, (title, source, ref, items) in enumerate(COUNTY_TASKS):
            if ti >= 2 and rng.random() < 0.5:
                continue  # the other townships carry fewer tasks, to keep the demo small
            forced = FORCED[i] if ti == 0 and i < len(FORCED) else None
            plans.append((county_user, town.code, [principal[town.code].pk], reporter, county_user, title, source, ref.format(y=year), items, forced, i))
    for i, dept in enumerate(departments[:3]):
        title, source, ref, items = COUNTY_TASKS[(i * 5) % len(COUNTY_TASKS)]
        plans.append((county_user, county.code, [dept.pk], None, county_user, f"{title}（部门）", source, ref.format(y=year), items, None, i * 4))
    t1 = townships[0] if townships else None
    if t1 is not None:
        for vi, village in enumerate(Region.objects.filter(parent=t1, level="village").order_by("code")):
            reporter = users.get("secretary_1") if vi == 0 else None
            for i, (title, source, ref, items) in enumerate(VILLAGE_TASKS):
                forced = FORCED[i + 1] if vi == 0 else None
                plans.append((township_users.get(t1.code), village.code, [principal[village.code].pk], reporter, township_users.get(t1.code),
                              title, source, ref.format(y=year), items, forced, i * 3 + vi))
    made: list[Task] = []
    for assigner, region, owners, reporter, verifier, title, source, ref, items, forced, slot in plans:
        month = 1 + (slot * 5 + rng.randint(0, 2)) % 12
        deadline = dt.date(year, month, rng.choice((10, 15, 20, 28)))
        if forced in ("closed", "verified", "overdue"):
            deadline = today - dt.timedelta(days=rng.randint(10, 60))
        elif forced in ("reported", "returned"):
            deadline = today + dt.timedelta(days=rng.randint(5, 25))
        elif forced == "assigned":
            deadline = today + dt.timedelta(days=rng.randint(20, 60))
        state = forced or _states(rng, deadline, today)
        if state == "overdue" and deadline >= today:
            state = "assigned"
        if state in ("closed", "verified") and deadline > today + dt.timedelta(days=60):
            state = "reported"
        assigned_on = min(max(dt.date(deadline.year, 1, 4), deadline - dt.timedelta(days=rng.randint(30, 80))), today, deadline)
        start = timezone.make_aware(dt.datetime.combine(assigned_on, dt.time(9, rng.randint(0, 59))))
        start = min(start, now - dt.timedelta(hours=3))
        steps = {"assigned": 0, "overdue": 0, "reported": 1, "returned": 2, "verified": 3, "closed": 3}[state]
        stamps = _stamps(rng, start, min(now - dt.timedelta(minutes=5), timezone.make_aware(dt.datetime.combine(deadline, dt.time(17))) + dt.timedelta(days=3)), 4)
        plan = {}
        for k, item in enumerate(items):
            m = deadline.month - (len(items) - 1 - k)
            if m >= 1:
                plan[(deadline.year, m)] = [item]
        task = services.assign_task(assigner, title=title, region_code=region, deadline=deadline, source_kind=source, source_ref=ref,
                                    description=f"按要求于{deadline.year}年{deadline.month}月{deadline.day}日前完成{title}，并报送佐证材料。",
                                    owner_org_ids=owners, plan=plan, at=start)
        if steps >= 1:
            services.report(reporter, task, f"已完成{title}的主要工作，相关材料已整理归档。", at=stamps[0])
        if steps >= 2:
            services.return_task(verifier, task, "佐证材料不全，请补充会议记录和照片。", at=stamps[1])
        if steps >= 3:
            services.report(reporter, task, "已按要求补充会议记录和现场照片。", at=stamps[2])
            services.verify(verifier, task, "材料齐全，同意。", close=(state == "closed"), at=stamps[3])
        made.append(task)
    result.tasks = len(made)
    # Dispatch meetings each quarter so far and two inspection rounds, against the tasks open then.
    def open_on(day: dt.date) -> list[Task]:
        return [
            t for t in sorted(made, key=lambda t: (t.deadline, t.pk))
            if t.region_id.startswith("340828") and t.assigned_on < day
            and (t.closed_at is None or timezone.localtime(t.closed_at).date() > day)
        ]

    for t in made:
        t.refresh_from_db(fields=["closed_at", "status"])
    for q in range(1, 5):
        day = dt.date(year, 3 * q - 2, 20)
        if day >= today:
            continue
        ids = [t.pk for t in open_on(day)][:6]
        services.record_meeting(county_user, kind="dispatch", title=f"{year}年第{q}季度重点工作调度会", date=day, region_code=county.code,
                                note="听取各乡镇重点工作推进情况，研究解决问题。", task_ids=ids)
        result.meetings += 1
    for n, month in enumerate((4, 9)):
        day = dt.date(year, month, 12)
        if day >= today:
            continue
        ids = [t.pk for t in open_on(day) if t.region_id != county.code][n::3][:5]
        services.record_meeting(county_user, kind="inspection", title=f"{year}年第{n + 1}轮党建专题督导", date=day, region_code=county.code,
                                note="分组下村，查阅台账，现场反馈问题。", task_ids=ids)
        result.meetings += 1
    if t1 is not None:
        _extend_and_reassign(made, county_user, township_users.get(t1.code), t1.code, today)


def _extend_and_reassign(made: list[Task], county_user, township_user, town: str, today: dt.date) -> None:
    """A few open tasks of 主簿镇 whose deadline was extended or whose owners changed, so the
    history shows both: the county extends one of the township's tasks and names the township
    supervisor as an owner of another; the township extends a village task and adds a grid
    branch to another. Only tasks not yet due are extended (the overdue ones stay overdue)."""
    if county_user is None or township_user is None:
        return
    moment = min(timezone.now() - dt.timedelta(hours=1), timezone.make_aware(dt.datetime.combine(today, dt.time(10, 30))))

    def pick(assigner, level: str) -> list[Task]:
        return [t for t in made if t.assigner_id == assigner.pk and t.status in ("assigned", "returned", "reported") and t.deadline >= today
                and t.region_id.startswith(region_prefix(town)) and (t.region_id == town) == (level == "township")][:2]

    def when(task: Task) -> dt.datetime:
        last = task.events.order_by("-at").values_list("at", flat=True).first()
        return max(moment, last + dt.timedelta(minutes=1))

    def orgs_of(task: Task) -> list[int]:
        return list(task.owners.exclude(org=None).order_by("id").values_list("org_id", flat=True))

    for assigner, level, days, reason in (
        (county_user, "township", 30, "结合全县组织部长会议新部署，完成时限顺延30天。"),
        (township_user, "village", 15, "受汛期影响，现场工作推迟，经镇党委研究同意延期。"),
    ):
        tasks = pick(assigner, level)
        if tasks:
            services.extend_deadline(assigner, tasks[0], tasks[0].deadline + dt.timedelta(days=days), reason, at=when(tasks[0]))
        if len(tasks) < 2:
            continue
        t = tasks[1]
        if level == "township":
            services.reassign(assigner, t, orgs_of(t), [township_user.pk], "明确乡镇组织委员为具体责任人，与镇党委共同承办。", at=when(t))
        else:
            grid = PartyOrg.objects.filter(region_id=t.region_id, kind="grid_branch").order_by("id").first()
            if grid is not None:
                services.reassign(assigner, t, [*orgs_of(t), grid.pk], [], "增加网格党支部共同承办，落实到网格。", at=when(t))


def _stamps(rng: random.Random, start: dt.datetime, end: dt.datetime, n: int) -> list[dt.datetime]:
    """n strictly increasing moments after `start`, spread up to `end` (never in the future)."""
    span = max((end - start).total_seconds(), n * 120.0)
    cuts = sorted(rng.uniform(0.1, 1.0) for _ in range(n))
    out, last = [], start
    for c in cuts:
        moment = timezone.localtime(start + dt.timedelta(seconds=span * c))
        if not 8 <= moment.hour < 18:  # office hours
            moment = moment.replace(hour=8 if moment.hour < 8 else 17, minute=rng.randint(0, 59))
        moment = max(min(moment, end), last + dt.timedelta(seconds=60))
        out.append(moment)
        last = moment
    return out


# --- talks ---------------------------------------------------------------------------------------


def _talks(rng: random.Random, today: dt.date, result: DemoResult) -> None:
    talkers = ["县委常委、组织部长", "县委组织部副部长", "乡镇党委书记", "县委组织部组织科科长"]
    rows = []
    for town in Region.objects.filter(level="township").order_by("code"):
        n = 8 if town.code.startswith("340828") else 3
        villages = list(Region.objects.filter(parent=town, level="village").order_by("code"))
        for _ in range(n):
            kind = rng.choices([k for k, _ in Talk.KINDS], weights=[4, 3, 2, 1])[0]
            place = rng.choice(villages) if villages and rng.random() < 0.6 else town
            position = f"{place.name}党{'支部' if place.level == 'village' else '委'}书记" if rng.random() < 0.7 else f"{place.name}{'村委会主任' if place.level == 'village' else '党委副书记'}"
            who = _person(rng)
            day = today - dt.timedelta(days=rng.randint(0, 420))
            topic = rng.choice(TALK_TOPICS)
            rows.append(Talk(kind=kind, date=day, person_name=who, person_position=position, talker=rng.choice(talkers), region=place,
                             summary=TALK_TEXT[kind].format(who="谈话对象", what=topic)))
    Talk.objects.bulk_create(rows)
    result.talks = len(rows)
