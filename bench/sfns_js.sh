#!/usr/bin/env bash
# sfns_js.sh — benchmark of the sfns hooks against the same logic in JavaScript on Celigo's
# reference Node server, side by side in one run: the runner with the sfns module (a Release
# build) and the reference server with bench/sfns_peer.js as its DIY module (the JavaScript ports
# bench/sfns_invoice.js, sfns_accounts.js, sfns_contacts.js and sfns_orders.js), on POST /function
# calls carrying one page of records per function: sfnsAccountToCustomer, sfnsContactToContact
# and sfnsOpportunityToSalesOrder (Salesforce Accounts, Contacts with lookup candidates,
# Opportunities with line items: bench/sfns_pages_gen.py) and sfnsInvoiceStatus (NetSuite
# invoices, payments and credit memos: bench/sfns_invoice_gen.py); 200 records by default.
#
# Per function and page size: one curl call to each server first, whose answers must be equal as
# JSON values (else the run stops: the port is wrong); then, interleaved (runner, peer), wrk
# THREADS x CONNECTIONS for WARMUP s (discarded) and DURATION s with bench/post.lua: requests/s,
# p50, p99 from wrk's histogram, and the peak RSS of each server's whole process tree
# (bench/rss_peak.py, every RSS_INTERVAL_MS). Prints a Markdown table and the ratios; raw output
# stays in WORK.
#
# Environment (all optional but PEER_DIR):
#   BUILD_DIR      build with hookstack and modules/sfns.so (default <repo>/build; quote numbers
#                  from a Release build: cmake -DCMAKE_BUILD_TYPE=Release -DHS_SANITIZERS=OFF)
#   DATA_DIR       shared sample data (default $HS_SHARED_DIR/data, else <repo>/../shared/data)
#   PEER_DIR       folder with the reference server's server.js, which starts it with the module
#                  at $SFNS_JS (set here to bench/sfns_peer.js) as its DIY module (required; never
#                  inside this repository)
#   FUNCTIONS      ("sfnsAccountToCustomer sfnsContactToContact sfnsOpportunityToSalesOrder
#                  sfnsInvoiceStatus"), SIZES ("200"), SEED (7), DURATION (10), WARMUP (2),
#                  THREADS (2), CONNECTIONS (32), RUNNER_PORT (17210), PEER_PORT (17110),
#                  RSS_INTERVAL_MS (100), WORK (a new /tmp folder)
# Exit status: 0 when every point ran with only 2xx answers, 1 otherwise, 2 on bad setup.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$REPO/bench
ME=$(basename "$0")
BUILD_DIR=${BUILD_DIR:-$REPO/build}
if [ -z "${DATA_DIR:-}" ]; then
    if [ -n "${HS_SHARED_DIR:-}" ]; then DATA_DIR=$HS_SHARED_DIR/data; else DATA_DIR=$REPO/../shared/data; fi
fi
PEER_DIR=${PEER_DIR:-}
FUNCTIONS=${FUNCTIONS:-sfnsAccountToCustomer sfnsContactToContact sfnsOpportunityToSalesOrder sfnsInvoiceStatus}
SIZES=${SIZES:-200}
SEED=${SEED:-7}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
RUNNER_PORT=${RUNNER_PORT:-17210}
PEER_PORT=${PEER_PORT:-17110}
RSS_INTERVAL_MS=${RSS_INTERVAL_MS:-100}
WORK=${WORK:-$(mktemp -d /tmp/sfns-js-bench.XXXXXX)}
TOKEN="bench-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"

die() { echo "$ME: $*" >&2; exit 2; }
log() { echo "$ME: $*" >&2; }

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
    sed -n '2,/^# Exit status/p' "$BENCH/sfns_js.sh" | sed 's/^# \{0,1\}//'
    exit 0
