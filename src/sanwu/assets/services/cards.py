"""Asset cards: the register a book keeps, cards added one by one or from a sheet, their changes,
and the posted vouchers that bought an asset with no card yet."""

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from sanwu.core import audit, permissions
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.models import Event
from sanwu.core.money import format_yuan
from sanwu.ledger.models import Account, Book, Entry, Period, Voucher

from .. import rules
from ..models import Card, CardEvent, Register
from .permissions import KEEP_ROLES
from .settings import settings_for

# What a page or the CLI may change on a card once it is registered (the figures stay: a wrong
# cost is corrected by a voucher and a disposal or a new card, as the books are).
CHANGEABLE = ("name", "location", "custodian", "state", "expense_role", "note", "quantity", "unit")


@dataclass
class CardData:
    number: str
    name: str
    category: str
    cost: int
    acquired: dt.date
    kind: str = ""
    account: str = ""  # account code; blank: the book's first leaf account of the category
    location: str = ""
    quantity: Decimal = Decimal(1)
    unit: str = ""
    origin: str = "purchase"
    voucher_id: int | None = None
    custodian: str = ""
    life_months: int | None = None  # None: the county's default for the kind
    residual_bp: int | None = None
    accumulated: int = 0
    state: str = "in_use"
    expense_role: str = "management_expense"
    note: str = ""
    row: int | None = None
    extra: dict = field(default_factory=dict)


def first_open_month(book: Book) -> tuple[int, int]:
    """The first month of the book after its last closed (or closing) month."""
    last = Period.objects.filter(book=book).exclude(status="open").order_by("-year", "-month").values_list("year", "month").first()
    if last is None:
        return (book.start_date.year, book.start_date.month)
    y, m = last
    return (y + 1, 1) if m == 12 else (y, m + 1)


def register_of(book: Book) -> Register | None:
    return Register.objects.filter(book=book).first()


def _ensure_register(user, book: Book) -> Register:
    reg = register_of(book)
    if reg is None:
        y, m = first_open_month(book)
        reg = Register.objects.create(book=book, since_year=y, since_month=m, created_by=user if getattr(user, "pk", None) else None)
        audit.record("assets.register.start", reg, actor=user, region_code=book.region_id, new={"book": book.code, "since": f"{y}-{m:02d}"})
    return reg


def categories_of(book: Book) -> list[rules.Category]:
    """The asset categories the book's chart has, in the chart's order."""
    from sanwu.ledger.charts import CHARTS

    roles = {r for a in CHARTS[book.chart] for r in a.roles}
    return [c for c in rules.CATEGORIES.values() if c.role in roles]


def category_accounts(book: Book) -> dict[str, list[Account]]:
    """The book's open leaf accounts of each asset category (by role), by code."""
    out: dict[str, list[Account]] = {c.role: [] for c in categories_of(book)}
    for a in Account.objects.filter(book=book, is_leaf=True, is_open=True).order_by("code"):
        for role in a.role_set & set(out):
            out[role].append(a)
    return out


def _filled(book: Book, d: CardData) -> CardData:
    """Defaults: the kind, the county's life and residual for it, and the account."""
    kind = d.kind or (rules.default_kind(d.category) if d.category in rules.CATEGORIES else "")
    life, bp = d.life_months, d.residual_bp
    if kind in rules.KINDS and (life is None or bp is None):
        default_life, default_bp = settings_for(book.region_id).life_and_residual(kind)
        life = default_life if life is None else life
        bp = default_bp if bp is None else bp
    return replace(d, kind=kind, life_months=life if life is not None else 0, residual_bp=bp if bp is not None else 0)


