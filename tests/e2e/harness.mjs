// Browser journeys' harness: a real `mamori serve` on a free port with a fresh data folder,
// Debian's chromium driven by playwright-core, screenshots, and a small API client for
// preparing state (so each journey file stands on its own).
//
// Server: build/mamori (init with MAMORI_INIT_PASSWORD, then serve). MAMORI_E2E_MOCK=1 uses
// tests/e2e/mock_server.mjs instead (the API contract in JavaScript) — for working on the UI
// without a server build. MAMORI_BIN overrides the binary (e.g. build/san/mamori).

import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freshTotp } from './totp.mjs'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
// Screenshots land outside the tracked tree (build/screenshots) so a test run leaves git clean;
// `make screenshots` copies them into docs/screenshots for the README.
export const SHOTS = process.env.MAMORI_SHOTS || path.join(ROOT, 'build/screenshots')
export const INIT_PASSWORD = 'Init-pass-2026'
export const ADMIN_PASSWORD = 'Kanri-mamori-2026'

// playwright-core lives in web/node_modules (one package.json for all front-end tooling).
const require = createRequire(path.join(ROOT, 'web/package.json'))
const { chromium } = require('playwright-core')

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

async function waitHealthy(url, child, log) {
  const deadline = Date.now() + 20000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${log()}`)
    try {
      const r = await fetch(url + '/healthz')
      if (r.ok) return
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`server did not answer /healthz in 20 s:\n${log()}`)
}

/**
 * Starts a server with a fresh data folder. Returns { url, dataDir, stop }.
 * `env` is added to the server's environment.
 */
export async function startServer({ env = {} } = {}) {
  const mock = process.env.MAMORI_E2E_MOCK === '1'
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mamori-e2e-'))
  const port = await freePort()
  const listen = `127.0.0.1:${port}`
  const fullEnv = { ...process.env, MAMORI_INIT_PASSWORD: INIT_PASSWORD, ...env }
  let child
  if (mock) {
    child = spawn(process.execPath, [path.join(ROOT, 'tests/e2e/mock_server.mjs'), '--listen', listen], {
      env: fullEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } else {
    const bin = process.env.MAMORI_BIN ? path.resolve(process.env.MAMORI_BIN) : path.join(ROOT, 'build/mamori')
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run make build/mamori first`)
    const data = path.join(dataDir, 'data')
    const init = spawnSync(bin, ['init', '--data', data], { env: fullEnv, encoding: 'utf8' })
    if (init.status !== 0) throw new Error(`mamori init failed (${init.status}): ${init.stderr}${init.stdout}`)
    child = spawn(bin, ['serve', '--data', data, '--listen', listen], {
      env: fullEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  }
  let output = ''
  child.stdout.on('data', (d) => (output = (output + d).slice(-20000)))
  child.stderr.on('data', (d) => (output = (output + d).slice(-20000)))
  const url = `http://${listen}`
  try {
    await waitHealthy(url, child, () => output)
  } catch (e) {
    child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
    throw e
  }
  return {
    url,
    dataDir,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), 5000)
        await done
        clearTimeout(t)
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

// ------------------------------------------------------------------ API client

/** A signed-in API session (cookie + CSRF token), for preparing state quickly. */
export class ApiClient {
  constructor(url) {
    this.url = url
    this.cookie = ''
    this.csrf = ''
  }

  async call(method, p, body) {
    const headers = { Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (this.cookie) headers.Cookie = this.cookie
    if (method !== 'GET' && this.csrf) headers['X-CSRF-Token'] = this.csrf
    const r = await fetch(this.url + '/api/v1' + p, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const set = r.headers.get('set-cookie')
    if (set) this.cookie = set.split(';')[0]
    const text = await r.text()
    let json
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = text
    }
    return { status: r.status, body: json }
  }

  async must(method, p, body, want = [200, 201, 204]) {
    const r = await this.call(method, p, body)
    if (!want.includes(r.status)) {
      throw new Error(`${method} ${p} → ${r.status} ${JSON.stringify(r.body)}`)
    }
    return r.body
  }

  async signIn(login, password, totpSecret) {
    let r = await this.call('POST', '/session', { login, password })
    if (r.status === 401 && r.body?.code === 'totp_required' && totpSecret) {
      r = await this.call('POST', '/session', { login, password, totp: await freshTotp(totpSecret) })
    }
    if (r.status !== 200) throw new Error(`sign-in ${login} → ${r.status} ${JSON.stringify(r.body)}`)
    this.csrf = r.body.csrf_token
    return r.body.user
  }
}

/**
 * Takes the admin through first sign-in by API (password change, MFA enrolment), as journey 1
 * does through the UI. The setup wizard is marked skipped, so the admin's home page is the
 * home page; `{ setup: true }` leaves it pending (setup.test.mjs walks through it).
 * Returns { api, totpSecret, recoveryCodes }.
 */
export async function prepareAdmin(url, { setup = false } = {}) {
  const api = new ApiClient(url)
  await api.signIn('admin', INIT_PASSWORD)
  await api.must('POST', '/me/password', { current_password: INIT_PASSWORD, new_password: ADMIN_PASSWORD })
  await api.must('GET', '/session').then((s) => (api.csrf = s.csrf_token ?? api.csrf))
  const enrol = await api.must('POST', '/me/mfa', {})
  const confirmed = await api.must('POST', '/me/mfa/confirm', { code: await freshTotp(enrol.secret) })
  if (!setup) {
    const s = await api.must('GET', '/settings')
    if (s.setup_state === 'pending') await api.must('PATCH', '/settings', { version: s.version, setup_state: 'skipped' })
  }
  return { api, totpSecret: enrol.secret, recoveryCodes: confirmed.recovery_codes }
}

// ------------------------------------------------------------------ browser

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * A new page in its own context. Every console error, CSP violation, failed request to a host
 * other than the server, and uncaught exception is collected in `page.problems` — a journey
 * ends by asserting it is empty.
 */
export async function newPage(browser, baseURL, { width = 1280, height = 860, locale = 'ja-JP' } = {}) {
  const context = await browser.newContext({
    baseURL,
    viewport: { width, height },
    locale,
    timezoneId: 'Asia/Tokyo',
    deviceScaleFactor: 1,
  })
  const page = await context.newPage()
  page.setDefaultTimeout(10000)
  const problems = []
  const origin = new URL(baseURL).origin
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    const text = m.text()
    // Answers the app expects and handles (401 before sign-in, 4xx shown in forms).
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return
    problems.push(`console: ${text}`)
  })
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`))
  page.on('request', (req) => {
    const u = req.url()
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`other host: ${u}`)
  })
  page.problems = problems
  return page
}

export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true })
  // Let fonts and transitions settle, and move the pointer off the page, so the picture is stable.
  await page.mouse.move(0, 0)
  await page.evaluate(async () => {
    await document.fonts?.ready
    window.scrollTo(0, 0)
  })
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true })
}

/** Signs in through the sign-in page, answering the TOTP step when asked. */
export async function uiSignIn(page, login, password, totpSecret) {
  await page.goto('/signin')
  await page.locator('input[name=login]').fill(login)
  await page.locator('input[name=password]').fill(password)
  await page.locator('form button[type=submit]').click()
  if (totpSecret) {
    const code = page.locator('input[name=totp]')
    await code.waitFor()
    await code.fill(await freshTotp(totpSecret))
    await page.locator('form button[type=submit]').click()
  }
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'))
}

/** Text made of Japanese script (kana or kanji). */
export const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]/
