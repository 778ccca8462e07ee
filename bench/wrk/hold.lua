-- POST a one-unit hold of one hot SKU with a unique reference per request.
-- Env: HOLD_PATH, HOLD_SKU, HOLD_LOCATION, HOLD_TOKEN. Counts answers by status.
-- thread_id is a global that setup() gives each thread, so references never collide.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  math.randomseed(os.time() + thread_id * 7919)
end

request = function()
  counter = counter + 1
  local body = string.format(
    '{"channel":"web","reference":"bench-%d-%d-%d","ttl_minutes":600,' ..
    '"lines":[{"sku":"%s","location":"%s","quantity":1}]}',
    thread_id, counter, math.random(1, 1000000000), os.getenv("HOLD_SKU"), os.getenv("HOLD_LOCATION"))
  return wrk.format("POST", os.getenv("HOLD_PATH"), {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("HOLD_TOKEN"),
  }, body)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for status, n in pairs(s) do totals[status] = (totals[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(totals) do table.insert(parts, string.format('"%d":%d', status, n)) end
  io.write(string.format('BENCH {"requests":%d,"seconds":%.3f,"p50_ms":%.3f,"p95_ms":%.3f,"p99_ms":%.3f,"statuses":{%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, table.concat(parts, ",")))
end
