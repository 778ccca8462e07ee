-- POST a 5-line till sale paid by card on the store's terminal (the local fake PSP).
-- Env: TILL_PATH, TILL_TOKEN, TILL_SKUS (comma-separated), TILL_TOTAL (the basket's total).
-- Each request is a new ticket, as each customer at the counter is. Counts by status.
dofile("bench/wrk/report.lua")
local counter = 0

function prepare(args)
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
