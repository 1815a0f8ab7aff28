'use strict'
// sfns_orders.js — sfnsOpportunityToSalesOrder written in JavaScript, as a hook of Celigo's
// reference server (module.exports.sfnsOpportunityToSalesOrder(options, callback)), for the
// benchmark in bench/sfns_js.sh. The same rules as hooks/sfns/sfns_opportunity.c,
// sfns_order_lines.c, sfns_catalog.c, sfns_alloc.c and sfns_fx.c (docs/sfns-settings.md,
// "Opportunities -> Sales Orders / Estimates", "Currency", "Catalog"): the route, Account and
// close date, currencies through netsuiteIds, dated rates from the record and the settings (their
// age checked), lines in SortOrder resolved through the catalog (bundles, map, stored ids, item
// names, SKU normalisation), amounts as exact decimals (the runner's decimal calls ported with
// BigInt: one rounding per amount, the same modes), opportunity discounts shared or as discount
// lines, conversion keeping the total, the totals check, bundle splits by weight with their
// rounding line, rates to the fewest places that give the amount back, per-record errors. Not
// covered: the settings' strict checks (the benchmark sends valid settings), dateFormat other than
// YYYY-MM-DD, timeZone other than UTC, logging.

const P = require('./sfns_port')
const { TEXT } = P
const D = P.D

// ---- settings (sfns_orders_conf.c, sfns_fx.c, sfns_catalog.c, without their checks) ------------

function foldSku (r, t) {
  t = P.trim(t)
  let out = ''
  for (const ch of t) {
    let c = ch
    if (c === '\0' || r.remove.indexOf(c) >= 0) continue
    if (r.fold === 'upper' && c >= 'a' && c <= 'z') c = c.toUpperCase()
    else if (r.fold === 'lower' && c >= 'A' && c <= 'Z') c = c.toLowerCase()
    out += c
  }
  return out
}

// sfns_sku_normalise
function skuKey (r, t) {
  if (r.stripParent) { const i = t.lastIndexOf(':'); if (i >= 0) t = t.slice(i + 1) }
  let n = foldSku(r, t)
  for (const p of r.prefixes) if (p.length > 0 && p.length < n.length && n.startsWith(p)) { n = n.slice(p.length); break }
  for (const s of r.suffixes) if (s.length > 0 && s.length < n.length && n.endsWith(s)) { n = n.slice(0, n.length - s.length); break }
  if (r.stripLeadingZeros) { let z = 0; while (z + 1 < n.length && n[z] === '0') z++; n = n.slice(z) }
  return n
}

