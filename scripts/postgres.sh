#!/usr/bin/env bash
# Make sure a local PostgreSQL 15 cluster ("15/main", Debian postgresql-common)
# is running on 127.0.0.1:5432 with role sanwu/sanwu (LOGIN CREATEDB) and a
# database "sanwu" owned by it. Idempotent; safe to run repeatedly.
set -euo pipefail

PG_VERSION=15
PG_CLUSTER=main
PG_HOST=127.0.0.1
PG_PORT=5432
DB_ROLE=sanwu
DB_PASSWORD=sanwu
DB_NAME=sanwu
WAIT_SECONDS=30

die() { echo "postgres.sh: $*" >&2; exit 1; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ ! -x "/usr/lib/postgresql/${PG_VERSION}/bin/postgres" ]; then
    die "PostgreSQL ${PG_VERSION} is not installed. Run 'make system-deps' (or: sudo apt-get install postgresql-${PG_VERSION})."
fi

# Run a command as the postgres OS user, from a directory it can read.
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    elif [ "$(id -un)" = postgres ]; then
        (cd / && "$@")
    elif command -v sudo >/dev/null 2>&1; then
        (cd / && sudo -u postgres -- "$@")
    else
        die "need root (or sudo) to administer PostgreSQL; re-run as root."
    fi
}

# pg_ctlcluster/pg_createcluster must run as root or as the cluster owner.
as_admin() {
    if [ "$(id -u)" -eq 0 ] || [ "$(id -un)" = postgres ]; then
        (cd / && "$@")
    elif command -v sudo >/dev/null 2>&1; then
        (cd / && sudo -- "$@")
    else
        die "need root (or sudo) to start PostgreSQL; re-run as root."
    fi
}

# --- cluster exists? -------------------------------------------------------
# pg_lsclusters -h: "ver cluster port status owner datadir logfile"
cluster_line() { pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c'; }

if [ -z "$(cluster_line)" ]; then
    echo "postgres: creating cluster ${PG_VERSION}/${PG_CLUSTER} on port ${PG_PORT}"
    as_admin pg_createcluster --port="$PG_PORT" "$PG_VERSION" "$PG_CLUSTER"
fi

line=$(cluster_line)
[ -n "$line" ] || die "cluster ${PG_VERSION}/${PG_CLUSTER} not found after pg_createcluster"
port=$(awk '{print $3}' <<<"$line")
status=$(awk '{print $4}' <<<"$line")

if [ "$port" != "$PG_PORT" ]; then
    die "cluster ${PG_VERSION}/${PG_CLUSTER} is configured for port ${port}, not ${PG_PORT}.
  Another cluster probably owns ${PG_PORT} (see pg_lsclusters). Fix with e.g.:
    pg_conftool ${PG_VERSION} ${PG_CLUSTER} set port ${PG_PORT} && pg_ctlcluster ${PG_VERSION} ${PG_CLUSTER} restart"
fi

# --- running? --------------------------------------------------------------
case "$status" in
    online*) ;;
    *)
        echo "postgres: starting cluster ${PG_VERSION}/${PG_CLUSTER} (was: ${status})"
        log=$(awk '{print $7}' <<<"$line")
        if ! as_admin pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start; then
            [ -n "$log" ] && [ -r "$log" ] && tail -n 20 "$log" >&2
            die "could not start cluster ${PG_VERSION}/${PG_CLUSTER}"
        fi
        ;;
esac

# --- wait until it accepts TCP connections ---------------------------------
ready=
for _ in $(seq 1 "$WAIT_SECONDS"); do
    if pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
        ready=1
        break
    fi
    sleep 1
done
[ -n "$ready" ] || die "PostgreSQL did not become ready on ${PG_HOST}:${PG_PORT} within ${WAIT_SECONDS}s (pg_lsclusters: $(cluster_line))"

# --- role and database -----------------------------------------------------
psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres "$@"; }

role_exists=$(psql_admin -tA -c "SELECT 1 FROM pg_roles WHERE rolname = '${DB_ROLE}'")
if [ "$role_exists" != 1 ]; then
    echo "postgres: creating role ${DB_ROLE}"
    psql_admin -c "CREATE ROLE ${DB_ROLE} WITH LOGIN CREATEDB PASSWORD '${DB_PASSWORD}'"
else
    # make sure attributes/password are what the test settings expect
    psql_admin -c "ALTER ROLE ${DB_ROLE} WITH LOGIN CREATEDB PASSWORD '${DB_PASSWORD}'"
fi

db_owner=$(psql_admin -tA -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${DB_NAME}'")
if [ -z "$db_owner" ]; then
    echo "postgres: creating database ${DB_NAME} owned by ${DB_ROLE}"
    psql_admin -c "CREATE DATABASE ${DB_NAME} OWNER ${DB_ROLE} ENCODING 'UTF8' TEMPLATE template0"
elif [ "$db_owner" != "$DB_ROLE" ]; then
    echo "postgres: changing owner of database ${DB_NAME} from ${db_owner} to ${DB_ROLE}"
    psql_admin -c "ALTER DATABASE ${DB_NAME} OWNER TO ${DB_ROLE}"
fi

echo "postgres: ready at postgres://${DB_ROLE}:${DB_PASSWORD}@${PG_HOST}:${PG_PORT}/${DB_NAME}"
