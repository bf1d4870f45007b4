#!/usr/bin/env bash
# Cold start of the Todo API: median of N fresh processes, on Kestrel (beside the throughput ceiling) and on Lambda.
#
#   bench/cold-start.sh [RESULTS_DIR] [--only kestrel|lambda] [--runs N] [--warm N] [--warm-up S] [--bcrypt-ms MS]
#   (experiments: python3 bench/cold_start.py kestrel|lambda ... --set NAME=VALUE adds server settings)
#
# Kestrel: the Release publish (as bench/api.sh runs it, Production), on a fresh copy of one prepared database
# with one signed-up user: spawn -> first 2xx GET /health, then POST /auth/login + GET /todos in the same process
# (spawn -> list response). The ceiling (/work/shared/ceiling, or $CEILING_DIR) the same way, but it keeps no
# data, so its list is signup + login + list in the process. The login target's unit, one BCrypt verification, is
# measured on the machine (bench/Todo.Benchmarks --verification-ms, pinned alike) unless --bcrypt-ms gives it.
# Lambda: the package of build/package-lambda.sh, started as the managed runtime does (`dotnet Todo.Api.dll`,
# task root = the package folder) against a loopback Runtime API (bench/cold_start.py): spawn -> first /next,
# spawn -> response of GET /health, and (other processes) spawn -> response of an authenticated 20-todo list
# with a token minted beforehand; then, after --warm-up (10) seconds of unmeasured ones, --warm (250)
# back-to-back list invocations, p50/p99 as the Runtime API sees them; and the zip size.
#
# Every server is pinned to CPU 0 (taskset -c 0) with DOTNET_TC_DelaySingleProcMultiplier=1; the measuring
# helper pins itself to CPU 1. Output: a table on stdout and RESULTS_DIR/cold-start.json (RESULTS_DIR defaults
# to a new temp dir). Any non-2xx answer ends the run with an error. Needs dotnet, python3, taskset, curl.
set -euo pipefail

usage() { sed -n '2,5p' "$0" >&2; exit 2; }
results="" only="" runs=5 warm=250 warm_up=10 bcrypt_ms=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only=${2:?}; shift 2; [[ $only == kestrel || $only == lambda ]] || usage ;;
    --runs) runs=${2:?}; shift 2 ;;
    --warm) warm=${2:?}; shift 2 ;;
    --warm-up) warm_up=${2:?}; shift 2 ;;
    --bcrypt-ms) bcrypt_ms=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$results" ] || usage; results=$1; shift ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
helper="$root/bench/cold_start.py"
ceiling_dir=${CEILING_DIR:-/work/shared/ceiling}
for tool in dotnet python3 taskset curl; do
  command -v "$tool" >/dev/null || { echo "cold-start.sh: $tool is required" >&2; exit 1; }
done
[ -n "$results" ] || results=$(mktemp -d -t cold-start-results.XXXXXX)
mkdir -p "$results"
results=$(cd "$results" && pwd)
rm -f "$results"/kestrel-api.json "$results"/kestrel-ceiling.json "$results"/lambda.json "$results"/zip-bytes

