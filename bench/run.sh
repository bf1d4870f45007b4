#!/usr/bin/env bash
# Throughput of the real API on Kestrel (Production, Release build, fresh SQLite file), measured with wrk.
# Usage: bench/run.sh [seconds-per-scenario]   (installs wrk from Debian's packages when missing)
# Loopback only; each scenario stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
port=5391
api_settings=()
source bench/api.sh
seed_todos 100

cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"title":"written by wrk"}'
LUA

# Warm-up: let tiered JIT settle before anything is measured.
wrk -t2 -c32 -d5s -H "Authorization: Bearer $token" "$base/todos?pageSize=20" >/dev/null
wrk -t2 -c32 -d3s -s "$work/post.lua" "$base/todos" >/dev/null

echo "== GET /todos?pageSize=20 (read path: auth + owner-scoped page + count)"
wrk -t2 -c32 -d"${duration}s" -H "Authorization: Bearer $token" "$base/todos?pageSize=20"
echo "== GET /todos/1"
wrk -t2 -c32 -d"${duration}s" -H "Authorization: Bearer $token" "$base/todos/1"
echo "== POST /todos (write path: SQLite WAL, one writer at a time)"
wrk -t2 -c32 -d"${duration}s" -s "$work/post.lua" "$base/todos"
echo "== GET /health"
wrk -t2 -c32 -d"${duration}s" "$base/health"
