"""Collective-economy figures, rules and incentives. Pages, API, CLI and the brief call these.

Figures are read from the books' kept totals — `RoleYear` (yearly flows per account role, without
the year-end closing) and `SourceMonth` (income by source tag) — which the posting transaction
keeps current. A region's figures for a year are three aggregate queries whatever the number of
postings: O(villages × roles).

Every function takes the acting user (None: the system operator on the CLI) and goes through the
scope gate: books through `Book.objects.visible_to`, regions through `get_visible_or_404`.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, F, Max, Min, Sum, Value, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from sanwu.core import audit
from sanwu.core.codes import region_prefix
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.gate import get_visible_or_404, refuse
from sanwu.core.money import format_wan
from sanwu.core.scope import can_write
from sanwu.decisions import services as decisions
from sanwu.decisions.models import Matter
from sanwu.ledger.charts import INCOME_ROLES
from sanwu.ledger.models import Book, RoleYear, SourceMonth
from sanwu.regions.models import Region

from . import rules as R
from .figures import RETURN_FORMULA, Amounts, Summary, VillageYear, ranked, summarise
from .models import MEASURES, CadreReward, CadreRewardEvent, EconomySettings, TierRule
from .rules import Rules, Tier

LEVELS = ("city", "county", "township", "village")
CHILD_LEVEL = {"city": "county", "county": "township", "township": "village"}

SETTINGS_ROLES = {"county_supervisor"}
APPROVE_ROLES = {"township_supervisor"}
REVOKE_ROLES = {"county_supervisor"}


def today() -> dt.date:
    return timezone.localdate()


def _visible(model, user):
    """The system operator (None) sees everything; a user what the scope gate lets through."""
    return model.objects.all() if user is None else model.objects.visible_to(user)


def _require(user, code: str, roles: set[str], what: str) -> None:
    if user is not None and not can_write(user, code, roles):
        refuse(user, f"economy.{what}", code, code)
        raise Refused(f"无权{what}（{code}）")


def county_of(code: str) -> str:
    return code[:6] + "000000"


def township_of(code: str) -> str:
    return code[:9] + "000"


def child_of(code: str, level: str) -> str:
    """The code of the child region (one level below `level`) that village `code` lies in."""
    return {"county": county_of, "township": township_of, "village": lambda c: c}[CHILD_LEVEL[level]](code)


# --- Regions and years ---------------------------------------------------------------------------


def region_for(user, code: str) -> Region:
    """A city, county, township or village the user may see (404 otherwise, audited)."""
    if user is None:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Invalid(Problem(f"区划「{code}」不存在", field="region"))
    else:
        region = get_visible_or_404(Region, user, code=code)
    if region.level not in LEVELS:
        raise Invalid(Problem(f"「{region.name}」是{region.level_label}，请选择市、县、乡镇或村", field="region"))
    return region


def _books(user, region: Region, year: int | None = None):
    qs = _visible(Book, user).filter(region__code__startswith=region_prefix(region.code))
    if year is not None:
        qs = qs.filter(start_date__lte=dt.date(year, 12, 31))
    return qs


def year_choices(user, region: Region) -> list[int]:
    """From the first book's start to this year, latest first."""
    first = _books(user, region).aggregate(y=Min("start_date"))["y"]
    last = today().year
    start = first.year if first else last
    return list(range(last, min(start, last) - 1, -1))


def default_year(user, region: Region) -> int:
    """The latest year with posted income or expenses in the region's books."""
    y = RoleYear.objects.filter(book__in=_books(user, region)).aggregate(y=Max("year"))["y"]
    return y or today().year


def check_year(year, label: str = "年份") -> int:
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise Invalid(Problem(f"{label}「{year}」不是有效年份", field="year")) from None
    if not 1990 <= y <= today().year + 1:
        raise Invalid(Problem(f"{label}「{year}」超出范围（1990—{today().year + 1}）", field="year"))
    return y


