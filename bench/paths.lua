-- wrk script: GET a rotating list of paths, optionally with a bearer token (bench/scale.sh).
-- Usage: wrk -s bench/paths.lua URL -- PATHS_FILE [TOKEN]
--   PATHS_FILE  one path per line (e.g. /api/v1/library?stars=3&page=2); each thread starts at a
--               different line so the threads do not ask for the same thing in lockstep
--   TOKEN       sent as "Authorization: Bearer TOKEN"; empty or absent for anonymous requests
-- done() prints one "BENCH ..." line (the same fields as common.lua) that scale.sh parses.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file, token = args[1], args[2]
  assert(file, "usage: -- PATHS_FILE [TOKEN]")
  local headers = { ["Accept"] = "application/json, text/html" }
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  requests_list = {}
  for line in io.lines(file) do
    if line ~= "" then requests_list[#requests_list + 1] = wrk.format("GET", line, headers) end
  end
  assert(#requests_list > 0, "no paths in " .. file)
  next_index = tid % #requests_list
  statuses, non2xx, first_bad = {}, 0, ""
end

function request()
  next_index = next_index % #requests_list + 1
  return requests_list[next_index]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then first_bad = key .. " " .. string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local total_bad, all_status, bad = 0, {}, ""
  for _, t in ipairs(threads) do
    total_bad = total_bad + (t:get("non2xx") or 0)
    for k, v in pairs(t:get("statuses") or {}) do all_status[k] = (all_status[k] or 0) + v end
    local fb = t:get("first_bad") or ""
    if bad == "" and fb ~= "" then bad = fb end
  end
  local st = {}
  for k, v in pairs(all_status) do st[#st + 1] = k .. ":" .. v end
  table.sort(st)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH method=GET requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "non2xx=%d err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d statuses=%s\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, total_bad, e.connect, e.read, e.write, e.timeout, e.status,
    (#st > 0 and table.concat(st, ",") or "none")))
  if bad ~= "" then
    io.write("BENCH_FIRST_BAD " .. string.gsub(bad, "[\r\n]", " ") .. "\n")
  end
end
