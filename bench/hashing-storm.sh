#!/usr/bin/env bash
# Does a password-hashing storm starve the other routes? The real API on Kestrel (Production, Release build, fresh
# SQLite file): authenticated GET /todos and GET /health latencies, measured with wrk, first on their own and then
# during a storm of 50 parallel failing logins (unknown emails, 128-character passwords).
# Target on the 2-core machine: during the storm, GET /todos p99 <= 50 ms and /health p99 <= 20 ms.
# Usage: bench/hashing-storm.sh [storm-seconds]   (installs wrk from Debian's packages when missing)
# Loopback only; every load stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
port=5392
# The client-address budget is lifted so that every failing login of the storm really costs a hash (from one
# address the default would answer 429, which costs nothing, after 500 failures).
api_settings=(LoginThrottle__MaxFailuresPerClient=100000)
source bench/api.sh
seed_todos 20

# Every request a new unknown email, so no email budget ends the storm early.
password=$(printf 'x%.0s' $(seq 1 128))
cat > "$work/storm.lua" <<LUA
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"email":"nobody-' .. counter .. '-' .. math.random(1e9) .. '@example.com","password":"$password"}'
  return wrk.format("POST", "/auth/login", { ["Content-Type"] = "application/json" }, body)
end
-- Status counts, to show that the storm met 401s (hashed) and 503s (refused), never a 500.
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function() hashed, refused, other = 0, 0, 0 end
response = function(status)
  if status == 401 then hashed = hashed + 1 elseif status == 503 then refused = refused + 1 else other = other + 1 end
end
done = function()
  local h, r, o = 0, 0, 0
  for _, thread in ipairs(threads) do
    h, r, o = h + thread:get("hashed"), r + thread:get("refused"), o + thread:get("other")
  end
  io.write(string.format("storm answers: %d x 401 (hashed), %d x 503 (refused), %d other\n", h, r, o))
end
LUA

measure() { # label seconds
  wrk -t1 -c4 -d"$2s" --latency -H "Authorization: Bearer $token" "$base/todos?pageSize=20" > "$work/todos.txt" &
  local todos=$!
  wrk -t1 -c2 -d"$2s" --latency "$base/health" > "$work/health.txt"
  wait "$todos"
  for route in todos health; do
    printf '%-28s %-8s p50 %-9s p99 %-9s %s req/s\n' "$1" "$route" \
      "$(awk '$1=="50%"{print $2}' "$work/$route.txt")" "$(awk '$1=="99%"{print $2}' "$work/$route.txt")" \
      "$(awk '/Requests\/sec/{print $2}' "$work/$route.txt")"
  done
}

# Warm-up: let tiered JIT settle before anything is measured (BCrypt included).
wrk -t1 -c4 -d10s -H "Authorization: Bearer $token" "$base/todos?pageSize=20" >/dev/null &
warm=$!
wrk -t1 -c4 -d10s -s "$work/storm.lua" "$base" >/dev/null
wait "$warm"

# Ordinary bursts fit the defaults: 20 parallel right-password logins and 10 parallel signups, every one 2xx.
burst() { # count body
  seq 1 "$1" | xargs -P "$1" -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST "$base/auth/$2" -H "$json" \
    -d "$(printf "$3" "{}")" | sort | uniq -c | tr '\n' ' '
}
echo "== bursts with the default settings"
echo "20 parallel right-password logins: $(burst 20 login '{"email":"bench@example.com","password":"benchmark-password"}')"
echo "10 parallel signups: $(burst 10 signup '{"email":"burst-%s-'"$RANDOM"'@example.com","password":"benchmark-password"}')"

echo "== quiet: no logins"
measure quiet 10
echo "== during a ${duration}s storm of 50 parallel failing logins"
wrk -t1 -c50 -d"$((duration + 2))s" --timeout 30s -s "$work/storm.lua" "$base" > "$work/storm.txt" &
storm=$!
sleep 1
measure storm "$duration"
wait "$storm"
echo "storm logins: $(awk '/Requests\/sec/{print $2}' "$work/storm.txt") req/s"
grep 'storm answers' "$work/storm.txt"
