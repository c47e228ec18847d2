"""Warnings for the demo city: the rules run over the books the demo posted (each warning dated
when its voucher was posted), and the warnings moved on as villages and townships would have
done: what is more than a month old explained and accepted long ago (a few escalated to the
county), what is recent still open or explained and waiting — so that each workbench shows a
day's work and the overdue counts mean something.

`load_demo(seed)` is idempotent and deterministic: the rules never duplicate a warning, and each
warning's fate follows from its place among all warnings of its age, never from what is still open.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from sanwu.core.codes import county_of, township_of
from sanwu.core.dates import today
from sanwu.ledger.models import Book
from sanwu.regions.models import RoleAssignment

from . import services
from .models import Warning
from .rules import RULES
from .services.settings import params_for

EXPLANATIONS = {
    "cash_over_limit": ["支付的是临时用工工资，务工人员没有银行卡，已补签领单。", "村民小组道路养护费，按惯例现金发放，今后改为转账。"],
    "no_attachment": ["原始凭证在报账员处，已补扫描上传。", "发票遗失，已由收款方出具证明并补附。"],
    "large_without_decision": ["该支出属上年村民代表会议已决议的项目，补录决策记录。", "工程款分期支付，决策记录正在补登。"],
    "duplicate_payment": ["两笔为同一合同的两期款项，金额相同，并非重复。", "一笔为押金退还，一笔为本期租金。"],
    "over_budget": ["年中新增保洁和道路养护任务，已编制预算调整方案，待成员代表大会审议。", "超支部分为上年结转项目的尾款，已说明并列入调整预算。"],
    "round_sum": ["按合同约定的整数金额支付。", "支付的是定额补助，按文件标准整数发放。"],
    "month_not_closed": ["报账员外出培训，已安排本周结账。", "等待银行对账单，已补齐后结账。"],
    "disclosure_overdue": ["公开栏维修，已改为线上公开。"],
    "question_overdue": ["已电话答复群众，补录答复内容。"],
    "receivable_overdue": ["已派人上门催收，欠款人承诺年底前还清。", "欠款单位已注销，正按程序申请核销坏账。"],
}
NOTES_ACCEPT = ["说明属实，认可。", "已核对原始凭证，认可。", "情况清楚，请今后注意。"]
NOTES_ESCALATE = ["说明不充分，金额较大，请县级核查。", "多次出现同类问题，上报县级。"]
NOTES_COUNTY = ["经县级核查，情况属实，予以认可。", "已约谈村报账员，责令整改，认可。"]

RECENT_DAYS = 30  # warnings younger than this are today's work; older ones were dealt with
# The fates of recent warnings, in turn (open, explained and waiting, accepted, escalated), and
# of older ones (nearly all accepted; now and then escalated and settled by the county).
RECENT = ("open", "explained", "open", "accepted", "escalated_after", "open", "explained", "accepted", "open", "escalated")
OLDER = ("accepted",) * 9 + ("county",)


def _users_by_region() -> dict[tuple[str, str], object]:
    out = {}
    for ra in RoleAssignment.objects.select_related("user").order_by("user_id"):
        out.setdefault((ra.role, ra.region_id), ra.user)
    return out


def load_demo(seed: int = 2021) -> dict[str, int]:
    """Run the rules over the demo city's posted vouchers (books that have none of their warnings
    yet), the daily rules as of today, and move the warnings on. Returns counts by status."""
    books = list(Book.objects.filter(posted_count__gt=0).order_by("code"))
    warned = set(Warning.objects.filter(voucher__isnull=False).values_list("book_id", flat=True).distinct())
    for book in books:
        if book.pk not in warned:
            services.rescan_book(book)
    if Book.objects.exists():
        services.run_daily(None)
    _move_on(seed)
    return services.status_counts(Warning.objects.all())


def _fates() -> dict[int, str]:
    """Each warning's fate from its age and its turn among the warnings of that age."""
    as_of = today()
    recent, older = [], []
    for pk, occurred, created in Warning.objects.order_by("rule", "subject").values_list("pk", "occurred_on", "created_at"):
        day = min(occurred or as_of, timezone.localtime(created).date())
        (recent if (as_of - day).days <= RECENT_DAYS else older).append(pk)
    fates = {pk: RECENT[i % len(RECENT)] for i, pk in enumerate(recent)}
    fates.update({pk: OLDER[i % len(OLDER)] for i, pk in enumerate(older)})
    return fates


def _later(rng: random.Random, start: dt.datetime, lo: int, hi: int, limit: dt.datetime) -> dt.datetime:
    """Some working hours `lo`–`hi` days after `start`, never after `limit`."""
    t = timezone.localtime(start + dt.timedelta(days=rng.randint(lo, hi)))
    t = t.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59))
    t = min(t, limit - dt.timedelta(minutes=rng.randint(5, 120)))
    return t if t > start else start + (limit - start) / 2


def _move_on(seed: int) -> None:
    fates = _fates()
    users = _users_by_region()
    limit = timezone.now()
    todo = Warning.objects.filter(status="open", pk__in=[pk for pk, f in fates.items() if f != "open"]).order_by("pk")
    for w in todo.iterator():
        fate = fates[w.pk]
        rng = random.Random(f"{seed}:{w.rule}:{w.subject}")
        village, township, county = w.village_id, township_of(w.village_id), county_of(w.village_id)
        county_user = users.get(("county_supervisor", county))
        if RULES[w.rule].responsible == "township":
            explainer, reviewer = users.get(("township_supervisor", township)), county_user
            fate = "explained" if fate.startswith("escalated") or fate == "county" else fate
        else:
            explainer = users.get(("village_accountant", village)) or users.get(("village_secretary", village))
            reviewer = users.get(("township_supervisor", township))
        if fate == "county" and county_user is None:
            fate = "accepted"
        if explainer is None or reviewer is None:
            continue
        days = params_for(county).response_days
        late = rng.randint(1, 100) <= 10  # one in ten explained after the county's deadline
        with transaction.atomic():
            if fate == "escalated":
                services.escalate(reviewer, w, rng.choice(NOTES_ESCALATE), at=_later(rng, w.created_at, 1, days, limit))
                continue
            explained_at = _later(rng, w.created_at, days + 1 if late else 1, days + 5 if late else max(1, days - 1), limit)
            w = services.explain(explainer, w, rng.choice(EXPLANATIONS.get(w.rule, ["已说明情况。"])), at=explained_at)
            if fate == "accepted":
                services.accept(reviewer, w, rng.choice(NOTES_ACCEPT), at=_later(rng, explained_at, 1, 6, limit))
            elif fate in ("escalated_after", "county"):
                escalated_at = _later(rng, explained_at, 1, 5, limit)
                w = services.escalate(reviewer, w, rng.choice(NOTES_ESCALATE), at=escalated_at)
                if fate == "county":
                    services.accept(county_user, w, rng.choice(NOTES_COUNTY), at=_later(rng, escalated_at, 3, 20, limit))
