"""A database that cannot be reached, or does not exist, is one plain Chinese line naming host and
database (never the password): from the real `sanwu` console script (exit status 1, no traceback)
and from the web application (503, an HTML page; JSON for the API)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from sanwu.core import dberrors

SANWU = Path(sys.executable).with_name("sanwu")  # the console script installed in this venv
REFUSED = "postgres://sanwu:secret@127.0.0.1:1/nosuchdb"  # nothing listens on port 1


def _server_url(db: str) -> str:
    """The PostgreSQL server the suite runs on (127.0.0.1:5432), with a database `db` it lacks."""
    url = os.environ.get("DATABASE_URL", "")
    base = url.rsplit("/", 1)[0] if url.startswith("postgres") else "postgres://sanwu:sanwu@127.0.0.1:5432"
    return f"{base}/{db}"


def run(args, database_url: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "SANWU_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "sanwu.settings"}
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)


def one_line(proc) -> str:
    assert proc.returncode == 1 and proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_a_server_that_cannot_be_reached_is_one_line_on_the_cli(tmp_path):
    line = one_line(run([str(SANWU), "regions", "list"], REFUSED, tmp_path))
    assert line == "数据库无法连接：主机 127.0.0.1:1 数据库 nosuchdb（连接被拒绝：数据库服务没有运行，或端口不对）。请检查 DATABASE_URL 和数据库服务。"
    assert "secret" not in line


def test_a_database_the_server_does_not_have_is_one_line_on_the_cli(tmp_path):
    line = one_line(run([str(SANWU), "migrate", "--check"], _server_url("sanwu_no_such_database"), tmp_path))
    assert line.startswith("数据库无法连接：主机 127.0.0.1:5432 数据库 sanwu_no_such_database（数据库不存在）")
    password = _server_url("x").split("//", 1)[1].split("@", 1)[0].split(":", 1)[1]
    assert password not in line.replace("sanwu_no_such_database", "")


def test_an_sqlite_file_in_a_missing_directory_is_named(tmp_path):
    missing = tmp_path / "no-such-dir" / "sanwu.sqlite3"
    line = one_line(run([str(SANWU), "regions", "list"], f"sqlite:///{missing}", tmp_path))
    assert line == f"数据库无法打开：SQLite 文件 {missing}（所在目录 {missing.parent} 不存在）。请检查 DATABASE_URL 或 SANWU_VAR_DIR。"


WSGI_CALLS = """
import io, json, sys
from wsgiref.util import setup_testing_defaults
from sanwu.wsgi import application

answers = {}
for path, headers in json.loads(sys.argv[1]):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "127.0.0.1", **headers}
    setup_testing_defaults(environ)
    started = {}
    body = b"".join(application(environ, lambda status, hdrs, exc_info=None: started.update(status=status, headers=dict(hdrs))))
    answers[path] = [started["status"], started["headers"]["Content-Type"], body.decode()]
print(json.dumps(answers))
"""


def test_the_web_answers_503_with_the_line_when_the_database_is_down(tmp_path):
    """The WSGI application that a production server runs, called in its own process."""
    requests = [["/v/340828100200/", {}], ["/accounts/login/", {}], ["/api/v1/regions", {"HTTP_AUTHORIZATION": "Bearer sw_x"}]]
    proc = run([sys.executable, "-c", WSGI_CALLS, json.dumps(requests)], REFUSED, tmp_path)
    assert proc.returncode == 0, proc.stderr
    answers = json.loads(proc.stdout)
    line = "数据库无法连接：主机 127.0.0.1:1 数据库 nosuchdb（连接被拒绝：数据库服务没有运行，或端口不对）。请检查 DATABASE_URL 和数据库服务。"
    for path in ("/v/340828100200/", "/accounts/login/"):
        status, content_type, body = answers[path]
        assert (status, content_type) == ("503 Service Unavailable", "text/html; charset=utf-8")
        assert f"<p>{line}</p>" in body and "secret" not in body
    status, content_type, body = answers["/api/v1/regions"]
    assert (status, content_type, json.loads(body)) == ("503 Service Unavailable", "application/json; charset=utf-8", {"detail": [line]})
    # the server's log holds the same line, not a traceback per request
    assert "Traceback" not in proc.stderr and f"Service Unavailable: /v/340828100200/ {line}" in proc.stderr


def test_other_database_errors_are_not_disguised_as_a_database_that_is_down(db):
    with pytest.raises(Exception) as err, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM sanwu_no_such_table")
    assert dberrors.describe(err.value) is None
