"""A book's asset cards from CSV or XLSX, all or nothing (`sanwu assets import FILE --book CODE`,
the register's import page). Headers in Chinese or English:

    资产编号/asset_no  名称/name  科目编码/account  取得日期/acquired (YYYY-MM-DD)
    原值/cost (yuan)  使用年限（月）/life_months  残值率/residual_rate (percent)
    已提折旧/accumulated (yuan)  存放地点/location  状态/state (在用/闲置/出租/发包)

and optionally 种类/kind, 数量/quantity, 单位/unit, 保管人/custodian, 来源/origin. The category is
the account's: a 固定资产 account gives a fixed asset, a 无形资产 account an intangible. Without
a life or residual rate, the county's default for the kind is taken. Imported cards are the
register's opening (来源 期初登记 unless said): their 已提折旧 stands as at the end of the month
before the register's first month, and depreciation goes on from there.

Every problem of the file is listed by file, row and column in Chinese; a file with any problem
writes nothing.
"""

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import MoneyError, parse_yuan
from sanwu.core.readers import choice_key, parse_date, read_rows
from sanwu.ledger.models import Book

from . import rules
from sanwu.core import permissions

from .services import KEEP_ROLES, CardData, add_cards, category_accounts, cards_problems

COLUMNS: dict[str, list[str]] = {
    "asset_no": ["资产编号", "asset_no"],
    "name": ["名称", "资产名称", "name"],
    "account": ["科目编码", "科目", "account"],
    "acquired": ["取得日期", "acquired"],
    "cost": ["原值", "cost"],
    "life_months": ["使用年限（月）", "使用年限(月)", "使用月数", "life_months"],
    "residual_rate": ["残值率", "residual_rate"],
    "accumulated": ["已提折旧", "累计折旧", "accumulated"],
    "location": ["存放地点", "location"],
    "state": ["状态", "state"],
    "kind": ["种类", "kind"],
    "quantity": ["数量", "quantity"],
    "unit": ["单位", "unit"],
    "custodian": ["保管人", "使用人", "custodian"],
    "origin": ["来源", "origin"],
}
REQUIRED = ("asset_no", "name", "account", "acquired", "cost")
LABELS = {key: names[0] for key, names in COLUMNS.items()}
# How the service names a field, to the file's column.
FIELD_COLUMN = {
    "资产编号": "asset_no", "名称": "name", "科目编码": "account", "取得日期": "acquired", "原值": "cost",
    "使用年限（月）": "life_months", "残值率": "residual_rate", "已提折旧": "accumulated", "存放地点": "location",
    "状态": "state", "种类": "kind", "数量": "quantity", "单位": "unit", "保管人": "custodian", "来源": "origin", "入账凭证": "origin",
}


def column(key: str) -> str:
    return f"{LABELS[key]}（{key}）"


