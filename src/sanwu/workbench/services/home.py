"""The workbench (工作台): what a user must do now, per role, read from the other apps through
their services (`…services.*_waiting`, `tasks_to_do`, …), each of which goes through the scope
gate. A section is one kind of work, counted, with its first items; items are ordered by urgency
(overdue, due soon) and deadline, sections by their most urgent item.

Items name their page as a target (URL name, arguments, query), never a URL: the view and the API
turn targets into links."""

import datetime as dt
from dataclasses import dataclass, field

from sanwu.core.dates import today
from sanwu.core.scope import grants_of, roles_of

LIMIT = 8
SOON_DAYS = 3
FAR = dt.date.max


@dataclass
class Target:
    name: str
    args: tuple = ()
    query: dict = field(default_factory=dict)


@dataclass
class Item:
    title: str
    target: Target
    deadline: dt.date | None = None
    note: str = ""
    where: str = ""  # the village or township it is about
    urgency: int = 0  # 2 overdue, 1 due within SOON_DAYS, 0 otherwise (set by `_dress`)
    due_text: str = ""


@dataclass
class Section:
    key: str
    title: str
    count: int
    items: list[Item]
    more: Target | None = None
    hint: str = ""

    @property
    def urgency(self) -> int:
        return max((i.urgency for i in self.items), default=0)

    @property
    def first_deadline(self) -> dt.date:
        return min((i.deadline for i in self.items if i.deadline), default=FAR)


def _dress(item: Item, on: dt.date) -> Item:
    if item.deadline is None:
        return item
    days = (item.deadline - on).days
    if days < 0:
        item.urgency, item.due_text = 2, f"逾期{-days}天"
    elif days <= SOON_DAYS:
        item.urgency, item.due_text = 1, "今天到期" if days == 0 else f"{days}天内到期"
    else:
        item.due_text = f"{item.deadline:%m-%d}前"
    return item


def _section(key, title, counted, make, *, more=None, hint="", on=None) -> Section | None:
    count, rows = counted
    if not count:
        return None
    on = on or today()
    items = [_dress(make(r), on) for r in rows]
    items.sort(key=lambda i: (-i.urgency, i.deadline or FAR))
    return Section(key, title, count, items, more, hint)


# --- the pieces each role's workbench is made of -------------------------------------------------


def _budget_item(b) -> Item:
    return Item(f"{b.book.region.name} {b.year}年度财务预算（第{b.version}版）", Target("budgets:detail", (b.pk,)), note=b.get_status_display(), where=b.book.region.name)


def _voucher_item(v, note: str = "") -> Item:
    return Item(f"{v.date:%Y-%m-%d} {v.summary or '（无摘要）'}", Target("ledger:voucher", (v.book.code, v.pk)), note=note, where=v.book.region.name)


def _warning_item(w) -> Item:
    return Item(w.message, Target("oversight:warning", (w.pk,)), deadline=getattr(w, "due", None), note=w.get_status_display(), where=w.village.name)


def _disclosure_item(d) -> Item:
    return Item(f"{d.village.name} {d.period_label}财务公开", Target("disclosure:detail", (d.pk,)), note=d.get_status_display(), where=d.village.name)


def _task_item(t) -> Item:
    return Item(t.title, Target("partywork:task", (t.pk,)), deadline=t.deadline, note=t.get_status_display(), where=t.region.name)


def _matter_item(m) -> Item:
    return Item(m.title, Target("decisions:detail", (m.pk,)), note=f"下一步：{m.next_label}" if m.next_label else "", where=m.village.name)


def _payment_item(r) -> Item:
    note = r.reject_reason if r.status == "rejected" else r.get_bank_status_display() if r.status == "reviewed" else r.get_status_display()
    from sanwu.core.money import format_yuan

    return Item(f"{r.purpose}（{format_yuan(r.amount)}元）", Target("payments:detail", (r.pk,)), note=note, where=r.book.region.name)


def _payments(user, roles, key: str, title: str, statuses, on) -> Section | None:
    from sanwu.payments import services as payments

    return _section(key, title, payments.requests_waiting(user, roles, statuses, LIMIT), _payment_item,
                    more=Target("payments:list", query={"status": statuses[0]}), on=on)


