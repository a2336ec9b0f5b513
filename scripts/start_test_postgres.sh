#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the store tests and print the URL:
#   eval "$(scripts/start_test_postgres.sh)"   # exports VANBAN_TEST_PG_URL and VANBAN_TEST_PG_DIR
#   pytest tests/test_store*.py tests/test_import*.py
#   scripts/start_test_postgres.sh --stop "$VANBAN_TEST_PG_DIR"
# The cluster lives in a temp dir, listens on 127.0.0.1 on a free port, trusts
# local connections, and runs as the `postgres` user when started as root.
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [[ -z "$PGBIN" || ! -x "$PGBIN/initdb" ]]; then
    echo "start_test_postgres: no PostgreSQL server found (set PGBIN=/path/to/bin)" >&2
    exit 1
fi

as_owner() {  # run a server binary as the cluster owner (initdb refuses root)
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [[ ${1:-} == --stop ]]; then
    dir=${2:?usage: start_test_postgres.sh --stop DIR}
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    exit 0
fi

dir=$(mktemp -d /tmp/vanban-pg.XXXXXX)
chmod 755 "$dir"
[[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres vanban_test

echo "export VANBAN_TEST_PG_URL=postgresql://postgres@127.0.0.1:$port/vanban_test"
echo "export VANBAN_TEST_PG_DIR=$dir"
