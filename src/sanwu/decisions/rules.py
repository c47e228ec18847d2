"""四议两公开 as data and pure checks (domain.md 3, 5.3; 村民委员会组织法 Arts. 22 and 26).

Nothing here touches the database: the stages and their order, the meeting types, the quorum
rules and one validator per stage. Each validator returns the list of `Check`s it made; the
`*_problems` helpers turn the failing ones into `Problem`s for `Invalid`.

The thresholds, in integers only (no floats):

- 两委商议 (committees): more than half of the committee members *entitled* to attend vote in
  favour (``2 × for > entitled``).
- 党员大会审议 (members_meeting): at least two thirds of the members entitled to attend are
  present (``3 × present ≥ 2 × entitled``) AND more than half of those *entitled* vote in favour
  (``2 × for > entitled``).
- 村民（代表）会议决议 (villagers_meeting): a legal quorum that depends on the meeting type and
  may be set per county (`QuorumRule`), then more than half of those *present* in favour
  (``2 × for > present``). Defaults, from the Organic Law of Villagers' Committees:
  村民会议 more than half of the adult villagers present (Art. 22); 户代表会议 at least two
  thirds of the households represented (Art. 22); 村民代表会议 at least two thirds of its members
  present (Art. 26).
- 集体经济组织成员大会 / 成员代表大会 (the cooperative's own matters, at the same stage,
  农村集体经济组织法): 10 days' notice, two thirds of the members present and two thirds of ALL
  members in favour (Art. 27; three quarters for a non-member's income rights, Art. 15); a
  representatives' meeting two thirds of ALL representatives and never for confirming members or
  quantifying shares (Art. 28). `coop_meeting_checks`; the budgets and the cooperative use it too.
"""

import datetime as dt
from dataclasses import asdict, dataclass

from sanwu.core.errors import FIELD_LABELS, Problem

STAGES = [
    ("proposal", "党组织提议"),
    ("committees", "“两委”会议商议"),
    ("members_meeting", "党员大会审议"),
    ("villagers_meeting", "村民（代表）会议决议"),
    ("resolution_published", "决议公开"),
    ("result_published", "实施结果公开"),
]
STAGE_KEYS = [k for k, _ in STAGES]
STAGE_LABELS = dict(STAGES)
STAGE_NUMBERS = {k: i for i, k in enumerate(STAGE_KEYS, start=1)}
MEETING_STAGES = ("proposal", "committees", "members_meeting", "villagers_meeting")
VOTE_STAGES = ("committees", "members_meeting", "villagers_meeting")
PUBLICATION_STAGES = ("resolution_published", "result_published")
# A decision is made (决策程序完成) once its resolution is published; the matter is completed
# when the implementation result is published too.
DECIDED_STAGES = ("resolution_published", "result_published")

CATEGORIES = {
    "rules": "村规民约及村级发展规划",
    "land": "土地、林地承包、租赁、流转",
    "assets": "集体资产购置或处置",
    "borrowing": "举债（借款）",
    "restructuring": "集体企业改制",
    "tendering": "工程项目招投标",
    "welfare": "公益事业建设及筹资筹劳",
    "distribution": "收益分配方案",
    "other": "其他重大事项",
}

# What other modules look a decision up by (collective economy: cadre_reward; oversight: expenditure).
PURPOSES = {
    "expenditure": "重大支出",
    "cadre_reward": "村干部奖励",
    "dividend": "收益分配（分红）",
    "contract": "资产资源发包、租赁",
    "borrowing": "举债",
    "investment": "对外投资",
    # The cooperative's own matters (农村集体经济组织法): only a members' meeting confirms members
    # or quantifies shares (Art. 28); income rights for a non-member need 3/4 of all members (Art. 15).
    "membership": "确认集体经济组织成员",
    "quantification": "折股量化、确认份额",
    "income_rights": "非成员享有集体收益分配权",
    "other": "其他",
}

