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
# numbers are ours, in order.
BALANCE_SHEET_2023 = {
    "assets": [
        (1, "货币资金", "roles", {"cash": 1, "bank": 1}),
        (2, "短期投资", "roles", {"short_term_investment": 1}),
        (3, "应收款项", "mixed", {"roles": {"receivable": 1}, "debit_part": ["internal"]}),
        (4, "存货", "roles", {"inventory": 1, "production_cost": 1}),
        (5, "消耗性生物资产", "roles", {"consumable_bio_asset": 1}),
        (6, "流动资产合计", "sum", [1, 2, 3, 4, 5]),
        (7, "长期投资", "roles", {"long_term_investment": 1}),
        (8, "生产性生物资产净值", "roles", {"productive_bio_asset": 1, "productive_bio_depreciation": 1}),
        (9, "公益性生物资产", "roles", {"welfare_bio_asset": 1}),
        (10, "固定资产原价", "roles", {"fixed_asset": 1}),
        (11, "减：累计折旧", "roles", {"accumulated_depreciation": -1}),
        (12, "固定资产净值", "diff", [10, 11]),
        (13, "在建工程", "roles", {"construction_in_progress": 1}),
        (14, "固定资产清理", "roles", {"fixed_asset_disposal": 1}),
        (15, "无形资产净值", "roles", {"intangible": 1, "accumulated_amortisation": 1}),
        (16, "长期待摊费用", "roles", {"deferred_expense": 1}),
        (17, "待处理财产损溢", "roles", {"pending_loss": 1}),
        (18, "非流动资产合计", "sum", [7, 8, 9, 12, 13, 14, 15, 16, 17]),
        (19, "资产总计", "sum", [6, 18]),
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