function readSettings (options) {
  const { root } = P.settingsSection(options, 'orders')
  const sec = (n) => P.isObj(root[n]) ? root[n] : {}
  const o = sec('orders'); const cur = sec('currency'); const cat = sec('catalog')
  const get = (obj, k, d) => { const v = P.setting(obj, k); return v === undefined ? d : v }
  const id = (obj, k) => { const v = P.setting(obj, k); return v === undefined ? null : P.idText(v) }
  // currency
  const fx = {
    mode: P.ROUND[String(get(cur, 'rounding', 'half-up')).toLowerCase().replace(/[_ ]/g, '-')],
    minorUnits: P.isObj(cur.minorUnits) ? cur.minorUnits : null,
    netsuiteIds: P.isObj(cur.netsuiteIds) ? cur.netsuiteIds : null,
    ratesField: get(cur, 'ratesField', '_rates'),
    maxAgeDays: get(cur, 'maxRateAgeDays', -1),
    rates: []
  }
  fx.corporate = get(cur, 'corporateCurrency', null) !== null ? fxCode(cur.corporateCurrency) : null
  fx.defaultCurrency = get(cur, 'defaultCurrency', null) !== null ? fxCode(cur.defaultCurrency) : null
  for (const r of Array.isArray(cur.rates) ? cur.rates : []) {
    const rate = { code: fxCode(r.currency), rate: P.decFromJson(r.rate), dated: false, hasEnd: false }
    if (r.date != null) { const d = P.dateParse(r.date); rate.start = dayKey(d); rate.startDay = dayNum(d); rate.dated = true }
    fx.rates.push(rate)
  }
  // catalog
  const norm = P.isObj(cat.normalise) ? cat.normalise : {}
  const rules = {
    fold: get(norm, 'case', 'upper'),
    remove: get(norm, 'removeCharacters', ' -_./'),
    stripParent: get(norm, 'stripParent', true),
    stripLeadingZeros: get(norm, 'stripLeadingZeros', false),
    prefixes: [],
    suffixes: []
  }
  rules.prefixes = (Array.isArray(norm.stripPrefixes) ? norm.stripPrefixes : []).map((p) => foldSku(rules, p))
  rules.suffixes = (Array.isArray(norm.stripSuffixes) ? norm.stripSuffixes : []).map((p) => foldSku(rules, p))
  const index = (m, make) => { const ix = new Map(); if (P.isObj(m)) for (const k of Object.keys(m)) ix.set(skuKey(rules, k), make(k, m[k])); return ix }
  const catalog = {
    rules,
    items: index(cat.items, (k, v) => P.idText(v)),
    map: index(cat.map, (k, v) => P.idText(v)),
    bundles: index(cat.bundles, (k, v) => ({
      code: k,
      components: v.components.map((c) => ({
        item: P.idText(c.item),
        quantity: c.quantity != null ? P.decFromJson(c.quantity) : D(1, 0),
        weight: c.weight != null ? P.decFromJson(c.weight) : D(1, 0),
        description: c.description != null ? c.description : null
      }))
    })),
    productCodeField: get(cat, 'productCodeField', 'ProductCode'),
    itemIdField: get(cat, 'itemIdField', null),
    roundingItem: id(cat, 'roundingItem')
  }
  const reps = P.setting(o, 'salesRepByOwner')
  let salesRepByOwner = null
  if (P.isObj(reps)) { salesRepByOwner = {}; for (const k of Object.keys(reps)) { const r = P.to18(k); if (r.id) salesRepByOwner[r.id] = reps[k] } }
  const orderCurrency = get(o, 'orderCurrency', null)
  return {
    fx,
    catalog,
    recordType: get(o, 'recordType', 'salesorder') === 'estimate' ? 'estimate' : 'salesorder',
    routeField: get(o, 'routeField', '_sfnsRoute'),
    salesRepByOwner,
    defaultSalesRep: id(o, 'defaultSalesRep'),
    subsidiaryField: get(o, 'subsidiaryField', null),
    defaultSubsidiary: id(o, 'defaultSubsidiary'),
    poNumberField: get(o, 'poNumberField', null),
    memoField: get(o, 'memoField', 'Description'),
    shipDateField: get(o, 'shipDateField', null),
    orderCurrency: orderCurrency !== null ? fxCode(orderCurrency) : null,
    orderCurrencyField: get(o, 'orderCurrencyField', null),
    orderStatus: id(o, 'orderStatus'),
    quoteValidityDays: get(o, 'quoteValidityDays', 30),
    estimateStatus: id(o, 'estimateStatus'),
    discountLines: get(o, 'discountMode', 'net') === 'lines',
    discountItem: id(o, 'discountItem'),
    lineDiscountAmountField: get(o, 'lineDiscountAmountField', null),
    orderDiscountPercentField: get(o, 'orderDiscountPercentField', null),
    orderDiscountAmountField: get(o, 'orderDiscountAmountField', null),
    ratePlaces: get(o, 'ratePlaces', -1),
    totalsCheck: get(o, 'totalsCheck', true)
  }
}

// ---- money (sfns_fx.c, sfns_alloc.c) ----------------------------------------------------------

function fxCode (t) { return typeof t === 'string' && /^[A-Za-z]{3}$/.test(t) ? t.toUpperCase() : null }
function minorUnits (fx, code) {
  if (code == null) return -1
  if (fx.minorUnits !== null && typeof fx.minorUnits[code] === 'number') return Math.trunc(fx.minorUnits[code])
  return P.currencyMinorUnits(code)
}
function netsuiteId (fx, code) { return fx.netsuiteIds === null ? code : P.idText(fx.netsuiteIds[code]) }
function dayKey (d) { return d.y * 10000 + d.m * 100 + d.d }
function dayNum (d) { return Date.UTC(d.y, d.m - 1, d.d) / 86400000 }
function dayText (day) { return new Date(day * 86400000).toISOString().slice(0, 10) }

function recordRates (fx, rec) {
  let v = P.field(rec, fx.ratesField)
  if (v === undefined || v === null) return { rates: [] }
  if (P.isObj(v) && Array.isArray(P.field(v, 'records'))) v = P.field(v, 'records')
  const rows = Array.isArray(v) ? v : [v]
  const out = []
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]
    const bad = (why) => ({ problem: 'rate ' + (i + 1) + ' of ' + rows.length + ' at "' + fx.ratesField + '" ' + why })
    if (!P.isObj(row)) return bad('is not an object')
    if (P.flag(P.field(row, 'IsActive')) === 0) continue
    let [cp, c] = P.textField(row, 'IsoCode')
    if (cp !== TEXT) c = P.textField(row, 'currency')[1]
    const code = fxCode(c)
    if (code === null) return bad(c ? 'has IsoCode "' + c + '", not a currency code' : 'has no IsoCode')
    let rv = P.field(row, 'ConversionRate')
    if (rv === undefined) rv = P.field(row, 'rate')
    const rate = P.decFromJson(rv)
    if (rate === null || P.decSign(rate) <= 0) { const t = P.text(rv)[1]; return bad('has ConversionRate ' + (t ? '"' + t + '"' : '(none)') + ', not a decimal above zero') }
    const r = { code, rate, dated: false, hasEnd: false }
    let [sp, start] = P.textField(row, 'StartDate')
    if (sp !== TEXT) start = P.textField(row, 'date')[1]
    if (start !== null) {
      const d = P.dateParse(start)
      if (!d) return bad('has StartDate "' + start + '", not a date')
      r.start = dayKey(d); r.startDay = dayNum(d); r.dated = true
    }
    const [ep, end] = P.textField(row, 'NextStartDate')
    if (ep === TEXT) {
      const d = P.dateParse(end)
      if (!d) return bad('has NextStartDate "' + end + '", not a date')
      r.end = dayKey(d); r.hasEnd = true
    }
    out.push(r)
  }
  return { rates: out }
}

