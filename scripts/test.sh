#!/usr/bin/env bash
# The tap suite (npm test runs it after the type check and lint). Every store and flow test runs
# on SQLite and on PostgreSQL: with DATABASE_URL unset, a throwaway PostgreSQL cluster is started
# when the server is installed (Debian's `postgresql`, as .ci/run installs it). Without PostgreSQL
# that half is skipped, saying so, and 100% coverage cannot be reached, so it is not enforced.
set -euo pipefail
cd "$(dirname "$0")/.."

tap_args=()
if [ -z "${DATABASE_URL:-}" ]; then
  if ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    eval "$(scripts/test-postgres.sh start)"
    trap 'scripts/test-postgres.sh stop "$AUTH_HOOKS_PG_DIR"' EXIT
    export DATABASE_URL
  else
    echo "npm test: PostgreSQL is not installed: its store tests are skipped and 100% coverage is not enforced (apt-get install -y postgresql)" >&2
    tap_args+=(--allow-incomplete-coverage)
  fi
fi
tap "${tap_args[@]}"
