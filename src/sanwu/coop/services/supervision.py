"""村务监督委员会 / 监事会: the cooperative's officers and the monthly democratic finance review.

- Officers (`Officer`): the board (理事长, 理事), the finance staff (会计, 出纳) and the supervisory
  committee (监事长, 监事). Art. 34 is checked when anyone is added (`rules.officer_problems`): a
  supervisor is none of the others nor their close relative — close relatives as the cooperative's
  households show them, and a declaration for the rest.
- 民主理财 (`FinanceReview`): the committee reviews each month of the books, writes its remarks
  and signs; a month's disclosure is published only once its review is signed by more than half of
  the committee serving that day (`publish_problems`, the disclosure's publish gate), and the
  remarks are frozen with the disclosure (`frozen_reviews`) and shown with it.

The committee members sign with their own accounts (role village_supervisor for the village);
the system operator (user None: the CLI, the demo) may enter a paper record in their names.
"""

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.db import transaction

from sanwu.core import audit, permissions
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.scope import code_in_scope
from sanwu.ledger.models import Book, Collective
from sanwu.regions.models import Person

from .. import rules
from ..models import FinanceReview, FinanceSignature, Member, Officer
from .permissions import BOARD_ROLES, TOWNSHIP_ROLES
from .register import current_book

OFFICER_ROLES = BOARD_ROLES | TOWNSHIP_ROLES  # the village secretary records the posts; the township too
SUPERVISOR_ROLE = "village_supervisor"


def serving(collective_id: int, on: dt.date | None = None, posts=None) -> list[Officer]:
    """The officers serving on `on` (today), optionally only in `posts`."""
    on = on or today()
    qs = Officer.objects.filter(collective_id=collective_id, started_on__lte=on).exclude(ended_on__lte=on).select_related("person", "account")
    if posts is not None:
        qs = qs.filter(post__in=list(posts))
    return list(qs.order_by("post", "started_on", "id"))


def committee(collective_id: int, on: dt.date | None = None) -> list[Officer]:
    return serving(collective_id, on, rules.SUPERVISOR_POSTS)


def officers_of(collective: Collective) -> list[Officer]:
    """Every post of the cooperative, past and present (the page, its export, the API, the CLI)."""
    return list(Officer.objects.filter(collective=collective).select_related("person", "account"))


def signer_label(o: Officer) -> str:
    """A signer as the review shows them: the masked name and the post."""
    return f"{o.person.masked_name}（{o.get_post_display()}）"


def parse_month(text: str) -> tuple[int, int]:
    """「2025-03」 as (2025, 3); the month's range is `record_review`'s to check."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if m is None:
        raise Invalid(Problem("所审月份应写作 2025-03", field="所审月份"))
    return int(m.group(1)), int(m.group(2))


def village_person(collective: Collective, id_number: str) -> Person:
    """The person of the cooperative's village with that ID number (by keyed hash)."""
    person = Person.objects.with_id_number(id_number).filter(region__code__startswith=collective.region_id).first()
    if person is None:
        raise Invalid(Problem("本村人员登记中没有这个身份证号，请先在人员登记中登记此人", field="身份证号"))
    return person


def signing_account(username: str):
    """The active account named `username` ("" for none); whether it may sign is `add_officer`'s to check."""
    username = (username or "").strip()
    if not username:
        return None
    account = get_user_model().objects.filter(username=username, is_active=True).first()
    if account is None:
        raise Invalid(Problem(f"没有名为「{username}」的账号", field="登录账号"))
    return account


def _households(collective_id: int, people: list[int]) -> dict[int, tuple[int, str]]:
    """Each of `people`'s household and relation in the cooperative."""
    rows = Member.objects.filter(collective_id=collective_id, person_id__in=people).values_list("person_id", "household_id", "relation")
    return {p: (h, r) for p, h, r in rows}


def add_officer(
    user, collective: Collective, person: Person, post: str, started_on: dt.date, *, account=None, declared: bool = False,
) -> Officer:
    """Record that `person` holds `post` from `started_on` (Art. 34 checked). A supervisor's
    `account` is the user they sign with: one that holds the role village_supervisor for the village."""
    permissions.require(user, OFFICER_ROLES, collective.region_id, "登记任职", object_type="coop.officer.add", object_id=collective.pk)
    with transaction.atomic():
        Collective.objects.select_for_update().get(pk=collective.pk)  # one addition at a time: Art. 34 reads the others
        current = [(o.person_id, o.post) for o in serving(collective.pk, started_on)]
        households = _households(collective.pk, [person.pk] + [p for p, _ in current])
        problems = rules.officer_problems(post, person.pk, current, households, declared=declared)
        if not person.region_id.startswith(collective.region_id):
            problems.append(Problem("此人不在本村的人员登记中", field="人员"))
        if started_on is None or started_on > today():
            problems.append(Problem("任职日期应不晚于今天", field="任职日期"))
        if account is not None:
            if post not in rules.SUPERVISOR_POSTS:
                problems.append(Problem("只有监事会（村务监督委员会）成员需要关联登录账号", field="登录账号"))
            elif not code_in_scope(account, collective.region_id, {SUPERVISOR_ROLE}):
                problems.append(Problem(f"账号「{account.username}」没有本村村务监督委员会的角色", field="登录账号"))
            elif Officer.objects.filter(account=account, ended_on__isnull=True).exists():
                problems.append(Problem(f"账号「{account.username}」已关联另一位在任成员", field="登录账号"))
        if problems:
            raise Invalid(problems)
        o = Officer.objects.create(
            collective=collective, person=person, post=post, account=account, started_on=started_on,
            created_by=user if getattr(user, "pk", None) else None,
        )
        audit.record(
            "coop.officer.add", o, actor=user, region_code=collective.region_id,
            new={"person": person.masked_name, "post": post, "started_on": started_on.isoformat(), "account": getattr(account, "username", "")},
        )
    return o


