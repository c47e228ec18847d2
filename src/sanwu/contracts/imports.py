"""A book's contracts from CSV or XLSX, all or nothing (`sanwu contracts import FILE --book CODE`,
the contracts' import page). Headers in Chinese or English:

    合同编号/contract_no  类型/kind (发包/租赁/出售/合作/借款)  对方/counterparty
    对方类型/counterparty_kind (个人/单位)  统一社会信用代码/credit_code  标的/object
    面积（亩）/area_mu  开始日期/start  结束日期/end  金额/amount (yuan per period)
    收款周期/period (年/半年/季/一次)  押金/deposit  资源或资产编号/covers (optional: the village's
    resources or the book's asset cards the contract covers, by number, separated by 、)

Every problem of the file is listed by file, row and column in Chinese; a file with any problem
writes nothing. Each contract's receivable schedule is made from its terms."""

import re
from dataclasses import replace
from pathlib import Path

from sanwu.core import permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import MoneyError, parse_yuan
from sanwu.core.readers import choice_key, parse_date, read_rows
from sanwu.ledger.models import Book

from . import rules
from .services import KEEP_ROLES, ContractData, add_contracts, contracts_problems

COLUMNS: dict[str, list[str]] = {
    "contract_no": ["合同编号", "contract_no"],
    "kind": ["类型", "合同类型", "kind"],
    "counterparty": ["对方", "承包方", "counterparty"],
    "counterparty_kind": ["对方类型", "counterparty_kind"],
    "credit_code": ["统一社会信用代码", "credit_code"],
    "object": ["标的", "object"],
    "area_mu": ["面积（亩）", "面积(亩)", "area_mu"],
    "start": ["开始日期", "start"],
    "end": ["结束日期", "end"],
    "amount": ["金额", "amount"],
    "period": ["收款周期", "period"],
    "deposit": ["押金", "deposit"],
    "covers": ["资源或资产编号", "covers"],
}
REQUIRED = ("contract_no", "kind", "counterparty", "counterparty_kind", "object", "start", "end", "amount", "period")
LABELS = {key: names[0] for key, names in COLUMNS.items()}
FIELD_COLUMN = {
    "合同编号": "contract_no", "类型": "kind", "对方": "counterparty", "对方类型": "counterparty_kind", "统一社会信用代码": "credit_code",
    "标的": "object", "面积（亩）": "area_mu", "结束日期": "end", "金额": "amount", "收款周期": "period", "押金": "deposit",
}


def column(key: str) -> str:
    return f"{LABELS[key]}（{key}）"


def import_contracts(user, book: Book, data: bytes, filename: str) -> list:
    permissions.require(user, KEEP_ROLES, book.region_id, "导入合同", object_type="contracts.import", object_id=book.code)
    from sanwu.assets.rules import parse_area

    name = Path(filename).name
    keys, rows = read_rows(data, name, COLUMNS)
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        raise Invalid([Problem(f"缺少必需的列「{column(k)}」", row=1, field=column(k), file=name) for k in missing])
    from sanwu.assets.models import Card, Resource

    resource_ids = dict(Resource.objects.filter(village_id=book.region_id).values_list("number", "id"))
    card_ids = dict(Card.objects.filter(book=book).exclude(state="disposed").values_list("number", "id"))
    problems: list[Problem] = []
    items: list[ContractData] = []
    covers: dict[int, tuple[list[int], list[int]]] = {}
    for line, row in rows:
        def p(msg, key, line=line):
            problems.append(Problem(msg, row=line, field=column(key), file=name))

        kind = choice_key(rules.KINDS, row.get("kind", ""))
        if kind is None:
            p(f"类型「{row.get('kind', '')}」无效（{'、'.join(rules.KINDS.values())}）", "kind")
        ckind = choice_key(rules.COUNTERPARTY_KINDS, row.get("counterparty_kind", ""))
        if ckind is None:
            p(f"对方类型「{row.get('counterparty_kind', '')}」应为个人或单位", "counterparty_kind")
        period = choice_key(rules.PERIODS, row.get("period", ""))
        if period is None:
            p(f"收款周期「{row.get('period', '')}」无效（{'、'.join(rules.PERIODS.values())}）", "period")
        dates = {}
        for key in ("start", "end"):
            dates[key] = parse_date(row.get(key, ""))
            if dates[key] is None:
                p(f"{LABELS[key]}「{row.get(key, '')}」无效（应为 YYYY-MM-DD）", key)
        money = {}
        for key in ("amount", "deposit"):
            text = row.get(key, "").strip()
            try:
                money[key] = parse_yuan(text) if text else 0
            except MoneyError as exc:
                p(f"{LABELS[key]}「{text}」无效：{exc}", key)
                money[key] = 0
        area = 0
        if row.get("area_mu", "").strip():
            area = parse_area(row["area_mu"])
            if area is None:
                p(f"面积「{row['area_mu']}」应为大于0的亩数（最多两位小数）", "area_mu")
                area = 0
        named = [x for x in re.split(r"[、;；,，\s]+", row.get("covers", "").strip()) if x]
        unknown = [x for x in named if x not in resource_ids and x not in card_ids]
        if unknown:
            p(f"「{'、'.join(unknown[:5])}」不是本村登记的资源或本账套的资产卡片编号", "covers")
        if None in (kind, ckind, period, dates["start"], dates["end"]):
            continue
        covers[line] = ([resource_ids[x] for x in named if x in resource_ids], [card_ids[x] for x in named if x in card_ids])
        items.append(ContractData(
            row.get("contract_no", ""), kind, row.get("counterparty", ""), ckind, row.get("object", ""),
            rules.Terms(dates["start"], dates["end"], money["amount"], period), credit_code=row.get("credit_code", ""),
            area_cmu=area, deposit=money["deposit"], row=line,
        ))
    if not items and not problems:
        raise Invalid([Problem("文件中没有数据行", row=1, file=name)])
    problems += [
        replace(x, file=name, field=column(FIELD_COLUMN[x.field])) if x.field in FIELD_COLUMN else replace(x, file=name)
        for x in contracts_problems(book, items)
    ]
    if problems:
        raise Invalid(sorted(problems, key=lambda x: x.row or 0))
    return add_contracts(user, book, items, action="import", file=name, covers=[covers.get(d.row, ([], [])) for d in items])
