-- wrk script: POSTs a different delivery each time, from the series UniqueDeliveries wrote ($SERIES.prefix, .suffix,
-- .sigs): delivery i is prefix .. i (9 digits) .. suffix with line i of .sigs as its ElevenLabs-Signature. Starts at
-- $START (default 0), wraps after the last one, and writes the next index to $NEXT (if set), so the measured run
-- continues where the warm-up stopped. Prints the RESULT line of post.lua plus next= and wrapped=.
local series = os.getenv("SERIES")
local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end
local prefix = slurp(series .. ".prefix")
local suffix = slurp(series .. ".suffix")
local sigs = {}
for line in io.lines(series .. ".sigs") do
  sigs[#sigs + 1] = line
end
local start = tonumber(os.getenv("START") or "0")
index = start   -- global: done() reads it from the thread
wrapped = 0
local head

function init(args)
  -- the request as wrk.format would write it, built once; each request adds only its signature and digits, in one
  -- concatenation (wrk.format would copy the body twice more)
  head = "POST " .. wrk.path .. " HTTP/1.1\r\nHost: " .. wrk.headers["Host"] .. "\r\nContent-Type: application/json\r\n"
    .. "Content-Length: " .. (#prefix + 9 + #suffix) .. "\r\nElevenLabs-Signature: "
end

function request()
  local i = index % #sigs
  if index > start and i == 0 then
    wrapped = wrapped + 1
  end
  index = index + 1
  return head .. sigs[i + 1] .. "\r\n\r\n" .. prefix .. string.format("%09d", i) .. suffix
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local next, wraps = 0, 0
  for _, t in ipairs(threads) do
    next = math.max(next, t:get("index"))
    wraps = wraps + t:get("wrapped")
  end
  local out = os.getenv("NEXT")
  if out then
    local f = assert(io.open(out, "w"))
    f:write(tostring(next))
    f:close()
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d connect=%d read=%d write=%d timeout=%d non2xx=%d next=%d wrapped=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.timeout, e.status, next, wraps))
end
