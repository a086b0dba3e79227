-- API reads with a token: GET of the list and detail endpoints in $LOAD_DIR/reads (one path a line), in turn.
dofile(os.getenv("LOAD_LUA") .. "/stats.lua")
local paths = read_lines(os.getenv("LOAD_DIR") .. "/reads")
local auth = "Bearer " .. os.getenv("LOAD_TOKEN")
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Authorization"] = auth })
end