# --- Rules (county settings) -----------------------------------------------------------------------


def rules_of(s: EconomySettings, tiers=None) -> Rules:
    tiers = tiers if tiers is not None else list(s.tiers.all())
    return Rules(
        operating_roles=frozenset(s.role_list),
        measure=s.measure,
        hollow_line=s.hollow_line,
        weak_line=s.weak_line,
        strong_line=s.strong_line,
        tiers=tuple(sorted((Tier(t.threshold, t.target, t.volume_award) for t in tiers), key=lambda t: t.threshold)),
        increment_step=s.increment_step,
        increment_award=s.increment_award,
        increment_cap=s.increment_cap,
        cadre_rate_bp=s.cadre_rate_bp,
        cadre_cap=s.cadre_cap,
    )


def rules_for(county_codes) -> dict[str, Rules]:
    """Each county's rules; a county that never saved its own uses the defaults (read only)."""
    codes = set(county_codes)
    out = {c: R.DEFAULTS for c in codes}
    for s in EconomySettings.objects.filter(county_id__in=codes).prefetch_related("tiers"):
        out[s.county_id] = rules_of(s)
    return out


def settings_for(county_code: str) -> EconomySettings:
    """The county's settings row, created with the defaults (and the default tiers) on first use."""
    county = Region.objects.filter(code=county_code, level="county").first()
    if county is None:
        raise Invalid(Problem(f"「{county_code}」不是已登记的县", field="region"))
    s = EconomySettings.objects.filter(county=county).first()
    if s is not None:
        return s
    with transaction.atomic():
        Region.objects.select_for_update().filter(code=county_code).first()
        s, created = EconomySettings.objects.get_or_create(county=county)
        if created:
            TierRule.objects.bulk_create([TierRule(settings=s, threshold=t.threshold, target=t.target, volume_award=t.volume_award) for t in R.DEFAULT_TIERS])
            audit.record("economy.settings.create", s, actor=None, new=settings_snapshot(s), region_code=county_code, note="默认规则")
    return s


def settings_snapshot(s: EconomySettings) -> dict:
    return {
        "measure": s.measure,
        "operating_roles": s.operating_roles,
        "hollow_line": s.hollow_line,
        "weak_line": s.weak_line,
        "strong_line": s.strong_line,
        "increment_step": s.increment_step,
        "increment_award": s.increment_award,
        "increment_cap": s.increment_cap,
        "cadre_rate_bp": s.cadre_rate_bp,
        "cadre_cap": s.cadre_cap,
        "tiers": [[t.threshold, t.target, t.volume_award] for t in s.tiers.order_by("threshold")],
    }


SETTING_FIELDS = (
    "measure", "operating_roles", "hollow_line", "weak_line", "strong_line", "increment_step", "increment_award",
    "increment_cap", "cadre_rate_bp", "cadre_cap",
)
MONEY_SETTINGS = {"hollow_line", "weak_line", "strong_line", "increment_step", "increment_award", "increment_cap", "cadre_cap"}
SETTING_LABELS = {
    "measure": "分类指标",
    "operating_roles": "经营性收入口径",
    "hollow_line": "空壳村线",
    "weak_line": "薄弱村线",
    "strong_line": "强村线",
    "increment_step": "增量奖每增长",
    "increment_award": "增量奖奖励",
    "increment_cap": "增量奖上限",
    "cadre_rate_bp": "村干部奖励比例",
    "cadre_cap": "村干部奖励上限",
    "tiers": "档次目标",
}