def data_problems(book: Book, d: CardData, accounts: dict[str, list[Account]], numbers: set[str], vouchers: dict[int, Voucher] | None = None) -> list[Problem]:
    """Everything wrong with one card for this book (`numbers`: the numbers already taken)."""
    problems: list[Problem] = []

    def p(msg, fld):
        problems.append(Problem(msg, field=fld, row=d.row))

    if not d.number.strip():
        p("资产编号不能为空", "资产编号")
    elif len(d.number) > 40:
        p("资产编号不能超过40个字符", "资产编号")
    elif d.number in numbers:
        p(f"资产编号「{d.number}」已登记", "资产编号")
    if not d.name.strip():
        p("名称不能为空", "名称")
    if d.category not in accounts:
        label = rules.CATEGORY_LABELS.get(d.category)
        p(f"本账套的会计制度没有{label}科目" if label else f"「{d.category}」不是资产类别", "科目编码")
    else:
        codes = {a.code: a for a in accounts[d.category]}
        if d.account and d.account not in codes:
            p(f"科目「{d.account}」不是本账套启用的{rules.CATEGORY_LABELS[d.category]}末级科目", "科目编码")
        elif not codes:
            p(f"本账套没有启用的{rules.CATEGORY_LABELS[d.category]}末级科目", "科目编码")
    for msg in rules.card_problems(rules.CardValues(d.category, d.kind, d.cost, d.acquired, d.life_months or 0, d.residual_bp or 0, d.accumulated), today()):
        problems.append(replace(msg, row=d.row))
    if d.origin not in rules.ORIGINS:
        p(f"来源「{d.origin}」无效（{'、'.join(rules.ORIGINS.values())}）", "来源")
    if d.state not in rules.STATES or d.state == "disposed":
        p(f"状态「{rules.STATES.get(d.state, d.state)}」无效（{'、'.join(v for k, v in rules.STATES.items() if k != 'disposed')}）", "状态")
    if d.expense_role not in rules.EXPENSES:
        p("折旧计入应为管理费用或经营支出", "折旧计入")
    if d.quantity is None or d.quantity <= 0:
        p("数量应大于0", "数量")
    for value, limit, label in ((d.location, 100, "存放地点"), (d.custodian, 50, "保管人"), (d.note, 200, "备注"), (d.unit, 10, "单位"), (d.name, 100, "名称")):
        if len(value or "") > limit:
            p(f"{label}不能超过{limit}个字", label)
    if d.voucher_id is not None:
        v = (vouchers or {}).get(d.voucher_id) or Voucher.objects.filter(pk=d.voucher_id, book=book).first()
        if v is None or v.book_id != book.pk:
            p("入账凭证不存在或不是本账套的凭证", "入账凭证")
        elif v.status != "posted":
            p(f"入账凭证 {v.label} 尚未记账：记账后再登记卡片", "入账凭证")
    if d.accumulated and d.origin != "opening":
        p("只有期初登记的卡片带已提折旧；新增资产从取得的下月起计提", "已提折旧")
    return problems


def _card(book: Book, d: CardData, accounts: dict[str, list[Account]], user) -> Card:
    account = next(a for a in accounts[d.category] if not d.account or a.code == d.account)
    return Card(
        book=book, number=d.number.strip(), name=d.name.strip(), category=d.category, kind=d.kind, account=account,
        location=d.location.strip(), quantity=d.quantity, unit=d.unit.strip(), origin=d.origin, voucher_id=d.voucher_id,
        custodian=d.custodian.strip(), acquired=d.acquired, cost=d.cost, life_months=d.life_months, residual_bp=d.residual_bp,
        depreciable=rules.is_depreciable(d.category, d.kind, d.life_months), expense_role=d.expense_role,
        opening_accumulated=d.accumulated, accumulated=d.accumulated, state=d.state, note=d.note.strip(),
        created_by=user if getattr(user, "pk", None) else None,
    )


