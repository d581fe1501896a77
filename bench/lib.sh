# Shell functions shared by the benchmark scripts (bench/run.sh, bench/scale.sh); sourced, not run.
# The callers set OUT, WORK, and the pids SERVER_PID, SAMPLER_PID, WRK_PID (empty when none).

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

install_pkg() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  local sudo=""
  ((EUID == 0)) || sudo="sudo"
  log "installing $2"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$2" >/dev/null 2>&1 ||
    { DEBIAN_FRONTEND=noninteractive $sudo apt-get update >/dev/null &&
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$2" >/dev/null; } ||
    die "could not install $2"
}
# Stops whatever the benchmark started and deletes its temporary folder, also on failure or Ctrl-C.
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local rc=$?
  set +e
  if [[ -n $WRK_PID ]]; then kill "$WRK_PID" 2>/dev/null; wait "$WRK_PID" 2>/dev/null; fi
  if [[ -n $SAMPLER_PID ]]; then kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null; fi
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_traps() {
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' && return
  fi
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  die "no free port found"
}
# wait_ready BASE LOGFILE: until GET /api/v1/reference/districts answers 200 (at most 30 s).
wait_ready() {
  local code="" deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 40 "$2" >&2; die "the server exited while starting (log above, full log in $2)"; }
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1/api/v1/reference/districts" || true)
    [[ $code == 200 ]] && return 0
    sleep 0.25
  done
  tail -n 40 "$2" >&2
  die "GET /api/v1/reference/districts did not answer 200 within 30 s (last status: ${code:-none})"
}

rss_kib() { # pid field -> KiB, empty when the process is gone
  local k v _
  [[ -r /proc/$1/status ]] || return 0
  while read -r k v _; do
    if [[ $k == "$2:" ]]; then echo "$v"; return 0; fi
  done <"/proc/$1/status" || true
}
mib() { awk -v k="$1" 'BEGIN { if (k == "") print "n/a"; else printf "%.1f", k / 1024 }'; }
sample_rss() { # pid outfile seconds: the highest VmRSS seen, bounded in time
  local end=$((SECONDS + $3)) max=0 v
  while ((SECONDS < end)); do
    v=$(rss_kib "$1" VmRSS)
    [[ -n $v ]] || break
    ((v > max)) && max=$v
    # Written aside and renamed: a kill between truncating and writing would leave it empty.
    echo "$max" >"$2.tmp" && mv -f "$2.tmp" "$2"
    sleep 0.2
  done
}

cpu_ticks() { # pid -> utime+stime in clock ticks (fields 14 and 15 of /proc/PID/stat)
  local stat f
  stat=$(<"/proc/$1/stat") || return 0
  stat=${stat##*) }   # drop "pid (comm) ", comm may hold spaces
  read -r -a f <<<"$stat"
  echo $((f[11] + f[12]))
}
HZ=$(getconf CLK_TCK)

# Results by "phase.field", and the phases in the order they ran.
declare -A R=()
PHASES=()
# run_phase NAME SCRIPT [SCRIPT_ARGS...]: one wrk load phase (-t$THREADS -c$CONNECTIONS -d$DURATION
# against $BASE) while sampling the server's memory and CPU; the script's BENCH line goes into R.
run_phase() {
  local name=$1 script=$2
  shift 2
  local raw="$OUT/$name-wrk.txt" line kv rc=0
  log "phase $name: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency -s ${script#"$ROOT"/}"
  : >"$WORK/peak-$name"
  sample_rss "$SERVER_PID" "$WORK/peak-$name" $((DURATION + 15)) &
  SAMPLER_PID=$!
  local cpu0 cpu1
  cpu0=$(cpu_ticks "$SERVER_PID")
  # In the background and waited for, so that a TERM to this script is handled at once.
  timeout $((DURATION + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$script" \
    "$BASE" -- "$@" >"$raw" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || rc=$?
  WRK_PID=""
  cpu1=$(cpu_ticks "$SERVER_PID")
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
  cat "$raw"
  ((rc == 0)) || die "wrk exited with status $rc in phase $name (output above, also in $raw)"
  line=$(grep -m1 '^BENCH ' "$raw") || die "no BENCH line in the wrk output of phase $name"
  for kv in $line; do
    [[ $kv == *=* ]] && R[$name.${kv%%=*}]=${kv#*=}
  done
  R[$name.peak_kib]=$(cat "$WORK/peak-$name")
  # Server CPU over the phase: cores busy on average, and CPU time per request.
  R[$name.cpu_cores]=$(awk -v t=$((cpu1 - cpu0)) -v hz="$HZ" -v d="${R[$name.duration_s]}" 'BEGIN { printf "%.2f", t / hz / d }')
  R[$name.cpu_us_req]=$(awk -v t=$((cpu1 - cpu0)) -v hz="$HZ" -v n="${R[$name.requests]}" 'BEGIN { printf "%.0f", n ? t / hz * 1e6 / n : 0 }')
  R[$name.socket_errors]=$((${R[$name.err_connect]} + ${R[$name.err_read]} + ${R[$name.err_write]}))
  PHASES+=("$name")
  kill -0 "$SERVER_PID" 2>/dev/null || die "the server died during phase $name (see $OUT/server.log)"
}

