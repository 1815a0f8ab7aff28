'use strict'
// sfns_accounts.js — sfnsAccountToCustomer written in JavaScript, as a hook of Celigo's reference
// server (module.exports.sfnsAccountToCustomer(options, callback)), for the benchmark in
// bench/sfns_js.sh. The same rules as hooks/sfns/sfns_account.c with sfns_accounts_values.c,
// sfns_address.c, sfns_own.c, sfns_hash.c and sfns_geo.c (docs/sfns-settings.md, "Accounts <->
// Customers"): Ids to 18 characters, the integration-user echo, the lookup's current customer,
// the sync hash (SHA-256 over the same canonical form), field ownership with the default and
// configured rules (newest compares the two last-modified instants), list values through the
// settings maps, subsidiary by country and region, addresses split and normalised (countries as
// alpha-2, US/Canadian states as codes), unchanged fields left out, per-record errors. Not
// covered: the settings' strict checks (the benchmark sends valid settings), netsuiteDateFormat,
// netsuiteTimeZone other than UTC, logging.

const crypto = require('crypto')
const P = require('./sfns_port')
const { ABSENT, EMPTY, TEXT } = P

const AF = ['name', 'phone', 'fax', 'website', 'industry', 'owner', 'parent', 'subsidiary', 'currency',
  'billingAddress', 'shippingAddress', 'terms', 'creditHold', 'netsuiteId']
const F = {}
AF.forEach((n, i) => { F[n] = i })
const RULES = ['salesforce', 'netsuite', 'netsuite_once_ordered', 'newest', 'create_only']
const DEFAULT_RULES = ['salesforce', 'salesforce', 'salesforce', 'salesforce', 'salesforce', 'salesforce',
  'salesforce', 'create_only', 'create_only', 'netsuite_once_ordered', 'salesforce',
  'netsuite_once_ordered', 'netsuite', 'netsuite']
const NS_KEYS = ['companyname', 'phone', 'fax', 'url', 'category', 'salesrep', 'parent', 'subsidiary',
  'currency', null, null, 'terms', null, null]

// ---- settings (sfns_accounts_conf.c, without its checks) -----------------------------------