def _voucher_room(book: Book, cards: list[CardData], accounts: dict[str, list[Account]]) -> list[Problem]:
    """Cards naming a voucher may together cost no more than what it debits to their category."""
    out = []
    by_voucher: dict[tuple[int, str], list[CardData]] = {}
    for d in cards:
        if d.voucher_id is not None and d.category in accounts:
            by_voucher.setdefault((d.voucher_id, d.category), []).append(d)
    for (vid, category), ds in by_voucher.items():
        ids = [a.pk for a in accounts[category]]
        debited = Entry.objects.filter(voucher_id=vid, account_id__in=ids).aggregate(s=Sum("debit"))["s"] or 0
        taken = Card.objects.filter(book=book, voucher_id=vid, category=category).aggregate(s=Sum("cost"))["s"] or 0
        if taken + sum(d.cost for d in ds) > debited:
            out.append(Problem(
                f"入账凭证借记{rules.CATEGORY_LABELS[category]} {format_yuan(debited)} 元，已登记卡片 {format_yuan(taken)} 元，"
                f"再登记 {format_yuan(sum(d.cost for d in ds))} 元就超过了", field="原值", row=ds[0].row,
            ))
    return out


def cards_problems(book: Book, cards: list[CardData], accounts: dict[str, list[Account]] | None = None, file: str | None = None) -> list[Problem]:
    """Every problem of these cards for the book, numbers taken by each other included."""
    accounts = accounts if accounts is not None else category_accounts(book)
    cards = [_filled(book, d) for d in cards]
    numbers = set(Card.objects.filter(book=book).values_list("number", flat=True))
    problems: list[Problem] = []
    vouchers = Voucher.objects.in_bulk({d.voucher_id for d in cards if d.voucher_id is not None})
    for d in cards:
        problems.extend(replace(p, file=file) if file else p for p in data_problems(book, d, accounts, numbers, vouchers))
        numbers.add(d.number.strip())
    problems.extend(_voucher_room(book, cards, accounts))
    return problems


def add_cards(user, book: Book, cards: list[CardData], *, action: str = "create", file: str | None = None) -> list[Card]:
    """Register cards, all or nothing (the page adds one, an import many): every problem of every
    card is listed, and nothing is written unless there is none."""
    permissions.require(user, KEEP_ROLES, book.region_id, "登记资产卡片", object_type="assets.card.create", object_id=book.code)
    accounts = category_accounts(book)
    cards = [_filled(book, d) for d in cards]
    with transaction.atomic():
        Book.objects.select_for_update().filter(pk=book.pk).first()  # numbers given one writer at a time
        problems = cards_problems(book, cards, accounts, file)
        if problems:
            raise Invalid(problems)
        _ensure_register(user, book)
        made = Card.objects.bulk_create([_card(book, d, accounts, user) for d in cards], batch_size=1_000)
        if not all(c.pk for c in made):  # SQLite before RETURNING: read the ids back
            by_number = dict(Card.objects.filter(book=book, number__in=[c.number for c in made]).values_list("number", "id"))
            for c in made:
                c.pk = c.id = by_number[c.number]
        actor = Event.actor_fields(user)
        CardEvent.objects.bulk_create([CardEvent(card=c, action=action, to_status=c.state, note=f"原值 {format_yuan(c.cost)} 元", **actor) for c in made], batch_size=1_000)
        audit.record(
            f"assets.card.{action}", made[0] if len(made) == 1 else None, actor=user, region_code=book.region_id,
            new={"book": book.code, "cards": len(made), "cost": sum(c.cost for c in made), **({"file": file} if file else {})},
        )
    return made


def add_card(user, book: Book, d: CardData) -> Card:
    return add_cards(user, book, [d])[0]


