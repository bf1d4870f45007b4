-- wrk workloads of bench/load.sh. BENCH_DATA names a Lua file (written by load.sh) that sets
--   users = { { token = "...", ids = { 1, 2, ... } }, ... }
-- and BENCH_WORKLOAD picks list, get, create or mixed (40/40/15/5 list/get/create/patch).
-- Every request is formatted once in init: request() only picks the next one, so wrk's own cost stays the same for
-- every server it drives.
local workload = os.getenv("BENCH_WORKLOAD") or "list"
dofile(os.getenv("BENCH_DATA"))

local json = { ["Content-Type"] = "application/json" }
local function auth(user, extra)
  local headers = { ["Authorization"] = "Bearer " .. user.token }
  for k, v in pairs(extra or {}) do headers[k] = v end
  return headers
end

local function lists()
  local out = {}
  for _, user in ipairs(users) do
    table.insert(out, wrk.format("GET", "/todos?page=1&pageSize=20", auth(user)))
  end
  return out
end

local function gets()
  local out = {}
  for i = 1, #users[1].ids do
    for _, user in ipairs(users) do
      table.insert(out, wrk.format("GET", "/todos/" .. user.ids[i], auth(user)))
    end
  end
  return out
end

local function creates()
  local out = {}
  for _, user in ipairs(users) do
    table.insert(out, wrk.format("POST", "/todos", auth(user, json), '{"title":"written by wrk"}'))
  end
  return out
end

local function patches()
  local out = {}
  for i = 1, #users[1].ids do
    for _, user in ipairs(users) do
      local body = (i % 2 == 0) and '{"completed":true}' or '{"completed":false}'
      table.insert(out, wrk.format("PATCH", "/todos/" .. user.ids[i], auth(user, json), body))
    end
  end
  return out
end

-- One cycle of twenty requests: 8 lists, 8 gets, 3 creates, 1 patch, interleaved.
local mix = { "l", "g", "l", "g", "c", "l", "g", "l", "g", "p", "l", "g", "c", "l", "g", "l", "g", "c", "l", "g" }

local pools, counters, slot = {}, {}, 0
init = function()
  if workload == "list" then pools.l = lists()
  elseif workload == "get" then pools.g = gets()
  elseif workload == "create" then pools.c = creates()
  elseif workload == "mixed" then pools.l, pools.g, pools.c, pools.p = lists(), gets(), creates(), patches()
  else error("unknown BENCH_WORKLOAD " .. workload) end
  for k in pairs(pools) do counters[k] = 0 end
end

request = function()
  local kind
  if workload == "mixed" then
    slot = slot % #mix + 1
    kind = mix[slot]
  else
    kind = workload:sub(1, 1)
  end
  local pool = pools[kind]
  counters[kind] = counters[kind] % #pool + 1
  return pool[counters[kind]]
end

-- One JSON line for load.sh. wrk counts every status >= 400 in errors.status; the workloads expect only 2xx.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"non2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
