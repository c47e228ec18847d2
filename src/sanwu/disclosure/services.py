"""Openness: county settings, financial disclosures (prepare → confirm → publish, then frozen and
checkable against the books), villagers' questions, and the published-only reads behind the
public village page and its API.

Every function that changes something takes the acting user (None: the system operator on the
CLI or the demo; anonymous villagers asking a question act as None too), checks the scope gate,
audits in the same transaction and raises `Invalid` (Chinese problems) or `Refused`.

`prepare`, `confirm` and `publish` take `at=` to date what they record (the demo backdates;
default now).

Functions other apps call: `overdue_disclosures(as_of)` and `overdue_questions(as_of)` (oversight's
warning rules), `verify_disclosures(book)` (`sanwu verify`).
"""

import calendar
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sanwu.core import audit
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.scope import can_write
from sanwu.ledger.models import Book, Voucher
from sanwu.regions.models import Region

from . import snapshot as snap
from .models import Disclosure, DisclosureEvent, DisclosureSettings, Question, QuestionEvent
from .scrub import Names, mask_contact, scrub

PREPARE_ROLES = {"village_accountant"}
CONFIRM_ROLES = {"village_secretary"}
PUBLISH_ROLES = {"village_accountant", "village_secretary"}
SETTINGS_ROLES = {"county_supervisor"}
ANSWER_ROLES = {"township_supervisor", "county_supervisor"}

ASK_PER_IP_PER_HOUR = 5
ASK_PER_VILLAGE_PER_HOUR = 30
QUESTION_MIN, QUESTION_MAX = 5, 500
ANSWER_MIN, ANSWER_MAX = 2, 2000
CONTACT_MAX = 40

TAMPERED = "本公开发布后，账簿中的记录被改动，公开数字与账簿不再一致"
CHANGED = "本公开发布后，账簿中本期的数字有了变化，公开数字与账簿不再一致"
INTACT = "已核对：发布后账簿没有被改动，公开的数字与账簿一致"


def today() -> dt.date:
    return timezone.localdate()


def _refuse(user, what: str, obj_id, region_code: str, message: str):
    from sanwu.core.gate import refuse

    refuse(user, what, obj_id, region_code)
    raise Refused(message)


def _may(user, code: str, roles) -> bool:
    return user is None or can_write(user, code, set(roles))