function rateOn (table, code, on) {
  let best = null; let undated = null
  for (const r of table) {
    if (r.code !== code) continue
    if (!r.dated) { if (undated === null) undated = r; continue }
    if (r.start > on || (r.hasEnd && r.end <= on)) continue
    if (best === null || r.start > best.start) best = r
  }
  return best || undated
}

function findRate (fx, record, code, close) {
  if (code === fx.corporate) return { rate: { code, rate: D(1, 0) } }
  const on = dayKey(close)
  const onText = P.dateText(close.y, close.m, close.d)
  const r = rateOn(record, code, on) || rateOn(fx.rates, code, on)
  if (r === null) {
    return {
      status: 'missing_rate',
      problem: 'no ' + code + ' exchange rate is valid on ' + onText + ': add {"currency": "' + code + '", "rate": <units of ' + code + ' per 1 ' + fx.corporate +
        '>, "date": "<on or before ' + onText + '>"} to settings.sfns.currency.rates, or have the flow\'s lookup put Salesforce\'s DatedConversionRate rows on the record at "' + fx.ratesField + '"'
    }
  }
  if (r.dated && fx.maxAgeDays >= 0) {
    const days = dayNum(close) - r.startDay
    if (days > fx.maxAgeDays) {
      return {
        status: 'stale_rate',
        problem: 'the ' + code + ' exchange rate ' + P.decText(r.rate) + ' from ' + dayText(r.startDay) + ' is ' + days + ' days old on ' + onText +
          ', older than settings.sfns.currency.maxRateAgeDays (' + fx.maxAgeDays + '): add a newer ' + code + ' rate to settings.sfns.currency.rates or to the rates the lookup puts at "' + fx.ratesField + '"'
      }
    }
  }
  return { rate: r }
}

function pairFind (fx, record, from, to, close) {
  const pair = { from, to, toPlaces: minorUnits(fx, to), identity: false, fromRate: { rate: D(1, 0) }, toRate: { rate: D(1, 0) } }
  if (from === to) { pair.identity = true; return { pair } }
  if (fx.corporate === null) {
    return {
      status: 'missing_rate',
      problem: 'converting ' + from + ' to ' + to + ' needs the currency the exchange rates are quoted against: set settings.sfns.currency.corporateCurrency (Salesforce\'s corporate currency, such as "USD")'
    }
  }
  const a = findRate(fx, record, from, close)
  if (a.status) return a
  const b = findRate(fx, record, to, close)
  if (b.status) return b
  pair.fromRate = a.rate; pair.toRate = b.rate
  return { pair }
}

function convert (fx, pair, amount) {
  if (pair.identity) return P.decRound(amount, pair.toPlaces, fx.mode)
  return P.decDiv(P.decMul(amount, pair.toRate.rate), pair.fromRate.rate, pair.toPlaces, fx.mode)
}

function convertLines (fx, pair, inp) {
  let sumIn = D(0, 0); let sumOut = D(0, 0); let big = 0
  const out = []
  for (let i = 0; i < inp.length; i++) {
    sumIn = P.decAdd(sumIn, inp[i])
    if (P.decCmp(P.decAbs(inp[i]), P.decAbs(inp[big])) > 0) big = i
    out.push(convert(fx, pair, inp[i]))
    sumOut = P.decAdd(sumOut, out[i])
  }
  const t = convert(fx, pair, sumIn)
  const residual = P.decSub(t, sumOut)
  if (inp.length > 0) out[big] = P.decRound(P.decAdd(out[big], residual), pair.toPlaces, fx.mode)
  return { out, total: t }
}

function isUnit (q) { return P.decCmp(P.decAbs(q), D(1, 0)) === 0 }

