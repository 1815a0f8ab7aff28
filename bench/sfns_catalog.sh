#!/bin/sh
# sfns_catalog.sh — benchmark of `hookstack sfns catalog` (the catalog workbench): for each size
# N, bench/catalog_gen writes about N Salesforce products and N NetSuite items with known answers
# (fixed seed), the command runs RUNS times under /usr/bin/time -v, and catalog_gen score computes
# precision and recall from the proposals. Prints a Markdown table: median wall time, median CPU
# time (user + system), median peak RSS, the counts, precision, recall, accepted precision.
#
#   BUILD_DIR=build-bench bench/sfns_catalog.sh            # sizes 5000 25000 50000, RUNS=3
#   SIZES="5000 50000" RUNS=5 WORK=/tmp/catalog-bench bench/sfns_catalog.sh
#
# Needs a build with the targets hookstack and bench_catalog_gen (Release for the quoted numbers:
# cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DHS_SANITIZERS=OFF).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
SIZES=${SIZES:-"5000 25000 50000"}
RUNS=${RUNS:-3}
SEED=${SEED:-7}
WORK=${WORK:-$(mktemp -d /tmp/sfns-catalog-bench-XXXXXX)}
BIN=$BUILD_DIR/hookstack
GEN=$BUILD_DIR/bench/catalog_gen
for f in "$BIN" "$GEN" /usr/bin/time; do
    [ -x "$f" ] || { echo "sfns_catalog.sh: $f is missing (build hookstack and bench_catalog_gen)" >&2; exit 2; }
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "| products x items | wall s (median) | CPU s (median) | peak RSS MB (median) | precision | recall | accepted precision | accepted | review file rows |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in $SIZES; do
    d=$WORK/$n
    mkdir -p "$d"
    "$GEN" generate --count "$n" --seed "$SEED" --dir "$d" > "$d/generated.txt"
    : > "$d/wall" ; : > "$d/cpu" ; : > "$d/rss"
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        /usr/bin/time -v "$BIN" sfns catalog --salesforce "$d/sf_products.json" \
            --pricebook-entries "$d/sf_entries.csv" --salesforce-bundles "$d/sf_bundles.csv" \
            --netsuite "$d/ns_items.json" --settings "$d/settings.json" --out "$d/out" \
            > "$d/summary.txt" 2> "$d/time.txt"
        awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
                    for (k = 1; k <= n; k++) s = s * 60 + t[k]; print s }' "$d/time.txt" >> "$d/wall"
        awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' \
            "$d/time.txt" >> "$d/cpu"
        awk -F': ' '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }' "$d/time.txt" >> "$d/rss"
        i=$((i + 1))
    done
    "$GEN" score --truth "$d/truth.csv" --proposals "$d/out/catalog-proposals.csv" > "$d/score.txt" || true
    counts=$(sed -n 's/^\([0-9]*\) products, \([0-9]*\) items$/\1 x \2/p' "$d/generated.txt")
    p=$(sed -n 's/^proposals: precision \([0-9.]*\) recall \([0-9.]*\).*/\1/p' "$d/score.txt")
    r=$(sed -n 's/^proposals: precision \([0-9.]*\) recall \([0-9.]*\).*/\2/p' "$d/score.txt")
    a=$(sed -n 's/^accepted: precision \([0-9.]*\).*/\1/p' "$d/score.txt")
    acc=$(sed -n 's/^  accepted *\([0-9]*\)$/\1/p' "$d/summary.txt")
    rev=$(sed -n 's/^review: .*(\([0-9]*\) rows)$/\1/p' "$d/summary.txt")
    echo "| $counts | $(median < "$d/wall") | $(median < "$d/cpu") | $(median < "$d/rss") | $p | $r | $a | $acc | $rev |"
done
echo
echo "raw output: $WORK (per size: time.txt, summary.txt, score.txt, out/)"
