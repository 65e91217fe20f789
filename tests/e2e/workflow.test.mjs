// Journeys on the workflow engine: a manager approves an account request from a phone (from
// the home page's task to the approval), and an access review runs to completion — started by
// the administrator, answered by the manager, closed (the change takes effect) and exported.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  ApiClient, startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, ADMIN_PASSWORD,
} from './harness.mjs'

let server, browser, admin
const PW = { head: 'Honbu-safe-2026', mgr: 'Kacho-safe-2026' }
const ids = {}

/** Creates a user by API and takes them through the first password change. */
async function person(login, name, roles, extra = {}) {
  const r = await admin.api.must('POST', '/users', {
    login, name, employment_type: 'regular', roles, purpose: '業務のため', ...extra,
  })
  const c = new ApiClient(server.url)
  await c.signIn(login, r.initial_password)
  if (PW[login]) {
    await c.must('POST', '/me/password', { current_password: r.initial_password, new_password: PW[login] })
  }
  ids[login] = r.user.id
  return c
}

let mgrApi
before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  await person('head', '本部長 一郎', ['manager'])
  mgrApi = await person('mgr', '課長 花子', ['manager'], { manager_id: ids.head })
  const d = await admin.api.must('POST', '/departments', { name: '営業部', manager_id: ids.mgr })
  ids.dept = d.id
  const mgr = await admin.api.must('GET', `/users/${ids.mgr}`)
  await admin.api.must('PATCH', `/users/${ids.mgr}`, { version: mgr.version, department_id: d.id })
  await person('staff', '部員 三郎', ['employee', 'manager'], { department_id: d.id, manager_id: ids.mgr })
  mgrApi = new ApiClient(server.url)
  await mgrApi.signIn('mgr', PW.mgr)
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('a manager approves an account request on a phone', async () => {
  const req = await mgrApi.must('POST', '/account-requests', {
    kind: 'new', login: 'newhire', name: '新人 四郎', department_id: ids.dept, employment_type: 'part_time',
    roles: ['employee'], purpose: '店舗での接客と受付', valid_until: '2027-03-31',
  })
  await mgrApi.must('POST', `/account-requests/${req.id}/transition`, { version: req.version, to: 'submitted' })

  const page = await newPage(browser, server.url, { width: 390, height: 844 })
  await uiSignIn(page, 'head', PW.head)
  // The home page lists the approval waiting for the head; one tap opens it.
  const task = page.locator('[data-testid=tasks] li[data-kind=approval]')
  await task.waitFor()
  assert.match(await task.textContent(), /新人 四郎/)
  await task.getByRole('link').click()
  await page.waitForURL(/\/approvals\/\d+$/)
  await page.locator('[data-testid=approval-next]').waitFor()
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(w <= 390, `the approval page is ${w}px wide on a 390px phone`)
  await screenshot(page, 'phone-approval')
  // Rejecting without a reason is refused with the field's error; approving works.
  await page.locator('[data-decision=reject]').click()
  await page.locator('#f-decision-comment-error').waitFor()
  await page.locator('#f-decision-comment').fill('利用期限どおりで問題ありません')
  await page.locator('[data-decision=approve]').click()
  await page.locator('[data-testid=approval-status]', { hasText: '承認' }).waitFor()
  // The request moved on: the administrator now has it to carry out.
  const done = await mgrApi.must('GET', `/account-requests/${req.id}`)
  assert.equal(done.status, 'approved')
  const tasks = await admin.api.must('GET', '/me/tasks')
  assert.ok(tasks.items.some((t) => t.kind === 'account_request_carry_out'), 'the administrator is told')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('an access review runs to completion and is exported', async () => {
  // The administrator starts it for the sales department.
  const page = await newPage(browser, server.url)
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
  await page.goto('/campaigns')
  await page.getByRole('link', { name: '権限棚卸を始める' }).click()
  await page.waitForURL(/\/access-reviews\/new$/)
  await page.locator('#f-title').fill('2026年度 権限棚卸（営業部）')
  const today = new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10)
  await page.locator('#f-starts_on').fill(today)
  await page.locator('#f-due_on').fill('2099-12-31')
  await page.locator('#tg-all').uncheck()
  await page.getByLabel('営業部').check()
  await page.getByRole('button', { name: '始める' }).click()
  await page.waitForURL(/\/access-reviews\/\d+$/)
  const reviewUrl = page.url()
  const cid = Number(reviewUrl.split('/').pop())

  // The manager reviews their person from the home page: the leader role goes.
  const mpage = await newPage(browser, server.url, { width: 390, height: 844 })
  await uiSignIn(mpage, 'mgr', PW.mgr)
  await mpage.locator('[data-testid=tasks] li[data-kind=access_review]').getByRole('link').click()
  await mpage.waitForURL(/\/access-reviews\/\d+$/)
  const card = mpage.locator('li[data-subject=staff]')
  await card.waitFor()
  await card.getByLabel('変更する').check()
  await card.getByLabel('部門責任者').check()
  // A change without a comment is refused, and the card says why.
  await card.getByRole('button', { name: '回答を送る' }).click()
  await card.getByRole('alert').waitFor()
  await mpage.locator('li[data-subject=staff] textarea').fill('リーダーの役目を終えたため')
  await card.getByRole('button', { name: '回答を送る' }).click()
  await mpage.locator('li[data-subject=staff][data-status=done]').waitFor()
  await screenshot(mpage, 'phone-access-review')
  assert.deepEqual(mpage.problems, [])
  await mpage.context().close()

  // The administrator closes it: the change takes effect, and the result is kept as evidence.
  await page.reload()
  await page.locator('[data-testid=campaign-totals]').waitFor()
  await screenshot(page, 'access-review')
  await page.locator('[data-testid=campaign-close]').click()
  await page.getByRole('dialog').getByRole('button', { name: '締める' }).click()
  await page.getByText('締め済み').first().waitFor()
  const staff = await admin.api.must('GET', `/users/${ids.staff}`)
  assert.deepEqual(staff.roles, ['employee'])
  const href = await page.locator('[data-testid=campaign-xlsx]').getAttribute('href')
  assert.equal(href, `/api/v1/campaigns/${cid}/items.xlsx`)
  const r = await fetch(server.url + href, { headers: { Cookie: admin.api.cookie } })
  assert.equal(r.status, 200)
  const bytes = Buffer.from(await r.arrayBuffer())
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('the administrator sets when approvals go up and whether the year-end break counts', async () => {
  const page = await newPage(browser, server.url)
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
  await page.goto('/settings')
  const days = page.locator('input[name=approval_escalation_days]')
  await days.waitFor()
  const closure = page.getByLabel('年末年始（12月29日〜1月3日）を休業日として扱う')
  assert.ok(await closure.isChecked(), 'on by default')
  await days.fill('40')
  await page.getByRole('button', { name: '保存', exact: true }).click()
  await page.locator('#f-approval_escalation_days-error').waitFor()
  await days.fill('5')
  await closure.uncheck()
  await page.getByRole('button', { name: '保存', exact: true }).click()
  await page.getByTestId('toast').filter({ hasText: '保存しました。' }).waitFor()
  const s = await admin.api.must('GET', '/settings')
  assert.deepEqual([s.approval_escalation_days, s.year_end_closure], [5, 0])
  // The calendar the date pickers read follows.
  const cal = await admin.api.must('GET', '/calendar/holidays?year=2026')
  assert.equal(cal.year_end_closure, false)
  assert.deepEqual(page.problems, [])
  await page.context().close()
})