function allocBundle (amount, bundles, parts, places, ratePlaces, mode, separate) {
  const shares = P.decAllocate(amount, parts.map((p) => p.weight), places)
  let sum = D(0, places); let big = 0
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]
    p.quantity = P.decMul(bundles, p.perBundle)
    p.rate = P.decDiv(shares[i], p.quantity, ratePlaces, mode)
    p.amount = P.decMulRound(p.quantity, p.rate, places, mode)
    sum = P.decAdd(sum, p.amount)
    const ui = isUnit(p.quantity); const ub = isUnit(parts[big].quantity)
    if (ui !== ub ? ui : P.decCmp(P.decAbs(shares[i]), P.decAbs(shares[big])) > 0) big = i
  }
  const left = P.decRound(P.decSub(amount, sum), places, mode)
  if (!separate) {
    parts[big].amount = P.decRound(P.decAdd(parts[big].amount, left), places, mode)
    if (isUnit(parts[big].quantity)) parts[big].rate = P.decDiv(parts[big].amount, parts[big].quantity, ratePlaces, mode)
  }
  return left
}

function allocRate (amount, quantity, places, ratePlaces, mode) {
  if (ratePlaces >= 0) return P.decDiv(amount, quantity, ratePlaces, mode)
  const most = Math.min(places + 6, 18)
  let rate = null
  for (let p = places; p <= most; p++) {
    const r = P.decDiv(amount, quantity, p, mode)
    const back = P.decMulRound(quantity, r, places, mode)
    rate = r
    if (P.decCmp(back, amount) === 0) break
  }
  return rate
}

// ---- lines (sfns_order_lines.c) -----------------------------------------------------------------

function decimalField (obj, p) {
  const v = P.fieldPath(obj, p)
  if (v === undefined || v === null) return [0, null]
  if (typeof v === 'string' && P.text(v)[0] !== TEXT) return [0, null]
  const d = P.decFromJson(v)
  return d === null ? [-1, null] : [1, d]
}

function shown (obj, p) {
  const v = P.fieldPath(obj, p)
  const t = P.text(v)[1]
  if (t === null) return '(not text)'
  return typeof v === 'string' ? '"' + t + '"' : t
}

function productText (line, name) {
  for (const owner of ['', 'PricebookEntry.Product2', 'Product2', 'PricebookEntry']) {
    const o = owner ? P.fieldPath(line, owner) : line
    if (o === undefined) continue
    const [p, t] = P.text(P.fieldPath(o, name))
    if (p === TEXT) return t
  }
  return null
}

function resolve (cat, code, itemId) {
  const key = code !== null ? skuKey(cat.rules, code) : null
  const out = { key, item: null, bundle: null }
  if (key !== null && cat.bundles.has(key)) { out.bundle = cat.bundles.get(key); return ['bundle', out] }
  if (key !== null && cat.map.has(key)) { out.item = cat.map.get(key); return ['item', out] }
  if (itemId !== null) { out.item = itemId; return ['item', out] }
  if (key !== null && cat.items.has(key)) { out.item = cat.items.get(key); return ['item', out] }
  return ['unmapped', out]
}

function itemRead (j, it) {
  const o = j.o
  const line = it.rec
  const id = P.textField(line, 'Id')[1]
  it.name = id ? 'line ' + (it.index + 1) + ' (' + id + ')' : 'line ' + (it.index + 1)
  if (!P.isObj(line)) { j.error('bad_line', 'has ' + it.name + ', which is not an OpportunityLineItem object.'); return false }
  const [q, quantity] = decimalField(line, 'Quantity')
  const [p, price] = decimalField(line, 'UnitPrice')
  it.quantity = quantity
  if (q <= 0 || P.decIsZero(quantity)) {
    j.error('bad_line', 'has ' + it.name + ' with ' + (q === 0 ? 'no Quantity: select Quantity in the export'
      : q < 0 ? 'Quantity ' + shown(line, 'Quantity') + ', which is not a number' : 'Quantity 0: an order line needs a quantity other than 0') + '.')
    return false
  }
  if (p <= 0) {
    j.error('bad_line', 'has ' + it.name + ' with ' + (p === 0 ? 'no UnitPrice: select UnitPrice in the export' : 'UnitPrice ' + shown(line, 'UnitPrice') + ', which is not an amount') + '.')
    return false
  }
  const [d, pct] = decimalField(line, 'Discount')
  it.percent = d > 0 ? pct : D(0, 0)
  if (d < 0 || (d > 0 && (P.decSign(pct) < 0 || P.decCmp(pct, D(100, 0)) > 0))) {
    j.error('bad_line', 'has ' + it.name + ' with Discount ' + shown(line, 'Discount') + ', which is not a percentage from 0 to 100.')
    return false
  }
  const grossExact = P.decMul(quantity, price)
  it.gross = P.decRound(grossExact, j.places, o.fx.mode)
  it.net = it.gross
  if (d > 0 && !P.decIsZero(it.percent)) it.net = P.decDiv(P.decMul(grossExact, P.decSub(D(100, 0), it.percent)), D(100, 0), j.places, o.fx.mode)
  if (o.lineDiscountAmountField !== null) {
    const [a, amt] = decimalField(line, o.lineDiscountAmountField)
    if (a < 0 || (a > 0 && P.decSign(amt) < 0)) {
      j.error('bad_line', 'has ' + it.name + ' with ' + o.lineDiscountAmountField + ' ' + shown(line, o.lineDiscountAmountField) + ', which is not an amount of 0 or more.')
      return false
    }
    if (a > 0) {
      const r = P.decRound(amt, j.places, o.fx.mode)
      it.net = P.decSub(it.net, r)
      j.unseen = P.decAdd(j.unseen, r)
    }
  }
  it.description = P.textField(line, 'Description')[1]
  if (it.description === null) it.description = productText(line, 'Name')
  const code = productText(line, o.catalog.productCodeField)
  const itemId = o.catalog.itemIdField ? productText(line, o.catalog.itemIdField) : null
  const [kind, match] = resolve(o.catalog, code, itemId)
  it.kind = kind
  it.match = match
  if (kind !== 'unmapped') return true
  if (code === null) {
    const f = o.catalog.productCodeField
    j.error('missing_sku', 'has ' + it.name + (it.description ? ', "' + it.description + '",' : '') + ' without a product code: select ' + f +
      ' on the line or on its product (PricebookEntry.Product2.' + f + ') in the export, or store the NetSuite item\'s internal id on the product and name that field in settings.sfns.catalog.itemIdField.')
  } else {
    j.error('unmapped_sku', 'has ' + it.name + ' with product code "' + code + '" (normalised "' + (match.key !== null ? match.key : code) +
      '"), which matches no NetSuite item: add "' + code + '": "<NetSuite item internal id>" to settings.sfns.catalog.map, or the NetSuite item (by its name) to settings.sfns.catalog.items.')
  }
  return false
}

