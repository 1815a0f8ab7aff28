'use strict'
// sfns_port.js — what the JavaScript ports of the sfns hooks for the benchmarks against the
// reference Node server share (bench/sfns_accounts.js, bench/sfns_orders.js): reading record
// fields as hooks/sfns/sfns_text.c does (any key case, trimmed text, references, flags), Salesforce
// Ids (15 -> 18 characters), the exact decimals of the runner's hook API (runner/sdk_decimal.c:
// units x 10^-scale as BigInt, the same rounding modes, largest-remainder allocation, JSON
// numbers), ISO 4217 minor units and the country/state tables. The tables are read at load time
// from the C sources of this repository (runner/sdk_currency.c, hooks/sfns/sfns_geo_data.c), so
// both sides use one copy of the data.

const fs = require('fs')
const path = require('path')

const REPO = path.join(__dirname, '..')
const ABSENT = 0
const EMPTY = 1
const TEXT = 2

function isObj (v) { return v !== null && typeof v === 'object' && !Array.isArray(v) }

const hasOwn = Object.prototype.hasOwnProperty
function lowerAscii (s) { return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32)) }
function lowerCode (c) { return c >= 65 && c <= 90 ? c + 32 : c }
// Equal ignoring ASCII case.
function eqNocase (a, b) {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (lowerCode(a.charCodeAt(i)) !== lowerCode(b.charCodeAt(i))) return false
  return true
}

// sfns_field: the exact key, else the first key equal ignoring ASCII case.
function field (obj, name) {
  if (!isObj(obj)) return undefined
  if (hasOwn.call(obj, name)) return obj[name]
  for (const k in obj) if (eqNocase(k, name)) return obj[k]
  return undefined
}

// sfns_field_path: names joined with '.'.
function fieldPath (obj, p) {
  if (p.indexOf('.') < 0) return p === '' ? undefined : field(obj, p)
  let cur = obj
  for (const step of p.split('.')) {
    if (step === '') return undefined
    cur = field(cur, step)
    if (cur === undefined) return undefined
  }
  return cur
}

function trim (s) { return s.replace(/^[ \t\n\r\f\v]+/, '').replace(/[ \t\n\r\f\v]+$/, '') }

// sfns_text: [presence, text].
function text (v) {
  if (v === undefined) return [ABSENT, null]
  if (v === null) return [EMPTY, null]
  if (typeof v === 'string') { const t = trim(v); return t === '' ? [EMPTY, null] : [TEXT, t] }
  if (typeof v === 'number') return [TEXT, String(v)]
  if (typeof v === 'boolean') return [TEXT, v ? 'true' : 'false']
  return [ABSENT, null]
}

// sfns_text_field: a present field that is not text is EMPTY.
function textField (obj, name) {
  const v = field(obj, name)
  if (v === undefined) return [ABSENT, null]
  const r = text(v)
  return r[0] === ABSENT ? [EMPTY, null] : r
}

function firstText (obj, names) {
  for (const n of names) { const [p, t] = textField(obj, n); if (p === TEXT) return t }
  return null
}

// sfns_ref_read: [presence, {id, name, externalId}].
function refRead (v) {
  const r = { id: null, name: null, externalId: null }
  if (v === undefined) return [ABSENT, r]
  if (isObj(v)) {
    r.id = firstText(v, ['internalId', 'id', 'value'])
    r.name = firstText(v, ['name', 'refName', 'text'])
    r.externalId = firstText(v, ['externalId'])
    return [(r.id || r.name || r.externalId) ? TEXT : EMPTY, r]
  }
  const [p, t] = text(v)
  if (p === TEXT) r.id = t
  return [p === ABSENT ? EMPTY : p, r]
}

function streqNocase (a, b) { return a != null && b != null && eqNocase(a, b) }

// sfns_flag: -1 absent/null, 0 false, 1 true.
function flag (v) {
  if (v === undefined || v === null) return -1
  if (typeof v === 'string') {
    const [p, s] = text(v)
    if (p !== TEXT) return 0
    const l = lowerAscii(s)
    if (l === 't' || l === 'true' || l === 'yes' || l === 'y') return 1
    if (l === 'f' || l === 'false' || l === 'no' || l === 'n') return 0
    return 1
  }
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number') return v !== 0 && !isNaN(v) ? 1 : 0
  return 1
}

// sfns_id_text: a non-empty string, or a safe integer as its digits.
function idText (v) {
  if (typeof v === 'string') return v.length > 0 && v.indexOf('\0') < 0 ? v : null
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : null
  return null
}

