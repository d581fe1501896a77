#!/usr/bin/env bash
# TalentLib HTTP benchmark: saving (PUT) and reading (GET) a full application form under load,
# plus the server's idle and peak memory. Loads 127.0.0.1 only; every load phase is bounded by
# wrk's -d. See bench/README.md.
#
# Usage: bench/run.sh [--no-build] [--database-url postgres://...] [--designers N]
#                     [--connections C] [--threads T] [--duration SECONDS]
#                     [--put-with-ids] [--strict]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
OUT="$BENCH_DIR/out"
FORM="$BENCH_DIR/form.json"

BUILD=1
DATABASE_URL_ARG=""
DESIGNERS=16
CONNECTIONS=16
THREADS=2
DURATION=20
PUT_WITH_IDS=0
STRICT=0

usage() {
  cat <<'EOF'
Usage: bench/run.sh [options]
  --no-build             use the existing target/release/talentlib (default: cargo build --release -p talentlib)
  --database-url URL     benchmark PostgreSQL (passed to `serve` and `user create`); default: embedded SQLite
  --designers N          designers, each with one application (default 16; at least --threads)
  --connections C        wrk connections (default 16)
  --threads T            wrk threads (default 2)
  --duration S           seconds per load phase (default 20)
  --put-with-ids         also run a phase that saves the form with the server-assigned item ids sent
                         back (what a browser editing an existing draft does) instead of new items
  --strict               exit 3 when a target of the issue is missed
Exit status: 0 ok; 1 setup failed or the server misbehaved; 2 non-2xx or socket errors under load;
3 (--strict only) a target missed.
EOF
}

while (($#)); do
  case "$1" in
    --no-build) BUILD=0 ;;
    --database-url) DATABASE_URL_ARG=${2:?--database-url needs a value}; shift ;;
    --database-url=*) DATABASE_URL_ARG=${1#*=} ;;
    --designers) DESIGNERS=${2:?}; shift ;;
    --connections) CONNECTIONS=${2:?}; shift ;;
    --threads) THREADS=${2:?}; shift ;;
    --duration) DURATION=${2:?}; shift ;;
    --put-with-ids) PUT_WITH_IDS=1 ;;
    --strict) STRICT=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 1 ;;
  esac
  shift
done

for n in "$DESIGNERS" "$CONNECTIONS" "$THREADS" "$DURATION"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: not a positive integer: $n" >&2; exit 1; }
done
((DESIGNERS >= THREADS)) || { echo "run.sh: --designers must be at least --threads" >&2; exit 1; }
((CONNECTIONS >= THREADS)) || { echo "run.sh: --connections must be at least --threads" >&2; exit 1; }
((DURATION <= 600)) || { echo "run.sh: --duration is capped at 600 s" >&2; exit 1; }
if ((DESIGNERS < CONNECTIONS)); then
  echo "run.sh: note: fewer designers ($DESIGNERS) than connections ($CONNECTIONS): some connections will share an application" >&2
fi

# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

# ---------------------------------------------------------------- 1. tools and the binary
install_pkg wrk wrk
install_pkg curl curl
install_pkg jq jq

BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/talentlib"
if ((BUILD)); then
  log "cargo build --release -p talentlib"
  (cd "$ROOT" && cargo build --release -p talentlib) || die "cargo build --release -p talentlib failed (output above)"
fi
[[ -x $BIN ]] || die "no binary at $BIN (build it, or drop --no-build)"