function orderDiscount (j, items) {
  const o = j.o
  let out = D(0, j.places)
  if (o.orderDiscountPercentField !== null) {
    const [got, pct] = decimalField(j.rec, o.orderDiscountPercentField)
    if (got < 0 || (got > 0 && (P.decSign(pct) < 0 || P.decCmp(pct, D(100, 0)) > 0))) {
      j.error('bad_discount', 'has ' + o.orderDiscountPercentField + ' ' + shown(j.rec, o.orderDiscountPercentField) + ', which is not a percentage from 0 to 100.')
      return null
    }
    if (got > 0) {
      let sum = D(0, 0)
      for (const it of items) sum = P.decAdd(sum, it.net)
      out = P.decDiv(P.decMul(sum, pct), D(100, 0), j.places, o.fx.mode)
    }
  }
  if (o.orderDiscountAmountField !== null) {
    const [got, amt] = decimalField(j.rec, o.orderDiscountAmountField)
    if (got < 0 || (got > 0 && P.decSign(amt) < 0)) {
      j.error('bad_discount', 'has ' + o.orderDiscountAmountField + ' ' + shown(j.rec, o.orderDiscountAmountField) + ', which is not an amount of 0 or more.')
      return null
    }
    if (got > 0) out = P.decAdd(out, P.decRound(amt, j.places, o.fx.mode))
  }
  return out
}

function percentText (pct) { return P.decIsZero(pct) ? '' : ' (' + P.decText(pct) + '%)' }

function linesRead (j) {
  const o = j.o
  const v = P.field(j.rec, 'OpportunityLineItems')
  let arr = null
  if (Array.isArray(v)) arr = v
  else if (P.isObj(v)) {
    arr = P.field(v, 'records')
    const done = P.field(v, 'done')
    if (done === false) {
      const total = P.text(P.field(v, 'totalSize'))[1]
      j.error('incomplete_lines', 'came with only ' + (Array.isArray(arr) ? arr.length : 0) + ' of its ' + (total || '?') +
        ' line items (the query\'s "done" is false): export fewer line items per Opportunity, or fetch the rest (nextRecordsUrl) before this step.')
      return
    }
    if (!Array.isArray(arr)) arr = null
  }
  if (arr === null || arr.length === 0) {
    j.error('no_lines', 'has no line items (OpportunityLineItems is empty or not selected): add products to the Opportunity, or select its line items in the export (a subquery on OpportunityLineItems).')
    return
  }
  const items = arr.map((rec, index) => {
    const [s, sort] = decimalField(rec, 'SortOrder')
    return { rec, index, hasSort: s > 0, sort }
  })
  items.sort((a, b) => {
    if (a.hasSort !== b.hasSort) return a.hasSort ? -1 : 1
    if (a.hasSort) { const c = P.decCmp(a.sort, b.sort); if (c !== 0) return c }
    return a.index - b.index
  })
  j.unseen = D(0, j.places)
  let ok = true
  for (const it of items) ok = itemRead(j, it) && ok
  if (!ok) return
  const disc = orderDiscount(j, items)
  if (disc === null) return
  j.orderDiscount = disc
  j.unseen = P.decAdd(j.unseen, disc)
  if (!o.discountLines && !P.decIsZero(disc)) {
    if (!items.some((it) => P.decSign(it.net) > 0)) {
      j.error('bad_discount', 'has an opportunity discount of ' + P.decText(disc) + ' ' + j.currency + ' but no line with a positive amount to take it from.')
      return
    }
    const parts = P.decAllocate(disc, items.map((it) => P.decSign(it.net) > 0 ? it.net : D(0, 0)), j.places)
    items.forEach((it, i) => { it.net = P.decSub(it.net, parts[i]) })
  }
  let pct = D(0, 0)
  if (o.orderDiscountPercentField !== null) { const [g, x] = decimalField(j.rec, o.orderDiscountPercentField); if (g > 0) pct = x }
  j.lines = []
  for (const it of items) {
    j.lines.push({ kind: 'item', item: it.match.item, bundle: it.kind === 'bundle' ? it.match.bundle : null, quantity: it.quantity, amount: o.discountLines ? it.gross : it.net, description: it.description })
    if (!o.discountLines) continue
    const off = P.decSub(it.net, it.gross)
    if (P.decIsZero(off)) continue
    j.lines.push({ kind: 'discount', item: o.discountItem, amount: off, description: 'Discount' + percentText(it.percent) + ' on ' + (it.description ? it.description : it.name) })
  }
  if (o.discountLines && !P.decIsZero(disc)) j.lines.push({ kind: 'discount', item: o.discountItem, amount: P.decNeg(disc), description: 'Opportunity discount' + percentText(pct) })
}

