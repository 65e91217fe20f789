// The web UI loads a module's words only with the pages that use them, in the current language
// (web/src/i18n/index.ts). What a user would notice if that went wrong: a page opened by its
// address, or reached from another module's page, showing raw keys (`takeouts.title`) instead
// of words; English words missing after switching language on a module's page; the audit trail
// and the roles page naming another module's actions and permissions by identifier; and, on a
// phone, English words downloaded by someone who reads Japanese.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { startServer, launchBrowser, newPage, uiSignIn, prepareAdmin, ADMIN_PASSWORD, JAPANESE, ROOT } from './harness.mjs'

// One page of each module (and the pages that show words of every module), opened by address.
const PAGES = [
  '/', '/incidents/new', '/incidents', '/takeouts', '/visits', '/devices', '/assets', '/risks', '/pinfo',
  '/training', '/policies', '/pledges', '/checklists', '/campaigns', '/actions', '/audits', '/dashboard',
  '/reviews', '/approvals', '/account-requests', '/retention', '/notifications', '/audit', '/roles',
]
const i18nDir = path.join(ROOT, 'web/src/i18n')
const namespaces = [
  ...Object.keys(JSON.parse(readFileSync(path.join(i18nDir, 'en.json'), 'utf8'))),
  ...readdirSync(path.join(i18nDir, 'modules')).flatMap((f) => /^([a-z_]+)\.en\.json$/.exec(f)?.[1] ?? []),
]
const incidentsWords = (l) => JSON.parse(readFileSync(path.join(i18nDir, `modules/incidents.${l}.json`), 'utf8'))
const KEY = new RegExp(`\\b(${namespaces.join('|')})\\.[A-Za-z_]+[A-Za-z_.]*`)
// A module's words as the app fetches them: /assets/<area>.<locale>-<hash>.js, and English core.
const wordsFile = (l) => new RegExp(`/assets/(?:[a-z_]+\\.${l}|core\\.${l})-[\\w-]+\\.js$`)

let server, browser, page, admin
const fetched = []

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  // Something in the audit trail from a module (its words live in incidents.*.json).
  await admin.api.must('POST', '/incidents', { category: 'loss', title: '書類の紛失', description: '会議室に置き忘れました。' })
  browser = await launchBrowser()
  page = await newPage(browser, server.url)
  page.on('response', (r) => fetched.push(new URL(r.url()).pathname))
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

/** The visible text of the page (not identifiers shown as code, not the language buttons). */
async function visibleText() {
  await page.waitForLoadState('networkidle')
  return page.evaluate(() => {
    const parts = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement
      if (!el || el.closest('code, pre, script, style, option, .avatar, body [lang]')) continue
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue
      parts.push(n.textContent)
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')) {
      parts.push(el.getAttribute('aria-label') ?? '', el.getAttribute('placeholder') ?? '', el.getAttribute('alt') ?? '')
    }
    parts.push(document.title)
    return parts.join(' ')
  })
}

async function assertWords(p, japanese) {
  const text = await visibleText()
  const key = text.match(KEY)
  assert.equal(key, null, `${p}: shows the raw key ${key?.[0]}`)
  const h1 = (await page.locator('main h1').first().textContent()).trim()
  assert.equal(JAPANESE.test(h1), japanese, `${p}: heading “${h1}”`)
}

test('each page opened by its address shows its words, and Japanese needs no English files', async () => {
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
  for (const p of PAGES) {
    await page.goto(p)
    await assertWords(p, true)
  }
  // The incident report form (what people open on a phone) in full.
  await page.goto('/incidents/new')
  await page.getByRole('heading', { name: '何がありましたか？' }).waitFor()
  // The audit trail names the module's action in words.
  await page.goto('/audit')
  await page.locator('table tbody tr', { hasText: incidentsWords('ja').auditAction.incident_create }).first().waitFor()
  // The roles page names another module's permission in words.
  await page.goto('/roles')
  await page.getByText(incidentsWords('ja').perm.incidents_report).first().waitFor()
  await assertWords('/roles', true)
  assert.deepEqual(fetched.filter((u) => wordsFile('en').test(u)), [], 'no English words fetched')
  assert.deepEqual(page.problems, [])
})

test('switching to English on a module page shows that page and the next ones in English', async () => {
  await page.goto('/takeouts')
  await assertWords('/takeouts', true)
  await page.locator('[data-testid=user-menu]').click()
  await page.getByRole('button', { name: 'English' }).click()
  await page.locator('main h1', { hasNotText: JAPANESE }).first().waitFor()
  await assertWords('/takeouts in English', false)

  // Another module's page from the navigation (no reload): its words arrive in English.
  fetched.length = 0
  await page.locator('#main-nav').getByRole('link', { name: 'Incidents and near-misses' }).click()
  await page.waitForURL(/\/incidents$/)
  await assertWords('/incidents from the navigation', false)
  for (const p of PAGES) {
    await page.goto(p)
    await assertWords(`${p} in English`, false)
  }
  await page.goto('/incidents/new')
  await page.getByRole('heading', { name: 'What happened?' }).waitFor()
  // Another module's audit action and permission, in English words.
  await page.goto('/audit')
  await page.locator('table tbody tr', { hasText: incidentsWords('en').auditAction.incident_create }).first().waitFor()
  await page.goto('/roles')
  await page.getByText(incidentsWords('en').perm.incidents_report).first().waitFor()
  await assertWords('/roles in English', false)
  assert.deepEqual(fetched.filter((u) => wordsFile('ja').test(u)), [], 'no Japanese module words fetched after switching')
  assert.deepEqual(page.problems, [])
})

test("a new browser signing in gets the server's language, pages opened by address too", async () => {
  // admin chose English above (saved on the server); this browser has never seen the app.
  const fresh = await newPage(browser, server.url)
  try {
    await fresh.goto('/signin')
    assert.equal((await fresh.locator('h1').textContent()).trim(), 'サインイン')
    page = fresh
    await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
    await page.locator('#main-nav').getByRole('link', { name: 'Home' }).waitFor()
    await assertWords('/ after sign-in', false)
    await page.goto('/visits')
    await assertWords('/visits by address', false)
    // The choice is kept in this browser: English from the first page after a reload.
    await page.reload()
    await assertWords('/visits reloaded', false)
    assert.deepEqual(page.problems, [])
  } finally {
    await fresh.context().close()
  }
})
