#!/usr/bin/env bash
# Throughput of the real API on Kestrel (Production, Release build, fresh SQLite file), measured with wrk.
# Usage: bench/run.sh [seconds-per-scenario]   (installs wrk from Debian's packages when missing)
# Loopback only; each scenario stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
port=5391
base=http://127.0.0.1:$port

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

dotnet publish Todo.Api -c Release -o "$work/app" --nologo -v q
ASPNETCORE_ENVIRONMENT=Production \
Jwt__SigningKey="$(head -c 48 /dev/urandom | base64)" \
ConnectionStrings__Todo="Data Source=$work/bench.db" \
Logging__LogLevel__Default=Warning \
  dotnet "$work/app/Todo.Api.dll" --urls "$base" &
server=$!
for _ in $(seq 1 50); do curl -sf "$base/health" >/dev/null && break; sleep 0.2; done

json='Content-Type: application/json'
curl -sf -X POST "$base/auth/signup" -H "$json" -d '{"email":"bench@example.com","password":"benchmark-password"}' >/dev/null
token=$(curl -sf -X POST "$base/auth/login" -H "$json" -d '{"email":"bench@example.com","password":"benchmark-password"}' \
  | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')
for i in $(seq 1 100); do
  curl -sf -X POST "$base/todos" -H "$json" -H "Authorization: Bearer $token" -d "{\"title\":\"seed $i\"}" >/dev/null
done

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