fi
[ $# -eq 0 ] || die "unknown argument \"$1\" (settings come from the environment; see --help)"
for tool in wrk curl python3 node; do command -v "$tool" >/dev/null || die "$tool not found"; done
[ -x "$BUILD_DIR/hookstack" ] && [ -f "$BUILD_DIR/modules/sfns.so" ] ||
    die "$BUILD_DIR/hookstack or $BUILD_DIR/modules/sfns.so missing (set BUILD_DIR)"
[ -n "$PEER_DIR" ] && [ -f "$PEER_DIR/server.js" ] || die "set PEER_DIR to the folder of the peer's server.js"
[ -d "$DATA_DIR" ] || die "sample data folder $DATA_DIR not found"
mkdir -p "$WORK"
: >"$WORK/points.tsv"

RUNNER_PID="" PEER_PID="" SAMPLER_PID=""
cleanup() {
    local p
    for p in "$SAMPLER_PID" "$RUNNER_PID" "$PEER_PID"; do
        if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; fi
    done
}
trap cleanup EXIT

{
    echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc=$(nproc)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "node=$(node --version)"
    echo "git=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"
    echo "shape=${THREADS}x${CONNECTIONS} duration=${DURATION}s warmup=${WARMUP}s"
} >"$WORK/machine.txt"
log "results in $WORK"

HOOKSTACK_SYSTEM_TOKEN=$TOKEN "$BUILD_DIR/hookstack" serve --port "$RUNNER_PORT" \
    --modules "$BUILD_DIR/modules" >"$WORK/runner.out" 2>"$WORK/runner.err" &
RUNNER_PID=$!
(cd "$PEER_DIR" && SFNS_JS=$BENCH/sfns_peer.js QUIET=1 PORT=$PEER_PORT SYSTEM_TOKEN=$TOKEN exec node server.js) \
    >"$WORK/peer.out" 2>"$WORK/peer.err" &
PEER_PID=$!
for _ in $(seq 100); do
    r=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$RUNNER_PORT/healthCheck" || true)
    p=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PEER_PORT/healthCheck" || true)
    [ "$r" = 200 ] && [ "$p" = 200 ] && break
    sleep 0.1
done
[ "$r" = 200 ] || die "the runner did not start: $(tail -3 "$WORK/runner.err")"
[ "$p" = 200 ] || die "the peer did not start: $(tail -3 "$WORK/peer.err")"

call() {
    curl -sS -o "$3" -w '%{http_code}' --max-time 60 -H 'Content-Type: application/json' \
        -H "Authorization: Bearer $TOKEN" --data-binary "@$2" "$1" || echo 000
}

# Writes the request body of function $1 with $2 records to $3 (and prints what it holds).
make_body() {
    case "$1" in
    sfnsInvoiceStatus)
        python3 "$BENCH/sfns_invoice_gen.py" --data-dir "$DATA_DIR" --records "$2" --seed "$SEED" --out "$3" ;;
    sfnsAccountToCustomer | sfnsContactToContact | sfnsOpportunityToSalesOrder)
        python3 "$BENCH/sfns_pages_gen.py" --function "$1" --data-dir "$DATA_DIR" --records "$2" \
            --seed "$SEED" --out "$3" ;;
    *)
        echo "no page generator for function \"$1\"" >&2
        return 1 ;;
    esac
}