function readSettings (options) {
  const { root, section: c } = P.settingsSection(options, 'accounts')
  const str = (k, d) => { const v = P.setting(c, k); return v === undefined ? d : v }
  const id = (k) => { const v = P.setting(c, k); return v === undefined ? null : P.idText(v) }
  const map = (k) => { const v = P.setting(c, k); return P.isObj(v) ? v : null }
  const bool = (k, d) => { const v = P.setting(c, k); return v === undefined ? d : v === true }
  const user = P.setting(root, 'salesforceIntegrationUserId')
  const a = {
    sfUser: user === undefined ? null : P.to18(user).id,
    currentField: str('currentField', '_current'),
    orderedField: str('orderedField', 'firstorderdate'),
    userCheck: bool('integrationUserCheck', true),
    hashCheck: bool('hashCheck', true),
    sfHashField: str('salesforceHashField', 'Sfns_Sync_Hash__c'),
    nsHashField: str('netsuiteHashField', 'custentity_sfns_sync_hash'),
    sfModifiedByField: str('salesforceLastModifiedByField', 'LastModifiedById'),
    sfModifiedField: str('salesforceLastModifiedField', 'LastModifiedDate'),
    nsModifiedField: str('netsuiteLastModifiedField', 'lastmodifieddate'),
    categoryByIndustry: map('categoryByIndustry'),
    defaultCategory: id('defaultCategory'),
    currencies: map('currencies'),
    defaultCurrency: str('defaultCurrency', null),
    termsField: str('termsField', null),
    termsByName: map('termsByName'),
    creditHoldField: str('creditHoldField', null),
    netsuiteIdField: str('netsuiteIdField', 'NetSuite_Id__c'),
    reasonsField: str('reasonsField', null),
    urlScheme: str('urlScheme', 'https'),
    splitStreet: bool('splitStreet', true),
    defaultCountry: null,
    defaultSubsidiary: id('defaultSubsidiary'),
    subsidiaryFromShipping: str('subsidiaryAddress', 'billing') === 'shipping',
    defaultSalesRep: id('defaultSalesRep'),
    rules: DEFAULT_RULES.slice()
  }
  const dc = str('defaultCountry', null)
  if (dc !== null) { const k = P.countryFind(dc); a.defaultCountry = k ? k.alpha2 : null }
  const own = map('ownership')
  if (own) AF.forEach((n, i) => { if (typeof own[n] === 'string' && RULES.includes(own[n])) a.rules[i] = own[n] })
  // subsidiaries per country: regions first, a country's own entry over its region's
  const byCountry = map('subsidiaryByCountry'); const byRegion = map('subsidiaryByRegion'); const regions = map('regions')
  a.subsidiaryConfigured = byCountry !== null || byRegion !== null || a.defaultSubsidiary !== null
  a.subsidiaryByCountry = new Array(P.countryCount).fill(null)
  if (byRegion) {
    for (const region of Object.keys(byRegion)) {
      const rid = P.idText(byRegion[region])
      for (const m of (regions && regions[region]) || []) { const k = P.countryFind(m); if (k) a.subsidiaryByCountry[P.countryIndex(k)] = rid }
    }
  }
  if (byCountry) for (const k of Object.keys(byCountry)) { const c = P.countryFind(k); if (c) a.subsidiaryByCountry[P.countryIndex(c)] = P.idText(byCountry[k]) }
  const reps = map('salesRepByOwner')
  a.salesRepByOwner = null
  if (reps) {
    a.salesRepByOwner = {}
    for (const k of Object.keys(reps)) { const r = P.to18(k); if (r.id) a.salesRepByOwner[r.id] = reps[k] }
  }
  return a
}

// ---- values (sfns_accounts_values.c, sfns_address.c) ----------------------------------------

function val (presence, text, alt) { return { p: presence, t: text || null, alt: alt || null } }

function textValue (rec, name) {
  if (name == null) return val(ABSENT)
  const [p, t] = P.textField(rec, name)
  return val(p, t)
}

function sfIdValue (rec, name) {
  const v = textValue(rec, name)
  if (v.p === TEXT) { const r = P.to18(v.t); if (r.id) v.t = r.id }
  return v
}

function refValue (rec, name) {
  const f = P.field(rec, name)
  if (f === undefined) return val(ABSENT)
  const [p, r] = P.refRead(f)
  const v = val(p, r.id ? r.id : r.name, r.id ? r.name : null)
  if (v.t === null) v.p = EMPTY
  return v
}

