#!/usr/bin/env bash
# run.sh — Hookstack's load benchmark: the runner vs Celigo's Node reference server (the peer) vs
# the cJSON floor, on POST /function doSomething calls carrying pages of 1, 20, 100 and 1,000
# Salesforce Account records (~1 KB each), in one run on one machine.
#
# For every page size and server: wrk (THREADS x CONNECTIONS, WARMUP s discarded, then DURATION s)
# with bench/post.lua; requests/s, p50, p99 from wrk's own histogram; peak RSS of the server's whole
# process tree (front + workers) sampled every RSS_INTERVAL_MS by bench/rss_peak.py. Before the load,
# one curl call per body checks the answer is 200 (and byte-identical between runner and peer).
# The floor (bench/cjson_floor.c) times parse + build answer + print with cJSON in one process.
# Both servers run for the whole benchmark and the points are interleaved per page size (floor,
# runner, peer; then the next size), so slow drifts of a shared machine hit all three alike.
#
# Environment (all optional):
#   BUILD_DIR      build folder with hookstack and protocol-modules/ (default: <repo>/build)
#   HOOKSTACK_BIN  runner binary (default: $BUILD_DIR/hookstack); RUNNER_ARGS extra serve options
#   MODULES_DIR    modules folder with the conformance module (default: $BUILD_DIR/protocol-modules)
#   DATA_DIR       shared sample data (default: $HS_SHARED_DIR/data, else <repo>/../shared/data)
#   PEER_DIR       folder with the reference server's server.js; unset = peer columns skipped
#   SIZES          page sizes (default "1 20 100 1000")
#   DURATION       seconds measured per point (default 10); WARMUP seconds discarded before (2)
#   THREADS, CONNECTIONS   wrk load shape (default 2 x 32); TIMEOUT wrk request timeout s (60)
#   RUNNER_PORT, PEER_PORT (default 17200, 17100); RSS_INTERVAL_MS (100); FLOOR_SECONDS (2)
#   SKIP_RUNNER=1  measure only the peer and the floor (to test this script)
#   WORK           folder for bodies, raw outputs and results.md (default: a new /tmp folder)
# Exit status: 0 when every point ran with only 2xx answers, 1 otherwise, 2 on bad setup.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$REPO/bench
BUILD_DIR=${BUILD_DIR:-$REPO/build}
HOOKSTACK_BIN=${HOOKSTACK_BIN:-$BUILD_DIR/hookstack}
MODULES_DIR=${MODULES_DIR:-$BUILD_DIR/protocol-modules}
RUNNER_ARGS=${RUNNER_ARGS:-}
if [ -z "${DATA_DIR:-}" ]; then
    if [ -n "${HS_SHARED_DIR:-}" ]; then DATA_DIR=$HS_SHARED_DIR/data; else DATA_DIR=$REPO/../shared/data; fi
fi
PEER_DIR=${PEER_DIR:-}
SIZES=${SIZES:-"1 20 100 1000"}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
TIMEOUT=${TIMEOUT:-60}
RUNNER_PORT=${RUNNER_PORT:-17200}
PEER_PORT=${PEER_PORT:-17100}
RSS_INTERVAL_MS=${RSS_INTERVAL_MS:-100}
FLOOR_SECONDS=${FLOOR_SECONDS:-2}
SKIP_RUNNER=${SKIP_RUNNER:-0}
WORK=${WORK:-$(mktemp -d /tmp/hookstack-bench.XXXXXX)}
TOKEN="bench-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"

die() { echo "bench: $*" >&2; exit 2; }
log() { echo "bench: $*" >&2; }

for tool in wrk curl python3 node; do
    command -v "$tool" >/dev/null || { [ "$tool" = node ] && [ -z "$PEER_DIR" ]; } ||
        die "$tool not found (Debian package: ${tool/python3/python3})"
done
[ -d "$DATA_DIR" ] || die "sample data folder $DATA_DIR not found (set DATA_DIR or HS_SHARED_DIR)"
mkdir -p "$WORK/bodies"
: >"$WORK/points.tsv"
: >"$WORK/runner.out"
: >"$WORK/runner.err"

