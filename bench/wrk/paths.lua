-- GET each of several paths in turn (WRK_PATHS, separated by "|"): a mix of queries, each
-- thread starting at its own place in the list. Reports as get.lua does.
local threads = {}
local counter = 0
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  statuses = {}
  paths = {}
  for path in string.gmatch(os.getenv("WRK_PATHS"), "[^|]+") do table.insert(paths, path) end
  index = offset or 0
end
request = function()
  index = index + 1
  return wrk.format("GET", paths[(index % #paths) + 1])
end
response = function(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
done = function(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do totals[status] = (totals[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(totals) do table.insert(parts, string.format('"%d":%d', status, n)) end
  io.write(string.format('BENCH {"requests":%d,"seconds":%.3f,"p50_ms":%.3f,"p95_ms":%.3f,"p99_ms":%.3f,"statuses":{%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, table.concat(parts, ",")))
end
