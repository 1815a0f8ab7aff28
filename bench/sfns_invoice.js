'use strict'
// sfns_invoice.js — sfnsInvoiceStatus written in JavaScript, as a hook of Celigo's reference
// server (express-integrator-extension: module.exports.sfnsInvoiceStatus(options, callback)), for
// the benchmark in bench/sfns_invoice.sh. The same rules as hooks/sfns/sfns_invoice*.c
// (docs/sfns-settings.md, "sfnsInvoiceStatus") for what the benchmark exercises: record types,
// internal ids, links to Salesforce (field paths, 15 -> 18 character Ids), amounts as exact
// decimals (BigInt at 6 places: never binary floating point on the way), ISO dates, days overdue in
// UTC, statuses, amounts due from each source, last payments, Opportunity and Account roll-ups,
// incomplete and mixed-currency roll-ups left out, settings read with their defaults. Not covered:
// the settings' strict checks, netsuiteDateFormat, netsuiteTimeZone other than UTC, grouped rows,
// rows of one transaction merged, currency conversion, per-invoice records.

const SCALE = 1000000n

const DEFAULT_LABELS = { open: 'Open', partiallyPaid: 'Partially Paid', overdue: 'Overdue', paid: 'Paid In Full' }
const DEFAULT_OPP = {
  status: 'NetSuite_Invoice_Status__c',
  amountInvoiced: 'NetSuite_Amount_Invoiced__c',
  amountDue: 'NetSuite_Amount_Due__c',
  daysOverdue: 'NetSuite_Days_Overdue__c',
  lastPaymentDate: 'NetSuite_Last_Payment_Date__c',
  lastPaymentAmount: 'NetSuite_Last_Payment_Amount__c'
}
const DEFAULT_ACC = {
  openBalance: 'NetSuite_Open_Balance__c',
  overdueBalance: 'NetSuite_Overdue_Balance__c',
  daysOverdue: 'NetSuite_Days_Overdue__c',
  lastPaymentDate: 'NetSuite_Last_Payment_Date__c',
  lastPaymentAmount: 'NetSuite_Last_Payment_Amount__c'
}
const KINDS = {
  invoice: 'invoice',
  custinvc: 'invoice',
  customerpayment: 'payment',
  custpymt: 'payment',
  payment: 'payment',
  creditmemo: 'credit',
  custcred: 'credit'
}
const WORDS = { invoice: 'invoice', payment: 'customer payment', credit: 'credit memo' }

function field (obj, name) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name]
  const lower = name.toLowerCase()
  for (const k of Object.keys(obj)) if (k.length === name.length && k.toLowerCase() === lower) return obj[k]
  return undefined
}

function text (v) {
  if (typeof v === 'string') { const t = v.trim(); return t === '' ? null : t }
  if (typeof v === 'number') return String(v)
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return null
}

function refOf (v) {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const pick = (names) => { for (const n of names) { const t = text(field(v, n)); if (t !== null) return t } return null }
    return { id: pick(['internalId', 'id', 'value']), name: pick(['name', 'refName', 'text']), externalId: pick(['externalId']) }
  }
  return { id: text(v), name: null, externalId: null }
}

function pathValue (rec, path) {
  const whole = field(rec, path)
  if (whole !== undefined || path.indexOf('.') < 0) return whole
  let cur = rec
  for (const step of path.split('.')) {
    cur = field(cur, step)
    if (cur === undefined) return undefined
  }
  return cur
}

