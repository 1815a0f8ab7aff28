#!/bin/sh
# golden.sh — one golden run of `hookstack flows run` (docs/flows.md): runs the flow named in
# tests/flows-golden/CASE/flow on CASE/input.json (with CASE/responses.json and CASE/settings.json
# when present) against the repository's flows/ and the modules of MODS, with --trace, and
# compares: standard output with CASE/expected.json and the "[trace] STAGE JSON" lines with
# CASE/trace.expected (every stage's records; CASE/args adds options), or, for a case with CASE/expected.status, the exit
# status and the error line with CASE/expected.stderr. HS_GOLDEN_UPDATE=1 rewrites the expected
# files (review the diff before committing them).
#
# usage: golden.sh HOOKSTACK MODS SOURCE_DIR CASE
set -eu
bin=$1 mods=$2 src=$3 case=$4
d=$src/tests/flows-golden/$case
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flow=$(cat "$d/flow")
set -- flows run "$flow" --input "$d/input.json" --trace --dir "$src/flows" --modules "$mods"
[ -f "$d/responses.json" ] && set -- "$@" --responses "$d/responses.json"
[ -f "$d/settings.json" ] && set -- "$@" --settings "$d/settings.json"
# CASE/args: more options, whitespace-separated (such as --export-time 2024-03-01T00:00:00Z)
[ -f "$d/args" ] && set -- "$@" $(cat "$d/args")
status=0
"$bin" "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
grep '^\[trace\] ' "$tmp/err" >"$tmp/trace" || true
# the error line, with the case folder's path made relative
grep '^hookstack flows run: ' "$tmp/err" | sed "s#$src/##g" >"$tmp/errline" || true

if [ -f "$d/expected.status" ]; then
    if [ "${HS_GOLDEN_UPDATE:-}" = 1 ]; then
        echo "$status" >"$d/expected.status"
        cp "$tmp/errline" "$d/expected.stderr"
        exit 0
    fi
    want=$(cat "$d/expected.status")
    if [ "$status" != "$want" ]; then
        echo "$case: exit status $status, expected $want" >&2
        cat "$tmp/err" >&2
        exit 1
    fi
    diff -u "$d/expected.stderr" "$tmp/errline"
    exit 0
fi
if [ "$status" != 0 ]; then
    echo "$case: hookstack flows run failed ($status):" >&2
    cat "$tmp/err" >&2
    exit 1
fi
allow=/dev/null
[ -f "$d/mapcheck.allow" ] && allow=$d/mapcheck.allow
mapcheck=0
sh "$src/tests/flows-golden/mapcheck.sh" "$src/flows" "$tmp/trace" "$allow" "$flow" || mapcheck=1
if [ "${HS_GOLDEN_UPDATE:-}" = 1 ]; then
    cp "$tmp/out" "$d/expected.json"
    cp "$tmp/trace" "$d/trace.expected"
    exit $mapcheck
fi
diff -u "$d/expected.json" "$tmp/out"
diff -u "$d/trace.expected" "$tmp/trace"
exit $mapcheck
