"""The demo's warnings: the rules run over the demo books, and warnings in every state with
their history; deterministic and idempotent."""

import datetime as dt

from django.utils import timezone

from sanwu.core import dates
from sanwu.oversight.demo import load_demo
from sanwu.oversight.models import Warning, WarningEvent

from .conftest import post_journal

JOURNAL = """
2025-03-03 支付村部维修材料款
  513   1500.00  -        cash  县建材店
  101   -        1500.00  cash  县建材店
2025-03-05 支付水泥款
  511   3200.00  -         bank  岳西县建材公司
  102   -        3200.00   bank  岳西县建材公司
2025-03-08 支付水泥款
  511   3200.00  -         bank  岳西县建材公司
  102   -        3200.00   bank  岳西县建材公司
2025-03-20 支付村道工程款
  153   20000.00  -         bank  岳西县路桥公司
  102   -         20000.00  bank  岳西县路桥公司
"""


def states():
    return {(w.rule, w.subject): w.status for w in Warning.objects.all()}


def test_without_books_there_is_nothing_to_warn_about(demo):
    assert load_demo(2021) == {"open": 0, "explained": 0, "accepted": 0, "escalated": 0}


def _recent_journal() -> str:
    """JOURNAL again, dated a fortnight ago (different counterparties: new warnings)."""
    day = dates.today() - dt.timedelta(days=16)
    text = JOURNAL.replace("县建材店", "镇五金店").replace("岳西县建材公司", "岳西县水泥厂").replace("岳西县路桥公司", "岳西县交通公司")
    for n, old in enumerate(("2025-03-03", "2025-03-05", "2025-03-08", "2025-03-20")):
        text = text.replace(old, (day + dt.timedelta(days=n)).isoformat())
    return text


def test_every_state_with_history_deterministic_and_idempotent(demo, book, other_book):
    post_journal(demo.accountant, book, JOURNAL)
    post_journal(demo.other_accountant, other_book, JOURNAL)
    post_journal(demo.accountant, book, _recent_journal())
    post_journal(demo.other_accountant, other_book, _recent_journal())
    Warning.objects.all().delete()  # as if the books had been posted before oversight existed
    counts = load_demo(2021)
    assert all(counts[s] > 0 for s in ("open", "explained", "accepted", "escalated")), counts
    rules = set(Warning.objects.values_list("rule", flat=True))
    assert {"cash_over_limit", "no_attachment", "duplicate_payment", "round_sum", "month_not_closed"} <= rules
    shapes = (["explained"], ["explained", "accepted"], ["explained", "escalated"], ["escalated"], ["explained", "escalated", "accepted"])
    for w in Warning.objects.exclude(status="open"):
        steps = [e.to_status for e in w.events.order_by("at", "id")]
        assert steps[-1] == w.status and steps in shapes
        # each step after the warning was raised, the one before it and now
        times = [w.created_at, *(e.at for e in w.events.order_by("at", "id"))]
        assert times == sorted(times) and times[-1] <= timezone.now()
    # what is older than a month was dealt with; only recent warnings wait
    month_ago = dates.today() - dt.timedelta(days=30)
    old = Warning.objects.filter(voucher__isnull=False, occurred_on__lt=month_ago)
    assert old.exists() and not old.filter(status__in=("open", "explained")).exists()
    assert Warning.objects.filter(status="open", occurred_on__gte=month_ago).exists()
    # the personas' villages: their own accountant explained, their township decided
    mine = Warning.objects.filter(village_id="340828100200", explained_by__isnull=False)
    assert mine.exists() and set(mine.values_list("explained_by__username", flat=True)) == {"accountant_1"}
    handlers = set(Warning.objects.filter(village_id="340828100200", handled_by__isnull=False).values_list("handled_by__username", flat=True))
    assert "township_1" in handlers and handlers <= {"township_1", "county_yuexi"}

    moved = {"explained": "explain", "accepted": "accept", "escalated": "escalate"}
    assert {(e.action, e.to_status) for e in WarningEvent.objects.all()} <= {(a, s) for s, a in moved.items()}
    assert not WarningEvent.objects.filter(actor_name="").exists()  # every book here is a persona's: each step names its person

    first = states()
    events = WarningEvent.objects.count()
    assert load_demo(2021) == counts  # idempotent
    assert states() == first and WarningEvent.objects.count() == events

    Warning.objects.all().delete()
    assert load_demo(2021) == counts  # deterministic
    assert states() == first
