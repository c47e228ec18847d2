"""The audit trail. `record()` is called by services inside their transaction."""

import datetime as dt
import decimal

from django.db import models

from . import context
from .models import AuditEvent


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, decimal.Decimal)):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """Field values of a model instance, for old/new in the trail."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    old: dict | None = None,
    new: dict | None = None,
    region_code: str = "",
    note: str = "",
    object_type: str | None = None,
    object_id: str | None = None,
    actor=None,
) -> AuditEvent:
    who = context.current()
    user = actor if actor is not None else who.acting_user
    return AuditEvent.objects.create(
        actor=user if user is not None and getattr(user, "pk", None) else None,
        actor_name=getattr(user, "username", "") if user is not None else "",
        channel=who.channel,
        request_id=who.request_id,
        ip=who.ip,
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        region_code=region_code,
        old=_plain(old) if old is not None else None,
        new=_plain(new) if new is not None else None,
        note=note,
    )


# --- What the audit page says ---------------------------------------------------------------------
# Every action the services record, in the Chinese a reader of the trail uses. A test walks the
# sources: an action recorded anywhere without a label here fails it.
ACTIONS: dict[str, str] = {
    # signing in, users, roles, keys
    "login": "登录", "login_failed": "登录失败", "logout": "退出登录", "permission_denied": "越权访问被拒绝",
    "user.create": "新建用户", "user.enable": "启用用户", "user.disable": "停用用户", "user.password": "设置密码",
    "user.password_change": "修改本人密码", "user.password_reset": "重置密码", "role.grant": "授予角色",
    "role.withdraw": "收回角色", "token.issue": "签发接口令牌", "keys.rotate": "更换个人信息密钥",
    "region.import": "导入行政区划", "region.update": "修改行政区划", "person.create": "登记人员",
    "person.reveal": "查看完整个人信息",
    "demo.load": "载入示例城市", "demo.books": "载入示例账簿", "demo.disclosure": "载入示例财务公开",
    "partywork.demo.load": "载入党建示例数据",
    # the books
    "book.create": "建立账套", "account.create": "增设明细科目", "book.opening.set": "录入期初余额",
    "book.opening.confirm": "确认期初余额", "voucher_template.add": "保存凭证模板", "voucher_template.delete": "删除凭证模板", "ledger.verify": "核对账套（防篡改校验码与发生额）", "ledger.county_settings.update": "修改本县账务设置",
    "voucher.save": "保存凭证", "voucher.delete": "删除凭证草稿", "voucher.submit": "提交凭证", "voucher.review": "审核凭证",
    "voucher.reject": "退回凭证", "voucher.post": "记账", "voucher.batch_post": "批量记账", "voucher.import": "导入凭证",
    "attachment.add": "上传附件", "period.close": "结账", "period.confirm": "确认结账", "period.reopen": "反结账", "archive.make": "生成会计档案",
    "assertion.add": "记录对账", "assertion.delete": "删除对账记录",
    "bank_statement.import": "导入银行对账单", "bank.auto_match": "自动匹配银行对账单", "bank.match": "手工匹配对账单与日记账",
    "bank.unmatch": "取消对账匹配", "book.chart_move": "换用新会计制度", "ledger.year.reopen": "反结转（重新打开年度）",
    # budgets and payments
    "budget.create": "编制年度预算", "budget.line": "修改预算项目", "budget.remove_line": "删除预算项目",
    "budget.approve": "批准年度预算", "budget.revise": "调整年度预算", "budget.setting": "修改本县预算设置",
    "payments.create": "新建付款申请", "payments.edit": "修改付款申请", "payments.receipt": "上传付款附件",
    "payments.payer": "登记付款账户", "payments.settings.update": "修改本县付款审批设置",
    "coop.import_members": "导入成员名册和期初股权", "coop.settings.update": "修改本县合作社规则",
    "coop.share_operation": "登记股权变动", "coop.member.add": "登记集体经济组织成员", "coop.member.leave": "登记成员身份丧失",
    "coop.roster.draft": "生成成员名册", "coop.roster.confirm": "成员大会确认成员名册", "coop.roster.file": "成员名册报乡镇备案",
    "coop.distribution.draft": "草拟收益分配方案", "coop.distribution.recompute": "重新计算收益分配方案",
    "coop.distribution.publish": "公布收益分配方案", "coop.distribution.decide": "成员大会通过收益分配方案",
    "coop.distribution.approve": "乡镇审核通过收益分配方案", "coop.distribution.reject": "乡镇退回收益分配方案",
    "coop.distribution.post": "收益分配入账", "coop.distribution.withdraw": "撤回收益分配方案",
    "coop.distribution.pay": "登记分红支付", "coop.distribution.bank_list": "下载分红银行代发清单（完整账号）",
    "coop.venture.create": "登记合作经营项目", "coop.venture.profit": "登记合作经营利润分配",
    "coop.officer.add": "登记合作社任职", "coop.officer.end": "登记合作社离任",
    "coop.review.record": "记录民主理财", "coop.review.sign": "民主理财签字",
    "coop.roster.acknowledge": "乡镇确认成员名册备案", "coop.certificate.issue": "发放股权证",
    "coop.certificate.pdf": "下载股权证", "coop.certificate.lookup": "农户凭查询码查询股权",
    "assets.register.start": "建立资产台账", "assets.card.create": "登记资产卡片", "assets.card.import": "导入资产卡片",
    "assets.card.change": "修改资产卡片", "assets.depreciate": "计提折旧", "assets.dispose": "资产处置", "assets.settings.update": "修改本县资产台账参数",
    "contracts.create": "登记合同", "contracts.import": "导入合同", "contracts.receipt": "登记合同收款",
    "assets.resource.create": "登记资源性资产", "assets.resource.import": "导入资源性资产", "assets.resource.use": "变更资源利用方式",
    "payments.bank_file": "生成银行付款文件", "payments.bank_result": "导入银行付款结果",
    # oversight
    "oversight.warning.explain": "说明预警", "oversight.warning.accept": "认可预警说明", "oversight.warning.escalate": "上报预警",
    "oversight.settings.update": "修改预警参数", "oversight.run_daily": "运行每日预警检查",
    # decisions and openness
    "decision.create": "新建决策事项", "decision.record": "记录决策环节", "decision.correct": "更正决策记录", "decision.comment": "对决策事项提出意见",
    "decision.abandon": "终止决策事项", "decision.attachment": "上传决策材料", "decision.link_voucher": "关联凭证",
    "decision.unlink_voucher": "取消关联凭证", "decision.quorum_rule": "修改表决规则",
    "disclosure.prepare": "编制财务公开", "disclosure.confirm": "确认财务公开", "disclosure.publish": "发布财务公开",
    "disclosure.settings": "修改公开期限", "question.ask": "群众提问", "question.answer": "答复群众提问",
    # collective economy
    "economy.cadre_reward.approve": "核准村干部奖励", "economy.cadre_reward.reject": "不予核准村干部奖励",
    "economy.cadre_reward.revoke": "撤销村干部奖励", "economy.settings.create": "建立本县集体经济规则",
    "economy.settings.update": "修改本县集体经济规则",
    # party work
    "org.create": "新建党组织", "org.update": "修改党组织", "org.import": "导入党组织", "org.member.add": "增加党组织成员",
    "org.member.remove": "移出党组织成员", "meeting.create": "记录调度会或督导", "talk.create": "记录谈话", "talk.import": "导入谈话",
    "task.assign": "交办任务", "task.report": "汇报任务", "task.return": "退回任务", "task.verify": "核验任务", "task.close": "任务销号",
    "task.extend": "任务延期", "task.reassign": "调整责任单位", "task.evidence": "上传佐证材料", "task.import": "导入任务",
    # analysis, rectification, assessment
    "assessment.round.create": "组织班子分析研判", "assessment.round.rate": "研判评定", "assessment.round.review": "审定研判结果",
    "assessment.round.follow_up": "研判后续跟进", "assessment.difficult.list": "列入难点村", "assessment.difficult.import": "导入难点村",
    "assessment.difficult.task_force": "组建工作专班", "assessment.screening": "软弱涣散排查",
    "assessment.rectification.list": "列入整顿", "assessment.rectification.update": "修改整顿台账",
    "assessment.rectification.measure": "记录整顿措施", "assessment.rectification.accept": "整顿验收销号",
    "assessment.rectification.check_failed": "整顿验收未通过", "assessment.rectification.import": "导入整顿台账",
    "assessment.create": "建立年度考核", "assessment.indicators": "设定考核指标", "assessment.scores": "录入考核得分",
    "assessment.finalize": "确定考核结果", "assessment.apply_consequences": "认定考核问责", "assessment.consequence": "考核问责",
    "assessment.settings.update": "修改本县研判整顿设置", "assessment.settings.defaults": "载入默认设置",
    "assessment.indicators.defaults": "修改默认考核指标", "assessment.rule.create": "新建问责规则",
    "assessment.rule.update": "修改问责规则", "assessment.situation.create": "新增典型情形", "assessment.situation.update": "修改典型情形",
}


def action_label(action: str) -> str:
    """The action in Chinese; one not registered shows as it was recorded."""
    return ACTIONS.get(action, action)


def events_for(user, *, actor: str = "", action: str = "", object_type: str = "", object_id: str = "",
               since: dt.date | None = None, until: dt.date | None = None, q: str = ""):
    """The audit rows `user` may read, filtered: by the person (username or name), the action (or
    an action family such as "voucher"), the object's kind and id, the days (inclusive, local
    time) and free text."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.utils import timezone

    qs = AuditEvent.objects.visible_to(user)
    if actor:
        names = get_user_model().objects.filter(first_name=actor).values_list("username", flat=True)
        qs = qs.filter(Q(actor_name=actor) | Q(actor_name__in=list(names)))
    if action:
        qs = qs.filter(Q(action=action) | Q(action__startswith=action + "."))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(at__gte=timezone.make_aware(dt.datetime.combine(since, dt.time.min)))
    if until:
        qs = qs.filter(at__lt=timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min)))
    if q:
        qs = qs.filter(Q(action__icontains=q) | Q(actor_name__icontains=q) | Q(object_id__icontains=q) | Q(region_code__startswith=q))
    return qs
