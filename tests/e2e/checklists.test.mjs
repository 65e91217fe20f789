// Journey: the monthly telework check on a phone — an employee opens it from the home page,
// saves half and finishes later, answers one item "no" (the comment is required), sends it,
// and turns the "no" into a corrective action owned by their manager; the manager then sees
// the department's answers and the conformance chart.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  ApiClient, startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin,
} from './harness.mjs'

let server, browser, admin
const PW = { mgr: 'Kacho-check-2026', emp: 'Zaitaku-check-2026' }
const ids = {}

async function person(login, name, roles, extra = {}) {
  const r = await admin.api.must('POST', '/users', {
    login, name, employment_type: 'regular', roles, purpose: '業務のため', ...extra,
  })
  const c = new ApiClient(server.url)
  await c.signIn(login, r.initial_password)
  await c.must('POST', '/me/password', { current_password: r.initial_password, new_password: PW[login] })
  ids[login] = r.user.id
  return c
}

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  await person('mgr', '課長 花子', ['manager'])
  const d = await admin.api.must('POST', '/departments', { name: '営業部', manager_id: ids.mgr })
  const m = await admin.api.must('GET', `/users/${ids.mgr}`)
  await admin.api.must('PATCH', `/users/${ids.mgr}`, { version: m.version, department_id: d.id })
  await person('emp', '在宅 次郎', ['employee'], { department_id: d.id, manager_id: ids.mgr })
  const templates = (await admin.api.must('GET', '/checklists')).items
  const tele = templates.find((x) => x.code === 'telework-home')
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' })
  const c = await admin.api.must('POST', '/checklist-campaigns', {
    template_id: tele.id, title: '在宅勤務の月次点検', targets: [`department:${d.id}`], starts_on: today,
    due_on: today, recurrence: 'monthly',
  })
  ids.campaign = c.id
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

async function fits(page, where) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(w <= 390, `${where}: ${w}px wide on a 390px phone`)
}

test('an employee answers the monthly telework check on a phone; a "no" becomes an action', async () => {
  const page = await newPage(browser, server.url, { width: 390, height: 844 })
  await uiSignIn(page, 'emp', PW.emp)
  const task = page.locator('[data-testid=tasks] li[data-kind=checklist]')
  await task.waitFor()
  assert.match(await task.textContent(), /在宅勤務の月次点検/)
  await task.getByRole('link').click()
  await page.waitForURL(/\/checklists\/campaigns\/\d+$/)
  await page.getByTestId('my-checklist').click()
  await page.waitForURL(/\/checklists\/items\/\d+$/)
  const form = page.getByTestId('checklist-form')
  await form.waitFor()
  await fits(page, 'the checklist')
  await screenshot(page, 'phone-checklist')

  // Half now, saved for later.
  const questions = page.locator('fieldset.q')
  const n = await questions.count()
  assert.ok(n >= 10, `${n} items`)
  for (let i = 0; i < 5; i++) await questions.nth(i).locator('[data-choice=yes]').check()
  await page.getByTestId('checklist-save').click()
  await page.getByText('保存しました').waitFor()
  await page.reload()
  await form.waitFor()
  assert.equal(await questions.nth(4).locator('[data-choice=yes]').isChecked(), true, 'the draft was kept')

  // The rest: the Wi-Fi item is a "no" — sending without saying why is refused.
  for (let i = 5; i < n; i++) await questions.nth(i).locator('[data-choice=yes]').check()
  const wifi = page.locator('fieldset.q[data-key=wifi]')
  await wifi.locator('[data-choice=no]').check()
  await wifi.locator('details.guidance summary').click()
  assert.match(await wifi.locator('details.guidance').textContent(), /WPA2/)
  await page.getByTestId('checklist-send').click()
  await wifi.locator('.field-error').waitFor()
  await wifi.locator('textarea').fill('ルーターのパスワードが初期設定のままでした')
  await page.getByTestId('checklist-send').click()
  await page.getByTestId('checklist-done').waitFor()
  assert.match(await page.getByTestId('checklist-done').textContent(), /いいえ 1/)

  // One click: the "no" becomes a corrective action owned by the manager.
  const card = page.locator('li.card[data-key=wifi]')
  await card.locator('select').selectOption('manager')
  await card.getByTestId('make-action').click()
  const link = card.getByTestId('action-link')
  await link.waitFor()
  await fits(page, 'answered checklist')
  await screenshot(page, 'phone-checklist-action')
  const actionId = Number((await link.getAttribute('href')).split('/').pop())
  const action = await admin.api.must('GET', `/actions/${actionId}`)
  assert.equal(action.source_type, 'checklist_answer')
  assert.equal(action.owner.id, ids.mgr)
  assert.match(action.cause, /初期設定/)
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('the manager sees the department\'s answers and conformance', async () => {
  const page = await newPage(browser, server.url)
  await uiSignIn(page, 'mgr', PW.mgr)
  await page.goto(`/checklists/campaigns/${ids.campaign}`)
  const table = page.getByTestId('answers-table')
  await table.waitFor()
  assert.match(await table.textContent(), /在宅 次郎/)
  assert.match(await table.textContent(), /ルーターのパスワード/)
  await page.locator('canvas').first().waitFor()
  const href = await page.getByTestId('answers-csv').getAttribute('href')
  const res = await page.request.get(href)
  assert.equal(res.status(), 200)
  assert.match(await res.text(), /wifi.*いいえ/)
  await screenshot(page, 'checklist-campaign')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})
