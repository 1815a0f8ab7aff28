#!/bin/sh
# run.sh — `make fuzz`: builds every tests/fuzz/fuzz_<name>.c with clang and libFuzzer plus
# ASan+UBSan into build-fuzz/, then runs each for FUZZ_SECONDS (first argument, default 600),
# starting from a copy of tests/fuzz/corpus/<name>/ (the repository's seeds are not modified).
# Crashing inputs land in build-fuzz/artifacts-<name>/; copy one into the corpus to keep it as a
# regression test (ctest replays the corpus through replay_main.c). FUZZ_TARGETS="json http"
# limits the run to those targets (default: all).
set -eu

SECS=${1:-${FUZZ_SECONDS:-600}}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${FUZZ_BUILD:-$ROOT/build-fuzz}
CC=${CC:-clang}
CXX=${CXX:-clang++}
SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFLAGS="-g -O1 -std=c11 -D_GNU_SOURCE -DHS_VERSION=\"fuzz\" -DHS_SOURCE_DIR=\"$ROOT\" -DHS_BUILD_DIR=\"$OUT\" -I$ROOT/runner -I$ROOT/include $(pkg-config --cflags glib-2.0)"
CXXFLAGS="-g -O1 -std=c++17 -I$ROOT/runner -I$ROOT/include"
# lib/<name>/: code the runner shares with modules (linked into the runner, as CMake does).
for d in "$ROOT"/lib/*/; do
    if [ -d "$d" ]; then CFLAGS="$CFLAGS -I${d%/}"; fi
done
mkdir -p "$OUT"

# The base library (JSON engine, arena, log) is what the json/arena/utf8 targets need; other
# targets get the whole runner but main.c, and lib/.
base_sources() {
    for f in "$ROOT"/runner/arena.c "$ROOT"/runner/log.c "$ROOT"/runner/json*.c \
             "$ROOT"/runner/json*.cc "$ROOT"/runner/utf8*.c; do
        if [ -f "$f" ]; then echo "$f"; fi
    done
}
core_sources() {
    for f in "$ROOT"/runner/*.c "$ROOT"/runner/*.cc "$ROOT"/lib/*/*.c; do
        if [ -f "$f" ] && [ "$(basename "$f")" != main.c ]; then echo "$f"; fi
    done
}

# The sfns order files fuzz_sfns_orders links as a static module (tests/tests.cmake lists the
# same files).
sfns_orders_sources() {
    for f in fx alloc catalog settings text opportunity order_lines orders_conf result sdk sfid; do
        echo "$ROOT/hooks/sfns/sfns_$f.c"
    done
}

# The sfns files fuzz_sfns_route links (the router, the postSubmit and what they call).
sfns_route_sources() {
    for f in settings text sdk strings nserror route_conf route_rules results_conf results_errors \
             route results sfid; do
        echo "$ROOT/hooks/sfns/sfns_$f.c"
    done
}

# The sfns files fuzz_sfns_accounts links (the account, customer and contact preMaps).
sfns_accounts_sources() {
    for f in sfid geo geo_data account customer contact accounts_conf accounts_values address \
             hash settings text sdk strings own result; do
        echo "$ROOT/hooks/sfns/sfns_$f.c"
    done
}