function pathText (rec, path) {
  const v = pathValue(rec, path)
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return refOf(v).externalId
  return text(v)
}

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'
function isUpper (c) { return c >= 'A' && c <= 'Z' }
// The 18-character Id, or a reason string prefixed with '!'.
function to18 (t) {
  if (!/^[0-9A-Za-z]+$/.test(t)) return '!may hold only the letters A-Z, a-z and the digits 0-9'
  if (t.length !== 15 && t.length !== 18) return '!must be 15 or 18 characters'
  let out = ''
  if (t.length === 15) {
    out = t
    for (let c = 0; c < 3; c++) {
      let bits = 0
      for (let i = 0; i < 5; i++) if (isUpper(t[c * 5 + i])) bits |= 1 << i
      out += SUFFIX[bits]
    }
    return out
  }
  const base = t.slice(0, 15)
  let fixed = ''
  for (let c = 0; c < 3; c++) {
    const bits = SUFFIX.indexOf(t[15 + c].toUpperCase())
    if (bits < 0) return '!has a checksum (its last 3 characters) that does not match its first 15 characters'
    for (let i = 0; i < 5; i++) {
      const ch = base[c * 5 + i]
      const up = (bits >> i) & 1
      if (up && ch >= '0' && ch <= '9') return '!has a checksum (its last 3 characters) that does not match its first 15 characters'
      fixed += up ? ch.toUpperCase() : ch.toLowerCase()
    }
  }
  const mixed = /[a-z]/.test(base) && /[A-Z]/.test(base)
  if (mixed && fixed !== base) return '!has a checksum (its last 3 characters) that does not match its first 15 characters'
  return fixed + t.slice(15).toUpperCase()
}

// Exact decimal text -> BigInt units of 10^-6, or null.
function dec (v) {
  let s
  if (typeof v === 'number') { if (!isFinite(v)) return null; s = String(v) } else if (typeof v === 'string') s = v.trim(); else return null
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s)
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return null
  let digits = m[2] + (m[3] || '')
  let exp = (m[4] ? parseInt(m[4], 10) : 0) - (m[3] || '').length + 6
  if (exp < 0) {
    if (!/^0*$/.test(digits.slice(digits.length + exp))) return null
    digits = digits.slice(0, digits.length + exp) || '0'
    exp = 0
  }
  const units = BigInt(digits || '0') * 10n ** BigInt(exp)
  return m[1] === '-' ? -units : units
}

function num (units) { return Number(units) / 1e6 }

function dayNumber (t) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(t || '')
  if (!m) return null
  const d = Date.UTC(+m[1], +m[2] - 1, +m[3])
  if (new Date(d).getUTCDate() !== +m[3]) return null
  return d / 86400000
}

function dateText (day) { return new Date(day * 86400000).toISOString().slice(0, 10) }

function firstField (rec, names) {
  for (const n of names) {
    const v = field(rec, n)
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) continue
    return { name: n, value: v }
  }
  return null
}

function shown (v) {
  const t = text(v)
  if (t !== null) return '"' + t.slice(0, 60) + '"'
  return Array.isArray(v) ? 'an array' : (v && typeof v === 'object') ? 'an object' : 'empty'
}

