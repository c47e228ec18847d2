"""`sanwu worker`: the background worker that makes long exports and PDFs (`core.downloads`).

It is django-tasks-db's `db_worker` under Sanwu's name, with the same options (`--batch` runs what
is queued and stops, `--queue-name`, `--no-reload`, …); `make run` and `make dev` start it beside
the web server (scripts/with-worker.sh), and docs/operations.md has its systemd unit.
"""

from django_tasks_db.management.commands import db_worker


class Command(db_worker.Command):
    help = "后台任务进程：生成较大的 Excel 导出和 PDF（django-tasks-db 的 db_worker，选项相同）"
