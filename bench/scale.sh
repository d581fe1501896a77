#!/usr/bin/env bash
# TalentLib scale benchmark (the scoring issue): seeding N rated designers, finalizing a batch of
# 100,000 applications with 5 scores each, the library API and page (a star filter on page 2, and
# text searches), and the reviewer's results page of a 10,000-application batch listing 250
# applications with their aggregates sorted by total; the server's memory under that load.
# Loads 127.0.0.1 only. See bench/README.md.
#
# Usage: bench/scale.sh [--no-build] [--designers N] [--finalize N] [--data DIR]
#                       [--database-url postgres://...] [--connections C] [--threads T]
#                       [--duration SECONDS] [--strict]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
OUT="$BENCH_DIR/out/scale"

BUILD=1
DESIGNERS=100000
FINALIZE=100000
KEEP_DATA=""
DATABASE_URL_ARG=""
CONNECTIONS=16
THREADS=2
DURATION=10
STRICT=0

usage() {
  cat <<'EOF'
Usage: bench/scale.sh [options]
  --no-build             use the existing target/release/talentlib (default: cargo build --release -p talentlib)
  --designers N          rated designers in the library (default 100000), seeded in finalized batches
                         of 10,000 applications with 3 scores each
  --finalize N           also seed a batch of N accepted applications with 5 scores each, left in
                         `scoring`, and time finalizing it (default 100000; 0 skips this)
  --data DIR             keep the data in DIR and reuse it: the library is seeded only when DIR holds
                         fewer than N rated designers (a 1,000,000-designer library takes a while)
  --database-url URL     PostgreSQL instead of the embedded SQLite (uploaded files stay in the data folder)
  --connections C        wrk connections (default 16)
  --threads T            wrk threads (default 2)
  --duration S           seconds per load phase (default 10)
  --strict               exit 3 when a target of the issue is missed
Exit status: 0 ok; 1 setup failed or the server misbehaved; 2 non-2xx or socket errors under load;
3 (--strict only) a target missed.
EOF
}

while (($#)); do
  case "$1" in
    --no-build) BUILD=0 ;;
    --designers) DESIGNERS=${2:?}; shift ;;
    --finalize) FINALIZE=${2:?}; shift ;;
    --data) KEEP_DATA=${2:?}; shift ;;
    --database-url) DATABASE_URL_ARG=${2:?--database-url needs a value}; shift ;;
    --connections) CONNECTIONS=${2:?}; shift ;;
    --threads) THREADS=${2:?}; shift ;;
    --duration) DURATION=${2:?}; shift ;;
    --strict) STRICT=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "scale.sh: unknown argument: $1" >&2; usage >&2; exit 1 ;;
  esac
  shift
done
for n in "$DESIGNERS" "$CONNECTIONS" "$THREADS" "$DURATION"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "scale.sh: not a positive integer: $n" >&2; exit 1; }
done
[[ $FINALIZE =~ ^[0-9]+$ ]] || { echo "scale.sh: --finalize takes a number" >&2; exit 1; }

# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
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
rm -f "$OUT"/*-wrk.txt "$OUT/summary.md"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/talentlib-scale.XXXXXX")
DATA=${KEEP_DATA:-$WORK/data}
mkdir -p "$DATA"
SERVER_PID="" SAMPLER_PID="" WRK_PID=""
bench_traps

DB_ARGS=()
DB_KIND="SQLite"
if [[ -n $DATABASE_URL_ARG ]]; then DB_ARGS=(--database-url "$DATABASE_URL_ARG"); DB_KIND="PostgreSQL"; fi
SEED_REVIEWER=seed-reviewer@seed.talentlib.cn
SEED_PASSWORD=talentlib-seed

# ---------------------------------------------------------------- 1. the server
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
start_server() {
  log "starting $BIN serve --addr 127.0.0.1:$PORT --data $DATA ($DB_KIND)"
  "$BIN" serve --addr "127.0.0.1:$PORT" --data "$DATA" "${DB_ARGS[@]}" >>"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  wait_ready "$BASE" "$OUT/server.log"
}
stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
# api METHOD PATH [TOKEN] -> the body; fails unless 2xx. The time taken goes to $WORK/time.
api() {
  local args=(-sS -X "$1" --max-time 600 -o "$WORK/resp" -w '%{http_code} %{time_total}' -H 'Accept: application/json')
  [[ -n ${3:-} ]] && args+=(-H "Authorization: Bearer $3")
  [[ $1 == POST ]] && args+=(-H 'Content-Type: application/json' --data-binary '{}')
  local out code
  out=$(curl "${args[@]}" "$BASE$2") || die "curl $1 $2 failed"
  code=${out%% *}
  echo "${out#* }" >"$WORK/time"
  [[ $code == 2* ]] || { cat "$WORK/resp" >&2; echo >&2; die "$1 $2 answered $code"; }
  cat "$WORK/resp"
}
token() {
  local body
  body=$(jq -nc --arg e "$SEED_REVIEWER" --arg p "$SEED_PASSWORD" '{email:$e,password:$p}')
  curl -sS --max-time 30 -H 'Content-Type: application/json' --data-binary "$body" "$BASE/api/v1/auth/token" | jq -r '.token // empty'
}

# ---------------------------------------------------------------- 2. seeding
: >"$OUT/server.log"
start_server
TOKEN=$(token)
have=0
[[ -n $TOKEN ]] && have=$(api GET "/api/v1/library?per_page=1" "$TOKEN" | jq -r .total_count)
stop_server

SEED_SECONDS="(reused)"
REINDEX_SECONDS="(reused)"
if ((have < DESIGNERS)); then
  need=$((DESIGNERS - have))
  log "seeding $need rated designers (the library has $have)"
  t0=$(date +%s.%N)
  "$BIN" seed --data "$DATA" "${DB_ARGS[@]}" --designers "$need" | tee "$OUT/seed.txt"
  SEED_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  log "seeded $need designers in $SEED_SECONDS s; building the search index"
  t0=$(date +%s.%N)
  "$BIN" reindex --data "$DATA" "${DB_ARGS[@]}" | tee -a "$OUT/seed.txt"
  REINDEX_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
else
  log "the library already has $have rated designers: not seeding"
fi
DATA_SIZE=$(du -sh "$DATA" 2>/dev/null | cut -f1 || echo "?")

start_server
TOKEN=$(token)
[[ -n $TOKEN ]] || die "the seeded reviewer $SEED_REVIEWER cannot sign in"
RSS_START=$(rss_kib "$SERVER_PID" VmRSS)
BATCHES=$(api GET /api/v1/batches "$TOKEN")
LIBRARY_TOTAL=$(api GET "/api/v1/library?per_page=1" "$TOKEN" | jq -r .total_count)
log "library: $LIBRARY_TOTAL rated designers"

# ---------------------------------------------------------------- 4. load phases
# The results page: a finalized batch of 10,000 applications with 3 scores each.
RESULTS_BATCH=$(jq -r '[.[] | select(.status == "finalized")] | first | .id // empty' <<<"$BATCHES")
[[ -n $RESULTS_BATCH ]] || die "no finalized batch for the results page"
# Searches a person would type: full names, and two-character parts of employers and majors.
q_names=(王伟 李芳 刘明远 长安 设计 海尔 工业 美术)
# Answered the slow way, shown for what they cost (no target): a one-character text (the index
# holds bigrams) and a long text made of very common bigrams (each candidate is checked).
q_hard=(张 重庆大学)
printf '%s\n' "/api/v1/library?stars=3&page=2" >"$WORK/api-stars.txt"
printf '%s\n' "/library?stars=3&page=2" >"$WORK/page-stars.txt"
: >"$WORK/api-search.txt"; : >"$WORK/page-search.txt"
for q in "${q_names[@]}"; do
  enc=$(jq -rn --arg q "$q" '$q | @uri')
  echo "/api/v1/library?q=$enc" >>"$WORK/api-search.txt"
  echo "/library?q=$enc" >>"$WORK/page-search.txt"
done
: >"$WORK/hard-search.txt"
for q in "${q_hard[@]}"; do
  echo "/api/v1/library?q=$(jq -rn --arg q "$q" '$q | @uri')" >>"$WORK/hard-search.txt"
done
echo "/batches/$RESULTS_BATCH/results?per_page=250&sort=total_desc" >"$WORK/results-page.txt"
echo "/api/v1/batches/$RESULTS_BATCH/panels?per_page=250&sort=total_desc" >"$WORK/results-api.txt"
# Every path answers 200 before it is loaded. The first answer to each search is the cold one
# (its total not counted yet): the slowest is reported beside the loaded figures.
COLD_MS=0 COLD_PATH=""
for f in "$WORK"/*.txt; do
  while read -r p; do
    api GET "$p" "$TOKEN" >/dev/null
    if [[ $f == *search.txt ]]; then
      ms=$(awk '{ printf "%.0f", $1 * 1000 }' "$WORK/time")
      ((ms > COLD_MS)) && COLD_MS=$ms COLD_PATH=$p
    fi
  done <"$f"
done
api GET "/api/v1/library?stars=3&page=2" "" >/dev/null

run_phase api-stars "$BENCH_DIR/paths.lua" "$WORK/api-stars.txt" "$TOKEN"
run_phase api-search "$BENCH_DIR/paths.lua" "$WORK/api-search.txt" "$TOKEN"
run_phase public-stars "$BENCH_DIR/paths.lua" "$WORK/api-stars.txt" ""
run_phase page-stars "$BENCH_DIR/paths.lua" "$WORK/page-stars.txt" "$TOKEN"
run_phase page-search "$BENCH_DIR/paths.lua" "$WORK/page-search.txt" "$TOKEN"
run_phase results-page "$BENCH_DIR/paths.lua" "$WORK/results-page.txt" "$TOKEN"
run_phase results-api "$BENCH_DIR/paths.lua" "$WORK/results-api.txt" "$TOKEN"
# One reviewer opening the results page: the latency of a single request, unloaded.
SAVED_C=$CONNECTIONS SAVED_T=$THREADS
CONNECTIONS=1 THREADS=1
run_phase results-page-1 "$BENCH_DIR/paths.lua" "$WORK/results-page.txt" "$TOKEN"
run_phase hard-search-1 "$BENCH_DIR/paths.lua" "$WORK/hard-search.txt" "$TOKEN"
CONNECTIONS=$SAVED_C THREADS=$SAVED_T
RSS_HWM=$(rss_kib "$SERVER_PID" VmHWM)
stop_server

# ---------------------------------------------------------------- 5. finalizing, on its own data
# A separate data folder, so that the library measured above keeps exactly N designers.
FIN_MS="" FIN_RATINGS="" FIN_SEED_SECONDS="" FIN_HWM=""
if ((FINALIZE > 0)); then
  DATA="$WORK/finalize"
  mkdir -p "$DATA"
  FIN_DB_ARGS=()
  [[ -n $DATABASE_URL_ARG ]] && FIN_DB_ARGS=("${DB_ARGS[@]}")
  log "seeding a batch of $FINALIZE accepted applications with 5 scores each, left in scoring"
  t0=$(date +%s.%N)
  "$BIN" seed --data "$DATA" "${FIN_DB_ARGS[@]}" --designers "$FINALIZE" --batch-size "$FINALIZE" \
    --experts-per-application 5 --unfinalized | tee -a "$OUT/seed.txt"
  FIN_SEED_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  DB_ARGS=("${FIN_DB_ARGS[@]}")
  start_server
  TOKEN=$(token)
  FIN_BATCH=$(api GET /api/v1/batches "$TOKEN" | jq -r '[.[] | select(.status == "scoring")] | first | .id // empty')
  [[ -n $FIN_BATCH ]] || die "no batch in scoring to finalize"
  log "finalizing batch $FIN_BATCH"
  FIN_RATINGS=$(api POST "/api/v1/batches/$FIN_BATCH/finalize" "$TOKEN" | jq -r '.ratings')
  FIN_MS=$(awk '{ printf "%.0f", $1 * 1000 }' "$WORK/time")
  FIN_HWM=$(rss_kib "$SERVER_PID" VmHWM)
  log "finalized in $FIN_MS ms ($FIN_RATINGS ratings)"
  stop_server
fi

# ---------------------------------------------------------------- 5. summary
target() { # phase -> target text and verdict
  local p99=${R[$1.p99_ms]}
  case $1 in
    hard-*) printf "(none) | -" ;;
    api-*|public-*|page-*) awk -v l="$p99" 'BEGIN { printf "p99<30ms | %s", (l < 30) ? "PASS" : "MISS" }' ;;
    results-*) awk -v l="$p99" 'BEGIN { printf "p99<50ms | %s", (l < 50) ? "PASS" : "MISS" }' ;;
    *) printf "(none) | -" ;;
  esac
}
PEAK_ALL=0
for p in "${PHASES[@]}"; do v=${R[$p.peak_kib]:-0}; ((v > PEAK_ALL)) && PEAK_ALL=$v; done
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "uncommitted")
MISSED=0
{
  echo "TalentLib scale benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $rev, $DB_KIND, $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"
  echo "Library: $LIBRARY_TOTAL rated designers; data folder $DATA_SIZE"
  echo
  echo "| step | figure | target | verdict |"
  echo "|---|---|---|---|"
  echo "| seed $DESIGNERS rated designers | $SEED_SECONDS s | 100,000 < 60 s | $(awk -v s="$SEED_SECONDS" -v n="$DESIGNERS" 'BEGIN { if (s !~ /^[0-9.]+$/) print "n/a"; else print (s * 100000 / n < 60) ? "PASS" : "MISS" }') |"
  echo "| build the search index (talentlib reindex) | $REINDEX_SECONDS s | | |"
  echo "| slowest first (uncounted) search, one request | $COLD_MS ms (\`$COLD_PATH\`) | | |"
  if ((FINALIZE > 0)); then
    echo "| seed the $FINALIZE-application batch (5 scores each) | $FIN_SEED_SECONDS s | | |"
    echo "| finalize $FINALIZE applications × 5 scores ($FIN_RATINGS ratings) | $FIN_MS ms | < 5000 ms | $( ((FIN_MS < 5000)) && echo PASS || echo MISS) |"
    echo "| server VmHWM while finalizing | $(mib "$FIN_HWM") MiB | < 100 | $(awk -v k="$FIN_HWM" 'BEGIN { print (k / 1024 < 100) ? "PASS" : "MISS" }') |"
  fi
  echo
  echo "| phase | path | requests | req/s | p50 ms | p99 ms | max ms | non-2xx | server CPU µs/req | peak RSS MiB | target | verdict |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for p in "${PHASES[@]}"; do
    f="$WORK/${p%-1}.txt"; [[ $p == public-stars ]] && f="$WORK/api-stars.txt"
    echo "| $p | \`$(head -n1 "$f")\`$( (($(wc -l <"$f") > 1)) && echo " (+$(($(wc -l <"$f") - 1)) more)") | ${R[$p.requests]} | ${R[$p.rps]} | ${R[$p.p50_ms]} | ${R[$p.p99_ms]} | ${R[$p.max_ms]} | ${R[$p.non2xx]} | ${R[$p.cpu_us_req]} | $(mib "${R[$p.peak_kib]}") | $(target "$p") |"
  done
  echo
  echo "| memory | MiB | target | verdict |"
  echo "|---|---|---|---|"
  echo "| RSS after start | $(mib "$RSS_START") | | |"
  echo "| peak RSS sampled during the load phases | $(mib "$PEAK_ALL") | < 100 | $(awk -v k="$PEAK_ALL" 'BEGIN { print (k / 1024 < 100) ? "PASS" : "MISS" }') |"
  echo "| VmHWM (whole run, finalizing included) | $(mib "$RSS_HWM") | | |"
} >"$OUT/summary.md"
echo
cat "$OUT/summary.md"
grep -q "| MISS |" "$OUT/summary.md" && MISSED=1

bad=0
for p in "${PHASES[@]}"; do
  if ((${R[$p.non2xx]} > 0 || ${R[$p.socket_errors]} > 0)); then
    bad=1
    log "phase $p: ${R[$p.non2xx]} non-2xx responses (${R[$p.statuses]}), ${R[$p.socket_errors]} socket errors"
    grep '^BENCH_FIRST_BAD' "$OUT/$p-wrk.txt" >&2 || true
  fi
done
((bad)) && exit 2
((STRICT && MISSED)) && exit 3
exit 0
