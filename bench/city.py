"""The benchmark city, as plain data: regions and each book's year of vouchers.

Pure Python (no Django), deterministic from a seed: the same (seed, book index) gives the same
vouchers on every run and on every database. Money is integer fen throughout; yuan text is
written with integer arithmetic only (`yuan`).

A book uses the 2023 chart plus four detail sub-accounts under 501 经营收入 (光伏发电收入,
资产租赁收入, 资源发包收入, 服务收入). Vouchers have 2-4 entries: income (PV, rent, contracting,
services, investment, subsidies, other), expenses (operating, management, public welfare, taxes,
wages), cash <-> bank transfers, receivables and a few red-ink corrections.
"""

import calendar
import csv
import datetime as dt
import io
import random
from dataclasses import dataclass

CITY = ("340800000000", "安庆市")
# GB/T 2260 codes of Anqing's county-level divisions, with their weight in the city's villages.
COUNTIES = [
    ("340802000000", "迎江区", 30),
    ("340803000000", "大观区", 40),
    ("340811000000", "宜秀区", 70),
    ("340822000000", "怀宁县", 180),
    ("340825000000", "太湖县", 175),
    ("340826000000", "宿松县", 180),
    ("340827000000", "望江县", 130),
    ("340828000000", "岳西县", 182),
    ("340881000000", "桐城市", 170),
    ("340882000000", "潜山市", 175),
]
VILLAGES_PER_TOWNSHIP = 11

SYLLABLES = list("安宁平和兴隆丰华山河源溪岭坪畈冲湾桥塘岗庄田林石园泉青松竹梅花龙凤鹤云天明光东西南北中上下新古长高水")
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙朱胡高何汪储程方余")
GIVEN = list("明华国建军平志强海英秀兰芳玉春红德林文金荣桂凤丽勇杰涛斌")

# Detail accounts the bench adds to every book: (parent, code, name, default source key).
SUB_ACCOUNTS = [
    ("501", "50101", "光伏发电收入", "pv"),
    ("501", "50102", "资产租赁收入", "rent"),
    ("501", "50103", "资源发包收入", "contracting"),
    ("501", "50104", "服务收入", "service"),
]
# Opening balances (debit-positive fen) are drawn per book for these accounts; capital balances them.
OPENING_ACCOUNTS = ("101", "102", "151")
CAPITAL = "301"

HEADER = ["日期", "凭证号", "摘要", "科目编码", "借方金额", "贷方金额", "结算方式", "收入来源", "往来单位", "附件数"]
SETTLEMENT_LABEL = {"cash": "现金", "bank": "银行", "transfer": "转账", "": ""}
SOURCE_LABEL = {"pv": "光伏", "rent": "租赁", "contracting": "发包", "service": "服务", "sales": "销售",
                "investment": "投资", "subsidy": "补助", "other": "其他", "": ""}


def yuan(fen: int) -> str:
    """Integer fen as yuan text with two decimals, no float: -120050 -> '-1200.50'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


# --- Regions ---------------------------------------------------------------------------------


def _name(rng: random.Random, used: set[str], suffix: str) -> str:
    while True:
        n = rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + suffix
        if n not in used and n[0] != n[1]:
            used.add(n)
            return n


def regions(n_villages: int, seed: int) -> tuple[list[tuple[str, str]], list[str]]:
    """(code, name) rows for the city, its counties, townships and `n_villages` villages
    (spread over the counties by their real weight), and the village codes in order."""
    rng = random.Random(f"{seed}:regions")
    weights = [w for _, _, w in COUNTIES]
    total = sum(weights)
    counts = [n_villages * w // total for w in weights]
    for i in range(n_villages - sum(counts)):  # the remainder, largest counties first
        counts[sorted(range(len(weights)), key=lambda j: -weights[j])[i % len(weights)]] += 1
    rows = [CITY] + [(c, n) for c, n, _ in COUNTIES]
    villages: list[str] = []
    for (ccode, _, _), count in zip(COUNTIES, counts):
        if not count:
            continue
        used: set[str] = set()
        towns = max(1, -(-count // VILLAGES_PER_TOWNSHIP))
        per_town = [count // towns + (1 if i < count % towns else 0) for i in range(towns)]
        for t in range(towns):
            is_xiang = t >= towns * 2 // 3 and towns > 2
            seg = (200 + t) if is_xiang else (100 + t)
            tcode = ccode[:6] + f"{seg:03d}000"
            rows.append((tcode, _name(rng, used, "乡" if is_xiang else "镇")))
            for v in range(per_town[t]):
                vcode = tcode[:9] + f"{200 + v:03d}"
                rows.append((vcode, _name(rng, used, "村")))
                villages.append(vcode)
    return rows, villages


def regions_csv(rows: list[tuple[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["代码", "名称"])
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


# --- A book's year ---------------------------------------------------------------------------


@dataclass(slots=True)
class Line:
    account: str
    debit: int = 0
    credit: int = 0
    settlement: str = ""
    source: str = ""
    counterparty: str = ""


@dataclass(slots=True)
class Voucher:
    date: dt.date
    number: str
    summary: str
    lines: list[Line]
    attachments: int


def _cash_or_bank(rng: random.Random) -> tuple[str, str]:
    return ("101", "cash") if rng.random() < 0.3 else ("102", "bank")


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` fen in `parts` positive integer parts."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if total > parts else list(range(1, parts))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total])]


def _amount(rng: random.Random, low_yuan: int, high_yuan: int, scale: float) -> int:
    """Fen, drawn on a log scale between two yuan bounds times the book's scale (kept integer)."""
    lo, hi = max(1, int(low_yuan * scale)), max(2, int(high_yuan * scale))
    fen = int(lo * 100 * (hi / lo) ** rng.random())
    return max(fen, 100)