STATUSES = [("in_progress", "进行中"), ("completed", "已完成"), ("abandoned", "已终止")]
STATUS_LABELS = dict(STATUSES)

MEETING_TYPES = {
    "branch_committee": "村党组织委员会会议",
    "joint_committees": "村“两委”联席会议",
    "party_members": "党员大会",
    "villagers": "村民会议",
    "households": "户代表会议",
    "representatives": "村民代表会议",
    "coop_members": "集体经济组织成员大会",
    "coop_representatives": "集体经济组织成员代表大会",
}
# The villagers' meetings (村民委员会组织法) and the cooperative's meetings (农村集体经济组织法
# Arts. 27–28): the collective's own matters are decided by its members, not by all villagers.
VILLAGERS_MEETING_TYPES = ("representatives", "villagers", "households")
COOP_MEETING_TYPES = ("coop_members", "coop_representatives")
STAGE_MEETING_TYPES = {
    "proposal": ("branch_committee",),
    "committees": ("joint_committees",),
    "members_meeting": ("party_members",),
    "villagers_meeting": VILLAGERS_MEETING_TYPES + COOP_MEETING_TYPES,
}
COOP_NOTICE_DAYS = 10  # Art. 27: the members are told at least 10 days before the meeting
MEMBERS_ONLY_PURPOSES = ("membership", "quantification")  # Art. 28

CHANNELS = {
    "notice_board": "村务公开栏",
    "website": "三务平台村务公开页",
    "broadcast": "村广播",
    "wechat": "村民微信群",
    "meeting": "村民会议公布",
    "other": "其他",
}

# What the counts mean at each meeting (labels for forms and pages).
ENTITLED_LABELS = {
    "proposal": "应到委员",
    "committees": "应到“两委”成员",
    "members_meeting": "应到党员",
    "villagers": "本村18周岁以上村民",
    "households": "本村户数",
    "representatives": "村民代表会议组成人员",
    "coop_members": "本集体经济组织全体成员",
    "coop_representatives": "成员代表大会全体成员代表",
}
TEXT_LABELS = {
    "proposal": "提议内容",
    "committees": "商议意见（会议纪要）",
    "members_meeting": "审议意见（会议纪要）",
    "villagers_meeting": "决议内容",
    "resolution_published": "公开的决议内容",
    "result_published": "实施结果",
}


# Chinese names for the fields problems name (core.errors.FIELD_LABELS covers date, file, reason,
# region; these are the decision's own).
FIELD_NAMES = {
    "stage": "环节", "meeting_type": "会议形式", "entitled": "应到人数", "present": "实到人数", "votes_for": "同意票",
    "votes_against": "反对票", "votes_abstain": "弃权票", "text": "内容", "channel": "公开渠道", "correction_reason": "更正原因",
    "title": "事项名称", "category": "事项类别", "purpose": "用途标记", "amount": "涉及金额", "year": "年度", "voucher": "凭证",
    "kind": "附件类型", "status": "状态", "notice_date": "会议通知日期",
}


def fname(key: str | None) -> str | None:
    """The field as a problem names it: core's key where core knows it, else its Chinese name."""
    if key is None or key in FIELD_LABELS:
        return key
    return FIELD_NAMES.get(key, key)


@dataclass(frozen=True)
class Fraction:
    """A share of those entitled: `num/den`; `strict` means "more than" (过半数), otherwise
    "at least" (三分之二以上 — in Chinese legal usage 以上 includes the number itself)."""

    num: int
    den: int
    strict: bool

    def met(self, part: int, whole: int) -> bool:
        if self.strict:
            return part * self.den > whole * self.num
        return part * self.den >= whole * self.num

    @property
    def label(self) -> str:
        if (self.num, self.den) == (1, 2):
            share = "半数"
        else:
            share = f"{_CN_FRACTIONS.get((self.num, self.den), f'{self.num}/{self.den}')}"
        return f"超过{share}" if self.strict else f"{share}以上（含）"


