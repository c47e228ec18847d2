-- wrk script for bench/http_bench.py: counts answers by status in every thread and prints one JSON
-- line at the end (requests, errors, latency percentiles in microseconds). Headers (the session
-- cookie, If-None-Match) come from wrk's -H options.

local threads = {}

-- WRK_DELAY_MS: each connection waits this long before its next request, so that the load is
-- offered at a set rate (connections × 1000 / delay requests/s) instead of as fast as the server
-- answers; wrk times a request from its sending, so the wait is not in the latency.
local pace = tonumber(os.getenv("WRK_DELAY_MS") or "")
if pace and pace > 0 then
  function delay()
    return pace
  end
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local sums, codes = {}, {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do
      sums[code] = (sums[code] or 0) + n
    end
  end
  for code, n in pairs(sums) do
    codes[#codes + 1] = string.format('"%d": %d', code, n)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    table.concat(codes, ", ")))
end