def parse_cards(data: bytes, filename: str, book: Book) -> tuple[list[CardData], list[Problem]]:
    """Read the whole file against the book's chart: the cards it gives and what is wrong with its cells."""
    name = Path(filename).name
    keys, rows = read_rows(data, name, COLUMNS)
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        raise Invalid([Problem(f"缺少必需的列「{column(k)}」", row=1, field=column(k), file=name) for k in missing])
    accounts = category_accounts(book)
    category_of = {a.code: role for role, accs in accounts.items() for a in accs}
    problems: list[Problem] = []
    cards: list[CardData] = []
    for line, row in rows:
        def p(msg, key, line=line):
            problems.append(Problem(msg, row=line, field=column(key), file=name))

        code = row.get("account", "").strip()
        category = category_of.get(code)
        if not code:
            p("科目编码不能为空", "account")
        elif category is None:
            p(f"科目「{code}」不是本账套启用的资产类末级科目（{'、'.join(rules.CATEGORY_LABELS[c] for c in accounts)}）", "account")
        acquired = parse_date(row.get("acquired", ""))
        if acquired is None:
            p(f"取得日期「{row.get('acquired', '')}」无效（应为 YYYY-MM-DD）", "acquired")
        amounts = {}
        for key in ("cost", "accumulated"):
            text = row.get(key, "").strip()
            try:
                amounts[key] = parse_yuan(text) if text else 0
            except MoneyError as exc:
                p(f"{LABELS[key]}「{text}」无效：{exc}", key)
                amounts[key] = 0
        life = None
        if row.get("life_months", "").strip():
            text = row["life_months"].strip()
            life = int(text) if text.isdigit() else None
            if life is None:
                p(f"使用年限（月）「{text}」应为整数月数", "life_months")
        residual = None
        if row.get("residual_rate", "").strip():
            residual = rules.parse_rate(row["residual_rate"])
            if residual is None:
                p(f"残值率「{row['residual_rate']}」应为0到100之间的百分数（最多两位小数）", "residual_rate")
        state = choice_key(rules.STATES, row.get("state", "") or "在用")
        if state is None or state == "disposed":
            p(f"状态「{row.get('state')}」无效（{'、'.join(v for k, v in rules.STATES.items() if k != 'disposed')}）", "state")
        origin = choice_key(rules.ORIGINS, row.get("origin", "") or "期初登记")
        if origin is None:
            p(f"来源「{row.get('origin')}」无效（{'、'.join(rules.ORIGINS.values())}）", "origin")
        kind = ""
        if row.get("kind", "").strip():
            kind = choice_key(rules.KIND_LABELS, row["kind"]) or ""
            if not kind:
                p(f"种类「{row['kind']}」无效", "kind")
        quantity = Decimal(1)
        if row.get("quantity", "").strip():
            try:
                quantity = Decimal(row["quantity"].strip())
                if not quantity.is_finite() or quantity <= 0 or quantity.as_tuple().exponent < -2 or quantity >= 10**10:
                    raise InvalidOperation
            except InvalidOperation:
                p(f"数量「{row['quantity']}」应为大于0的数（最多两位小数）", "quantity")
                quantity = Decimal(1)
        if category is None or acquired is None or state is None or origin is None:
            continue
        cards.append(CardData(
            number=row.get("asset_no", ""), name=row.get("name", ""), category=category, cost=amounts["cost"], acquired=acquired,
            kind=kind, account=code, location=row.get("location", ""), quantity=quantity, unit=row.get("unit", ""), origin=origin,
            custodian=row.get("custodian", ""), life_months=life, residual_bp=residual, accumulated=amounts["accumulated"], state=state, row=line,
        ))
    if not cards and not problems:
        raise Invalid([Problem("文件中没有数据行", row=1, file=name)])
    return cards, problems


def _named(problems: list[Problem], name: str) -> list[Problem]:
    """The service's problems named as the file's columns."""
    return [replace(p, file=name, field=column(FIELD_COLUMN[p.field])) if p.field in FIELD_COLUMN and p.row is not None else replace(p, file=name) for p in problems]


def import_cards(user, book: Book, data: bytes, filename: str) -> list:
    """Check the whole file — its cells, then every card against the book and the others — and
    register every card in one transaction, or none, listing every problem sorted by row."""
    permissions.require(user, KEEP_ROLES, book.region_id, "导入资产卡片", object_type="assets.card.import", object_id=book.code)
    name = Path(filename).name
    cards, problems = parse_cards(data, name, book)
    problems = problems + _named(cards_problems(book, cards), name)
    if problems:
        raise Invalid(sorted(problems, key=lambda p: p.row or 0))
    try:
        return add_cards(user, book, cards, action="import", file=name)
    except Invalid as exc:
        raise Invalid(_named(exc.problems, name)) from None


# --- resources (资源性资产) -------------------------------------------------------------------------

