-- wrk script: PUT /api/v1/applications/{id} with the full form, spread over the bench designers.
-- Usage (run.sh does this): wrk -s bench/put.lua URL -- DESIGNERS_TSV NTHREADS bench/form.json
local dir = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
dofile(dir .. "common.lua").install("PUT")
