// The rough edges a new user met in their first hour, each checked where a user would see it:
// the new-person form's manager list after "register another", the dispatching agency of
// dispatched staff, short words kept whole in tables, the officer's read-only settings saying
// why, a save confirmed where the user is looking, one tap to report from a phone, the risk
// owner's acceptance (a task at home, the linked controls, a required reason), and English that
// stays English (course titles after switching, list separators, month names).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  ApiClient, startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, ADMIN_PASSWORD,
} from './harness.mjs'
import { freshTotp } from './totp.mjs'

const EMP_PASSWORD = 'Ichiro-works-2026'
const OFF_PASSWORD = 'Mamoru-office-2026'
let server, browser, page, admin, officerSecret, riskId

async function newUser(body, password) {
  const r = await admin.api.must('POST', '/users', { purpose: '業務', employment_type: 'regular', ...body })
  const c = new ApiClient(server.url)
  await c.signIn(body.login, r.initial_password)
  await c.must('POST', '/me/password', { current_password: r.initial_password, new_password: password })
  return { id: r.user.id, client: c }
}

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  const sales = await admin.api.must('POST', '/departments', { name: '営業部', code: 'S1' })
  await admin.api.must('POST', '/departments', { name: '情報システム部', code: 'IS' })
  const emp = await newUser({ login: 'suzuki', name: '鈴木 一郎', department_id: sales.id, roles: ['employee', 'manager'] }, EMP_PASSWORD)
  const off = await newUser({ login: 'kanri', name: '管理 担当', roles: ['officer'] }, OFF_PASSWORD)
  await off.client.must('GET', '/session').then((s) => (off.client.csrf = s.csrf_token ?? off.client.csrf))
  const enrol = await off.client.must('POST', '/me/mfa', {})
  await off.client.must('POST', '/me/mfa/confirm', { code: await freshTotp(enrol.secret) })
  officerSecret = enrol.secret
  // The starter course for everyone; a risk in 営業部 owned by suzuki, linked to a control.
  const courses = await admin.api.must('GET', '/courses')
  const starter = courses.items.find((c) => c.code === 'starter')
  const due = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10)
  await admin.api.must('POST', '/training/assignments', { course_id: starter.id, targets: ['all'], due_date: due, recurrence: 'yearly' })
  const asset = await admin.api.must('POST', '/assets', {
    name: '顧客データベース', asset_type: 'data', classification_id: 1, c: 3, i: 2, a: 2, department_id: sales.id,
  })
  const soa = await admin.api.must('GET', '/soa')
  const control = soa.items.find((c) => c.number === '5.9')
  const risk = await admin.api.must('POST', '/risks', {
    asset_id: asset.id, threat: 'ノートPCの紛失', vulnerability: 'ディスクが暗号化されていない', likelihood: 2, impact: 3,
    treatment: 'reduce', control_ids: [control.id], owner_id: emp.id,
  })
  riskId = risk.id
  // A near-miss, so the trend table has a month to show.
  await emp.client.must('POST', '/incidents', { kind: 'near_miss', category: 'missend', title: 'メールの宛先間違いに気づいた' })
  browser = await launchBrowser()
  page = await newPage(browser, server.url)
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

async function signOut(p = page) {
  await p.locator('[data-testid=user-menu]').click()
  await p.getByRole('button', { name: /サインアウト|Sign out/ }).click()
  await p.waitForURL(/\/signin/)
}

test('new person: "register another" offers the manager just registered', async () => {
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
  await page.goto('/people/new')
  await page.locator('input[name=login]').fill('boss1')
  await page.locator('input[name=name]').fill('上司 一郎')
  await page.locator('textarea[name=purpose]').fill('営業部の管理業務')
  await page.getByRole('button', { name: '登録する' }).click()
  await page.locator('[data-testid=secret]').waitFor()
  await page.getByRole('button', { name: '続けて登録する' }).click()
  const manager = page.locator('select[name=manager_id]')
  await manager.waitFor()
  await page.waitForFunction(() => [...document.querySelectorAll('select[name=manager_id] option')].some((o) => o.textContent.includes('boss1')))
  assert.deepEqual(page.problems, [])
})

test('people: a dispatched employee has a dispatching agency', async () => {
  // Still on the blank form: the field shows only for dispatched staff.
  assert.equal(await page.locator('input[name=dispatch_agency]').count(), 0)
  await page.locator('input[name=login]').fill('haken2')
  await page.locator('input[name=name]').fill('派遣 次郎')
  await page.locator('select[name=employment_type]').selectOption('dispatched')
  await page.locator('input[name=dispatch_agency]').fill('株式会社スタッフサービス')
  await page.locator('select[name=manager_id]').selectOption({ label: '上司 一郎 (boss1)' })
  await page.locator('textarea[name=purpose]').fill('派遣契約による営業事務')
  await page.getByRole('button', { name: '登録する' }).click()
  await page.getByRole('link', { name: '登録内容を開く' }).click()
  await page.getByTestId('dispatch-agency').filter({ hasText: '株式会社スタッフサービス' }).waitFor()
  assert.equal(await page.locator('input[name=dispatch_agency]').inputValue(), '株式会社スタッフサービス')
  assert.deepEqual(page.problems, [])
})