def end_officer(user, officer: Officer, ended_on: dt.date) -> Officer:
    permissions.require(user, OFFICER_ROLES, officer.collective.region_id, "登记离任", object_type="coop.officer.end", object_id=officer.pk)
    with transaction.atomic():
        o = Officer.objects.select_for_update().get(pk=officer.pk)
        if o.ended_on is not None:
            raise Invalid(Problem(f"此人已于{o.ended_on:%Y-%m-%d}离任", field="离任日期"))
        if ended_on is None or ended_on <= o.started_on or ended_on > today():
            raise Invalid(Problem("离任日期应晚于任职日期、不晚于今天", field="离任日期"))
        o.ended_on = ended_on
        o.save(update_fields=["ended_on"])
        audit.record("coop.officer.end", o, actor=user, region_code=o.collective.region_id, old={"ended_on": None}, new={"ended_on": ended_on.isoformat()})
    return o


# --- 民主理财 -------------------------------------------------------------------------------


def _signer(user, collective: Collective, on: dt.date, officer: Officer | None) -> Officer:
    """The committee member who signs: the one whose account is `user`, or, for the system
    operator entering a paper record, `officer`."""
    members = committee(collective.pk, on)
    if user is None:
        if officer is None or officer.pk not in {o.pk for o in members}:
            raise Invalid(Problem("请指明签字的村务监督委员会在任成员", field="签字人"))
        return officer
    if not permissions.may(user, {SUPERVISOR_ROLE}, collective.region_id):
        permissions.refuse(user, "coop.review", collective.pk, collective.region_id)
        raise Refused("只有本村村务监督委员会成员可以进行民主理财")
    mine = [o for o in members if o.account_id == user.pk]
    if not mine:
        raise Invalid(Problem("您的账号没有关联本村村务监督委员会的在任成员，请村党组织书记登记任职时关联", field="签字人"))
    return mine[0]


def record_review(
    user, book: Book, year: int, month: int, *, remarks: str, reviewed_on: dt.date, officer: Officer | None = None, at=None,
) -> FinanceReview:
    """The committee's review of one month of `book`, signed by the member who records it."""
    collective = book.collective
    remarks = (remarks or "").strip()
    problems = []
    if not 1 <= month <= 12:
        problems.append(Problem("月份应在1到12之间", field="月份"))
    elif reviewed_on is None or reviewed_on < dt.date(year, month, 1) or reviewed_on > today():
        problems.append(Problem("理财日期应在所审月份开始之后、不晚于今天", field="理财日期"))
    if not remarks:
        problems.append(Problem("请填写审核意见（无异议也请写明）", field="审核意见"))
    if problems:
        raise Invalid(problems)
    signer = _signer(user, collective, reviewed_on, officer)
    with transaction.atomic():
        Book.objects.select_for_update().get(pk=book.pk)
        if FinanceReview.objects.filter(book=book, year=year, month=month).exists():
            raise Invalid(Problem(f"{year}年{month}月已经进行过民主理财；记录不能修改", field="月份"))
        r = FinanceReview.objects.create(
            collective=collective, book=book, year=year, month=month, reviewed_on=reviewed_on, remarks=remarks,
            created_by=user if getattr(user, "pk", None) else None,
        )
        FinanceSignature.objects.create(review=r, officer=signer, signed_by=user if getattr(user, "pk", None) else None, **({"signed_at": at} if at else {}))
        audit.record(
            "coop.review.record", r, actor=user, region_code=collective.region_id,
            new={"book": book.code, "period": r.period_key, "remarks": remarks, "signer": signer.pk},
        )
    return r


def sign_review(user, review: FinanceReview, *, officer: Officer | None = None, at=None) -> FinanceSignature:
    collective = review.collective
    signer = _signer(user, collective, review.reviewed_on, officer)
    with transaction.atomic():
        if FinanceSignature.objects.filter(review=review, officer=signer).exists():
            raise Invalid(Problem("您已在这份民主理财记录上签字", field="签字人"))
        s = FinanceSignature.objects.create(review=review, officer=signer, signed_by=user if getattr(user, "pk", None) else None, **({"signed_at": at} if at else {}))
        audit.record("coop.review.sign", review, actor=user, region_code=collective.region_id, new={"period": review.period_key, "signer": signer.pk})
    return s


