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
#   BUILD_DIR      build folder with hookstack and modules/ (default: <repo>/build)
#   HOOKSTACK_BIN  runner binary (default: $BUILD_DIR/hookstack); RUNNER_ARGS extra serve options
#   MODULES_DIR    modules folder (default: $BUILD_DIR/modules)
#   DATA_DIR       shared sample data (default: $HS_SHARED_DIR/data, else <repo>/../shared/data)
#   PEER_DIR       folder with the reference server's server.js; unset = peer columns skipped
#   SIZES          page sizes (default "1 20 100 1000")
#   DURATION       seconds measured per point (default 10); WARMUP seconds discarded before (2)
#   THREADS, CONNECTIONS   wrk load shape (default 2 x 32); TIMEOUT wrk request timeout s (60)
#   RUNNER_PORT, PEER_PORT (default 7200, 7100); RSS_INTERVAL_MS (100); FLOOR_SECONDS (2)
#   SKIP_RUNNER=1  measure only the peer and the floor (to test this script)
#   WORK           folder for bodies, raw outputs and results.md (default: a new /tmp folder)
# Exit status: 0 when every point ran with only 2xx answers, 1 otherwise, 2 on bad setup.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$REPO/bench
BUILD_DIR=${BUILD_DIR:-$REPO/build}
HOOKSTACK_BIN=${HOOKSTACK_BIN:-$BUILD_DIR/hookstack}
MODULES_DIR=${MODULES_DIR:-$BUILD_DIR/modules}
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
RUNNER_PORT=${RUNNER_PORT:-7200}
PEER_PORT=${PEER_PORT:-7100}
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
            -s "$BENCH/post.lua" "$url" -- "$body" "$TOKEN" >/dev/null
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
    echo "git=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
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
RUNNER_URL=""
if [ "$SKIP_RUNNER" = 1 ]; then
    echo "runner skipped: SKIP_RUNNER=1" >"$WORK/runner-skip.txt"
    log "runner skipped (SKIP_RUNNER=1)"
elif [ ! -x "$HOOKSTACK_BIN" ] || [ ! -d "$MODULES_DIR" ]; then
    echo "runner skipped: $HOOKSTACK_BIN or $MODULES_DIR missing" >"$WORK/runner-skip.txt"
    log "runner skipped: $HOOKSTACK_BIN or $MODULES_DIR missing (set BUILD_DIR)"
else
    port_in_use "$RUNNER_PORT" && die "port $RUNNER_PORT is in use (set RUNNER_PORT)"
    # shellcheck disable=SC2086  # RUNNER_ARGS is a list of options
    HOOKSTACK_SYSTEM_TOKEN=$TOKEN "$HOOKSTACK_BIN" serve --port "$RUNNER_PORT" \
        --modules "$MODULES_DIR" $RUNNER_ARGS >"$WORK/runner.out" 2>"$WORK/runner.err" &
    RUNNER_PID=$!
    addr=""
    for _ in $(seq 200); do
        addr=$(sed -n 's/^listening on \([^ ]*\).*/\1/p' "$WORK/runner.out" | head -1)
        [ -n "$addr" ] && break
        kill -0 "$RUNNER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$addr" ]; then
        log "runner did not print 'listening on': $(tail -3 "$WORK/runner.err")"
        echo "runner skipped: did not start ($(tail -1 "$WORK/runner.err"))" >"$WORK/runner-skip.txt"
        server_stop runner "$RUNNER_PID"
        RUNNER_PID=""
    else
        RUNNER_URL="http://$addr/function"
        log "runner listening on $addr (pid $RUNNER_PID)"
    fi
fi

PEER_URL=""
if [ -z "$PEER_DIR" ] || [ ! -f "$PEER_DIR/server.js" ]; then
    echo "peer skipped: PEER_DIR ${PEER_DIR:-is not set}${PEER_DIR:+ has no server.js}" >"$WORK/peer-skip.txt"
    log "peer skipped: set PEER_DIR to the reference server's folder (the one with server.js)"
else
    port_in_use "$PEER_PORT" && die "port $PEER_PORT is in use (set PEER_PORT)"
    (cd "$PEER_DIR" && QUIET=1 MODE=diy PORT=$PEER_PORT SYSTEM_TOKEN=$TOKEN exec node server.js) \
        >"$WORK/peer.out" 2>"$WORK/peer.err" &
    PEER_PID=$!
    for _ in $(seq 200); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PEER_PORT/healthCheck")" = 200 ]; then
            PEER_URL="http://127.0.0.1:$PEER_PORT/function"
            break
        fi
        kill -0 "$PEER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -n "$PEER_URL" ]; then
        log "peer listening on 127.0.0.1:$PEER_PORT (pid $PEER_PID, QUIET=1)"
    else
        log "peer did not start: $(tail -3 "$WORK/peer.err")"
        echo "peer skipped: did not start" >"$WORK/peer-skip.txt"
        server_stop peer "$PEER_PID"
        PEER_PID=""
    fi
fi

# ---- points: per page size, the floor, then the runner, then the peer -----------------------------
echo -e "records\tbody_bytes\tanswer_bytes\titerations\tmedian_us\tmin_us\tceiling_2core_rps" \
    >"$WORK/floor.tsv"
for n in $SIZES; do
    "$FLOOR_BIN" --min-seconds "$FLOOR_SECONDS" "$WORK/bodies/body-$n.json" | tail -n +2 \
        >>"$WORK/floor.tsv"
    log "floor $n records: $(tail -1 "$WORK/floor.tsv" | cut -f5) us median"
    if [ -n "$RUNNER_URL" ]; then point runner "$RUNNER_PID" "$RUNNER_URL" "$n"; fi
    if [ -n "$PEER_URL" ]; then point peer "$PEER_PID" "$PEER_URL" "$n"; fi
done
server_stop runner "$RUNNER_PID"
RUNNER_PID=""
server_stop peer "$PEER_PID"
PEER_PID=""

echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine.txt"
for n in $SIZES; do
    a=$WORK/answer-runner-$n.json
    b=$WORK/answer-peer-$n.json
    if [ -f "$a" ] && [ -f "$b" ]; then
        if cmp -s "$a" "$b"; then echo "same_answer_$n=yes"; else echo "same_answer_$n=NO"; fi
    fi
done >>"$WORK/machine.txt"

python3 "$BENCH/report.py" "$WORK" | tee "$WORK/results.md"