_CN_FRACTIONS = {(1, 2): "半数", (2, 3): "三分之二", (3, 4): "四分之三", (1, 3): "三分之一", (4, 5): "五分之四"}

HALF = Fraction(1, 2, strict=True)
TWO_THIRDS = Fraction(2, 3, strict=False)
THREE_QUARTERS = Fraction(3, 4, strict=False)


@dataclass(frozen=True)
class QuorumRule:
    """How many must be present at a villagers' meeting of one type (approval is always more than
    half of those present). `source` says where the rule came from (default or a county)."""

    meeting_type: str
    present: Fraction
    source: str = "法定默认"

    def as_dict(self) -> dict:
        return {"meeting_type": self.meeting_type, **asdict(self.present), "source": self.source, "label": self.label}

    @property
    def label(self) -> str:
        return f"{MEETING_TYPES[self.meeting_type]}：到会{self.present.label}{_WHOLE[self.meeting_type]}，到会人员过半数同意"


_WHOLE = {"villagers": "的18周岁以上村民", "households": "的户代表", "representatives": "的组成人员"}

DEFAULT_QUORUM = {
    "villagers": QuorumRule("villagers", HALF),  # Art. 22: 过半数的18周岁以上村民
    "households": QuorumRule("households", TWO_THIRDS),  # Art. 22: 三分之二以上的户的代表
    "representatives": QuorumRule("representatives", TWO_THIRDS),  # Art. 26: 三分之二以上的组成人员
}


@dataclass(frozen=True)
class Check:
    label: str  # what was checked, with the figures, in Chinese
    ok: bool
    field: str | None = None
    rule: bool = False  # a threshold of the procedure (shown on the page), not a missing input

    def as_dict(self) -> dict:
        return {"label": self.label, "ok": self.ok}

    @property
    def problem(self) -> Problem:
        return Problem(f"未通过：{self.label}" if self.rule else self.label, field=fname(self.field))


@dataclass
class StageData:
    """What recording a stage says (a form, an API call, the demo)."""

    date: object = None  # datetime.date
    meeting_type: str = ""
    entitled: int | None = None
    present: int | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    text: str = ""
    channel: str = ""
    notice_date: object = None  # the cooperative's meetings: when the members were told (Art. 27)


# --- The checks ---------------------------------------------------------------------------------


def _count_checks(d: StageData, need_votes: bool, entitled_label: str) -> list[Check]:
    """Counts must be whole numbers that fit together: present ≤ entitled, votes ≤ present."""
    checks: list[Check] = []
    fields = [("entitled", entitled_label), ("present", "实到人数")]
    if need_votes:
        fields += [("votes_for", "同意票"), ("votes_against", "反对票"), ("votes_abstain", "弃权票")]
    for name, label in fields:
        v = getattr(d, name)
        if v is None:
            checks.append(Check(f"请填写{label}", False, name))
        elif isinstance(v, bool) or not isinstance(v, int) or v < 0:
            checks.append(Check(f"{label}应为不小于0的整数", False, name))
    if any(not c.ok for c in checks):
        return checks
    if d.entitled == 0:
        checks.append(Check(f"{entitled_label}不能为0", False, "entitled"))
    if d.present > d.entitled:
        checks.append(Check(f"实到人数 {d.present} 超过{entitled_label} {d.entitled}", False, "present"))
    if need_votes:
        cast = d.votes_for + d.votes_against + d.votes_abstain
        if cast > d.present:
            checks.append(Check(f"同意、反对、弃权合计 {cast} 超过实到人数 {d.present}", False, "votes_for"))
    return checks


def _text_check(stage: str, d: StageData) -> list[Check]:
    text = (d.text or "").strip()
    if not text:
        return [Check(f"请填写{TEXT_LABELS[stage]}", False, "text")]
    if len(text) > 20000:
        return [Check(f"{TEXT_LABELS[stage]}不能超过20000个字", False, "text")]
    return []


