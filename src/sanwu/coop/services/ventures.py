"""合作经营 (四方入股, 四马分肥): the joint ventures a cooperative invests in with others.

A venture's parties each put in land valued in money, funds or resources (`VentureStake`); a
year's profit is split by stake, to the fen by largest remainder (`rules.venture_split`), and
the cooperative's part — its collective funds' and resources' stakes — is its 投资收益: a voucher
借 应收款 贷 投资收益 on the day the profit is declared, submitted for the township's review like
every other voucher (the venture pays it later: 借 银行存款 贷 应收款, an ordinary receipt).
大歇村's resources quantified as 51% of a tourism venture is one such record.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from sanwu.core import audit, permissions
from sanwu.core.codes import credit_code_errors
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_yuan
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Collective, Voucher

from .. import rules
from ..models import Venture, VentureProfit, VentureShare, VentureStake
from .distribution import leaf_for, leaves_of
from .permissions import KEEP_ROLES
from .register import current_book

RECEIVABLE_WORDS = ("投资", "合作", "应收利润")


@dataclass(frozen=True)
class StakeData:
    kind: str
    party: str
    contribution: int  # fen
    note: str = ""


def create_venture(
    user, collective: Collective, *, name: str, founded_on: dt.date, stakes: list[StakeData], credit_code: str = "", business: str = "",
) -> Venture:
    """The accountant records a venture and its parties' stakes (all or nothing)."""
    permissions.require(user, KEEP_ROLES, collective.region_id, "登记合作经营项目", object_type="coop.venture.create", object_id=collective.pk)
    name, credit_code = (name or "").strip(), (credit_code or "").strip().upper()
    problems = rules.venture_problems(name, credit_code_errors(credit_code) if credit_code else [], [(s.kind, s.party, s.contribution) for s in stakes])
    if founded_on is None or founded_on > today():
        problems.append(Problem("成立日期应不晚于今天", field="成立日期"))
    if name and Venture.objects.filter(collective=collective, name=name).exists():
        problems.append(Problem(f"已有名为「{name}」的合作经营项目", field="名称"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        v = Venture.objects.create(
            collective=collective, name=name, credit_code=credit_code, business=(business or "").strip(), founded_on=founded_on,
            created_by=user if getattr(user, "pk", None) else None,
        )
        VentureStake.objects.bulk_create(
            [VentureStake(venture=v, kind=s.kind, party=s.party.strip(), contribution=s.contribution, note=(s.note or "").strip()) for s in stakes]
        )
        audit.record(
            "coop.venture.create", v, actor=user, region_code=collective.region_id,
            new={"name": name, "stakes": [[s.kind, s.party, s.contribution] for s in stakes]},
        )
    return v


def stake_rows(v: Venture) -> list[dict]:
    """Each party with its contribution and its share of the whole (basis points, by largest
    remainder so that the shares show 100% exactly)."""
    stakes = list(v.stakes.all())
    bps = rules.venture_split(rules.BP, [s.contribution for s in stakes])
    return [{"stake": s, "bp": bp, "percent": rules.format_percent_bp(bp)} for s, bp in zip(stakes, bps)]


def collective_bp(v: Venture, rows: list[dict] | None = None) -> int:
    """The cooperative's own share of the venture (its funds' and resources' stakes)."""
    return sum(r["bp"] for r in (rows if rows is not None else stake_rows(v)) if r["stake"].is_collective)


def collective_part(shares) -> int:
    """What the cooperative's own stakes take of a year's profit: its 投资收益."""
    return sum(amount for stake, amount in shares if stake.is_collective)


def split(v: Venture, profit: int) -> list[tuple[VentureStake, int]]:
    stakes = list(v.stakes.all())
    return list(zip(stakes, rules.venture_split(profit, [s.contribution for s in stakes])))


def profit_problems(v: Venture, year: int, profit: int, declared_on: dt.date) -> list[Problem]:
    out = []
    if not isinstance(year, int) or year < v.founded_on.year or year > today().year:
        out.append(Problem(f"年度应在{v.founded_on.year}年到今年之间", field="年度"))
    elif VentureProfit.objects.filter(venture=v, year=year).exists():
        out.append(Problem(f"{v.name}{year}年度的利润分配已登记", field="年度"))
    if not isinstance(profit, int):
        out.append(Problem("请填写可分配利润", field="可分配利润"))
    if declared_on is None or declared_on > today():
        out.append(Problem("分配日期应不晚于今天", field="分配日期"))
    elif isinstance(year, int) and declared_on < dt.date(year, 1, 1):
        out.append(Problem(f"分配日期不能早于{year}年", field="分配日期"))
    return out


def record_profit(user, v: Venture, *, year: int, profit: int, declared_on: dt.date) -> VentureProfit:
    """The venture's profit of `year`, split by stake; the cooperative's part, when positive,
    becomes its 投资收益 voucher (submitted for review). A loss is recorded and splits nothing."""
    c = v.collective
    permissions.require(user, KEEP_ROLES, c.region_id, "登记合作经营利润分配", object_type="coop.venture.profit", object_id=v.pk)
    problems = profit_problems(v, year, profit, declared_on)
    if problems:
        raise Invalid(problems)
    parts = split(v, profit)
    ours = collective_part(parts)
    with transaction.atomic():
        voucher = _income_voucher(user, v, year, ours, declared_on) if ours > 0 else None
        p = VentureProfit.objects.create(
            venture=v, year=year, profit=profit, declared_on=declared_on, voucher=voucher, created_by=user if getattr(user, "pk", None) else None,
        )
        VentureShare.objects.bulk_create([VentureShare(profit=p, stake=s, amount=amount) for s, amount in parts])
        audit.record(
            "coop.venture.profit", v, actor=user, region_code=c.region_id,
            new={"year": year, "profit": profit, "collective_part": ours, "voucher": voucher.pk if voucher else None},
        )
    return p


def _income_voucher(user, v: Venture, year: int, amount: int, on: dt.date) -> Voucher:
    book = current_book(v.collective_id)
    if book is None:
        raise Invalid([Problem(f"{v.collective.name}还没有账套，无法记入投资收益")])
    leaves = leaves_of(book)
    receivable = leaf_for(leaves, "receivable", prefer=RECEIVABLE_WORDS)
    income = leaf_for(leaves, "investment_income")
    if receivable is None or income is None:
        raise Invalid([Problem(f"账套「{book}」缺少应收款或投资收益科目")])
    summary = f"{v.name}{year}年度利润分配（本村集体分得）"
    draft = ledger.VoucherDraft(date=on, summary=summary, entries=[
        ledger.EntryDraft(receivable.code, debit=amount, summary=summary, counterparty=v.name),
        ledger.EntryDraft(income.code, credit=amount, summary=summary, counterparty=v.name),
    ])
    return ledger.save_draft(user, book, draft, submit=True)


def ventures_of(collective: Collective):
    return Venture.objects.filter(collective=collective).prefetch_related("stakes", "profits")


def profit_rows(v: Venture) -> list[dict]:
    """Each year's profit with every stake's part (for the page, the API and the CLI)."""
    out = []
    for p in v.profits.all().prefetch_related("shares__stake").select_related("voucher"):
        shares = list(p.shares.all())
        out.append({
            "profit": p, "shares": shares, "collective_part": collective_part((s.stake, s.amount) for s in shares),
            "note": f"{p.year}年度可分配利润{format_yuan(p.profit)}元",
        })
    return out


def venture_json(v: Venture) -> dict:
    """A venture as the API and the CLI give it: stakes with their share, profits with each part."""
    rows = stake_rows(v)
    return {
        "name": v.name, "credit_code": v.credit_code, "business": v.business, "founded_on": v.founded_on.isoformat(),
        "collective_share": rules.format_percent_bp(collective_bp(v, rows)),
        "stakes": [
            {"kind": r["stake"].kind, "kind_label": r["stake"].get_kind_display(), "party": r["stake"].party, "contribution_fen": r["stake"].contribution,
             "share": r["percent"], "collective": r["stake"].is_collective}
            for r in rows
        ],
        "profits": [
            {"year": r["profit"].year, "profit_fen": r["profit"].profit, "declared_on": r["profit"].declared_on.isoformat(),
             "collective_part_fen": r["collective_part"], "voucher_status": r["profit"].voucher.status if r["profit"].voucher else None,
             "parts": [{"party": s.stake.party, "amount_fen": s.amount} for s in r["shares"]]}
            for r in profit_rows(v)
        ],
    }