def settings_errors(values: dict, tiers: list[Tier]) -> list[Problem]:
    """Pure checks of a county's rules (values: SETTING_FIELDS; money in fen, rate in bp)."""
    p: list[Problem] = []

    def bad(field, msg):
        p.append(Problem(msg, field=SETTING_LABELS.get(field, field)))

    if values.get("measure") not in dict(MEASURES):
        bad("measure", "应为经营性收入或经营收益")
    roles = [r for r in str(values.get("operating_roles", "")).split(",") if r]
    if not roles:
        bad("operating_roles", "至少选择一种收入")
    for r in roles:
        if r in R.NEVER_OPERATING:
            bad("operating_roles", "补助收入不计入经营性收入")
        elif r not in R.OPERATING_ROLE_CHOICES:
            bad("operating_roles", f"未知的收入科目用途「{r}」")
    for f in MONEY_SETTINGS:
        v = values.get(f)
        if not isinstance(v, int) or isinstance(v, bool):
            bad(f, "应为金额")
        elif v < 0:
            bad(f, "不能为负数")
        elif v >= 10**14:
            bad(f, "金额过大")
    if not p:
        if values["weak_line"] > values["strong_line"]:
            bad("weak_line", "薄弱村线不能高于强村线")
        if values["hollow_line"] > values["weak_line"]:
            bad("hollow_line", "空壳村线不能高于薄弱村线")
        if values["increment_step"] <= 0:
            bad("increment_step", "应大于0")
    rate = values.get("cadre_rate_bp")
    if not isinstance(rate, int) or isinstance(rate, bool) or not 0 <= rate <= 10_000:
        bad("cadre_rate_bp", "应在 0% 到 100% 之间")
    seen = set()
    for i, t in enumerate(tiers, start=1):
        where = f"第{i}档："
        if t.threshold <= 0:
            bad("tiers", where + "档次线应大于0")
        elif t.threshold in seen:
            bad("tiers", where + f"档次线 {format_wan(t.threshold)} 万元重复")
        seen.add(t.threshold)
        if t.target < 0 or t.target > 100_000:
            bad("tiers", where + "目标村数应在 0 到 100000 之间")
        if t.volume_award < 0:
            bad("tiers", where + "体量奖不能为负数")
    return p


def update_settings(user, county_code: str, values: dict, tiers: list[Tier]) -> EconomySettings:
    """The county supervisor edits the county's rules; old and new go to the audit trail."""
    _require(user, county_code, SETTINGS_ROLES, "修改集体经济规则")
    problems = settings_errors(values, tiers)
    if problems:
        raise Invalid(problems)
    s = settings_for(county_code)
    with transaction.atomic():
        s = EconomySettings.objects.select_for_update().get(pk=s.pk)
        old = settings_snapshot(s)
        for f in SETTING_FIELDS:
            setattr(s, f, values[f])
        s.updated_by = user
        s.save()
        TierRule.objects.filter(settings=s).delete()
        TierRule.objects.bulk_create(
            [TierRule(settings=s, threshold=t.threshold, target=t.target, volume_award=t.volume_award) for t in sorted(tiers, key=lambda t: t.threshold)]
        )
        new = settings_snapshot(s)
        changed = {k for k in new if new[k] != old.get(k)}
        audit.record(
            "economy.settings.update", s, actor=user, old={k: old[k] for k in changed}, new={k: new[k] for k in changed},
            region_code=county_code,
        )
    return s


