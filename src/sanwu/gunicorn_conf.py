"""gunicorn's settings for Sanwu: `gunicorn -c python:sanwu.gunicorn_conf`, which `make run` and the
systemd unit of docs/operations.md start. Each can be changed from the environment.

Two cores: four worker processes (Python runs one thread at a time per process, so it takes more
than one process to use both cores, and the others keep them busy while one waits on the
database) of two threads each (a request waiting on SQLite, PostgreSQL or a slow client does not
hold a core; more threads per process make the slowest requests wait on each other's Python:
three processes of four threads had a p99 two to five times longer). Measured in docs/performance.md ("HTTP under load").
"""

import os
from pathlib import Path

wsgi_app = "sanwu.wsgi:application"
bind = [os.environ.get("SANWU_BIND", "127.0.0.1:8000")]
worker_class = "gthread"
workers = int(os.environ.get("SANWU_WORKERS", "4"))
threads = int(os.environ.get("SANWU_THREADS", "2"))
# A worker silent this long is restarted: long enough for the notice-board PDF of a large book.
timeout = 120
graceful_timeout = 30
keepalive = 5
# A worker is replaced after about 20,000 requests, so slow growth of its memory never adds up.
# A worker is recycled after this many requests (a guard against slow leaks); a recycled worker
# loads Django again (about a second) while its connections wait, so not too often: at 1,000
# requests/s, 200,000 is about once every ten minutes per worker.
max_requests = int(os.environ.get("SANWU_MAX_REQUESTS", "200000"))
max_requests_jitter = max_requests // 10
proc_name = "sanwu"
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# gunicorn's control socket lives in the home directory by default, one for every gunicorn of the
# user: two Sanwu servers on one machine would take each other's.
control_socket_disable = True

# The served process answers with the collected, compressed files with hashed names (settings.py).
os.environ.setdefault("SANWU_STATIC_COLLECTED", "1")
# Each thread keeps its database connection for a minute instead of opening one per request (a
# PostgreSQL connection costs milliseconds): at most workers × threads connections.
os.environ.setdefault("SANWU_CONN_MAX_AGE", "60")


def on_starting(server):
    """Refuse to start when `sanwu collectstatic` has not run: every page would fail."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanwu.settings")
    from django.conf import settings

    if settings.STATIC_COLLECTED and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        raise SystemExit(f"静态文件尚未收集：请先运行 sanwu collectstatic --noinput（收集到 {settings.STATIC_ROOT}）")
