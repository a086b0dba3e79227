-- Shared by the wrk scripts of bench/load.sh: counts answers by status class in each thread and, when wrk ends, writes
-- one JSON line to $LOAD_OUT (requests, duration, latency percentiles in microseconds, socket errors, statuses).
-- Each wrk thread runs its own copy of the script, so the counters below are per thread; done() adds them up.
local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  table.insert(threads, thread)
end

s2, s3, s4, s5 = 0, 0, 0, 0

function response(status, headers, body)
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  else s2 = s2 + 1 end
end

function done(summary, latency, requests)
  local a2, a3, a4, a5 = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a2 = a2 + t:get("s2"); a3 = a3 + t:get("s3"); a4 = a4 + t:get("s4"); a5 = a5 + t:get("s5")
  end
  local e = summary.errors
  local f = assert(io.open(os.getenv("LOAD_OUT"), "w"))
  f:write(string.format(
    '{"kind":"%s","requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"timeout":%d,"s2":%d,"s3":%d,"s4":%d,"s5":%d}\n',
    os.getenv("LOAD_KIND"), summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, a2, a3, a4, a5))
  f:close()
end

-- Files named $1-1, $1-2, ... read once per thread: request bodies that differ, so every upload is a new blob.
function read_bodies(prefix)
  local bodies = {}
  local i = 1
  while true do
    local f = io.open(prefix .. "-" .. i, "rb")
    if not f then break end
    bodies[i] = f:read("*a")
    f:close()
    i = i + 1
  end
  assert(#bodies > 0, "no bodies at " .. prefix)
  return bodies
end

-- Lines of a file (paths with their query, for GET).
function read_lines(path)
  local lines = {}
  for line in io.lines(path) do if line ~= "" then table.insert(lines, line) end end
  assert(#lines > 0, "no lines in " .. path)
  return lines
end
