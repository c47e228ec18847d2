"""股份经济合作社 as data and pure rules (农村集体经济组织法, domain.md 6 and 8.1–8.2).

Nothing here touches the database. Share quantities are integers in hundredths of a share
(`units`: 1.5 shares = 150); rates are integers in basis points (万分比: 30% = 3000); money in fen.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sanwu.core.errors import Problem
from sanwu.core.money import split_by_largest_remainder

UNITS_PER_SHARE = 100
BP = 10_000  # basis points in a whole

HOLDING_UNITS = {"household": "按户持股", "member": "按人持股"}
MANAGEMENT = {"static": "静态管理（增人不增股、减人不减股）", "dynamic": "动态管理（定期调整）"}
# domain.md 8.2: no Anhui or Anqing figure was found; the defaults show where they come from.
DEFAULT_HOLDER_CAP_BP = 300  # 浙江省农村集体资产管理条例 (2020): no holder above 3% of all shares
DEFAULT_RESERVE_RATE_BP = 3000  # 浙江 公积金+公益金 ≥ 30%; 上海 15% + 15%
SETTING_SOURCES = {
    "holder_cap_bp": "参考浙江省农村集体资产管理条例（2020）：单一成员持股不超过总股份的3%",
    "reserve_rate_bp": "参考浙江（公积公益金不低于30%）、上海（公积金15%、公益金15%）",
}

RELATIONS = {
    "head": "户主",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandchild": "孙子女",
    "grandparent": "祖父母",
    "sibling": "兄弟姐妹",
    "in_law": "儿媳/女婿",
    "other": "其他",
}

# How membership began (Art. 12) and ended (Arts. 16–17).
JOIN_REASONS = {
    "original": "初始确认",
    "birth": "出生",
    "marriage": "婚入",
    "adoption": "收养",
    "return": "回迁（政策性移民）",
    "vote": "成员大会表决吸收",
}
LEAVE_REASONS = {
    "death": "死亡",
    "nationality": "丧失中华人民共和国国籍",
    "other_collective": "取得其他集体经济组织成员身份",
    "civil_servant": "成为公务员（聘任制除外）",
    "renunciation": "书面申请自愿退出",
}
# Art. 18: these never end membership.
NOT_ENDING = {
    "study": "就学",
    "military": "服兵役",
    "work_away": "外出务工、经商",
    "divorce": "离婚",
    "widowhood": "丧偶",
    "prison": "服刑",
}

MEMBER_ACTIONS = {
    "add": "登记家庭成员",
    "join": "取得成员身份",
    "leave": "丧失成员身份",
    "head": "变更户主",
    "move": "迁入其他户",
    "bank": "变更收款账户",
}

ROSTER_STATUSES = {
    "draft": "待确认",
    "confirmed": "成员大会已确认",
    "filed": "已报乡镇备案",
    "acknowledged": "乡镇已确认备案",
}
ROSTER_ACTIONS = {
    "draft": "生成成员名册",
    "confirm": "成员大会确认",
    "file": "报乡镇备案",
    "acknowledge": "乡镇确认备案",
}

SHARE_KINDS = {"member": "成员股", "collective": "集体股", "investment": "资金股（投资股）"}
HOLDER_KINDS = {"household": "户", "member": "成员", "collective": "集体"}
COLLECTIVE_HOLDER_LABEL = "集体"

OPERATION_KINDS = {
    "allocation": "初始配置",
    "transfer": "内部转让",
    "inheritance": "继承",
    "gift": "赠与",
    "sell_back": "退股（由集体回购）",
    "adjustment": "民主议定调整",
}
# Operations that move shares from one holder to another (the others create or cancel them).
MOVES = {"transfer", "inheritance", "gift", "sell_back"}

CERTIFICATE_STATUSES = {"valid": "有效", "superseded": "已换发（失效）"}
CERTIFICATE_ACTIONS = {"issue": "发证", "reissue": "换发", "supersede": "换发后失效"}
# The 查询码 printed on a certificate: random letters and digits none of which reads as another
# (no 0/O, 1/I/L), typed in either case, with or without the hyphen printed in the middle.
QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
QUERY_CODE_LENGTH = 8
CERTIFICATE_SEQUENCE_DIGITS = 5

# 四方入股 (毛畈村): the parties of a joint venture, each stake its contribution valued in money.
VENTURE_PARTIES = {
    "farmers_land": "农户土地入股",
    "collective_funds": "村集体资金入股",
    "collective_resources": "村集体资源折价入股",
    "cadre_funds": "村干部责任金",
    "idle_funds": "群众闲散资金",
    "social_capital": "社会资本",
}
COLLECTIVE_PARTIES = ("collective_funds", "collective_resources")  # the cooperative's own: its part is 投资收益


def venture_problems(name: str, credit_problems: list[str], stakes: list[tuple[str, str, int]]) -> list[Problem]:
    """A joint venture as entered: a name, a valid credit code when given, at least two parties
    with a positive contribution each, and the cooperative's own stake among them."""
    out = []
    if not (name or "").strip():
        out.append(Problem("请填写经营主体名称", field="名称"))
    out += [Problem(m, field="统一社会信用代码") for m in credit_problems]
    for kind, party, amount in stakes:
        label = VENTURE_PARTIES.get(kind, kind)
        if kind not in VENTURE_PARTIES:
            out.append(Problem(f"出资方式「{kind}」不在可选范围内", field="出资方式"))
        if not (party or "").strip():
            out.append(Problem(f"请填写{label}的出资方", field=label))
        if not isinstance(amount, int) or amount <= 0:
            out.append(Problem(f"{label}的出资额应大于0", field=label))
    if len(stakes) < 2:
        out.append(Problem("合作经营至少需要两方出资", field="出资方"))
    if not any(kind in COLLECTIVE_PARTIES for kind, _, _ in stakes):
        out.append(Problem("出资方中应有本村集体（村集体资金或资源折价入股）", field="出资方"))
    return out


