'use strict'
// sfns_peer.js — the DIY module the reference Node server runs in the sfns benchmarks
// (bench/sfns_js.sh): the JavaScript ports of sfnsInvoiceStatus, sfnsAccountToCustomer,
// sfnsContactToContact and sfnsOpportunityToSalesOrder in one module, as the runner's sfns module
// offers them in one .so. The peer folder's server.js loads it from SFNS_JS.
module.exports = Object.assign({},
  require('./sfns_invoice'),
  require('./sfns_accounts'),
  require('./sfns_contacts'),
  require('./sfns_orders'))
