#!/usr/bin/env bash
# A throwaway PostgreSQL cluster from the installed binaries, for development and tests.
#
#   build/postgres.sh start [DIR]   initialises DIR (default /tmp/todo-postgres), starts the server on 127.0.0.1 on a
#                                   free port, creates the database "todo" and prints its connection string
#   build/postgres.sh stop [DIR]    stops that server and deletes DIR
#
# PostgreSQL refuses to run as root, so as root the server runs as the "postgres" user. Trust authentication on
# 127.0.0.1 and a socket inside DIR only: this cluster is for one machine's tests, never for data you keep.
set -euo pipefail

command=${1:-}
dir=${2:-/tmp/todo-postgres}

find_bin() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -z "$bin" && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "PostgreSQL is not installed; installing Debian's postgresql package" >&2
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    fi
    [[ -n "$bin" ]] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
    echo "$bin"
}

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    # A port nothing answers on; bash's /dev/tcp, so that no other tool is needed.
    local port
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "no free port found" >&2
    exit 1
}

case "$command" in
start)
    bin=$(find_bin)
    [[ ! -e "$dir" ]] || { echo "$dir exists: stop that cluster first (build/postgres.sh stop $dir)" >&2; exit 1; }
    mkdir -p "$dir"
    [[ $(id -u) -ne 0 ]] || chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(free_port)
    # fsync stays on: the kill -9 tests are about durability. The tests open many databases at once.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=300" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres todo
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=todo"
    ;;
stop)
    if [[ -d "$dir/data" ]]; then
        bin=$(find_bin)
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop [DIR]" >&2
    exit 2
    ;;
esac
