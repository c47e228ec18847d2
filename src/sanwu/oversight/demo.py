"""Warnings for the demo city: the rules run over the books the demo posted, and a deterministic
share of the warnings is moved on — explained by the village, accepted or escalated by the
township — so that every state, with its history, has something to show.

`load_demo(seed)` is idempotent: the rules never duplicate a warning, and warnings are moved on
only until each state holds its share.
"""

import random

from django.db import transaction

from sanwu.core.codes import county_of, township_of
from sanwu.ledger.models import Book
from sanwu.regions.models import RoleAssignment

from . import services
from .models import Warning
from .rules import RULES

EXPLANATIONS = {
    "cash_over_limit": ["支付的是临时用工工资，务工人员没有银行卡，已补签领单。", "村民小组道路养护费，按惯例现金发放，今后改为转账。"],
    "no_attachment": ["原始凭证在报账员处，已补扫描上传。", "发票遗失，已由收款方出具证明并补附。"],
    "large_without_decision": ["该支出属上年村民代表会议已决议的项目，补录决策记录。", "工程款分期支付，决策记录正在补登。"],
    "duplicate_payment": ["两笔为同一合同的两期款项，金额相同，并非重复。", "一笔为押金退还，一笔为本期租金。"],
    "round_sum": ["按合同约定的整数金额支付。", "支付的是定额补助，按文件标准整数发放。"],
    "month_not_closed": ["报账员外出培训，已安排本周结账。", "等待银行对账单，已补齐后结账。"],
    "disclosure_overdue": ["公开栏维修，已改为线上公开。"],
    "question_overdue": ["已电话答复群众，补录答复内容。"],
}
NOTES_ACCEPT = ["说明属实，认可。", "已核对原始凭证，认可。", "情况清楚，请今后注意。"]
NOTES_ESCALATE = ["说明不充分，金额较大，请县级核查。", "多次出现同类问题，上报县级。"]

# Of the open warnings, how many to move on (at most), and how they split.
SHARE = 0.3
CAP = 400


def _users_by_region() -> dict[tuple[str, str], object]:
    out = {}
    for ra in RoleAssignment.objects.select_related("user").order_by("user_id"):
        out.setdefault((ra.role, ra.region_id), ra.user)
    return out


def load_demo(seed: int = 2021) -> dict[str, int]:
    """Run the rules over the demo city's posted vouchers (books that have none of their warnings
    yet), the daily rules as of today, and put warnings into every state. Returns counts by
    status."""
    books = list(Book.objects.filter(posted_count__gt=0).order_by("code"))
    warned = set(Warning.objects.filter(voucher__isnull=False).values_list("book_id", flat=True).distinct())
    for book in books:
        if book.pk not in warned:
            services.rescan_book(book)
    if Book.objects.exists():
        services.run_daily(None)
    _move_on(seed)
    return services.status_counts(Warning.objects.all())


def _move_on(seed: int) -> None:
    rng = random.Random(seed)
    open_ids = list(Warning.objects.filter(status="open").order_by("village_id", "rule", "subject").values_list("pk", "village_id"))
    total = Warning.objects.count()
    if not total:
        return
    wanted = min(CAP, int(total * SHARE))
    if wanted < 3:
        wanted = min(3, total)
    have = Warning.objects.exclude(status="open").count()
    if have >= wanted:
        return
    # Villages with demo users first, so the personas see every state.
    users = _users_by_region()
    persona_villages = {code for (role, code) in users if role in ("village_accountant", "village_secretary")}
    first = [pk for pk, v in open_ids if v in persona_villages]
    rest = [pk for pk, v in open_ids if v not in persona_villages]
    rng.shuffle(first)
    rng.shuffle(rest)
    keep_open = set(first[::4])  # a quarter of the personas' warnings stays open
    picks = [pk for pk in first if pk not in keep_open] + rest
    picks = picks[: wanted - have]
    for i, pk in enumerate(picks):
        target = ("explained", "accepted", "escalated", "accepted", "explained")[i % 5]
        with transaction.atomic():
            w = Warning.objects.get(pk=pk)
            village = w.village_id
            township = township_of(village)
            county = county_of(village)
            if RULES[w.rule].responsible == "township":
                explainer = users.get(("township_supervisor", township))
                reviewer = users.get(("county_supervisor", county))
                target = "accepted" if target == "escalated" else target
            else:
                explainer = users.get(("village_accountant", village)) or users.get(("village_secretary", village))
                reviewer = users.get(("township_supervisor", township))
            if target == "escalated" and i % 2:
                services.escalate(reviewer, w, rng.choice(NOTES_ESCALATE))
                continue
            w = services.explain(explainer, w, rng.choice(EXPLANATIONS.get(w.rule, ["已说明情况。"])))
            if target == "accepted":
                services.accept(reviewer, w, rng.choice(NOTES_ACCEPT))
            elif target == "escalated":
                services.escalate(reviewer, w, rng.choice(NOTES_ESCALATE))
