// Journey 4: switching the language between 日本語 and English changes every visible label,
// is remembered on the server for the signed-in user (and in the browser before sign-in),
// and dates follow the language's format in the organisation's time zone.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  startServer, launchBrowser, newPage, uiSignIn, prepareAdmin, ADMIN_PASSWORD, JAPANESE, ROOT,
} from './harness.mjs'

const PAGES = ['/', '/people', '/people/new', '/departments', '/roles', '/audit', '/settings', '/account', '/password']
const namespaces = Object.keys(JSON.parse(readFileSync(path.join(ROOT, 'web/src/i18n/en.json'), 'utf8')))

let server, browser, page, admin, data

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  await admin.api.must('POST', '/departments', { name: 'Sales', code: 'S1' })
  const me = await admin.api.must('GET', '/session')
  const pub = await admin.api.must('GET', '/settings/public')
  // Values people typed (names, purposes) stay as typed in either language.
  data = [me.user.name, me.user.purpose, pub.org_name].filter(Boolean)
  browser = await launchBrowser()
  page = await newPage(browser, server.url)
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

/** The visible text of the page, without identifiers shown as code and without user data. */
async function visibleText() {
  await page.waitForLoadState('networkidle')
  let text = await page.evaluate(() => {
    const parts = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement
      // Identifiers shown as code, and the language buttons (each in its own language on
      // purpose), are not labels; the avatar is the user's initial.
      if (!el || el.closest('code, pre, script, style, option, .avatar, body [lang]')) continue
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue
      parts.push(n.textContent)
    }
    // Titles and accessible names count as labels too.
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')) {
      parts.push(el.getAttribute('aria-label') ?? '', el.getAttribute('placeholder') ?? '', el.getAttribute('alt') ?? '')
    }
    parts.push(document.title)
    return parts.join(' ')
  })
  for (const d of data) text = text.split(d).join('')
  return text
}

function assertNoKeys(text, where) {
  const m = text.match(new RegExp(`\\b(${namespaces.join('|')})\\.[A-Za-z_]+`))
  assert.equal(m, null, `${where}: untranslated key ${m?.[0]}`)
}

test('every page is Japanese by default and English after switching', async () => {
  await page.goto('/signin')
  assert.equal(await page.locator('h1').textContent(), 'サインイン')
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)

  for (const p of PAGES) {
    await page.goto(p)
    const text = await visibleText()
    assert.match(text, JAPANESE, `${p} shows Japanese`)
    assertNoKeys(text, p)
  }

  await page.locator('[data-testid=user-menu]').click()
  await page.getByRole('button', { name: 'English' }).click()
  await page.locator('#main-nav').getByRole('link', { name: 'People' }).waitFor()
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en')

  for (const p of PAGES) {
    await page.goto(p)
    const text = await visibleText()
    const jp = text.match(new RegExp(`.{0,20}${JAPANESE.source}.{0,20}`))
    assert.equal(jp, null, `${p} still shows Japanese: “${jp?.[0]}”`)
    assertNoKeys(text, p)
  }

  // Dates in the English format, in the organisation's time zone.
  await page.goto('/people')
  const cell = await page.locator('table tbody tr', { hasText: 'admin' }).locator('td').last().textContent()
  assert.match(cell.trim(), /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}$/)
  assert.deepEqual(page.problems, [])
})

test('the choice is remembered on the server and in the browser', async () => {
  const me = await admin.api.must('GET', '/session')
  assert.equal(me.user.locale, 'en')
  await page.reload()
  await page.locator('#main-nav').getByRole('link', { name: 'Home' }).waitFor()

  // Back to Japanese; signing out keeps the browser's choice for the sign-in page.
  await page.goto('/account')
  await page.getByRole('button', { name: '日本語' }).first().click()
  await page.locator('#main-nav').getByRole('link', { name: 'ホーム' }).waitFor()
  await page.goto('/people')
  const cell = await page.locator('table tbody tr', { hasText: 'admin' }).locator('td').last().textContent()
  assert.match(cell.trim(), /^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/)
  await page.locator('[data-testid=user-menu]').click()
  await page.getByRole('button', { name: 'サインアウト' }).click()
  await page.waitForURL(/\/signin/)
  await page.getByRole('button', { name: 'English' }).click()
  await page.locator('h1', { hasText: 'Sign in' }).waitFor()
  const text = await visibleText()
  assert.equal(text.match(JAPANESE), null, 'sign-in page fully English')
  await page.reload()
  await page.locator('h1', { hasText: 'Sign in' }).waitFor()
  assert.deepEqual(page.problems, [])
})
