"""The official charts of accounts as data (domain.md 1.2 and 1.3).

Every account is keyed by (chart version, code). Logic that needs "cash" or "operating income"
asks for a *role*; nothing outside this file mentions a literal account code.

2023 (财会〔2023〕14号): 42 accounts. The codes come from one public source and are marked
"to be checked against the official appendix" (domain.md 1.2). 2004 (财会〔2004〕12号): 33
standard + 3 optional accounts, verified against the full text.
"""

from dataclasses import dataclass

CHART_VERSIONS = {"2023": "农村集体经济组织会计制度（财会〔2023〕14号）", "2004": "村集体经济组织会计制度（财会〔2004〕12号）"}
CHART_NOTES = {"2023": "科目编码待与财政部附录核对", "2004": ""}

CATEGORIES = {"asset": "资产", "liability": "负债", "equity": "所有者权益", "cost": "成本", "pnl": "损益"}
SIDES = {"debit": "借", "credit": "贷", "both": "借或贷"}

# Roles: what an account is for, so that logic never needs a literal code.
ROLE_LABELS = {
    "cash": "库存现金",
    "bank": "银行存款",
    "receivable": "应收款",
    "internal": "内部往来",
    "inventory": "库存物资",
    "fixed_asset": "固定资产",
    "accumulated_depreciation": "累计折旧",
    "fixed_asset_disposal": "固定资产清理",
    "construction_in_progress": "在建工程",
    "short_term_investment": "短期投资",
    "long_term_investment": "长期投资",
    "livestock_asset": "牲畜（禽）资产",
    "forest_asset": "林木资产",
    "consumable_bio_asset": "消耗性生物资产",
    "productive_bio_asset": "生产性生物资产",
    "productive_bio_depreciation": "生产性生物资产累计折旧",
    "welfare_bio_asset": "公益性生物资产",
    "intangible": "无形资产",
    "accumulated_amortisation": "累计摊销",
    "deferred_expense": "长期待摊费用",
    "pending_loss": "待处理财产损溢",
    "allocated_funds": "拨付所属单位资金",
    "short_term_loan": "短期借款",
    "payable": "应付款",
    "wages_payable": "应付工资",
    "welfare_payable": "应付福利费",
    "labour_payable": "应付劳务费",
    "taxes_payable": "应交税费",
    "long_term_loan": "长期借款及应付款",
    "one_matter_fund": "一事一议资金",
    "earmarked_payable": "专项应付款",
    "capital": "资本",
    "reserve_fund": "公积公益金",
    "current_year_income": "本年收益",
    "income_distribution": "收益分配",
    "distribution_items": "各项分配",
    # 各项分配's standard sub-accounts (domain.md 1.5): each gives one line of the statement's
    # distribution section.
    "distribute_reserve": "提取公积公益金",
    "distribute_welfare": "提取应付福利费",
    "distribute_investors": "外来投资分利",
    "distribute_households": "农户分配",
    "distribute_members": "向成员分配",
    "distribute_other": "其他分配",
    "undistributed": "未分配收益",
    "production_cost": "生产（劳务）成本",
    "operating_income": "经营收入",
    "contracting_income": "发包及上交收入",
    "investment_income": "投资收益",
    "subsidy_income": "补助收入",
    "tax_refund_income": "农业税附加返还收入",
    "other_income": "其他收入",
    "operating_expense": "经营支出",
    "tax_surcharge": "税金及附加",
    "management_expense": "管理费用",
    "welfare_expense": "公益支出",
    "other_expense": "其他支出",
    "income_tax": "所得税费用",
}
INCOME_ROLES = {"operating_income", "contracting_income", "investment_income", "subsidy_income", "tax_refund_income", "other_income"}
EXPENSE_ROLES = {"operating_expense", "tax_surcharge", "management_expense", "welfare_expense", "other_expense", "income_tax"}

# Source tags on income lines (收入来源), so figures can separate PV income.
SOURCES = {
    "pv": "光伏",
    "rent": "租赁",
    "contracting": "发包",
    "service": "服务",
    "sales": "销售",
    "investment": "投资",
    "subsidy": "补助",
    "other": "其他",
}
SETTLEMENTS = {"cash": "现金", "bank": "银行", "transfer": "转账"}
# 往来单位类别: whether a counterparty is a person or an organisation (blank: not said). The
# public scrubber masks a person counterparty always; a credit code makes it an organisation.
COUNTERPARTY_KINDS = {"person": "个人", "organisation": "单位"}


@dataclass(frozen=True)
class StdAccount:
    code: str
    name: str
    category: str
    side: str
    roles: tuple[str, ...] = ()
    parent: str | None = None  # standard sub-accounts name their parent
    note: str = ""  # what is not verified about this account


def _a(code, name, category, side, *roles, parent=None, note=""):
    return StdAccount(code, name, category, side, tuple(roles), parent, note)


UNVERIFIED_2023 = "2023年制度的收益分配明细项目未与财政部附录核对，按目前已知情况设置"


