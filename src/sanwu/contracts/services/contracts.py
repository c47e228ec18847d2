"""Contracts registered one by one or from a sheet, all or nothing, each with the receivable
schedule its terms give."""

from dataclasses import dataclass, replace

from django.db import transaction

from sanwu.core import audit, permissions
from sanwu.core.codes import normalize_credit_code
from sanwu.core.errors import Invalid, Problem
from sanwu.core.masking import mask_name
from sanwu.core.models import Event
from sanwu.ledger.models import Book

from .. import rules
from ..models import Contract, ContractEvent, ScheduleLine
from .permissions import KEEP_ROLES


@dataclass
class ContractData:
    number: str
    kind: str
    counterparty: str
    counterparty_kind: str
    obj: str
    terms: rules.Terms
    credit_code: str = ""
    area_cmu: int = 0
    deposit: int = 0
    note: str = ""
    matter: object = None  # the village's 四议两公开 matter that decided it
    tender: str = ""  # the open tender's record (产权交易 / 公开竞价)
    pledge: str = ""  # collective property pledged by it, if any
    row: int | None = None


def counterparty_label(c) -> str:
    """A person masked (张*明); an organisation by its name."""
    return mask_name(c.counterparty) if c.counterparty_kind == "person" else c.counterparty


def contracts_problems(book: Book, items: list[ContractData], file: str | None = None) -> list[Problem]:
    numbers = set(Contract.objects.filter(book=book).values_list("number", flat=True))
    out = []
    for d in items:
        v = rules.ContractValues(d.number, d.kind, d.counterparty, d.counterparty_kind, d.credit_code, d.obj, d.area_cmu, d.terms, d.deposit)
        out += [replace(p, row=d.row, file=file) for p in rules.contract_problems(v)]
        if d.matter is not None and d.matter.village_id != book.region_id:
            out.append(Problem("四议两公开事项不是本村的事项", row=d.row, field="四议两公开事项", file=file))
        if len(d.tender) > 100 or len(d.pledge) > 100:
            out.append(Problem("公开交易记录和担保说明各不超过100个字", row=d.row, field="公开交易", file=file))
        if d.number.strip() in numbers:
            out.append(Problem(f"合同编号「{d.number}」已登记", row=d.row, field="合同编号", file=file))
        numbers.add(d.number.strip())
    return out


def add_contracts(user, book: Book, items: list[ContractData], *, action: str = "create", file: str | None = None, covers=None) -> list[Contract]:
    """Register contracts and their schedules, all or nothing; `covers[i]`: (resource ids, card
    ids) the i-th contract covers."""
    permissions.require(user, KEEP_ROLES, book.region_id, "登记合同", object_type="contracts.create", object_id=book.code)
    with transaction.atomic():
        Book.objects.select_for_update().filter(pk=book.pk).first()
        problems = contracts_problems(book, items, file)
        if problems:
            raise Invalid(problems)
        who = user if getattr(user, "pk", None) else None
        made = Contract.objects.bulk_create([
            Contract(
                book=book, number=d.number.strip(), kind=d.kind, counterparty=d.counterparty.strip(), counterparty_kind=d.counterparty_kind,
                credit_code=normalize_credit_code(d.credit_code) if d.credit_code else "", object=d.obj.strip(), area_cmu=d.area_cmu,
                start=d.terms.start, end=d.terms.end, amount=d.terms.amount, period=d.terms.period, escalation=d.terms.escalation,
                escalation_value=d.terms.escalation_value, deposit=d.deposit, note=d.note.strip()[:200], created_by=who,
                matter=d.matter, tender=d.tender.strip(), pledge=d.pledge.strip(),
            )
            for d in items
        ], batch_size=1_000)
        if not all(c.pk for c in made):
            ids = dict(Contract.objects.filter(book=book, number__in=[c.number for c in made]).values_list("number", "id"))
            for c in made:
                c.pk = c.id = ids[c.number]
        lines = [ScheduleLine(contract=c, seq=seq, due=due, amount=amount) for c, d in zip(made, items) for seq, due, amount in rules.schedule(d.terms)]
        ScheduleLine.objects.bulk_create(lines, batch_size=2_000)
        for c, (resources, cards) in zip(made, covers or []):
            if resources:
                c.resources.set(resources)
            if cards:
                c.cards.set(cards)
        actor = Event.actor_fields(user)
        ContractEvent.objects.bulk_create([ContractEvent(contract=c, action=action, to_status="active", note=f"{rules.KINDS[c.kind]} {c.object}", **actor) for c in made])
        audit.record(f"contracts.{action}", made[0] if len(made) == 1 else None, actor=user, region_code=book.region_id,
                     new={"book": book.code, "contracts": len(made), "lines": len(lines), **({"file": file} if file else {})})
    return made