// ---- Salesforce Ids (sfns_sfid.c) ----------------------------------------------------------

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'
const SFID_ERR = {
  length: 'must be 15 or 18 characters',
  chars: 'may hold only the letters A-Z, a-z and the digits 0-9',
  checksum: 'has a checksum (its last 3 characters) that does not match its first 15 characters'
}
const isUp = (c) => c >= 'A' && c <= 'Z'
const isLo = (c) => c >= 'a' && c <= 'z'
const isDig = (c) => c >= '0' && c <= '9'

// {id} or {err: 'length' | 'chars' | 'checksum'}.
function to18 (t) {
  if (t == null || (t.length !== 15 && t.length !== 18)) return { err: 'length' }
  for (const c of t) if (!isUp(c) && !isLo(c) && !isDig(c)) return { err: 'chars' }
  if (t.length === 15) {
    let out = t
    for (let chunk = 0; chunk < 3; chunk++) {
      let v = 0
      for (let i = 0; i < 5; i++) if (isUp(t[chunk * 5 + i])) v |= 1 << i
      out += SUFFIX[v]
    }
    return { id: out }
  }
  let agrees = true; let hasUp = false; let hasLo = false; let out = ''; let suf = ''
  for (let chunk = 0; chunk < 3; chunk++) {
    const v = SUFFIX.indexOf(t[15 + chunk].toUpperCase())
    if (v < 0) return { err: 'checksum' }
    for (let i = 0; i < 5; i++) {
      const c = t[chunk * 5 + i]
      const up = (v >> i) & 1
      if (isDig(c)) { if (up) return { err: 'checksum' }; out += c; continue }
      hasUp = hasUp || isUp(c)
      hasLo = hasLo || isLo(c)
      if (up !== (isUp(c) ? 1 : 0)) agrees = false
      out += up ? c.toUpperCase() : c.toLowerCase()
    }
    suf += SUFFIX[v]
  }
  if (!agrees && hasUp && hasLo) return { err: 'checksum' }
  return { id: out + suf }
}

// ---- exact decimals (runner/sdk_decimal.c) -------------------------------------------------

const MAX_SCALE = 18
const UNITS_MAX = 9223372036854775807n
const P10 = []
for (let i = 0, p = 1n; i <= 40; i++, p *= 10n) P10.push(p)
const ROUND = { 'half-up': 1, 'half-even': 2, 'half-down': 3, down: 4, up: 5, floor: 6, ceiling: 7 }

class DecimalError extends Error {}

function D (units, scale) { return { u: BigInt(units), s: scale } }
function absB (x) { return x < 0n ? -x : x }

function fit (neg, m, s) {
  while ((s > MAX_SCALE || m > UNITS_MAX) && s > 0 && m % 10n === 0n) { m /= 10n; s-- }
  if (s > MAX_SCALE || m > UNITS_MAX) throw new DecimalError('does not fit (19 digits, at most 18 decimal places)')
  return { u: neg ? -m : m, s }
}

function roundMag (q, r, d, neg, mode) {
  if (r === 0n) return q
  const rest = d - r
  const above = r > rest; const tie = r === rest
  switch (mode) {
    case 1: return above || tie ? q + 1n : q
    case 3: return above ? q + 1n : q
    case 2: return above || (tie && (q & 1n)) ? q + 1n : q
    case 4: return q
    case 5: return q + 1n
    case 6: return neg ? q + 1n : q
    case 7: return neg ? q : q + 1n
  }
  return q
}

function rescale (neg, m, s, scale, mode) {
  if (scale >= s) m *= P10[scale - s]
  else { const d = P10[s - scale]; m = roundMag(m / d, m % d, d, neg, mode) }
  if (m > UNITS_MAX) throw new DecimalError('does not fit in 19 digits')
  return { u: neg ? -m : m, s: scale }
}