def _meeting_type_check(stage: str, d: StageData) -> list[Check]:
    allowed = STAGE_MEETING_TYPES[stage]
    if d.meeting_type not in allowed:
        names = "、".join(MEETING_TYPES[m] for m in allowed)
        return [Check(f"会议形式应为：{names}", False, "meeting_type")]
    return []


def proposal_checks(d: StageData) -> list[Check]:
    """党组织提议: the proposal's text; attendance is recorded when given (no vote is required)."""
    checks = _meeting_type_check("proposal", d) + _text_check("proposal", d)
    if d.entitled is not None or d.present is not None:
        checks += _count_checks(d, False, ENTITLED_LABELS["proposal"])
    return checks


def committees_checks(d: StageData) -> list[Check]:
    """两委商议: more than half of the committee members entitled to attend vote in favour."""
    checks = _meeting_type_check("committees", d) + _text_check("committees", d)
    counts = _count_checks(d, True, ENTITLED_LABELS["committees"])
    if counts:
        return checks + counts
    ok = HALF.met(d.votes_for, d.entitled)
    checks.append(Check(f"同意 {d.votes_for} 人，须超过应到成员 {d.entitled} 人的半数", ok, "votes_for", rule=True))
    return checks


def members_meeting_checks(d: StageData) -> list[Check]:
    """党员大会审议: ≥ 2/3 of members present, and > 1/2 of those entitled in favour."""
    checks = _meeting_type_check("members_meeting", d) + _text_check("members_meeting", d)
    counts = _count_checks(d, True, ENTITLED_LABELS["members_meeting"])
    if counts:
        return checks + counts
    checks.append(Check(f"实到党员 {d.present} 人，须达到应到 {d.entitled} 人的三分之二（含）", TWO_THIRDS.met(d.present, d.entitled), "present", rule=True))
    checks.append(Check(f"同意 {d.votes_for} 人，须超过应到党员 {d.entitled} 人的半数", HALF.met(d.votes_for, d.entitled), "votes_for", rule=True))
    return checks


def villagers_meeting_checks(d: StageData, rule: QuorumRule | None = None, purpose: str = "") -> list[Check]:
    """村民（代表）会议决议: the legal quorum for its type, then > 1/2 of those present in favour.
    A cooperative's members' (representatives') meeting has its own rules (`coop_meeting_checks`)."""
    checks = _meeting_type_check("villagers_meeting", d) + _text_check("villagers_meeting", d)
    if d.meeting_type in COOP_MEETING_TYPES:
        return checks + coop_meeting_checks(d, purpose)
    if d.meeting_type not in VILLAGERS_MEETING_TYPES:
        return checks
    rule = rule or DEFAULT_QUORUM[d.meeting_type]
    counts = _count_checks(d, True, ENTITLED_LABELS[d.meeting_type])
    if counts:
        return checks + counts
    whole = ENTITLED_LABELS[d.meeting_type]
    checks.append(Check(f"到会 {d.present}，须{rule.present.label}{whole} {d.entitled}（{rule.source}）", rule.present.met(d.present, d.entitled), "present", rule=True))
    checks.append(Check(f"同意 {d.votes_for} 人，须超过到会 {d.present} 人的半数", HALF.met(d.votes_for, d.present), "votes_for", rule=True))
    return checks