CHART_2023 = [
    _a("101", "库存现金", "asset", "debit", "cash"),
    _a("102", "银行存款", "asset", "debit", "bank"),
    _a("111", "短期投资", "asset", "debit", "short_term_investment"),
    _a("112", "应收款", "asset", "debit", "receivable"),
    _a("113", "内部往来", "asset", "both", "internal"),
    _a("121", "库存物资", "asset", "debit", "inventory"),
    _a("131", "消耗性生物资产", "asset", "debit", "consumable_bio_asset"),
    _a("132", "生产性生物资产", "asset", "debit", "productive_bio_asset"),
    _a("133", "生产性生物资产累计折旧", "asset", "credit", "productive_bio_depreciation"),
    _a("134", "公益性生物资产", "asset", "debit", "welfare_bio_asset"),
    _a("141", "长期投资", "asset", "debit", "long_term_investment"),
    _a("151", "固定资产", "asset", "debit", "fixed_asset"),
    _a("152", "累计折旧", "asset", "credit", "accumulated_depreciation"),
    _a("153", "在建工程", "asset", "debit", "construction_in_progress"),
    _a("154", "固定资产清理", "asset", "both", "fixed_asset_disposal"),
    _a("161", "无形资产", "asset", "debit", "intangible"),
    _a("162", "累计摊销", "asset", "credit", "accumulated_amortisation"),
    _a("171", "长期待摊费用", "asset", "debit", "deferred_expense"),
    _a("181", "待处理财产损溢", "asset", "both", "pending_loss"),
    _a("201", "短期借款", "liability", "credit", "short_term_loan"),
    _a("211", "应付款", "liability", "credit", "payable"),
    _a("212", "应付工资", "liability", "credit", "wages_payable"),
    _a("213", "应付劳务费", "liability", "credit", "labour_payable"),
    _a("214", "应交税费", "liability", "credit", "taxes_payable"),
    _a("221", "长期借款及应付款", "liability", "credit", "long_term_loan"),
    _a("231", "一事一议资金", "liability", "credit", "one_matter_fund"),
    _a("241", "专项应付款", "liability", "credit", "earmarked_payable"),
    _a("301", "资本", "equity", "credit", "capital"),
    _a("311", "公积公益金", "equity", "credit", "reserve_fund"),
    _a("321", "本年收益", "equity", "credit", "current_year_income"),
    _a("322", "收益分配", "equity", "credit", "income_distribution"),
    _a("32201", "各项分配", "equity", "debit", "distribution_items", parent="322"),
    _a("3220101", "提取公积公益金", "equity", "debit", "distribution_items", "distribute_reserve", parent="32201", note=UNVERIFIED_2023),
    _a("3220102", "向成员分配", "equity", "debit", "distribution_items", "distribute_members", parent="32201", note=UNVERIFIED_2023),
    _a("3220103", "其他", "equity", "debit", "distribution_items", "distribute_other", parent="32201", note=UNVERIFIED_2023),
    _a("32202", "未分配收益", "equity", "credit", "undistributed", parent="322"),
    _a("401", "生产（劳务）成本", "cost", "debit", "production_cost"),
    _a("501", "经营收入", "pnl", "credit", "operating_income"),
    _a("502", "投资收益", "pnl", "credit", "investment_income"),
    _a("503", "补助收入", "pnl", "credit", "subsidy_income"),
    _a("504", "其他收入", "pnl", "credit", "other_income"),
    _a("511", "经营支出", "pnl", "debit", "operating_expense"),
    _a("512", "税金及附加", "pnl", "debit", "tax_surcharge"),
    _a("513", "管理费用", "pnl", "debit", "management_expense"),
    _a("514", "公益支出", "pnl", "debit", "welfare_expense"),
    _a("515", "其他支出", "pnl", "debit", "other_expense"),
    _a("521", "所得税费用", "pnl", "debit", "income_tax"),
]