# --- Periods and settings --------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    year: int
    month_from: int
    month_to: int

    @property
    def kind(self) -> str:
        return "month" if self.month_from == self.month_to else "quarter"

    @property
    def key(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}-Q{(self.month_to + 2) // 3}"
        return f"{self.year}-{self.month_to:02d}"

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[(self.month_to - 1) // 3]}季度"
        return f"{self.year}年{self.month_to}月"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month_from, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.month_to, calendar.monthrange(self.year, self.month_to)[1])


def period_errors(year: int, month_from: int, month_to: int) -> list[Problem]:
    try:
        year, month_from, month_to = int(year), int(month_from), int(month_to)
    except (TypeError, ValueError):
        return [Problem("期间应为年份和月份（整数）")]
    if not 2000 <= year <= 2999 or not 1 <= month_from <= 12 or not 1 <= month_to <= 12:
        return [Problem("年份或月份无效")]
    if month_from == month_to or (month_from % 3 == 1 and month_to == month_from + 2):
        return []
    return [Problem("公开期间应为一个月或一个季度（1—3月、4—6月、7—9月、10—12月）")]


def parse_period(key: str) -> Period:
    """「2020-03」 (a month) or 「2020-Q1」 (a quarter)."""
    text = (key or "").strip().upper()
    try:
        year_text, rest = text.split("-", 1)
        year = int(year_text)
        if rest.startswith("Q"):
            q = int(rest[1:])
            if not 1 <= q <= 4:
                raise ValueError
            period = Period(year, 3 * q - 2, 3 * q)
        else:
            m = int(rest)
            period = Period(year, m, m)
    except ValueError:
        period = None
    if period is None or period_errors(period.year, period.month_from, period.month_to):
        raise Invalid(Problem(f"期间「{key}」无效：应写作 2020-03（月度）或 2020-Q1（季度）"))
    return period


def period_containing(frequency: str, year: int, month: int) -> Period:
    if frequency == "quarterly":
        q = (month - 1) // 3
        return Period(year, 3 * q + 1, 3 * q + 3)
    return Period(year, month, month)


def county_code_of(code: str) -> str:
    return code[:6] + "000000"


def settings_for(code: str) -> DisclosureSettings:
    """The settings of the county a region lies in (the defaults, unsaved, until the county sets its own)."""
    county = county_code_of(code)
    found = DisclosureSettings.objects.filter(county_id=county).first()
    return found or DisclosureSettings(county_id=county)


def due_date(settings: DisclosureSettings, period: Period) -> dt.date:
    """The day by which the period must be published: the county's due day of the next month."""
    y, m = (period.year + 1, 1) if period.month_to == 12 else (period.year, period.month_to + 1)
    return dt.date(y, m, min(settings.due_day, calendar.monthrange(y, m)[1]))


def update_settings(user, county_code: str, frequency: str, due_day: int, answer_days: int) -> DisclosureSettings:
    county = Region.objects.filter(code=county_code, level="county").first()
    if county is None:
        raise Invalid(Problem(f"「{county_code}」不是已登记的县", field="region"))
    if user is not None and not can_write(user, county.code, SETTINGS_ROLES):
        _refuse(user, "disclosure.settings", county.code, county.code, "只有县级监管可以修改本县的公开设置")
    problems = []
    if frequency not in dict(DisclosureSettings.FREQUENCIES):
        problems.append(Problem("公开频次应为每月（monthly）或每季度（quarterly）"))
    try:
        due_day, answer_days = int(due_day), int(answer_days)
    except (TypeError, ValueError):
        raise Invalid(problems + [Problem("截止日和答复期限应为整数")]) from None
    if not 1 <= due_day <= 28:
        problems.append(Problem("截止日应在次月1日至28日之间"))
    if not 1 <= answer_days <= 60:
        problems.append(Problem("答复期限应为1至60天"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        row = DisclosureSettings.objects.select_for_update().filter(county=county).first()
        old = {"frequency": row.frequency, "due_day": row.due_day, "answer_days": row.answer_days} if row else None
        if row is None:
            row = DisclosureSettings(county=county)
        row.frequency, row.due_day, row.answer_days, row.updated_by = frequency, due_day, answer_days, user
        row.save()
        audit.record(
            "disclosure.settings", row, actor=user, old=old,
            new={"frequency": frequency, "due_day": due_day, "answer_days": answer_days}, region_code=county.code,
        )
    return row


# --- Disclosures: prepare → confirm → publish ------------------------------------------------


def _fingerprint(snapshot: dict) -> str:
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _event(d: Disclosure, action: str, user, at, note: str = "") -> None:
    DisclosureEvent.objects.create(disclosure=d, action=action, actor=user if getattr(user, "pk", None) else None, at=at, note=note[:200])


def _build(book: Book, period: Period, names: Names | None = None) -> dict:
    return snap.build(book, period.year, period.month_from, period.month_to, names)


def period_of(d: Disclosure) -> Period:
    return Period(d.year, d.month_from, d.month_to)


def unposted_in(book: Book, period: Period) -> int:
    """Vouchers of the period not yet posted (the disclosure shows posted ones only)."""
    return (
        Voucher.objects.filter(book=book, year=period.year, month__gte=period.month_from, month__lte=period.month_to)
        .exclude(status="posted")
        .count()
    )


def prepare(user, book: Book, year: int, month_from: int, month_to: int | None = None, *, names: Names | None = None, at=None) -> Disclosure:
    """The accountant prepares (or prepares again) the disclosure of a month or quarter from the
    book. A published period cannot be prepared again."""
    month_to = month_from if month_to is None else month_to
    if not _may(user, book.region_id, PREPARE_ROLES):
        _refuse(user, "disclosure.prepare", book.code, book.region_id, f"无权编制{book.region.name}的财务公开（须为本村会计）")
    problems = period_errors(year, month_from, month_to)
    if problems:
        raise Invalid(problems)
    period = Period(int(year), int(month_from), int(month_to))
    if period.end >= today():
        problems.append(Problem(f"{period.label}尚未结束，结束后才能编制公开"))
    if period.end < book.start_date:
        problems.append(Problem(f"{period.label}早于账套启用日期（{book.start_date:%Y年%m月%d日}）"))
    if problems:
        raise Invalid(problems)
    book = Book.objects.get(pk=book.pk)
    data = {**_build(book, period, names), "basis": _basis(book)}
    now = at or timezone.now()
    with transaction.atomic():
        d = (
            Disclosure.objects.select_for_update()
            .filter(book=book, year=period.year, month_from=period.month_from, month_to=period.month_to)
            .first()
        )
        if d is not None and d.status == "published":
            raise Invalid(Problem(f"{period.label}的财务公开已经发布，不能重新编制"))
        again = d is not None
        if d is None:
            d = Disclosure(village_id=book.region_id, book=book, year=period.year, month_from=period.month_from, month_to=period.month_to)
        d.kind = period.kind
        d.status = "draft"
        d.snapshot = data
        d.snapshot_hash = _fingerprint(data)
        d.prepared_by = user if getattr(user, "pk", None) else None
        d.prepared_at = now
        d.confirmed_by = None
        d.confirmed_at = None
        d.save()
        _event(d, "reprepared" if again else "prepared", user, now)
        audit.record(
            "disclosure.prepare", d, actor=user, region_code=d.village_id,
            new={"book": book.code, "period": period.key, "income": data["income_total"]["period"], "expense": data["expense_total"]["period"], "again": again},
        )
    return d


def prepare_period(user, book: Book, key: str, **kw) -> Disclosure:
    p = parse_period(key)
    return prepare(user, book, p.year, p.month_from, p.month_to, **kw)


def _locked(d: Disclosure) -> Disclosure:
    return Disclosure.objects.select_for_update().get(pk=d.pk)


def _basis(book: Book) -> dict:
    return {"posted_count": book.posted_count, "chain_head": book.chain_head}


def _still_matches(d: Disclosure, book: Book | None = None) -> list[str]:
    """What changed in the books since the figures were prepared. Books change only by posting
    (and opening balances before they are confirmed): when nothing was posted since, the figures
    stand without recomputing them."""
    book = book or Book.objects.get(pk=d.book_id)
    if book.opening_confirmed and d.snapshot.get("basis") == _basis(book):
        return []
    return snap.differences(d.snapshot, _build(book, period_of(d), Names()))


def confirm(user, d: Disclosure, *, at=None) -> Disclosure:
    """The village secretary confirms the prepared figures (and only the secretary)."""
    if not _may(user, d.village_id, CONFIRM_ROLES):
        _refuse(user, "disclosure.confirm", d.pk, d.village_id, "只有本村党组织书记可以确认财务公开")
    with transaction.atomic():
        d = _locked(d)
        if d.status == "published":
            raise Invalid(Problem("本期公开已经发布，不能再确认或修改"))
        if d.status != "draft":
            raise Invalid(Problem("本期公开已确认，等待发布"))
        changed = _still_matches(d)
        if changed:
            raise Invalid(Problem("编制后账簿又有变动（" + "；".join(changed) + "），请会计重新编制后再确认"))
        d.status = "confirmed"
        d.confirmed_by = user if getattr(user, "pk", None) else None
        d.confirmed_at = at or timezone.now()
        d.save()
        _event(d, "confirmed", user, d.confirmed_at)
        audit.record("disclosure.confirm", d, actor=user, region_code=d.village_id, new={"period": d.period_key})
    return d


def publish(user, d: Disclosure, *, at=None) -> Disclosure:
    """Publish a confirmed disclosure: from now on it is frozen, and carries the book's chain head
    and posted count, so that anyone can check the books were not rewritten since. Irreversible."""
    if not _may(user, d.village_id, PUBLISH_ROLES):
        _refuse(user, "disclosure.publish", d.pk, d.village_id, "只有本村会计或党组织书记可以发布财务公开")
    with transaction.atomic():
        book = Book.objects.select_for_update().get(pk=d.book_id)  # no posting while we freeze
        d = _locked(d)
        if d.status == "published":
            raise Invalid(Problem("本期公开已经发布；发布后不能撤回或修改"))
        if d.status != "confirmed":
            raise Invalid(Problem("须先由本村党组织书记确认，才能发布"))
        changed = _still_matches(d, book)
        if changed:
            raise Invalid(Problem("确认后账簿又有变动（" + "；".join(changed) + "），请会计重新编制并经书记确认"))
        d.chain_head = book.chain_head
        d.posted_count = book.posted_count
        d.snapshot_hash = _fingerprint(d.snapshot)
        d.status = "published"
        d.published_by = user if getattr(user, "pk", None) else None
        d.published_at = at or timezone.now()
        d.save()
        _event(d, "published", user, d.published_at)
        audit.record(
            "disclosure.publish", d, actor=user, region_code=d.village_id,
            new={"period": d.period_key, "chain_head": d.chain_head, "posted_count": d.posted_count, "snapshot_hash": d.snapshot_hash},
        )
    return d


# --- Checking a published disclosure against the books ----------------------------------------


@dataclass
class CheckResult:
    ok: bool
    explanation: str
    details: list[str]


def _check(d: Disclosure, book_check=None) -> CheckResult:
    from sanwu.ledger.services.verify import verify_book

    if d.status != "published":
        return CheckResult(True, "尚未发布：数字随账簿重新编制，发布时才冻结", [])
    details: list[str] = []
    tampered = False
    if _fingerprint(d.snapshot) != d.snapshot_hash:
        tampered = True
        details.append("公开内容与发布时的指纹不符（公开记录本身被改动）")
    book = Book.objects.get(pk=d.book_id)
    frozen = d.posted_count or 0
    if frozen:
        link = Voucher.objects.filter(book=book, seq=frozen, status="posted").values_list("hash", flat=True).first()
        if link != d.chain_head:
            tampered = True
            details.append(f"发布时账簿哈希链的第 {frozen} 张凭证已不是当时那一张（链被改写或删除）")
    elif d.chain_head:
        tampered = True
        details.append("发布时的链头与账簿不符")
    if book.posted_count < frozen:
        tampered = True
        details.append(f"账簿现有已记账凭证 {book.posted_count} 张，少于发布时的 {frozen} 张")
    check = book_check if book_check is not None else verify_book(book)
    if not check.ok:
        tampered = True
        details.extend(check.problems[:5])
    differences = snap.differences(d.snapshot, _build(book, period_of(d), Names()))
    details.extend(differences)
    if tampered:
        return CheckResult(False, TAMPERED + "。", details)
    if differences:
        return CheckResult(False, CHANGED + "（哈希链完好，多为发布后又补记了本期凭证）。", details)
    return CheckResult(True, INTACT + "。", [])


def check_disclosure(disclosure: Disclosure) -> tuple[bool, str]:
    """Recompute the published figures from the books and check the hash chain: (ok, explanation
    in Chinese, naming what no longer matches)."""
    r = _check(disclosure)
    return r.ok, (r.explanation + ("：" + "；".join(r.details) if r.details else ""))


def check_details(disclosure: Disclosure) -> CheckResult:
    return _check(disclosure)


def verify_disclosures(book: Book) -> list[str]:
    """For `sanwu verify`: every published disclosure of the book whose figures no longer match
    the books, explained in Chinese (empty when all match)."""
    from sanwu.ledger.services.verify import verify_book

    published = list(Disclosure.objects.filter(book=book, status="published").order_by("year", "month_to"))
    if not published:
        return []
    check = verify_book(book)
    out = []
    for d in published:
        r = _check(d, check)
        if not r.ok:
            out.append(f"账套 {book.code} {d.period_label}财务公开：{r.explanation}" + ("" if not r.details else "：" + "；".join(r.details)))
    return out


# --- Overdue disclosures (oversight's warning rule) --------------------------------------------


def _months_between(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def overdue_disclosures(as_of: dt.date, lookback_days: int = 366) -> list[dict]:
    """Periods past their due date (the county's due day of the next month) without a published
    disclosure, for every book, counting only periods in which the book has posted business and
    whose due date lies within `lookback_days` before `as_of`. Each: village_code, period
    (「2020-03」 or 「2020-Q1」), due_date, and book_code, village_name, label."""
    window = as_of - dt.timedelta(days=lookback_days)
    months = _months_between(dt.date(window.year, window.month, 1) - dt.timedelta(days=100), as_of)
    books = {b["id"]: b for b in Book.objects.values("id", "code", "region_id", "region__name", "start_date")}
    counties = {s.county_id: s for s in DisclosureSettings.objects.all()}
    published = set(
        Disclosure.objects.filter(status="published", year__gte=months[0][0]).values_list("book_id", "year", "month_from", "month_to")
    )
    out: dict[tuple, dict] = {}
    for book_id, y, m in snap.activity_months(None, months):
        b = books.get(book_id)
        if b is None:
            continue
        county = county_code_of(b["region_id"])
        s = counties.get(county) or DisclosureSettings(county_id=county)
        period = period_containing(s.frequency, y, m)
        due = due_date(s, period)
        if not (window <= due < as_of) or (book_id, period.year, period.month_from, period.month_to) in published:
            continue
        out[(book_id, period.key)] = {
            "village_code": b["region_id"], "period": period.key, "due_date": due,
            "book_code": b["code"], "village_name": b["region__name"], "label": period.label,
        }
    return sorted(out.values(), key=lambda r: (r["due_date"], r["village_code"], r["period"]))


# --- Villagers' questions ------------------------------------------------------------------------


def _keyed_hash(kind: str, value: str) -> str:
    return hmac.new(django_settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def ip_hash(ip: str) -> str:
    return _keyed_hash("ip", ip or "")


def _village(code: str) -> Region | None:
    return Region.objects.filter(code=code, level="village").select_related("parent").first()


def ask(village_code: str, text: str, contact: str = "", ip: str = "", *, now=None, user=None) -> Question:
    """Anyone asks about a village. The question goes to the village's township with the county's
    answer deadline. Throttled per address (hashed) and per village; the optional contact is kept
    only masked and hashed and is never shown."""
    now = now or timezone.now()
    village = _village(village_code)
    if village is None:
        raise Invalid(Problem(f"没有找到代码为「{village_code}」的村", field="region"))
    text = (text or "").strip()
    contact = (contact or "").strip()
    problems = []
    if len(text) < QUESTION_MIN:
        problems.append(Problem(f"问题太短，请至少写{QUESTION_MIN}个字"))
    if len(text) > QUESTION_MAX:
        problems.append(Problem(f"问题不能超过{QUESTION_MAX}个字（现在{len(text)}个字）"))
    if len(contact) > CONTACT_MAX:
        problems.append(Problem(f"联系方式不能超过{CONTACT_MAX}个字"))
    if problems:
        raise Invalid(problems)
    hashed_ip = ip_hash(ip) if ip else ""
    hour_ago = now - dt.timedelta(hours=1)
    with transaction.atomic():
        Region.objects.select_for_update().filter(code=village.code).first()  # one asker at a time per village
        if hashed_ip and Question.objects.filter(ip_hash=hashed_ip, asked_at__gte=hour_ago).count() >= ASK_PER_IP_PER_HOUR:
            raise Invalid(Problem(f"提问太频繁：同一网络每小时最多提{ASK_PER_IP_PER_HOUR}个问题，请稍后再试"))
        if Question.objects.filter(village=village, asked_at__gte=hour_ago).count() >= ASK_PER_VILLAGE_PER_HOUR:
            raise Invalid(Problem("本村近一小时的提问已很多，请稍后再试"))
        s = settings_for(village.code)
        q = Question.objects.create(
            village=village,
            township_code=village.parent_id or village.code[:9] + "000",
            text=scrub(text),
            contact_masked=mask_contact(contact),
            contact_hash=_keyed_hash("contact", contact) if contact else "",
            ip_hash=hashed_ip,
            asked_at=now,
            deadline=timezone.localtime(now).date() + dt.timedelta(days=s.answer_days),
        )
        QuestionEvent.objects.create(question=q, action="asked", actor=user if getattr(user, "pk", None) else None, at=now)
        audit.record("question.ask", q, actor=user, region_code=village.code, new={"village": village.code, "deadline": q.deadline, "contact": bool(contact)})
    return q


def answer(user, question: Question, text: str, *, now=None, names: Names | None = None) -> Question:
    """The township (or the county) answers; the answer is published with the question, both
    masked for the public. An answer, once published, is not changed."""
    if not _may(user, question.village_id, ANSWER_ROLES):
        _refuse(user, "disclosure.question.answer", question.pk, question.village_id, "只有该村所在乡镇（或县）的监管人员可以答复")
    text = (text or "").strip()
    if len(text) < ANSWER_MIN:
        raise Invalid(Problem("答复不能为空"))
    if len(text) > ANSWER_MAX:
        raise Invalid(Problem(f"答复不能超过{ANSWER_MAX}个字"))
    names = names if names is not None else Names.for_region(question.village_id)
    with transaction.atomic():
        q = Question.objects.select_for_update().get(pk=question.pk)
        if q.status == "answered":
            raise Invalid(Problem("该问题已经答复并公开，不能重复答复"))
        q.answer = scrub(text)
        q.public_text = scrub(q.text, names)
        q.public_answer = scrub(text, names)
        q.status = "answered"
        q.answered_by = user if getattr(user, "pk", None) else None
        q.answered_at = now or timezone.now()
        q.save()
        QuestionEvent.objects.create(question=q, action="answered", actor=q.answered_by, at=q.answered_at)
        audit.record("question.answer", q, actor=user, region_code=q.village_id, new={"answered_at": q.answered_at, "on_time": q.answered_at.date() <= q.deadline})
    return q


def overdue_questions(as_of: dt.date) -> list[Question]:
    """Questions still unanswered after their deadline (oversight's warning rule)."""
    return list(Question.objects.filter(status="open", deadline__lt=as_of).select_related("village").order_by("deadline", "id"))


def answer_stats(user, as_of: dt.date | None = None) -> list[dict]:
    """Per township in the user's scope: questions asked, answered, answered on time, still open,
    overdue, the answer rate and the average days to answer; the last row totals them."""
    as_of = as_of or today()
    rows = Question.objects.visible_to(user).values_list("township_code", "status", "asked_at", "deadline", "answered_at")
    by: dict[str, dict] = {}

    def blank(code, name, county):
        return {"township_code": code, "township": name, "county": county, "asked": 0, "answered": 0, "on_time": 0, "open": 0, "overdue": 0, "_days": 0.0}

    for code, status, asked_at, deadline, answered_at in rows.iterator():
        r = by.setdefault(code, blank(code, "", ""))
        r["asked"] += 1
        if status == "answered" and answered_at is not None:
            r["answered"] += 1
            if timezone.localtime(answered_at).date() <= deadline:
                r["on_time"] += 1
            r["_days"] += (answered_at - asked_at).total_seconds() / 86400
        else:
            r["open"] += 1
            if deadline < as_of:
                r["overdue"] += 1
    names = dict(Region.objects.filter(code__in=list(by)).values_list("code", "name"))
    counties = dict(Region.objects.filter(code__in={county_code_of(c) for c in by}).values_list("code", "name"))
    out = []
    total = blank("", "合计", "")
    for code in sorted(by):
        r = by[code]
        r["township"] = names.get(code, code)
        r["county"] = counties.get(county_code_of(code), "")
        for k in ("asked", "answered", "on_time", "open", "overdue", "_days"):
            total[k] += r[k]
        out.append(r)
    if out:
        out.append(total)
    for r in out:
        r["rate"] = round(100 * r["answered"] / r["asked"], 1) if r["asked"] else None
        r["on_time_rate"] = round(100 * r["on_time"] / r["asked"], 1) if r["asked"] else None
        r["avg_days"] = round(r.pop("_days") / r["answered"], 1) if r["answered"] else None
    return out


# --- The public side: published data only --------------------------------------------------------


def public_url(village_code: str, base_url: str) -> str:
    """The absolute address of a village's public page (what its QR code encodes)."""
    return base_url.rstrip("/") + reverse("disclosure:village_public", args=[village_code])


def qr_png(url: str, scale: int = 8) -> bytes:
    import io

    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def qr_svg(url: str, scale: int = 6) -> bytes:
    import io

    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=scale, border=2, xmldecl=False, title="村务公开二维码")
    return buf.getvalue()


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def _summary(d: Disclosure) -> dict:
    s = d.snapshot
    return {
        "id": d.pk, "period": d.period_key, "label": d.period_label, "kind": d.kind,
        "book": s.get("book", {}).get("name", ""),
        "income": s.get("income_total", {}).get("period", 0), "expense": s.get("expense_total", {}).get("period", 0),
        "published_at": d.published_at,
    }


def public_village(code: str, details: bool = True) -> dict | None:
    """Everything the public village page shows, from published data only (None: no such
    village). Without `details`: only the village's name and where it lies."""
    village = _village(code)
    if village is None:
        return None
    head = {
        "code": village.code,
        "name": village.name,
        "township": village.parent.name if village.parent else "",
        "county": Region.objects.filter(code=county_code_of(village.code)).values_list("name", flat=True).first() or "",
    }
    if not details:
        return head
    published = list(Disclosure.objects.filter(village=village, status="published").order_by("-year", "-month_to", "book_id"))
    latest = published[0] if published else None
    return {
        **head,
        "disclosures": [_summary(d) for d in published],
        "latest": _public_disclosure(latest) if latest else None,
        "questions": public_questions(village.code),
        "decisions": public_decisions(village.code),
    }


def _public_disclosure(d: Disclosure) -> dict:
    r = _check(d)
    return {
        **_summary(d),
        "snapshot": d.snapshot,
        "chain_head": d.chain_head,
        "posted_count": d.posted_count,
        "check": {"ok": r.ok, "explanation": r.explanation, "details": r.details},
    }


def public_disclosures(code: str) -> list[dict] | None:
    village = _village(code)
    if village is None:
        return None
    return [_summary(d) for d in Disclosure.objects.filter(village=village, status="published").order_by("-year", "-month_to", "book_id")]


def public_disclosure(code: str, pk: int) -> dict | None:
    """One published disclosure of the village, with the check against the books (None: none such)."""
    d = Disclosure.objects.filter(village_id=code, pk=pk, status="published").first()
    return _public_disclosure(d) if d is not None else None


def public_questions(code: str, limit: int = 50) -> list[dict]:
    """Answered questions of the village, newest answers first, as published (masked)."""
    qs = Question.objects.filter(village_id=code, status="answered").order_by("-answered_at", "-id")[:limit]
    return [
        {"id": q.pk, "asked_on": timezone.localtime(q.asked_at).date(), "question": q.public_text, "answer": q.public_answer,
         "answered_on": timezone.localtime(q.answered_at).date(), "on_time": timezone.localtime(q.answered_at).date() <= q.deadline}
        for q in qs
    ]


# What the public page shows of a decision (and so all the public API gives).
PUBLIC_DECISION_KEYS = (
    "id", "title", "status_label", "amount_fen", "decided_on", "completed_on",
    "villagers_meeting_entitled", "villagers_meeting_present", "villagers_meeting_for",
    "resolution", "resolution_date", "result", "result_date", "steps",
)


def public_decisions(code: str) -> list[dict]:
    """Published 四议两公开 resolutions and results, from the decisions app when it offers
    `published_for_village(village_code)`: the fields the page shows, every text scrubbed again
    here (defence in depth)."""
    try:
        from sanwu.decisions import services as decisions
    except ImportError:
        return []
    source = getattr(decisions, "published_for_village", None)
    if source is None:
        return []
    names = Names.for_region(code)
    out = []
    for item in source(code) or []:
        clean = {}
        for key, value in dict(item).items():
            if key not in PUBLIC_DECISION_KEYS:
                continue
            if isinstance(value, str):
                clean[key] = scrub(value, names)
            elif isinstance(value, (int, bool, dt.date, dt.datetime)) or value is None:
                clean[key] = value
            elif isinstance(value, (list, tuple)):
                clean[key] = [scrub(v, names) if isinstance(v, str) else v for v in value if isinstance(v, (str, int, dt.date))]
        out.append(clean)
    return out