class BookPlan:
    """What kind of village a book is: its scale and its income mix (many PV-only villages, a
    few strong ones with rent, contracting and services)."""

    def __init__(self, rng: random.Random):
        kind = rng.random()
        if kind < 0.45:
            self.kind, self.scale = "pv", 0.6
            self.income = {"pv": 8, "subsidy": 2, "other": 1}
        elif kind < 0.9:
            self.kind, self.scale = "mixed", 1.0
            self.income = {"pv": 4, "rent": 3, "contracting": 3, "service": 1, "subsidy": 2, "other": 1, "investment": 1}
        else:
            self.kind, self.scale = "strong", 4.0
            self.income = {"pv": 2, "rent": 5, "contracting": 4, "service": 4, "investment": 2, "subsidy": 1, "other": 1}


INCOME_ACCOUNT = {"pv": "50101", "rent": "50102", "contracting": "50103", "service": "50104",
                  "investment": "502", "subsidy": "503", "other": "504"}
INCOME_TEXT = {
    "pv": ("收到光伏发电收入", "国网安徽省电力有限公司", 300, 20000),
    "rent": ("收到资产租赁费", None, 500, 30000),
    "contracting": ("收到资源发包费", None, 500, 40000),
    "service": ("收到服务收入", None, 200, 8000),
    "investment": ("收到投资分红", "县农业发展投资公司", 1000, 30000),
    "subsidy": ("收到上级补助资金", "乡镇财政所", 1000, 50000),
    "other": ("收到其他收入", None, 100, 5000),
}
EXPENSES = [  # (weight, summary, debit account, low, high yuan)
    (5, "支付办公用品费", "513", 50, 3000),
    (4, "支付村干部误工补贴", "513", 500, 6000),
    (4, "支付光伏电站运维费", "511", 200, 8000),
    (3, "支付道路维修费", "514", 500, 20000),
    (3, "支付保洁费", "514", 300, 5000),
    (2, "支付水电费", "513", 50, 2000),
    (2, "支付农产品收购款", "511", 500, 15000),
    (1, "支付其他支出", "515", 100, 3000),
]


def book_vouchers(seed: int, index: int, year: int, count: int) -> tuple[dict[str, int], list[Voucher]]:
    """The opening balances (account code -> debit-positive fen) and `count` vouchers, in date
    order, for the book at `index`. Source numbers run through the year (记-0001 … 记-1000):
    Sanwu numbers posted vouchers itself, per month. (Per-month source numbers trip the
    importer when a month holds a single voucher: see docs/performance.md.)"""
    rng = random.Random(f"{seed}:book:{index}")
    plan = BookPlan(rng)
    cash = rng.randint(1_000, 50_000) * 100
    bank = rng.randint(20_000, 2_000_000) * 100
    fixed = rng.randint(0, 5_000_000) * 100
    opening = {"101": cash, "102": bank, "151": fixed, CAPITAL: -(cash + bank + fixed)}

    days = 366 if calendar.isleap(year) else 365
    start = dt.date(year, 1, 1)
    dates = sorted(start + dt.timedelta(days=rng.randrange(days)) for _ in range(count))
    income_kinds = list(plan.income)
    income_weights = [plan.income[k] for k in income_kinds]
    exp_weights = [e[0] for e in EXPENSES]
    vouchers: list[Voucher] = []
    on_hand = cash  # a village cannot pay out cash it does not have (Sanwu refuses that posting)
    for k, date in enumerate(dates, start=1):
        r = rng.random()
        if r < 0.38:
            summary, lines = _income(rng, plan, income_kinds, income_weights)
        elif r < 0.80:
            summary, lines = _expense(rng, plan, exp_weights)
        elif r < 0.90:
            summary, lines = _transfer(rng, plan)
        elif r < 0.99:
            summary, lines = _payroll_or_tax(rng, plan)
        else:
            summary, lines = _red_ink(rng, plan)
        summary, on_hand = _keep_cash(summary, lines, on_hand)
        vouchers.append(Voucher(date, f"记-{k:04d}", summary, lines, rng.choice((0, 1, 1, 2, 3))))
    return opening, vouchers