def coop_meeting_checks(d: StageData, purpose: str = "", *, notice: bool = True) -> list[Check]:
    """成员大会 / 成员代表大会 (农村集体经济组织法):

    - members' meeting (Art. 27): called at least 10 days ahead, at least 2/3 of the members
      present, at least 2/3 of ALL members in favour — 3/4 to give a non-member income rights
      (Art. 15);
    - representatives' meeting (Art. 28): at least 2/3 of ALL representatives in favour, and it
      may not confirm members or quantify shares (those go to the members' meeting).
    The counts are whole numbers that fit together, as at every meeting. `notice=False` where the
    notice is not recorded (a budget's approval)."""
    members = d.meeting_type == "coop_members"
    label = MEETING_TYPES[d.meeting_type]
    checks: list[Check] = []
    if not members and purpose in MEMBERS_ONLY_PURPOSES:
        checks.append(Check(f"{PURPOSES[purpose]}须由成员大会决定，成员代表大会不得决定（农村集体经济组织法第二十八条）", False, "meeting_type", rule=True))
    if members and notice:
        if not isinstance(d.notice_date, dt.date) or isinstance(d.notice_date, dt.datetime):
            checks.append(Check("请填写会议通知日期（成员大会应提前十日通知全体成员）", False, "notice_date"))
        elif isinstance(d.date, dt.date):
            days = (d.date - d.notice_date).days
            checks.append(Check(f"会议通知日期 {d.notice_date}，距会议 {days} 日，须提前{COOP_NOTICE_DAYS}日以上通知全体成员（第二十七条）", days >= COOP_NOTICE_DAYS, "notice_date", rule=True))
    counts = _count_checks(d, True, ENTITLED_LABELS[d.meeting_type])
    if counts:
        return checks + counts
    if members:
        checks.append(Check(f"实到 {d.present} 人：{label}须有三分之二以上成员出席（全体成员 {d.entitled} 人，第二十七条）", TWO_THIRDS.met(d.present, d.entitled), "present", rule=True))
    need, article = (THREE_QUARTERS, "第十五条") if purpose == "income_rights" else (TWO_THIRDS, "第二十七条" if members else "第二十八条")
    who = "全体成员" if members else "全体成员代表"
    share = _CN_FRACTIONS[(need.num, need.den)]
    checks.append(Check(f"同意 {d.votes_for} 人：须经{who}{share}以上同意（{who} {d.entitled} 人，{label}，{article}）", need.met(d.votes_for, d.entitled), "votes_for", rule=True))
    return checks


def coop_meeting_problems(d: StageData, purpose: str = "", *, notice: bool = True) -> list[Problem]:
    return as_problems(coop_meeting_checks(d, purpose, notice=notice))


def publication_checks(stage: str, d: StageData) -> list[Check]:
    """决议公开 / 实施结果公开: the text as published and the channel."""
    checks = _text_check(stage, d)
    if d.channel not in CHANNELS:
        checks.append(Check(f"请选择公开渠道（{'、'.join(CHANNELS.values())}）", False, "channel"))
    return checks


def stage_checks(stage: str, d: StageData, rule: QuorumRule | None = None, purpose: str = "") -> list[Check]:
    if stage == "proposal":
        return proposal_checks(d)
    if stage == "committees":
        return committees_checks(d)
    if stage == "members_meeting":
        return members_meeting_checks(d)
    if stage == "villagers_meeting":
        return villagers_meeting_checks(d, rule, purpose)
    if stage in PUBLICATION_STAGES:
        return publication_checks(stage, d)
    return [Check(f"未知环节「{stage}」", False, "stage")]


def as_problems(checks: list[Check]) -> list[Problem]:
    return [c.problem for c in checks if not c.ok]


def stage_problems(stage: str, d: StageData, rule: QuorumRule | None = None, purpose: str = "") -> list[Problem]:
    return as_problems(stage_checks(stage, d, rule, purpose))


def committees_problems(d: StageData) -> list[Problem]:
    return as_problems(committees_checks(d))


def members_meeting_problems(d: StageData) -> list[Problem]:
    return as_problems(members_meeting_checks(d))


def villagers_meeting_problems(d: StageData, rule: QuorumRule | None = None, purpose: str = "") -> list[Problem]:
    return as_problems(villagers_meeting_checks(d, rule, purpose))


def stage_order(merged_first_steps: bool) -> list[str]:
    """The stages a matter goes through: where one person holds both top posts (一肩挑) the
    proposal is made at the joint committees' meeting, so stage 1 is merged into stage 2."""
    return STAGE_KEYS[1:] if merged_first_steps else list(STAGE_KEYS)


def next_stage(done: set[str], merged_first_steps: bool) -> str | None:
    for key in stage_order(merged_first_steps):
        if key not in done:
            return key
    return None
