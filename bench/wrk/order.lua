-- POST a 3-line home-delivery order, paid by card through the fake PSP, at a random location.
-- Env: ORDER_PATH, ORDER_TOKEN, ORDER_LOCATIONS and ORDER_SKUS (comma-separated).
-- Each request carries its own Idempotency-Key, as a real checkout does. Counts by status.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

local function split(text)
  local items = {}
  for item in string.gmatch(text, "[^,]+") do table.insert(items, item) end
  return items
end

function init(args)
  statuses = {}
  locations = split(os.getenv("ORDER_LOCATIONS"))
  skus = split(os.getenv("ORDER_SKUS"))
  math.randomseed(os.time() + thread_id * 7919)
end

request = function()
  counter = counter + 1
  local location = locations[math.random(1, #locations)]
  local lines = {}
  for _, sku in ipairs(skus) do
    table.insert(lines, string.format('{"sku":"%s","quantity":1,"location":"%s"}', sku, location))
  end
  local body = '{"channel":"web","fulfilment_mode":"home_delivery",' ..
    '"delivery_address":{"name":"Jean Martin","line1":"12 rue de la République",' ..
    '"postcode":"69002","city":"Lyon","country":"FR"},' ..
    '"payment":{"method":"card","card_token":"tok_visa"},' ..
    '"lines":[' .. table.concat(lines, ",") .. ']}'
  return wrk.format("POST", os.getenv("ORDER_PATH"), {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("ORDER_TOKEN"),
    ["Idempotency-Key"] = string.format("bench-%d-%d-%d", thread_id, counter, math.random(1, 1000000000)),
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
