-- ping.lua: wrk script for the watchdog benchmark. POSTs a short body to
-- /ping/<name>, the names going round BENCH_CHECKS checks called
-- job-000000, job-000001, ... (each wrk thread starting elsewhere), so that
-- every ping looks its check up among all of them.

local checks = tonumber(os.getenv("BENCH_CHECKS") or "1000")
local counter = 0

function setup(thread)
   thread:set("start", counter * 7919)
   counter = counter + 1
end

local seq = 0

function init(args)
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "text/plain"
   seq = start
end

function request()
   seq = seq + 1
   local path = string.format("/ping/job-%06d", seq % checks)
   return wrk.format(nil, path, nil, "backup done: 12 GB")
end

-- One machine-readable line, as post.lua prints.
function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format("BENCH rps=%.1f p50_us=%d p99_us=%d requests=%d errors=%d non2xx=%d\n",
      summary.requests / secs, latency:percentile(50), latency:percentile(99),
      summary.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
