#!/bin/sh
# run.sh — `make soak`: 100,000 POST /function calls (SOAK_CALLS) through one runner built with
# AddressSanitizer + UBSan ($BUILD/hookstack-asan, its protocol-modules-asan and test-modules-asan), over
# SOAK_THREADS kept-alive connections, with a module reload (SIGHUP) every SOAK_RELOAD_EVERY calls;
# every answer is compared (tests/soak/soak_client.c, built here with cc and libcurl). Then
# SIGTERM: the runner must exit 0, and its log (front and workers, which run a leak check when
# they end) must hold no sanitizer report, no failed call and no worker death.
# Exit status 0 when all of that holds; the log is kept in $SOAK_WORK (printed).
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
CALLS=${SOAK_CALLS:-100000}
THREADS=${SOAK_THREADS:-8}
RELOAD_EVERY=${SOAK_RELOAD_EVERY:-25000}
WORKERS=${SOAK_WORKERS:-2}
BIN=$BUILD/hookstack-asan
WORK=${SOAK_WORK:-$(mktemp -d /tmp/hookstack-soak.XXXXXX)}
TOKEN="soak-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"

die() { echo "soak: $*" >&2; exit 2; }
[ -x "$BIN" ] || die "$BIN not found (configure with -DHS_SANITIZERS=ON and build first)"
[ -f "$BUILD/test-modules-asan/faults.so" ] || die "$BUILD/test-modules-asan/faults.so not found"

mkdir -p "$WORK/modules"
ln -sf "$BUILD/test-modules-asan/faults.so" "$WORK/modules/faults.so"
${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -o "$WORK/soak_client" "$ROOT/tests/soak/soak_client.c" \
    $(pkg-config --cflags --libs libcurl) -lpthread

ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0:quarantine_size_mb=16" \
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
LSAN_OPTIONS="suppressions=$ROOT/tests/suppressions/lsan.supp" \
HOOKSTACK_SYSTEM_TOKEN="$TOKEN" \
    "$BIN" serve --port 0 --workers "$WORKERS" --modules "$BUILD/protocol-modules-asan" \
    --modules "$WORK/modules" >"$WORK/stdout" 2>"$WORK/server.log" &
PID=$!
trap 'kill -9 $PID 2>/dev/null || true' EXIT
PORT=""
for _ in $(seq 1 300); do
    PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/stdout")
    [ -n "$PORT" ] && break
    kill -0 $PID 2>/dev/null || die "the runner exited at start; see $WORK/server.log"
    sleep 0.1
done
[ -n "$PORT" ] || die "the runner did not listen within 30 s"
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$PID/status"; }
RSS0=$(rss)

status=0
"$WORK/soak_client" "$PORT" "$TOKEN" "$PID" "$CALLS" "$THREADS" "$RELOAD_EVERY" || status=1
RSS1=$(rss)
kill -TERM $PID
code=0
wait $PID || code=$?
trap - EXIT
echo "soak: front VmRSS ${RSS0} kB before, ${RSS1} kB after; runner exit status $code"
[ "$code" = 0 ] || { echo "soak: the runner did not exit 0"; status=1; }
# Sanitizer reports (the workers' come as worker_output lines), failed or replaced workers, and
# any error line of the runner itself (level=error as the line's own level, not inside a message).
for pat in "ERROR: AddressSanitizer" "LeakSanitizer" "runtime error:" "^ts=[^ ]* level=error " \
           "^ts=[^ ]* level=[a-z]* event=worker_died " "^ts=[^ ]* level=[a-z]* event=worker_exit " \
           "^ts=[^ ]* level=[a-z]* event=reload_refused "; do
    n=$(grep -c -E -- "$pat" "$WORK/server.log" || true)
    if [ "$n" != 0 ]; then
        echo "soak: $n log line(s) matching '$pat':"
        grep -m 5 -E -- "$pat" "$WORK/server.log"
        status=1
    fi
done
echo "soak: $(grep -c 'event=reloaded' "$WORK/server.log" || true) reload(s); log in $WORK/server.log"
[ $status = 0 ] && echo "soak: ok (zero errors, zero leaks)" || echo "soak: FAILED"
exit $status
