-- post.lua: wrk script for the intake benchmark. POSTs a real Alertmanager 0.25
-- payload (BENCH_PAYLOAD) to BENCH_PATH (default /webhook) as application/json,
-- with a groupKey unique to each request so the relay's de-duplication never
-- answers without storing. BENCH_TAG (e.g. the run number) keeps runs apart.

local payload_file = os.getenv("BENCH_PAYLOAD")
local bench_path = os.getenv("BENCH_PATH") or "/webhook"
local tag = os.getenv("BENCH_TAG") or "0"

local counter = 1

-- Runs in the main state once per wrk thread: give each its own id, so the
-- per-thread counters below never produce the same groupKey twice.
function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
end

local head, tail
local seq = 0

function init(args)
   local f = assert(io.open(payload_file, "rb"), "BENCH_PAYLOAD must name a payload file")
   local body = f:read("*a")
   f:close()
   -- Split right after the opening quote of the groupKey value; each request
   -- puts its own prefix there.
   local marker = '"groupKey": "'
   local s, e = body:find(marker, 1, true)
   if s == nil then
      marker = '"groupKey":"'
      s, e = body:find(marker, 1, true)
   end
   assert(s, "payload has no groupKey")
   head = body:sub(1, e)
   tail = body:sub(e + 1)
   wrk.method = "POST"
   wrk.path = bench_path
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   seq = seq + 1
   local body = head .. "bench-" .. tag .. "-" .. tid .. "-" .. seq .. "/" .. tail
   return wrk.format(nil, nil, nil, body)
end

-- One machine-readable line for intake_bench.sh: requests/s, p50 and p99 in
-- microseconds, completed requests, errors (connect, read, write, timeout,
-- non-2xx/3xx status).
function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format("BENCH rps=%.1f p50_us=%d p99_us=%d requests=%d errors=%d non2xx=%d\n",
      summary.requests / secs, latency:percentile(50), latency:percentile(99),
      summary.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