status=0
for target in "$ROOT"/tests/fuzz/fuzz_*.c; do
    [ -f "$target" ] || continue
    name=$(basename "$target" .c)
    name=${name#fuzz_}
    if [ -n "${FUZZ_TARGETS:-}" ]; then
        case " $FUZZ_TARGETS " in
            *" $name "*) ;;
            *) continue ;;
        esac
    fi
    objdir="$OUT/obj-$name"
    mkdir -p "$objdir" "$OUT/corpus-$name" "$OUT/artifacts-$name"
    case "$name" in
        json*|arena*|utf8*) srcs=$(base_sources); libs="-ldouble-conversion -lm" ;;
        csv*) srcs="$(base_sources) $ROOT/runner/csvread.c"; libs="-lcsv -ldouble-conversion -lm" ;;
        sfns_invoice)
           # the target includes sfns_invoice.c; these are the module files it calls
           srcs="$(core_sources) $(ls "$ROOT"/hooks/sfns/sfns_invoice_*.c "$ROOT"/hooks/sfns/sfns_invoices_conf.c \
                 "$ROOT"/hooks/sfns/sfns_fx.c "$ROOT"/hooks/sfns/sfns_settings.c "$ROOT"/hooks/sfns/sfns_text.c \
                 "$ROOT"/hooks/sfns/sfns_sdk.c "$ROOT"/hooks/sfns/sfns_sfid.c "$ROOT"/hooks/sfns/sfns_result.c)"
           libs="$(pkg-config --libs libuv libcurl zlib libzip libcjson glib-2.0) -lhttp_parser -lmbedtls -lmbedx509 -lmbedcrypto -lcsv -ldouble-conversion -ldl -lm -lpthread" ;;
        sfns_case)
           # the target includes sfns_case.c; these are the module files it calls
           srcs="$(core_sources) $ROOT/hooks/sfns/sfns_cases_conf.c $ROOT/hooks/sfns/sfns_settings.c \
                 $ROOT/hooks/sfns/sfns_text.c $ROOT/hooks/sfns/sfns_sfid.c $ROOT/hooks/sfns/sfns_result.c"
           libs="$(pkg-config --libs libuv libcurl zlib libzip libcjson glib-2.0) -lhttp_parser -lmbedtls -lmbedx509 -lmbedcrypto -lcsv -ldouble-conversion -ldl -lm -lpthread" ;;
        *) srcs=$(core_sources)
           libs="$(pkg-config --libs libuv libcurl zlib libzip libcjson glib-2.0) -lhttp_parser -lmbedtls -lmbedx509 -lmbedcrypto -lcsv -ldouble-conversion -ldl -lm -lpthread" ;;
    esac
    if [ "$name" = sfns_orders ]; then srcs="$srcs $(sfns_orders_sources)"; fi
    # the items target includes the matrix reader; it calls the shared currency and catalog code
    if [ "$name" = sfns_items ]; then
        srcs="$srcs $ROOT/hooks/sfns/sfns_fx.c $ROOT/hooks/sfns/sfns_catalog.c"
    fi
    if [ "$name" = sfns_route ]; then srcs="$srcs $(sfns_route_sources)"; fi
    if [ "$name" = sfns_accounts ]; then srcs="$srcs $(sfns_accounts_sources)"; fi
    objs=""
    for s in $srcs; do
        o="$objdir/$(echo "${s#"$ROOT"/}" | tr / _).o"
        case "$s" in
            *.cc) $CXX $CXXFLAGS $SAN -c "$s" -o "$o" ;;
            *) $CC $CFLAGS $SAN -c "$s" -o "$o" ;;
        esac
        objs="$objs $o"
    done
    $CC $CFLAGS $SAN -c "$target" -o "$objdir/target.o"
    # shellcheck disable=SC2086
    $CXX $SAN -o "$OUT/fuzz_$name" "$objdir/target.o" $objs $libs
    if [ -d "$ROOT/tests/fuzz/corpus/$name" ]; then
        cp -n "$ROOT/tests/fuzz/corpus/$name"/* "$OUT/corpus-$name/" 2>/dev/null || true
    fi
    echo "fuzz: running fuzz_$name for ${SECS}s"
    if ! "$OUT/fuzz_$name" -max_total_time="$SECS" -print_final_stats=1 \
            -artifact_prefix="$OUT/artifacts-$name/" "$OUT/corpus-$name" \
            >"$OUT/fuzz_$name.log" 2>&1; then
        echo "fuzz: fuzz_$name FAILED; see $OUT/fuzz_$name.log and $OUT/artifacts-$name/"
        tail -40 "$OUT/fuzz_$name.log"
        status=1
    else
        grep -E "stat::number_of_executed_units|cov:" "$OUT/fuzz_$name.log" | tail -2
        echo "fuzz: fuzz_$name ok"
    fi
done
exit $status