RESOURCE_COLUMNS: dict[str, list[str]] = {
    "number": ["资源编号", "number"],
    "name": ["名称", "坐落", "name"],
    "kind": ["类型", "kind"],
    "group": ["村民小组", "group"],
    "area_mu": ["面积（亩）", "面积(亩)", "面积", "area_mu"],
    "certificate": ["权属证书", "证书编号", "certificate"],
    "use": ["利用方式", "用途", "use"],
    "note": ["备注", "note"],
}
RESOURCE_REQUIRED = ("number", "name", "kind", "area_mu", "use")
RESOURCE_LABELS = {key: names[0] for key, names in RESOURCE_COLUMNS.items()}
RESOURCE_FIELD_COLUMN = {"资源编号": "number", "名称": "name", "类型": "kind", "村民小组": "group", "面积（亩）": "area_mu", "权属证书": "certificate", "利用方式": "use"}


def resource_column(key: str) -> str:
    return f"{RESOURCE_LABELS[key]}（{key}）"


def import_resources(user, village, data: bytes, filename: str) -> list:
    """A village's resources from CSV or XLSX (`sanwu assets import-resources FILE --village CODE`):
    资源编号/number, 名称/name, 类型/kind (耕地, 园地, 林地, 荒山、草山, 水面, 集体建设用地, 其他土地),
    村民小组/group (its name or code), 面积（亩）/area_mu, 权属证书/certificate, 利用方式/use (自营,
    发包, 出租, 闲置, 低效), 备注/note. All or nothing, every problem by file, row and column."""
    from sanwu.regions.models import Region

    from .services import ResourceData, add_resources, parse_kind, parse_use, resources_problems

    permissions.require(user, KEEP_ROLES, village.code, "导入资源性资产", object_type="assets.resource.import", object_id=village.code)
    name = Path(filename).name
    keys, rows = read_rows(data, name, RESOURCE_COLUMNS)
    missing = [k for k in RESOURCE_REQUIRED if k not in keys]
    if missing:
        raise Invalid([Problem(f"缺少必需的列「{resource_column(k)}」", row=1, field=resource_column(k), file=name) for k in missing])
    groups = {}
    for code, gname in Region.objects.filter(parent=village).values_list("code", "name"):
        groups[code] = code
        groups[gname] = code
    problems: list[Problem] = []
    items = []
    for line, row in rows:
        def p(msg, key, line=line):
            problems.append(Problem(msg, row=line, field=resource_column(key), file=name))

        kind = parse_kind(row.get("kind", ""))
        if kind is None:
            p(f"类型「{row.get('kind', '')}」无效（{'、'.join(rules.RESOURCE_KINDS.values())}）", "kind")
        use = parse_use(row.get("use", ""))
        if use is None:
            p(f"利用方式「{row.get('use', '')}」无效（{'、'.join(rules.USES.values())}）", "use")
        area = rules.parse_area(row.get("area_mu", ""))
        if area is None:
            p(f"面积「{row.get('area_mu', '')}」应为大于0的亩数（最多两位小数）", "area_mu")
        group = ""
        if row.get("group", "").strip():
            group = groups.get(row["group"].strip(), "")
            if not group:
                p(f"村民小组「{row['group']}」不是{village.name}的村民小组", "group")
        if kind and use and area:
            items.append(ResourceData(row.get("number", ""), row.get("name", ""), kind, area, use, group, row.get("certificate", ""), row.get("note", ""), row=line))
    if not items and not problems:
        raise Invalid([Problem("文件中没有数据行", row=1, file=name)])
    found = [
        replace(x, file=name, field=resource_column(RESOURCE_FIELD_COLUMN[x.field])) if x.field in RESOURCE_FIELD_COLUMN else replace(x, file=name)
        for x in resources_problems(village, items)
    ]
    problems += found
    if problems:
        raise Invalid(sorted(problems, key=lambda x: x.row or 0))
    return add_resources(user, village, items, action="import", file=name)
