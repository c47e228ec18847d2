"""The asset register as data and pure rules: the categories a card can have (the chart's asset
accounts, by role), the kinds inside them with their default useful life and residual rate, how an
asset came and what state it is in, and straight-line depreciation to the fen. Nothing here
touches the database.

Depreciation (《农村集体经济组织会计制度》: 平均年限法, 当月增加的资产当月不提、从下月起计提):
for the k-th month after the month of acquisition (k = 1 is the month after), the charge is
``round((cost - residual) / life)`` while anything is left, and month ``life`` (or the first
month after it) takes all that remains — so the charges of a card depreciated from new sum to
exactly cost less residual, whatever the rounding. Land is never depreciated.
"""

import datetime as dt
import re
from dataclasses import dataclass

from sanwu.core.errors import Problem
from sanwu.core.money import format_yuan


@dataclass(frozen=True)
class Category:
    role: str  # the chart's account role of the asset account
    label: str
    depreciable: bool
    # chart → the role of the contra account credited each month; None: the asset account itself
    # is credited (the 2004 chart amortises 无形资产 directly). A chart missing here has none.
    contra: dict[str, str | None]
    verb: str = "折旧"


CATEGORIES: dict[str, Category] = {
    c.role: c
    for c in (
        Category("fixed_asset", "固定资产", True, {"2023": "accumulated_depreciation", "2004": "accumulated_depreciation"}),
        Category("construction_in_progress", "在建工程", False, {}),
        Category("productive_bio_asset", "生产性生物资产", True, {"2023": "productive_bio_depreciation"}),
        Category("consumable_bio_asset", "消耗性生物资产", False, {}),
        Category("welfare_bio_asset", "公益性生物资产", False, {}),
        Category("livestock_asset", "牲畜（禽）资产", False, {}),
        Category("forest_asset", "林木资产", False, {}),
        Category("intangible", "无形资产", True, {"2023": "accumulated_amortisation", "2004": None}, "摊销"),
    )
}
CATEGORY_LABELS = {k: c.label for k, c in CATEGORIES.items()}


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    category: str
    life_months: int  # the county's default; 0 for what is never depreciated
    residual_bp: int  # residual rate in basis points (500 = 5%)


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("building", "房屋及建筑物", "fixed_asset", 240, 500),
        Kind("structure", "道路、水利等构筑物", "fixed_asset", 180, 0),
        Kind("machinery", "机器设备", "fixed_asset", 120, 500),
        Kind("vehicle", "运输工具", "fixed_asset", 96, 500),
        Kind("office", "办公及电子设备", "fixed_asset", 60, 500),
        Kind("land", "土地", "fixed_asset", 0, 0),
        Kind("other_fixed", "其他固定资产", "fixed_asset", 60, 500),
        Kind("construction", "在建项目", "construction_in_progress", 0, 0),
        Kind("orchard", "经济林、茶园、果园", "productive_bio_asset", 120, 500),
        Kind("livestock", "产畜、役畜", "productive_bio_asset", 60, 500),
        Kind("consumable", "消耗性生物资产", "consumable_bio_asset", 0, 0),
        Kind("welfare_bio", "公益性生物资产", "welfare_bio_asset", 0, 0),
        Kind("livestock_2004", "牲畜（禽）资产", "livestock_asset", 0, 0),
        Kind("forest_2004", "林木资产", "forest_asset", 0, 0),
        Kind("land_right", "土地经营权等无形资产", "intangible", 120, 0),
        Kind("software", "软件", "intangible", 60, 0),
    )
}
KIND_LABELS = {k: v.label for k, v in KINDS.items()}
NEVER_DEPRECIATED = {"land"}


def kinds_for(category: str) -> list[Kind]:
    return [k for k in KINDS.values() if k.category == category]


def default_kind(category: str) -> str:
    return kinds_for(category)[-1].key if category == "fixed_asset" else kinds_for(category)[0].key


ORIGINS = {"opening": "期初登记", "purchase": "购置", "construction": "自建", "donation": "接受捐赠", "transfer": "调入", "project": "项目形成"}
STATES = {"in_use": "在用", "idle": "闲置", "leased": "出租", "contracted": "发包", "disposed": "已处置"}
DISPOSALS = {"sale": "出售", "scrap": "报废", "transfer": "调出"}
# Where a month's depreciation is charged: 管理费用 by default, 经营支出 for what earns income.
EXPENSES = {"management_expense": "管理费用", "operating_expense": "经营支出"}
RUN_STATUSES = [("pending", "凭证待记账"), ("posted", "已记账"), ("void", "作废")]


@dataclass(frozen=True)
class Settings:
    """A county's rules for asset registers; a county without its own row uses `DEFAULTS`."""

    disposal_matter_threshold: int = 5_000_000  # fen (5万元, as payments): a disposal of an asset of this cost or more rests on a 四议两公开 matter
    kinds: tuple[tuple[str, int, int], ...] = ()  # (kind, life months, residual bp) overriding `KINDS`

    def life_and_residual(self, kind: str) -> tuple[int, int]:
        for k, life, bp in self.kinds:
            if k == kind:
                return life, bp
        d = KINDS[kind]
        return d.life_months, d.residual_bp


DEFAULTS = Settings()


# --- depreciation ---------------------------------------------------------------------------------


def month_number(year: int, month: int) -> int:
    return year * 12 + month - 1