// decimal_parse: null for text that is not a decimal (or does not fit).
function decParse (s) {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s)
  if (!m) return null
  const intp = m[2]; const frac = m[3] || ''
  if (intp.length + frac.length === 0) return null
  const neg = m[1] === '-'
  const all = (intp + frac).replace(/^0+/, '')
  let exp = m[4] ? parseInt(m[4], 10) : 0
  if (all === '') {
    const sc = frac.length - exp
    return { u: 0n, s: sc < 0 ? 0 : sc > MAX_SCALE ? MAX_SCALE : sc }
  }
  let digits = all; let dropped = 0
  if (digits.length > 20) {
    const tail = digits.slice(20)
    if (/[^0]/.test(tail)) return null
    dropped = tail.length
    digits = digits.slice(0, 20)
  }
  if (exp > 1000 || exp < -1000) return null
  let mm = BigInt(digits)
  let sc = frac.length - dropped - exp
  if (sc < 0) {
    if (sc < -19) return null
    mm *= P10[-sc]
    if (mm > UNITS_MAX) return null
    sc = 0
  }
  if (sc > 2 * 19 + MAX_SCALE) return null
  try { return fit(neg, mm, sc) } catch (e) { return null }
}

// decimal_from_json: a number through its JavaScript text, or decimal text; null otherwise.
function decFromJson (v) {
  if (typeof v === 'number') return isFinite(v) ? decParse(String(v)) : null
  if (typeof v === 'string') return decParse(v)
  return null
}

function decAdd (a, b) {
  const s = Math.max(a.s, b.s)
  const v = a.u * P10[s - a.s] + b.u * P10[s - b.s]
  return fit(v < 0n, absB(v), s)
}
function decSub (a, b) { return decAdd(a, { u: -b.u, s: b.s }) }
function decMul (a, b) { return fit((a.u < 0n) !== (b.u < 0n), absB(a.u) * absB(b.u), a.s + b.s) }
function decMulRound (a, b, scale, mode) {
  return rescale((a.u < 0n) !== (b.u < 0n), absB(a.u) * absB(b.u), a.s + b.s, scale, mode)
}
function decDiv (a, b, scale, mode) {
  if (b.u === 0n) throw new DecimalError('Division by zero')
  const neg = (a.u < 0n) !== (b.u < 0n)
  const na = absB(a.u); const nb = absB(b.u)
  const e = scale + b.s - a.s
  let q, r, d
  if (e < 0) { d = nb * P10[-e]; q = na / d; r = na % d } else { d = nb; const n = na * P10[e]; q = n / nb; r = n % nb }
  q = roundMag(q, r, d, neg, mode)
  if (q > UNITS_MAX) throw new DecimalError('does not fit')
  return { u: neg ? -q : q, s: scale }
}
function decRound (a, scale, mode) { return rescale(a.u < 0n, absB(a.u), a.s, scale, mode) }
function decCmp (a, b) {
  const s = Math.max(a.s, b.s)
  const x = a.u * P10[s - a.s]; const y = b.u * P10[s - b.s]
  return x < y ? -1 : x > y ? 1 : 0
}
function decSign (a) { return a.u < 0n ? -1 : a.u > 0n ? 1 : 0 }
function decIsZero (a) { return a.u === 0n }
function decNeg (a) { return { u: -a.u, s: a.s } }
function decAbs (a) { return a.u < 0n ? decNeg(a) : a }

// decimal_allocate: the largest-remainder split of total (exact at scale) over weights.
function decAllocate (total, weights, scale) {
  const t = decRound(total, scale, 4)
  if (decCmp(t, total) !== 0) throw new DecimalError('the total is not exact')
  let ws = 0
  for (const w of weights) { if (w.u < 0n) throw new DecimalError('negative weight'); if (w.s > ws) ws = w.s }
  const wv = weights.map((w) => w.u * P10[ws - w.s])
  let wsum = 0n
  for (const w of wv) wsum += w
  if (wsum === 0n) throw new DecimalError('the weights sum to zero')
  const tm = absB(t.u)
  const shares = []; const rems = []; let given = 0n
  wv.forEach((w, i) => { const prod = tm * w; shares.push(prod / wsum); rems.push({ rem: prod % wsum, i }); given += prod / wsum })
  let left = tm - given
  rems.sort((a, b) => a.rem !== b.rem ? (a.rem > b.rem ? -1 : 1) : a.i - b.i)
  for (let k = 0; k < rems.length && left > 0n; k++, left--) shares[rems[k].i]++
  const neg = t.u < 0n
  return shares.map((x) => ({ u: neg ? -x : x, s: scale }))
}

// decimal_format: exactly a.s places.
function decText (a) {
  let digits = absB(a.u).toString()
  while (digits.length <= a.s) digits = '0' + digits
  const body = a.s > 0 ? digits.slice(0, digits.length - a.s) + '.' + digits.slice(digits.length - a.s) : digits
  return (a.u < 0n ? '-' : '') + body
}

