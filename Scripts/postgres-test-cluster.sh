#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `start DIR` installs Debian's postgresql when missing, creates a
# cluster in DIR (initdb, trust authentication, loopback only, a free port), creates the database
# `breakwater_test` and prints its URL (also written to DIR/url); `stop DIR` stops the cluster and removes DIR.
# Usage: Scripts/postgres-test-cluster.sh start|stop DIR
set -euo pipefail
command="${1:-}"
dir="${2:-}"
if [ -z "$command" ] || [ -z "$dir" ]; then
    echo "usage: $0 start|stop DIR" >&2
    exit 2
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# Runs a PostgreSQL program as the cluster's owner: the `postgres` user under root (initdb refuses root),
# the current user otherwise.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$command" in
start)
    if [ -z "$(pg_bin)" ]; then
        echo "==> installing postgresql" >&2
        $SUDO apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
    fi
    bin="$(pg_bin)"
    [ -n "$bin" ] || { echo "error: no PostgreSQL binaries under /usr/lib/postgresql" >&2; exit 1; }
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    data="$dir/data"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; chmod 700 "$dir"; fi
    as_owner "$bin/initdb" -D "$data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    # A free loopback port: one nothing answers on.
    port=""
    for _ in $(seq 1 50); do
        candidate=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
    done
    [ -n "$port" ] || { echo "error: no free loopback port found" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$data" -w -t 60 -l "$dir/server.log" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2 \
        || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE DATABASE breakwater_test" >&2
    url="postgres://postgres@127.0.0.1:$port/breakwater_test"
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        bin="$(pg_bin)"
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
