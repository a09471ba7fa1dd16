#!/usr/bin/env bash
# seed --generate speed: 10,000 rows per table for the repository's migrations/ set, generated
# (no database) and loaded into a throwaway PostgreSQL that this script starts and removes.
# Measured and printed, never asserted.
#
# Usage: bench/seed_generate.sh [BUILD_DIR] [ROWS] [RUNS]   (defaults: build, 10000, 3)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$here/build}")
rows=${2:-10000}
runs=${3:-3}
pgsafe=$build/cli/pgsafe
bench=$build/bench/pgsafe_seed_bench
[ -x "$pgsafe" ] && [ -x "$bench" ] || { echo "build first: cmake --build $build --target pgsafe pgsafe-apply pgsafe_seed_bench" >&2; exit 2; }

dir=$(mktemp -d /tmp/pgsafe-seed-bench-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sh "$here/tests/applier/pg_test_server.sh" start "$dir" "$port" $$ </dev/null
trap 'sh "$here/tests/applier/pg_test_server.sh" stop "$dir" </dev/null' EXIT
psql_super() { psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres "$@"; }
psql_super -d postgres -c "CREATE ROLE bench LOGIN SUPERUSER PASSWORD 'bench'" -c "CREATE DATABASE bench OWNER bench"
url="postgresql://bench:bench@127.0.0.1:$port/bench"

# The project: migrations/ after a first file that makes pgsafe's history, so that Supabase's
# auth schema (made outside the migrations, as Supabase does) is not taken for an unknown one.
proj=$dir/project
mkdir -p "$proj/migrations"
# The lint gate is not what is measured: the rules that refuse a file are switched off.
apply_ungated() {
  printf 'exposed_schemas = []\n' >"$proj/.pgsafe.toml"
  local log
  if log=$(cd "$proj" && "$pgsafe" apply --db "$url" --dir migrations 2>&1); then return 0; fi
  { printf '[rules]\n'; grep -oE ':[0-9]+:[0-9]+: [a-z0-9-]+: ' <<<"$log" | awk '{print $2}' | tr -d ':' | sort -u |
    sed 's/.*/& = "off"/'; } >>"$proj/.pgsafe.toml"
  (cd "$proj" && "$pgsafe" apply --db "$url" --dir migrations >/dev/null 2>&1)
}
echo 'SELECT 1;' >"$proj/migrations/20240101000000_history_first.sql"
apply_ungated
psql_super -d bench <<SQL
CREATE SCHEMA auth;
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS \$\$ SELECT NULL::uuid \$\$;
DO \$\$ BEGIN CREATE ROLE authenticated NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;
CREATE TABLE auth.users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email text);
INSERT INTO auth.users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, $rows * $runs) AS g;
SQL
cp "$here"/migrations/*.sql "$proj/migrations/"
apply_ungated || { echo "applying migrations/ failed" >&2; exit 1; }
"$bench" "$proj/migrations" "$url" "$rows" "$runs"
