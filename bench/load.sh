#!/usr/bin/env bash
# Throughput, p99 and memory of the real API against the throughput ceiling (../shared/ceiling), in one invocation.
#
#   bench/load.sh [RESULTS_DIR] [--only api|ceiling] [--seconds N] [--warmup N] [--users N] [--todos N]
#
# Each server in turn: started on a fresh state (the API: Production, Release publish, a new SQLite file, its own
# settings; nothing tuned for the run), pinned to CPU 0 with DOTNET_TC_DelaySingleProcMultiplier=1 (see the
# ceiling's README: pinned .NET otherwise tiers up ten times later); users signed up, logged in and their todos
# created through the API; then for each workload (list, get, create, mixed 40/40/15/5) a warm-up and a measured
# run of wrk on CPU 1 with 16 connections. Any status >= 400 or socket error marks the run invalid (exit 1).
# Prints a table of ratios and writes RESULTS_DIR/load.json (for bench/charts.py). Needs wrk (installed from
# Debian's packages when missing), curl, python3, taskset.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

results=""; only=""; seconds=10; warmup=10; user_count=8; todos_per_user=50
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --users) user_count=$2; shift 2 ;;
    --todos) todos_per_user=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) results=$1; shift ;;
  esac
done
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
work=$(mktemp -d)
results=${results:-$(mktemp -d "${TMPDIR:-/tmp}/todo-load.XXXXXX")}
mkdir -p "$results"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
port=5393
base=http://127.0.0.1:$port
key=$(head -c 48 /dev/urandom | base64)

start_api() {
  [ -d "$work/api" ] || dotnet publish Todo.Api -c Release -o "$work/api" --nologo -v q >&2
  rm -f "$work"/load.db*
  taskset -c 0 env ASPNETCORE_ENVIRONMENT=Production DOTNET_TC_DelaySingleProcMultiplier=1 \
    Jwt__SigningKey="$key" ConnectionStrings__Todo="Data Source=$work/load.db" \
    LoginThrottle__MaxFailuresPerClient=100000 \
    "$work/api/Todo.Api" --urls "$base" >"$work/api.log" 2>&1 &
  server=$!
}

start_ceiling() {
  # serve.sh publishes once (cached under TMPDIR) and then execs the server: the pid stays the server's.
  taskset -c 0 env DOTNET_TC_DelaySingleProcMultiplier=1 JWT_SIGNING_KEY="$key" \
    "$root/../shared/ceiling/serve.sh" "$port" >"$work/ceiling.log" 2>&1 &
  server=$!
}

port_busy() { ss -ltn "sport = :$port" | grep -q LISTEN; }

wait_healthy() {
  # A server from an earlier run would answer for the new one.
  if ! kill -0 "$server" 2>/dev/null; then echo "the server exited at start-up" >&2; return 1; fi
  for _ in $(seq 1 1200); do curl -sf "$base/health" >/dev/null && return 0; sleep 0.1; done
  echo "the server did not answer /health" >&2; return 1
}

rss_mib() { awk -v field="$1" '$1 == field":" { printf "%.1f", $2 / 1024 }' "/proc/$server/status"; }

