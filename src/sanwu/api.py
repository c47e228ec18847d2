"""The HTTP API under /api/v1/: token auth (Authorization: Bearer TOKEN), OpenAPI, local docs."""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer

from sanwu.core import context
from sanwu.core.api_errors import STATUS_MESSAGES, Detail, Problems, message_for
from sanwu.core.errors import Invalid, NotFound, Refused
from sanwu.regions.services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            context.set_user(user)
            actor = getattr(request, "actor", None)
            if actor is not None:
                actor.channel = "api"
        return user


class ChineseJSONRenderer(JSONRenderer):
    """Real Chinese in JSON, never \\uXXXX."""

    def render(self, request, data, *, response_status):
        return json.dumps(data, cls=self.encoder_class, ensure_ascii=False)


# What each status means, in the published document (ninja writes "Not Found" and the like).
STATUS_DESCRIPTIONS = {
    200: "成功", 201: "已创建", 204: "成功（无内容）", 400: "请求无效", 401: "未登录或令牌无效", 403: "无权操作",
    404: "未找到，或不在您的管辖范围内", 413: "请求体过大", 422: "输入有误（逐项说明）",
}


class SanwuAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The document as ninja builds it, plus the answers every operation can give before its
        handler runs (the handlers below): 401 where a token is required, 422 where there is
        input to validate, 400 and 413 where a body is read; every status described in Chinese."""
        schema = super().get_openapi_schema(*args, **kwargs)
        ref = {name: {"$ref": f"#/components/schemas/{name}"} for name in ("Detail", "Problems")}
        for item in schema["paths"].values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                if operation.get("security"):
                    responses.setdefault(401, {"content": {"application/json": {"schema": ref["Detail"]}}})
                if operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault(422, {"content": {"application/json": {"schema": ref["Problems"]}}})
                if operation.get("requestBody"):
                    responses.setdefault(400, {"content": {"application/json": {"schema": ref["Detail"]}}})
                    responses.setdefault(413, {"content": {"application/json": {"schema": ref["Detail"]}}})
                for status, answer in responses.items():
                    answer["description"] = STATUS_DESCRIPTIONS.get(int(status), answer.get("description", ""))
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (Detail, Problems):
            components.setdefault(model.__name__, model.model_json_schema(ref_template="#/components/schemas/{model}"))
        return schema


api = SanwuAPI(
    title="三务 Sanwu API",
    version="1.0.0",
    description="村级三务（账务、集体经济、党务）接口。所有数据均经管辖范围过滤。",
    auth=TokenAuth(),
    renderer=ChineseJSONRenderer(),
    urls_namespace="api-1.0.0",
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "未找到，或不在您的管辖范围内"}, status=404)


@api.exception_handler(NotFound)
def service_not_found(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=404)


@api.exception_handler(Invalid)
def invalid(request, exc):
    """A service refused the input: 422 with every problem in Chinese."""
    return api.create_response(request, {"detail": exc.messages}, status=422)


@api.exception_handler(Refused)
def refused(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": STATUS_MESSAGES[401]}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc):
    """ninja's own refusals; its only 400 is a body it cannot parse."""
    detail = "请求体无法解析：应为 UTF-8 编码的 JSON" if exc.status_code == 400 else message_for(request, exc.status_code)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
    return api.create_response(request, {"detail": f"{STATUS_MESSAGES[413]}（不能超过 {limit:g} MB）"}, status=413)


@api.exception_handler(SuspiciousOperation)
def unreadable(request, exc):
    return api.create_response(request, {"detail": STATUS_MESSAGES[400]}, status=400)


_PYDANTIC_MESSAGES = {
    "missing": "缺少必填字段",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "string_type": "应为文字",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表",
    "literal_error": "取值不在允许范围内",
    "string_too_long": "文字过长",
    "json_invalid": "请求体不是有效的 JSON",
    "greater_than_equal": "应不小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "应不大于 {le}",
    "less_than": "应小于 {lt}",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "datetime_type": "时间格式应为 ISO 8601（如 2025-03-01T08:00:00+08:00）",
    "datetime_parsing": "时间格式应为 ISO 8601（如 2025-03-01T08:00:00+08:00）",
    "datetime_from_date_parsing": "时间格式应为 ISO 8601（如 2025-03-01T08:00:00+08:00）",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "string_too_short": "文字过短",
    "too_long": "条目过多",
    "too_short": "条目过少",
    "string_pattern_mismatch": "格式不正确",
    "enum": "取值不在允许范围内",
    "extra_forbidden": "不允许的字段",
    "value_error": "取值无效",
    "int_too_big": "数值过大",
}


@api.exception_handler(ValidationError)
def request_invalid(request, exc):
    """Malformed requests: 422 naming each field in Chinese."""
    details = []
    for err in exc.errors:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path"))
        template = _PYDANTIC_MESSAGES.get(err.get("type"))
        message = template.format(**err.get("ctx") or {}) if template else err.get("msg") or "取值无效"
        details.append(f"字段「{where}」：{message}" if where else message)
    return api.create_response(request, {"detail": details}, status=422)


def openapi_json(request):
    """The OpenAPI document with real Chinese (ninja's own view escapes it)."""
    return JsonResponse(api.get_openapi_schema(), encoder=NinjaJSONEncoder, json_dumps_params={"ensure_ascii": False})


from sanwu.assessment.api import router as assessment_router  # noqa: E402
from sanwu.assets.api import router as assets_router  # noqa: E402
from sanwu.contracts.api import router as contracts_router  # noqa: E402
from sanwu.budgets.api import router as budgets_router  # noqa: E402
from sanwu.decisions.api import router as decisions_router  # noqa: E402
from sanwu.disclosure.api import router as disclosure_router  # noqa: E402
from sanwu.economy.api import router as economy_router  # noqa: E402
from sanwu.ledger.api import router as ledger_router  # noqa: E402
from sanwu.oversight.api import router as oversight_router  # noqa: E402
from sanwu.partywork.api import router as partywork_router  # noqa: E402
from sanwu.payments.api import router as payments_router  # noqa: E402
from sanwu.coop.api import router as coop_router  # noqa: E402
from sanwu.regions.api import router as regions_router  # noqa: E402
from sanwu.workbench.api import router as workbench_router  # noqa: E402

api.add_router("/", regions_router)
api.add_router("/", ledger_router)
api.add_router("/", decisions_router)
api.add_router("/", budgets_router)
api.add_router("/", assets_router)
api.add_router("/", contracts_router)
api.add_router("/", oversight_router)
api.add_router("/", payments_router)
api.add_router("/", coop_router)
api.add_router("/", disclosure_router)
api.add_router("/", economy_router)
api.add_router("/", partywork_router)
api.add_router("/", assessment_router)
api.add_router("/", workbench_router)
