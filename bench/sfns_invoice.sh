#!/usr/bin/env bash
# sfns_invoice.sh — the sfnsInvoiceStatus benchmark on its own: bench/sfns_js.sh with
# FUNCTIONS=sfnsInvoiceStatus (the same environment; bench/sfns_js.sh --help lists it).
FUNCTIONS=sfnsInvoiceStatus exec "$(dirname "${BASH_SOURCE[0]}")/sfns_js.sh" "$@"