def format_percent_bp(bp: int) -> str:
    """Basis points as a percentage to two places: 5100 → 51.00%."""
    sign = "-" if bp < 0 else ""
    bp = abs(bp)
    return f"{sign}{bp // 100}.{bp % 100:02d}%"


def venture_split(profit: int, contributions: list[int]) -> list[int]:
    """The year's profit by stake, to the fen by largest remainder (ties to the earlier stake);
    nothing is split out of a loss."""
    if profit <= 0 or not sum(contributions):
        return [0] * len(contributions)
    return split_by_largest_remainder(profit, contributions)


# The cooperative's officers (Arts. 29–34): the board, the finance staff and the supervisory
# committee (村务监督委员会, the 监事会 of the cooperative).
OFFICER_POSTS = {
    "council_chair": "理事长",
    "council": "理事",
    "accountant": "会计",
    "cashier": "出纳",
    "supervisor_chair": "监事长/村务监督委员会主任",
    "supervisor": "监事/村务监督委员会委员",
}
SUPERVISOR_POSTS = frozenset({"supervisor_chair", "supervisor"})
BARRED_POSTS = frozenset({"council_chair", "council", "accountant", "cashier"})  # Art. 34: none of these, nor their close relatives, supervises


def related(relation_a: str, relation_b: str, same_household: bool) -> bool:
    """Whether two people count as close relatives (近亲属) for Art. 34. Sanwu knows family ties
    only through the cooperative's households: two people of one household are close relatives
    unless either is recorded as 其他 (other). Ties across households are declared when a
    supervisor is added."""
    return same_household and "other" not in (relation_a, relation_b)