CHART_2004 = [
    _a("101", "现金", "asset", "debit", "cash"),
    _a("102", "银行存款", "asset", "debit", "bank"),
    _a("111", "短期投资", "asset", "debit", "short_term_investment"),
    _a("112", "应收款", "asset", "debit", "receivable"),
    _a("113", "内部往来", "asset", "both", "internal"),
    _a("121", "库存物资", "asset", "debit", "inventory"),
    _a("131", "牲畜（禽）资产", "asset", "debit", "livestock_asset"),
    _a("13101", "幼畜及育肥畜", "asset", "debit", "livestock_asset", parent="131"),
    _a("13102", "产役畜", "asset", "debit", "livestock_asset", parent="131"),
    _a("132", "林木资产", "asset", "debit", "forest_asset"),
    _a("13201", "经济林木", "asset", "debit", "forest_asset", parent="132"),
    _a("13202", "非经济林木", "asset", "debit", "forest_asset", parent="132"),
    _a("141", "长期投资", "asset", "debit", "long_term_investment"),
    _a("151", "固定资产", "asset", "debit", "fixed_asset"),
    _a("152", "累计折旧", "asset", "credit", "accumulated_depreciation"),
    _a("153", "固定资产清理", "asset", "both", "fixed_asset_disposal"),
    _a("154", "在建工程", "asset", "debit", "construction_in_progress"),
    _a("161", "无形资产", "asset", "debit", "intangible"),
    _a("171", "拨付所属单位资金", "asset", "debit", "allocated_funds"),
    _a("201", "短期借款", "liability", "credit", "short_term_loan"),
    _a("202", "应付款", "liability", "credit", "payable"),
    _a("211", "应付工资", "liability", "credit", "wages_payable"),
    _a("212", "应付福利费", "liability", "credit", "welfare_payable"),
    _a("221", "长期借款及应付款", "liability", "credit", "long_term_loan"),
    _a("231", "一事一议资金", "liability", "credit", "one_matter_fund"),
    _a("241", "专项应付款", "liability", "credit", "earmarked_payable"),
    _a("301", "资本", "equity", "credit", "capital"),
    _a("311", "公积公益金", "equity", "credit", "reserve_fund"),
    _a("321", "本年收益", "equity", "credit", "current_year_income"),
    _a("322", "收益分配", "equity", "credit", "income_distribution"),
    _a("32201", "各项分配", "equity", "debit", "distribution_items", parent="322"),
    # The five items of the 2004 收益及收益分配表 (domain.md 1.5; 32200201–05 in one published
    # numbering, here in the book's own code style).
    _a("3220101", "提取公积公益金", "equity", "debit", "distribution_items", "distribute_reserve", parent="32201"),
    _a("3220102", "提取应付福利费", "equity", "debit", "distribution_items", "distribute_welfare", parent="32201"),
    _a("3220103", "外来投资分利", "equity", "debit", "distribution_items", "distribute_investors", parent="32201"),
    _a("3220104", "农户分配", "equity", "debit", "distribution_items", "distribute_households", parent="32201"),
    _a("3220105", "其他", "equity", "debit", "distribution_items", "distribute_other", parent="32201"),
    _a("32202", "未分配收益", "equity", "credit", "undistributed", parent="322"),
    _a("401", "生产（劳务）成本", "cost", "debit", "production_cost"),
    _a("501", "经营收入", "pnl", "credit", "operating_income"),
    _a("502", "经营支出", "pnl", "debit", "operating_expense"),
    _a("511", "发包及上交收入", "pnl", "credit", "contracting_income"),
    _a("51101", "承包金", "pnl", "credit", "contracting_income", parent="511"),
    _a("51102", "企业上交利润", "pnl", "credit", "contracting_income", parent="511"),
    _a("521", "农业税附加返还收入", "pnl", "credit", "tax_refund_income"),
    _a("522", "补助收入", "pnl", "credit", "subsidy_income"),
    _a("531", "其他收入", "pnl", "credit", "other_income"),
    _a("541", "管理费用", "pnl", "debit", "management_expense"),
    _a("551", "其他支出", "pnl", "debit", "other_expense"),
    _a("561", "投资收益", "pnl", "credit", "investment_income"),
]

CHARTS = {"2023": CHART_2023, "2004": CHART_2004}


def top_level(chart: str) -> list[StdAccount]:
    return [a for a in CHARTS[chart] if a.parent is None]


def standard_account(chart: str, code: str) -> StdAccount | None:
    return next((a for a in CHARTS[chart] if a.code == code), None)


# --- Statements (domain.md 1.5). Lines name roles, never codes. ------------------------------
# Each balance-sheet line: (row number, label, kind, spec). kind "roles": sum of balances of the
# accounts with these roles (debit-positive, sign applied); "debit_part"/"credit_part": only the
# debit (or credit) balances of accounts with the role, as 内部往来 splits; "sum": other rows.

BALANCE_SHEET_2004 = {
    "assets": [
        (1, "货币资金", "roles", {"cash": 1, "bank": 1}),
        (2, "短期投资", "roles", {"short_term_investment": 1}),
        (5, "应收款项", "mixed", {"roles": {"receivable": 1}, "debit_part": ["internal"]}),
        (8, "存货", "roles", {"inventory": 1, "production_cost": 1}),
        (9, "流动资产合计", "sum", [1, 2, 5, 8]),
        (10, "牲畜（禽）资产", "roles", {"livestock_asset": 1}),
        (11, "林木资产", "roles", {"forest_asset": 1}),
        (15, "农业资产合计", "sum", [10, 11]),
        (16, "长期投资", "roles", {"long_term_investment": 1}),
        (19, "固定资产原价", "roles", {"fixed_asset": 1}),
        (20, "减：累计折旧", "roles", {"accumulated_depreciation": -1}),
        (21, "固定资产净值", "diff", [19, 20]),
        (22, "固定资产清理", "roles", {"fixed_asset_disposal": 1}),
        (23, "在建工程", "roles", {"construction_in_progress": 1}),
        (26, "固定资产合计", "sum", [21, 22, 23]),
        # The optional accounts (domain.md 1.3) have no row in the sources; these rows are ours.
        (27, "无形资产", "roles", {"intangible": 1}),
        (28, "拨付所属单位资金", "roles", {"allocated_funds": 1}),
        (32, "资产总计", "sum", [9, 15, 16, 26, 27, 28]),
    ],
    "liabilities": [
        (35, "短期借款", "roles", {"short_term_loan": -1}),
        (36, "应付款项", "mixed", {"roles": {"payable": -1}, "credit_part": ["internal"]}),
        (37, "应付工资", "roles", {"wages_payable": -1}),
        (38, "应付福利费", "roles", {"welfare_payable": -1}),
        (41, "流动负债合计", "sum", [35, 36, 37, 38]),
        (42, "长期借款及应付款", "roles", {"long_term_loan": -1}),
        (43, "一事一议资金", "roles", {"one_matter_fund": -1}),
        (44, "专项应付款", "roles", {"earmarked_payable": -1}),  # optional account; row number ours
        (46, "长期负债合计", "sum", [42, 43, 44]),
        (49, "负债合计", "sum", [41, 46]),
        (50, "资本", "roles", {"capital": -1}),
        (51, "公积公益金", "roles", {"reserve_fund": -1}),
        (52, "未分配收益", "roles", {"current_year_income": -1, "income_distribution": -1, "distribution_items": -1, "undistributed": -1}),
        (53, "所有者权益合计", "sum", [50, 51, 52]),
        (56, "负债和所有者权益总计", "sum", [49, 53]),
    ],
}