def _late_closings(user, roles, on) -> Section | None:
    from sanwu.oversight import services as oversight

    rows = []
    for g in grants_of(user):
        if g.role in roles:
            rows += oversight.overdue_closings(user, g.region_code, on)
    rows.sort(key=lambda r: (r["deadline"], r["book"]))
    seen, unique = set(), []
    for r in rows:
        if r["book"] not in seen:
            seen.add(r["book"])
            unique.append(r)
    return _section(
        "close", "月末结账逾期" if roles & {"township_supervisor", "county_supervisor", "city_admin"} else "待结账月份",
        (len(unique), unique[:LIMIT]),
        lambda r: Item(f"{r['village']}：{r['first']} 起 {r['months']} 个月未结账", Target("ledger:periods", (r["book"],)), deadline=r["deadline"], where=r["village"]),
        on=on,
    )


def _late_disclosures(user, roles, on, title: str) -> Section | None:
    from sanwu.disclosure import services as disclosure

    rows = disclosure.late_disclosures(user, roles, on)
    return _section(
        "late_disclosure", title, (len(rows), rows[:LIMIT]),
        lambda r: Item(f"{r['village_name']} {r['label']}财务公开", Target("disclosure:list"), deadline=r["due_date"], note="未发布", where=r["village_name"]),
        more=Target("disclosure:list"), on=on,
    )


def _questions(user, roles, on, public: bool) -> Section | None:
    from sanwu.disclosure import services as disclosure

    def make(q):
        if public:  # a village's cadres: the question's deadline, its text only on the public page
            return Item(f"群众提问第{q.pk}号", Target("disclosure:village_public", (q.village_id,)), deadline=q.deadline, where=q.village.name)
        return Item(q.text[:60], Target("disclosure:question", (q.pk,)), deadline=q.deadline, where=q.village.name)

    return _section(
        "questions", "关于本村的群众提问" if public else "待答复的群众提问", disclosure.questions_waiting(user, roles, LIMIT), make,
        more=None if public else Target("disclosure:questions"), hint="由乡镇答复" if public else "", on=on,
    )


# --- per role --------------------------------------------------------------------------------------


def _accountant(user, on) -> list:
    from sanwu.assets import services as assets
    from sanwu.budgets import services as budgets
    from sanwu.disclosure import services as disclosure
    from sanwu.ledger import services as ledger
    from sanwu.oversight import services as oversight

    roles = {"village_accountant"}
    return [
        _section("budgets", "编制中的年度预算", budgets.budgets_waiting(user, roles, LIMIT), _budget_item, on=on),
        _section("depreciation", "待计提的折旧", assets.depreciation_waiting(user, roles, LIMIT),
                 lambda r: Item(f"{r['book'].name} {r['year']}年{r['month']}月折旧", Target("assets:depreciation", (r["book"].code,), {"year": r["year"], "month": r["month"]}),
                                deadline=r["deadline"], where=r["book"].region.name), on=on),
        _section("asset_cards", "待登记资产卡片的凭证", assets.cards_wanted(user, roles, LIMIT),
                 lambda r: Item(f"{r['voucher'].label} {r['voucher'].summary}", Target("assets:card_new", (r["voucher"].book.code,), {"voucher": r["voucher"].pk}),
                                note=f"{r['label']}尚未登记卡片", where=r["voucher"].book.region.name), on=on),
        _section("rejected", "被退回的凭证", ledger.vouchers_waiting(user, ("rejected",), roles, LIMIT),
                 lambda v: _voucher_item(v, f"退回原因：{v.reject_reason}" if v.reject_reason else "已退回"), on=on),
        _section("drafts", "未提交的草稿", ledger.vouchers_waiting(user, ("draft",), roles, LIMIT), lambda v: _voucher_item(v, "草稿"), on=on),
        _payments(user, roles, "payments_rejected", "被退回的付款申请", ("rejected",), on),
        _payments(user, roles, "payments_to_pay", "待付款的付款申请（生成付款凭证）", ("reviewed",), on),
        _section("explain", "待说明的预警", oversight.warnings_waiting(user, roles, ("open",), "village", LIMIT), _warning_item,
                 more=Target("oversight:warnings", query={"status": "open"}), on=on),
        _late_closings(user, roles, on),
        _late_disclosures(user, roles, on, "待编制的财务公开"),
        _section("publish", "待发布的财务公开", disclosure.disclosures_waiting(user, roles, ("confirmed",), LIMIT), _disclosure_item, on=on),
        _questions(user, roles, on, public=True),
    ]