work=$(mktemp -d -t cold-start.XXXXXX)
export BENCH_PID_FILE="$work/pids" # the helper lists every server it spawns, for the trap below
touch "$BENCH_PID_FILE"
helper_pid=""
cleanup() {
  # The helper stops its servers itself on SIGTERM; the pid file covers a helper that died first.
  [ -n "$helper_pid" ] && kill "$helper_pid" 2>/dev/null && wait "$helper_pid" 2>/dev/null
  while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done < "$BENCH_PID_FILE"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs the helper in the background so that the trap can stop it (bash defers traps while a foreground child runs).
helper() {
  python3 "$helper" "$@" &
  helper_pid=$!
  wait "$helper_pid"
  helper_pid=""
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# One random signing key for the whole run: the minted Lambda token must verify in every process.
export BENCH_SIGNING_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
unset AWS_LAMBDA_RUNTIME_API ASPNETCORE_URLS ConnectionStrings__Todo

if [ "$only" != lambda ]; then
  echo "== Kestrel: publishing Todo.Api (Release) and the ceiling" >&2
  dotnet publish "$root/Todo.Api" -c Release -o "$work/api" --nologo -v q >&2

  # One database with the user, prepared by the app itself on Kestrel; each measured run gets a copy.
  helper prepare --app "$work/api/Todo.Api" --db "$work/prepared.db" --log "$work/prepare-api.log" >/dev/null

  # serve.sh publishes the ceiling once into its cache, then only hashes the sources and execs the binary: start
  # it once here (which publishes if needed), and time the binary itself, not the script's hashing.
  [ -x "$ceiling_dir/serve.sh" ] || { echo "cold-start.sh: no ceiling at $ceiling_dir (set CEILING_DIR)" >&2; exit 1; }
  ceiling_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$ceiling_dir/serve.sh" "$ceiling_port" >"$work/ceiling-publish.log" 2>&1 &
  ceiling_pid=$!
  echo "$ceiling_pid" >> "$BENCH_PID_FILE"
  for _ in $(seq 1 600); do  # the first run publishes (up to a minute or two on a busy machine)
    curl -sf "http://127.0.0.1:$ceiling_port/health" >/dev/null && break
    kill -0 "$ceiling_pid" 2>/dev/null || { cat "$work/ceiling-publish.log" >&2; exit 1; }
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$ceiling_port/health" >/dev/null || { echo "cold-start.sh: the ceiling did not start" >&2; exit 1; }
  kill "$ceiling_pid"; wait "$ceiling_pid" 2>/dev/null || true
  ceiling_bin=${CEILING_PUBLISH_DIR:-${TMPDIR:-/tmp}/todo-ceiling-publish}/jit/Ceiling  # where serve.sh publishes
  [ -x "$ceiling_bin" ] || { echo "cold-start.sh: no ceiling binary at $ceiling_bin" >&2; exit 1; }

  # Two batches of N back-to-back processes, API then ceiling: the ratios compare figures a minute apart.
  echo "== Kestrel: $runs cold starts of the API" >&2
  mkdir -p "$work/kestrel-api"
  helper kestrel --kind api --app "$work/api/Todo.Api" --db "$work/prepared.db" --runs "$runs" \
    --workdir "$work/kestrel-api" > "$results/kestrel-api.json"
  echo "== Kestrel: $runs cold starts of the ceiling" >&2
  mkdir -p "$work/kestrel-ceiling"
  helper kestrel --kind ceiling --app "$ceiling_bin" --runs "$runs" \
    --workdir "$work/kestrel-ceiling" > "$results/kestrel-ceiling.json"
  cp "$work/kestrel-api/api-run-0.log" "$results/kestrel-api-first-run.log"

  # The login target's unit, one BCrypt verification, measured here (pinned like the servers) unless given.
  if [ -z "$bcrypt_ms" ]; then
    echo "== Kestrel: what one password verification costs on this machine" >&2
    dotnet build "$root/bench/Todo.Benchmarks" -c Release --nologo -v q >&2
    bcrypt_ms=$(DOTNET_TC_DelaySingleProcMultiplier=1 taskset -c 0 \
      dotnet "$root/bench/Todo.Benchmarks/bin/Release/net10.0/Todo.Benchmarks.dll" --verification-ms)
  fi
  echo "$bcrypt_ms" > "$results/verification-ms"
fi
bcrypt_ms=${bcrypt_ms:-125} # only the Kestrel rows use it

if [ "$only" != kestrel ]; then
  echo "== Lambda: building the package" >&2
  "$root/build/package-lambda.sh" "$work/lambda" >&2
  wc -c < "$work/lambda/todo-api-lambda.zip" | tr -d ' ' > "$results/zip-bytes"

  # The task root is a copy of the package folder whose todo.db already holds a user, a live session (the
  # access token's sid names it) and 20 todos: prepared by the package's own app on Kestrel, with the same key.
  cp -a "$work/lambda/publish" "$work/taskroot"
  token_json=$(helper prepare --app "$work/lambda/publish/Todo.Api" --db "$work/taskroot/todo.db" --login --seed 20 \
    --log "$work/prepare-lambda.log")
  python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$token_json" > "$work/token"

  echo "== Lambda: $runs cold starts (GET /health), $runs (authenticated list), $warm warm invocations after ${warm_up} s" >&2
  mkdir -p "$work/lambda-runs"
  helper lambda --task-root "$work/taskroot" --token-file "$work/token" \
    --event-template "$root/Todo.Tests/Lambda/Events/v1-list-todos.json" --runs "$runs" --warm "$warm" --warm-up "$warm_up" \
    --workdir "$work/lambda-runs" > "$results/lambda.json"
  cp "$work/lambda-runs/lambda-health-0.log" "$results/lambda-health-first-run.log"
  cp "$work/lambda-runs/lambda-list-0.log" "$results/lambda-list-first-run.log"
fi

helper report --results-dir "$results" --runs "$runs" --bcrypt-ms "$bcrypt_ms"
echo "Results (and the first run's server log of each kind) in $results"
