// A stand-in for `mamori serve`, written to the API contract the web UI is built against
// (issue 2/3): same routes, answers, problem codes, gates and headers (CSP included), all in
// memory. It lets the UI journeys run before the C server exists, and shows in one file what
// the UI expects of the server. The real server is what `tests/e2e/run.sh` uses by default;
// MAMORI_E2E_MOCK=1 switches to this.
//
//   node tests/e2e/mock_server.mjs --listen 127.0.0.1:8080 [--web-root web/dist]
//   env: MAMORI_INIT_PASSWORD (admin's one-time password), MOCK_IDLE_S (idle timeout override)

import http from 'node:http'
import { createHash, randomBytes } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { totp } from './totp.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : dflt
}
const [host, port] = opt('--listen', '127.0.0.1:8080').split(':')
const webRoot = path.resolve(opt('--web-root', path.join(here, '../../web/dist')))

// ---------------------------------------------------------------- state
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
const PERMS = [
  ['users.read', 'users'], ['users.write', 'users'],
  ['departments.read', 'departments'], ['departments.write', 'departments'],
  ['roles.read', 'roles'], ['roles.write', 'roles'],
  ['audit.read', 'audit'], ['audit.export', 'audit'],
  ['settings.read', 'settings'], ['settings.write', 'settings'],
].map(([name, area]) => ({ name, area }))
const ALL = PERMS.map((p) => p.name)

const settings = {
  version: 1, org_name: '株式会社サンプル', timezone: 'Asia/Tokyo', password_min_length: 8,
  password_history: 5, lockout_threshold: 5, lockout_minutes: 15, idle_timeout_privileged_min: 10,
  idle_timeout_min: 30, session_absolute_hours: 12, idle_disable_days: 90,
}
let nextId = 1
const role = (name, ja, en, permissions, privileged, mfa) => ({
  id: nextId++, name, label_ja: ja, label_en: en, builtin: true, privileged, mfa_required: mfa,
  permissions, version: 1,
})
const roles = [
  role('admin', 'システム管理者', 'System administrator', ALL, true, true),
  role('officer', '個人情報保護管理者', 'Privacy officer', ['users.read', 'departments.read', 'roles.read', 'audit.read'], true, true),
  role('auditor', '内部監査員', 'Internal auditor', ['users.read', 'departments.read', 'audit.read', 'audit.export'], true, true),
  role('manager', '部門責任者', 'Department manager', ['users.read', 'departments.read'], false, false),
  role('employee', '従業者', 'Employee', [], false, false),
  role('executive', '経営層', 'Top management', ['users.read'], false, false),
]
const departments = []
const users = []
const sessions = new Map() // token -> { userId, csrf, last }
const audit = []

function addUser(u, password) {
  const user = {
    id: nextId++, login: u.login, name: u.name, email: u.email ?? null,
    department_id: u.department_id ?? null, manager_id: u.manager_id ?? null,
    employment_type: u.employment_type ?? 'regular', roles: u.roles ?? ['employee'],
    purpose: u.purpose ?? '', valid_until: u.valid_until ?? null, status: 'active',
    must_change_password: true, mfa_enabled: false, locale: 'ja', last_login_at: null,
    created_at: now(), updated_at: now(), version: 1,
    _password: password, _history: [password], _failures: 0, _lockedUntil: 0,
    _totp: null, _pendingTotp: null, _recovery: [], _lastTotpCounter: -1,
  }
  users.push(user)
  return user
}
addUser({ login: 'admin', name: 'システム管理者', roles: ['admin'], purpose: '初期管理者' },
  process.env.MAMORI_INIT_PASSWORD || 'Init-pass-1234')

function appendAudit(actor, ip, action, object_type, object_id, summary = {}) {
  const prev_hash = audit.length ? audit[audit.length - 1].hash : '0'.repeat(64)
  const ev = {
    seq: audit.length + 1, at: now(), actor_id: actor?.id ?? null, actor_login: actor?.login ?? null,
    ip, action, object_type, object_id, summary,
  }
  ev.prev_hash = prev_hash
  ev.hash = createHash('sha256').update(prev_hash + JSON.stringify(ev)).digest('hex')
  audit.push(ev)
}

