"""The county's settings: its funds, the analysis criteria, the typical situations of weak and
lax organisations, the assessment indicators and the consequence rules.

The seed's values below are copied into each county's settings rows the first time the county
uses this app (`ensure_county_settings`). After that the rows are the county's own: the county
organisation department edits them; nothing else in the code names a situation, an indicator or
a consequence rule.

Sources: domain.md 5.1 (typical situations of weak and lax organisations, with the local
additions), the Taihu section of the brief (5,000元 Party-building funds and 50–80万元 project
support per rectified village; the three consequence rules), the Wangjiang section (analysis of
leadership teams).
"""

from django.db import transaction
from django.db.models import Max

from sanwu.core import audit, permissions
from sanwu.core.errors import Invalid, Problem

from .. import rules
from ..models import ConsequenceRule, CountySettings, IndicatorDefault, TypicalSituation
from .common import clean_text, county_or_invalid
from .visibility import MANAGE_ROLES


# 软弱涣散 typical situations: (number, short title, description, local addition?)
TYPICAL_SITUATIONS: list[tuple[int, str, str, bool]] = [
    (1, "班子不健全、书记长期缺职", "村党组织班子配备不齐，或书记长期缺职（超过3个月），工作处于停滞状态。", False),
    (2, "书记不胜任、不在状态", "书记不胜任现职、工作不在状态，如长期不在村、“走读”。", False),
    (3, "班子不团结、内耗严重", "班子不团结、内耗严重，影响工作正常开展。", False),
    (4, "组织制度形同虚设", "不落实“三会一课”、主题党日、组织生活会、民主评议党员等制度。", False),
    (5, "村务财务管理混乱", "村务、财务管理混乱，民主决策、民主管理、民主监督不落实，村务不公开。", False),
    (6, "治安和信访问题集中", "社会治安问题和信访矛盾集中，发生群体性事件。", False),
    (7, "拉票贿选等选举问题", "换届选举中存在拉票贿选等问题。", False),
    (8, "宗族宗教黑恶势力干扰", "宗族、宗教势力或黑恶势力干扰严重。", False),
    (9, "服务意识差、群众满意度低", "为民服务意识差，群众意见大（如满意度低于60%）。", False),
    (10, "连续2年以上未发展党员", "地方增补：连续2年以上未发展党员。", True),
    (11, "年度考核排名末位", "地方增补：在年度考核中排名末位。", True),
    (12, "集体经济薄弱或空壳", "地方增补：村级集体经济薄弱或为空壳村。", True),
    (13, "未完成村“两委”换届", "地方增补：村“两委”换届选举未完成。", True),
]

# Assessment indicators: (key, name, weight in percent). The weights add up to 100.
INDICATORS: list[tuple[str, str, int]] = [
    ("party_building", "基层党建", 30),
    ("org_work", "组织业务", 25),
    ("recruitment", "党员发展", 20),
    ("economy", "集体经济", 25),
]

# Consequence rules (Taihu): "对党建考核末位的乡镇党委书记提醒谈话，不列入当年度推荐提拔或重用对象。
# 对组织业务考核连续2年位于末位的，予以调整或免职。对党员发展考核后3位乡镇，约谈党委副书记、组织委员。"
# indicator "" is the weighted total (the Party-building assessment as a whole).
CONSEQUENCE_RULES: list[dict] = [
    {
        "key": "last_overall",
        "name": "党建考核末位",
        "level": "township",
        "indicator_key": "",
        "bottom_n": 1,
        "years": 1,
        "target": "乡镇党委书记",
        "action": "提醒谈话，不列入当年度推荐提拔或重用对象",
        "bars_promotion": True,
        "deadline_days": 30,
    },
    {
        "key": "org_work_last_two_years",
        "name": "组织业务考核连续2年末位",
        "level": "township",
        "indicator_key": "org_work",
        "bottom_n": 1,
        "years": 2,
        "target": "组织业务责任人",
        "action": "予以调整或免职",
        "bars_promotion": False,
        "deadline_days": 60,
    },
    {
        "key": "recruitment_bottom_three",
        "name": "党员发展考核后3位",
        "level": "township",
        "indicator_key": "recruitment",
        "bottom_n": 3,
        "years": 1,
        "target": "乡镇党委副书记、组织委员",
        "action": "约谈",
        "bars_promotion": False,
        "deadline_days": 30,
    },
]

# Rectification funds per listed village (fen): 5,000元 Party-building funds; 50–80万元 project support.
PARTY_FUNDS_FEN = 5_000_00
PROJECT_FUNDS_MIN_FEN = 50_0000_00
PROJECT_FUNDS_MAX_FEN = 80_0000_00

