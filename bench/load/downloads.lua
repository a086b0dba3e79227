-- Signed downloads: GET of the URLs in $LOAD_DIR/urls (path and query, one a line), in turn; anonymous, as customers are.
dofile(os.getenv("LOAD_LUA") .. "/stats.lua")
local urls = read_lines(os.getenv("LOAD_DIR") .. "/urls")
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", urls[(i % #urls) + 1])
end