# 2023: the lines as far as known (domain.md 1.5: exact lines are an open question). Row
# numbers are ours, in order. Productive biological assets, fixed assets and intangibles are shown
# as the format is believed to show them: 原值, less 累计折旧 / 累计摊销, 净值 (domain.md 1.5 [M]).
BALANCE_SHEET_2023 = {
    "assets": [
        (1, "货币资金", "roles", {"cash": 1, "bank": 1}),
        (2, "短期投资", "roles", {"short_term_investment": 1}),
        (3, "应收款项", "mixed", {"roles": {"receivable": 1}, "debit_part": ["internal"]}),
        (4, "存货", "roles", {"inventory": 1, "production_cost": 1}),
        (5, "消耗性生物资产", "roles", {"consumable_bio_asset": 1}),
        (6, "流动资产合计", "sum", [1, 2, 3, 4, 5]),
        (7, "长期投资", "roles", {"long_term_investment": 1}),
        (8, "生产性生物资产原值", "roles", {"productive_bio_asset": 1}),
        (9, "减：生产性生物资产累计折旧", "roles", {"productive_bio_depreciation": -1}),
        (10, "生产性生物资产净值", "diff", [8, 9]),
        (11, "公益性生物资产", "roles", {"welfare_bio_asset": 1}),
        (12, "固定资产原值", "roles", {"fixed_asset": 1}),
        (13, "减：累计折旧", "roles", {"accumulated_depreciation": -1}),
        (14, "固定资产净值", "diff", [12, 13]),
        (15, "在建工程", "roles", {"construction_in_progress": 1}),
        (16, "固定资产清理", "roles", {"fixed_asset_disposal": 1}),
        (17, "无形资产原值", "roles", {"intangible": 1}),
        (18, "减：累计摊销", "roles", {"accumulated_amortisation": -1}),
        (19, "无形资产净值", "diff", [17, 18]),
        (20, "长期待摊费用", "roles", {"deferred_expense": 1}),
        (21, "待处理财产损溢", "roles", {"pending_loss": 1}),
        (22, "非流动资产合计", "sum", [7, 10, 11, 14, 15, 16, 19, 20, 21]),
        (23, "资产总计", "sum", [6, 22]),
    ],
    "liabilities": [
        (31, "短期借款", "roles", {"short_term_loan": -1}),
        (32, "应付款项", "mixed", {"roles": {"payable": -1}, "credit_part": ["internal"]}),
        (33, "应付工资", "roles", {"wages_payable": -1}),
        (34, "应付劳务费", "roles", {"labour_payable": -1}),
        (35, "应交税费", "roles", {"taxes_payable": -1}),
        (36, "流动负债合计", "sum", [31, 32, 33, 34, 35]),
        (37, "长期借款及应付款", "roles", {"long_term_loan": -1}),
        (38, "一事一议资金", "roles", {"one_matter_fund": -1}),
        (39, "专项应付款", "roles", {"earmarked_payable": -1}),
        (40, "非流动负债合计", "sum", [37, 38, 39]),
        (41, "负债合计", "sum", [36, 40]),
        (42, "资本", "roles", {"capital": -1}),
        (43, "公积公益金", "roles", {"reserve_fund": -1}),
        (44, "未分配收益", "roles", {"current_year_income": -1, "income_distribution": -1, "distribution_items": -1, "undistributed": -1}),
        (45, "所有者权益合计", "sum", [42, 43, 44]),
        (46, "负债和所有者权益总计", "sum", [41, 45]),
    ],
}
BALANCE_SHEETS = {"2004": BALANCE_SHEET_2004, "2023": BALANCE_SHEET_2023}

