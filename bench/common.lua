-- Shared logic of bench/put.lua and bench/get.lua (loaded with dofile; not a wrk script itself).
--
-- Arguments after wrk's `--`: DESIGNERS_TSV NTHREADS [BODY_JSON]
--   DESIGNERS_TSV  one line per designer: application_id <TAB> token <TAB> designer_id [<TAB> body_file]
--   NTHREADS       wrk's -t, so each thread takes its own share of the designers
--   BODY_JSON      request body for every designer that has no body_file of its own (PUT only)
--
-- Each wrk thread owns the designers whose line index i satisfies (i-1) % NTHREADS == thread number.
-- A request goes to a designer of that share with no request in flight (the response names its
-- `designer_id`), so with as many designers as connections every connection works on a designer of
-- its own and no application is ever saved by two connections at once. If a response cannot be
-- matched (an error body, say), the thread falls back to the least busy designer and counts it.
--
-- done() prints one machine-readable line starting with "BENCH " that run.sh parses.

local M = {}

local function read_all(path)
  local f = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
  local s = f:read("*a")
  f:close()
  return s
end

function M.install(method)
  -- Main Lua state: one entry per thread, in creation order. Thread 0's state is also the one wrk
  -- calls request() on once before the run, to verify the request (that call sends nothing).
  local threads = {}

  function setup(thread)
    thread:set("tid", #threads)
    table.insert(threads, thread)
  end

  -- Per-thread state (globals of the thread's Lua state, read back with thread:get in done()).
  function init(args)
    local file, nthreads, body_file = args[1], tonumber(args[2]), args[3]
    assert(file and nthreads, "usage: -- DESIGNERS_TSV NTHREADS [BODY_JSON]")
    local default_body = nil
    if method == "PUT" then
      default_body = body_file and read_all(body_file)
    end
    designers, by_designer, inflight = {}, {}, {}
    local i = 0
    for line in io.lines(file) do
      if line ~= "" then
        i = i + 1
        local app, token, designer, own_body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t?([^\t]*)$")
        assert(app, "bad line " .. i .. " in " .. file)
        if (i - 1) % nthreads == tid then
          local headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
          local body = nil
          if method == "PUT" then
            headers["Content-Type"] = "application/json; charset=utf-8"
            body = (own_body ~= "" and read_all(own_body)) or default_body
            assert(body, "PUT needs a body file")
          end
          local n = #designers + 1
          designers[n] = wrk.format(method, "/api/v1/applications/" .. app, headers, body)
          by_designer[designer] = n
          inflight[n] = 0
        end
      end
    end
    assert(#designers > 0, "thread " .. tid .. " got no designers: need at least NTHREADS of them")
    skip_verify = (tid == 0)
    statuses, non2xx, unmatched, fallback, first_bad = {}, 0, 0, 0, ""
  end

  function request()
    if skip_verify then
      -- wrk's verification call before the run: nothing is sent, so take no designer.
      skip_verify = false
      return designers[1]
    end
    local best, best_n = nil, math.huge
    for n = 1, #designers do
      local f = inflight[n]
      if f == 0 then best = n; best_n = 0; break end
      if f < best_n then best, best_n = n, f end
    end
    if best_n > 0 then fallback = fallback + 1 end
    inflight[best] = inflight[best] + 1
    return designers[best]
  end

  function response(status, headers, body)
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if first_bad == "" then first_bad = key .. " " .. string.sub(body or "", 1, 300) end
    end
    local d = body and string.match(body, '"designer_id"%s*:%s*"([^"]+)"')
    local n = d and by_designer[d]
    if n then
      if inflight[n] > 0 then inflight[n] = inflight[n] - 1 end
    else
      unmatched = unmatched + 1
    end
  end

  function done(summary, latency, requests)
    local agg = { non2xx = 0, unmatched = 0, fallback = 0 }
    local all_status, bad = {}, ""
    for _, t in ipairs(threads) do
      agg.non2xx = agg.non2xx + (t:get("non2xx") or 0)
      agg.unmatched = agg.unmatched + (t:get("unmatched") or 0)
      agg.fallback = agg.fallback + (t:get("fallback") or 0)
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
      "BENCH method=%s requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
      "non2xx=%d err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d unmatched=%d fallback=%d statuses=%s\n",
      method, summary.requests, secs, summary.requests / secs,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, agg.non2xx, e.connect, e.read, e.write, e.timeout, e.status,
      agg.unmatched, agg.fallback, (#st > 0 and table.concat(st, ",") or "none")))
    if bad ~= "" then
      io.write("BENCH_FIRST_BAD " .. string.gsub(bad, "[\r\n]", " ") .. "\n")
    end
  end
end

return M