const isAlpha = (c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
const isDigit = (c) => c >= '0' && c <= '9'

// sfns_url_normalise; null when it is not a web address.
function urlNormalise (url, scheme) {
  const t = P.trim(url)
  if (t === '') return null
  for (const ch of t) { const c = ch.charCodeAt(0); if (c <= 32 || c === 0x7f) return null }
  const sep = t.indexOf('://')
  let given = null; let rest = t
  if (sep >= 0) {
    given = t.slice(0, sep)
    rest = t.slice(sep + 3)
    const g = given.toLowerCase()
    if (!((given.length === 4 && g === 'http') || (given.length === 5 && g === 'https'))) return null
  } else if (t[0] === '/' && t[1] === '/') {
    rest = t.slice(2)
  } else {
    let k = 0
    while (k < t.length && (isAlpha(t[k]) || isDigit(t[k]) || t[k] === '+' || t[k] === '-')) k++
    if (k > 0 && t[k] === ':' && !isDigit(t[k + 1] || '')) return null
  }
  let hostLen = 0
  while (hostLen < rest.length && '/?#'.indexOf(rest[hostLen]) < 0) hostLen++
  if (hostLen === 0) return null
  let host = ''
  for (let i = 0; i < hostLen; i++) {
    const c = rest[i]
    if (!(isAlpha(c) || isDigit(c) || c === '.' || c === '-' || c === ':' || c === '_' || c.charCodeAt(0) >= 0x80)) return null
    host += c >= 'A' && c <= 'Z' ? c.toLowerCase() : c
  }
  let p = rest.slice(hostLen)
  if (p === '/') p = ''
  return (given !== null ? given : scheme).toLowerCase() + '://' + host + p
}

function urlValue (a, rec, name) {
  const v = textValue(rec, name)
  if (v.p === TEXT) { const u = urlNormalise(v.t, a.urlScheme); if (u !== null) v.t = u }
  return v
}

function newAddress () { return { line: [null, null, null], city: null, state: null, zip: null, country: null, countryText: null, stateText: null, any: false } }

function soapCountryWords (s) {
  if (s[0] !== '_' || s.length < 2) return s
  let out = ''
  for (let i = 1; i < s.length; i++) { if (s[i] >= 'A' && s[i] <= 'Z' && out.length > 0) out += ' '; out += s[i] }
  return out
}

function setCountry (a, t) {
  if (t == null) return
  a.any = true
  const c = P.countryFind(soapCountryWords(t))
  if (c) { a.country = c.alpha2; a.countryText = null } else { a.country = null; a.countryText = t }
}

function settleState (a) {
  if (a.state === null || a.country === null || !P.stateHasCodes(a.country)) return
  const s = P.stateFind(a.country, a.state)
  if (s) { a.state = s.code; a.stateText = null } else a.stateText = a.state
}

function splitStreet (street, split, a) {
  let n = 0
  for (const raw of street.split(/[\r\n]+/)) {
    const t = P.trim(raw)
    if (t === '') continue
    const slot = split ? (n < 2 ? n : 2) : 0
    a.line[slot] = slot === n ? t : (a.line[slot] === null ? t : a.line[slot] + ', ' + t)
    n++
  }
}

function addressFromSalesforce (rec, prefix, o, a) {
  let seen = false
  const part = (name) => { const [p, t] = P.textField(rec, prefix + name); if (p !== ABSENT) seen = true; return p === TEXT ? t : null }
  const street = part('Street')
  a.city = part('City')
  a.zip = part('PostalCode')
  const stateCode = part('StateCode'); const state = part('State')
  const countryCode = part('CountryCode'); const country = part('Country')
  if (!seen) return ABSENT
  if (street !== null) { splitStreet(street, o.splitStreet, a); a.any = true }
  a.state = stateCode !== null ? stateCode : state
  a.any = a.any || a.city !== null || a.zip !== null || a.state !== null
  setCountry(a, countryCode !== null ? countryCode : country)
  if (a.country === null && a.countryText === null && a.any && o.defaultCountry !== null) a.country = o.defaultCountry
  settleState(a)
  return a.any ? TEXT : EMPTY
}

function addressbookLines (rec) {
  for (const name of ['addressbook', 'addressbookList']) {
    let v = P.field(rec, name)
    for (let depth = 0; depth < 2 && P.isObj(v); depth++) {
      let inner = P.field(v, 'addressbook')
      if (inner === undefined) inner = P.field(v, 'items')
      v = inner
    }
    if (Array.isArray(v)) return v
  }
  return null
}

function nsParts (src, a) {
  let k = 0
  for (const n of ['addr1', 'addr2', 'addr3']) { const [p, t] = P.textField(src, n); if (p === TEXT) a.line[k++] = t }
  let r = P.textField(src, 'city'); if (r[0] === TEXT) a.city = r[1]
  r = P.textField(src, 'state'); if (r[0] === TEXT) a.state = r[1]
  r = P.textField(src, 'zip'); if (r[0] === TEXT) a.zip = r[1]
  a.any = k > 0 || a.city !== null || a.state !== null || a.zip !== null
  const [cp, c] = P.refRead(P.field(src, 'country'))
  if (cp === TEXT) setCountry(a, c.id ? c.id : c.name)
}

function addressFromNetsuite (rec, billing, o, a) {
  const flagName = billing ? 'defaultbilling' : 'defaultshipping'
  const lines = addressbookLines(rec)
  let seen = false
  if (lines !== null) {
    seen = true
    for (const line of lines) {
      if (P.flag(P.field(line, flagName)) !== 1) continue
      const addr = P.field(line, 'addressbookaddress')
      nsParts(P.isObj(addr) ? addr : line, a)
      break
    }
  } else {
    const vals = []
    for (const part of ['address1', 'address2', 'address3', 'city', 'state', 'zipcode', 'countrycode', 'country']) {
      const [p, t] = P.textField(rec, (billing ? 'bill' : 'ship') + part)
      if (p !== ABSENT) seen = true
      vals.push(p === TEXT ? t : null)
    }
    let k = 0
    for (let i = 0; i < 3; i++) if (vals[i] !== null) a.line[k++] = vals[i]
    a.city = vals[3]; a.state = vals[4]; a.zip = vals[5]
    a.any = k > 0 || a.city !== null || a.state !== null || a.zip !== null
    setCountry(a, vals[6] !== null ? vals[6] : vals[7])
  }
  if (!seen) return ABSENT
  if (a.country === null && a.countryText === null && a.any && o.defaultCountry !== null) a.country = o.defaultCountry
  settleState(a)
  return a.any ? TEXT : EMPTY
}

function addressValue (p, a) {
  if (p !== TEXT) return val(p)
  const country = a.country ? a.country : (a.countryText ? a.countryText : '')
  return val(p, (a.line[0] || '') + '\n' + (a.line[1] || '') + '\n' + (a.line[2] || '') + '\x1f' + (a.city || '') + '\x1f' +
    (a.state || '') + '\x1f' + (a.zip || '') + '\x1f' + country)
}

// Every field absent, and two empty addresses.
function noValues () { return { v: AF.map(() => val(ABSENT)), billing: newAddress(), shipping: newAddress() } }

function sfValues (a, acc) {
  const out = noValues()
  const v = out.v
  v[F.name] = textValue(acc, 'Name')
  v[F.phone] = textValue(acc, 'Phone')
  v[F.fax] = textValue(acc, 'Fax')
  v[F.website] = urlValue(a, acc, 'Website')
  v[F.industry] = textValue(acc, 'Industry')
  v[F.owner] = sfIdValue(acc, 'OwnerId')
  v[F.parent] = sfIdValue(acc, 'ParentId')
  v[F.currency] = textValue(acc, 'CurrencyIsoCode')
  v[F.billingAddress] = addressValue(addressFromSalesforce(acc, 'Billing', a, out.billing), out.billing)
  v[F.shippingAddress] = addressValue(addressFromSalesforce(acc, 'Shipping', a, out.shipping), out.shipping)
  v[F.terms] = textValue(acc, a.termsField)
  if (a.creditHoldField !== null) {
    const f = P.field(acc, a.creditHoldField)
    const fl = P.flag(f)
    v[F.creditHold] = val(f === undefined ? ABSENT : (fl < 0 ? EMPTY : TEXT), fl < 0 ? null : (fl ? 'true' : 'false'))
  }
  v[F.netsuiteId] = textValue(acc, a.netsuiteIdField)
  return out
}

function creditHoldValue (rec) {
  const v = refValue(rec, 'creditholdoverride')
  for (const code of ['ON', 'OFF', 'AUTO']) {
    if (v.p === TEXT && (P.streqNocase(v.t, code) || P.streqNocase(v.alt, code) || (v.t[0] === '_' && P.streqNocase(v.t.slice(1), code)))) { v.t = code; v.alt = null }
  }
  return v
}

function nsValues (a, cus) {
  const out = noValues()
  const v = out.v
  v[F.name] = textValue(cus, 'companyname')
  v[F.phone] = textValue(cus, 'phone')
  v[F.fax] = textValue(cus, 'fax')
  v[F.website] = urlValue(a, cus, 'url')
  v[F.industry] = refValue(cus, 'category')
  v[F.owner] = refValue(cus, 'salesrep')
  const parent = P.field(cus, 'parent')
  if (parent === undefined) v[F.parent] = val(ABSENT)
  else {
    const [p, r] = P.refRead(parent)
    v[F.parent] = val(p)
    if (p === TEXT) v[F.parent].t = P.isObj(parent) ? (r.externalId ? r.externalId : 'internal id ' + (r.id ? r.id : '?')) : r.id
  }
  v[F.subsidiary] = refValue(cus, 'subsidiary')
  v[F.currency] = refValue(cus, 'currency')
  v[F.billingAddress] = addressValue(addressFromNetsuite(cus, true, a, out.billing), out.billing)
  v[F.shippingAddress] = addressValue(addressFromNetsuite(cus, false, a, out.shipping), out.shipping)
  v[F.terms] = refValue(cus, 'terms')
  v[F.creditHold] = creditHoldValue(cus)
  v[F.netsuiteId] = textValue(cus, 'id')
  if (v[F.netsuiteId].p !== TEXT) v[F.netsuiteId] = textValue(cus, 'internalid')
  return out
}

function sfHolds (a, f) {
  if (f === F.subsidiary) return false
  if (f === F.terms) return a.termsField !== null
  if (f === F.creditHold) return a.creditHoldField !== null
  if (f === F.netsuiteId) return a.netsuiteIdField !== null
  return true
}

// sfns_hash.c: SHA-256 over "<len>:<bytes>" parts.
function syncHash (a, salesforce, vals) {
  let text = ''
  const part = (s) => { s = s || ''; text += Buffer.byteLength(s, 'utf8') + ':' + s }
  part('sfns-sync-hash/1')
  part(salesforce ? 'account' : 'customer')
  for (let f = 0; f < AF.length; f++) {
    const held = salesforce ? sfHolds(a, f) : f !== F.netsuiteId
    if (!held) continue
    part(AF[f])
    part(vals.v[f].p === TEXT ? vals.v[f].t : '')
  }
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex')
}

// sfns_value_same
function valueSame (want, have) {
  const we = want.p !== TEXT; const he = have.p !== TEXT
  if (we || he) return we && he
  return want.t === have.t || (want.alt !== null && P.streqNocase(want.alt, have.t)) || (have.alt !== null && P.streqNocase(have.alt, want.t))
}

// sfns_own_may_write (from Salesforce): the reason it may not, or null.
function ownReason (rule, facts) {
  switch (rule) {
    case 'salesforce': return null
    case 'netsuite': return 'owned by netsuite'
    case 'netsuite_once_ordered': return facts.ordered ? 'owned by netsuite: the customer has an order' : null
    case 'newest':
      if (!facts.targetExists) return null
      if (!facts.sourceTimeKnown) return 'newest: the record has no last-modified time'
      if (facts.targetTimeKnown && facts.targetMs >= facts.sourceMs) return 'newest: the target was modified at the same time or later'
      return null
    case 'create_only': return facts.targetExists ? 'create_only: the target exists' : null
  }
  return 'no ownership rule'
}

// sfns_time_read of an ISO 8601 string (UTC when it has no offset).
function timeRead (v) {
  if (typeof v !== 'string') return null
  const [p, t] = P.text(v)
  if (p !== TEXT) return null
  const d = P.dateParse(t)
  return d ? d.ms : null
}

// ---- one Account (sfns_account.c) -----------------------------------------------------------

function addressLine (addr, billing) {
  return {
    defaultbilling: billing,
    defaultshipping: !billing,
    label: billing ? 'Billing' : 'Shipping',
    addr1: addr.line[0] || '',
    addr2: addr.line[1] || '',
    addr3: addr.line[2] || '',
    city: addr.city || '',
    state: addr.state || '',
    zip: addr.zip || '',
    country: addr.country || ''
  }
}

function accountRecord (a, rec, index, count) {
  if (!P.isObj(rec)) return P.resultError('not_a_record', 'Record ' + (index + 1) + ' of ' + count + ' is not an Account object.')
  const name = P.textField(rec, 'Name')[1]
  const [idp, raw] = P.textField(rec, 'Id')
  if (idp !== TEXT) {
    return P.resultError('missing_id', 'Record ' + (index + 1) + ' of ' + count + (name ? ' (' + name + ')' : '') +
      ' has no Salesforce Id: the export must select the Account\'s Id.')
  }
  const idr = P.to18(raw)
  if (!idr.id || idr.id.slice(0, 3) !== '001') {
    return P.resultError('bad_id', 'Record ' + (index + 1) + ' of ' + count + ' has Id "' + raw + '", which is not a Salesforce Account Id: it ' +
      (idr.err ? P.SFID_ERR[idr.err] : 'does not start with 001') + '.')
  }
  const id = idr.id
  const label = name ? 'Account ' + id + ' (' + name + ')' : 'Account ' + id
  const errors = []
  const error = (code, msg) => errors.push({ code, message: label + ' ' + msg, source: 'sfns' })

  if (a.userCheck && a.sfUser !== null) {
    const [bp, by] = P.textField(rec, a.sfModifiedByField)
    if (bp === TEXT) { const b = P.to18(by); if (b.id && b.id === a.sfUser) return {} }
  }
  let current = null
  const cv = rec[a.currentField]
  if (P.isObj(cv)) current = cv
  else if (Array.isArray(cv)) {
    if (cv.length > 1) {
      return P.resultError('ambiguous_lookup', label + ': the lookup found ' + cv.length +
        ' NetSuite customers for it; merge the duplicates in NetSuite (or narrow the lookup) and retry.')
    }
    if (cv.length === 1 && P.isObj(cv[0])) current = cv[0]
  }
  const src = sfValues(a, rec)
  if (a.hashCheck) {
    const [sp, stored] = P.textField(rec, a.sfHashField)
    if (sp === TEXT && P.streqNocase(syncHash(a, true, src), stored)) return {}
  }
  const cur = current !== null ? nsValues(a, current) : noValues()
  const sourceMs = timeRead(P.field(rec, a.sfModifiedField))
  const targetMs = current !== null ? timeRead(P.field(current, a.nsModifiedField)) : null
  const facts = {
    targetExists: current !== null,
    ordered: current !== null && P.flag(P.field(current, a.orderedField)) === 1,
    sourceTimeKnown: sourceMs !== null,
    sourceMs,
    targetTimeKnown: targetMs !== null,
    targetMs
  }
  const want = noValues().v
  const addr = new Array(AF.length).fill(null)
  const reasons = new Array(AF.length).fill(null)
  const write = new Array(AF.length).fill(false)
  const countryReported = [false, false]

  const listValue = (f, map, def, mapKey, what) => {
    const s = src.v[f]
    if (s.p !== TEXT) { want[f] = val(def ? TEXT : EMPTY, def); return }
    let rid = map ? P.idText(P.field(map, s.t)) : null
    if (rid === null) rid = def
    if (rid === null) { reasons[f] = map === null ? 'settings.sfns.accounts.' + mapKey + ' is not set' : 'no NetSuite ' + what + ' for "' + s.t + '" in ' + mapKey; return }
    want[f] = val(TEXT, rid)
  }
  const subsidiaryValue = () => {
    if (!a.subsidiaryConfigured) { reasons[F.subsidiary] = 'no subsidiary settings (subsidiaryByCountry, subsidiaryByRegion, defaultSubsidiary)'; return }
    const first = a.subsidiaryFromShipping ? src.shipping : src.billing
    const second = a.subsidiaryFromShipping ? src.billing : src.shipping
    const used = (first.country || first.countryText) ? first : second
    const which = used === src.billing ? 'billing' : 'shipping'
    let sid = null
    if (used.country !== null) { const c = P.countryByAlpha2(used.country); sid = c ? a.subsidiaryByCountry[P.countryIndex(c)] : null }
    if (sid === null) sid = a.defaultSubsidiary
    if (sid !== null) { want[F.subsidiary] = val(TEXT, sid); return }
    if (used.countryText !== null) {
      error('unknown_country', 'has ' + which + ' country "' + used.countryText + '", which is not a country, so its NetSuite subsidiary cannot ' +
        'be chosen: use the country\'s English name or ISO code ("United States", "US").')
      countryReported[used === src.billing ? 0 : 1] = true
      return
    }
    if (used.country === null) {
      error('no_subsidiary', 'has no billing or shipping country, so its NetSuite subsidiary cannot be chosen: fill in the Account\'s Billing Country, or set settings.sfns.accounts.defaultSubsidiary.')
      return
    }
    const c = P.countryByAlpha2(used.country)
    error('no_subsidiary', 'has ' + which + ' country ' + (c ? c.name : used.country) + ' (' + used.country + '), which no NetSuite subsidiary is set for: add "' +
      used.country + '" to settings.sfns.accounts.subsidiaryByCountry (or to a region of subsidiaryByRegion), or set defaultSubsidiary.')
  }
  const currencyValue = () => {
    const s = src.v[F.currency]
    const code = s.p === TEXT ? s.t : a.defaultCurrency
    if (code === null) { reasons[F.currency] = 'the Account has no CurrencyIsoCode and settings.sfns.accounts.defaultCurrency is not set'; return }
    if (!P.currencyKnown(code)) {
      error('unknown_currency', 'has currency "' + code + '", which is not an ISO 4217 currency code: correct the Account\'s currency (CurrencyIsoCode).')
      return
    }
    if (a.currencies === null) { want[F.currency] = val(TEXT, code); return }
    const cid = P.idText(a.currencies[code])
    if (cid === null) {
      error('unknown_currency', 'has currency ' + code + ', which settings.sfns.accounts.currencies does not map to a NetSuite currency: add "' + code +
        '": <the NetSuite currency\'s internal id>, or change the Account\'s currency.')
      return
    }
    want[F.currency] = val(TEXT, cid, code)
  }
  const addressField = (f, ad, which) => {
    const s = src.v[f]
    if (s.p === EMPTY) { reasons[f] = 'empty in Salesforce (an address is not cleared in NetSuite)'; return }
    if (ad.countryText !== null) {
      if (countryReported[f === F.billingAddress ? 0 : 1]) return
      error('unknown_country', 'has ' + which + ' country "' + ad.countryText + '", which is not a country: use its English name or ISO code ("United States", "US", "USA").')
      return
    }
    if (ad.stateText !== null) {
      error('unknown_state', 'has ' + which + ' state "' + ad.stateText + '", which is not a state or province of ' + ad.country + ': use its name or two-letter code.')
      return
    }
    want[f] = s
    addr[f] = ad
  }
  const mapField = (f) => {
    const s = src.v[f]
    if (f !== F.subsidiary && s.p === ABSENT && !(f === F.currency && a.defaultCurrency !== null)) { reasons[f] = 'not in the record (the export does not select it)'; return }
    switch (f) {
      case F.name:
        if (s.p !== TEXT) error('missing_name', 'has no Name; a NetSuite customer needs a company name.')
        else want[f] = s
        break
      case F.website: {
        const [wp, w] = P.textField(rec, 'Website')
        if (s.p === TEXT && wp === TEXT && urlNormalise(w, a.urlScheme) === null) {
          error('bad_website', 'has Website "' + w + '", which is not a web address (such as "www.example.com"): correct or clear it.')
          break
        }
        want[f] = s
        break
      }
      case F.industry: listValue(f, a.categoryByIndustry, a.defaultCategory, 'categoryByIndustry', 'category'); break
      case F.owner: listValue(f, a.salesRepByOwner, a.defaultSalesRep, 'salesRepByOwner', 'sales rep'); break
      case F.parent: {
        const [pp, pr] = P.textField(rec, 'ParentId')
        const st = pp === TEXT ? P.to18(pr) : { id: '' }
        if (st.err) error('bad_parent_id', 'has ParentId "' + pr + '", which is not a Salesforce Id: it ' + P.SFID_ERR[st.err] + '.')
        else want[f] = s
        break
      }
      case F.subsidiary: subsidiaryValue(); break
      case F.currency: currencyValue(); break
      case F.billingAddress: addressField(f, src.billing, 'billing'); break
      case F.shippingAddress: addressField(f, src.shipping, 'shipping'); break
      case F.terms:
        if (s.p === TEXT && a.termsByName !== null) {
          const tid = P.idText(P.field(a.termsByName, s.t))
          if (tid === null) reasons[f] = 'no NetSuite terms for "' + s.t + '" in termsByName'
          else want[f] = val(TEXT, tid, s.t)
        } else want[f] = s
        break
      default: want[f] = s
    }
  }

  let writes = 0
  for (let f = 0; f < AF.length; f++) {
    if (f === F.creditHold || f === F.netsuiteId || (f === F.terms && a.termsField === null)) continue
    const why = ownReason(a.rules[f], facts)
    if (why !== null) { reasons[f] = why; continue }
    mapField(f)
    if (reasons[f] !== null || want[f].p === ABSENT) continue
    if (current === null && want[f].p === EMPTY) { reasons[f] = 'empty in Salesforce'; continue }
    if (current !== null && valueSame(want[f], cur.v[f])) { reasons[f] = 'unchanged'; continue }
    write[f] = true
    writes++
  }
  if (errors.length > 0) return { errors }
  if (writes === 0) return {}
  let hash = null
  if (a.hashCheck) {
    const after = { v: cur.v.slice() }
    for (let f = 0; f < AF.length; f++) if (write[f]) after.v[f] = want[f]
    hash = syncHash(a, false, after)
  }
  const out = { externalid: id }
  let book = null
  for (let f = 0; f < AF.length; f++) {
    if (!write[f]) continue
    if (f === F.billingAddress || f === F.shippingAddress) {
      if (book === null) { book = []; out.addressbook = book }
      book.push(addressLine(addr[f], f === F.billingAddress))
      continue
    }
    out[NS_KEYS[f]] = want[f].p === TEXT ? want[f].t : ''
    if (f === F.name && P.flag(P.field(rec, 'IsPersonAccount')) === 1) {
      out.isperson = true
      out.firstname = P.textField(rec, 'FirstName')[1] || ''
      out.lastname = P.textField(rec, 'LastName')[1] || ''
    }
  }
  if (hash !== null) out[a.nsHashField] = hash
  if (a.reasonsField !== null) {
    for (let f = 0; f < AF.length; f++) {
      if (reasons[f] === null) continue
      if (!out[a.reasonsField]) out[a.reasonsField] = {}
      out[a.reasonsField][AF[f]] = reasons[f]
    }
  }
  return { data: out }
}

function sfnsAccountToCustomer (options, callback) {
  const a = readSettings(options)
  return P.premapPage('sfnsAccountToCustomer', options, callback, (rec, i, n) => accountRecord(a, rec, i, n))
}

module.exports = { sfnsAccountToCustomer }
