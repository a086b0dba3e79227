-- Uploads: PUT of a version's artifact, each thread to its own draft (the lines of $LOAD_DIR/drafts), bodies in turn
-- from $LOAD_DIR/upload-N (each different, so each is stored as a new blob). Run with as many threads as connections.
dofile(os.getenv("LOAD_LUA") .. "/stats.lua")
local bodies, path
local auth = "Bearer " .. os.getenv("LOAD_TOKEN")
local i = 0
function init(args)
  bodies = read_bodies(os.getenv("LOAD_DIR") .. "/upload")
  local drafts = read_lines(os.getenv("LOAD_DIR") .. "/drafts")
  path = drafts[((tid - 1) % #drafts) + 1] .. "/artifact?name=load.zip"
  i = tid * 7
end
function request()
  i = i + 1
  return wrk.format("PUT", path, { ["Authorization"] = auth, ["Content-Type"] = "application/octet-stream" }, bodies[(i % #bodies) + 1])
end