def officer_problems(post: str, person: int, current: list[tuple[int, str]], households: dict[int, tuple[int, str]], *, declared: bool) -> list[Problem]:
    """Art. 34 for one officer being added. `person` is the person's id; `current` the serving
    officers as (person id, post); `households` each person's (household id, relation) in the
    cooperative; `declared` that the person declared no close relative among the board and the
    finance staff outside the household. A supervisor may be none of the barred posts nor their
    close relative; and someone already supervising, or the close relative of a supervisor, may
    not take a barred post."""
    out = []
    if post not in OFFICER_POSTS:
        return [Problem(f"职务「{post}」不在可选范围内", field="职务")]
    if (person, post) in current:
        out.append(Problem(f"此人已任{OFFICER_POSTS[post]}", field="人员"))
    if post in SUPERVISOR_POSTS:
        barred, what = BARRED_POSTS, "理事会成员、财务会计人员"
        if not declared:
            out.append(Problem("请确认本人与理事会成员、财务会计人员没有近亲属关系（第三十四条）", field="声明"))
    else:
        barred, what = SUPERVISOR_POSTS, "监事会（村务监督委员会）成员"
    mine = households.get(person)
    for other, other_post in current:
        if other_post not in barred:
            continue
        if other == person:
            out.append(Problem(f"此人现任{OFFICER_POSTS[other_post]}，{what}不得兼任（农村集体经济组织法第三十四条）", field="人员"))
            continue
        theirs = households.get(other)
        if mine and theirs and related(mine[1], theirs[1], mine[0] == theirs[0]):
            out.append(Problem(f"此人与现任{OFFICER_POSTS[other_post]}同户，属近亲属，不得任此职（农村集体经济组织法第三十四条）", field="人员"))
    return out


def review_signed(signers: int, committee: int) -> bool:
    """A finance review counts as signed when more than half the committee's serving members signed it."""
    return committee > 0 and signers * 2 > committee


DISTRIBUTION_STATUSES = {
    "draft": "草拟",
    "published": "已向成员公布",
    "decided": "成员大会已通过",
    "approved": "乡镇已审核",
    "posted": "已入账",
    "withdrawn": "已撤回",
}
DISTRIBUTION_ACTIONS = {
    "draft": "草拟分配方案",
    "recompute": "重新计算",
    "publish": "向成员公布",
    "decide": "成员大会通过",
    "approve": "乡镇审核通过",
    "reject": "乡镇退回",
    "post": "入账",
    "pay": "支付分红",
    "withdraw": "撤回",
}
NOTICE_DAYS = 10  # Art. 46: the plan is available to members 10 days before the meeting


def parse_units(value, field: str = "份额") -> tuple[int | None, list[Problem]]:
    """Shares as typed (up to two decimals, 全角 digits accepted) → hundredths of a share."""
    text = str(value if value is not None else "").strip().translate(_FULL_WIDTH)
    if not text:
        return None, [Problem(f"{field}不能为空", field=field)]
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None, [Problem(f"{field}「{value}」不是数字", field=field)]
    if not d.is_finite() or d <= 0:
        return None, [Problem(f"{field}应大于零", field=field)]
    if d != d.quantize(Decimal("0.01")):
        return None, [Problem(f"{field}最多两位小数", field=field)]
    return int(d * UNITS_PER_SHARE), []


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def parse_percent_bp(value, field: str = "公积公益金提取比例") -> tuple[int | None, list[Problem]]:
    """A percentage as typed ("30", "12.5", "30%") → basis points; None when left empty."""
    text = str(value if value is not None else "").strip().translate(_FULL_WIDTH).rstrip("%％")
    if not text:
        return None, []
    try:
        d = Decimal(text)
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite() or not 0 <= d <= 100 or d != d.quantize(Decimal("0.01")):
        return None, [Problem(f"{field}应为0到100之间的百分比，最多两位小数（给出的是「{value}」）", field=field)]
    return int(d * 100), []


def format_units(units: int) -> str:
    """Hundredths of a share as the decimal string the CLI and the API show ("12.50")."""
    sign = "-" if units < 0 else ""
    units = abs(units)
    return f"{sign}{units // UNITS_PER_SHARE}.{units % UNITS_PER_SHARE:02d}"


