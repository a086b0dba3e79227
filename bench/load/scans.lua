-- Scans: POST of a file to the organisation's scans ($LOAD_SCANS, the path), bodies in turn from $LOAD_DIR/scan-N, at
-- most one every $LOAD_SCAN_GAP_MS per connection: each starts a real scan (the engine, clamd), and a scan rate above
-- what the workers finish would only grow a queue.
dofile(os.getenv("LOAD_LUA") .. "/stats.lua")
local bodies
local auth = "Bearer " .. os.getenv("LOAD_TOKEN")
local gap = tonumber(os.getenv("LOAD_SCAN_GAP_MS"))
local i = 0
function init(args)
  bodies = read_bodies(os.getenv("LOAD_DIR") .. "/scan")
end
function delay()
  return gap
end
function request()
  i = i + 1
  local n = (i % #bodies) + 1
  return wrk.format("POST", os.getenv("LOAD_SCANS") .. "?name=load-" .. n .. ".zip",
    { ["Authorization"] = auth, ["Content-Type"] = "application/octet-stream" }, bodies[n])
end
