#!/usr/bin/env bash
# Does a page cost the same however many todos its owner has? GET /todos?page=1&pageSize=20 of users holding
# 1,000, 10,000 and 100,000 todos, all in one database, on the real API (Kestrel, Production, Release publish,
# pinned to CPU 0 with DOTNET_TC_DelaySingleProcMultiplier=1), one wrk connection on CPU 1 after a warm-up.
#
#   bench/scale.sh [RESULTS_DIR] [--seconds N]
#
# Users sign up and log in through the API. Their todos are inserted straight into the SQLite file (python3's
# sqlite3, one transaction per user): 111,000 creates through HTTP would take minutes and measure nothing this
# script is about. The database's own triggers keep the counts, as they do for the API's writes.
# Target: page 1 at 100,000 todos within 1.5x of its latency at 1,000. Writes RESULTS_DIR/scale.json.
set -euo pipefail
cd "$(dirname "$0")/.."
results=""; seconds=10
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) results=$1; shift ;;
  esac
done
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
work=$(mktemp -d)
results=${results:-$(mktemp -d "${TMPDIR:-/tmp}/todo-scale.XXXXXX")}
mkdir -p "$results"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
port=5395
base=http://127.0.0.1:$port
db=$work/scale.db

dotnet publish Todo.Api -c Release -o "$work/api" --nologo -v q >&2
taskset -c 0 env ASPNETCORE_ENVIRONMENT=Production DOTNET_TC_DelaySingleProcMultiplier=1 \
  Jwt__SigningKey="$(head -c 48 /dev/urandom | base64)" ConnectionStrings__Todo="Data Source=$db" \
  "$work/api/Todo.Api" --urls "$base" >"$work/api.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done

json='Content-Type: application/json'
sizes=(1000 10000 100000)
out=$results/scale.json
echo '{"points":[' >"$out"
first=1
# Users and their todos first.
for size in "${sizes[@]}"; do
  body="{\"email\":\"scale-$size@example.com\",\"password\":\"scale-password-$size\"}"
  id=$(curl -sf -X POST "$base/auth/signup" -H "$json" -d "$body" | sed 's/.*"id":\([0-9]*\).*/\1/')
  token=$(curl -sf -X POST "$base/auth/login" -H "$json" -d "$body" | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')
  python3 - "$db" "$id" "$size" <<'PY'
import random, sqlite3, sys
from datetime import datetime, timezone
db, owner, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
with sqlite3.connect(db, timeout=30) as connection:
    connection.executemany(
        'INSERT INTO "Todos" ("OwnerId", "Title", "Completed", "CreatedAt", "UpdatedAt", "Version") VALUES (?, ?, ?, ?, ?, ?)',
        ((owner, f"todo {i}", i % 3 == 0, now, now, random.getrandbits(62)) for i in range(count)))
PY
  echo "users = { { token = \"$token\", ids = { 1 } } }" >"$work/data-$size.lua"
  total=$(curl -sf "$base/todos?page=1&pageSize=20" -H "Authorization: Bearer $token" | sed 's/.*"totalCount":\([0-9]*\).*/\1/')
  [ "$total" = "$size" ] || { echo "totalCount is $total, expected $size" >&2; exit 1; }
done

# One warm-up for all (the code path is the same), so that no size is measured before the JIT has settled.
wrk_list() { BENCH_WORKLOAD=list BENCH_DATA=$work/data-$1.lua taskset -c 1 wrk -t1 -c1 -d"$2" -s bench/workloads.lua "$base"; }
for size in "${sizes[@]}"; do wrk_list "$size" 4s >/dev/null; done
for size in "${sizes[@]}"; do
  line=$(wrk_list "$size" "${seconds}s" | sed -n 's/^BENCH //p')
  echo "$size todos: $line" >&2
  [ $first = 1 ] || echo "," >>"$out"
  first=0
  echo "{\"todos\":$size,\"result\":$line}" >>"$out"
done
echo ']}' >>"$out"

python3 - "$out" <<'PY'
import json, sys
path = sys.argv[1]
data = json.load(open(path))
points = [{"todos": p["todos"], "p50_ms": p["result"]["p50_ms"], "p99_ms": p["result"]["p99_ms"],
           "rps": p["result"]["rps"], "non2xx": p["result"]["non2xx"]} for p in data["points"]]
json.dump({"points": points}, open(path, "w"), indent=2)
base = points[0]
for p in points:
    print(f"{p['todos']:>7} todos: p50 {p['p50_ms']:.3f} ms, p99 {p['p99_ms']:.3f} ms, {p['rps']:.0f} req/s "
          f"({p['p50_ms'] / base['p50_ms']:.2f}x the p50 at {base['todos']})")
last = points[-1]
ratio = last["p50_ms"] / base["p50_ms"]
print(f"page 1 at {last['todos']} vs {base['todos']}: {ratio:.2f}x (target <= 1.5x) -> {'meets' if ratio <= 1.5 else 'MISSES'}")
print(f"results: {path}")
if any(p["non2xx"] for p in points):
    print("INVALID RUN: some responses were not 2xx"); sys.exit(1)
PY
