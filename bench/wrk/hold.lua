-- POST a one-unit hold of one hot SKU with a unique reference per request.
-- Env: HOLD_PATH, HOLD_SKU, HOLD_LOCATION, HOLD_TOKEN. Counts answers by status.
-- thread_id is a global that report.lua's setup() gives each thread, so references never collide.
dofile("bench/wrk/report.lua")
local counter = 0
function prepare(args) math.randomseed(os.time() + thread_id * 7919) end
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