def months_after(acquired: dt.date, year: int, month: int) -> int:
    """k: how many months `year`-`month` is after the month of acquisition (1 = the month after)."""
    return month_number(year, month) - month_number(acquired.year, acquired.month)


def residual_of(cost: int, residual_bp: int) -> int:
    """The residual value in fen, rounded half up."""
    return (cost * residual_bp + 5_000) // 10_000


def monthly_amount(cost: int, residual: int, life_months: int) -> int:
    """The straight-line month, rounded half up to the fen."""
    if life_months <= 0:
        return 0
    return (2 * (cost - residual) + life_months) // (2 * life_months)


def charge(cost: int, residual: int, life_months: int, accumulated: int, k: int) -> int:
    """The charge of the k-th month after acquisition for a card with `accumulated` so far:
    nothing before the month after acquisition or once cost less residual is reached, the rounded
    month while life lasts, and all that remains in the last month of life (or the first month
    after it, for a card taken over with less than its schedule)."""
    left = cost - residual - accumulated
    if left <= 0 or k < 1 or life_months <= 0:
        return 0
    if k >= life_months:
        return left
    return min(monthly_amount(cost, residual, life_months), left)


def is_depreciable(category: str, kind: str, life_months: int) -> bool:
    return CATEGORIES[category].depreciable and kind not in NEVER_DEPRECIATED and life_months > 0


# --- a card's values --------------------------------------------------------------------------------

RATE = re.compile(r"^\d{1,3}(\.\d{1,2})?$")


def parse_rate(text: str) -> int | None:
    """A percentage as typed ("5", "5%", "3.50") in basis points, or None when it is not one
    (0–100, at most two decimals)."""
    text = (text or "").strip().rstrip("%％").strip()
    if not RATE.match(text):
        return None
    whole, _, frac = text.partition(".")
    bp = int(whole) * 100 + int((frac + "00")[:2])
    return bp if bp <= 10_000 else None


def rate_label(bp: int) -> str:
    return f"{bp // 100}.{bp % 100:02d}%".replace(".00%", "%")


@dataclass(frozen=True)
class CardValues:
    category: str
    kind: str
    cost: int
    acquired: dt.date
    life_months: int
    residual_bp: int
    accumulated: int = 0


def card_problems(v: CardValues, today: dt.date) -> list[Problem]:
    """What is wrong with a card's figures, each naming its field."""
    out: list[Problem] = []
    if v.category not in CATEGORIES:
        out.append(Problem(f"「{v.category}」不是资产类别", field="类别"))
        return out
    if v.kind not in KINDS or KINDS[v.kind].category != v.category:
        out.append(Problem(f"资产种类「{KIND_LABELS.get(v.kind, v.kind)}」不属于{CATEGORY_LABELS[v.category]}", field="种类"))
    if v.cost <= 0:
        out.append(Problem("原值应大于0", field="原值"))
    if v.acquired > today:
        out.append(Problem(f"取得日期 {v.acquired} 晚于今天", field="取得日期"))
    if not 0 <= v.residual_bp <= 10_000:
        out.append(Problem("残值率应在0到100%之间", field="残值率"))
    if v.life_months < 0 or v.life_months > 1_200:
        out.append(Problem("使用年限应在0到1200个月之间", field="使用年限（月）"))
    depreciable = CATEGORIES[v.category].depreciable and v.kind not in NEVER_DEPRECIATED
    if depreciable and v.life_months == 0:
        out.append(Problem(f"{KIND_LABELS.get(v.kind, '')}须填写使用年限（月）", field="使用年限（月）"))
    if v.accumulated < 0:
        out.append(Problem("已提折旧不能为负数", field="已提折旧"))
    elif not depreciable and v.accumulated:
        out.append(Problem(f"{KIND_LABELS.get(v.kind, CATEGORY_LABELS[v.category])}不计提折旧，已提折旧应为0", field="已提折旧"))
    elif v.cost > 0 and v.accumulated > v.cost - residual_of(v.cost, v.residual_bp):
        out.append(Problem(
            f"已提折旧 {format_yuan(v.accumulated)} 元超过原值减残值 {format_yuan(v.cost - residual_of(v.cost, v.residual_bp))} 元", field="已提折旧",
        ))
    return out


def disposal_gain(cost: int, accumulated: int, proceeds: int) -> int:
    """Gain (positive) or loss (negative) of a disposal: proceeds less the net book value."""
    return proceeds - (cost - accumulated)


# --- resources (资源性资产) ----------------------------------------------------------------------

RESOURCE_KINDS = {
    "farmland": "耕地", "garden": "园地", "forest": "林地", "hill": "荒山、草山", "water": "水面",
    "construction_land": "集体建设用地", "other_land": "其他土地",
}
USES = {"self_run": "自营", "contracted": "发包", "leased": "出租", "idle": "闲置", "inefficient": "低效"}
UNUSED = {"idle", "inefficient"}  # brought back into use when it leaves these for another use
AREA = re.compile(r"^\d{1,9}(\.\d{1,2})?$")


def parse_area(text: str) -> int | None:
    """An area in 亩 as typed ("12", "3.5", "0.25") in hundredths of a 亩, or None (positive, at
    most two decimals)."""
    text = (text or "").strip()
    if not AREA.match(text):
        return None
    whole, _, frac = text.partition(".")
    v = int(whole) * 100 + int((frac + "00")[:2])
    return v or None


def area_label(cmu: int) -> str:
    """Hundredths of a 亩 as 亩 (12.50)."""
    return f"{cmu // 100:,}.{cmu % 100:02d}"
