#!/bin/sh
# sfns_match.sh — benchmark of `hookstack sfns match` (the go-live contact matching report):
# for each size N, bench/sfns_gen writes N Salesforce and N NetSuite contacts with planted
# duplicates (fixed seed), the report runs RUNS times under /usr/bin/time -v, and sfns_gen score
# computes precision and recall from the CSV. Prints a Markdown table: median wall time, median
# CPU time (user + system), median peak RSS, pairs compared, precision and recall.
#
#   BUILD_DIR=build bench/sfns_match.sh            # sizes 25000 100000, RUNS=3
#   SIZES="2000 25000 100000" RUNS=5 WORK=/tmp/sfns-bench bench/sfns_match.sh
#
# Needs a build with the targets hookstack and bench_sfns_gen (Release for the quoted numbers:
# cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DHS_SANITIZERS=OFF).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
SIZES=${SIZES:-"25000 100000"}
RUNS=${RUNS:-3}
SEED=${SEED:-11}
WORK=${WORK:-$(mktemp -d /tmp/sfns-match-bench-XXXXXX)}
BIN=$BUILD_DIR/hookstack
GEN=$BUILD_DIR/bench/sfns_gen
for f in "$BIN" "$GEN" /usr/bin/time; do
    [ -x "$f" ] || { echo "sfns_match.sh: $f is missing (build hookstack and bench_sfns_gen)" >&2; exit 2; }
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "| contacts (SF x NS) | wall s (median) | CPU s (median) | peak RSS MB (median) | pairs compared | NS precision | NS recall | SF-dup precision | SF-dup recall |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in $SIZES; do
    d=$WORK/$n
    mkdir -p "$d"
    "$GEN" generate --count "$n" --seed "$SEED" --dir "$d"
    : > "$d/wall" ; : > "$d/cpu" ; : > "$d/rss"
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        /usr/bin/time -v "$BIN" sfns match --salesforce "$d/sf_contacts.json" \
            --netsuite "$d/ns_contacts.json" --salesforce-accounts "$d/sf_accounts.json" \
            --netsuite-customers "$d/ns_customers.json" --out "$d/report.csv" \
            > "$d/summary.txt" 2> "$d/time.txt"
        awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
                    for (k = 1; k <= n; k++) s = s * 60 + t[k]; print s }' "$d/time.txt" >> "$d/wall"
        awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' \
            "$d/time.txt" >> "$d/cpu"
        awk -F': ' '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }' "$d/time.txt" >> "$d/rss"
        i=$((i + 1))
    done
    "$GEN" score --truth "$d/truth.csv" --report "$d/report.csv" > "$d/score.txt" || true
    pairs=$(sed -n 's/.* contacts, \([0-9]*\) pairs compared.*/\1/p' "$d/summary.txt")
    nsp=$(sed -n 's/^netsuite matches: precision \([0-9.]*\).*recall \([0-9.]*\).*/\1/p' "$d/score.txt")
    nsr=$(sed -n 's/^netsuite matches: precision \([0-9.]*\).*recall \([0-9.]*\).*/\2/p' "$d/score.txt")
    sfp=$(sed -n 's/^salesforce duplicates: precision \([0-9.]*\).*recall \([0-9.]*\).*/\1/p' "$d/score.txt")
    sfr=$(sed -n 's/^salesforce duplicates: precision \([0-9.]*\).*recall \([0-9.]*\).*/\2/p' "$d/score.txt")
    echo "| $n x $n | $(median < "$d/wall") | $(median < "$d/cpu") | $(median < "$d/rss") | $pairs | $nsp | $nsr | $sfp | $sfr |"
done
echo
echo "raw output: $WORK (per size: time.txt, summary.txt, score.txt, report.csv)"
