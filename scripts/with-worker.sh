#!/usr/bin/env bash
# Runs a web server — the command given, e.g. .venv/bin/gunicorn -c python:sanwu.gunicorn_conf —
# with Sanwu's background task worker beside it (`sanwu worker`: runs the long exports and
# PDFs queued in the database, core.downloads), as `make run` and `make dev` do. One command:
# Ctrl-C (or SIGTERM) stops both, and when either ends the other is stopped too.
# In production each runs as its own systemd unit instead (docs/operations.md).
set -u
set -m  # each of the two in its own process group, so that stopping one stops its children too
sanwu="$(dirname "$1")/sanwu"

"$sanwu" worker --queue-name default &
worker=$!
"$@" &
server=$!

stop() { kill -TERM -- "-$server" "-$worker" 2>/dev/null; }
trap stop INT TERM
wait -n "$server" "$worker"
rc=$?
stop
wait
exit "$rc"