# Users and todos through the API; writes the Lua data file the workloads read.
prepare() {
  local data=$work/data.lua json='Content-Type: application/json'
  echo "users = {" >"$data"
  for u in $(seq 1 "$user_count"); do
    local body="{\"email\":\"load-$u@example.com\",\"password\":\"load-password-$u\"}"
    curl -sf -X POST "$base/auth/signup" -H "$json" -d "$body" >/dev/null
    local token
    token=$(curl -sf -X POST "$base/auth/login" -H "$json" -d "$body" | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')
    local ids=""
    for i in $(seq 1 "$todos_per_user"); do
      ids+=$(curl -sf -X POST "$base/todos" -H "$json" -H "Authorization: Bearer $token" -d "{\"title\":\"todo $i of user $u\"}" \
        | sed 's/.*"id":\([0-9]*\).*/\1/'),
    done
    echo "  { token = \"$token\", ids = { $ids } }," >>"$data"
  done
  echo "}" >>"$data"
}

run_wrk() { # workload duration
  BENCH_WORKLOAD=$1 BENCH_DATA=$work/data.lua taskset -c 1 \
    wrk -t1 -c16 -d"$2" --latency -s bench/workloads.lua "$base" | sed -n 's/^BENCH //p'
}

measure() { # name start-function
  local name=$1
  echo "== $name" >&2
  if port_busy; then echo "port $port is taken: stop what listens there first" >&2; return 1; fi
  "$2"
  wait_healthy
  prepare
  sleep 2
  local idle
  idle=$(rss_mib VmRSS)
  local out=$results/load-$name.jsonl
  : >"$out"
  for workload in list get create mixed; do
    run_wrk "$workload" "${warmup}s" >/dev/null
    local line
    line=$(run_wrk "$workload" "${seconds}s")
    echo "   $workload $line" >&2
    echo "{\"workload\":\"$workload\",\"result\":$line}" >>"$out"
  done
  echo "{\"memory\":{\"idle_mib\":$idle,\"peak_mib\":$(rss_mib VmHWM)}}" >>"$out"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  while port_busy; do sleep 0.1; done
}

[ "$only" = api ] || measure ceiling start_ceiling
[ "$only" = ceiling ] || measure api start_api

python3 - "$results" <<'PY'
import json, os, sys
results = sys.argv[1]
targets = {"list": 1 / 3, "get": 1 / 2, "create": 1 / 4, "mixed": 1 / 3}
def read(name):
    path = os.path.join(results, f"load-{name}.jsonl")
    if not os.path.exists(path):
        return None
    lines = [json.loads(line) for line in open(path)]
    return {"workloads": {l["workload"]: l["result"] for l in lines if "workload" in l},
            "memory": next(l["memory"] for l in lines if "memory" in l)}
api, ceiling = read("api"), read("ceiling")
out = {"workloads": [], "memory": {}}
valid = True
print(f"{'workload':8} {'api req/s':>10} {'p99 ms':>7} {'ceiling':>10} {'p99 ms':>7} {'ratio':>6} {'target':>7}  verdict")
for name, target in targets.items():
    row = {"name": name, "target_ratio": round(target, 3)}
    a = api and api["workloads"].get(name)
    c = ceiling and ceiling["workloads"].get(name)
    for side, r in (("api", a), ("ceiling", c)):
        if r:
            row[side] = {"rps": r["rps"], "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"], "non2xx": r["non2xx"] + r["socket_errors"]}
            valid &= row[side]["non2xx"] == 0
    ratio = a["rps"] / c["rps"] if a and c else None
    verdict = ""
    if a:
        ok = a["p99_ms"] <= 10 and (ratio is None or ratio >= target) and row["api"]["non2xx"] == 0
        verdict = "meets" if ok else "MISSES"
    fmt = lambda r, k, f: format(r[k], f) if r else "-"
    print(f"{name:8} {fmt(a, 'rps', '10.0f')} {fmt(a, 'p99_ms', '7.2f')} {fmt(c, 'rps', '10.0f')} {fmt(c, 'p99_ms', '7.2f')} "
          f"{(format(ratio, '6.2f') if ratio else '-'):>6} {target:7.2f}  {verdict}")
    out["workloads"].append(row)
for side, r in (("api", api), ("ceiling", ceiling)):
    if r:
        out["memory"][side] = r["memory"]
        print(f"RSS {side}: idle {r['memory']['idle_mib']} MiB, peak {r['memory']['peak_mib']} MiB"
              + (" (targets: idle <= 80, peak <= 100)" if side == "api" else ""))
json.dump(out, open(os.path.join(results, "load.json"), "w"), indent=2)
print(f"results: {results}/load.json")
if not valid:
    print("INVALID RUN: some responses were not 2xx (or sockets failed)")
    sys.exit(1)
PY
