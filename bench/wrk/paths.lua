-- GET each of several paths in turn (WRK_PATHS, separated by "|"): a mix of queries, each
-- thread starting at its own place in the list. Reports as get.lua does.
dofile("bench/wrk/report.lua")
function prepare(args)
  paths = {}
  for path in string.gmatch(os.getenv("WRK_PATHS"), "[^|]+") do table.insert(paths, path) end
  index = thread_id - 1
end
request = function()
  index = index + 1
  return wrk.format("GET", paths[(index % #paths) + 1])
end
