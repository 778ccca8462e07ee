-- GET one path (WRK_PATH) and report latency percentiles and answers by status.
dofile("bench/wrk/report.lua")
request = function() return wrk.format("GET", os.getenv("WRK_PATH")) end