// ---- one Opportunity (sfns_opportunity.c) ------------------------------------------------------

function pushLine (items, item, quantity, rate, amount, description, customPrice) {
  const l = {}
  if (item !== null) l.item = item
  if (quantity !== null) l.quantity = P.decJson(quantity)
  if (customPrice) l.price = '-1'
  l.rate = P.decJson(rate)
  l.amount = P.decJson(amount)
  if (description !== null) l.description = description
  items.push(l)
}

function pathText (rec, p) {
  if (p === null) return null
  const [pr, r] = P.refRead(P.fieldPath(rec, p))
  if (pr !== TEXT) return null
  return r.id ? r.id : r.name
}

function opportunityRecord (o, rec, index, count) {
  const where = '(record ' + (index + 1) + ' of ' + count + ')'
  if (!P.isObj(rec)) return P.resultError('not_a_record', 'Record ' + (index + 1) + ' of ' + count + ' is not an Opportunity object.')
  const name = P.textField(rec, 'Name')[1]
  const [idp, raw] = P.textField(rec, 'Id')
  if (idp !== TEXT) {
    return P.resultError('missing_id', 'Opportunity ' + (name ? '"' + name + '" ' : '') + where + ' has no Id: the order\'s external id is the Opportunity Id; select Id in the export.')
  }
  const idr = P.to18(raw)
  if (!idr.id || idr.id.slice(0, 3) !== '006') {
    return P.resultError('bad_id', 'Record ' + (index + 1) + ' of ' + count + ' has Id "' + raw + '", which is not an Opportunity Id: it ' +
      (idr.err ? P.SFID_ERR[idr.err] : 'does not start with 006') + '.')
  }
  const label = name ? 'Opportunity ' + idr.id + ' "' + name + '" ' + where : 'Opportunity ' + idr.id + ' ' + where
  const errors = []
  const j = { o, rec, currency: null, places: 0, lines: [], orderDiscount: D(0, 0), unseen: D(0, 0) }
  j.error = (code, msg) => errors.push({ code, message: label + ' ' + msg, source: 'sfns' })
  const h = { id: idr.id, account: null, type: o.recordType, close: null, orderCurrency: null, netsuiteCurrency: null, pair: null, amount: null }

  // route
  const [rp, route] = P.textField(rec, o.routeField)
  if (rp === TEXT) {
    if (P.streqNocase(route, 'order') || P.streqNocase(route, 'salesorder')) h.type = 'salesorder'
    else if (P.streqNocase(route, 'quote') || P.streqNocase(route, 'estimate')) h.type = 'estimate'
    else {
      j.error('bad_route', 'has ' + o.routeField + ' "' + route + '", which this step does not write: it writes "order" records (sales orders) and "quote" records (estimates); send the others down another branch of the router.')
    }
  }
  // account
  let [ap, acc] = P.textField(rec, 'AccountId')
  if (ap !== TEXT) acc = P.text(P.fieldPath(rec, 'Account.Id'))[1]
  if (acc === null) j.error('missing_account', 'has no AccountId: the order\'s customer is the Account\'s NetSuite customer; select AccountId in the export and sync the Account first.')
  else {
    const r = P.to18(acc)
    if (!r.id || r.id.slice(0, 3) !== '001') j.error('bad_account_id', 'has AccountId "' + acc + '", which is not an Account Id: it ' + (r.err ? P.SFID_ERR[r.err] : 'does not start with 001') + '.')
    h.account = r.id || null
  }
  // close date
  const [cp, closeText] = P.textField(rec, 'CloseDate')
  if (cp !== TEXT) j.error('missing_close_date', 'has no CloseDate: it is the order\'s date and chooses the exchange rate; select CloseDate in the export.')
  else {
    const d = P.dateParse(closeText)
    if (!d) j.error('bad_close_date', 'has CloseDate "' + closeText + '", which is not a date (Salesforce writes "2024-03-05").')
    else if (d.hasOffset) { const u = new Date(d.ms); h.close = { y: u.getUTCFullYear(), m: u.getUTCMonth() + 1, d: u.getUTCDate() } } else h.close = { y: d.y, m: d.m, d: d.d }
  }
  // currencies
  const currencyOf = (v, what) => {
    const [p, r] = P.refRead(v)
    if (p !== TEXT) return [0, null]
    const t = r.name && r.name.length === 3 ? r.name : r.id ? r.id : r.name
    const code = fxCode(t)
    if (code === null || minorUnits(o.fx, code) < 0) {
      j.error('unknown_currency', 'has ' + what + ' "' + t + '", which is not an ISO 4217 currency code: correct it, or give the code its decimal places in settings.sfns.currency.minorUnits.')
      return [-1, null]
    }
    return [1, code]
  }
  let [got, code] = currencyOf(P.field(rec, 'CurrencyIsoCode'), 'CurrencyIsoCode')
  if (got === 0) code = o.fx.defaultCurrency
  if (got === 0 && code === null) j.error('missing_currency', 'has no CurrencyIsoCode: select it in the export (multi-currency orgs), or set settings.sfns.currency.defaultCurrency (single-currency orgs).')
  else if (got >= 0) {
    j.currency = code
    j.places = minorUnits(o.fx, code)
    let bad = false
    if (o.orderCurrencyField !== null) {
      const [g2, c2] = currencyOf(P.fieldPath(rec, o.orderCurrencyField), o.orderCurrencyField)
      if (g2 < 0) bad = true; else h.orderCurrency = c2
    }
    if (!bad) {
      if (h.orderCurrency === null) h.orderCurrency = o.orderCurrency ? o.orderCurrency : j.currency
      h.netsuiteCurrency = netsuiteId(o.fx, h.orderCurrency)
      if (h.netsuiteCurrency === null) {
        j.error('unknown_currency', 'is to be ordered in ' + h.orderCurrency + ', which has no NetSuite currency: add "' + h.orderCurrency +
          '": "<NetSuite currency internal id>" to settings.sfns.currency.netsuiteIds.')
      }
    }
  }
  // conversion
  if (j.currency !== null && h.orderCurrency !== null && h.close !== null) {
    let rr = { rates: [] }
    if (j.currency !== h.orderCurrency) rr = recordRates(o.fx, rec)
    const f = rr.problem ? { status: 'bad_rate', problem: rr.problem } : pairFind(o.fx, rr.rates, j.currency, h.orderCurrency, h.close)
    if (f.status) j.error(f.status, 'is in ' + j.currency + ' and its order in ' + h.orderCurrency + ', but ' + f.problem + '.')
    else h.pair = f.pair
  }
  if (j.currency !== null) linesRead(j)
  // amount
  const av = P.field(rec, 'Amount')
  if (av === undefined || av === null) {
    if (o.totalsCheck) j.error('missing_amount', 'has no Amount to check the order\'s total against: select Amount in the export (or set settings.sfns.orders.totalsCheck to false).')
  } else {
    h.amount = P.decFromJson(av)
    if (h.amount === null) { const t = P.text(av)[1]; j.error('bad_amount', 'has Amount "' + (t || '(not text)') + '", which is not an amount.') }
  }
  if (errors.length > 0) return { errors }
  const out = order(j, h)
  if (errors.length > 0) return { errors }
  return { data: out }
}