# What a team analysis round looks at in each village (each rated like the whole).
ANALYSIS_CRITERIA: list[str] = ["班子结构", "书记履职", "团结协作", "制度落实", "发展集体经济", "服务群众"]


def ensure_county_settings(county_code: str) -> CountySettings:
    """The county's settings rows, created from the seed's defaults the first time."""
    county = county_or_invalid(county_code)
    existing = CountySettings.objects.filter(county=county).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        settings_row, created = CountySettings.objects.get_or_create(
            county=county,
            defaults={
                "party_funds_fen": PARTY_FUNDS_FEN,
                "project_funds_min_fen": PROJECT_FUNDS_MIN_FEN,
                "project_funds_max_fen": PROJECT_FUNDS_MAX_FEN,
                "analysis_criteria": list(ANALYSIS_CRITERIA),
            },
        )
        if not created:
            return settings_row
        if not TypicalSituation.objects.filter(county=county).exists():
            TypicalSituation.objects.bulk_create(
                TypicalSituation(county=county, number=n, title=t, description=d, is_local=local)
                for n, t, d, local in TYPICAL_SITUATIONS
            )
        if not IndicatorDefault.objects.filter(county=county).exists():
            IndicatorDefault.objects.bulk_create(
                IndicatorDefault(county=county, key=k, name=n, weight=w, order=i) for i, (k, n, w) in enumerate(INDICATORS)
            )
        if not ConsequenceRule.objects.filter(county=county).exists():
            ConsequenceRule.objects.bulk_create(ConsequenceRule(county=county, order=i, **r) for i, r in enumerate(CONSEQUENCE_RULES))
        audit.record("assessment.settings.defaults", settings_row, region_code=county.code, new={"from": "seed"})
    return settings_row


