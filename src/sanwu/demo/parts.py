"""The rest of the demo city, loaded after the regions, people, users and books: each app's own
`load_demo`, in the order their data depends on each other (decisions before the warnings that
look for them and before the economy's cadre rewards that rest on them; the cooperatives, whose
distributions post into the books, before the disclosures, figures and warnings that read them;
budgets before the disclosures that show them; the asset registers, whose depreciation posts
into the open month, before the disclosures too; disclosures before the daily rules that find the late ones).

`sanwu demo` loads every part (`load_parts`); `sanwu demo --only KEY` loads one part into a
database that already holds the demo city (`load_part`), and so do the per-app aliases
`sanwu decisions demo`, `sanwu partywork demo` and `sanwu assessment demo`."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from sanwu.assessment import demo as assessment
from sanwu.assets import demo as assets
from sanwu.budgets import demo as budgets
from sanwu.contracts import demo as contracts
from sanwu.coop import demo as coop
from sanwu.decisions import demo as decisions
from sanwu.disclosure import demo as disclosure
from sanwu.economy import demo as economy
from sanwu.ledger import demo as ledger
from sanwu.oversight import demo as oversight
from sanwu.oversight.models import STATUSES as WARNING_STATUSES
from sanwu.partywork import demo as partywork
from sanwu.payments import demo as payments
from sanwu.workbench.models import Message


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    load: Callable[[str, int], object]  # (scale, seed) → the app's result
    summary: Callable[[object], str]  # the result in one Chinese line


def _partywork_summary(r) -> str:
    if r.skipped:
        return "党建示例数据已存在（或尚未载入示例城市），跳过。"
    return f"党组织 {r.orgs} 个（突击队员 {r.members} 人），重点工作 {r.tasks} 项，调度会与督导 {r.meetings} 次，谈话 {r.talks} 人次。"


PARTS = (
    Part(
        "decisions", "四议两公开", lambda scale, seed: decisions.load_demo(seed),
        lambda r: f"四议两公开示例：新增事项 {r['matters']} 个，关联凭证 {r['links']} 张",
    ),
    Part(
        "coop", "股份经济合作社", lambda scale, seed: coop.load_demo(seed),
        lambda r: (
            f"股份经济合作社示例：{r['cooperatives']} 个合作社，{r['households']} 户、{r['people']} 人的期初名册和股权；"
            f"收益分配方案 {r.get('distributions', 0)} 个（已付 {r.get('paid_households', 0)} 户，待付 {r.get('owed_households', 0)} 户），股权证 {r.get('certificates', 0)} 份，合作经营项目 {r.get('ventures', 0)} 个，"
            f"村务监督委员会等任职 {r.get('officers', 0)} 人次，民主理财记录 {r.get('reviews', 0)} 份"
        ),
    ),
    Part("partywork", "党组织与重点工作", lambda scale, seed: partywork.load_demo(seed), _partywork_summary),
    Part(
        "assessment", "研判、整顿与考核", lambda scale, seed: assessment.load_demo(seed),
        lambda r: f"已载入：研判 {r.get('rounds', 0)} 轮，整顿对象 {r.get('listed', 0)} 个，考核 {r.get('assessments', 0)} 次。",
    ),
    Part(
        "budgets", "年度财务预算", lambda scale, seed: budgets.load_demo(seed),
        lambda r: f"年度预算示例：批准今年预算 {r['budgets']} 份，其中 {r['over']} 份有超预算科目（预警 {r['warnings']} 条）",
    ),
    Part(
        "assets", "资产台账", lambda scale, seed: assets.load_demo(seed),
        lambda r: (
            f"资产台账示例：{r['registers']} 个账套的期初资产卡片 {r['cards']} 张，计提折旧并记账 {r['runs']} 个月；"
            f"资源性资产 {r['resources']} 项（本年盘活 {r['revived']} 项）"
        ),
    ),
    Part(
        "contracts", "合同", lambda scale, seed: contracts.load_demo(seed),
        lambda r: f"合同示例：按租赁、发包收入的往来单位登记合同 {r['contracts']} 份，关联收款凭证 {r['receipts']} 张",
    ),
    Part(
        "disclosure", "财务公开与群众提问", lambda scale, seed: disclosure.load_demo(seed),
        lambda r: f"财务公开示例：编制 {r.disclosures} 期（发布 {r.published} 期），群众提问 {r.questions} 个（已答复 {r.answered} 个）",
    ),
    Part(
        "economy", "集体经济", economy.load_demo,
        lambda r: f"集体经济示例：{r.counties} 个县的评定规则，新增奖励决策 {r.decisions} 项，审批村干部奖励 {r.approved} 项",
    ),
    Part(
        "bank", "银行对账", ledger.load_demo,
        lambda r: f"银行对账示例：导入对账单 {r.statements} 张（{r.lines} 笔），自动匹配 {r.matched} 笔",
    ),
    Part(
        "oversight", "预警", lambda scale, seed: oversight.load_demo(seed),
        lambda r: "预警示例：" + "，".join(f"{label} {r.get(code, 0)} 条" for code, label in WARNING_STATUSES),
    ),
    Part("payments", "资金支付审批", lambda scale, seed: payments.load_demo(seed), lambda r: f"资金支付审批示例：付款申请 {r['requests']} 份"),
)
KEYS = tuple(p.key for p in PARTS)
_BY_KEY = {p.key: p for p in PARTS}


def load_part(key: str, *, seed: int = 2021, scale: str = "county") -> str:
    """Load one app's part (the city must be there already) and say what it added."""
    part = _BY_KEY[key]
    return part.summary(part.load(scale, seed))


def load_parts(scale: str, seed: int, report=None) -> None:
    """Load every part in order; `report(line)` is told how long each took."""
    for part in PARTS:
        started = time.perf_counter()
        part.load(scale, seed)
        if report:
            report(f"  {part.label}：{time.perf_counter() - started:.1f} 秒")
    settle_inbox()


UNREAD_KEPT = 5


def settle_inbox(keep: int = UNREAD_KEPT) -> None:
    """Loading years of demo history notifies its users of every past step; what a user finds
    unread is the latest `keep` (a day's news), the rest reads as history."""
    ranked = Message.objects.filter(read_at__isnull=True).annotate(
        n=Window(RowNumber(), partition_by=[F("recipient_id")], order_by=[F("created_at").desc(), F("id").desc()])
    )
    old = [pk for pk, n in ranked.values_list("pk", "n") if n > keep]
    for start in range(0, len(old), 500):
        Message.objects.filter(pk__in=old[start:start + 500]).update(read_at=timezone.now())