# 表号 printed at the top right of each statement, per chart: (number, verified, source). None of
# them has been read in the official appendix: the 2004 numbers are those the issue gives (the
# 2004 system's appendix numbers its forms 村会NN表), the 2023 ones follow the pattern the 2023
# appendix is believed to use; both are to be checked (domain.md 1.5). The 科目余额表 and the
# 收支明细表 have no national number: their format is set by each province (2004 [V]).
STATEMENT_FORMS = {
    "2004": {
        "balance_sheet": ("村会01表", False, "issue 12 item 7; appendix of 财会〔2004〕12号 not read"),
        "income_statement": ("村会02表", False, "issue 12 item 7; appendix of 财会〔2004〕12号 not read"),
    },
    "2023": {
        "balance_sheet": ("会农集01表", False, "unverified guess; appendix of 财会〔2023〕14号 not read"),
        "income_statement": ("会农集02表", False, "unverified guess; appendix of 财会〔2023〕14号 not read"),
    },
}
# Who signs a printed statement, left to right (the 2004 forms' footer; 审核 as the township's
# 农经站 reviews the books it keeps for a village).
STATEMENT_SIGNERS = ("单位负责人", "会计主管", "审核", "制表")

# 收益及收益分配表: (row, label, kind, spec). "flow" sums the year's activity of the roles
# (credit-positive for income, debit-positive for expense, by sign). "other_in" (其他转入): what
# came into 未分配收益 in the year other than from income, e.g. 公积公益金 covering a loss.
# "distribution": the year's net debits (debits less credits back) to the 各项分配 accounts with
# the line's role; an account with none of the lines' roles (a book's own sub-account, or a leaf
# 各项分配 without the standard sub-accounts) goes on the line with "other" in its spec, unless its
# name is that of a standard sub-account. Closing vouchers are left out of both.
INCOME_STATEMENT = {
    "2004": [
        (1, "经营收入", "flow", {"operating_income": 1}),
        (2, "加：发包及上交收入", "flow", {"contracting_income": 1}),
        (3, "投资收益", "flow", {"investment_income": 1}),
        (4, "减：经营支出", "flow", {"operating_expense": 1}),
        (5, "管理费用", "flow", {"management_expense": 1}),
        (6, "经营收益", "calc", {1: 1, 2: 1, 3: 1, 4: -1, 5: -1}),
        (7, "加：农业税附加返还收入", "flow", {"tax_refund_income": 1}),
        (8, "补助收入", "flow", {"subsidy_income": 1}),
        (9, "其他收入", "flow", {"other_income": 1}),
        (10, "减：其他支出", "flow", {"other_expense": 1}),
        (11, "本年收益", "calc", {6: 1, 7: 1, 8: 1, 9: 1, 10: -1}),
        (12, "加：年初未分配收益", "opening_undistributed", {}),
        (13, "其他转入", "other_in", {}),
        (14, "可分配收益", "calc", {11: 1, 12: 1, 13: 1}),
        (15, "减：提取公积公益金", "distribution", {"distribute_reserve": 1}),
        (16, "提取应付福利费", "distribution", {"distribute_welfare": 1}),
        (17, "外来投资分利", "distribution", {"distribute_investors": 1}),
        (18, "农户分配", "distribution", {"distribute_households": 1}),
        (19, "其他", "distribution", {"distribute_other": 1, "other": 1}),
        (20, "年末未分配收益", "calc", {14: 1, 15: -1, 16: -1, 17: -1, 18: -1, 19: -1}),
    ],
    # 2023: 其他转入 and the distribution lines as far as known (UNVERIFIED_2023).
    "2023": [
        (1, "经营收入", "flow", {"operating_income": 1}),
        (2, "加：投资收益", "flow", {"investment_income": 1}),
        (3, "减：经营支出", "flow", {"operating_expense": 1}),
        (4, "税金及附加", "flow", {"tax_surcharge": 1}),
        (5, "管理费用", "flow", {"management_expense": 1}),
        (6, "经营收益", "calc", {1: 1, 2: 1, 3: -1, 4: -1, 5: -1}),
        (7, "加：补助收入", "flow", {"subsidy_income": 1}),
        (8, "其他收入", "flow", {"other_income": 1}),
        (9, "减：公益支出", "flow", {"welfare_expense": 1}),
        (10, "其他支出", "flow", {"other_expense": 1}),
        (11, "收益总额", "calc", {6: 1, 7: 1, 8: 1, 9: -1, 10: -1}),
        (12, "减：所得税费用", "flow", {"income_tax": 1}),
        (13, "净收益", "calc", {11: 1, 12: -1}),
        (14, "加：年初未分配收益", "opening_undistributed", {}),
        (15, "其他转入", "other_in", {}),
        (16, "可分配收益", "calc", {13: 1, 14: 1, 15: 1}),
        (17, "减：提取公积公益金", "distribution", {"distribute_reserve": 1}),
        (18, "向成员分配", "distribution", {"distribute_members": 1}),
        (19, "其他", "distribution", {"distribute_other": 1, "other": 1}),
        (20, "年末未分配收益", "calc", {16: 1, 17: -1, 18: -1, 19: -1}),
    ],
}


