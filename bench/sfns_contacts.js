'use strict'
// sfns_contacts.js — sfnsContactToContact written in JavaScript, as a hook of Celigo's reference
// server (module.exports.sfnsContactToContact(options, callback)), for the benchmark in
// bench/sfns_js.sh. The same rules as hooks/sfns/sfns_contact.c and the matcher it uses
// (lib/sfns_match/: normalisers on the UTF-8 bytes, Jaro-Winkler, nicknames, blocking keys with
// the big-block window, pair classes and scores, union-find groups, the decision per group and its
// score kept as a 32-bit float), with the same answers: update / create / review, Salesforce
// duplicates merged into the first of them. Not covered: the settings' strict checks (the
// benchmark sends valid settings), logging.

const P = require('./sfns_port')

// ---- normalisers (match_norm.c), on byte strings (one character per UTF-8 byte) -------------

function bytes (s) { return Buffer.from(s, 'utf8').toString('latin1') }

const FOLD = ['a', 'a', 'a', 'a', 'a', 'a', 'ae', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',
  'd', 'n', 'o', 'o', 'o', 'o', 'o', '', 'o', 'u', 'u', 'u', 'u', 'y', 'th', 'ss',
  'a', 'a', 'a', 'a', 'a', 'a', 'ae', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',
  'd', 'n', 'o', 'o', 'o', 'o', 'o', '', 'o', 'u', 'u', 'u', 'u', 'y', 'th', 'y']
const CAP = 255

const isAlnum = (c) => (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
const isSpace = (c) => c === 0x20 || (c >= 0x09 && c <= 0x0D)

// The words of a byte string, lower case ASCII, accents folded; "&" as "and" when amp is set.
function words (s, amp) {
  const out = []
  let w = ''
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0
    if (c === 0xC3 && i + 1 < s.length && s.charCodeAt(i + 1) >= 0x80 && s.charCodeAt(i + 1) <= 0xBF) {
      const f = FOLD[s.charCodeAt(i + 1) - 0x80]
      if (w.length + f.length <= CAP) w += f; else w = (w + f).slice(0, CAP)
      i++
      continue
    }
    if (isAlnum(c) || c >= 0x80) {
      if (w.length < CAP) w += String.fromCharCode(c >= 0x41 && c <= 0x5A ? c + 32 : c)
      continue
    }
    if (c === 0x27 || c === 0x2E) continue
    if (w.length > 0) { out.push(w); w = '' }
    if (c === 0x26 && amp) out.push('and')
  }
  return out
}

const GEN = ['jr', 'sr', 'ii', 'iii', 'iv']
function normName (s) {
  if (!s) return ''
  const ws = words(bytes(s), false)
  if (ws.length > 1 && GEN.includes(ws[ws.length - 1])) ws.pop()
  return ws.join('').slice(0, CAP)
}

const FORMS = new Set(['ab', 'ag', 'bv', 'co', 'company', 'corp', 'corporation', 'gmbh', 'inc',
  'incorporated', 'kg', 'limited', 'llc', 'llp', 'lp', 'ltd', 'nv', 'oy', 'plc', 'pte', 'pty', 'sa',
  'sarl', 'sas', 'spa', 'srl'])
function normCompany (s) {
  if (!s) return ''
  let out = ''
  words(bytes(s), true).forEach((w, i) => { if ((i === 0 && w === 'the') || FORMS.has(w)) return; out += w })
  return out.slice(0, CAP)
}

// The UTF-8 bytes of s without the ASCII white space around them.
function trimmedBytes (s) {
  s = bytes(s)
  let b = 0; let e = s.length
  while (b < e && isSpace(s.charCodeAt(b))) b++
  while (e > b && isSpace(s.charCodeAt(e - 1))) e--
  return s.slice(b, e)
}

function normEmail (s, plus) {
  if (!s) return ''
  s = trimmedBytes(s)
  const at = s.indexOf('@')
  if (at <= 0 || at === s.length - 1 || s.indexOf('@', at + 1) >= 0) return ''
  let out = ''; let skipping = false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (isSpace(c)) return ''
    if (i < at && plus && c === 0x2B && i > 0) skipping = true
    if (i === at) skipping = false
    if (!skipping && out.length < CAP) out += String.fromCharCode(c >= 0x41 && c <= 0x5A ? c + 32 : c)
  }
  return out
}