def _secretary(user, on) -> list:
    from sanwu.budgets import services as budgets
    from sanwu.decisions import services as decisions
    from sanwu.disclosure import services as disclosure
    from sanwu.economy import services as economy
    from sanwu.oversight import services as oversight

    roles = {"village_secretary"}
    return [
        _payments(user, roles, "payments_approve", "待审批的付款申请", ("submitted",), on),
        _section("confirm", "待确认的财务公开", disclosure.disclosures_waiting(user, roles, ("draft",), LIMIT), _disclosure_item, on=on),
        _section("publish", "待发布的财务公开", disclosure.disclosures_waiting(user, roles, ("confirmed",), LIMIT), _disclosure_item, on=on),
        _section("budgets", "待成员（代表）大会批准的年度预算", budgets.budgets_waiting(user, roles, LIMIT), _budget_item, on=on),
        _section("matters", "四议两公开进行中", decisions.matters_waiting(user, roles, exclude_purpose="cadre_reward", limit=LIMIT), _matter_item,
                 more=Target("decisions:list"), on=on),
        _section("reward_matters", "村干部奖励：决策进行中", decisions.matters_waiting(user, roles, purpose="cadre_reward", limit=LIMIT), _matter_item, on=on),
        _section("rewards", "村干部奖励：未核准或已撤销", economy.rewards_waiting(user, roles, limit=LIMIT),
                 lambda r: Item(f"{r.village.name} {r.year}年村干部奖励", Target("economy:award", (r.village_id, r.year)), note=r.reason or r.get_status_display(), where=r.village.name), on=on),
        _section("explain", "待说明的预警", oversight.warnings_waiting(user, roles, ("open",), "village", LIMIT), _warning_item,
                 more=Target("oversight:warnings", query={"status": "open"}), on=on),
        _late_disclosures(user, roles, on, "逾期未公开"),
    ]


def _township(user, on) -> list:
    from sanwu.ledger import services as ledger
    from sanwu.oversight import services as oversight
    from sanwu.partywork import services as partywork

    roles = {"township_supervisor"}
    return [
        _section("review", "待审核的凭证", ledger.vouchers_waiting(user, ("submitted",), roles, LIMIT), lambda v: _voucher_item(v, "已提交"),
                 more=Target("oversight:queue"), on=on),
        _section("post", "已审核待记账", ledger.vouchers_waiting(user, ("reviewed",), roles, LIMIT), lambda v: _voucher_item(v, "已审核"),
                 more=Target("oversight:queue"), on=on),
        _payments(user, roles, "payments_review", "待审核的付款申请", ("approved",), on),
        _section("accept", "待认可的预警说明", oversight.warnings_waiting(user, roles, ("explained",), "village", LIMIT), _warning_item,
                 more=Target("oversight:warnings", query={"status": "explained"}), on=on),
        _section("explain", "待乡镇说明的预警", oversight.warnings_waiting(user, roles, ("open",), "township", LIMIT), _warning_item,
                 more=Target("oversight:warnings", query={"status": "open"}), on=on),
        _questions(user, roles, on, public=False),
        _section("tasks", "交办的重点工作", partywork.tasks_to_do(user, LIMIT), _task_item, more=Target("partywork:tasks_mine"), on=on),
        _section("verify", "待核验的重点工作", partywork.tasks_to_verify(user, LIMIT), _task_item, more=Target("partywork:tasks_awaiting"), on=on),
        _late_closings(user, roles, on),
        _late_disclosures(user, roles, on, "逾期未公开的村"),
    ]