function readTx (rec, index, count, s, addError) {
  const tx = { index, rec, apply: [], failed: false }
  const where = 'record ' + (index + 1) + ' of ' + count
  const problem = (fails, code, msg) => { addError(code, tx.label + ' ' + msg); if (fails) tx.failed = true }
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
    tx.label = 'NetSuite record (' + where + ')'
    problem(true, 'invalid_record', 'is not an object (a NetSuite record).')
    return null
  }
  const idf = firstField(rec, ['id', 'internalid'])
  tx.id = idf && (typeof idf.value === 'string' ? idf.value : (Number.isSafeInteger(idf.value) ? String(idf.value) : null))
  tx.number = text(field(rec, 'tranid'))
  let type = text(field(rec, s.typeField))
  if (type === null && s.typeField !== 'type') type = text(field(rec, 'type'))
  const kind = type !== null ? KINDS[type.toLowerCase().replace(/[^a-z0-9]/g, '')] : undefined
  const label = (what) => tx.number && tx.id ? 'NetSuite ' + what + ' ' + tx.number + ' (internal id ' + tx.id + ', ' + where + ')'
    : tx.id ? 'NetSuite ' + what + ' ' + tx.id + ' (' + where + ')'
      : tx.number ? 'NetSuite ' + what + ' ' + tx.number + ' (' + where + ')' : 'NetSuite ' + what + ' (' + where + ')'
  if (!kind) {
    tx.label = label('record')
    if (type !== null) problem(true, 'unsupported_record_type', 'has record type "' + type.slice(0, 40) + '": sfnsInvoiceStatus reads invoices, customer payments and credit memos; leave other records out of the export.')
    else problem(true, 'missing_record_type', 'has no ' + s.typeField + ' (nor type): add the record type to the export, or set settings.sfns.invoices.defaultRecordType when it exports one type only.')
    return null
  }
  tx.kind = kind
  tx.label = label(WORDS[kind])
  if (!tx.id) {
    problem(true, 'missing_id', 'has no internal id (id or internalid): add it to the export; payments name invoices by it.')
    return null
  }
  const link = (paths, prefix, object, code) => {
    for (const p of paths) {
      const t = pathText(rec, p)
      if (t === null) continue
      const id = to18(t)
      if (id[0] === '!') { problem(false, code, 'has ' + p + ' "' + t.slice(0, 40) + '", which is not a Salesforce ' + object + ' Id: it ' + id.slice(1) + '.'); return { bad: true } }
      if (id.slice(0, 3) !== prefix) { problem(false, code, 'has ' + p + ' "' + t + '", which is not a Salesforce ' + object + ' Id (those start with ' + prefix + ').'); return { bad: true } }
      return { id }
    }
    return {}
  }
  if (kind === 'invoice') tx.opportunity = link(s.opportunityFields, '006', 'Opportunity', 'bad_opportunity_id').id || null
  const acc = link(s.accountFields, '001', 'Account', 'bad_account_id')
  tx.account = acc.id || null
  if (!tx.account && !acc.bad && s.accountRollup && s.unlinkedError) {
    problem(false, 'no_account', 'names no Salesforce Account (settings.sfns.invoices.accountIdFields: ' + s.accountFields[0] + (s.accountFields.length > 1 ? ', ...' : '') + '): the customer has no external id, or the export does not select it.')
  }
  const cur = refOf(field(rec, 'currency'))
  tx.currency = null
  for (const c of [cur.name, cur.id]) if (c && /^[A-Za-z]{3}$/.test(c)) { tx.currency = c.toUpperCase(); break }
  if (!tx.currency) tx.currency = cur.id || cur.name
  const amount = (names, absolute) => {
    const f = firstField(rec, names)
    if (!f) return null
    let v = dec(f.value)
    if (v === null) { problem(true, 'bad_amount', 'has ' + f.name + ' ' + shown(f.value) + ', not an amount (a number, or decimal text such as "1234.50").'); return null }
    if (absolute && v < 0n) v = -v
    if (!absolute && v < 0n) { problem(true, 'bad_amount', 'has ' + f.name + ' ' + shown(f.value) + ', below zero.'); return null }
    return v
  }
  const date = (name) => {
    const v = field(rec, name)
    const t = text(v)
    if (t === null) return null
    const d = dayNumber(t)
    if (d === null) problem(true, 'bad_date', 'has ' + name + ' ' + shown(v) + ', not an ISO 8601 date ("2024-03-05"); set settings.sfns.invoices.netsuiteDateFormat to the account\'s date format ("M/D/YYYY", ...).')
    return d
  }
  if (kind === 'invoice') {
    tx.total = amount(['total', 'foreigntotal', 'amount'], false)
    tx.due = amount(['amountremaining', 'foreignamountunpaid'], false)
    tx.paid = amount(['amountpaid', 'foreignamountpaid'], false)
    if (tx.total === null && !tx.failed) problem(true, 'missing_amount', 'has no total (total, foreigntotal or amount): add the invoice total to the export.')
  } else if (kind === 'payment') {
    tx.total = amount(['payment', 'total', 'foreigntotal', 'amount'], true)
    tx.unapplied = amount(['unapplied', 'foreignpaymentamountunused'], true)
  } else {
    tx.total = amount(['total', 'foreigntotal', 'amount'], true)
    tx.unapplied = amount(['unapplied', 'amountremaining', 'foreignamountunpaid'], true)
  }
  tx.trandate = date('trandate')
  if (kind === 'invoice') {
    tx.duedate = date('duedate')
    const st = refOf(field(rec, 'status'))
    for (const t of [st.id, st.name]) {
      const w = (t || '').toLowerCase().replace(/[^a-z0-9]/g, '')
      if (w === 'paidinfull' || w === 'custinvcb' || w === 'b') tx.statusPaid = true
    }
  } else {
    let list = field(rec, 'apply')
    if (list === null || typeof list !== 'object') list = field(rec, 'applyList')
    for (let depth = 0; depth < 2 && list && typeof list === 'object' && !Array.isArray(list); depth++) {
      const inner = field(list, 'items') !== undefined ? field(list, 'items') : field(list, 'apply')
      if (inner === undefined) break
      list = inner
    }
    if (list && typeof list === 'object') {
      const lines = Array.isArray(list) ? list : [list]
      lines.forEach((line, i) => {
        if (line === null || typeof line !== 'object' || Array.isArray(line)) { problem(true, 'bad_apply_line', 'has apply line ' + (i + 1) + ' of ' + lines.length + ' that is not an object.'); return }
        const flag = field(line, 'apply')
        if (flag === false || (typeof flag === 'string' && /^(f|false|no|n)$/i.test(flag.trim())) || flag === 0) return
        const d = firstField(line, ['doc', 'internalid', 'id'])
        const inv = d ? refOf(d.value).id : null
        if (!inv) { problem(true, 'bad_apply_line', 'has apply line ' + (i + 1) + ' of ' + lines.length + ' without the invoice it applies to (doc).'); return }
        let a = dec(field(line, 'amount'))
        if (a === null) { problem(true, 'bad_amount', 'has apply line ' + (i + 1) + ' of ' + lines.length + ' (invoice ' + inv + ') with amount ' + shown(field(line, 'amount')) + ', not an amount.'); return }
        if (a < 0n) a = -a
        if (a === 0n) return
        const same = tx.apply.find((x) => x.invoice === inv)
        if (same) same.amount += a; else tx.apply.push({ invoice: inv, amount: a })
      })
    }
    if (tx.total === null && !tx.failed) problem(true, 'missing_amount', 'has no amount (' + (kind === 'payment' ? 'payment, total or amount' : 'total, foreigntotal or amount') + '): add it to the export.')
    if (kind === 'payment' && tx.trandate === null && !tx.failed) problem(true, 'missing_date', 'has no trandate: a payment\'s date is its last-payment date.')
  }
  return tx
}