function normPhone (s, min) {
  if (!s) return ''
  let d = ''
  for (const ch of s) {
    if (ch === 'x' || ch === 'X' || ch === '#') break
    if (ch >= '0' && ch <= '9' && d.length < 63) d += ch
  }
  if (d.length >= 2 && d[0] === '0' && d[1] === '0') d = d.slice(2)
  else if (d.length === 11 && d[0] === '1') d = d.slice(1)
  if (d.length > 10) d = d.slice(d.length - 10)
  return d.length < min ? '' : d
}

function normSfid (s) {
  if (!s) return ''
  s = trimmedBytes(s)
  if (s.length === 15 && /^[A-Za-z0-9]+$/.test(s)) s = P.to18(s).id
  return s.toLowerCase().slice(0, CAP)
}

const NICKS = new Map(Object.entries({
  abby: 'abigail', abe: 'abraham', al: 'albert', alex: 'alexander', ali: 'alison', andy: 'andrew', angie: 'angela', ann: 'anne', annie: 'anne',
  art: 'arthur', barb: 'barbara', ben: 'benjamin', benny: 'benjamin', bert: 'albert', beth: 'elizabeth', betsy: 'elizabeth', betty: 'elizabeth', bill: 'william',
  billy: 'william', bob: 'robert', bobby: 'robert', brad: 'bradley', cathy: 'catherine', charlie: 'charles', chris: 'christopher', chuck: 'charles', cindy: 'cynthia',
  dan: 'daniel', danny: 'daniel', dave: 'david', davy: 'david', deb: 'deborah', debbie: 'deborah', dick: 'richard', don: 'donald', donny: 'donald',
  doug: 'douglas', ed: 'edward', eddie: 'edward', ellie: 'eleanor', fred: 'frederick', freddie: 'frederick', gabe: 'gabriel', gene: 'eugene', greg: 'gregory',
  hank: 'henry', harry: 'henry', jack: 'john', jake: 'jacob', jan: 'janet', jeff: 'jeffrey', jen: 'jennifer', jenny: 'jennifer', jerry: 'gerald',
  jim: 'james', jimmy: 'james', jo: 'joanne', joe: 'joseph', joey: 'joseph', johnny: 'john', jon: 'jonathan', josh: 'joshua', judy: 'judith',
  kate: 'katherine', kathy: 'katherine', katie: 'katherine', ken: 'kenneth', kenny: 'kenneth', kim: 'kimberly', larry: 'lawrence', len: 'leonard', leo: 'leonard',
  liz: 'elizabeth', lou: 'louis', maggie: 'margaret', mandy: 'amanda', marge: 'margaret', matt: 'matthew', meg: 'margaret', mel: 'melissa', mickey: 'michael',
  mike: 'michael', mitch: 'mitchell', nat: 'nathaniel', nate: 'nathan', nick: 'nicholas', nicky: 'nicholas', pam: 'pamela', pat: 'patricia', patty: 'patricia',
  peggy: 'margaret', pete: 'peter', phil: 'philip', ray: 'raymond', rick: 'richard', ricky: 'richard', rob: 'robert', robbie: 'robert', ron: 'ronald',
  ronnie: 'ronald', rosie: 'rose', russ: 'russell', sam: 'samuel', sammy: 'samuel', sandy: 'sandra', steph: 'stephanie', steve: 'steven', stu: 'stuart',
  sue: 'susan', susie: 'susan', ted: 'edward', teddy: 'edward', terry: 'terence', tim: 'timothy', timmy: 'timothy', tina: 'christina', tom: 'thomas',
  tommy: 'thomas', tony: 'anthony', trish: 'patricia', val: 'valerie', vic: 'victor', vince: 'vincent', walt: 'walter', will: 'william', willy: 'william',
  zach: 'zachary', zack: 'zachary'
}))

// ---- Jaro-Winkler (match_jw.c) ---------------------------------------------------------------