// json_new_decimal, else json_new_decimal_string (sfns_order_amount).
function decJson (a) {
  const t = decText(a)
  const n = Number(t)
  const back = decParse(String(n))
  return back !== null && decCmp(back, a) === 0 ? n : t
}

// ---- ISO 4217 minor units (runner/sdk_currency.c) ------------------------------------------

const MINOR = new Map()
{
  const src = fs.readFileSync(path.join(REPO, 'runner/sdk_currency.c'), 'utf8')
  for (const m of src.matchAll(/\{"([A-Z]{3})",\s*(-?\d+)\}/g)) MINOR.set(m[1], parseInt(m[2], 10))
}
function currencyMinorUnits (code) {
  if (typeof code !== 'string' || !/^[A-Za-z]{3}$/.test(code)) return -1
  const v = MINOR.get(code.toUpperCase())
  return v === undefined ? -1 : v
}
// sfns_currency_known
function currencyKnown (code) { return code != null && code[0] >= 'A' && code[0] <= 'Z' && currencyMinorUnits(code) >= 0 }

// ---- ISO dates and instants (the subset of the runner's date_parse the benchmarks use) ------

// {y, m, d, ms (instant, UTC for local times), hasOffset} or null.
function dateParse (t) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/.exec(t)
  if (!m) return null
  const y = +m[1]; const mo = +m[2]; const d = +m[3]
  const day = Date.UTC(y, mo - 1, d)
  if (mo < 1 || mo > 12 || new Date(day).getUTCDate() !== d) return null
  let ms = day
  if (m[4] !== undefined) {
    const frac = m[7] ? Math.floor(Number('0.' + m[7]) * 1000 + 1e-9) : 0
    ms += ((+m[4]) * 3600 + (+m[5]) * 60 + (m[6] ? +m[6] : 0)) * 1000 + frac
  }
  let hasOffset = false
  if (m[8] !== undefined) {
    hasOffset = true
    if (m[8] !== 'Z') {
      const sign = m[8][0] === '-' ? -1 : 1
      const hh = +m[8].slice(1, 3); const mm = m[8].length > 3 ? +m[8].slice(-2) : 0
      ms -= sign * (hh * 60 + mm) * 60000
    }
  }
  return { y, m: mo, d, ms, hasOffset }
}
function dateText (y, m, d) { return String(y).padStart(4, '0') + '-' + String(m).padStart(2, '0') + '-' + String(d).padStart(2, '0') }

// ---- countries and states (hooks/sfns/sfns_geo.c over sfns_geo_data.c) ----------------------
// Strings here are byte strings (one character per UTF-8 byte), as the C code sees them.

const GEO = { countries: [], countryKeys: new Map(), states: [], stateKeys: new Map() }
{
  const src = fs.readFileSync(path.join(REPO, 'hooks/sfns/sfns_geo_data.c'), 'latin1')
  const section = (name) => { const i = src.indexOf(name + '[] = {'); return src.slice(i, src.indexOf('\n};', i)) }
  for (const m of section('sfns_countries').matchAll(/\{"([A-Z]{2})", "([A-Z]{3})", "((?:[^"\\]|\\.)*)"\}/g)) GEO.countries.push({ alpha2: m[1], alpha3: m[2], name: Buffer.from(m[3], 'latin1').toString('utf8') })
  for (const m of section('sfns_country_keys').matchAll(/\{"((?:[^"\\]|\\.)*)", (\d+)\}/g)) GEO.countryKeys.set(m[1], +m[2])
  for (const m of section('sfns_states').matchAll(/\{"([A-Z]{2})", "([A-Z0-9]{1,3})", "((?:[^"\\]|\\.)*)"\}/g)) GEO.states.push({ country: m[1], code: m[2], name: m[3] })
  for (const m of section('sfns_state_keys').matchAll(/\{"((?:[^"\\]|\\.)*)", (\d+)\}/g)) GEO.stateKeys.set(m[1], +m[2])
  if (GEO.countries.length < 200 || GEO.countryKeys.size < 200 || GEO.states.length < 50) throw new Error('sfns_port.js: could not read hooks/sfns/sfns_geo_data.c')
}
GEO.byAlpha2 = new Map(GEO.countries.map((c, i) => [c.alpha2, i]))

const GEO_KEY_MAX = 96
const LATIN1_FOLD = "aaaaaa*ceeeeiiiidnooooo\0ouuuuy**aaaaaa*ceeeeiiiidnooooo\0ouuuuy*y"
function fold2 (b) { return b === 0x86 || b === 0xA6 ? 'ae' : b === 0x9E || b === 0xBE ? 'th' : 'ss' }