function settingsOf (options) {
  const inv = (((options.settings || {}).sfns || {}).invoices) || {}
  const list = (v, d) => v == null ? d : (Array.isArray(v) ? v : [v])
  const names = (given, defaults) => {
    const out = {}
    for (const k of Object.keys(defaults)) {
      const v = given && given[k] != null ? given[k] : defaults[k]
      out[k] = v === '' ? null : v
    }
    return out
  }
  return {
    typeField: inv.recordTypeField || 'recordType',
    opportunityFields: list(inv.opportunityIdFields, ['custbody_sf_opportunity_id', 'createdfrom.externalId']),
    accountFields: list(inv.accountIdFields, ['entity.externalId', 'customer.externalId']),
    labels: Object.assign({}, DEFAULT_LABELS, inv.statusLabels || {}),
    opportunityRollup: inv.opportunityRollup !== false,
    accountRollup: inv.accountRollup !== false,
    netUnapplied: inv.netUnappliedCredits !== false,
    unlinkedError: inv.unlinkedTransactions === 'error',
    opp: names(inv.opportunityOutput, DEFAULT_OPP),
    acc: names(inv.accountOutput, DEFAULT_ACC)
  }
}

function later (cur, day, index) {
  return !cur || day > cur.day || (day === cur.day && index > cur.index)
}

