#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for pi-server: its own data directory, its own socket
# directory, no TCP listener, so it never meets the other clusters on the machine.
#
#   pg-cluster.sh start [--throwaway [--durable]] DIR
#                                           create (if needed) and start; prints the conninfo
#   pg-cluster.sh stop DIR                  stop; a --throwaway cluster's DIR is also removed
#   pg-cluster.sh crash DIR                 stop with `pg_ctl -m immediate` (as a crash would:
#                                           no checkpoint, recovery from the WAL at next start);
#                                           DIR and the conninfo stay
#   pg-cluster.sh url DIR                   print the conninfo of a started cluster
#
# The default is durable (fsync and synchronous_commit on), for the run command. --throwaway
# relaxes durability for tests, unless --durable keeps it (crash tests: the directory is still
# removed at stop). A start after `crash` (the conninfo file is still there) listens on the same
# port again, so clients' conninfo stays valid; the socket directory is private, so the port is
# free. initdb refuses root, so as root the cluster runs as `postgres`.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
usage() { echo "usage: $0 start [--throwaway [--durable]] DIR | stop DIR | crash DIR | url DIR" >&2; exit 2; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cmd=${1:-}; shift || true
throwaway=0
durable=0
if [[ ${1:-} == --throwaway ]]; then throwaway=1; shift; fi
if [[ ${1:-} == --durable ]]; then durable=1; shift; fi
dir=${1:-}; [[ -n $cmd && -n $dir ]] || usage
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

case $cmd in
  start)
    if [[ -f $dir/url ]] && as_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      cat "$dir/url"; exit 0
    fi
    mkdir -p "$dir/socket"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir" "$dir/socket"
    chmod 700 "$dir/socket"
    if [[ ! -f $dir/data/PG_VERSION ]]; then
      as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
      {
        echo "listen_addresses = ''"
        echo "unix_socket_directories = '$dir/socket'"
        echo "max_connections = 200"
        echo "shared_buffers = 256MB"
        if ((throwaway && !durable)); then
          echo "fsync = off"; echo "synchronous_commit = off"; echo "full_page_writes = off"
        else
          echo "fsync = on"; echo "synchronous_commit = on"
        fi
      } | as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
      ((throwaway)) && touch "$dir/throwaway"
    fi
    port=$(sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$dir/url" 2>/dev/null || true)
    [[ -n $port ]] || port=$(free_port)
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
      -o "-p $port" start >/dev/null || { tail -20 "$dir/data/server.log" >&2; exit 1; }
    if ! as_owner "$PG_BIN/psql" -h "$dir/socket" -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'pi'" | grep -q 1; then
      as_owner "$PG_BIN/createdb" -h "$dir/socket" -p "$port" -U postgres pi
    fi
    echo "host=$dir/socket port=$port dbname=pi user=postgres" >"$dir/url"
    cat "$dir/url"
    ;;
  stop)
    if [[ -f $dir/data/PG_VERSION ]]; then
      as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -f "$dir/url"
    if [[ -f $dir/throwaway ]]; then rm -rf "$dir"; fi
    ;;
  crash)
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    ;;
  url)
    cat "$dir/url"
    ;;
  *) usage ;;
esac