# --- The annual 农经统计 forms a township, a county and the city file (issue 12 item 6) ----------
# Summed from the village statements above (economy.services.statistics). Each form: its title,
# 表号, the issuing and approving bodies, where its rows were read, and its rows:
# (code, name, unit, spec, verified). spec is one of
#   ("lines", {chart: [statement line labels]})  the village statement's lines of those labels
#       (the 收益及收益分配表 for form "income_distribution", the 资产负债表's 期末数 for
#       "balance_sheet"), matched without their 加：/减： prefixes; a chart not named has none;
#   ("detail", [labels])  as "lines", but a statement without any of these lines leaves the cell
#       empty (不可取得) rather than 0 — the distribution detail, which the statement gives only
#       when the chart data defines the sub-accounts of 各项分配;
#   ("sum", {code: sign})  other rows of the form;
#   ("total", {"lines": [labels], "parts": [codes]})  the statement's total line when it has one,
#       else the sum of the parts (a statement that prints only the distribution's detail);
#   ("count", key)  villages counted (see economy.services.statistics.COUNTS).
# `verified` is False where the row's code, wording or mapping could not be checked against the
# published form; the page and the Excel say so.
STATISTICS_SOURCE = (
    "《农业部办公厅关于布置2008年农村集体经济统计报表制度的通知》附表（六）村集体经济组织收益分配、"
    "（七）村集体经济组织资产负债（制表机关：农业部；批准机关：国家统计局；批准文号：国统制〔2008〕27号）"
)
STATISTICS_FORMS = {
    "income_distribution": {
        "title": "村集体经济组织收益分配统计表",
        "form_no": "农市(经)年综6表",
        # The 7表's number was read; the 6表's follows from it and the table's place (六).
        "form_no_verified": False,
        "unit": "元、个",
        "statement": "income_statement",
        "source": STATISTICS_SOURCE + "；原表的平衡关系（7=1+2+3-4-5；11=7+8+9-10；14=11+12+13；15=16+…+20；21=14-15；"
        "22=23+24；25=26+27+28）和附报指标22—28的名称按原表；1—21各行的名称未能读到原表，由平衡关系和会计制度的收益及收益分配表推定，"
        "代码6未能推定、未列。",
        "rows": [
            ("1", "1.经营收入", "元", ("lines", {"2004": ["经营收入"], "2023": ["经营收入"]}), False),
            ("2", "2.发包及上交收入", "元", ("lines", {"2004": ["发包及上交收入"]}), False),
            ("3", "3.投资收益", "元", ("lines", {"2004": ["投资收益"], "2023": ["投资收益"]}), False),
            ("4", "4.减：经营支出", "元", ("lines", {"2004": ["经营支出"], "2023": ["经营支出", "税金及附加"]}), False),
            ("5", "5.减：管理费用", "元", ("lines", {"2004": ["管理费用"], "2023": ["管理费用"]}), False),
            # Code 6 is not in any balance relation of the form and could not be read: left out.
            ("7", "一、经营收益", "元", ("sum", {"1": 1, "2": 1, "3": 1, "4": -1, "5": -1}), True),
            ("8", "加：补助收入", "元", ("lines", {"2004": ["补助收入", "农业税附加返还收入"], "2023": ["补助收入"]}), False),
            ("9", "其他收入", "元", ("lines", {"2004": ["其他收入"], "2023": ["其他收入"]}), False),
            ("10", "减：其他支出", "元", ("lines", {"2004": ["其他支出"], "2023": ["公益支出", "其他支出", "所得税费用"]}), False),
            ("11", "二、本年收益", "元", ("sum", {"7": 1, "8": 1, "9": 1, "10": -1}), True),
            ("12", "加：年初未分配收益", "元", ("lines", {"2004": ["年初未分配收益"], "2023": ["年初未分配收益"]}), False),
            ("13", "其他转入", "元", ("lines", {"2004": ["其他转入"], "2023": ["其他转入"]}), False),
            ("14", "三、可分配收益", "元", ("sum", {"11": 1, "12": 1, "13": 1}), True),
            ("15", "四、各项分配", "元", ("total", {"lines": ["各项分配"], "parts": ["16", "17", "18", "19", "20"]}), False),
            ("16", "1.提取公积公益金", "元", ("detail", ["提取公积公益金"]), False),
            ("17", "2.提取应付福利费", "元", ("detail", ["提取应付福利费"]), False),
            ("18", "3.外来投资分利", "元", ("detail", ["外来投资分利"]), False),
            # 2023: 向成员分配 (the 2023 chart's distribution to members) counts as 农户分配.
            ("19", "4.农户分配", "元", ("detail", ["农户分配", "向成员分配"]), False),
            ("20", "5.其他", "元", ("detail", ["其他"]), False),
            ("21", "五、年末未分配收益", "元", ("sum", {"14": 1, "15": -1}), True),
            ("22", "六、附报指标：1.汇入本表村数", "个", ("count", "villages"), True),
            ("23", "（1）当年无收益的村", "个", ("count", "no_income"), True),
            ("24", "（2）当年有收益的村", "个", ("count", "with_income"), True),
            ("25", "其中：有集体经营收益的村", "个", ("count", "with_return"), True),
            # 含下不含上 (the forms' rule for bands) is assumed for 5万 and 10万.
            ("26", "①集体收益5万元以下的村", "个", ("count", "return_under_5"), False),
            ("27", "②集体收益5—10万元的村", "个", ("count", "return_5_10"), False),
            ("28", "③集体收益10万元以上的村", "个", ("count", "return_10_up"), False),
        ],
        "not_included": "附报指标N1当年扩大再生产支出、N2当年取得土地征占补偿费不能从收益分配表取得，未列。",
    },
    "balance_sheet": {
        "title": "村集体经济组织资产负债情况统计表",
        "form_no": "农市(经)年综7表",
        "form_no_verified": True,
        "unit": "元",
        "statement": "balance_sheet",
        "source": STATISTICS_SOURCE + "；资产方1—18的代码和名称按原表，负债及所有者权益方未能读到原表，代码19—33为续排、名称按会计制度的资产负债表。",
        "rows": [
            ("1", "一、流动资产合计", "元", ("sum", {"2": 1, "3": 1, "4": 1, "5": 1}), True),
            ("2", "1.货币资金", "元", ("lines", {"2004": ["货币资金"], "2023": ["货币资金"]}), True),
            ("3", "2.短期投资", "元", ("lines", {"2004": ["短期投资"], "2023": ["短期投资"]}), True),
            ("4", "3.应收款项", "元", ("lines", {"2004": ["应收款项"], "2023": ["应收款项"]}), True),
            ("5", "4.存货", "元", ("lines", {"2004": ["存货"], "2023": ["存货"]}), True),
            ("6", "二、农业资产合计", "元", ("lines", {"2004": ["农业资产合计"], "2023": ["消耗性生物资产", "生产性生物资产净值", "公益性生物资产"]}), True),
            ("7", "1.牲畜（禽）资产", "元", ("lines", {"2004": ["牲畜（禽）资产"]}), True),
            ("8", "2.林木资产", "元", ("lines", {"2004": ["林木资产"]}), True),
            ("9", "三、长期资产合计", "元", ("sum", {"10": 1, "11": 1, "17": 1}), True),
            ("10", "1.长期投资", "元", ("lines", {"2004": ["长期投资"], "2023": ["长期投资"]}), True),
            ("11", "2.固定资产合计", "元", ("sum", {"14": 1, "15": 1, "16": 1}), True),
            ("12", "（1）固定资产原价", "元", ("lines", {"2004": ["固定资产原价"], "2023": ["固定资产原价"]}), True),
            ("13", "（2）减：累计折旧", "元", ("lines", {"2004": ["累计折旧"], "2023": ["累计折旧"]}), True),
            ("14", "（3）固定资产净值", "元", ("sum", {"12": 1, "13": -1}), True),
            ("15", "（4）固定资产清理", "元", ("lines", {"2004": ["固定资产清理"], "2023": ["固定资产清理"]}), True),
            ("16", "（5）在建工程", "元", ("lines", {"2004": ["在建工程"], "2023": ["在建工程"]}), True),
            # 无形资产 and 拨付所属单位资金 (2004), the 2023 chart's other long-term lines: ours.
            ("17", "3.其他资产", "元", ("lines", {"2004": ["无形资产", "拨付所属单位资金"], "2023": ["无形资产净值", "长期待摊费用", "待处理财产损溢"]}), False),
            ("18", "四、资产总计", "元", ("sum", {"1": 1, "6": 1, "9": 1}), True),
            ("19", "五、流动负债合计", "元", ("sum", {"20": 1, "21": 1, "22": 1, "23": 1}), False),
            ("20", "1.短期借款", "元", ("lines", {"2004": ["短期借款"], "2023": ["短期借款"]}), False),
            ("21", "2.应付款项", "元", ("lines", {"2004": ["应付款项"], "2023": ["应付款项", "应交税费"]}), False),
            ("22", "3.应付工资", "元", ("lines", {"2004": ["应付工资"], "2023": ["应付工资", "应付劳务费"]}), False),
            ("23", "4.应付福利费", "元", ("lines", {"2004": ["应付福利费"]}), False),
            ("24", "六、长期负债合计", "元", ("sum", {"25": 1, "26": 1, "27": 1}), False),
            ("25", "1.长期借款及应付款", "元", ("lines", {"2004": ["长期借款及应付款"], "2023": ["长期借款及应付款"]}), False),
            ("26", "2.一事一议资金", "元", ("lines", {"2004": ["一事一议资金"], "2023": ["一事一议资金"]}), False),
            ("27", "3.专项应付款", "元", ("lines", {"2004": ["专项应付款"], "2023": ["专项应付款"]}), False),
            ("28", "七、负债合计", "元", ("sum", {"19": 1, "24": 1}), False),
            ("29", "八、所有者权益合计", "元", ("sum", {"30": 1, "31": 1, "32": 1}), False),
            ("30", "1.资本", "元", ("lines", {"2004": ["资本"], "2023": ["资本"]}), False),
            ("31", "2.公积公益金", "元", ("lines", {"2004": ["公积公益金"], "2023": ["公积公益金"]}), False),
            ("32", "3.未分配收益", "元", ("lines", {"2004": ["未分配收益"], "2023": ["未分配收益"]}), False),
            ("33", "九、负债及所有者权益总计", "元", ("sum", {"28": 1, "29": 1}), False),
        ],
        "not_included": "原表资产方“其中：生产性固定资产原值”（代码N）不能从资产负债表取得，未列。",
    },
}
# --- Old chart to new (财会〔2023〕20号, 农村集体经济组织新旧会计制度有关衔接问题的处理规定) ---------
# Every 2004 standard account and standard sub-account to the 2023 account its closing balance
# goes to. The notice's own table (新旧制度会计科目对照表, its appendix) could not be read in full
# here: the rows marked `uncertain` are our reading of the 2023 chart and of the Ministry's
# release (2023-09-25: 农业资产 → 生物资产; 发包及上交收入 "按其经济实质" into 经营收入 and
# 投资收益; 应付福利费 and 农业税附加返还收入 removed), to be checked against that table.
# `sub`: the balance goes to a sub-account of `new` by this name, made in the new book. A
# detail sub-account a book added under a 2004 account goes under where its parent goes, with
# its own name (a new code under the new parent); see `services.chartmove`.


