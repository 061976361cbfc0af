#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite (Debian's `postgresql` package).
#   eval "$(scripts/test-postgres.sh start)"   # prints `export DATABASE_URL=… AUTH_HOOKS_PG_DIR=…`
#   scripts/test-postgres.sh stop "$AUTH_HOOKS_PG_DIR"
# It listens on 127.0.0.1 on a free port with trust auth, in a temp dir: never for production.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "test-postgres: PostgreSQL is not installed (apt-get install -y postgresql)" >&2
  exit 1
fi
# initdb refuses to run as root; the Debian package creates the postgres user.
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); else as_pg=(); fi

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/auth-hooks-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    port=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log"
    "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres AUTH_HOOKS_PG_DIR=$dir"
    ;;
  stop)
    dir=${2:?usage: test-postgres.sh stop DIR}
    "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    rm -rf "$dir"
    ;;
  *)
    echo "usage: test-postgres.sh start | stop DIR" >&2
    exit 2
    ;;
esac