function jw (a, b) {
  const al = Math.min(a.length, 64); const bl = Math.min(b.length, 64)
  if (al === 0 || bl === 0) return 0.0
  if (al === bl && a.slice(0, al) === b.slice(0, bl)) return 1.0
  const longer = Math.max(al, bl)
  const window = Math.floor(longer / 2) > 0 ? Math.floor(longer / 2) - 1 : 0
  const am = new Uint8Array(al); const bm = new Uint8Array(bl)
  let m = 0
  for (let i = 0; i < al; i++) {
    const lo = i > window ? i - window : 0
    const hi = i + window + 1 < bl ? i + window + 1 : bl
    for (let j = lo; j < hi; j++) {
      if (!bm[j] && a.charCodeAt(i) === b.charCodeAt(j)) { am[i] = 1; bm[j] = 1; m++; break }
    }
  }
  if (m === 0) return 0.0
  let t = 0; let k = 0
  for (let i = 0; i < al; i++) {
    if (!am[i]) continue
    while (!bm[k]) k++
    if (a.charCodeAt(i) !== b.charCodeAt(k)) t++
    k++
  }
  const jaro = (m / al + m / bl + (m - t / 2.0) / m) / 3.0
  let prefix = 0
  while (prefix < 4 && prefix < al && prefix < bl && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  return jaro + prefix * 0.1 * (1.0 - jaro)
}

// ---- pairs (match_pair.c) --------------------------------------------------------------------

const NONE = 0; const POSSIBLE = 1; const WEAK = 2; const STRONG = 3

function nameSim (s, a, b) {
  let f = 0.85
  if (!a.last || !b.last) return [-1.0, f]
  const l = jw(a.last, b.last)
  if (a.first && b.first) {
    if (a.first === b.first) f = 1.0
    else if (s.nicknames && a.firstCanon === b.firstCanon) f = 1.0
    else if ((a.first.length === 1 || b.first.length === 1) && a.first[0] === b.first[0]) f = 0.90
    else {
      f = jw(a.first, b.first)
      if (s.nicknames) { const fc = jw(a.firstCanon, b.firstCanon); f = fc > f ? fc : f }
    }
  }
  return [(f + 2.0 * l) / 3.0, f]
}

function companySim (a, b) {
  if (a.companyId && b.companyId && a.companyId === b.companyId) return 1.0
  if (a.company && b.company) return jw(a.company, b.company)
  if (a.companyId && b.companyId) return 0.0
  return -1.0
}

function phoneCmp (a, b) {
  const pa = [a.phone, a.mobile]; const pb = [b.phone, b.mobile]
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) if (pa[i] && pb[j] && pa[i] === pb[j]) return 1
  for (let i = 0; i < 2; i++) if (pa[i] && pb[i]) return -1
  return 0
}

function pairEval (s, a, b) {
  const emailEq = a.email && b.email && a.email === b.email
  const out = { cls: NONE, phone: false, reason: 'no match', score: 0.0 }
  if (!emailEq) {
    if (!a.last || !b.last) return out
    const l = jw(a.last, b.last)
    if ((1.0 + 2.0 * l) / 3.0 < s.reviewThreshold) return out
  }
  const [name, first] = nameSim(s, a, b)
  if (!emailEq && name < s.reviewThreshold) return out
  const company = companySim(a, b)
  const phone = phoneCmp(a, b)
  const emailDiff = a.email && b.email && !emailEq
  out.phone = phone > 0
  const n = name < 0 ? 0.0 : name; const c = company < 0 ? 0.0 : company
  out.score = 0.6 * n + 0.3 * c + 0.1 * (phone > 0 ? 1.0 : phone < 0 ? 0.0 : 0.5)
  if (emailEq) {
    if (name >= 0 && name < 0.70) { out.cls = POSSIBLE; out.reason = 'same e-mail, different name'; return out }
    out.cls = STRONG; out.score = 1.0; out.reason = 'email'; return out
  }
  const nameOk = name >= s.nameThreshold && first >= 0.80
  const companyOk = company >= s.companyThreshold
  if (nameOk && companyOk) {
    if (phone > 0) { out.cls = WEAK; out.reason = 'name+company+phone' } else if (phone < 0) { out.cls = POSSIBLE; out.reason = 'name+company, different phone' } else if (emailDiff) { out.cls = POSSIBLE; out.reason = 'name+company, different e-mail' } else { out.cls = WEAK; out.reason = 'name+company' }
    return out
  }
  if (first >= 0.75 && (companyOk || phone > 0)) {
    out.cls = POSSIBLE
    out.reason = companyOk ? 'similar name, same company' : 'similar name, same phone'
    return out
  }
  if (nameOk && company < 0 && phone >= 0) { out.cls = POSSIBLE; out.reason = 'same name, company unknown' }
  return out
}

// ---- the set (match_set.c); blocking keys as strings instead of their 64-bit hashes ---------

