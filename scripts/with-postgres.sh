#!/usr/bin/env bash
# Runs a command beside a temporary PostgreSQL cluster (Debian's package) on a loopback port, with
# CASEFILE_TEST_PG_URL pointing at it; the cluster and its folder are removed afterwards.
# As root the cluster runs as the `postgres` user (initdb refuses root).
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres: PostgreSQL is not installed (scripts/system-deps.sh installs it)" >&2
  exit 1
fi
DIR=$(mktemp -d /tmp/casefile-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$DIR/data" -A trust -U casefile -E UTF8 --no-locale >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" start >/dev/null
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
export CASEFILE_TEST_PG_URL="postgresql://casefile@127.0.0.1:$PORT/postgres"
set +e
"$@"
rc=$?
set -e
exit "$rc"