# One load point: server $1 (pid $2, url $3), function $4, page of $5 records.
point() {
    local who=$1 pid=$2 url=$3 fn=$4 n=$5 body=$WORK/body-$4-$5.json out line rss load1
    if [ "$WARMUP" != 0 ]; then
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 60s -s "$BENCH/post.lua" \
            "$url" -- "$body" "$TOKEN" >/dev/null || true
    fi
    load1=$(cut -d' ' -f1 /proc/loadavg)
    python3 "$BENCH/rss_peak.py" "$pid" "$RSS_INTERVAL_MS" "$WORK/rss-$who-$fn-$n.txt" &
    SAMPLER_PID=$!
    out=$WORK/wrk-$who-$fn-$n.txt
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 60s --latency \
        -s "$BENCH/post.lua" "$url" -- "$body" "$TOKEN" >"$out" 2>&1 || true
    kill -TERM "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=""
    line=$(grep '^HSBENCH ' "$out" || true)
    rss=$(cut -d' ' -f1 "$WORK/rss-$who-$fn-$n.txt" 2>/dev/null || echo 0)
    [ -n "$line" ] || { log "$who: wrk failed at $fn, $n records: $(tail -3 "$out")"; return 1; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$who" "$fn" "$n" "$line" "$rss" "$load1" >>"$WORK/points.tsv"
    log "$who $fn $n records: $line rss_kb=$rss load=$load1"
}

# Exit 0 when the two answers ($1, $2) of function $3 are equal as JSON values (says what they
# hold), 1 when they differ (says where).
same_answers() {
    python3 - "$@" <<'PY'
import collections, json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
fn = sys.argv[3]
if a != b:
    ea = a if isinstance(a, list) else [a]
    eb = b if isinstance(b, list) else [b]
    bad = [i for i in range(max(len(ea), len(eb))) if i >= len(ea) or i >= len(eb) or ea[i] != eb[i]]
    print("%s: %d answer elements differ, the first at index %d" % (fn, len(bad), bad[0]), file=sys.stderr)
    sys.exit(1)
if isinstance(a, list):  # a preMap answer: one element per record
    kinds = collections.Counter("errors" if "errors" in e else "data" if "data" in e else "skipped" for e in a)
    print("%s: answers equal: %s" % (fn, ", ".join("%d %s" % (v, k) for k, v in sorted(kinds.items()))), file=sys.stderr)
else:
    print("%s: answers equal: %d records written, %d errors" % (fn, len(a["data"]), len(a["errors"])), file=sys.stderr)
PY
}

status=0
for fn in $FUNCTIONS; do
    for n in $SIZES; do
        body=$WORK/body-$fn-$n.json
        make_body "$fn" "$n" "$body" >"$WORK/body-$fn-$n.txt" || die "no request body for $fn"
        log "$fn body: $(cat "$WORK/body-$fn-$n.txt")"
        a=$(call "http://127.0.0.1:$RUNNER_PORT/function" "$body" "$WORK/answer-runner-$fn-$n.json")
        b=$(call "http://127.0.0.1:$PEER_PORT/function" "$body" "$WORK/answer-peer-$fn-$n.json")
        [ "$a" = 200 ] && [ "$b" = 200 ] || die "$fn: answers $a (runner) and $b (peer) at $n records"
        same_answers "$WORK/answer-runner-$fn-$n.json" "$WORK/answer-peer-$fn-$n.json" "$fn" ||
            die "the answers of $fn differ at $n records (see $WORK): the JavaScript port is wrong"
        echo "same_answer_${fn}_$n=yes" >>"$WORK/machine.txt"
        point runner "$RUNNER_PID" "http://127.0.0.1:$RUNNER_PORT/function" "$fn" "$n" || status=1
        point peer "$PEER_PID" "http://127.0.0.1:$PEER_PORT/function" "$fn" "$n" || status=1
    done
done
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine.txt"

python3 - "$WORK" <<'PY' | tee "$WORK/results.md"
import sys
work = sys.argv[1]
pts, order = {}, []
for line in open(work + "/points.tsv"):
    who, fn, n, hs, rss, load = line.rstrip("\n").split("\t")
    kv = dict(x.split("=") for x in hs.split()[1:])
    rps = int(kv["requests"]) / (int(kv["duration_us"]) / 1e6)
    errs = sum(int(kv[k]) for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts"))
    pts[(who, fn, n)] = (rps, int(kv["p50_us"]) / 1000, int(kv["p99_us"]) / 1000, int(rss) / 1024, errs, load)
    if (fn, n) not in order:
        order.append((fn, n))
print(open(work + "/machine.txt").read().strip().replace("\n", "; "))
print()
print("| function | records | runner req/s | runner p50 | runner p99 | runner RSS | peer req/s | peer p50 | peer p99 | peer RSS | req/s ratio | p99 ratio | RSS ratio |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
notes = []
for fn, n in order:
    r, p = pts.get(("runner", fn, n)), pts.get(("peer", fn, n))
    if not r or not p:
        continue
    print("| %s | %s | %.0f | %.2f ms | %.2f ms | %.0f MB | %.0f | %.2f ms | %.2f ms | %.0f MB | %.2fx | %.1fx | %.1fx |" % (
        fn, n, r[0], r[1], r[2], r[3], p[0], p[1], p[2], p[3], r[0] / p[0], p[2] / r[2], p[3] / r[3]))
    if r[4] or p[4]:
        notes.append("%s at %s records: non-2xx or socket errors: runner %d, peer %d" % (fn, n, r[4], p[4]))
for note in notes:
    print("\n" + note)
PY
exit $status
