"""A database that cannot be reached, or does not exist, in one plain Chinese line naming the host
and database (never the password): for the `sanwu` command (`cli.main`) and for the web, where
`server_error` (the site's handler500) answers 503 with that line instead of a bare 500.

Only errors raised while a connection is being opened count: a missing table or a broken query
stays an ordinary error with its traceback."""

import sys
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.utils import OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

CONNECTION_ERRORS = (OperationalError, psycopg.OperationalError)

# What the PostgreSQL client says → what to tell the operator.
_PG_REASONS = [
    ("does not exist", "数据库不存在"),
    ("connection refused", "连接被拒绝：数据库服务没有运行，或端口不对"),
    ("password authentication failed", "用户名或密码不对"),
    ("no password supplied", "缺少密码"),
    ("no pg_hba.conf entry", "服务器不允许这个地址或用户连接"),
    ("could not translate host name", "找不到这个主机"),
    ("name or service not known", "找不到这个主机"),
    ("timeout", "连接超时"),
    ("timed out", "连接超时"),
    ("too many", "服务器的连接数已满"),
]


def describe(exc: BaseException, alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """The line for `exc` when it was raised while connecting to the database, else None."""
    if not isinstance(exc, CONNECTION_ERRORS) or not _while_connecting(exc):
        return None
    db = settings.DATABASES[alias]
    text = " ".join(str(e) for e in _chain(exc)).lower()
    if db["ENGINE"].endswith("sqlite3"):
        path = Path(str(db["NAME"]))
        reason = f"所在目录 {path.parent} 不存在" if not path.parent.is_dir() else "无法打开，请检查文件和目录的权限"
        return f"数据库无法打开：SQLite 文件 {path}（{reason}）。请检查 DATABASE_URL 或 SANWU_VAR_DIR。"
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or ""
    reason = next((r for needle, r in _PG_REASONS if needle in text), "连接失败")
    if 'role "' in text and "does not exist" in text:
        reason = "数据库用户不存在"
    return f"数据库无法连接：主机 {host}{':' + str(port) if port else ''} 数据库 {db.get('NAME') or ''}（{reason}）。请检查 DATABASE_URL 和数据库服务。"


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _while_connecting(exc: BaseException) -> bool:
    """Whether the error came out of a backend's `get_new_connection` (opening a connection)."""
    for e in _chain(exc):
        tb = e.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_name == "get_new_connection":
                return True
            tb = tb.tb_next
    return False


def server_error(request):
    """handler500: the database line with 503 (JSON for the API), else the styled 500 page."""
    exc = sys.exc_info()[1]
    line = describe(exc) if exc is not None else None
    if line is None:
        return _server_error_page(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": [line]}, status=503, content_type="application/json; charset=utf-8", json_dumps_params={"ensure_ascii": False})
    # Rendered without the request: no context processor may touch the database that is down.
    return HttpResponse(render_to_string("503.html", {"line": line}), status=503)


def _server_error_page(request):
    """The styled 500 page in Chinese with the request's id (what the administrator looks up in
    the log and the audit trail) and a way back: home, and the page the user came from when it is
    one of ours. Rendered without the request context: a context processor may be what failed."""
    referer = request.headers.get("Referer", "")
    back = referer if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}) and referer != request.build_absolute_uri() else ""
    body = render_to_string("500.html", {"request_id": getattr(request, "request_id", ""), "back": back})
    return HttpResponseServerError(body)


class OneLineLog:
    """A logging filter: a request that failed because the database is down is logged as the same
    one line, without the traceback (which says nothing more and repeats on every request)."""

    def filter(self, record) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        line = describe(exc) if exc is not None else None
        if line is not None:
            record.msg, record.args, record.exc_info, record.exc_text = "%s %s", (record.getMessage(), line), None, None
        return True