function contactOf (s, m) {
  const c = {
    id: m.id || '',
    email: normEmail(m.email, s.emailPlus),
    first: normName(m.firstName),
    last: normName(m.lastName),
    phone: normPhone(m.phone, s.minPhoneDigits),
    mobile: normPhone(m.mobilePhone, s.minPhoneDigits),
    companyId: normSfid(m.companyId),
    company: normCompany(m.companyName),
    keys: []
  }
  const formal = s.nicknames && c.first ? NICKS.get(c.first) : undefined
  c.firstCanon = formal || c.first
  const add = (k) => { if (!c.keys.includes(k) && c.keys.length < 6) c.keys.push(k) }
  if (c.email) add('e' + c.email + '|')
  if (c.phone) add('p' + c.phone + '|')
  if (c.mobile) add('p' + c.mobile + '|')
  if (c.last) add('a' + c.last.slice(0, 3) + '|' + c.firstCanon.slice(0, 1))
  if (c.last && c.firstCanon) add('b' + c.firstCanon.slice(0, 3) + '|' + c.last.slice(0, 1))
  return c
}

function firstSharedKey (x, y, key) {
  for (const k of x.keys) if (y.keys.includes(k)) return k === key
  return false
}

function cmpStr (a, b) { return a < b ? -1 : a > b ? 1 : 0 }

function runMatch (s, sf, ns) {
  const parent = sf.map((_, i) => i)
  const find = (x) => { let r = x; while (parent[r] !== r) r = parent[r]; while (parent[x] !== r) { const n = parent[x]; parent[x] = r; x = n } return r }
  const union = (a, b) => { const ra = find(a); const rb = find(b); if (ra < rb) parent[rb] = ra; else if (rb < ra) parent[ra] = rb }
  const edges = []
  const blocks = new Map()
  const side = [sf, ns]
  for (let sd = 0; sd < 2; sd++) {
    side[sd].forEach((c, i) => { for (const k of c.keys) { let b = blocks.get(k); if (!b) { b = []; blocks.set(k, b) } b.push({ key: k, side: sd, idx: i }) } })
  }
  const entryCmp = (a, b) => a.side !== b.side ? a.side - b.side : a.idx - b.idx
  const compare = (x, y) => {
    if (x.side === 1 && y.side === 1) return
    if (x.side === 1) { const t = x; x = y; y = t }
    const a = side[x.side][x.idx]; const b = side[y.side][y.idx]
    if (!firstSharedKey(a, b, x.key)) return
    const ev = pairEval(s, a, b)
    if (ev.cls === NONE) return
    if (y.side === 0) { if (ev.cls >= WEAK) union(x.idx, y.idx); return }
    edges.push({ sf: x.idx, ns: y.idx, cls: ev.cls, phone: ev.phone, score: Math.fround(ev.score), reason: ev.reason })
  }
  for (const b of blocks.values()) {
    if (b.length < 2 || !b.some((e) => e.side === 0)) continue
    b.sort(entryCmp)
    let window = b.length
    if (b.length > 24) {
      b.sort((p, q) => {
        const cp = side[p.side][p.idx]; const cq = side[q.side][q.idx]
        return cmpStr(cp.last, cq.last) || cmpStr(cp.firstCanon, cq.firstCanon) || entryCmp(p, q)
      })
      window = 12
    }
    for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length && j <= i + window; j++) compare(b[i], b[j])
  }
  // decide each group
  const group = sf.map((_, i) => find(i))
  edges.sort((a, b) => group[a.sf] - group[b.sf] || a.ns - b.ns || b.cls - a.cls || (a.score !== b.score ? (a.score > b.score ? -1 : 1) : 0))
  const results = new Map()
  let e = 0
  for (let gi = 0; gi < sf.length; gi++) {
    if (group[gi] !== gi) continue
    const best = []
    while (e < edges.length && group[edges[e].sf] === gi) {
      if (best.length === 0 || best[best.length - 1].ns !== edges[e].ns) best.push(edges[e])
      e++
    }
    best.sort((a, b) => b.cls - a.cls || (a.score !== b.score ? (a.score > b.score ? -1 : 1) : a.ns - b.ns))
    results.set(gi, decide(s, best))
  }
  return { group, results }
}