def _keep_cash(summary: str, lines: list[Line], on_hand: int) -> tuple[str, int]:
    """A voucher that would take cash below zero pays through the bank instead, and a deposit of
    more cash than is on hand becomes a withdrawal (no randomness used, so every other voucher
    stays as it was). Returns the summary and the cash on hand after the voucher."""
    def cash_after() -> int:
        return on_hand + sum(ln.debit - ln.credit for ln in lines if ln.account == "101")

    if cash_after() >= 0:
        return summary, cash_after()
    if summary == "将现金存入银行":
        for ln in lines:
            ln.debit, ln.credit = ln.credit, ln.debit
        return "从银行提取现金", cash_after()
    for ln in lines:
        if ln.account == "101":
            ln.account, ln.settlement = "102", "bank"
    return summary, cash_after()


def _income(rng, plan, kinds, weights):
    kind = rng.choices(kinds, weights)[0]
    summary, payer, lo, hi = INCOME_TEXT[kind]
    payer = payer or _person(rng)
    amount = _amount(rng, lo, hi, plan.scale)
    shape = rng.random()
    if shape < 0.55 or amount < 1000:  # 2 entries: cash or bank / income
        acc, st = _cash_or_bank(rng)
        return summary, [Line(acc, debit=amount, settlement=st), Line(INCOME_ACCOUNT[kind], credit=amount, source=kind, counterparty=payer)]
    if shape < 0.75:  # 3 entries: part cash, part bank
        a, b = _split(rng, amount, 2)
        return summary + "（部分现金）", [
            Line("101", debit=a, settlement="cash"), Line("102", debit=b, settlement="bank"),
            Line(INCOME_ACCOUNT[kind], credit=amount, source=kind, counterparty=payer),
        ]
    if shape < 0.85:  # 2 entries: on credit (receivable)
        return summary + "（挂账）", [
            Line("112", debit=amount, counterparty=payer, settlement="transfer"),
            Line(INCOME_ACCOUNT[kind], credit=amount, source=kind, counterparty=payer),
        ]
    # 4 entries: one receipt covering three kinds of income
    extra = [k for k in kinds if k != kind] or [kind]
    k2, k3 = rng.choice(extra), rng.choice(extra)
    a, b, c = _split(rng, amount, 3)
    return "收到村集体多项收入", [
        Line("102", debit=amount, settlement="bank"),
        Line(INCOME_ACCOUNT[kind], credit=a, source=kind, counterparty=payer),
        Line(INCOME_ACCOUNT[k2], credit=b, source=k2, counterparty=payer),
        Line(INCOME_ACCOUNT[k3], credit=c, source=k3, counterparty=payer),
    ]


def _expense(rng, plan, weights):
    _, summary, acc, lo, hi = rng.choices(EXPENSES, weights)[0]
    amount = _amount(rng, lo, hi, plan.scale)
    shape = rng.random()
    pay, st = _cash_or_bank(rng)
    if shape < 0.55 or amount < 1000:
        return summary, [Line(acc, debit=amount), Line(pay, credit=amount, settlement=st)]
    if shape < 0.8:  # 3 entries: two expense accounts, one payment
        a, b = _split(rng, amount, 2)
        return summary + "等", [Line(acc, debit=a), Line("513", debit=b), Line(pay, credit=amount, settlement=st)]
    a, b, c = _split(rng, amount, 3)  # 4 entries
    return summary + "及相关税费", [
        Line(acc, debit=a), Line("513", debit=b), Line("512", debit=c), Line("102", credit=amount, settlement="bank"),
    ]


def _transfer(rng, plan):
    amount = _amount(rng, 500, 20000, plan.scale)
    if rng.random() < 0.6:
        return "从银行提取现金", [Line("101", debit=amount, settlement="cash"), Line("102", credit=amount, settlement="bank")]
    return "将现金存入银行", [Line("102", debit=amount, settlement="bank"), Line("101", credit=amount, settlement="cash")]


def _payroll_or_tax(rng, plan):
    amount = _amount(rng, 1000, 15000, plan.scale)
    r = rng.random()
    if r < 0.35:
        return "计提村干部报酬", [Line("513", debit=amount), Line("212", credit=amount)]
    if r < 0.7:
        a, b = _split(rng, amount, 2)
        return "发放村干部报酬", [Line("212", debit=amount), Line("102", credit=a, settlement="bank"), Line("101", credit=b, settlement="cash")]
    if r < 0.85:
        return "计提税费", [Line("512", debit=amount), Line("214", credit=amount)]
    return "缴纳税费", [Line("214", debit=amount), Line("102", credit=amount, settlement="bank")]


def _red_ink(rng, plan):
    """红字: a correction written as negative amounts, which must still balance."""
    amount = _amount(rng, 50, 2000, plan.scale)
    return "冲减多记的办公费（红字）", [Line("513", debit=-amount), Line("101", credit=-amount, settlement="cash")]


def vouchers_csv(vouchers: list[Voucher]) -> bytes:
    """The importer's format: Chinese headers, one row per entry, amounts in yuan."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for v in vouchers:
        d = v.date.isoformat()
        att = str(v.attachments)
        for ln in v.lines:
            w.writerow((
                d, v.number, v.summary, ln.account, yuan(ln.debit) if ln.debit else "", yuan(ln.credit) if ln.credit else "",
                SETTLEMENT_LABEL[ln.settlement], SOURCE_LABEL[ln.source], ln.counterparty, att,
            ))
    return buf.getvalue().encode("utf-8")
