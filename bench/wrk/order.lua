-- POST a 3-line home-delivery order, paid by card through the fake PSP, at a random location.
-- Env: ORDER_PATH, ORDER_TOKEN, ORDER_LOCATIONS and ORDER_SKUS (comma-separated).
-- Each request carries its own Idempotency-Key, as a real checkout does. Counts by status.
dofile("bench/wrk/report.lua")
local counter = 0

local function split(text)
  local items = {}
  for item in string.gmatch(text, "[^,]+") do table.insert(items, item) end
  return items
end

function prepare(args)
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
