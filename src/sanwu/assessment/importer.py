"""Assessment scores from CSV or XLSX: one row per township (or village), one column per
indicator. All or nothing: every problem is listed by row and column and a bad file writes
nothing (`services.set_scores` does the writing).

Columns (Chinese or English headers):
    代码/code (required)   名称/name (optional; when given it must match the code)
    one column per indicator, headed by its name (基层党建) or key (party_building)
    综合得分, 名次, 所属乡镇 (as the Excel export writes them) are read and ignored,
so the exported score sheet can be filled in and imported again. A blank score cell is left as
it is.
"""

from pathlib import Path

from sanwu.core.errors import Invalid, Problem
from sanwu.core.readers import read_rows

from . import services
from .models import Assessment
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
    services.require_scorer(user, a)
    entries = parse_scores(a, data, filename)
    result = services.set_scores(user, a, entries, file=Path(filename).name)
    return {**result, "rows": len({e.region for e in entries})}
