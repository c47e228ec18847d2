"""Imports from CSV or XLSX — assessment scores, the difficult-villages list and the
rectification list. All or nothing: every problem is listed by file, row and column, and a bad
file writes nothing (the services do the writing, in one transaction).

Scores: one row per township (or village), one column per indicator (`services.set_scores`).

Columns (Chinese or English headers):
    代码/code (required)   名称/name (optional; when given it must match the code)
    one column per indicator, headed by its name (基层党建) or key (party_building)
    综合得分, 名次, 所属乡镇 (as the Excel export writes them) are read and ignored,
so the exported score sheet can be filled in and imported again. A blank score cell is left as
it is.

The two lists kept by village (`parse_difficult`, `parse_rectifications`) read their own export's
columns: a village by 村代码 (or 村 with 乡镇), the values to keep, the informational columns
(历次复核, 验收情况 …) ignored. A village already on the list is updated, one not on it is listed,
rows of entries already removed must be unchanged, and an empty cell leaves a value as it is — so
an exported sheet, edited, imports again and changes only what was edited.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from sanwu.core import audit, permissions
from sanwu.core.codes import region_prefix
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.money import MoneyError, parse_yuan
from sanwu.core.readers import parse_date, read_rows
from sanwu.regions.models import Region

from . import services
from .models import AnalysisRound, Assessment, DifficultVillage, Rectification, Screening, TypicalSituation
from .rules import ScoreError, parse_score

BASE_COLUMNS: dict[str, list[str]] = {
    "code": ["代码", "区划代码", "乡镇代码", "村代码"],
    "name": ["名称", "乡镇", "村", "考核对象", "单位"],
    "_township": ["所属乡镇"],
    "_total": ["综合得分", "总分", "total"],
    "_rank": ["名次", "排名", "rank"],
}
MAX_BYTES = 5 * 1024 * 1024


def columns_for(a: Assessment) -> dict[str, list[str]]:
    cols = dict(BASE_COLUMNS)
    for i in a.indicators.all():
        cols[i.key] = [i.name]
    return cols


def parse_scores(a: Assessment, data: bytes, filename: str) -> list[services.ScoreEntry]:
    """Read a whole file into score entries, or raise `Invalid` with every problem."""
    name = Path(filename).name
    if len(data) > MAX_BYTES:
        raise Invalid(Problem(f"文件超过 {MAX_BYTES // 1024 // 1024} MB", file=name))
    indicators = {i.key: i for i in a.indicators.all()}
    keys, rows = read_rows(data, name, columns_for(a))
    problems: list[Problem] = []
    if "code" not in keys:
        problems.append(Problem("缺少必需的列「代码（code）」", row=1, field="code", file=name))
    present = [k for k in keys if k in indicators]
    if not present:
        problems.append(Problem(f"没有任何考核指标列（应为：{'、'.join(i.name for i in indicators.values())}）", row=1, file=name))
    if problems:
        raise Invalid(problems)
    units = {u.region_id: u.region.name for u in a.units.select_related("region")}
    entries: list[services.ScoreEntry] = []
    seen: dict[str, int] = {}
    count = 0
    for line, row in rows:
        count += 1
        code = row.get("code", "")
        if not code:
            problems.append(Problem("代码不能为空", row=line, field="code", file=name))
            continue
        if code not in units:
            problems.append(Problem(f"「{code}」不是本次考核的考核对象", row=line, field="code", file=name))
            continue
        if code in seen:
            problems.append(Problem(f"代码「{code}」与第{seen[code]}行重复", row=line, field="code", file=name))
            continue
        seen[code] = line
        given = row.get("name", "")
        if given and given != units[code]:
            problems.append(Problem(f"名称「{given}」与代码「{code}」对应的「{units[code]}」不一致", row=line, field="name", file=name))
        for key in present:
            value = row.get(key, "")
            if value == "":
                continue
            entries.append(services.ScoreEntry(code, key, value, row=line, field=indicators[key].name))
    if not count:
        problems.append(Problem("文件中没有数据行", file=name))
    elif not entries and not problems:
        problems.append(Problem("文件中没有任何得分", file=name))
    # Scores that cannot be read are reported together with the row problems above.
    for e in entries:
        try:
            parse_score(e.value)
        except ScoreError as exc:
            problems.append(Problem(f"「{e.field}」{exc}", row=e.row, field=e.field, file=name))
    if problems:
        raise Invalid(sorted(problems, key=lambda p: (p.row or 0)))
    return entries


def import_scores(user, a: Assessment, data: bytes, filename: str) -> dict:
    """Check the whole file, then write every score in one transaction (or nothing)."""
    permissions.require(user, services.MANAGE_ROLES, a.county_id, "录入考核得分", object_type="assessment.score", object_id=a.pk)
    entries = parse_scores(a, data, filename)
    result = services.set_scores(user, a, entries, file=Path(filename).name)
    return {**result, "rows": len({e.region for e in entries})}


# --- Lists kept by village: shared pieces ------------------------------------------------------

_SPLIT_LINES = re.compile(r"[；;\n]+")
_NUMBERS = re.compile(r"^\d+(\s*[、,，]\s*\d+)*$")
_NUMBERED = re.compile(r"^(\d+)\s*[.．、]\s*\S")
_MEASURE = re.compile(r"^(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)\s*(.*)$", re.S)
_MEASURE_START = re.compile(r"[；;\n]+\s*(?=\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月])")
VILLAGE_COLUMNS: dict[str, list[str]] = {
    "code": ["村代码", "代码", "区划代码"],
    "township": ["乡镇"],
    "village": ["村", "村名", "村名称"],
}


def _label(columns: dict[str, list[str]], key: str) -> str:
    """How a problem names a column: its Chinese header and its key, 「村代码（code）」."""
    return f"{columns[key][0]}（{key}）" if key in columns else key


def find_village(row: dict, county: Region, villages) -> tuple[Region | None, str | None, str]:
    """The village a row names — by its code, or by its name (with the township's when the name
    repeats) — among `villages` (the county's, as the user sees them): (village, None, column)
    or (None, the problem, column)."""
    code, name, town = row.get("code", ""), row.get("village", ""), row.get("township", "")
    if code:
        v = villages.filter(code=code).select_related("parent").first()
        if v is None:
            return None, f"「{code}」不是{county.name}的村，或不在您的管辖范围内", "code"
        if name and name != v.name:
            return None, f"村名「{name}」与代码「{code}」对应的「{v.name}」不一致", "village"
        return v, None, "code"
    if not name:
        return None, "村代码和村名不能都为空", "code"
    qs = villages.filter(name=name)
    if town:
        qs = qs.filter(parent__name=town)
    found = list(qs.select_related("parent")[:2])
    if len(found) == 1:
        return found[0], None, "village"
    if not found:
        return None, f"「{town}{name}」不是{county.name}的村，或不在您的管辖范围内", "village"
    return None, f"村名「{name}」不唯一，请填写村代码或乡镇", "village"


def _county_villages(user, county: Region):
    return permissions.visible(Region, user).filter(level="village", code__startswith=region_prefix(county.code))


@dataclass
class _Row:
    """One row of a list kept by village, with the village it names, its status and its problems."""

    line: int
    cells: dict
    columns: dict
    file: str
    village: Region | None = None
    vkey: str = "code"
    status: str | None = None
    bad: list = field(default_factory=list)

    def p(self, message: str, key: str) -> None:
        self.bad.append(Problem(message, row=self.line, field=_label(self.columns, key), file=self.file))


def _village_rows(user, county_code: str, data: bytes, filename: str, columns: dict, statuses: dict[str, str]):
    """Open a list of one county's villages: (county, the rows). Each row comes with its village
    (by code, or by name within the county as the user sees it) and its status read, or the
    problems with them."""
    name = Path(filename).name
    county = services.county_or_invalid(county_code)
    keys, rows = read_rows(data, name, columns)
    if "code" not in keys and "village" not in keys:
        raise Invalid(Problem("缺少必需的列「村代码（code）」（或「村（village）」）", row=1, field=_label(columns, "code"), file=name))
    villages = _county_villages(user, county)
    labels = "、".join(k for k in statuses if k and not k.isascii())

    def each():
        for line, cells in rows:
            r = _Row(line, cells, columns, name)
            r.village, trouble, r.vkey = find_village(cells, county, villages)
            if trouble:
                r.p(trouble, r.vkey)
            r.status = statuses.get(cells.get("status", ""))
            if r.status is None:
                r.p(f"状态「{cells['status']}」无效（{labels}）", "status")
            yield r

    return county, each()


def _checked(rows_and_plans: list[tuple[_Row, dict | None, tuple]], filename: str) -> list[dict]:
    """Every row's plan, or `Invalid` with every problem; a row repeating an earlier good one
    (the same village and status) is a problem too."""
    problems: list[Problem] = []
    plans: list[dict] = []
    seen: dict[tuple, int] = {}
    for r, plan, ident in rows_and_plans:
        if ident in seen:
            r.p(f"{r.village.name}与第{seen[ident]}行重复", r.vkey)
            r.bad.insert(0, r.bad.pop())  # the repetition first: the rest may follow from it
        problems.extend(r.bad)
        if not r.bad and plan is not None:
            seen[ident] = r.line
            plans.append(plan)
    if problems:
        raise Invalid(sorted(problems, key=lambda p: p.row or 0))
    if not plans:
        raise Invalid(Problem("文件中没有数据行", file=Path(filename).name))
    return plans


def _lines(text: str) -> str:
    """Several names in a cell (the export joins them with ；) as one per line."""
    return "\n".join(part.strip() for part in _SPLIT_LINES.split(text or "") if part.strip())


# --- The difficult-villages list ---------------------------------------------------------------

DIFFICULT_COLUMNS: dict[str, list[str]] = {
    **VILLAGE_COLUMNS,
    "status": ["状态"],
    "listed_round": ["列入轮次"],
    "problems": ["主要问题"],
    "leader": ["专班负责领导"],
    "members": ["专班成员"],
    # informational columns of the export, ignored on import
    "removed_round": ["销号轮次"],
    "history": ["历次复核"],
}
LISTED_NAMES = {"": "listed", "在册": "listed", "listed": "listed", "已销号": "removed", "removed": "removed"}


def parse_difficult(user, county_code: str, data: bytes, filename: str) -> list[dict]:
    """Read and check a difficult-villages list of one county (the list's own export, edited).
    A village on the list gets the task force and problems of its row; a village not on it is
    listed at the round named in 列入轮次; rows of removed entries must be unchanged; an empty
    cell leaves the value as it is. Returns what to do per row, or raises `Invalid` listing every
    problem by row and column. Only the county organisation department imports."""
    permissions.require(
        user, services.MANAGE_ROLES, county_code, "导入重点难点村清单",
        object_type="assessment.difficultvillage", object_id=county_code,
    )
    county, rows = _village_rows(user, county_code, data, filename, DIFFICULT_COLUMNS, LISTED_NAMES)
    rounds = {r.title: r for r in AnalysisRound.objects.filter(county=county)}
    entries = DifficultVillage.objects.filter(county=county).select_related("listed_round", "removed_round").order_by("-id")
    listed = {e.village_id: e for e in entries if e.status == "listed"}
    removed: dict[str, list[DifficultVillage]] = {}
    for e in entries:
        if e.status == "removed":
            removed.setdefault(e.village_id, []).append(e)
    checked = []
    for r in rows:
        title = r.cells.get("listed_round", "")
        given = {k: r.cells[k] for k in ("problems", "leader", "members") if r.cells.get(k)}
        if "members" in given:
            given["members"] = _lines(given["members"])
        plan = ident = None
        if r.village is not None and r.status is not None:
            ident = (r.village.code, r.status, title if r.status == "removed" else "")
            plan = _difficult_plan(r, title, given, listed.get(r.village.code), removed.get(r.village.code, []), rounds, county)
        checked.append((r, plan, ident))
    return _checked(checked, filename)


def _difficult_plan(r: _Row, title: str, given: dict, entry, removed: list, rounds: dict, county: Region) -> dict | None:
    """What a row asks of one village's entry, checked by the service's rules (problems on `r`)."""
    name = r.village.name
    if r.status == "removed":
        entry = next((e for e in removed if not title or e.listed_round.title == title), None)
        if entry is None:
            r.p(f"{name}没有{f'于「{title}」列入并' if title else ''}已销号的记录", "status")
        elif any(getattr(entry, k) != v for k, v in given.items()):
            r.p(f"{name}已于「{entry.removed_round.title if entry.removed_round else ''}」销号，不能再修改", "status")
        else:
            return {"action": "unchanged"}
        return None
    if entry is not None:
        current = {"problems": entry.problems, "leader": entry.leader, "members": entry.members}
        merged = {**current, **given}
        if title and title != entry.listed_round.title:
            r.p(f"{name}于「{entry.listed_round.title}」列入清单，与列入轮次「{title}」不符", "listed_round")
            return None
        if merged == current:
            return {"action": "unchanged"}
        plan = {"action": "update", "entry": entry, **merged}
    elif not title:
        r.p(f"{name}不在清单中；新列入须填写列入轮次", "listed_round")
        return None
    elif title not in rounds:
        r.p(f"列入轮次「{title}」不是{county.name}的研判轮次", "listed_round")
        return None
    else:
        plan = {"action": "list", "round": rounds[title], "village": r.village, "problems": "", "leader": "", "members": "", **given}
    _, errs = services.task_force_errors(leader=plan["leader"], members=plan["members"], problems_text=plan["problems"],
                                         required=plan["action"] == "update")
    for prob in errs:
        r.p(prob.message, prob.field)
    return plan


def import_difficult(user, county_code: str, data: bytes, filename: str) -> dict:
    """Check the whole file, then list and update in one transaction (or change nothing)."""
    plans = parse_difficult(user, county_code, data, filename)
    name = Path(filename).name
    counts = {"listed": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for plan in plans:
            if plan["action"] == "list":
                services.list_village(user, plan["round"], plan["village"].code, problems_text=plan["problems"], leader=plan["leader"],
                                      members=plan["members"], note=f"导入：{name}")
                counts["listed"] += 1
            elif plan["action"] == "update":
                services.assign_task_force(user, plan["entry"], leader=plan["leader"], members=plan["members"], problems_text=plan["problems"])
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        audit.record("assessment.difficult.import", object_type="assessment.difficultvillage", actor=user, region_code=county_code,
                     new={"file": name, **counts})
    return counts


def difficult_summary(result: dict) -> str:
    return f"导入完成：新列入 {result['listed']} 个村，更新 {result['updated']} 个，未变化 {result['unchanged']} 个。"


# --- The rectification list --------------------------------------------------------------------

RECTIFICATION_COLUMNS: dict[str, list[str]] = {
    **VILLAGE_COLUMNS,
    "year": ["列入年度", "年度"],
    "situations": ["存在问题（典型情形）", "存在问题", "典型情形"],
    "causes": ["原因分析"],
    "plan": ["整顿方案"],
    "county_leader": ["联系县级领导"],
    "township_lead": ["乡镇责任人"],
    "first_secretary": ["第一书记"],
    "party_funds": ["党建经费（元）", "党建经费"],
    "project_funds": ["项目扶持资金（元）", "项目扶持资金"],
    "deadline": ["整顿时限"],
    "measures": ["整顿措施"],
    "status": ["状态"],
    # informational columns of the export, ignored on import
    "delisted_on": ["销号日期"],
    "check": ["验收情况"],
}
CASE_STATUS_NAMES = {"": "listed", "整顿中": "listed", "listed": "listed", "验收销号": "delisted", "delisted": "delisted"}
# the service's field → the file's column
CASE_COLUMNS = {
    "causes": "causes", "plan": "plan", "county_leader": "county_leader", "township_lead": "township_lead",
    "first_secretary": "first_secretary", "party_funds_fen": "party_funds", "project_funds_fen": "project_funds", "deadline": "deadline",
}


def _situations(text: str, by_number: dict[int, TypicalSituation]) -> tuple[set[int], list[str]]:
    """「2. 书记不胜任、不在状态；4. 组织制度形同虚设」 (the export's form), numbers alone
    (「2、4」), or titles → the situations' numbers."""
    by_title = {s.title: n for n, s in by_number.items()}
    numbers, problems = set(), []
    for item in (i.strip() for i in _SPLIT_LINES.split(text or "")):
        if not item:
            continue
        if _NUMBERS.match(item):
            found = [int(n) for n in re.findall(r"\d+", item)]
        elif m := _NUMBERED.match(item):
            found = [int(m[1])]
        elif item in by_title:
            found = [by_title[item]]
        else:
            problems.append(f"典型情形「{item}」不在本县的软弱涣散典型情形中")
            continue
        for n in found:
            if n in by_number:
                numbers.add(n)
            else:
                problems.append(f"典型情形序号「{n}」不在本县的软弱涣散典型情形中")
    return numbers, problems


def _measures(text: str) -> tuple[list[tuple[dt.date, str]], list[str]]:
    """「2025-03-01 召开专题会议；2025-04-02 调整支部书记」 → [(date, text), …]."""
    out, problems = [], []
    for item in (i.strip() for i in _MEASURE_START.split(text or "")):
        if not item:
            continue
        m = _MEASURE.match(item)
        day = parse_date(m[1]) if m else None
        if day is None:
            problems.append(f"整顿措施「{item[:20]}」应以日期开头（如 2025-03-01 召开专题会议）")
        else:
            out.append((day, m[2].strip()))
    return out, problems


def parse_rectifications(user, county_code: str, data: bytes, filename: str) -> list[dict]:
    """Read and check a rectification list of one county (the list's own export, edited). An
    organisation under rectification gets the causes, plan, leaders, first secretary, funds (yuan
    → fen) and deadline of its row and the measures not yet recorded; a village not under
    rectification is listed for 列入年度 with the typical situations of its row (recorded as that
    year's screening); rows of delisted ones must be unchanged; an empty cell leaves the value as
    it is. Returns what to do per row, or raises `Invalid` listing every problem by row and column.
    The county lists and edits; a township may record its own villages' measures."""
    county = services.county_or_invalid(county_code)
    if not services.may_import_rectifications(user, county.code):
        permissions.refuse(user, "assessment.rectification.import", "", county.code)
        raise Refused("无权导入整顿台账")
    county, rows = _village_rows(user, county_code, data, filename, RECTIFICATION_COLUMNS, CASE_STATUS_NAMES)
    ctx = {
        "user": user, "settings": services.ensure_county_settings(county.code), "this_year": today().year,
        "situations": {s.number: s for s in TypicalSituation.objects.filter(county=county)},
    }
    cases = list(Rectification.objects.filter(county=county).prefetch_related("situations", "measures").order_by("-year", "-id"))
    checked = []
    for r in rows:
        values = _case_values(r, ctx["situations"])
        plan = ident = None
        if r.village is not None and r.status is not None and not r.bad:
            ident = (r.village.code, r.status, values["year"] if r.status == "delisted" else None)
            plan = _rectification_plan(r, values, [c for c in cases if c.village_id == r.village.code], ctx)
        checked.append((r, plan, ident))
    return _checked(checked, filename)


def _case_values(r: _Row, situations: dict) -> dict:
    """What a row says, read: year, situation numbers, the case fields given (an empty cell is not
    given), the measures. Problems reading them go on `r`."""
    cells = r.cells
    out: dict = {"year": None, "numbers": None, "given": {}, "measures": []}
    if cells.get("year"):
        y = cells["year"].removesuffix("年")
        if y.isdigit() and 2000 <= int(y) <= 2100:
            out["year"] = int(y)
        else:
            r.p(f"列入年度「{cells['year']}」无效", "year")
    if cells.get("situations"):
        out["numbers"], errs = _situations(cells["situations"], situations)
        for msg in errs:
            r.p(msg, "situations")
    for f in ("causes", "plan", "county_leader", "township_lead", "first_secretary"):
        if cells.get(f):
            out["given"][f] = cells[f]
    for f, col, label in (("party_funds_fen", "party_funds", "党建经费"), ("project_funds_fen", "project_funds", "项目扶持资金")):
        if cells.get(col):
            try:
                out["given"][f] = parse_yuan(cells[col])
            except MoneyError as exc:
                r.p(f"{label}：{exc}", col)
    if cells.get("deadline"):
        day = parse_date(cells["deadline"])
        if day is None:
            r.p(f"整顿时限「{cells['deadline']}」不是有效日期（如 2025-12-31）", "deadline")
        else:
            out["given"]["deadline"] = day
    measures, errs = _measures(cells.get("measures", ""))
    for msg in errs:
        r.p(msg, "measures")
    out["measures"] = list(dict.fromkeys(measures))
    return out


def _rectification_plan(r: _Row, values: dict, mine: list[Rectification], ctx: dict) -> dict | None:
    """What a row asks of one village's case (`mine`: its cases, latest first), checked by the
    service's rules and the user's rights (problems on `r`)."""
    village, year, numbers, given = r.village, values["year"], values["numbers"], values["given"]
    if r.status == "delisted":
        case = next((c for c in mine if c.status == "delisted" and (year is None or c.year == year)), None)
        if case is None:
            r.p(f"{village.name}没有{f'{year}年列入并' if year else ''}验收销号的整顿台账", "status")
            return None
    else:
        case = next((c for c in mine if c.status == "listed"), None)
    if case is not None:
        recorded = {(m.date, m.text) for m in case.measures.all()}
        new_measures = [m for m in values["measures"] if m not in recorded]
        changes = {f: v for f, v in given.items() if getattr(case, f) != v}
        same_situations = numbers is None or numbers == {s.number for s in case.situations.all()}
        if r.status == "delisted":
            if changes or new_measures or not same_situations:
                r.p(f"{village.name}已于 {case.delisted_on} 验收销号，不能再修改", "status")
                return None
            return {"action": "unchanged"}
        if year is not None and year != case.year:
            r.p(f"{village.name}正在整顿的台账列入年度为{case.year}年，与「{r.cells['year']}」不符", "year")
            return None
        if not same_situations:
            r.p("存在问题（典型情形）以年度排查为准，请在“年度排查”中修改", "situations")
            return None
        plan = _case_plan(r, ctx, case.year, {f: getattr(case, f) for f in services.CASE_FIELDS}, changes, new_measures)
        return plan and {**plan, "case": case}
    year = year or ctx["this_year"]
    user = ctx["user"]
    if not permissions.may(user, services.MANAGE_ROLES, village.code):
        r.p(f"{village.name}不在整顿台账中；无权把它列入整顿台账", r.vkey)
    elif year > ctx["this_year"]:
        r.p(f"列入年度{year}年晚于今年", "year")
    elif not numbers:
        r.p(f"{village.name}不在整顿台账中；新列入须填写存在问题（典型情形）", "situations")
    elif any(not ctx["situations"][n].active for n in numbers):
        r.p("所选典型情形已停用", "situations")
    else:
        defaults = {f: "" for f in services.CASE_FIELDS} | {"party_funds_fen": ctx["settings"].party_funds_fen, "project_funds_fen": 0, "deadline": None}
        plan = _case_plan(r, ctx, year, defaults, given, values["measures"])
        return plan and {**plan, "action": "list", "year": year, "situations": sorted(ctx["situations"][n].pk for n in numbers)}
    return None


def _case_plan(r: _Row, ctx: dict, year: int, current: dict, changes: dict, measures: list) -> dict | None:
    """Check a row's changes and new measures against the service's rules and the user's rights
    (problems on `r`). Returns the plan, or None when something is wrong."""
    before = len(r.bad)
    _, errs = services.case_errors(ctx["settings"], year, {**current, **changes})
    for prob in errs:
        r.p(prob.message, CASE_COLUMNS.get(prob.field, "causes"))
    for day, text in measures:
        for prob in services.measure_errors(year, day, text)[1]:
            r.p(f"整顿措施「{day} {text[:20]}」：{prob.message}", "measures")
    user, village = ctx["user"], r.village
    if changes and not permissions.may(user, services.MANAGE_ROLES, village.code):
        r.p(f"无权修改「{village.name}」的整顿台账（只能记录整顿措施）", r.vkey)
    if measures and not permissions.may(user, services.MEASURE_ROLES, village.code):
        r.p(f"无权记录「{village.name}」的整顿措施", r.vkey)
    if len(r.bad) > before:
        return None
    return {"action": "update" if changes or measures else "unchanged", "village": village, "changes": changes, "measures": measures}


def import_rectifications(user, county_code: str, data: bytes, filename: str) -> dict:
    """Check the whole file, then list, update and record measures in one transaction (or change
    nothing)."""
    plans = parse_rectifications(user, county_code, data, filename)
    name = Path(filename).name
    counts = {"listed": 0, "updated": 0, "unchanged": 0, "measures": 0}
    with transaction.atomic():
        for plan in plans:
            if plan["action"] == "unchanged":
                counts["unchanged"] += 1
                continue
            if plan["action"] == "list":
                case = _list_case(user, plan, name)
                counts["listed"] += 1
            else:
                case = plan["case"]
                counts["updated"] += 1
            if plan["changes"]:
                services.update_rectification(user, case, **plan["changes"])
            for day, text in plan["measures"]:
                services.add_measure(user, case, day, text)
                counts["measures"] += 1
        audit.record("assessment.rectification.import", object_type="assessment.rectification", actor=user, region_code=county_code,
                     new={"file": name, **counts})
    return counts


def rectification_summary(result: dict) -> str:
    return (f"导入完成：新列入 {result['listed']} 个，更新 {result['updated']} 个（新记整顿措施 {result['measures']} 条），"
            f"未变化 {result['unchanged']} 个。")


def _list_case(user, plan: dict, filename: str) -> Rectification:
    """List a village through the year's screening (what lists it anywhere else): the situations
    of the row are added to the screening the year already has, if any."""
    village, year = plan["village"], plan["year"]
    screening = Screening.objects.filter(year=year, village=village).first()
    if screening is not None:
        ids = set(plan["situations"]) | set(screening.situations.values_list("pk", flat=True))
        note, day = screening.note, screening.screened_on
    else:
        ids, note, day = set(plan["situations"]), f"导入：{filename}", min(today(), dt.date(year, 12, 31))
    _, case = services.screen_village(user, year, village.code, sorted(ids), note, day)
    return case