def parse_rate(text) -> int:
    """'20' or '20.5' (percent) → basis points (2000, 2050). At most two decimals."""
    try:
        d = Decimal(str(text).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        raise Invalid(Problem(f"比例「{text}」不是数字", field="村干部奖励比例")) from None
    if not d.is_finite() or d != d.quantize(Decimal("0.01")):
        raise Invalid(Problem(f"比例「{text}」最多两位小数", field="村干部奖励比例"))
    return int(d * 100)


# --- Figures -------------------------------------------------------------------------------------


def _fetch(qs) -> list[tuple]:
    """Run a values_list queryset (built, and scope-filtered, by the ORM) and return its plain
    rows without Django's per-value converters: the figures read tens of thousands of small rows
    and the converters would cost more than the database. Only ints and text are selected."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _net(roles) -> Cast:
    """Σ (credit − debit) over the rows of the given roles: income counts plus, expenses minus.
    Cast back to a 64-bit integer (PostgreSQL's SUM of bigint is numeric)."""
    return Cast(Sum(Case(When(role__in=sorted(roles), then=F("credit") - F("debit")), default=Value(0), output_field=BigIntegerField())), BigIntegerField())


def village_years(user, region: Region, year: int, *, with_prev: bool = True) -> list[VillageYear]:
    """Every village in the region (within the user's scope) that has a book covering the year,
    with its figures for the year and (`with_prev`) the year before: three queries over the kept
    totals (books, RoleYear, PV-tagged SourceMonth), O(villages × roles), whatever the postings.
    Without `with_prev` every `prev` is None (the report and the overview need no comparison)."""
    books = _books(user, region, year).order_by()
    book_ids = books.values("id")
    book_rows = _fetch(
        books.annotate(has_prev=Case(When(start_date__lt=dt.date(year, 1, 1), then=Value(1)), default=Value(0)))
        .values_list("id", "code", "chart", "region_id", "has_prev")
    )
    if not book_rows:
        return []
    years = (year - 1, year) if with_prev else (year,)
    rules = rules_for({county_of(r[3]) for r in book_rows})
    county_of_book = {r[0]: county_of(r[3]) for r in book_rows}
    # The role flows are summed in the database into the few figures the economy needs, one row
    # per book and year (RETURN_FORMULA and each county's operating roles, as data).
    role_sets = sorted({rules[c].operating_roles for c in set(county_of_book.values())}, key=sorted)
    op_column = {rs: f"op{i}" for i, rs in enumerate(role_sets)}
    cols = {
        "total": _net(INCOME_ROLES),
        "subsidy": _net({"subsidy_income"}),
        **{f"ret{chart}": _net(formula) for chart, formula in RETURN_FORMULA.items()},
        **{op_column[rs]: _net(rs & INCOME_ROLES) for rs in role_sets},
    }
    names_ = list(cols)
    sums: dict[tuple[int, int], dict[str, int]] = {}
    for book_id, y, *values in _fetch(
        RoleYear.objects.filter(book__in=book_ids, year__in=years).order_by().values("book_id", "year").annotate(**cols).values_list("book_id", "year", *names_)
    ):
        sums[(book_id, y)] = dict(zip(names_, values))
    pv: dict[tuple[int, int], int] = defaultdict(int)
    for book_id, y, roles, v in _fetch(
        SourceMonth.objects.filter(book__in=book_ids, year__in=years, source="pv").order_by()
        .values("book_id", "year", "account__roles").annotate(v=Cast(Sum(F("credit") - F("debit")), BigIntegerField())).values_list("book_id", "year", "account__roles", "v")
    ):
        if not set(roles.split(",")).isdisjoint(rules[county_of_book[book_id]].operating_roles):
            pv[(book_id, y)] += v or 0

    def amounts(book_id: int, y: int, chart: str, op: str) -> Amounts:
        row = sums.get((book_id, y))
        if row is None:
            return Amounts(0, 0, 0, pv.get((book_id, y), 0), 0)
        return Amounts(row[op], row[f"ret{chart}"], row["total"], pv.get((book_id, y), 0), row["subsidy"])

    prefix = region_prefix(region.code)
    names = dict(_fetch(Region.objects.filter(code__startswith=prefix[:9] if len(prefix) > 9 else prefix, level__in=("township", "village")).order_by().values_list("code", "name")))
    # A village's figures are the sum over its books (a second book adds up; only books that
    # cover the year before count for it).
    per_village: dict[str, list] = {}
    for book_id, code, chart, village, has_prev in sorted(book_rows, key=lambda r: r[1]):
        op = op_column[rules[county_of(village)].operating_roles]
        now = amounts(book_id, year, chart, op)
        prev = amounts(book_id, year - 1, chart, op) if has_prev and with_prev else None
        acc = per_village.get(village)
        if acc is None:
            per_village[village] = [now, prev, [code]]
        else:
            acc[0] = acc[0] + now
            if prev is not None:
                acc[1] = prev if acc[1] is None else acc[1] + prev
            acc[2].append(code)
    return [
        VillageYear(
            code=village, name=names.get(village, village), township_code=township_of(village), township_name=names.get(township_of(village), ""),
            county_code=county_of(village), year=year, rules=rules[county_of(village)], now=now, prev=prev, books=codes,
        )
        for village, (now, prev, codes) in sorted(per_village.items())
    ]


def village_year(user, village: Region, year: int) -> VillageYear | None:
    rows = village_years(user, village, year)
    return rows[0] if rows else None


def targets_for(region: Region, rules: dict[str, Rules]) -> dict[int, int] | None:
    """The tier targets at this level: a county's own; a city's the sum over its counties (those
    with books); none below the county (targets are set per county)."""
    if region.level == "county":
        r = rules.get(region.code) or rules_for([region.code])[region.code]
        return {t.threshold: t.target for t in r.tiers}
    if region.level == "city":
        out: dict[int, int] = defaultdict(int)
        for r in rules.values():
            for t in r.tiers:
                out[t.threshold] += t.target
        return dict(out)
    return None


@dataclass
class ChildSummary:
    code: str
    name: str
    summary: Summary


@dataclass
class Overview:
    region: Region
    year: int
    villages: list[VillageYear]
    summary: Summary
    children: list[ChildSummary]
    child_level: str | None
    rules: dict[str, Rules]

    @property
    def ranked(self) -> list[VillageYear]:
        return ranked(self.villages)


def overview(user, region: Region, year: int, *, with_prev: bool = False) -> Overview:
    """The region's year: its summary and its counties or townships side by side (the year
    before only on request: the village page shows its change)."""
    villages = village_years(user, region, year, with_prev=with_prev)
    rules = {v.county_code: v.rules for v in villages}
    if region.level == "county" and region.code not in rules:
        rules.update(rules_for([region.code]))
    summary = summarise(villages, year, targets_for(region, rules))
    children: list[ChildSummary] = []
    child_level = CHILD_LEVEL.get(region.level)
    if child_level and child_level != "village":
        groups: dict[str, list[VillageYear]] = defaultdict(list)
        for v in villages:
            groups[child_of(v.code, region.level)].append(v)
        names = dict(Region.objects.filter(code__in=list(groups)).values_list("code", "name"))
        for code in sorted(groups):
            target = None
            if child_level == "county":
                target = {t.threshold: t.target for t in rules[code].tiers}
            children.append(ChildSummary(code, names.get(code, code), summarise(groups[code], year, target)))
    return Overview(region, year, villages, summary, children, child_level, rules)


def trends(user, region: Region, years: list[int]) -> list[Summary]:
    """One summary per year (oldest first): the picture over the years."""
    out = []
    for y in sorted(years):
        villages = village_years(user, region, y)
        rules = {v.county_code: v.rules for v in villages}
        out.append(summarise(villages, y, targets_for(region, rules) if rules or region.level == "county" else None))
    return out


# --- The village's decision (四议两公开) ---------------------------------------------------------

CADRE_PURPOSE = "cadre_reward"


def decision_for(village_code: str, year: int) -> Matter | None:
    """The village's completed 四议两公开 decision on the year's cadre reward (the latest decided),
    or None. The one place that decides whether the village has decided: the decisions module
    says what "completed" means (resolution published, never abandoned)."""
    found = decisions.completed_matters(village_code, CADRE_PURPOSE, year)
    return found[-1] if found else None


def _decisions_in(user, prefix: str, year: int) -> dict[str, Matter]:
    """Each village's latest completed cadre-reward decision of the year under `prefix` (one query,
    through the scope gate). Uses the decisions module's own definition of "completed", so that
    the list and the approval agree."""
    qs = decisions.completed_matters_under(prefix, CADRE_PURPOSE, year)
    if user is not None:
        qs = qs.visible_to(user)
    out: dict[str, Matter] = {}
    for m in qs.order_by("village_id", "decided_on", "id"):
        out[m.village_id] = m  # the latest wins
    return out


def cadre_matters(user, village_code: str, year: int) -> list[Matter]:
    """All of the village's cadre-reward matters for the year the user may see, in any state
    (the award page lists them with their stage), latest first."""
    return list(
        _visible(Matter, user).filter(village_id=village_code, purpose=CADRE_PURPOSE, year=year).order_by("-created_at", "-id")
    )


# --- Incentives ------------------------------------------------------------------------------------


@dataclass
class AwardRow:
    village: VillageYear
    matter: Matter | None  # the village's completed 四议两公开 decision for the year's cadre reward
    decision: CadreReward | None  # the township's decision on the reward

    @property
    def v(self) -> VillageYear:
        return self.village

    @property
    def volume(self) -> int:
        return self.village.volume_award

    @property
    def increment(self) -> int:
        return self.village.increment_award

    @property
    def cadre(self) -> int:
        """What the rule gives today, from the books."""
        return self.village.cadre_reward

    @property
    def cadre_granted(self) -> int:
        return self.decision.amount if self.decision and self.decision.status == "approved" else 0

    @property
    def status(self) -> str:
        if self.decision is not None:
            return self.decision.status
        if self.cadre <= 0:
            return "none"
        return "pending" if self.matter else "no_resolution"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def changed_since(self) -> bool:
        """The books moved after the township approved (the approved amount stays as approved)."""
        return bool(self.decision and self.decision.status == "approved" and self.decision.amount != self.cadre)

    @property
    def basis(self) -> Matter | None:
        """The decision the reward rests on: the one the township approved with, else the village's
        current completed decision."""
        if self.decision is not None and self.decision.matter_id is not None:
            return self.decision.matter
        return self.matter

    @property
    def basis_abandoned(self) -> bool:
        """The decision an approval rests on was abandoned afterwards (the county may revoke)."""
        return bool(self.decision and self.decision.status == "approved" and self.decision.matter and self.decision.matter.status == "abandoned")

    @property
    def total(self) -> int:
        return self.volume + self.increment + self.cadre_granted

    @property
    def volume_reason(self) -> str:
        return volume_reason(self.village)

    @property
    def increment_reason(self) -> str:
        return increment_reason(self.village)

    @property
    def cadre_reason(self) -> str:
        return cadre_reason(self.village)

    def row(self) -> dict:
        v = self.village
        return {
            "code": v.code, "name": v.name, "township": v.township_name, "year": v.year,
            "measure": v.measure, "measure_label": v.rules.measure_label, "tier": v.tier_label,
            "volume_award": self.volume, "volume_reason": self.volume_reason,
            "increment_award": self.increment, "increment_reason": self.increment_reason,
            "operating_income_change": v.operating_income_change,
            "cadre_reward": self.cadre, "cadre_reason": self.cadre_reason,
            "cadre_status": self.status, "cadre_status_label": self.status_label, "cadre_granted": self.cadre_granted,
            "decision_id": self.basis.pk if self.basis else None,
            "decision_title": self.basis.title if self.basis else "",
            "resolution_date": self.basis.decided_on if self.basis else None,
            "decision_url": reverse("decisions:detail", args=[self.basis.pk]) if self.basis else "",
            "total": self.total,
        }


STATUS_LABELS = {
    "none": "无增量",
    "no_resolution": "待四议两公开决策",
    "pending": "待乡镇核准",
    "approved": "已核准",
    "rejected": "未核准",
    "revoked": "已撤销",
}


def _w(fen: int) -> str:
    return f"{format_wan(fen)}万元"


def volume_reason(v: VillageYear) -> str:
    t = v.tier
    if t is None:
        return ""
    return f"{v.rules.measure_label}{_w(v.measure)}，达到{t.label}档，体量奖{_w(t.volume_award)}"


def increment_reason(v: VillageYear) -> str:
    growth = v.measure_change
    if not v.increment_award:
        return ""
    r = v.rules
    steps = growth // r.increment_step
    text = f"{r.measure_label}比上年增长{_w(growth)}，满{steps}个{R.wan_text(r.increment_step)}万元，每个奖{_w(r.increment_award)}"
    if r.increment_cap and steps * r.increment_award > r.increment_cap:
        text += f"，按上限{_w(r.increment_cap)}"
    return text


def cadre_reason(v: VillageYear) -> str:
    inc = v.operating_income_change
    if inc is None:
        return "账簿中没有上年数据"
    if inc <= 0:
        return f"经营性收入比上年{'减少' + _w(-inc) if inc < 0 else '持平'}，没有增量"
    r = v.rules
    raw = inc * r.cadre_rate_bp // 10_000
    text = f"经营性收入比上年增加{_w(inc)}，按{R.rate_text(r.cadre_rate_bp)}计{_w(raw)}"
    if raw > r.cadre_cap:
        text += f"，按每村上限{_w(r.cadre_cap)}"
    return text


def award_rows(user, region: Region, year: int, villages: list[VillageYear] | None = None) -> list[AwardRow]:
    """Villages that qualify for a volume, increment or cadre reward in the year (or on which the
    township has decided), highest total first."""
    villages = villages if villages is not None else village_years(user, region, year)
    prefix = region_prefix(region.code)
    matters = _decisions_in(user, prefix, year)
    rewards = {d.village_id: d for d in _visible(CadreReward, user).filter(village__code__startswith=prefix, year=year).select_related("matter")}
    out = []
    for v in villages:
        row = AwardRow(v, matters.get(v.code), rewards.get(v.code))
        if row.volume or row.increment or row.cadre or row.decision:
            out.append(row)
    return sorted(out, key=lambda a: (-(a.volume + a.increment + max(a.cadre, a.cadre_granted)), a.village.code))


def _village(code: str) -> Region:
    village = Region.objects.filter(code=code, level="village").first()
    if village is None:
        raise Invalid(Problem(f"「{code}」不是已登记的村", field="region"))
    return village


def _event(reward: CadreReward, action: str, old: str, user, note: str = "") -> None:
    CadreRewardEvent.objects.create(
        reward=reward, action=action, from_status=old, to_status=reward.status, amount=reward.amount, note=note[:200],
        actor=user, actor_name=getattr(user, "username", "") if user is not None else "system",
    )


def approve_cadre_reward(user, village_code: str, year: int, note: str = "") -> CadreReward:
    """The township approves a village's cadre reward: only with the village's completed 四议两公开
    decision on it (purpose `cadre_reward`, the same year) and an increase in operating income; the
    figures, the amount and the decision it rests on are frozen in the reward."""
    village = _village(village_code)
    year = check_year(year)
    _require(user, village.code, APPROVE_ROLES, "核准村干部奖励")
    with transaction.atomic():
        Region.objects.select_for_update().filter(code=village.code).first()  # one decision at a time per village
        reward = CadreReward.objects.select_for_update().filter(village=village, year=year).first()
        if reward is not None and reward.status == "approved":
            raise Invalid(Problem(f"{village.name}{year}年度村干部奖励已核准"))
        # Lock the candidate matters: a decision abandoned meanwhile must not be approved on.
        list(Matter.objects.select_for_update().filter(village=village, purpose=CADRE_PURPOSE, year=year).values_list("pk", flat=True))
        matter = decision_for(village.code, year)
        problems = []
        if matter is None:
            problems.append(Problem(f"{village.name}没有已完成的{year}年度村干部奖励“四议两公开”决策（决议尚未公开），不能核准"))
        vy = village_year(None, village, year)
        if vy is None or vy.prev is None:
            problems.append(Problem(f"{village.name}的账簿没有{year - 1}年的数据，无法计算增量"))
        elif vy.cadre_reward <= 0:
            problems.append(Problem(f"{village.name}{year}年经营性收入比上年没有增加，没有村干部奖励"))
        if problems:
            raise Invalid(problems)
        old = reward.status if reward else ""
        reward = reward or CadreReward(village=village, year=year)
        reward.status = "approved"
        reward.operating_income = vy.now.operating_income
        reward.prev_operating_income = vy.prev.operating_income
        reward.increase = vy.operating_income_change
        reward.amount = vy.cadre_reward
        reward.rate_bp, reward.cap = vy.rules.cadre_rate_bp, vy.rules.cadre_cap
        reward.matter = matter
        reward.reason = (note or "").strip()[:200]
        reward.decided_by, reward.decided_at = user, timezone.now()
        reward.save()
        _event(reward, "approve", old, user, reward.reason)
        audit.record(
            "economy.cadre_reward.approve", reward, actor=user, region_code=village.code, old={"status": old} if old else None,
            new={"status": "approved", "year": year, "increase": reward.increase, "amount": reward.amount, "matter": matter.pk},
        )
    return reward


def reject_cadre_reward(user, village_code: str, year: int, reason: str) -> CadreReward:
    village = _village(village_code)
    year = check_year(year)
    _require(user, village.code, APPROVE_ROLES, "审核村干部奖励")
    if not (reason or "").strip():
        raise Invalid(Problem("请填写不予核准的原因", field="reason"))
    with transaction.atomic():
        Region.objects.select_for_update().filter(code=village.code).first()
        reward = CadreReward.objects.select_for_update().filter(village=village, year=year).first()
        if reward is not None and reward.status in ("approved", "rejected"):
            raise Invalid(Problem(f"{village.name}{year}年度村干部奖励已{reward.get_status_display()}"))
        old = reward.status if reward else ""
        reward = reward or CadreReward(village=village, year=year)
        reward.status, reward.amount, reward.reason = "rejected", 0, reason.strip()[:200]
        reward.matter = decision_for(village.code, year)
        reward.decided_by, reward.decided_at = user, timezone.now()
        reward.save()
        _event(reward, "reject", old, user, reward.reason)
        audit.record("economy.cadre_reward.reject", reward, actor=user, region_code=village.code, old={"status": old} if old else None, new={"status": "rejected", "year": year}, note=reward.reason)
    return reward


def revoke_cadre_reward(user, village_code: str, year: int, reason: str) -> CadreReward:
    """The county revokes an approval (a decision abandoned or wrong, corrected books); the township
    may then decide again."""
    village = _village(village_code)
    year = check_year(year)
    _require(user, village.code, REVOKE_ROLES, "撤销村干部奖励核准")
    if not (reason or "").strip():
        raise Invalid(Problem("请填写撤销原因", field="reason"))
    with transaction.atomic():
        reward = CadreReward.objects.select_for_update().filter(village=village, year=year).first()
        if reward is None or reward.status != "approved":
            raise Invalid(Problem(f"{village.name}{year}年度村干部奖励未核准，无需撤销"))
        old_amount = reward.amount
        reward.status, reward.reason = "revoked", reason.strip()[:200]
        reward.decided_by, reward.decided_at = user, timezone.now()
        reward.save()
        _event(reward, "revoke", "approved", user, reward.reason)
        audit.record("economy.cadre_reward.revoke", reward, actor=user, region_code=village.code, old={"status": "approved", "amount": old_amount}, new={"status": "revoked"}, note=reward.reason)
    return reward


def reward_events(user, village_code: str, year: int) -> list[CadreRewardEvent]:
    return list(_visible(CadreRewardEvent, user).filter(reward__village_id=village_code, reward__year=year).select_related("actor"))

