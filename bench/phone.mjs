// bench/phone.mjs — the web UI on a phone over a slow network (a benchmark, not a test).
//
// Headless chromium with a phone's screen and DevTools' "Fast 3G" throttling (562.5 ms added
// to every request, 1.44 Mbit/s down, 675 kbit/s up), an empty cache: an employee opens the
// app, signs in, then opens the incident report form from a link (the app's files now cached;
// the page is usable when its first question and categories are shown). Prints the time and
// the bytes transferred for each step and for the whole journey; the targets are the form
// usable in under 2 s and under 150 kB in all. With ENCODING=identity the browser asks for
// uncompressed answers, for comparison.
//   node bench/phone.mjs            (bench/phone.sh builds what it needs first)
import { ApiClient, prepareAdmin, startServer } from '../tests/e2e/harness.mjs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { chromium } = createRequire(path.join(ROOT, 'web/package.json'))('playwright-core')
const FAST_3G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: (1.6 * 1000 * 1000 * 0.9) / 8,
  uploadThroughput: (750 * 1000 * 0.9) / 8,
}
const PASSWORD = 'Keitai-hokoku-2026'

const server = await startServer()
let browser
try {
  const admin = await prepareAdmin(server.url)
  const created = await admin.api.must('POST', '/users', {
    login: 'tanaka', name: '田中 花子', employment_type: 'regular', roles: ['employee'],
    purpose: '営業', valid_until: null,
  })
  const emp = new ApiClient(server.url)
  await emp.signIn('tanaka', created.initial_password)
  await emp.must('POST', '/me/password', {
    current_password: created.initial_password, new_password: PASSWORD,
  })

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) '
      + 'Chrome/130.0.0.0 Mobile Safari/537.36',
    extraHTTPHeaders: process.env.ENCODING ? { 'Accept-Encoding': process.env.ENCODING } : {},
  })
  const page = await context.newPage()
  page.setDefaultTimeout(60000)
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', FAST_3G)
  let bytes = 0, requests = 0
  // PHONE_TRACE=1: each request's start and end (seconds from the step's start) after the
  // step, to see what waits for what.
  const trace = process.env.PHONE_TRACE ? new Map() : null
  cdp.on('Network.requestWillBeSent', (e) => {
    trace?.set(e.requestId, { url: new URL(e.request.url).pathname, start: e.timestamp })
  })
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength
    requests++
    const t = trace?.get(e.requestId)
    if (t) Object.assign(t, { end: e.timestamp, bytes: e.encodedDataLength })
  })
  const steps = []
  async function step(name, fn) {
    const b0 = bytes, r0 = requests, t0 = performance.now()
    await fn()
    steps.push({ name, ms: performance.now() - t0, bytes: bytes - b0, requests: requests - r0 })
    if (trace) {
      const all = [...trace.values()].filter((t) => t.end)
      const first = Math.min(...all.map((t) => t.start))
      for (const t of all.sort((a, b) => a.start - b.start)) {
        console.log(`trace: ${name}: ${(t.start - first).toFixed(2)}–${(t.end - first).toFixed(2)} s `
          + `${t.bytes} B ${t.url}`)
      }
      trace.clear()
    }
  }

  await step('sign-in page, empty cache', async () => {
    await page.goto('/signin')
    await page.locator('form button[type=submit]').waitFor()
  })
  await step('sign in, home page', async () => {
    await page.locator('input[name=login]').fill('tanaka')
    await page.locator('input[name=password]').fill(PASSWORD)
    await page.locator('form button[type=submit]').click()
    await page.waitForURL((u) => !u.pathname.startsWith('/signin'))
    await page.locator('main h1').first().waitFor()
  })
  await step('open the incident report form', async () => {
    await page.goto('/incidents/new')
    await page.getByRole('heading', { name: '何がありましたか？' }).waitFor()
    await page.locator('[data-category=loss]').waitFor()
  })
  const kb = (n) => (n / 1000).toFixed(1)
  for (const s of steps) {
    console.log(`phone: ${s.name}: ${(s.ms / 1000).toFixed(2)} s, ${kb(s.bytes)} kB in ${s.requests} requests`)
  }
  const total = steps.reduce((a, s) => a + s.bytes, 0)
  const form = steps[steps.length - 1]
  console.log(`phone: the form usable ${(form.ms / 1000).toFixed(2)} s after opening it (target < 2 s); `
    + `${kb(total)} kB for the whole journey (target < 150 kB)`
    + (process.env.ENCODING ? ` with Accept-Encoding: ${process.env.ENCODING}` : ''))
  console.log(`phone-summary ${form.ms.toFixed(0)} ${total}`)
} finally {
  await browser?.close()
  await server.stop()
}
