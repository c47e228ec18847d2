"""The errors services raise: `Invalid` (a list of problems, each naming file, row and field, in
Chinese), `Refused` (the acting user may not do this: a `PermissionDenied`, so every page answers
403 and the API 403 JSON without a catch block) and `NotFound` (no such object in the user's
scope: pages answer 404, the API 404 JSON). Services never raise `Http404`."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied


# Chinese names of the fields that problems name (file columns keep their key beside the name).
FIELD_LABELS = {
    "code": "代码",
    "name": "名称",
    "parent": "上级",
    "region": "区划",
    "id_number": "身份证号",
    "phone": "电话",
    "username": "用户名",
    "password": "密码",
    "role": "角色",
    "account": "科目编码",
    "debit": "借方金额",
    "credit": "贷方金额",
    "date": "日期",
    "summary": "摘要",
    "settlement": "结算方式",
    "source": "收入来源",
    "counterparty": "往来单位",
    "counterparty_kind": "往来单位类别",
    "voucher_no": "凭证号",
    "attachments": "附件数",
    "reason": "原因",
    "file": "文件",
    "credit_code": "统一社会信用代码",
    "chart": "会计制度",
    "village": "村",
    "rating": "研判等次",
    "criteria": "研判内容",
    "situations": "典型情形",
    "year": "年度",
    "score": "得分",
    "weight": "权重",
    "leader": "专班负责领导",
    "members": "专班成员",
    "title": "名称",
    "deadline": "时限",
    "county": "县（区、市）",
    "township": "乡镇",
    "month": "月份",
    "month_from": "起始月份",
    "month_to": "截止月份",
    "quarter": "季度",
    "half": "半年",
    "held_on": "研判日期",
    "screened_on": "排查日期",
    "applied_on": "落实日期",
    "explanation": "情况说明",
    "findings": "主要问题",
    "problems": "主要问题",
    "description": "说明",
    "note": "备注",
    "text": "内容",
    "result": "结果",
    "checked_by": "验收人",
    "passed": "验收结论",
    "causes": "原因分析",
    "plan": "计划",
    "status": "状态",
    "key": "代码",
    "level": "层级",
    "kind": "类型",
    "indicator_key": "依据指标",
    "indicators": "考核指标",
    "situation": "典型情形",
    "rule": "规则",
    "round": "研判",
    "rectification": "整顿台账",
    "county_leader": "联系县级领导",
    "township_lead": "乡镇责任人",
    "first_secretary": "第一书记",
    "party_funds": "党建经费",
    "party_funds_fen": "党建经费",
    "project_funds_min": "项目扶持资金下限",
    "project_funds_max": "项目扶持资金上限",
    "project_funds_fen": "项目扶持资金",
    "bottom_n": "后N位",
    "years": "连续年数",
    "deadline_days": "落实期限",
    "tasks": "任务",
    "owner_orgs": "责任单位",
    "owner_users": "责任人",
    "position": "身份/职务",
    "person_user": "谈话对象",
    "report": "报表",
    "balance": "余额",
    "negative_cash": "库存现金为负时的处理",
    "amount": "金额",
    "answer": "答复",
    "contact": "联系方式",
    "set": "设置",
    "format": "格式",
    "action": "操作",
}


def field_label(field: str | None) -> str:
    """A field's Chinese name for people: its label, the field itself when it is already Chinese
    (a column or indicator name), else nothing — never an English key."""
    if not field:
        return ""
    return FIELD_LABELS.get(field) or ("" if field.isascii() else field)


@dataclass(frozen=True)
class Problem:
    message: str
    row: int | None = None  # 1-based line in the source file (the header is line 1)
    field: str | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"文件「{self.file}」")
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.field:
            label = FIELD_LABELS.get(self.field, "")
            if self.row is not None:  # a file's column: people typed its header, key or name
                where.append(f"「{self.field}」列" if not label else f"「{label}（{self.field}）」列")
            else:
                label = field_label(self.field)
                if label:
                    where.append(f"「{label}」")
        return ("".join(where) + "：" if where else "") + self.message


class Invalid(Exception):
    """Raised by a service when input breaks a rule. Nothing has been written."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, (Problem, str)):
            problems = [problems]
        self.problems = [p if isinstance(p, Problem) else Problem(p) for p in problems]
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


class Refused(PermissionDenied):
    """The acting user may not do this (already written to the audit trail by
    `permissions.require`). Django answers it with the 403 page; the API with 403 JSON."""


class NotFound(Exception):
    """No such object, or not in the acting user's scope (the refusal is audited when it exists).
    `core.middleware.NotFoundMiddleware` answers it with the 404 page; the API with 404 JSON."""

    def __init__(self, message: str = "未找到，或不在您的管辖范围内"):
        super().__init__(message)
