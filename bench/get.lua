-- wrk script: GET /api/v1/applications/{id}, spread over the bench designers (each reads its own).
-- Usage (run.sh does this): wrk -s bench/get.lua URL -- DESIGNERS_TSV NTHREADS
local dir = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
dofile(dir .. "common.lua").install("GET")