def change_card(user, card: Card, **values) -> Card:
    """Change what a card says about where it is, who keeps it and how it is used (an event row
    and an audit row with the old and new values); its figures stay as registered."""
    permissions.require(user, KEEP_ROLES, card.book.region_id, "修改资产卡片", object_type="assets.card.change", object_id=card.pk)
    unknown = set(values) - set(CHANGEABLE)
    if unknown:
        raise Invalid([Problem(f"卡片的「{k}」不能修改", field=k) for k in sorted(unknown)])
    with transaction.atomic():
        card = Card.objects.select_for_update().get(pk=card.pk)
        if card.state == "disposed":
            raise Invalid(Problem("已处置的资产不能再修改"))
        if "state" in values and (values["state"] not in rules.STATES or values["state"] == "disposed"):
            raise Invalid(Problem("状态无效：处置请走资产处置", field="状态"))
        if "expense_role" in values and values["expense_role"] not in rules.EXPENSES:
            raise Invalid(Problem("折旧计入应为管理费用或经营支出", field="折旧计入"))
        d = replace(_as_data(card), **{k: v for k, v in values.items() if k in ("name", "location", "custodian", "note", "unit", "quantity")})
        problems = [p for p in data_problems(card.book, d, {card.category: [card.account]}, set()) if p.field in ("名称", "存放地点", "保管人", "备注", "单位", "数量")]
        if problems:
            raise Invalid(problems)
        old = {k: str(getattr(card, k)) for k in values}
        changed = {k: v for k, v in values.items() if str(getattr(card, k)) != str(v)}
        if not changed:
            return card
        for k, v in changed.items():
            setattr(card, k, v.strip() if isinstance(v, str) else v)
        card.save(update_fields=list(changed))
        note = "；".join(f"{Card._meta.get_field(k).verbose_name}：{old[k] or '—'} → {getattr(card, k) or '—'}" for k in changed)
        CardEvent.record(user, "state" if set(changed) == {"state"} else "change", from_status=old.get("state", ""), to_status=card.state if "state" in changed else "", note=note, card=card)
        audit.record("assets.card.change", card, actor=user, region_code=card.book.region_id, old={k: old[k] for k in changed}, new={k: str(v) for k, v in changed.items()})
    return card


def _as_data(card: Card) -> CardData:
    return CardData(
        number=card.number, name=card.name, category=card.category, cost=card.cost, acquired=card.acquired, kind=card.kind,
        location=card.location, quantity=card.quantity, unit=card.unit, origin=card.origin, custodian=card.custodian,
        life_months=card.life_months, residual_bp=card.residual_bp, state=card.state, expense_role=card.expense_role, note=card.note,
    )


def vouchers_wanting_cards(book: Book, limit: int = 50) -> list[dict]:
    """Posted vouchers since the register began that debit an asset category by more than the
    cards registered with them: each prompts a card (`voucher`, `category`, `debited`, `carded`)."""
    reg = register_of(book)
    if reg is None:
        return []
    accounts = category_accounts(book)
    role_of = {a.pk: role for role, accs in accounts.items() for a in accs}
    if not role_of:
        return []
    rows = (
        Entry.objects.filter(voucher__book=book, voucher__status="posted", voucher__kind="normal", voucher__reverses__isnull=True,
                             account_id__in=list(role_of), debit__gt=0, voucher__year__gte=reg.since_year)
        .values_list("voucher_id", "account_id", "debit")
    )
    debited: dict[tuple[int, str], int] = {}
    for vid, acc, amount in rows:
        key = (vid, role_of[acc])
        debited[key] = debited.get(key, 0) + amount
    if not debited:
        return []
    carded: dict[tuple[int, str], int] = {}
    for vid, cat, cost in Card.objects.filter(book=book, voucher_id__in={v for v, _ in debited}).values_list("voucher_id", "category", "cost"):
        carded[(vid, cat)] = carded.get((vid, cat), 0) + cost
    # Depreciation and disposal vouchers credit these accounts; vouchers before the register's month are its opening.
    from ..models import DepreciationRun, Disposal

    own = set(DepreciationRun.objects.filter(book=book, voucher__isnull=False).values_list("voucher_id", flat=True))
    own |= set(Disposal.objects.filter(card__book=book, voucher__isnull=False).values_list("voucher_id", flat=True))
    vouchers = Voucher.objects.in_bulk({v for v, _ in debited})
    out = []
    for (vid, cat), amount in sorted(debited.items()):
        v = vouchers[vid]
        if vid in own or (v.year, v.month) < reg.since or carded.get((vid, cat), 0) >= amount:
            continue
        out.append({"voucher": v, "category": cat, "label": rules.CATEGORY_LABELS[cat], "debited": amount, "carded": carded.get((vid, cat), 0)})
        if len(out) >= limit:
            break
    return out