test('tables keep short words whole (「情報システム部」, not 「情報シス/テム部」)', async () => {
  await admin.api.must('POST', '/users', {
    login: 'it1', name: '情報 太郎', employment_type: 'contract', purpose: '社内システムの運用', roles: ['employee', 'manager', 'auditor'],
    department_id: (await admin.api.must('GET', '/departments')).items.find((d) => d.name === '情報システム部').id,
    valid_until: '2027-03-31',
  })
  await page.setViewportSize({ width: 1000, height: 800 })
  await page.goto('/people')
  const cell = page.locator('table tbody td', { hasText: /^情報システム部$/ })
  await cell.waitFor()
  const lines = await cell.evaluate((td) => {
    const r = document.createRange()
    r.selectNodeContents(td)
    return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size
  })
  assert.equal(lines, 1, 'the department name is on one line')
  await page.setViewportSize({ width: 1280, height: 860 })
  assert.deepEqual(page.problems, [])
})

test('settings: a saved change is confirmed where the user is looking', async () => {
  await page.goto('/settings')
  const name = page.locator('input[name=org_name]')
  await name.waitFor()
  await name.fill('株式会社まもり')
  await name.press('Enter') // saving from the top of a long form
  const toast = page.getByTestId('toast')
  await toast.filter({ hasText: '保存しました。' }).waitFor()
  const box = await toast.boundingBox()
  const view = page.viewportSize()
  assert.ok(box && box.y >= 0 && box.y + box.height <= view.height, `the message is in view (${JSON.stringify(box)})`)
  await signOut()
  assert.deepEqual(page.problems, [])
})

test("settings: the officer's read-only page says why", async () => {
  await uiSignIn(page, 'kanri', OFF_PASSWORD, officerSecret)
  await page.goto('/settings')
  const note = page.getByTestId('settings-readonly')
  await note.waitFor()
  assert.match(await note.textContent(), /システム管理者/)
  assert.ok(await page.locator('input[name=org_name]').isDisabled())
  assert.equal(await page.getByTestId('open-setup').count(), 0, 'the wizard is the administrator\'s')
  await signOut()
  assert.deepEqual(page.problems, [])
})

test('the risk owner accepts from a task: linked controls shown, a reason required', async () => {
  await uiSignIn(page, 'suzuki', EMP_PASSWORD)
  const task = page.locator('.task-list li', { hasText: 'ノートPCの紛失' })
  await task.waitFor()
  assert.match(await task.textContent(), /リスクの受容/)
  await task.getByRole('link').click()
  await page.waitForURL(new RegExp(`/risks/${riskId}$`))
  const controls = page.getByTestId('risk-controls')
  await controls.getByText(/^5\.9 /).waitFor()
  await page.getByTestId('risk-accept').click()
  const dialog = page.getByRole('dialog')
  await dialog.waitFor()
  await dialog.getByRole('button', { name: '残留リスクを受容する' }).click()
  await dialog.locator('#f-comment-error').waitFor()
  await dialog.locator('textarea[name=comment]').fill('暗号化の導入までの3か月間は、持ち出し申請で管理するため受容します。')
  await dialog.getByRole('button', { name: '残留リスクを受容する' }).click()
  await dialog.waitFor({ state: 'hidden' })
  const acceptance = page.getByTestId('risk-acceptance')
  await acceptance.getByText('持ち出し申請で管理するため受容します').waitFor()
  await page.goto('/')
  await page.locator('.task-list li', { hasText: '情報セキュリティ' }).waitFor()
  assert.equal(await page.locator('.task-list li', { hasText: 'ノートPCの紛失' }).count(), 0, 'the task is done')
  assert.deepEqual(page.problems, [])
})

test('English stays English: course title after switching, list commas, month names', async () => {
  const task = page.locator('.task-list li', { hasText: '情報セキュリティ・個人情報保護 基本教育' })
  await task.waitFor()
  await page.locator('[data-testid=user-menu]').click()
  await page.getByRole('button', { name: 'English' }).click()
  // The course's own title follows the language at once, without a reload.
  await page.locator('.task-list li', { hasText: 'Information security and personal data protection: the basics' }).waitFor()
  assert.equal(await page.locator('.task-list li', { hasText: '基本教育' }).count(), 0)
  await page.goto('/account')
  const roles = page.locator('dd', { hasText: /employee|Employee/ })
  await roles.first().waitFor()
  const text = await roles.first().textContent()
  assert.doesNotMatch(text, /、/)
  assert.match(text, /, /)
  await page.goto('/incidents/trends')
  const head = page.locator('.trend-table thead th.col-num')
  await head.first().waitFor()
  for (const h of await head.allTextContents()) assert.match(h.trim(), /^[A-Z][a-z]{2} \d{4}$/)
  for (const m of await page.locator('[data-testid=trend-chart] text.month').allTextContents()) {
    assert.doesNotMatch(m.trim(), /^\d{1,2}\/\d{2}$/, `month label ${m}`)
  }
  await page.locator('[data-testid=user-menu]').click()
  await page.getByRole('button', { name: '日本語' }).click()
  await page.keyboard.press('Escape')
  await signOut()
  assert.deepEqual(page.problems, [])
})

test('phone: reporting an incident is one tap from home', async () => {
  const phone = await newPage(browser, server.url, { width: 390, height: 844 })
  await uiSignIn(phone, 'suzuki', EMP_PASSWORD)
  const report = phone.getByTestId('home-report')
  await report.waitFor()
  const box = await report.boundingBox()
  assert.ok(box.y + box.height <= 844, 'the button is on the first screen')
  assert.ok(box.height >= 44, 'big enough to tap')
  await screenshot(phone, 'phone-home-report')
  await report.tap().catch(() => report.click())
  await phone.waitForURL(/\/incidents\/new$/)
  const w = await phone.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(w <= 390, `home fits the phone (${w}px)`)
  assert.deepEqual(phone.problems, [])
  await phone.context().close()
})