def review_states(reviews) -> list[dict]:
    """Each review with who signed, how many served on the committee on its date, and whether
    that is enough: the signatures and the committees read once for all of them."""
    reviews = list(reviews)
    if not reviews:
        return []
    signed: dict[int, list[Officer]] = {}
    for s in FinanceSignature.objects.filter(review__in=reviews).select_related("officer__person").order_by("signed_at", "id"):
        signed.setdefault(s.review_id, []).append(s.officer)
    seats: dict[int, list[Officer]] = {}
    for o in Officer.objects.filter(collective_id__in={r.collective_id for r in reviews}, post__in=list(rules.SUPERVISOR_POSTS)):
        seats.setdefault(o.collective_id, []).append(o)
    out = []
    for r in reviews:
        signers = signed.get(r.pk, [])
        size = sum(1 for o in seats.get(r.collective_id, []) if o.serving_on(r.reviewed_on))
        out.append({"review": r, "signers": signers, "committee": size, "signed": rules.review_signed(len(signers), size)})
    return out


def review_state(review: FinanceReview) -> dict:
    return review_states([review])[0]


def reviews_of(book: Book, year: int | None = None) -> list[dict]:
    qs = FinanceReview.objects.filter(book=book).select_related("book")
    if year:
        qs = qs.filter(year=year)
    return review_states(qs)


def _reviews_of_disclosure(d):
    return FinanceReview.objects.filter(book_id=d.book_id, year=d.year, month__gte=d.month_from, month__lte=d.month_to).order_by("month")


def _months(d) -> list[tuple[int, int]]:
    return [(d.year, m) for m in range(d.month_from, d.month_to + 1)]


def publish_problems(d) -> list[str]:
    """The disclosure's publish gate: each month it covers has a finance review signed by more
    than half the committee."""
    out = []
    found = {(s["review"].year, s["review"].month): s for s in review_states(_reviews_of_disclosure(d))}
    for y, m in _months(d):
        state = found.get((y, m))
        if state is None:
            out.append(f"{y}年{m}月尚未进行民主理财（村务监督委员会审核并签字后才能发布）")
            continue
        if not state["signed"]:
            out.append(f"{y}年{m}月的民主理财记录只有{len(state['signers'])}位成员签字，须超过村务监督委员会{state['committee']}位成员的半数")
    return out


def frozen_reviews(d) -> dict:
    """What the published disclosure shows of its months' reviews (names masked)."""
    months = []
    for state in review_states(_reviews_of_disclosure(d)):
        r = state["review"]
        months.append({
            "period": r.period_key, "reviewed_on": r.reviewed_on.isoformat(), "remarks": r.remarks,
            "signers": [signer_label(o) for o in state["signers"]],
        })
    return {"months": months}


def recent_months(book: Book, n: int = 12) -> list[tuple[int, int]]:
    """The last `n` months that have ended, from the book's start, newest first."""
    y, m = today().year, today().month
    out = []
    for _ in range(n):
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        if (y, m) >= (book.start_date.year, book.start_date.month):
            out.append((y, m))
    return out


def unreviewed_months(book: Book, months: list[tuple[int, int]]) -> list[tuple[int, int]]:
    done = set(FinanceReview.objects.filter(book=book).values_list("year", "month"))
    return [ym for ym in months if ym not in done]


# --- the committee member's workbench ------------------------------------------------------


def _my_seats(user) -> list[Officer]:
    if user is None or not getattr(user, "pk", None):
        return []
    on = today()
    return [o for o in Officer.objects.filter(account=user, post__in=list(rules.SUPERVISOR_POSTS)).select_related("collective__region") if o.serving_on(on)]


def months_waiting(user, limit: int) -> tuple[int, list[dict]]:
    """The ended months of the last year, on the books of the user's committees, with no review
    yet: each {collective, book, year, month}, oldest first."""
    rows = []
    for seat in _my_seats(user):
        book = current_book(seat.collective_id)
        if book is None:
            continue
        rows += [{"collective": seat.collective, "book": book, "year": y, "month": m} for y, m in sorted(unreviewed_months(book, recent_months(book)))]
    return len(rows), rows[:limit]


def signatures_waiting(user, limit: int) -> tuple[int, list[FinanceReview]]:
    """Reviews of the user's committees that the user has not signed and that still lack signatures."""
    out = []
    for seat in _my_seats(user):
        unsigned = FinanceReview.objects.filter(collective_id=seat.collective_id).exclude(signatures__officer=seat).select_related("collective").order_by("year", "month")[:50]
        out += [s["review"] for s in review_states(unsigned) if not s["signed"]]
    return len(out), out[:limit]