function decide (s, c) {
  const g = { decision: 'create', score: 0, reason: 'no match', candidates: [] }
  if (c.length === 0) return g
  const top = c[0].cls
  let ntop = 0; let nsupported = 0; let supported = null
  for (let i = 0; i < c.length && c[i].cls === top; i++) {
    ntop++
    if (c[i].phone && !supported) supported = c[i]
    if (c[i].phone) nsupported++
  }
  g.score = c[0].score
  let chosen = null
  if (top === STRONG) {
    if (ntop === 1) chosen = c[0]; else g.reason = 'several NetSuite contacts have this e-mail'
  } else if (top === WEAK) {
    if (ntop === 1) chosen = c[0]; else if (nsupported === 1) chosen = supported; else g.reason = 'several NetSuite contacts match by name and company'
    if (chosen && s.weakReview) { g.reason = 'weak match (weakMatch is review)'; chosen = null }
  } else g.reason = c[0].reason
  if (chosen) { g.decision = 'update'; g.reason = chosen.reason; g.score = chosen.score; g.candidates = [chosen.ns]; return g }
  g.decision = 'review'
  g.candidates = c.map((x) => x.ns)
  return g
}

// ---- the hook (sfns_contact.c) -----------------------------------------------------------------

// Does key, lower case and without anything but letters and digits, equal want?
function keyIs (key, want) {
  let j = 0
  for (let i = 0; i < key.length; i++) {
    let c = key.charCodeAt(i)
    if (c >= 65 && c <= 90) c += 32
    else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) continue
    if (j >= want.length || want.charCodeAt(j) !== c) return false
    j++
  }
  return j === want.length
}
function cfield (obj, name) {
  for (const part of name.split('.')) {
    if (!P.isObj(obj)) return undefined
    let found
    for (const k in obj) if (keyIs(k, part)) { found = obj[k]; break }
    if (found === undefined) return undefined
    obj = found
  }
  return obj
}
function ctext (obj, names) {
  for (const n of names) {
    const v = cfield(obj, n)
    if (typeof v === 'string') { if (v.length > 0) return v } else if (typeof v === 'number') return String(v)
  }
  return null
}
function sfid18 (id) { return id ? (P.to18(id).id || null) : null }

const FIRST = ['firstname']; const LAST = ['lastname']; const EMAIL = ['email']; const PHONE = ['phone']
const MOBILE = ['mobilephone']; const TITLE = ['title']
const NS_COMPANY_EXT = ['company.externalid', 'companyexternalid']
const NS_COMPANY_NAME = ['company.name', 'company.refname', 'companyname']

function readSettings (options) {
  const { root, section: c } = P.settingsSection(options, 'contacts')
  const num = (k, d) => { const v = P.setting(c, k); return typeof v === 'number' ? v : d }
  const user = P.setting(root, 'salesforceIntegrationUserId')
  return {
    integrationUser: user === undefined ? null : sfid18(P.idText(user)),
    candidatesField: typeof c.candidatesField === 'string' ? c.candidatesField : 'netsuiteMatches',
    nameThreshold: num('nameThreshold', 0.92),
    companyThreshold: num('companyThreshold', 0.90),
    reviewThreshold: num('reviewThreshold', 0.85),
    emailPlus: P.setting(c, 'emailPlusAddressing') !== false,
    nicknames: P.setting(c, 'useNicknames') !== false,
    weakReview: c.weakMatch === 'review',
    minPhoneDigits: num('minPhoneDigits', 7)
  }
}

function trimmed (v) { return v.replace(/^[ \t\r\n]+/, '').replace(/[ \t\r\n]+$/, '') }