def save_policy(user, county_code: str, *, party_funds_fen: int, project_funds_min_fen: int, project_funds_max_fen: int, criteria: list[str]) -> CountySettings:
    county_or_invalid(county_code)
    permissions.require(user, MANAGE_ROLES, county_code, "修改本县设置", object_type="assessment.countysettings", object_id=county_code)
    row = ensure_county_settings(county_code)
    problems = []
    for name, value, label in (
        ("party_funds", party_funds_fen, "每村党建经费"),
        ("project_funds_min", project_funds_min_fen, "项目扶持资金下限"),
        ("project_funds_max", project_funds_max_fen, "项目扶持资金上限"),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(Problem(f"{label}应为不小于0的金额", field=name))
    if not problems and project_funds_min_fen > project_funds_max_fen:
        problems.append(Problem("项目扶持资金下限不能高于上限", field="project_funds_min"))
    criteria = [c.strip() for c in criteria if c and c.strip()]
    if not criteria:
        problems.append(Problem("研判内容至少一项", field="criteria"))
    elif len(set(criteria)) != len(criteria):
        problems.append(Problem("研判内容有重复", field="criteria"))
    elif any(len(c) > 30 for c in criteria):
        problems.append(Problem("每项研判内容不超过30个字", field="criteria"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        row = CountySettings.objects.select_for_update().get(pk=row.pk)
        fields = ["party_funds_fen", "project_funds_min_fen", "project_funds_max_fen", "analysis_criteria"]
        old = audit.snapshot(row, fields)
        row.party_funds_fen, row.project_funds_min_fen, row.project_funds_max_fen = party_funds_fen, project_funds_min_fen, project_funds_max_fen
        row.analysis_criteria = criteria
        row.save(update_fields=fields)
        audit.record("assessment.settings.update", row, actor=user, old=old, new=audit.snapshot(row, fields), region_code=county_code)
    return row


def save_situation(user, county_code: str, *, title: str, description: str = "", active: bool = True, is_local: bool = True, situation: TypicalSituation | None = None) -> TypicalSituation:
    """Add a typical situation to the county's list (numbered after the last), or edit one."""
    county_or_invalid(county_code)
    permissions.require(
        user, MANAGE_ROLES, county_code, "修改软弱涣散典型情形",
        object_type="assessment.typicalsituation", object_id=situation.pk if situation else "",
    )
    ensure_county_settings(county_code)
    problems: list[Problem] = []
    title = clean_text(title, "情形", "title", problems, required=True, max_length=100)
    description = clean_text(description, "说明", "description", problems)
    if situation is not None and situation.county_id != county_code:
        problems.append(Problem("该情形不属于本县", field="situation"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        if situation is None:
            last = TypicalSituation.objects.select_for_update().filter(county_id=county_code).aggregate(n=Max("number"))["n"] or 0
            situation = TypicalSituation.objects.create(county_id=county_code, number=last + 1, title=title, description=description, is_local=is_local, active=active)
            audit.record("assessment.situation.create", situation, actor=user, new=audit.snapshot(situation), region_code=county_code)
        else:
            situation = TypicalSituation.objects.select_for_update().get(pk=situation.pk)
            fields = ["title", "description", "active", "is_local"]
            old = audit.snapshot(situation, fields)
            situation.title, situation.description, situation.active, situation.is_local = title, description, active, is_local
            situation.save(update_fields=fields)
            audit.record("assessment.situation.update", situation, actor=user, old=old, new=audit.snapshot(situation, fields), region_code=county_code)
    return situation


def save_indicator_defaults(user, county_code: str, rows: list[tuple[str, str, int]]) -> list[IndicatorDefault]:
    """Replace the indicators and weights the county's new assessments start from."""
    county_or_invalid(county_code)
    permissions.require(user, MANAGE_ROLES, county_code, "修改考核指标", object_type="assessment.indicatordefault")
    ensure_county_settings(county_code)
    problems = [Problem(m, field=f) for f, m in rules.weight_problems(rows)]
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        old = list(IndicatorDefault.objects.select_for_update().filter(county_id=county_code).values_list("key", "name", "weight"))
        IndicatorDefault.objects.filter(county_id=county_code).delete()
        made = IndicatorDefault.objects.bulk_create(
            IndicatorDefault(county_id=county_code, key=k, name=n, weight=w, order=i) for i, (k, n, w) in enumerate(rows)
        )
        audit.record("assessment.indicators.defaults", object_type="assessment.indicatordefault", object_id=county_code, actor=user, old={"rows": old}, new={"rows": rows}, region_code=county_code)
    return made


RULE_FIELDS = ["name", "level", "indicator_key", "bottom_n", "years", "target", "action", "bars_promotion", "deadline_days", "active"]


def save_rule(user, county_code: str, key: str, **values) -> ConsequenceRule:
    """Add or change one of the county's consequence rules (`RULE_FIELDS`)."""
    county_or_invalid(county_code)
    permissions.require(user, MANAGE_ROLES, county_code, "修改考核问责规则", object_type="assessment.consequencerule", object_id=key)
    ensure_county_settings(county_code)
    rule = ConsequenceRule.objects.filter(county_id=county_code, key=key).first()
    current = {f: getattr(rule, f) for f in RULE_FIELDS} if rule else {"level": "township", "indicator_key": "", "bottom_n": 1, "years": 1, "bars_promotion": False, "deadline_days": 30, "active": True}
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise Invalid(Problem(f"未知字段：{'、'.join(sorted(unknown))}", field="rule"))
    data = {**current, **values}
    problems: list[Problem] = []
    if not key or len(key) > 40 or not key.replace("_", "").isalnum() or not key.isascii():
        problems.append(Problem("规则代码应为字母、数字或下划线（不超过40个字符）", field="key"))
    data["name"] = clean_text(data.get("name"), "规则名称", "name", problems, required=True, max_length=60)
    data["target"] = clean_text(data.get("target"), "对象", "target", problems, required=True, max_length=60)
    data["action"] = clean_text(data.get("action"), "处理", "action", problems, required=True, max_length=100)
    if data["level"] not in ("township", "village"):
        problems.append(Problem("考核对象应为 township（乡镇）或 village（村）", field="level"))
    keys = set(IndicatorDefault.objects.filter(county_id=county_code).values_list("key", flat=True))
    if data["indicator_key"] and data["indicator_key"] not in keys:
        problems.append(Problem(f"依据指标「{data['indicator_key']}」不在本县考核指标中（留空表示综合得分）", field="indicator_key"))
    for name, low, high, label in (("bottom_n", 1, 50, "后N位"), ("years", 1, 5, "连续年数"), ("deadline_days", 1, 365, "落实期限（天）")):
        v = data[name]
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            problems.append(Problem(f"{label}应为{low}到{high}的整数", field=name))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        if rule is None:
            last = ConsequenceRule.objects.filter(county_id=county_code).aggregate(n=Max("order"))["n"]
            rule = ConsequenceRule.objects.create(county_id=county_code, key=key, order=(last or 0) + 1, **data)
            audit.record("assessment.rule.create", rule, actor=user, new=data, region_code=county_code)
        else:
            rule = ConsequenceRule.objects.select_for_update().get(pk=rule.pk)
            old = audit.snapshot(rule, RULE_FIELDS)
            for f in RULE_FIELDS:
                setattr(rule, f, data[f])
            rule.save(update_fields=RULE_FIELDS)
            audit.record("assessment.rule.update", rule, actor=user, old=old, new=data, region_code=county_code)
    return rule
