-- POST a 5-line till sale paid by card on the store's terminal (the local fake PSP).
-- Env: TILL_PATH, TILL_TOKEN, TILL_SKUS (comma-separated), TILL_TOTAL (the basket's total).
-- Each request is a new ticket, as each customer at the counter is. Counts by status.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  local lines = {}
  for sku in string.gmatch(os.getenv("TILL_SKUS"), "[^,]+") do
    table.insert(lines, string.format('{"sku":"%s","quantity":1}', sku))
  end
  body_lines = table.concat(lines, ",")
  math.randomseed(os.time() + thread_id * 7919)
  run = math.random(0, 0xFFFFF)
end

request = function()
  counter = counter + 1
  local ticket = string.format("B%X-%05X-%07X", thread_id, run, counter)
  local body = '{"ticket":"' .. ticket .. '","lines":[' .. body_lines .. '],' ..
    '"card":"' .. os.getenv("TILL_TOTAL") .. '","cash_given":"0","card_token":"tok_terminal"}'
  return wrk.format("POST", os.getenv("TILL_PATH"), {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("TILL_TOKEN"),
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
