#!/bin/sh
# selftest.sh — proves tests/flows-golden/mapcheck.sh fails where it must: on the trace of the
# items flow from before its imports read the keys sfnsItemsToPricebook writes (the imports as
# they were then, in old-pricebook-keys/imports), it must name each dropped field and each extract
# nobody writes; an allow list naming them all passes; a line allowing nothing is reported stale;
# and a page holding fields the flow's SOQL export does not select is caught.
#
# usage: selftest.sh SOURCE_DIR
set -eu
src=$1
check=$src/tests/flows-golden/mapcheck.sh
cd "$src/tests/flows-mapcheck/old-pricebook-keys"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

status=0
sh "$check" . trace mapcheck.allow 2>"$tmp/err" || status=$?
[ "$status" = 1 ] || { echo "selftest: mapcheck passed the old pricebook imports (exit $status)" >&2; exit 1; }
diff -u expected.stderr "$tmp/err"

# every finding allowed: passes
{ cat mapcheck.allow; sed 's/^mapcheck: \(.*\) (not listed in mapcheck.allow)$/\1/' expected.stderr; } >"$tmp/all"
sh "$check" . trace "$tmp/all"

# a line that allows nothing is stale
{ cat "$tmp/all"; echo "salesforce-products unread Name"; } >"$tmp/stale"
status=0
sh "$check" . trace "$tmp/stale" 2>"$tmp/err" || status=$?
[ "$status" = 1 ] || { echo "selftest: mapcheck accepted a stale allow line" >&2; exit 1; }
grep -q 'lists "salesforce-products unread Name", which is no longer found' "$tmp/err"

# a page the Opportunity export cannot deliver: a field and a line field its query does not select
printf '%s\n' '[trace] input [{"attributes":{"type":"Opportunity"},"Id":"0065g00000Xyz9QAAR","StageName":"Closed Won","Bogus__c":1,"OpportunityLineItems":{"totalSize":1,"done":true,"records":[{"attributes":{"type":"OpportunityLineItem"},"Id":"00k5g00000Ln01AAAR","SortOrder":1,"Foo__c":2}]}}]' >"$tmp/trace"
status=0
sh "$check" "$src/flows" "$tmp/trace" /dev/null salesforce-opportunities-to-netsuite-orders 2>"$tmp/err" || status=$?
[ "$status" = 1 ] || { echo "selftest: mapcheck accepted a page its export cannot deliver" >&2; exit 1; }
cat >"$tmp/want" <<'END'
mapcheck: input unselected Bogus__c (not listed in /dev/null)
mapcheck: input unselected OpportunityLineItems.records[].Foo__c (not listed in /dev/null)
END
diff -u "$tmp/want" "$tmp/err"