function order (j, h) {
  const o = j.o; const fx = o.fx; const pair = h.pair
  const { out: amounts, total } = convertLines(fx, pair, j.lines.map((l) => l.amount))
  // totals check
  if (o.totalsCheck) {
    const expected = P.decSub(h.amount, j.unseen)
    const want = convert(fx, pair, expected)
    if (P.decCmp(total, want) !== 0) {
      let lines = D(0, 0)
      for (const l of j.lines) lines = P.decAdd(lines, l.amount)
      const unit = P.decText(D(1, pair.toPlaces))
      const less = P.decIsZero(j.unseen) ? '' : ' less the discounts it does not include (' + P.decText(j.unseen) + ' ' + j.currency + ')'
      if (pair.identity) {
        j.error('totals_mismatch', 'has line items that total ' + P.decText(total) + ' ' + h.orderCurrency + ' after discounts, but its Amount' + less + ' is ' +
          P.decText(want) + ' ' + h.orderCurrency + ': the order\'s total must equal the opportunity\'s to ' + unit + ' ' + h.orderCurrency + '. Correct the line items or the Amount in Salesforce.')
      } else {
        j.error('totals_mismatch', 'has line items that total ' + P.decText(lines) + ' ' + j.currency + ' after discounts (' + P.decText(total) + ' ' + h.orderCurrency +
          '), but its Amount' + less + ' is ' + P.decText(expected) + ' ' + j.currency + ' (' + P.decText(want) + ' ' + h.orderCurrency + ') at the exchange rates per 1 ' +
          fx.corporate + ' of ' + j.currency + ' ' + P.decText(pair.fromRate.rate) + ' and ' + h.orderCurrency + ' ' + P.decText(pair.toRate.rate) +
          ': the order\'s total must equal the opportunity\'s to ' + unit + ' ' + h.orderCurrency + '. Correct the line items or the Amount in Salesforce.')
      }
      return null
    }
  }
  // item lines
  const ratePlaces = o.ratePlaces >= 0 ? o.ratePlaces : pair.toPlaces
  const items = []
  j.lines.forEach((l, k) => {
    if (l.kind === 'item' && l.bundle !== null) {
      const b = l.bundle
      const parts = b.components.map((c) => ({ perBundle: c.quantity, weight: c.weight }))
      const roundingItem = o.catalog.roundingItem
      const residual = allocBundle(amounts[k], l.quantity, parts, pair.toPlaces, ratePlaces, fx.mode, roundingItem !== null)
      b.components.forEach((c, i) => pushLine(items, c.item, parts[i].quantity, parts[i].rate, parts[i].amount, c.description !== null ? c.description : l.description, true))
      if (roundingItem !== null && !P.decIsZero(residual)) pushLine(items, roundingItem, D(1, 0), residual, residual, 'Rounding of bundle ' + b.code, true)
      return
    }
    let rate = amounts[k]
    if (l.kind === 'item') rate = allocRate(amounts[k], l.quantity, pair.toPlaces, o.ratePlaces, fx.mode)
    pushLine(items, l.item, l.kind === 'item' ? l.quantity : null, rate, amounts[k], l.description, l.kind === 'item')
  })
  const dateOut = (c) => P.dateText(c.y, c.m, c.d)
  const out = { recordType: h.type, externalid: h.id, entity: h.account, trandate: dateOut(h.close) }
  if (h.type === 'estimate') out.duedate = dayText(dayNum(h.close) + o.quoteValidityDays)
  out.currency = h.netsuiteCurrency
  const subsidiary = pathText(j.rec, o.subsidiaryField)
  const set = (k, v) => { if (v !== null && v !== undefined) out[k] = v }
  set('subsidiary', subsidiary !== null ? subsidiary : o.defaultSubsidiary)
  set('otherrefnum', pathText(j.rec, o.poNumberField))
  set('memo', pathText(j.rec, o.memoField))
  let rep = null
  const [op, owner] = P.textField(j.rec, 'OwnerId')
  if (op === TEXT) { const r = P.to18(owner); if (r.id && o.salesRepByOwner !== null) rep = P.idText(o.salesRepByOwner[r.id]) }
  set('salesrep', rep !== null ? rep : o.defaultSalesRep)
  if (h.type === 'salesorder') set('orderstatus', o.orderStatus)
  if (h.type === 'estimate') {
    set('entitystatus', o.estimateStatus)
    const p = P.decFromJson(P.field(j.rec, 'Probability'))
    if (p !== null) out.probability = P.decJson(p)
  }
  const ship = pathText(j.rec, o.shipDateField)
  if (ship !== null) {
    const d = P.dateParse(ship)
    if (!d) { j.error('bad_ship_date', 'has ' + o.shipDateField + ' "' + ship + '", which is not a date.'); return null }
    out.shipdate = P.dateText(d.y, d.m, d.d)
  }
  out.item = items
  // audit
  const a = { total: P.decText(total), currency: h.orderCurrency }
  if (h.amount !== null) {
    let amt = h.amount
    if (amt.s < j.places) amt = P.decRound(amt, j.places, fx.mode)
    a.opportunityAmount = P.decText(amt)
  }
  a.opportunityCurrency = j.currency
  if (!P.decIsZero(j.orderDiscount)) a.opportunityDiscount = P.decText(j.orderDiscount)
  if (!pair.identity) {
    a.corporateCurrency = fx.corporate
    a.rates = {}
    a.rates[pair.from] = P.decText(pair.fromRate.rate)
    a.rates[pair.to] = P.decText(pair.toRate.rate)
    a.ratesOn = dateOut(h.close)
  }
  out._sfns = a
  return out
}

function sfnsOpportunityToSalesOrder (options, callback) {
  const o = readSettings(options)
  return P.premapPage('sfnsOpportunityToSalesOrder', options, callback, (rec, i, n) => opportunityRecord(o, rec, i, n))
}

module.exports = { sfnsOpportunityToSalesOrder }
