"""Workbench fixtures: a day's work across the apps for the small demo city — 大歇村 (accountant_1,
secretary_1, township_1) with a draft, a voucher rejected back, one waiting for review, an open
warning, a disclosure waiting for the secretary, a matter in progress, a villager's question and
tasks; and the same kinds of things in 关河村 (accountant_2, township_2), which the first village's
people must not see. Reminders go to a recording notifier."""

import datetime as dt
from dataclasses import dataclass

import pytest

from sanwu.decisions import services as decisions
from sanwu.disclosure import services as disclosure
from sanwu.ledger import services as ledger
from sanwu.oversight import services as oversight
from sanwu.oversight.models import Warning
from sanwu.oversight.rules import Finding
from sanwu.partywork import services as partywork
from sanwu.workbench import services
from tests.conftest import api_client  # noqa: F401
from tests.disclosure.conftest import MARCH
from tests.ledger.conftest import book, other_book, post_journal  # noqa: F401  (fixtures)
from tests.ledger.journal import parse

TOWN_1, TOWN_2 = "340828100000", "340828101000"
VILLAGE_1, VILLAGE_2 = "340828100200", "340828101200"


@pytest.fixture(autouse=True)
def recorder():
    rec = services.RecordingNotifier()
    previous = services.use_notifier(rec)
    yield rec
    services.use_notifier(previous)


@dataclass
class Work:
    draft: object
    rejected: object
    submitted: object
    warning: object
    disclosure: object
    matter: object
    question: object
    task: object
    other_draft: object
    other_submitted: object
    other_warning: object
    other_question: object


def voucher(user, into, text: str, *, submit: bool = False):
    v = ledger.save_draft(user, into, parse(text)[0])
    return ledger.submit(user, v) if submit else v


DRAFT = """
2026-11-05 收到光伏发电收入
  102   1200.00  -   bank
  501   -   1200.00  pv
"""
REJECTED = """
2026-11-08 支付保洁劳务费
  513   300.00  -
  101   -   300.00  cash
"""
SUBMITTED = """
2026-11-12 收到门面租金
  101   800.00  -   cash
  501   -   800.00  rent
"""


def warn(about, rule="round_sum", subject="w-1", message="大额整数支付 10000.00 元"):
    """A warning about the book `about` (as the posting rules would store it)."""
    oversight.store([Finding(rule, f"{about.code}:{subject}", about.region_id, message, book_id=about.pk, amount=1_000_000)])
    return Warning.objects.get(rule=rule, subject=f"{about.code}:{subject}")


@pytest.fixture
def work(demo, book, other_book) -> Work:
    acc, other = demo.accountant, demo.other_accountant
    post_journal(acc, book, MARCH)
    draft = voucher(acc, book, DRAFT)
    rejected = ledger.reject(demo.township, voucher(acc, book, REJECTED, submit=True), "缺少签字的劳务费收据")
    submitted = voucher(acc, book, SUBMITTED, submit=True)
    other_draft = voucher(other, other_book, DRAFT)
    other_submitted = voucher(other, other_book, SUBMITTED, submit=True)
    d = disclosure.prepare(acc, book, 2025, 3)
    matter = decisions.create_matter(demo.secretary, VILLAGE_1, "村部维修", "assets", amount=5_000_000)
    q = disclosure.ask(VILLAGE_1, "今年光伏收入是多少？怎么分配的？")
    other_q = disclosure.ask(VILLAGE_2, "村里修路的钱花了多少？")
    task = partywork.assign_task(
        demo.county, title="村级班子运行情况分析研判", region_code=TOWN_1, deadline=partywork.today() + dt.timedelta(days=2), source_kind="meeting",
    )
    return Work(
        draft, rejected, submitted, warn(book), d, matter, q, task, other_draft, other_submitted, warn(other_book), other_q,
    )


def sections(user) -> dict:
    return {s.key: s for s in services.workbench_for(user)}


def links(section) -> list:
    return [(i.target.name, i.target.args) for i in section.items]