def rate_of(amount: int, rate_bp: int) -> int:
    """`rate_bp` basis points of `amount` fen, rounded half up to the fen."""
    return int((Decimal(amount) * rate_bp / BP).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Plan:
    available: int
    reserve: int
    welfare: int
    outside: int
    distributable: int
    total_units: int
    amounts: list[int]  # per holder, in the order given

    @property
    def per_share(self) -> str:
        """The amount per share in fen, a decimal string to four places."""
        if not self.total_units:
            return "0.0000"
        q = Decimal(self.distributable) * UNITS_PER_SHARE / Decimal(self.total_units)
        return str(q.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def plan(available: int, units: list[int], *, reserve_bp: int, welfare_bp: int = 0, outside_bp: int = 0) -> Plan:
    """The year's distribution (Art. 42; 2021 rules Art. 28): the appropriations first, at the
    county's rates of 可分配收益, then what is left shared among the holders by their shares, each
    to the fen by largest remainder so the parts sum to it exactly (ties to the earlier holder:
    give them in household-number order). Nothing is distributed out of a loss."""
    available = max(int(available), 0)
    reserve = rate_of(available, reserve_bp)
    welfare = rate_of(available, welfare_bp)
    outside = rate_of(available, outside_bp)
    distributable = max(available - reserve - welfare - outside, 0)
    total = sum(units)
    if distributable and total:
        amounts = split_by_largest_remainder(distributable, units)
    else:
        amounts = [0] * len(units)
    return Plan(available, reserve, welfare, outside, distributable, total, amounts)


def rate_problems(*, reserve_bp: int, welfare_bp: int = 0, outside_bp: int = 0) -> list[Problem]:
    out = []
    for value, label in ((reserve_bp, "公积公益金提取比例"), (welfare_bp, "应付福利费提取比例"), (outside_bp, "外来投资分利比例")):
        if value < 0 or value > BP:
            out.append(Problem(f"{label}应在0%到100%之间", field=label))
    if reserve_bp + welfare_bp + outside_bp > BP:
        out.append(Problem("各项提取比例合计不能超过100%", field="公积公益金提取比例"))
    return out


def leave_problems(reason: str) -> list[Problem]:
    """Whether `reason` ends membership (Arts. 17–18)."""
    if reason in LEAVE_REASONS:
        return []
    if reason in NOT_ENDING:
        return [Problem(f"{NOT_ENDING[reason]}不丧失集体经济组织成员身份（农村集体经济组织法第十八条）", field="丧失原因")]
    return [Problem(f"丧失原因「{reason}」不在法定情形之内", field="丧失原因")]


def cap_problems(holder_units: int, total_units: int, cap_bp: int, holder: str) -> list[Problem]:
    """A per-holder cap (a county setting): no holder above `cap_bp` of all shares. The
    collective's own share is not a holder under the cap (the caller leaves it out)."""
    if cap_bp and total_units and holder_units * BP > total_units * cap_bp:
        return [Problem(f"{holder}持股{format_units(holder_units)}股，超过总股份{format_units(total_units)}股的{cap_bp / 100:g}%上限", field="份额")]
    return []


def format_query_code(code: str) -> str:
    """The 查询码 as printed: two groups of four (ABCD-EFGH)."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if code else ""


def normalize_query_code(text) -> str:
    """The 查询码 as typed → as generated: upper case, without spaces or hyphens (全角 too)."""
    text = str(text or "").translate(_FULL_WIDTH_CODE).upper()
    return "".join(ch for ch in text if ch not in " -_\u3000")


def normalize_certificate_number(text) -> str:
    return str(text or "").translate(_FULL_WIDTH_CODE).strip().upper()[:40]


_FULL_WIDTH_CODE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
                                  **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}, "－": "-", "—": "-"})


def certificate_number(prefix: str, sequence: int) -> str:
    """A certificate's number: the village's region code and a sequence (340828100200-00001)."""
    return f"{prefix}-{sequence:0{CERTIFICATE_SEQUENCE_DIGITS}d}"