// sfns_geo_key over the UTF-8 bytes of s; null when it does not fit or is empty.
function geoKey (s) {
  const p = Buffer.from(s, 'utf8')
  let out = ''; let pending = false; let overflow = false
  const put = (x) => {
    if (pending && out.length > 0) { if (out.length + 1 > GEO_KEY_MAX) { overflow = true; return } out += ' ' }
    pending = false
    if (out.length + x.length > GEO_KEY_MAX) { overflow = true; return }
    out += x
  }
  for (let i = 0; i < p.length && !overflow; i++) {
    const c = p[i]
    if (c === 0x2E || c === 0x27) continue
    if (c === 0xE2 && i + 2 < p.length && p[i + 1] === 0x80 && (p[i + 2] === 0x98 || p[i + 2] === 0x99)) { i += 2; continue }
    if (c === 0xC3 && i + 1 < p.length && p[i + 1] >= 0x80 && p[i + 1] <= 0xBF) {
      const f = LATIN1_FOLD[p[i + 1] - 0x80]
      if (f === '*') put(fold2(p[i + 1]))
      else if (f !== '\0') put(f)
      else pending = true
      i++
      continue
    }
    if (c === 0x26) { pending = true; put('and'); pending = true; continue }
    if ((c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)) put(String.fromCharCode(c))
    else if (c >= 0x41 && c <= 0x5A) put(String.fromCharCode(c + 32))
    else if (c >= 0x80) put(String.fromCharCode(c))
    else pending = true
  }
  if (overflow || out.length === 0) return null
  if (out.length > 4 && out.startsWith('the ')) out = out.slice(4)
  return out
}
function countryFind (s) {
  if (s == null) return null
  const k = geoKey(s)
  if (k === null) return null
  const i = GEO.countryKeys.get(k)
  return i === undefined ? null : GEO.countries[i]
}
function countryByAlpha2 (a2) { const i = GEO.byAlpha2.get(a2); return i === undefined ? null : GEO.countries[i] }
function countryIndex (c) { return GEO.byAlpha2.get(c.alpha2) }
function stateHasCodes (a2) { return a2 === 'US' || a2 === 'CA' }
function stateFind (country, s) {
  if (!stateHasCodes(country) || s == null) return null
  const k = geoKey(s)
  if (k === null || k.length + 3 > GEO_KEY_MAX) return null
  const i = GEO.stateKeys.get(country.toLowerCase() + ':' + k)
  return i === undefined ? null : GEO.states[i]
}

// ---- answers -------------------------------------------------------------------------------

function resultError (code, message) { return { errors: [{ code, message, source: 'sfns' }] } }
// sfns_premap_page: the answer array, one element per record of options.data.
function premapPage (name, options, callback, perRecord) {
  if (!Array.isArray(options.data)) {
    return callback({ statusCode: 422, errors: [{ code: 'invalid_options', message: name + ': options.data must be the array of records of the page (the function is a preMap hook)' }] })
  }
  const n = options.data.length
  return callback(null, options.data.map((rec, i) => perRecord(rec, i, n)))
}
function settingsSection (options, name) {
  const sfns = isObj(options.settings) && isObj(options.settings.sfns) ? options.settings.sfns : {}
  return { root: sfns, section: isObj(sfns[name]) ? sfns[name] : {} }
}
// A settings value: undefined when absent or null.
function setting (obj, key) { const v = obj[key]; return v === null ? undefined : v }

module.exports = {
  ABSENT,
  EMPTY,
  TEXT,
  isObj,
  field,
  fieldPath,
  trim,
  text,
  textField,
  refRead,
  streqNocase,
  flag,
  idText,
  to18,
  SFID_ERR,
  D,
  ROUND,
  DecimalError,
  decParse,
  decFromJson,
  decAdd,
  decSub,
  decMul,
  decMulRound,
  decDiv,
  decRound,
  decCmp,
  decSign,
  decIsZero,
  decNeg,
  decAbs,
  decAllocate,
  decText,
  decJson,
  currencyMinorUnits,
  currencyKnown,
  dateParse,
  dateText,
  countryFind,
  countryByAlpha2,
  countryIndex,
  countryCount: GEO.countries.length,
  stateHasCodes,
  stateFind,
  resultError,
  premapPage,
  settingsSection,
  setting
}