mkdir -p "$OUT"
rm -f "$OUT"/*-wrk.txt "$OUT/summary.md"   # no stale figures from an earlier run
WORK=$(mktemp -d "${TMPDIR:-/tmp}/talentlib-bench.XXXXXX")
DATA="$WORK/data"
SERVER_PID=""
SAMPLER_PID=""
WRK_PID=""

bench_traps

DB_ARGS=()
[[ -n $DATABASE_URL_ARG ]] && DB_ARGS=(--database-url "$DATABASE_URL_ARG")
DB_KIND="SQLite"
[[ -n $DATABASE_URL_ARG ]] && DB_KIND="PostgreSQL"

# ---------------------------------------------------------------- 2. start the server
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"

log "starting $BIN serve --addr 127.0.0.1:$PORT --data $DATA ($DB_KIND)"
"$BIN" serve --addr "127.0.0.1:$PORT" --data "$DATA" "${DB_ARGS[@]}" >"$OUT/server.log" 2>&1 &
SERVER_PID=$!

wait_ready "$BASE" "$OUT/server.log"
log "server ready, pid $SERVER_PID"

RSS_START=$(rss_kib "$SERVER_PID" VmRSS)

# ---------------------------------------------------------------- 3. accounts, batch, applications
# http METHOD PATH TOKEN DATA -> prints the status code; the body is left in $WORK/resp.
# DATA is a JSON string or @file; empty for none.
http() {
  local args=(-sS -X "$1" --max-time 30 -o "$WORK/resp" -w '%{http_code}' -H 'Accept: application/json')
  [[ -n $3 ]] && args+=(-H "Authorization: Bearer $3")
  [[ -n $4 ]] && args+=(-H 'Content-Type: application/json; charset=utf-8' --data-binary "$4")
  curl "${args[@]}" "$BASE$2" 2>"$WORK/curl.err" || { cat "$WORK/curl.err" >&2; echo 000; }
}
# expect CODE METHOD PATH TOKEN DATA -> prints the body, or reports the exchange and fails.
expect() {
  local want=$1 code
  shift
  code=$(http "$@")
  if [[ $code != "$want" ]]; then
    log "UNEXPECTED: $1 $2 answered $code, expected $want. Body:"
    cat "$WORK/resp" >&2 2>/dev/null; echo >&2
    kill -0 "$SERVER_PID" 2>/dev/null || log "the server process has exited; see bench/out/server.log"
    return 1
  fi
  cat "$WORK/resp"
}
# Registration may be throttled (API.md: at least 30 a minute from one address): retry 429 a few times.
expect_retry_429() {
  local tries=0 code
  while :; do
    code=$(http "${@:2}")
    [[ $code == 429 && $tries -lt 8 ]] || break
    tries=$((tries + 1)); log "429 on $2 $3; waiting 10 s (try $tries/8)"; sleep 10
  done
  if [[ $code != "$1" ]]; then
    log "UNEXPECTED: $2 $3 answered $code, expected $1. Body:"; cat "$WORK/resp" >&2; echo >&2
    return 1
  fi
  cat "$WORK/resp"
}

REV_EMAIL=rev@bench.test
PASSWORD=bench-password-1
log "creating reviewer $REV_EMAIL"
if ! "$BIN" user create --data "$DATA" "${DB_ARGS[@]}" --email "$REV_EMAIL" --password "$PASSWORD" \
     --name Reviewer --role reviewer >"$WORK/user-create.out" 2>&1; then
  cat "$WORK/user-create.out" >&2
  # With a persistent PostgreSQL database the account may be left from an earlier run.
  log "user create failed (output above); trying to sign in with the existing account"
fi
REV_TOKEN=$(expect 200 POST /api/v1/auth/token "" "$(jq -nc --arg e "$REV_EMAIL" --arg p "$PASSWORD" '{email:$e,password:$p}')" | jq -r '.token // empty')
[[ -n $REV_TOKEN ]] || die "POST /api/v1/auth/token for the reviewer gave no token"
RSS_AFTER_LOGIN=$(rss_kib "$SERVER_PID" VmRSS)
RUN_TAG="$(date +%s)$$"     # unique names, so a rerun against the same PostgreSQL database works
code=$(http POST /api/v1/batches "$REV_TOKEN" '{"name":"bench"}')
if [[ $code == 409 && -n $DATABASE_URL_ARG ]]; then
  log "batch name 'bench' taken (an earlier run on this database); using bench-$RUN_TAG"
  BATCH=$(expect 201 POST /api/v1/batches "$REV_TOKEN" "{\"name\":\"bench-$RUN_TAG\"}")
else
  [[ $code == 201 ]] || { log "UNEXPECTED: POST /api/v1/batches answered $code, expected 201. Body:"; cat "$WORK/resp" >&2; echo >&2; exit 1; }
  BATCH=$(cat "$WORK/resp")
fi
BATCH_ID=$(jq -r '.id // empty' <<<"$BATCH")
[[ -n $BATCH_ID && $(jq -r .status <<<"$BATCH") == open ]] || die "POST /api/v1/batches answered an unexpected body: $BATCH"
log "batch $BATCH_ID"

: >"$WORK/designers.tsv"
# The form as the check compares it: section lengths and a Chinese text that must round-trip.
FORM_SHAPE='[(.education|length),(.titles|length),(.awards|length),(.articles|length),(.ip_rights|length),(.honors|length),(.compensation!=null),(.projects|length),.personal.name,.projects[0].name]'
WANT_SHAPE=$(jq -c "$FORM_SHAPE" "$FORM")
FORM_ONLY='{personal,education,titles,awards,articles,ip_rights,honors,compensation,projects}'
FORM_IDS="$FORM_ONLY"' | [.. | objects | .id? // empty] | sort'
log "registering $DESIGNERS designers, one application each, one checked save each"
for i in $(seq "$DESIGNERS"); do
  email="designer$i.$RUN_TAG@bench.test"
  cred=$(jq -nc --arg e "$email" --arg p "$PASSWORD" --arg n "设计师$i" '{email:$e,password:$p,name:$n}')
  reg=$(expect_retry_429 201 POST /api/v1/auth/register "" "$cred")
  designer_id=$(jq -r '.id // empty' <<<"$reg")
  [[ -n $designer_id ]] || die "register answered no id: $reg"
  tok=$(expect_retry_429 200 POST /api/v1/auth/token "" "$(jq -nc --arg e "$email" --arg p "$PASSWORD" '{email:$e,password:$p}')" | jq -r '.token // empty')
  [[ -n $tok ]] || die "no token for $email"
  app=$(expect 201 POST /api/v1/applications "$tok" '{}')
  app_id=$(jq -r '.id // empty' <<<"$app")
  [[ -n $app_id ]] || die "POST /api/v1/applications answered no id: $app"
  [[ $(jq -r '.batch_id // empty' <<<"$app") == "$BATCH_ID" ]] || die "application $app_id is not in the bench batch: $app"

  saved=$(expect 200 PUT "/api/v1/applications/$app_id" "$tok" "@$FORM") ||
    die "saving the full form failed (PUT /api/v1/applications/$app_id with bench/form.json)"
  got=$(jq -c "$FORM_SHAPE" <<<"$saved" 2>/dev/null || echo invalid-json)
  [[ $got == "$WANT_SHAPE" ]] || die "PUT answered 200 but the saved form differs: want $WANT_SHAPE, got $got"
  [[ $(jq -r '.designer_id // empty' <<<"$saved") == "$designer_id" ]] ||
    die "PUT answer has designer_id '$(jq -r '.designer_id' <<<"$saved")', expected $designer_id (the wrk scripts rely on it)"
  printf '%s\t%s\t%s\n' "$app_id" "$tok" "$designer_id" >>"$WORK/designers.tsv"

  if ((PUT_WITH_IDS)); then
    # Sending the ids back must keep them (API.md: items keep their id across saves).
    jq "$FORM_ONLY" <<<"$saved" >"$WORK/body-check.json"
    again=$(expect 200 PUT "/api/v1/applications/$app_id" "$tok" "@$WORK/body-check.json") || die "re-saving with item ids failed"
    [[ $(jq -c "$FORM_IDS" "$WORK/body-check.json") == "$(jq -c "$FORM_IDS" <<<"$again")" ]] ||
      die "re-saving with the item ids changed them (API.md: items keep their id across saves)"
  fi
done
first_app=$(cut -f1 "$WORK/designers.tsv" | head -n1)
first_tok=$(cut -f2 "$WORK/designers.tsv" | head -n1)
read_back=$(expect 200 GET "/api/v1/applications/$first_app" "$first_tok" "") || die "GET of a saved application failed"
[[ "$(jq -c "$FORM_SHAPE" <<<"$read_back")" == "$WANT_SHAPE" ]] || die "GET does not return the saved form: $(jq -c "$FORM_SHAPE" <<<"$read_back")"
PUT_BYTES=$(wc -c <"$FORM")
GET_BYTES=$(printf '%s' "$read_back" | wc -c)

# ---------------------------------------------------------------- 4. idle memory
sleep 3
RSS_IDLE=$(rss_kib "$SERVER_PID" VmRSS)
[[ -n $RSS_IDLE ]] || die "the server process is gone after setup"
log "idle RSS $(mib "$RSS_IDLE") MiB (at start $(mib "$RSS_START") MiB)"

# ---------------------------------------------------------------- 5./6. load phases
run_phase put "$BENCH_DIR/put.lua" "$WORK/designers.tsv" "$THREADS" "$FORM"
if ((PUT_WITH_IDS)); then
  # The put phase replaced every item, so take the current ids from a GET of each application.
  : >"$WORK/designers-ids.tsv"
  n=0
  while IFS=$'\t' read -r app_id tok designer_id; do
    n=$((n + 1))
    cur=$(expect 200 GET "/api/v1/applications/$app_id" "$tok" "") || die "GET before the put-ids phase failed"
    jq "$FORM_ONLY" <<<"$cur" >"$WORK/body-$n.json"
    printf '%s\t%s\t%s\t%s\n' "$app_id" "$tok" "$designer_id" "$WORK/body-$n.json" >>"$WORK/designers-ids.tsv"
  done <"$WORK/designers.tsv"
  run_phase put-ids "$BENCH_DIR/put.lua" "$WORK/designers-ids.tsv" "$THREADS" "$FORM"
fi
run_phase get "$BENCH_DIR/get.lua" "$WORK/designers.tsv" "$THREADS"

RSS_HWM=$(rss_kib "$SERVER_PID" VmHWM)
DATA_SIZE=$(du -sh "$DATA" 2>/dev/null | cut -f1 || echo "?")

# ---------------------------------------------------------------- 7. summary
verdict() { # phase -> target text and PASS/MISS
  local p=$1 rps=${R[$1.rps]} p99=${R[$1.p99_ms]}
  case $p in
    put|put-ids) awk -v r="$rps" -v l="$p99" 'BEGIN { printf "≥1000/s, p99<50ms | %s", (r >= 1000 && l < 50) ? "PASS" : "MISS" }' ;;
    get) awk -v r="$rps" 'BEGIN { printf "≥5000/s | %s", (r >= 5000) ? "PASS" : "MISS" }' ;;
  esac
}
PEAK_ALL=""
for p in "${PHASES[@]}"; do
  v=${R[$p.peak_kib]}
  [[ -n $v ]] && { [[ -z $PEAK_ALL ]] || ((v > PEAK_ALL)); } && PEAK_ALL=$v
done
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "uncommitted")
SUMMARY="$OUT/summary.md"
{
  echo "TalentLib benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $rev, $DB_KIND, $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $DESIGNERS designers"
  echo "PUT body $PUT_BYTES bytes (bench/form.json); GET answer $GET_BYTES bytes"
  echo
  echo "| phase | requests | req/s | p50 ms | p99 ms | max ms | non-2xx | statuses | socket errors | timeouts | server CPU (cores) | server CPU µs/req | peak RSS MiB | target | verdict |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for p in "${PHASES[@]}"; do
    echo "| $p | ${R[$p.requests]} | ${R[$p.rps]} | ${R[$p.p50_ms]} | ${R[$p.p99_ms]} | ${R[$p.max_ms]} | ${R[$p.non2xx]} | ${R[$p.statuses]} | ${R[$p.socket_errors]} | ${R[$p.err_timeout]} | ${R[$p.cpu_cores]} | ${R[$p.cpu_us_req]} | $(mib "${R[$p.peak_kib]}") | $(verdict "$p") |"
  done
  idle_ok=$(awk -v k="$RSS_IDLE" 'BEGIN { print (k / 1024 < 64) ? "PASS" : "MISS" }')
  echo
  echo "| memory | MiB | target | verdict |"
  echo "|---|---|---|---|"
  echo "| RSS just after start | $(mib "$RSS_START") | | |"
  echo "| RSS after the reviewer signed in (1 password check) | $(mib "$RSS_AFTER_LOGIN") | | |"
  echo "| idle RSS after setup, before load | $(mib "$RSS_IDLE") | <64 | $idle_ok |"
  echo "| peak RSS sampled during load | $(mib "$PEAK_ALL") | | |"
  echo "| VmHWM at the end (whole run) | $(mib "$RSS_HWM") | | |"
  echo
  echo "Data dir after the run: $DATA_SIZE. Raw wrk output: bench/out/{$(IFS=,; echo "${PHASES[*]}")}-wrk.txt; server log: bench/out/server.log"
} >"$SUMMARY"
echo
cat "$SUMMARY"

# ---------------------------------------------------------------- exit status
bad=0
for p in "${PHASES[@]}"; do
  if ((${R[$p.non2xx]} > 0 || ${R[$p.socket_errors]} > 0)); then
    bad=1
    log "phase $p: ${R[$p.non2xx]} non-2xx responses (${R[$p.statuses]}), ${R[$p.socket_errors]} socket errors"
    grep '^BENCH_FIRST_BAD' "$OUT/$p-wrk.txt" >&2 || true
  fi
done
((bad)) && exit 2
if ((STRICT)) && grep -q 'MISS' "$SUMMARY"; then
  log "a target was missed (--strict)"
  exit 3
fi
exit 0