function sfnsContactToContact (options, callback) {
  const s = readSettings(options)
  const data = Array.isArray(options.data) ? options.data : []
  const recs = data.map((d) => ({ data: d, id: null, account: null, error: null, sf: -1 }))
  const sf = []; const ns = []; const cands = []; const candIndex = new Map(); const bySf = []
  const candidate = (id, c) => {
    if (candIndex.has(id)) return
    candIndex.set(id, cands.length)
    ns.push(contactOf(s, { id, firstName: ctext(c, FIRST), lastName: ctext(c, LAST), email: ctext(c, EMAIL), phone: ctext(c, PHONE), mobilePhone: ctext(c, MOBILE), companyId: ctext(c, NS_COMPANY_EXT), companyName: ctext(c, NS_COMPANY_NAME) }))
    cands.push({ id, data: c })
  }
  recs.forEach((r, i) => {
    if (!P.isObj(r.data)) { r.error = P.resultError('invalid_record', 'Record ' + (i + 1) + ' is not an object: a Salesforce Contact was expected.'); return }
    const raw = ctext(r.data, ['id'])
    r.id = sfid18(raw)
    if (!r.id) {
      r.error = P.resultError('missing_id', raw ? 'Record ' + (i + 1) + ': the contact\'s Id "' + raw + '" is not a Salesforce Id (15 or 18 letters and digits).'
        : 'Record ' + (i + 1) + ': the contact has no Id; export the Salesforce Contact with its Id field.')
      return
    }
    const by = sfid18(ctext(r.data, ['lastmodifiedbyid']))
    if (by && s.integrationUser && by.toLowerCase() === s.integrationUser.toLowerCase()) { r.error = {}; return }
    const last = ctext(r.data, LAST)
    if (!last) { r.error = P.resultError('missing_name', 'Contact ' + r.id + ' has no LastName: NetSuite needs a name for the contact; add LastName to the export.'); return }
    const acct = ctext(r.data, ['accountid'])
    r.account = sfid18(acct)
    if (!r.account) {
      r.error = P.resultError('no_account', acct ? 'Contact ' + r.id + ' has AccountId "' + acct + '", which is not a Salesforce Id.'
        : 'Contact ' + r.id + ' has no AccountId: a NetSuite contact belongs to a company, so only contacts of an account are synced. Link the contact to an account.')
      return
    }
    const cv = r.data[s.candidatesField]
    if (cv !== undefined && cv !== null && !Array.isArray(cv)) {
      r.error = P.resultError('invalid_candidates', 'Contact ' + r.id + ': its field "' + s.candidatesField + '" must be an array of NetSuite contacts (what the lookup step returns).')
      return
    }
    const list = Array.isArray(cv) ? cv : []
    for (let k = 0; k < list.length; k++) {
      if (!P.isObj(list[k]) || !ctext(list[k], ['internalid', 'id'])) {
        r.error = P.resultError('invalid_candidates', 'Contact ' + r.id + ': element ' + k + ' of "' + s.candidatesField + '" is not a NetSuite contact with an internalId (or id).')
        return
      }
    }
    r.sf = sf.length
    sf.push(contactOf(s, { id: r.id, firstName: ctext(r.data, FIRST), lastName: last, email: ctext(r.data, EMAIL), phone: ctext(r.data, PHONE), mobilePhone: ctext(r.data, MOBILE), companyId: r.account, companyName: ctext(r.data, ['account.name']) }))
    bySf.push(i)
    for (const c of list) candidate(ctext(c, ['internalid', 'id']), c)
  })
  const { group, results } = runMatch(s, sf, ns)
  const out = recs.map((r, i) => {
    if (r.error) return r.error
    const g = group[r.sf]
    const res = results.get(g)
    const first = bySf[g]
    if (res.decision === 'review') {
      const list = res.candidates.map((k) => {
        const c = cands[k]
        const fn = ctext(c.data, FIRST); const ln = ctext(c.data, LAST); const em = ctext(c.data, EMAIL)
        return c.id + ' (' + (fn || '') + (fn && ln ? ' ' : '') + (ln || '') + (em ? ', ' : '') + (em || '') + ')'
      }).join(', ')
      return P.resultError('ambiguous_match', 'Contact ' + r.id + ' needs a decision (' + res.reason + '): NetSuite candidates ' + list +
        '. Link the right one by hand (or merge the NetSuite duplicates), then retry; nothing was written.')
    }
    if (first !== i) return {}
    const members = []
    for (let j = i; j < recs.length; j++) if (!recs[j].error && group[recs[j].sf] === g) members.push(j)
    const o = { externalid: r.id }
    if (res.decision === 'update') o.internalid = cands[res.candidates[0]].id
    const merged = (key, names) => {
      for (const m of members) {
        const v = ctext(recs[m].data, names)
        if (!v) continue
        const t = trimmed(v)
        if (t.length === 0) continue
        o[key] = t
        return
      }
    }
    merged('firstname', FIRST); merged('lastname', LAST); merged('email', EMAIL)
    merged('phone', PHONE); merged('mobilephone', MOBILE); merged('title', TITLE)
    o.company = { externalid: r.account }
    o.sfnsMatch = {
      decision: res.decision,
      netsuiteId: res.decision === 'update' ? cands[res.candidates[0]].id : null,
      score: Math.trunc(res.score * 1000 + 0.5) / 1000,
      reason: res.reason,
      mergedSalesforceIds: members.slice(1).map((m) => recs[m].id)
    }
    return { data: o }
  })
  return callback(null, out)
}

module.exports = { sfnsContactToContact }
