#!/bin/sh
# mapcheck.sh — checks, on the trace of a `hookstack flows run --trace` (docs/flows.md), that each
# import's Mapper 1.0 mapping and the records handed to it name the same fields: for every
# "[trace] STEP imports/NAME mapping" stage, the records of the trace line before it (what the
# mapping read: the preMap answer, the router branch, the previous step's records; none, as when
# the preMap skips them all: nothing to compare) are compared with the import's extracts in
# DIR/imports/NAME.json:
#
#   NAME unread PATH   a field the records carry that no extract reads (a hook's output dropped)
#   NAME unmet PATH    an extract that no record carries (a mapping reading a name nobody writes)
#
# With FLOW, the page the run started from (the "[trace] input" line) is also checked against the
# flow's first page generator when that is a Salesforce SOQL export: a golden page must be what
# the export delivers, so the hooks are tested on the fields the query selects:
#
#   input unselected PATH   a field of the page the query does not select (a subquery's records
#                           are checked against the subquery: OpportunityLineItems.records[].X)
#
# PATH is a field path with array indexes written [] (addressbook[].city). Every finding must be
# listed in ALLOW (one per line, "#" starts a comment: say why the field is meant to be dropped or
# absent; a line ending in "*" allows every finding it starts), and every line of ALLOW must still
# allow a finding, so a mapping that drops what a hook writes fails the golden run instead of
# being recorded in it.
#
# usage: mapcheck.sh DIR TRACE [ALLOW [FLOW]]     exit 0 when the findings are ALLOW's, else 1
set -eu
dir=$1 trace=$2 allow=${3:-/dev/null} flow=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/found"
: >"$tmp/prev"
while IFS= read -r line; do
    # "[trace] STAGE JSON": the JSON starts at the first "[" or "{" after the stage's words
    printf '%s\n' "$line" | sed 's/^\[trace\] [^[{]* \([[{]\)/\1/' >"$tmp/cur"
    name=$(printf '%s\n' "$line" | sed -n 's/^\[trace\] [^[{]*imports\/\([a-z0-9-]*\) mapping [[{].*/\1/p')
    if [ -n "$name" ] && [ -s "$tmp/prev" ]; then
        jq -r --arg name "$name" --slurpfile imp "$dir/imports/$name.json" '
          def pstr: reduce .[] as $c (""; if ($c | type) == "number" then . + "[]"
                                           elif . == "" then $c else . + "." + $c end);
          ($imp[0].mapping // $imp[0].netsuite_da.mapping) as $m
          | if $m == null then empty else
            ([$m.fields[]? | select(.extract != null) | .extract]
             + [$m.lists[]? as $l | $l.fields[]? | select(.extract != null) | .extract as $e
                | if ($l.jsonPath // "") == "" then $e
                  else $l.jsonPath + "[]." + ($e | ltrimstr($l.jsonPath + "[*].")) end]
             | map(gsub("\\[[0-9]+\\]"; "[]")) | unique) as $ex
            | [.[] | select(type == "object" and length > 0)] as $recs
            | if $recs == [] then empty else
            ([$recs[] | paths | pstr] | unique) as $all
            | ([$recs[] | paths(if type == "object" or type == "array" then length == 0
                                else true end) | pstr] | unique) as $leaves
            | ($leaves[] | . as $p
               | select(all($ex[]; . as $e | $p != $e and ($p | startswith($e + ".") | not)
                                   and ($p | startswith($e + "[") | not)))
               | "\($name) unread \($p)"),
              ($ex[] | select(. as $e | $all | index([$e]) | not) | "\($name) unmet \(.)")
            end end' "$tmp/prev" >>"$tmp/found"
    fi
    mv "$tmp/cur" "$tmp/prev"
done <"$trace"
if [ -n "$flow" ]; then
    export=$(jq -r '.pageGenerators[0]._exportId // "" | ltrimstr("@exports/")' "$dir/flows/$flow.json")
    sed -n 's/^\[trace\] input \([[{]\)/\1/p' "$trace" >"$tmp/input"
    if [ -n "$export" ] && [ -s "$tmp/input" ]; then
        jq -r --slurpfile exp "$dir/exports/$export.json" '
# the select list of a SOQL query: [{name, sub: null | [names]}], names cut at their first "."
def sel_split:
  # split s on commas at paren depth 0, up to the " FROM " at depth 0
  explode | reduce .[] as $c ({d: 0, cur: [], out: [], done: false};
    if .done then .
    elif $c == 40 then .d += 1 | .cur += [$c]
    elif $c == 41 then .d -= 1 | .cur += [$c]
    elif $c == 44 and .d == 0 then .out += [.cur | implode] | .cur = []
    else .cur += [$c]
      | if .d == 0 and (.cur | implode | test("\\sFROM\\s$"; "i")) then
          .out += [.cur | implode | sub("\\sFROM\\s$"; ""; "i")] | .done = true
        else . end
    end)
  | .out | map(gsub("^\\s+|\\s+$"; ""));
def soql_fields:
  sub("^\\s*SELECT\\s+"; ""; "i") | sel_split
  | map(if startswith("(") then
          (ltrimstr("(") | rtrimstr(")")) as $q
          | {name: ($q | capture("\\sFROM\\s+(?<r>[A-Za-z0-9_]+)"; "i").r),
             sub: ($q | sub("^\\s*SELECT\\s+"; ""; "i") | sel_split | map(split(".")[0]))}
        else {name: split(".")[0], sub: null} end);

          ($exp[0].salesforce.soql.query // null) as $q
          | if $q == null then empty else
            ($q | soql_fields) as $sel
            | .[] | select(type == "object") | to_entries[] | .key as $k | .value as $v
            | ($sel | map(select(.name == $k)) | first) as $f
            | if $k == "attributes" then empty
              elif $f == null then "input unselected \($k)"
              elif $f.sub == null then empty
              else ($v.records? // [] | .[] | select(type == "object") | keys[]
                    | select(. != "attributes" and (. as $x | $f.sub | index([$x]) | not))
                    | "input unselected \($k).records[].\(.)")
              end
            end' "$tmp/input" >>"$tmp/found"
    fi
fi
sort -u "$tmp/found" >"$tmp/got"
sed 's/#.*//; s/[[:space:]]*$//; /^$/d' "$allow" | sort -u >"$tmp/want"
# a finding is allowed by a line equal to it, or by a line ending in "*" that starts it; a line
# that allows no finding is stale
status=0
while IFS= read -r f; do
    ok=0
    while IFS= read -r w; do
        case $w in
        *'*') case $f in "${w%'*'}"*) ok=1 ;; esac ;;
        *) [ "$f" = "$w" ] && ok=1 ;;
        esac
        [ $ok = 1 ] && break
    done <"$tmp/want"
    if [ $ok = 0 ]; then
        echo "mapcheck: $f (not listed in $allow)" >&2
        status=1
    fi
done <"$tmp/got"
while IFS= read -r w; do
    used=0
    while IFS= read -r f; do
        case $w in
        *'*') case $f in "${w%'*'}"*) used=1 ;; esac ;;
        *) [ "$f" = "$w" ] && used=1 ;;
        esac
        [ $used = 1 ] && break
    done <"$tmp/got"
    if [ $used = 0 ]; then
        echo "mapcheck: $allow lists \"$w\", which is no longer found: remove it" >&2
        status=1
    fi
done <"$tmp/want"
exit $status
