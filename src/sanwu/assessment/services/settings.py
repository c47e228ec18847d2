"""The seed's values, copied into each county's settings rows the first time the county uses this
app (`services.ensure_county_settings`). After that the rows are the county's own: the county
organisation department edits them; nothing else in the code names a situation, an indicator or
a consequence rule.

Sources: domain.md 5.1 (typical situations of weak and lax organisations, with the local
additions), the Taihu section of the brief (5,000元 Party-building funds and 50–80万元 project
support per rectified village; the three consequence rules), the Wangjiang section (analysis of
leadership teams).
"""

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