def _county(user, on, roles) -> list:
    from sanwu.ledger import services as ledger
    from sanwu.oversight import services as oversight
    from sanwu.partywork import services as partywork
    from sanwu.regions.models import Region

    overdue = oversight.overdue_by_township(user, roles)
    names = dict(Region.objects.filter(code__in=list(overdue)).values_list("code", "name"))
    rows = sorted(overdue.items(), key=lambda kv: (-kv[1], kv[0]))
    return [
        _section("escalated", "上报县级的预警", oversight.warnings_waiting(user, roles, ("escalated",), None, LIMIT), _warning_item,
                 more=Target("oversight:warnings", query={"status": "escalated"}), on=on),
        _section("accept_township", "待认可的乡镇说明", oversight.warnings_waiting(user, roles, ("explained",), "township", LIMIT), _warning_item,
                 more=Target("oversight:warnings", query={"status": "explained"}), on=on),
        _section(
            "overdue", "逾期未说明的预警（按乡镇）", (sum(overdue.values()), rows[:LIMIT]),
            lambda kv: Item(f"{names.get(kv[0], kv[0])}：{kv[1]} 条", Target("oversight:warnings", query={"region": kv[0], "overdue": "on"}), where=names.get(kv[0], "")),
            more=Target("oversight:dashboard"), on=on,
        ),
        _section("verify", "待核验的重点工作", partywork.tasks_to_verify(user, LIMIT), _task_item, more=Target("partywork:tasks_awaiting"), on=on),
        _section("tasks", "交办的重点工作", partywork.tasks_to_do(user, LIMIT), _task_item, more=Target("partywork:tasks_mine"), on=on),
        _section(
            "ranking", f"经营性收入排名变化（{on.year - 1}→{on.year}年）", ledger.ranking_changes(user, on.year, limit=LIMIT),
            lambda r: Item(
                f"{r['book'].region_name}：第{r['before']}名→第{r['now']}名", Target("economy:villages", query={"q": r["book"].region_name}),
                note=f"上升{r['move']}位" if r["move"] > 0 else f"下降{-r['move']}位", where=r["book"].region_name,
            ),
            more=Target("economy:villages"), on=on,
        ),
    ]


def _auditor(user, on) -> list:
    from sanwu.ledger import services as ledger

    def make(r):
        b = r["book"]
        return Item(f"{b.region.name} {b.name}", Target("workbench:verify", (b.code,)), note=r["state"], where=f"{r['vouchers']} 张已记账凭证")

    return [_section("verification", "待校验的账套", ledger.verification_states(user, LIMIT), make, hint="重算防篡改校验码与发生额", on=on)]


def _supervisor(user, on) -> list:
    from sanwu.coop.services import supervision
    from sanwu.disclosure import services as disclosure

    def month(r) -> Item:
        village = r["collective"].region
        due = disclosure.due_date(disclosure.settings_for(village.code), disclosure.Period(r["year"], r["month"], r["month"]))
        return Item(f"{village.name} {r['year']}年{r['month']}月民主理财", Target("coop:supervision", (r["collective"].pk,)), deadline=due,
                    note="审核账目、写明意见并签字后，本月财务公开才能发布", where=village.name)

    def sign(r) -> Item:
        return Item(f"{r.collective.name} {r.year}年{r.month}月民主理财记录", Target("coop:supervision", (r.collective_id,)), note="待您签字", where=r.collective.name)

    return [
        _section("reviews", "待民主理财的月份", supervision.months_waiting(user, LIMIT), month, on=on),
        _section("review_signatures", "待签字的民主理财记录", supervision.signatures_waiting(user, LIMIT), sign, on=on),
    ]


def workbench_for(user, on: dt.date | None = None) -> list[Section]:
    """The sections of the user's workbench (a user with several roles gets each role's, once)."""
    on = on or today()
    roles = roles_of(user)
    parts: list = []
    if "village_accountant" in roles:
        parts += _accountant(user, on)
    if "village_secretary" in roles:
        parts += _secretary(user, on)
    if "township_supervisor" in roles:
        parts += _township(user, on)
    if roles & {"county_supervisor", "city_admin"}:
        parts += _county(user, on, roles & {"county_supervisor", "city_admin"})
    if "village_supervisor" in roles:
        parts += _supervisor(user, on)
    if "auditor" in roles:
        parts += _auditor(user, on)
    seen, sections = set(), []
    for s in parts:
        if s is not None and s.key not in seen:
            seen.add(s.key)
            sections.append(s)
    order = {s.key: i for i, s in enumerate(sections)}
    sections.sort(key=lambda s: (-s.urgency, s.first_deadline, order[s.key]))
    return sections


def total(sections: list[Section]) -> int:
    return sum(s.count for s in sections)