@dataclass(frozen=True)
class AccountMove:
    old: str
    new: str
    sub: str = ""
    note: str = ""
    uncertain: bool = False


def _m(old, new, sub="", note="", uncertain=False):
    return AccountMove(old, new, sub, note, uncertain)


CHART_MOVES = {
    ("2004", "2023"): [
        _m("101", "101", note="现金 → 库存现金（改名）"),
        _m("102", "102"),
        _m("111", "111"),
        _m("112", "112"),
        _m("113", "113"),
        _m("121", "121"),
        _m("131", "131", note="牲畜（禽）资产的自设明细：按消耗性生物资产转入；属产役畜的请在新账调整至生产性生物资产", uncertain=True),
        _m("13101", "131", note="幼畜及育肥畜 → 消耗性生物资产", uncertain=True),
        _m("13102", "132", note="产役畜 → 生产性生物资产（原制度不计提折旧，新账累计折旧从零开始）", uncertain=True),
        _m("132", "132", note="林木资产的自设明细：按生产性生物资产转入；非经济林木请在新账调整至公益性生物资产", uncertain=True),
        _m("13201", "132", note="经济林木 → 生产性生物资产", uncertain=True),
        _m("13202", "134", note="非经济林木（防护林等）→ 公益性生物资产", uncertain=True),
        _m("141", "141"),
        _m("151", "151"),
        _m("152", "152"),
        _m("153", "154", note="固定资产清理：编码由153改为154"),
        _m("154", "153", note="在建工程：编码由154改为153"),
        _m("161", "161"),
        _m("171", "141", sub="拨付所属单位资金", note="新制度无拨付所属单位资金科目，按对所属单位的投资转入长期投资", uncertain=True),
        _m("201", "201"),
        _m("202", "211", note="应付款：编码由202改为211"),
        _m("211", "212", note="应付工资：编码由211改为212"),
        _m("212", "211", sub="应付福利费", note="新制度删除应付福利费，余额转入应付款（明细「应付福利费」）", uncertain=True),
        _m("221", "221"),
        _m("231", "231"),
        _m("241", "241"),
        _m("301", "301"),
        _m("311", "311"),
        _m("321", "321", note="年终结转后应无余额"),
        _m("322", "322"),
        _m("32201", "32201", note="各项分配：年终结转后应无余额"),
        _m("3220101", "3220101", note="提取公积公益金"),
        _m("3220102", "3220103", note="新制度删除应付福利费，提取应付福利费计入其他", uncertain=True),
        _m("3220103", "3220103", note="外来投资分利计入其他（新制度明细待核对）", uncertain=True),
        _m("3220104", "3220102", note="农户分配 → 向成员分配", uncertain=True),
        _m("3220105", "3220103", note="其他"),
        _m("32202", "32202"),
        _m("401", "401"),
        _m("501", "501"),
        _m("502", "511", note="经营支出：编码由502改为511"),
        _m("511", "501", sub="发包及上交收入", note="新制度无发包及上交收入，发包收入按经济实质计入经营收入", uncertain=True),
        _m("51101", "501", sub="承包金", note="承包金（发包收入）→ 经营收入", uncertain=True),
        _m("51102", "502", sub="企业上交利润", note="企业上交利润按经济实质计入投资收益；属承包经营上交的请改入经营收入", uncertain=True),
        _m("521", "504", note="新制度删除农业税附加返还收入，计入其他收入", uncertain=True),
        _m("522", "503"),
        _m("531", "504", note="其他收入：编码由531改为504"),
        _m("541", "513", note="管理费用：编码由541改为513"),
        _m("551", "515", note="其他支出 → 其他支出；新制度另设公益支出（514），原在其他支出中的公益性支出自新账起计入公益支出", uncertain=True),
        _m("561", "502", note="投资收益：编码由561改为502"),
    ],
}


def chart_moves(old: str, new: str) -> dict[str, AccountMove]:
    """The mapping from chart `old` to chart `new` by old code ({} when there is none)."""
    return {m.old: m for m in CHART_MOVES.get((old, new), [])}
