"""What every API error looks like: the schemas each app's `api.py` publishes for its error answers
(`responses(...)`), and the middleware that makes any error under /api/ JSON with a Chinese
`detail` — an unknown path, a method the path does not take, a body too large, a server error —
where Django would answer with an HTML page.

    @router.get("/books/{code}", response=responses(BookOut))   # 200 BookOut, 403/404 Detail, 422 Problems
"""

import json

from django.http import HttpResponse
from ninja import Schema
from pydantic import Field

API_PREFIX = "/api/"


class Detail(Schema):
    detail: str = Field(description="说明（中文）")


class Problems(Schema):
    detail: list[str] = Field(description="问题列表（中文），每条写明字段或行列")


def responses(schema, status: int = 200) -> dict:
    """An operation's published answers: `schema` with `status`, and the error shapes."""
    return {status: schema, 403: Detail, 404: Detail, 422: Problems}


def file_responses(content_types, description: str = "文件") -> dict:
    """The `response` and `openapi_extra` of an operation that answers a file of one of
    `content_types` (200), or the error shapes:

        @router.get("/economy/report", **file_responses(CONTENT_TYPES.values()), summary=...)
    """
    binary = {"type": "string", "format": "binary"}
    media = {mime.split(";")[0].strip() for mime in content_types}
    content = {m: {"schema": {} if m.endswith("/json") else binary} for m in sorted(media)}
    return {
        "response": {403: Detail, 404: Detail, 422: Problems},
        "openapi_extra": {"responses": {200: {"description": description, "content": content}}},
    }


# Chinese for the answers Django itself gives (ninja's own handlers are in sanwu/api.py).
STATUS_MESSAGES = {
    400: "请求无效",
    401: "未登录或令牌无效：请在 Authorization 头中提供 Bearer 令牌",
    403: "无权访问",
    404: "接口不存在：{path}",
    405: "该接口不支持 {method} 请求",
    413: "请求体过大",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误，请稍后重试（请求编号 {request_id}）",
}


def json_error(status: int, detail: str, **headers) -> HttpResponse:
    """A JSON error answer with real Chinese (never \\uXXXX)."""
    body = json.dumps({"detail": detail}, ensure_ascii=False)
    response = HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    for name, value in headers.items():
        response[name] = value
    return response


def message_for(request, status: int) -> str:
    template = STATUS_MESSAGES.get(status) or STATUS_MESSAGES[500 if status >= 500 else 400]
    return template.format(path=request.path, method=request.method, request_id=getattr(request, "request_id", ""))


class ApiErrorsMiddleware:
    """Under /api/, an error answer that is not JSON (Django's 404, 405 and 500 pages, the 400 of
    a request it refuses to read) becomes {"detail": "…"} in Chinese, keeping its status and
    its Allow header. Stands inside RequestIdMiddleware, so the answer keeps its X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        extra = {"Allow": response["Allow"]} if response.has_header("Allow") else {}
        return json_error(response.status_code, message_for(request, response.status_code), **extra)
