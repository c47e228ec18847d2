"""Disposal of an asset (出售, 报废, 调出): above the county's threshold it rests on a decided
四议两公开 matter of the village; its voucher takes the cost and the accumulated depreciation out
of the books and puts the gain or loss in them, and the card leaves the register when that
voucher is posted (`depreciation.on_posted`)."""

import datetime as dt

from django.db import transaction

from sanwu.core import audit, permissions
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_yuan
from sanwu.decisions.models import Matter
from sanwu.decisions.rules import DECIDED_STAGES, STAGE_LABELS
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Account

from .. import rules
from ..models import Card, CardEvent, Disposal
from .depreciation import charges, run_of
from .permissions import KEEP_ROLES
from .settings import settings_for


def needs_matter(card: Card) -> bool:
    return card.cost >= settings_for(card.book.region_id).disposal_matter_threshold


def matter_problems(card: Card, matter: Matter | None) -> list[Problem]:
    threshold = settings_for(card.book.region_id).disposal_matter_threshold
    if matter is not None and matter.village_id != card.book.region_id:
        return [Problem("四议两公开事项不存在或不是本村的事项", field="四议两公开事项")]
    if card.cost < threshold:
        return []
    if matter is None:
        return [Problem(f"原值 {format_yuan(card.cost)} 元达到本县 {format_yuan(threshold)} 元的标准，处置须关联已决议的四议两公开事项", field="四议两公开事项")]
    if matter.status == "abandoned":
        return [Problem(f"四议两公开事项「{matter.title}」已终止", field="四议两公开事项")]
    if matter.stage not in DECIDED_STAGES:
        return [Problem(f"四议两公开事项「{matter.title}」尚未完成决议公开（已完成到：{STAGE_LABELS.get(matter.stage, '未开始')}）", field="四议两公开事项")]
    return []


def _draft(card: Card, kind: str, on: dt.date, proceeds: int, leaves: list[Account]):
    """借 累计折旧, 借 银行存款 (proceeds), 借 其他支出 (loss) / 贷 固定资产 (cost), 贷 其他收入 (gain)."""
    book = card.book
    gain = rules.disposal_gain(card.cost, card.accumulated, proceeds)
    summary = f"{rules.DISPOSALS[kind]}资产 {card.number} {card.name}"[:200]
    contra_role = rules.CATEGORIES[card.category].contra.get(book.chart)
    lines: list[tuple[Account | None, int, str]] = []  # (account, debit-positive amount, what)
    if card.accumulated and contra_role is not None:
        lines.append((ledger.leaf_for(leaves, contra_role), card.accumulated, "累计折旧"))
        cost_out = card.cost
    else:
        cost_out = card.cost - card.accumulated  # credited to the asset itself (or nothing charged)
    if proceeds:
        lines.append((ledger.leaf_for(leaves, "bank"), proceeds, "银行存款"))
    if gain < 0:
        lines.append((ledger.leaf_for(leaves, "other_expense"), -gain, "其他支出"))
    lines.append((card.account, -cost_out, "资产"))
    if gain > 0:
        lines.append((ledger.leaf_for(leaves, "other_income"), -gain, "其他收入"))
    missing = [what for a, _, what in lines if a is None]
    if missing:
        raise Invalid(Problem(f"账套「{book}」缺少{'、'.join(missing)}科目"))
    entries = [ledger.EntryDraft(a.code, debit=n if n > 0 else 0, credit=-n if n < 0 else 0, summary=summary, settlement="bank" if what == "银行存款" else "")
               for a, n, what in lines if n]
    net: dict[str, int] = {}
    for a, n, _ in lines:
        net[str(a.pk)] = net.get(str(a.pk), 0) + n
    return ledger.VoucherDraft(date=on, summary=summary, entries=entries), {k: v for k, v in net.items() if v}


def dispose(user, card: Card, kind: str, on: dt.date, proceeds: int, reason: str, matter: Matter | None = None) -> Disposal:
    """The accountant records a disposal: its voucher is saved and submitted for review."""
    permissions.require(user, KEEP_ROLES, card.book.region_id, "处置资产", object_type="assets.dispose", object_id=card.pk)
    with transaction.atomic():
        card = Card.objects.select_for_update().select_related("book", "account").get(pk=card.pk)
        card.disposals.filter(status="pending", voucher__isnull=True).update(status="void")  # its draft deleted
        problems = []
        if card.state == "disposed" or card.disposals.filter(status="pending").exists():
            problems.append(Problem(f"资产 {card.number} 已处置或正在处置"))
        if kind not in rules.DISPOSALS:
            problems.append(Problem(f"处置方式应为{'、'.join(rules.DISPOSALS.values())}", field="处置方式"))
        if on > today() or on < card.acquired:
            problems.append(Problem(f"处置日期 {on} 应在取得日期 {card.acquired} 与今天之间", field="处置日期"))
        if proceeds < 0:
            problems.append(Problem("处置收入不能为负数", field="处置收入"))
        if not (reason or "").strip():
            problems.append(Problem("请写明处置原因", field="处置原因"))
        problems.extend(matter_problems(card, matter))
        # 当月减少的资产当月照提折旧: the month's depreciation first, if it charges this card.
        if card.depreciable and run_of(card.book, on.year, on.month) is None and charges([card], on.year, on.month):
            problems.append(Problem(f"请先计提 {on.year}年{on.month}月的折旧（本资产当月照提折旧），再处置"))
        if problems:
            raise Invalid(problems)
        leaves = list(Account.objects.filter(book=card.book, is_leaf=True, is_open=True))
        draft, net = _draft(card, kind, on, proceeds, leaves)
        v = ledger.save_draft(user, card.book, draft, submit=True)
        d = Disposal.objects.create(
            card=card, kind=kind, on=on, proceeds=proceeds, cost=card.cost, accumulated=card.accumulated, matter=matter,
            reason=reason.strip()[:200], voucher=v, entries=net, created_by=user if getattr(user, "pk", None) else None,
        )
        CardEvent.record(user, "dispose", from_status=card.state, to_status=card.state, note=f"{rules.DISPOSALS[kind]}，收入 {format_yuan(proceeds)} 元；凭证待记账", card=card)
        audit.record("assets.dispose", d, actor=user, region_code=card.book.region_id,
                     new={"card": card.number, "kind": kind, "proceeds": proceeds, "gain": d.gain, "voucher": v.pk, "matter": getattr(matter, "pk", None)})
    return d


def disposal_posted(d: Disposal) -> None:
    """Inside the posting of its voucher: the card leaves the register."""
    Disposal.objects.filter(pk=d.pk).update(status="posted")
    card = d.card
    Card.objects.filter(pk=card.pk).update(state="disposed", disposed_on=d.on)
    CardEvent.record(None, "disposed", from_status=card.state, to_status="disposed", note=f"处置凭证已记账（{rules.DISPOSALS[d.kind]}）", card=card)