function sfnsInvoiceStatus (options, callback) {
  const s = settingsOf(options)
  const errors = Array.isArray(options.errors) ? options.errors : []
  const addError = (code, message) => errors.push({ code, message, source: 'sfns' })
  const data = options.data
  const out = []
  if (data.length > 0) {
    const nowValue = options.currentExportDateTime
    const now = nowValue instanceof Date ? nowValue : new Date(nowValue)
    if (!nowValue || isNaN(now.getTime())) {
      return callback({ statusCode: 422, errors: [{ code: 'missing_export_time', message: 'sfnsInvoiceStatus needs options.currentExportDateTime' }] })
    }
    const today = Math.floor(now.getTime() / 86400000)
    // transactions, page order
    const txs = []
    for (let i = 0; i < data.length; i++) {
      const tx = readTx(data[i], i, data.length, s, addError)
      if (tx) txs.push(tx)
    }
    const invs = []
    const invById = new Map()
    txs.forEach((tx) => {
      if (tx.kind !== 'invoice') return
      const v = { tx, ok: false, applied: 0n, apps: [], last: null, spoiled: null, opp: -1 }
      invById.set(tx.id, v)
      invs.push(v)
    })
    txs.forEach((tx, i) => {
      if (tx.kind === 'invoice') return
      for (const a of tx.apply) {
        const v = invById.get(a.invoice)
        if (!v) continue
        if (tx.failed) { if (!v.spoiled) v.spoiled = tx.label; continue }
        v.applied += a.amount
        if (tx.kind === 'payment') v.apps.push({ payment: i, amount: a.amount })
      }
    })
    for (const v of invs) {
      const tx = v.tx
      if (tx.failed) continue
      let due
      if (tx.due !== null) due = tx.due
      else if (tx.paid !== null) due = tx.total - tx.paid
      else if (tx.statusPaid) due = 0n
      else due = tx.total - v.applied
      if (due < 0n) {
        tx.failed = true
        const fmt = (u) => { const neg = u < 0n; const a = neg ? -u : u; const str = (a / SCALE).toString() + '.' + (a % SCALE).toString().padStart(6, '0').replace(/0+$/, '').padEnd(2, '0'); return (neg ? '-' : '') + str }
        if (tx.paid !== null) addError('bad_amount', tx.label + ' has amountpaid ' + fmt(tx.paid) + ', more than its total ' + fmt(tx.total) + '.')
        else addError('bad_amount', tx.label + ' is applied ' + fmt(v.applied) + ' by the payments and credit memos of this page, more than its total ' + fmt(tx.total) + ' (add amountremaining to the export).')
        continue
      }
      let days = 0
      if (due > 0n) {
        const dd = tx.duedate !== null ? tx.duedate : tx.trandate
        if (dd === null) { tx.failed = true; addError('missing_date', tx.label + ' has an amount due but no duedate (nor trandate): add the due date to the export.'); continue }
        days = today - dd
      }
      v.due = due
      v.total = tx.total
      v.daysOverdue = 0
      if (due <= 0n) v.status = 'paid'
      else if (days > 0) { v.status = 'overdue'; v.daysOverdue = days } else v.status = due < tx.total ? 'partiallyPaid' : 'open'
      for (const a of v.apps) {
        const d = txs[a.payment].trandate
        if (later(v.last, d, a.payment)) v.last = { day: d, index: a.payment, amount: a.amount }
      }
      v.ok = true
    }
    // roll-ups
    const newRollup = (id) => ({ id, counts: { open: 0, partiallyPaid: 0, overdue: 0, paid: 0 }, invoiced: 0n, due: 0n, overdue: 0n, unapplied: 0n, days: 0, last: null, currency: null, other: null, incomplete: null })
    const noteCurrency = (r, c) => { if (c === null) return; if (r.currency === null) r.currency = c; else if (r.currency !== c && r.other === null) r.other = c }
    const addInvoice = (r, v) => {
      if (!v.ok || v.spoiled) { if (!r.incomplete) r.incomplete = v.ok ? v.spoiled : v.tx.label; return }
      noteCurrency(r, v.tx.currency)
      r.invoiced += v.total
      r.due += v.due
      if (v.status === 'overdue') r.overdue += v.due
      r.counts[v.status]++
      if (v.daysOverdue > r.days) r.days = v.daysOverdue
    }
    const opps = []
    const oppById = new Map()
    if (s.opportunityRollup) {
      for (const v of invs) {
        if (!v.tx.opportunity) continue
        let r = oppById.get(v.tx.opportunity)
        if (!r) { r = newRollup(v.tx.opportunity); r.invs = []; oppById.set(r.id, r); opps.push(r) }
        addInvoice(r, v)
        r.invs.push(v)
      }
      for (const r of opps) {
        for (const v of r.invs) {
          if (!v.ok) continue
          for (const a of v.apps) if (later(r.last, txs[a.payment].trandate, a.payment)) r.last = { day: txs[a.payment].trandate, index: a.payment, amount: 0n }
        }
        if (r.last) for (const v of r.invs) if (v.ok) for (const a of v.apps) if (a.payment === r.last.index) r.last.amount += a.amount
      }
    }
    const accs = []
    const accById = new Map()
    if (s.accountRollup) {
      txs.forEach((tx, i) => {
        if (!tx.account) return
        let r = accById.get(tx.account)
        if (!r) { r = newRollup(tx.account); accById.set(r.id, r); accs.push(r) }
        if (tx.kind === 'invoice') { addInvoice(r, invById.get(tx.id)); return }
        if (tx.failed) { if (!r.incomplete) r.incomplete = tx.label; return }
        noteCurrency(r, tx.currency)
        if (s.netUnapplied && tx.unapplied !== null) r.unapplied += tx.unapplied
        if (tx.kind === 'payment' && later(r.last, tx.trandate, i)) r.last = { day: tx.trandate, index: i, amount: tx.total }
      })
    }
    const writable = (r, object) => {
      if (r.incomplete) { addError('incomplete_rollup', object + ' ' + r.id + ' is not updated: ' + r.incomplete + ' could not be used (see its error), and the ' + object + '\'s totals without it would be wrong.'); return false }
      if (r.other) { addError('mixed_currencies', object + ' ' + r.id + ' is not updated: its transactions on this page are in ' + r.currency + ' and ' + r.other + ', and amounts in different currencies are not added up.'); return false }
      return true
    }
    const set = (o, f, v) => { if (f) o[f] = v }
    for (const r of opps) {
      if (!writable(r, 'Opportunity')) continue
      const c = r.counts
      const all = c.open + c.partiallyPaid + c.overdue + c.paid
      const status = c.overdue > 0 ? 'overdue' : c.paid === all ? 'paid' : c.open === all ? 'open' : 'partiallyPaid'
      const o = { attributes: { type: 'Opportunity' }, Id: r.id }
      set(o, s.opp.status, s.labels[status])
      set(o, s.opp.amountInvoiced, num(r.invoiced))
      set(o, s.opp.amountDue, num(r.due))
      set(o, s.opp.daysOverdue, r.days)
      if (r.last) { set(o, s.opp.lastPaymentDate, dateText(r.last.day)); set(o, s.opp.lastPaymentAmount, num(r.last.amount)) }
      out.push(o)
    }
    for (const r of accs) {
      if (!writable(r, 'Account')) continue
      const o = { attributes: { type: 'Account' }, Id: r.id }
      set(o, s.acc.openBalance, num(s.netUnapplied ? r.due - r.unapplied : r.due))
      set(o, s.acc.overdueBalance, num(r.overdue))
      set(o, s.acc.daysOverdue, r.days)
      if (r.last) { set(o, s.acc.lastPaymentDate, dateText(r.last.day)); set(o, s.acc.lastPaymentAmount, num(r.last.amount)) }
      out.push(o)
    }
  }
  return callback(null, { data: out, errors, abort: false, newErrorsAndRetryData: [] })
}

module.exports = { sfnsInvoiceStatus }