RUNNER_PID=""
PEER_PID=""
SAMPLER_PID=""
cleanup() {
    local pid
    for pid in "$SAMPLER_PID" "$RUNNER_PID" "$PEER_PID"; do
        if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
    done
}
trap cleanup EXIT

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# descendants PID: the pids of every process under PID (not PID itself).
descendants() {
    local c
    # shellcheck disable=SC2013  # the children files hold space-separated pids
    for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        echo "$c"
        descendants "$c"
    done
}

# server_stop NAME PID: SIGTERM, then SIGKILL after 5 s; processes of its tree that outlive it are
# reported (a server must take its workers down with it) and killed.
server_stop() {
    local name=$1 pid=$2 tree left=() p
    [ -n "$pid" ] || return 0
    tree=$(descendants "$pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    sleep 0.5
    for p in $tree; do kill -0 "$p" 2>/dev/null && left+=("$p"); done
    if [ ${#left[@]} -gt 0 ]; then
        log "$name (pid $pid) left ${#left[@]} process(es) behind after it stopped: ${left[*]} (killed)"
        echo "orphans_$name=${#left[@]}" >>"$WORK/machine.txt"
        kill -KILL "${left[@]}" 2>/dev/null || true
    fi
}

# call URL BODY OUT: one POST /function; prints the HTTP status.
call() {
    curl -sS -o "$3" -w '%{http_code}' --max-time "$TIMEOUT" -H 'Content-Type: application/json' \
        -H "Authorization: Bearer $TOKEN" --data-binary "@$2" "$1" || echo 000
}

# point WHO PID URL N: one page size against one server, one line in points.tsv.
point() {
    local who=$1 pid=$2 url=$3 n=$4 body out status load1 line rss
    body=$WORK/bodies/body-$n.json
    status=$(call "$url" "$body" "$WORK/answer-$who-$n.json")
    if [ "$status" != 200 ]; then
        log "$who: the $n-record call answered $status (first bytes: $(head -c 200 "$WORK/answer-$who-$n.json"))"
        printf '%s\t%s\tFAILED\n' "$who" "$n" >>"$WORK/points.tsv"
        return 0
    fi
    if [ "$WARMUP" != 0 ]; then
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout "${TIMEOUT}s" \
            -s "$BENCH/post.lua" "$url" -- "$body" "$TOKEN" >/dev/null || true
    fi
    load1=$(cut -d' ' -f1 /proc/loadavg)
    python3 "$BENCH/rss_peak.py" "$pid" "$RSS_INTERVAL_MS" "$WORK/rss-$who-$n.txt" &
    SAMPLER_PID=$!
    out=$WORK/wrk-$who-$n.txt
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout "${TIMEOUT}s" --latency \
        -s "$BENCH/post.lua" "$url" -- "$body" "$TOKEN" >"$out" 2>&1 || true
    kill -TERM "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=""
    line=$(grep '^HSBENCH ' "$out" || true)
    rss=$(cat "$WORK/rss-$who-$n.txt" 2>/dev/null || echo "0 0 0 0")
    if [ -z "$line" ]; then
        log "$who: wrk failed at $n records: $(tail -3 "$out")"
        printf '%s\t%s\tFAILED\n' "$who" "$n" >>"$WORK/points.tsv"
        return 0
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$who" "$n" "$line" "$rss" "$load1" >>"$WORK/points.tsv"
    log "$who $n records: $(sed -n 's/.*requests=\([0-9]*\) duration_us=[0-9]* p50_us=\([0-9]*\) p90_us=[0-9]* p99_us=\([0-9]*\).*/\1 requests, p50 \2 us, p99 \3 us/p' <<<"$line"), tree RSS peak $((${rss%% *} / 1024)) MB"
}

if [ "$SKIP_RUNNER" != 1 ] && port_in_use "$RUNNER_PORT"; then die "port $RUNNER_PORT is in use (set RUNNER_PORT)"; fi
if [ -n "$PEER_DIR" ] && port_in_use "$PEER_PORT"; then die "port $PEER_PORT is in use (set PEER_PORT)"; fi

# ---- machine --------------------------------------------------------------------------------------
{
    echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc=$(nproc)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "kernel=$(uname -r)"
    echo "mem_total_mb=$(($(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024))"
    echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "wrk=$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "node=$(node --version 2>/dev/null || echo none)"
    echo "git=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"
    echo "shape=${THREADS}x${CONNECTIONS} duration=${DURATION}s warmup=${WARMUP}s"
} >"$WORK/machine.txt"
log "results in $WORK"

# ---- bodies ---------------------------------------------------------------------------------------
python3 "$BENCH/make_pages.py" --data-dir "$DATA_DIR" --out "$WORK/bodies" \
    --sizes "$(tr ' ' ',' <<<"$SIZES")" >"$WORK/bodies.txt"

# ---- floor binary ---------------------------------------------------------------------------------
FLOOR_BIN=$BUILD_DIR/bench/cjson_floor
if [ ! -x "$FLOOR_BIN" ] || [ "$BENCH/cjson_floor.c" -nt "$FLOOR_BIN" ]; then
    FLOOR_BIN=$WORK/cjson_floor
    # shellcheck disable=SC2046  # pkg-config prints a list of flags
    ${CC:-cc} -std=c11 -O3 -DNDEBUG -D_GNU_SOURCE -Wall -Wextra -Werror "$BENCH/cjson_floor.c" \
        -o "$FLOOR_BIN" $(pkg-config --cflags --libs libcjson 2>/dev/null || echo -lcjson) ||
        die "cannot build the cJSON floor (Debian package libcjson-dev)"
fi
log "cJSON floor: $FLOOR_BIN"

# ---- servers (both run for the whole benchmark; points are interleaved per page size) -------------
# runner_start: starts the runner (appending to runner.out/.err); sets RUNNER_PID and RUNNER_URL.
RUNNER_URL=""
RUNNER_STARTS=0
runner_start() {
    local addr="" lines
    lines=$(wc -l <"$WORK/runner.out" 2>/dev/null || echo 0)
    # shellcheck disable=SC2086  # RUNNER_ARGS is a list of options
    HOOKSTACK_SYSTEM_TOKEN=$TOKEN "$HOOKSTACK_BIN" serve --port "$RUNNER_PORT" \
        --modules "$MODULES_DIR" $RUNNER_ARGS >>"$WORK/runner.out" 2>>"$WORK/runner.err" &
    RUNNER_PID=$!
    RUNNER_STARTS=$((RUNNER_STARTS + 1))
    for _ in $(seq 200); do
        addr=$(tail -n +"$((lines + 1))" "$WORK/runner.out" | sed -n 's/^listening on \([^ ]*\).*/\1/p' | head -1)
        [ -n "$addr" ] && break
        kill -0 "$RUNNER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$addr" ]; then
        log "runner did not print 'listening on': $(tail -3 "$WORK/runner.err")"
        server_stop runner "$RUNNER_PID"
        RUNNER_PID=""
        RUNNER_URL=""
        return 1
    fi
    RUNNER_URL="http://$addr/function"
    log "runner listening on $addr (pid $RUNNER_PID)"
}

# peer_start: starts the reference server (QUIET=1); sets PEER_PID and PEER_URL.
PEER_URL=""
PEER_STARTS=0
peer_start() {
    PEER_URL=""
    (cd "$PEER_DIR" && QUIET=1 MODE=diy PORT=$PEER_PORT SYSTEM_TOKEN=$TOKEN exec node server.js) \
        >>"$WORK/peer.out" 2>>"$WORK/peer.err" &
    PEER_PID=$!
    PEER_STARTS=$((PEER_STARTS + 1))
    for _ in $(seq 200); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PEER_PORT/healthCheck")" = 200 ]; then
            PEER_URL="http://127.0.0.1:$PEER_PORT/function"
            log "peer listening on 127.0.0.1:$PEER_PORT (pid $PEER_PID, QUIET=1)"
            return 0
        fi
        kill -0 "$PEER_PID" 2>/dev/null || break
        sleep 0.1
    done
    log "peer did not start: $(tail -3 "$WORK/peer.err")"
    server_stop peer "$PEER_PID"
    PEER_PID=""
    return 1
}

# run_point WHO N: restarts WHO if it died during an earlier point, measures, notes a crash.
run_point() {
    local who=$1 n=$2 pid url
    if [ "$who" = runner ]; then pid=$RUNNER_PID; else pid=$PEER_PID; fi
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
        log "$who is not running any more; starting it again for the $n-record point"
        if [ "$who" = runner ]; then runner_start || true; else peer_start || true; fi
        if [ "$who" = runner ]; then pid=$RUNNER_PID; else pid=$PEER_PID; fi
        if [ -z "$pid" ]; then
            printf '%s\t%s\tFAILED\n' "$who" "$n" >>"$WORK/points.tsv"
            return 0
        fi
    fi
    if [ "$who" = runner ]; then url=$RUNNER_URL; else url=$PEER_URL; fi
    point "$who" "$pid" "$url" "$n"
    if ! kill -0 "$pid" 2>/dev/null; then
        local st=0
        wait "$pid" 2>/dev/null || st=$?
        log "$who (pid $pid) DIED during the $n-record point (wait status $st)"
        echo "died_${who}_$n=1" >>"$WORK/machine.txt"
    fi
}

if [ "$SKIP_RUNNER" = 1 ]; then
    echo "runner skipped: SKIP_RUNNER=1" >"$WORK/runner-skip.txt"
    log "runner skipped (SKIP_RUNNER=1)"
elif [ ! -x "$HOOKSTACK_BIN" ] || [ ! -d "$MODULES_DIR" ]; then
    echo "runner skipped: $HOOKSTACK_BIN or $MODULES_DIR missing" >"$WORK/runner-skip.txt"
    log "runner skipped: $HOOKSTACK_BIN or $MODULES_DIR missing (set BUILD_DIR)"
elif ! runner_start; then
    echo "runner skipped: did not start ($(tail -1 "$WORK/runner.err"))" >"$WORK/runner-skip.txt"
fi
HAVE_RUNNER=$([ -n "$RUNNER_URL" ] && echo 1 || echo 0)

if [ -z "$PEER_DIR" ] || [ ! -f "$PEER_DIR/server.js" ]; then
    echo "peer skipped: PEER_DIR ${PEER_DIR:-is not set}${PEER_DIR:+ has no server.js}" >"$WORK/peer-skip.txt"
    log "peer skipped: set PEER_DIR to the reference server's folder (the one with server.js)"
elif ! peer_start; then
    echo "peer skipped: did not start" >"$WORK/peer-skip.txt"
fi
HAVE_PEER=$([ -n "$PEER_URL" ] && echo 1 || echo 0)

# ---- points: per page size, the floor, then the runner, then the peer -----------------------------
echo -e "records\tbody_bytes\tanswer_bytes\titerations\tmedian_us\tmin_us\tceiling_2core_rps" \
    >"$WORK/floor.tsv"
for n in $SIZES; do
    "$FLOOR_BIN" --min-seconds "$FLOOR_SECONDS" "$WORK/bodies/body-$n.json" | tail -n +2 \
        >>"$WORK/floor.tsv"
    log "floor $n records: $(tail -1 "$WORK/floor.tsv" | cut -f5) us median"
    if [ "$HAVE_RUNNER" = 1 ]; then run_point runner "$n"; fi
    if [ "$HAVE_PEER" = 1 ]; then run_point peer "$n"; fi
done
server_stop runner "$RUNNER_PID"
RUNNER_PID=""
server_stop peer "$PEER_PID"
PEER_PID=""
{
    echo "starts_runner=$RUNNER_STARTS"
    echo "starts_peer=$PEER_STARTS"
    echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)"
    for n in $SIZES; do
        a=$WORK/answer-runner-$n.json
        b=$WORK/answer-peer-$n.json
        if [ -f "$a" ] && [ -f "$b" ]; then
            if cmp -s "$a" "$b"; then echo "same_answer_$n=yes"; else echo "same_answer_$n=NO"; fi
        fi
    done
} >>"$WORK/machine.txt"

python3 "$BENCH/report.py" "$WORK" | tee "$WORK/results.md"