// ---------------------------------------------------------------- views
const rolesOf = (u) => roles.filter((r) => u.roles.includes(r.name))
function userView(u) {
  const out = {}
  for (const [k, v] of Object.entries(u)) if (!k.startsWith('_')) out[k] = v
  out.department_name = departments.find((d) => d.id === u.department_id)?.name ?? null
  out.manager_name = users.find((x) => x.id === u.manager_id)?.name ?? null
  out.mfa_required = rolesOf(u).some((r) => r.mfa_required)
  return out
}
function sessionUser(u) {
  const privileged = rolesOf(u).some((r) => r.privileged)
  const idle = Number(process.env.MOCK_IDLE_S) ||
    60 * (privileged ? settings.idle_timeout_privileged_min : settings.idle_timeout_min)
  return { ...userView(u), permissions: [...new Set(rolesOf(u).flatMap((r) => r.permissions))], idle_timeout_s: idle }
}

// ---------------------------------------------------------------- http helpers
const SEC_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
}
function send(res, status, body, headers = {}) {
  const h = { ...SEC_HEADERS, 'Cache-Control': 'no-store', ...headers }
  if (body === undefined) {
    res.writeHead(status, h)
    return res.end()
  }
  const isProblem = status >= 400
  h['Content-Type'] = isProblem ? 'application/problem+json' : 'application/json'
  res.writeHead(status, h)
  res.end(JSON.stringify(body))
}
class Problem extends Error {
  constructor(status, code, errors = [], detail = '') {
    super(code)
    Object.assign(this, { status, code, errors, detail })
  }
}
const fieldErr = (field, code, message = code) => ({ field, code, message })
const invalid = (errors) => new Problem(422, 'validation', errors)

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (c) => {
      size += c.length
      if (size > 1 << 20) reject(new Problem(413, 'too_large'))
      chunks.push(c)
    })
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      if (!text) return resolve({})
      try {
        resolve(JSON.parse(text))
      } catch {
        reject(new Problem(400, 'malformed_json'))
      }
    })
  })
}
function cookie(req, name) {
  for (const part of (req.headers.cookie || '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return null
}

// ---------------------------------------------------------------- rules
const COMMON = new Set(['password1', 'qwerty123', 'abc12345', 'passw0rd', 'letmein1', '12345678a'])
function passwordErrors(u, pw, field = 'new_password') {
  const errs = []
  if ([...pw].length < settings.password_min_length) errs.push(fieldErr(field, 'password_too_short'))
  if (!/\p{L}/u.test(pw) || !/\p{Nd}/u.test(pw)) errs.push(fieldErr(field, 'password_needs_letters_and_digits'))
  if (pw.toLowerCase().includes(u.login.toLowerCase())) errs.push(fieldErr(field, 'password_contains_login'))
  if (COMMON.has(pw.toLowerCase())) errs.push(fieldErr(field, 'password_common'))
  if (u._history.slice(-settings.password_history).includes(pw)) errs.push(fieldErr(field, 'password_reused'))
  return errs
}
const EMPLOYMENT = ['regular', 'contract', 'dispatched', 'part_time', 'contractor']
function checkUserFields(b, creating) {
  const errs = []
  const str = (k, max, req) => {
    if (b[k] === undefined || b[k] === null || b[k] === '') {
      if (req) errs.push(fieldErr(k, 'required'))
      return
    }
    if (typeof b[k] !== 'string') errs.push(fieldErr(k, 'invalid_type'))
    else if (b[k].length > max) errs.push(fieldErr(k, 'too_long'))
  }
  if (creating) {
    str('login', 64, true)
    if (typeof b.login === 'string' && users.some((u) => u.login === b.login)) errs.push(fieldErr('login', 'taken'))
    if (typeof b.login === 'string' && b.login && !/^[a-z0-9._-]+$/i.test(b.login)) errs.push(fieldErr('login', 'invalid_format'))
  }
  str('name', 200, creating)
  str('purpose', 1000, creating)
  str('email', 254, false)
  if (b.employment_type !== undefined && !EMPLOYMENT.includes(b.employment_type)) errs.push(fieldErr('employment_type', 'invalid_choice'))
  if (creating && b.employment_type === undefined) errs.push(fieldErr('employment_type', 'required'))
  if (b.roles !== undefined) {
    if (!Array.isArray(b.roles)) errs.push(fieldErr('roles', 'invalid_type'))
    else if (!b.roles.length) errs.push(fieldErr('roles', 'required'))
    else b.roles.forEach((r, i) => roles.some((x) => x.name === r) || errs.push(fieldErr(`roles[${i}]`, 'invalid_choice')))
  } else if (creating) errs.push(fieldErr('roles', 'required'))
  if (b.department_id != null && !departments.some((d) => d.id === b.department_id)) errs.push(fieldErr('department_id', 'invalid_choice'))
  if (b.manager_id != null && !users.some((u) => u.id === b.manager_id)) errs.push(fieldErr('manager_id', 'invalid_choice'))
  if (b.valid_until != null && !/^\d{4}-\d{2}-\d{2}$/.test(b.valid_until)) errs.push(fieldErr('valid_until', 'invalid_date'))
  const known = ['login', 'name', 'email', 'department_id', 'manager_id', 'employment_type', 'roles', 'purpose', 'valid_until', 'version']
  for (const k of Object.keys(b)) if (!known.includes(k)) errs.push(fieldErr(k, 'unknown_field'))
  return errs
}
const tempPassword = () => 'Tmp' + randomBytes(6).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x') + '7'
const base32 = (buf) => {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0, value = 0, out = ''
  for (const b of buf) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) {
      out += a[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  return out
}
function checkTotp(u, code) {
  const c = String(code).replace(/\s/g, '')
  const counter = Math.floor(Date.now() / 30000)
  for (const step of [-1, 0, 1]) {
    if (totp(u._totp, Date.now(), step) === c && counter + step > u._lastTotpCounter) {
      u._lastTotpCounter = counter + step
      return true
    }
  }
  const i = u._recovery.indexOf(c)
  if (i >= 0) {
    u._recovery.splice(i, 1)
    return true
  }
  return false
}

// ---------------------------------------------------------------- routes
// [method, pattern, permission ('public' | 'session' | 'gate-free' | 'mfa-free' | perm), handler]
const routes = []
const route = (m, p, perm, h) => routes.push({ m, re: new RegExp('^' + p.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)') + '$'), perm, h })

route('GET', '/settings/public', 'public', () => ({ org_name: settings.org_name, timezone: settings.timezone, password_min_length: settings.password_min_length }))

route('POST', '/session', 'public', ({ body, ip, res }) => {
  const u = users.find((x) => x.login === body.login)
  const fail = (code) => {
    appendAudit(u ?? null, ip, 'session.login_failed', 'user', u?.id ?? null, { login: body.login, reason: code })
    return new Problem(401, code)
  }
  if (!u || u.status !== 'active') throw fail('invalid_credentials')
  if (u._lockedUntil > Date.now()) throw fail('account_locked')
  if (u._password !== body.password) {
    u._failures++
    if (u._failures >= settings.lockout_threshold) u._lockedUntil = Date.now() + settings.lockout_minutes * 60000
    throw fail('invalid_credentials')
  }
  if (u.mfa_enabled) {
    if (!body.totp) throw new Problem(401, 'totp_required')
    if (!checkTotp(u, body.totp)) throw fail('invalid_totp')
  }
  u._failures = 0
  u.last_login_at = now()
  const token = randomBytes(32).toString('hex')
  const s = { userId: u.id, csrf: randomBytes(16).toString('hex'), last: Date.now() }
  sessions.set(token, s)
  res.setHeader('Set-Cookie', `mamori_session=${token}; Path=/; HttpOnly; SameSite=Strict`)
  appendAudit(u, ip, 'session.login', 'user', u.id)
  return { user: sessionUser(u), csrf_token: s.csrf }
})
route('GET', '/session', 'gate-free', ({ user, sess }) => ({ user: sessionUser(user), csrf_token: sess.csrf }))
route('DELETE', '/session', 'gate-free', ({ user, token, ip }) => {
  sessions.delete(token)
  appendAudit(user, ip, 'session.logout', 'user', user.id)
  return [204]
})

route('POST', '/me/password', 'gate-free', ({ user, body, ip }) => {
  if (typeof body.current_password !== 'string' || !body.current_password) throw invalid([fieldErr('current_password', 'required')])
  if (body.current_password !== user._password) throw invalid([fieldErr('current_password', 'wrong_password')])
  if (typeof body.new_password !== 'string' || !body.new_password) throw invalid([fieldErr('new_password', 'required')])
  const errs = passwordErrors(user, body.new_password)
  if (errs.length) throw invalid(errs)
  user._password = body.new_password
  user._history.push(body.new_password)
  user.must_change_password = false
  user.version++
  appendAudit(user, ip, 'password.change', 'user', user.id)
  return [204]
})
route('PATCH', '/me', 'session', ({ user, body }) => {
  if (!['ja', 'en'].includes(body.locale)) throw invalid([fieldErr('locale', 'invalid_choice')])
  user.locale = body.locale
  return userView(user)
})
route('POST', '/me/mfa', 'mfa-free', ({ user }) => {
  user._pendingTotp = base32(randomBytes(20))
  const uri = `otpauth://totp/mamori:${user.login}?secret=${user._pendingTotp}&issuer=mamori`
  const qr_svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><rect width="21" height="21" fill="#fff"/><path d="M1 1h7v7H1zM13 1h7v7h-7zM1 13h7v7H1z" fill="#000"/><path d="M3 3h3v3H3zM15 3h3v3h-3zM3 15h3v3H3z" fill="#fff"/><path d="M10 10h2v2h-2zM14 14h3v3h-3z" fill="#000"/></svg>`
  return { secret: user._pendingTotp, otpauth_uri: uri, qr_svg }
})
route('POST', '/me/mfa/confirm', 'mfa-free', ({ user, body, ip }) => {
  if (!user._pendingTotp) throw new Problem(409, 'conflict')
  const saved = user._totp
  user._totp = user._pendingTotp
  if (!checkTotp(user, body.code ?? '')) {
    user._totp = saved
    throw invalid([fieldErr('code', 'invalid_totp', 'wrong code')])
  }
  user._pendingTotp = null
  user.mfa_enabled = true
  user._recovery = Array.from({ length: 10 }, () => randomBytes(5).toString('hex').replace(/(.{5})/, '$1-'))
  appendAudit(user, ip, 'mfa.enable', 'user', user.id)
  return { recovery_codes: [...user._recovery] }
})
route('DELETE', '/me/mfa', 'session', ({ user, body, ip }) => {
  if (body.password !== user._password) throw invalid([fieldErr('password', 'wrong_password')])
  if (rolesOf(user).some((r) => r.mfa_required)) throw new Problem(403, 'forbidden')
  user.mfa_enabled = false
  user._totp = null
  appendAudit(user, ip, 'mfa.disable', 'user', user.id)
  return [204]
})

function filterUsers(q) {
  return users.filter((u) =>
    (!q.get('q') || [u.name, u.login, u.email ?? ''].some((v) => v.toLowerCase().includes(q.get('q').toLowerCase()))) &&
    (!q.get('department_id') || String(u.department_id) === q.get('department_id')) &&
    (!q.get('role') || u.roles.includes(q.get('role'))) &&
    (!q.get('employment_type') || u.employment_type === q.get('employment_type')) &&
    (!q.get('status') || u.status === q.get('status')))
}
function paginate(items, q, key) {
  const limit = Math.min(Number(q.get('limit')) || 50, 200)
  const cursor = q.get('cursor')
  const start = cursor ? items.findIndex((x) => String(x[key]) === cursor) + 1 : 0
  const page = items.slice(start, start + limit)
  const more = start + limit < items.length
  return { items: page, next_cursor: more ? String(page[page.length - 1][key]) : null }
}
route('GET', '/users', 'users.read', ({ q }) => {
  const p = paginate(filterUsers(q), q, 'id')
  return { ...p, items: p.items.map(userView) }
})
route('GET', '/users.csv', 'users.read', ({ q, user, ip }) => {
  appendAudit(user, ip, 'export.users', 'user', null, { count: filterUsers(q).length })
  const rows = [['login', 'name', 'email', 'department', 'roles', 'status'],
    ...filterUsers(q).map((u) => [u.login, u.name, u.email ?? '', userView(u).department_name ?? '', u.roles.join(' '), u.status])]
  return ['csv', '\ufeff' + rows.map((r) => r.map((c) => `"${String(c).replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n']
})
route('POST', '/users', 'users.write', ({ body, user, ip }) => {
  const errs = checkUserFields(body, true)
  if (errs.length) throw invalid(errs)
  const pw = tempPassword()
  const u = addUser(body, pw)
  appendAudit(user, ip, 'user.create', 'user', u.id, { after: userView(u) })
  return [201, { user: userView(u), initial_password: pw }]
})
const findUser = (id) => users.find((u) => String(u.id) === id) ?? (() => { throw new Problem(404, 'not_found') })()
route('GET', '/users/{id}', 'users.read', ({ p }) => userView(findUser(p.id)))
route('PATCH', '/users/{id}', 'users.write', ({ p, body, user, ip }) => {
  const u = findUser(p.id)
  if (body.version !== u.version) throw new Problem(409, 'conflict')
  const errs = checkUserFields(body, false)
  if (body.login !== undefined) errs.push(fieldErr('login', 'unknown_field'))
  if (errs.length) throw invalid(errs)
  const before = userView(u)
  for (const k of Object.keys(body)) if (k !== 'version') u[k] = body[k]
  u.version++
  u.updated_at = now()
  appendAudit(user, ip, 'user.update', 'user', u.id, { before, after: userView(u) })
  return userView(u)
})
for (const [act, status] of [['disable', 'disabled'], ['enable', 'active']]) {
  route('POST', `/users/{id}/${act}`, 'users.write', ({ p, user, ip }) => {
    const u = findUser(p.id)
    u.status = status
    u.version++
    if (status === 'disabled') for (const [t, s] of sessions) if (s.userId === u.id) sessions.delete(t)
    appendAudit(user, ip, `user.${act}`, 'user', u.id)
    return userView(u)
  })
}
route('POST', '/users/{id}/reset-password', 'users.write', ({ p, user, ip }) => {
  const u = findUser(p.id)
  const pw = tempPassword()
  u._password = pw
  u.must_change_password = true
  u.version++
  appendAudit(user, ip, 'user.reset_password', 'user', u.id)
  return { initial_password: pw }
})

const deptView = (d) => ({ ...d, manager_name: users.find((u) => u.id === d.manager_id)?.name ?? null })
route('GET', '/departments', 'departments.read', () => ({ items: departments.map(deptView) }))
function checkDept(b, creating) {
  const errs = []
  if (creating && (typeof b.name !== 'string' || !b.name.trim())) errs.push(fieldErr('name', 'required'))
  if (b.name !== undefined && typeof b.name === 'string' && b.name.length > 200) errs.push(fieldErr('name', 'too_long'))
  if (b.name && departments.some((d) => d.name === b.name)) errs.push(fieldErr('name', 'taken'))
  if (b.manager_id != null && !users.some((u) => u.id === b.manager_id)) errs.push(fieldErr('manager_id', 'invalid_choice'))
  return errs
}
route('POST', '/departments', 'departments.write', ({ body, user, ip }) => {
  const errs = checkDept(body, true)
  if (errs.length) throw invalid(errs)
  const d = { id: nextId++, name: body.name, code: body.code ?? null, manager_id: body.manager_id ?? null, version: 1, created_at: now(), updated_at: now() }
  departments.push(d)
  appendAudit(user, ip, 'department.create', 'department', d.id, { after: d })
  return [201, deptView(d)]
})
route('PATCH', '/departments/{id}', 'departments.write', ({ p, body, user, ip }) => {
  const d = departments.find((x) => String(x.id) === p.id)
  if (!d) throw new Problem(404, 'not_found')
  if (body.version !== d.version) throw new Problem(409, 'conflict')
  const errs = checkDept(body, false)
  if (errs.length) throw invalid(errs)
  const before = { ...d }
  for (const k of ['name', 'code', 'manager_id']) if (k in body) d[k] = body[k]
  d.version++
  appendAudit(user, ip, 'department.update', 'department', d.id, { before, after: d })
  return deptView(d)
})

route('GET', '/roles', 'roles.read', () => ({ items: roles }))
route('GET', '/permissions', 'roles.read', () => ({ items: PERMS }))
route('POST', '/roles', 'roles.write', ({ body, user, ip }) => {
  const errs = []
  if (!/^[a-z][a-z0-9_]{1,63}$/.test(body.name ?? '')) errs.push(fieldErr('name', body.name ? 'invalid_format' : 'required'))
  if (roles.some((r) => r.name === body.name)) errs.push(fieldErr('name', 'taken'))
  if (!body.label_ja) errs.push(fieldErr('label_ja', 'required'))
  if (!body.label_en) errs.push(fieldErr('label_en', 'required'))
  if (errs.length) throw invalid(errs)
  const r = { id: nextId++, name: body.name, label_ja: body.label_ja, label_en: body.label_en, builtin: false,
    privileged: !!body.privileged, mfa_required: !!body.mfa_required, permissions: body.permissions ?? [], version: 1 }
  roles.push(r)
  appendAudit(user, ip, 'role.create', 'role', r.id, { after: r })
  return [201, r]
})
route('PATCH', '/roles/{id}', 'roles.write', ({ p, body, user, ip }) => {
  const r = roles.find((x) => String(x.id) === p.id)
  if (!r) throw new Problem(404, 'not_found')
  if (body.version !== r.version) throw new Problem(409, 'conflict')
  if (r.name === 'admin' && body.permissions) throw invalid([fieldErr('permissions', 'invalid_choice', 'admin is fixed')])
  const before = { ...r }
  for (const k of ['label_ja', 'label_en', 'permissions', 'mfa_required', 'privileged']) if (k in body) r[k] = body[k]
  r.version++
  appendAudit(user, ip, 'role.update', 'role', r.id, { before, after: r })
  return r
})

route('GET', '/audit/events', 'audit.read', ({ q }) => {
  const evs = audit.filter((e) =>
    (!q.get('actor') || e.actor_login === q.get('actor')) &&
    (!q.get('action') || e.action === q.get('action')) &&
    (!q.get('object_type') || e.object_type === q.get('object_type')) &&
    (!q.get('object_id') || String(e.object_id) === q.get('object_id')) &&
    (!q.get('from') || e.at >= q.get('from')) &&
    (!q.get('to') || e.at < q.get('to'))).reverse()
  return paginate(evs, q, 'seq')
})
route('GET', '/audit/events/{seq}', 'audit.read', ({ p }) => audit.find((e) => String(e.seq) === p.seq) ?? (() => { throw new Problem(404, 'not_found') })())
route('POST', '/audit/verify', 'audit.read', () => {
  let prev = '0'.repeat(64)
  for (const e of audit) {
    // The mock checks the links only; the real server recomputes every hash.
    if (e.prev_hash !== prev) return { intact: false, count: audit.length, head: null, first_bad: { seq: e.seq, reason: 'prev_hash mismatch' } }
    prev = e.hash
  }
  const last = audit[audit.length - 1]
  return { intact: true, count: audit.length, head: last ? { seq: last.seq, hash: last.hash } : null, first_bad: null }
})
route('GET', '/audit/head', 'audit.read', () => {
  const last = audit[audit.length - 1]
  const seq = last ? last.seq : 0
  const hash = last ? last.hash : '0'.repeat(64)
  return { seq, hash, expect_head: `${seq}:${hash}` }
})

route('GET', '/settings', 'settings.read', () => settings)
route('PATCH', '/settings', 'settings.write', ({ body, user, ip }) => {
  if (body.version !== settings.version) throw new Problem(409, 'conflict')
  const errs = []
  for (const [k, v] of Object.entries(body)) {
    if (k === 'version') continue
    if (!(k in settings)) errs.push(fieldErr(k, 'unknown_field'))
    else if (typeof settings[k] === 'number' && !Number.isInteger(v)) errs.push(fieldErr(k, 'invalid_type'))
    else if (k === 'password_min_length' && v < 8) errs.push(fieldErr(k, 'out_of_range'))
  }
  if (errs.length) throw invalid(errs)
  const before = { ...settings }
  Object.assign(settings, body)
  settings.version = before.version + 1
  appendAudit(user, ip, 'settings.update', 'settings', null, { before, after: { ...settings } })
  return settings
})

// ---------------------------------------------------------------- dispatch
async function api(req, res, url) {
  const sub = url.pathname.slice('/api/v1'.length)
  const r = routes.find((x) => x.m === req.method && x.re.test(sub))
  if (!r) throw new Problem(404, 'not_found')
  const p = r.re.exec(sub).groups ?? {}
  const ip = req.socket.remoteAddress
  const ctx = { req, res, q: url.searchParams, p, ip }
  if (r.perm !== 'public') {
    const token = cookie(req, 'mamori_session')
    const sess = token && sessions.get(token)
    const user = sess && users.find((u) => u.id === sess.userId)
    const idle = user && sessionUser(user).idle_timeout_s
    if (!sess || !user || user.status !== 'active' || Date.now() - sess.last > idle * 1000) {
      if (token) sessions.delete(token)
      throw new Problem(401, 'unauthenticated')
    }
    if (req.method !== 'GET' && req.headers['x-csrf-token'] !== sess.csrf) throw new Problem(403, 'csrf')
    sess.last = Date.now()
    Object.assign(ctx, { user, sess, token })
    if (r.perm !== 'gate-free') {
      if (user.must_change_password) throw new Problem(403, 'password_change_required')
      if (r.perm !== 'mfa-free' && userView(user).mfa_required && !user.mfa_enabled) throw new Problem(403, 'mfa_enrollment_required')
    }
    if (!['session', 'gate-free', 'mfa-free'].includes(r.perm) && !sessionUser(user).permissions.includes(r.perm)) {
      appendAudit(user, ip, 'access.denied', 'route', null, { method: req.method, path: sub })
      throw new Problem(403, 'forbidden')
    }
  }
  if (['POST', 'PATCH', 'PUT', 'DELETE'].includes(req.method)) ctx.body = await readBody(req)
  let out = await r.h(ctx)
  if (out?.[0] === 'csv') {
    res.writeHead(200, { ...SEC_HEADERS, 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="users.csv"' })
    return res.end(out[1])
  }
  if (Array.isArray(out) && typeof out[0] === 'number') return send(res, out[0], out[1])
  send(res, 200, out)
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json' }
async function staticFile(req, res, url) {
  let rel = decodeURIComponent(url.pathname)
  if (rel.includes('..') || rel.includes('/.')) rel = '/'
  let file = path.join(webRoot, rel)
  try {
    if (!(await stat(file)).isFile()) throw new Error()
  } catch {
    file = path.join(webRoot, 'index.html')
  }
  const data = await readFile(file)
  res.writeHead(200, { ...SEC_HEADERS, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
  res.end(data)
}

http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x')
  try {
    if (url.pathname === '/healthz') return send(res, 200, { status: 'ok' })
    if (url.pathname.startsWith('/api/')) return await api(req, res, url)
    return await staticFile(req, res, url)
  } catch (e) {
    if (e instanceof Problem) {
      return send(res, e.status, { type: 'about:blank', title: e.code, status: e.status, code: e.code, detail: e.detail, errors: e.errors })
    }
    console.error(e)
    send(res, 500, { type: 'about:blank', title: 'server', status: 500, code: 'server', detail: '', errors: [] })
  }
}).listen(Number(port), host, () => console.log(`mock mamori on http://${host}:${port}`))
