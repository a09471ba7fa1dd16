#!/bin/sh
# A throwaway PostgreSQL for the applier tests.
#   pg_test_server.sh start DIR PORT WATCH_PID   initdb into DIR/data, start on 127.0.0.1:PORT and a
#                                                socket in DIR; stop and remove DIR when WATCH_PID exits
#   pg_test_server.sh stop DIR                   stop at once and remove DIR
# Run as root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
# PG_BIN overrides the server binaries (default: the newest /usr/lib/postgresql/*/bin).
set -eu
cmd=$1
dir=$2
BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$BIN" ] && command -v pg_ctl >/dev/null 2>&1; then BIN=$(dirname "$(command -v pg_ctl)"); fi
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "pg_test_server.sh: no PostgreSQL server binaries (apt-get install postgresql)" >&2
  exit 1
fi
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
case "$cmd" in
  start)
    port=$3
    watch=$4
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    chmod 700 "$dir"
    as_pg "$BIN/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
password_encryption = 'scram-sha-256'
max_connections = 80
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
log_connections = off
CONF
    as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null 2>&1 \
      || { cat "$dir/server.log" >&2; exit 1; }
    # Whatever happens to the test binary (crash, kill), the server goes with it.
    setsid sh -c "while kill -0 $watch 2>/dev/null; do sleep 1; done; \"$0\" stop \"$dir\"" \
      </dev/null >/dev/null 2>&1 &
    ;;
  stop)
    stop
    ;;
  *)
    echo "usage: pg_test_server.sh start DIR PORT WATCH_PID | stop DIR" >&2
    exit 2
    ;;
esac
