// Notifications in the browser: the bell counts a new approval and leads to it; the person
// turns the daily digest on; the administrator's mail page says mail is off until set up.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  ApiClient, startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, ADMIN_PASSWORD,
} from './harness.mjs'

let server, browser, admin
const PW = 'Bell-safe-2026-x'
const ids = {}

async function person(login, name, roles, extra = {}) {
  const r = await admin.api.must('POST', '/users', { login, name, employment_type: 'regular', roles, purpose: '業務のため', ...extra })
  const c = new ApiClient(server.url)
  await c.signIn(login, r.initial_password)
  await c.must('POST', '/me/password', { current_password: r.initial_password, new_password: PW })
  ids[login] = r.user.id
  return c
}

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  await person('boss', '部長 一郎', ['manager'])
  await person('lead', '課長 二郎', ['manager'], { manager_id: ids.boss })
  const d = await admin.api.must('POST', '/departments', { name: '経理部', manager_id: ids.lead })
  const u = await admin.api.must('GET', `/users/${ids.lead}`)
  await admin.api.must('PATCH', `/users/${ids.lead}`, { version: u.version, department_id: d.id })
  ids.dept = d.id
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('the bell shows a new approval and the person turns the digest on', async () => {
  const lead = new ApiClient(server.url)
  await lead.signIn('lead', PW)
  const req = await lead.must('POST', '/account-requests', {
    kind: 'new', login: 'keiri1', name: '経理 三子', department_id: ids.dept, employment_type: 'contract',
    purpose: '月次決算の補助', valid_until: '2027-03-31',
  })
  await lead.must('POST', `/account-requests/${req.id}/transition`, { version: req.version, to: 'submitted' })

  const page = await newPage(browser, server.url, { width: 390, height: 844 })
  await uiSignIn(page, 'boss', PW)
  const count = page.locator('[data-testid=bell-count]')
  await count.waitFor()
  assert.equal((await count.textContent()).trim(), '1')
  await page.locator('[data-testid=bell]').click()
  await page.waitForURL(/\/notifications$/)
  const notice = page.locator('[data-testid=notices] li[data-kind=approval_needed]')
  await notice.waitFor()
  assert.match(await notice.textContent(), /承認のお願い/)
  assert.match(await notice.textContent(), /経理 三子/)
  // Mail is off in this organisation, and the page says so.
  await page.getByText('この組織ではメールを送っていません').waitFor()
  await page.locator('#p-digest').check()
  await page.locator('#f-digest_at').fill('17:30')
  await page.getByRole('button', { name: '保存' }).click()
  await page.getByText('保存しました').first().waitFor()
  await screenshot(page, 'phone-notifications')
  const prefs = await (async () => {
    const c = new ApiClient(server.url)
    await c.signIn('boss', PW)
    return c.must('GET', '/me/notification-prefs')
  })()
  assert.equal(prefs.digest, true)
  assert.equal(prefs.digest_at, '17:30')
  // Opening the notice marks it read: the bell empties.
  await notice.getByRole('link').click()
  await page.waitForURL(/\/approvals\/\d+$/)
  await page.waitForFunction(() => !document.querySelector('[data-testid=bell-count]'))
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('the administrator sees that mail is off until a server is set', async () => {
  const page = await newPage(browser, server.url)
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
  await page.goto('/settings/mail')
  await page.locator('[data-testid=mail-off]').waitFor()
  // Turning mail on without a server is refused, next to the field.
  await page.locator('#m-enabled').check()
  await page.locator('#f-host').fill('')
  await page.getByRole('button', { name: '保存' }).click()
  await page.locator('#f-host-error').waitFor()
  await screenshot(page, 'mail-settings')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})
