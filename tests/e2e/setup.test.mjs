// Journey: a new organisation's first hour. On a fresh install the administrator's first visit
// opens the setup wizard; they name the organisation and its people in charge, say they hold
// the Privacy Mark (review body and its 3-day rule), import departments and then the first
// people from CSV files (a dispatched and a part-time employee among them), and assign the
// starter course to everyone with a due date. An employee then signs in with the one-time
// password the import gave and finds the course on their home page; an incident's printed
// report names the organisation and the review body's deadline.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  ApiClient, startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, ADMIN_PASSWORD,
} from './harness.mjs'

const ORG = '株式会社まもり商事'
const EMP_PASSWORD = 'Sanro-learns-2026'
let server, browser, page, admin
const oneTime = {}

const csv = (rows) => Buffer.from('\ufeff' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n', 'utf8')

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url, { setup: true })
  browser = await launchBrowser()
  page = await newPage(browser, server.url)
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

/** Picks `rows` as the CSV file of the import `prefix`, checks it, and imports it. */
async function importCsv(prefix, name, rows, n) {
  await page.locator(`#${prefix}-file`).setInputFiles({ name, mimeType: 'text/csv', buffer: csv(rows) })
  const panel = page.locator('.csv-import').filter({ has: page.locator(`#${prefix}-file`) })
  await panel.getByTestId('import-check').click()
  await panel.getByTestId('import-summary').waitFor()
  assert.match(await panel.getByTestId('import-summary').textContent(), new RegExp(`問題のない行: ${n}、問題: 0 件`))
  await panel.getByTestId('import-commit').click()
  await panel.getByText(`${n} 行を取り込みました。`).waitFor()
}

test('the administrator completes the setup wizard', async () => {
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
  // The first arrival at home opens the wizard.
  await page.waitForURL(/\/setup$/)
  await page.locator('h1', { hasText: '初期設定' }).waitFor()

  // 1. The organisation. The built-in placeholder name is not offered as the answer.
  assert.equal(await page.locator('input[name=org_name]').inputValue(), '')
  await page.getByTestId('setup-next').click()
  await page.locator('#f-org_name-error').waitFor()
  await page.locator('input[name=org_name]').fill(ORG)
  await page.locator('textarea[name=org_address]').fill('東京都千代田区丸の内1-1-1')
  await page.locator('input[name=privacy_officer]').fill('佐藤 花子')
  await page.locator('input[name=isms_officer]').fill('鈴木 一郎')
  await screenshot(page, 'setup-organisation')
  await page.getByTestId('setup-next').click()

  // 2. Certifications: the Privacy Mark is held; the review body wants reports in 3 days.
  await page.locator('#su-pmark').check()
  await page.locator('input[name=pmark_number]').fill('第12345678(01)号')
  await page.locator('input[name=review_body]').fill('一般社団法人 まもり審査センター')
  assert.equal(await page.locator('input[name=review_body_days]').inputValue(), '3')
  await screenshot(page, 'setup-certifications')
  await page.getByTestId('setup-next').click()

  // 3. Departments from a CSV file.
  await page.locator('h2', { hasText: '部署' }).waitFor()
  await importCsv('dept-imp', 'departments.csv', [['部署名', '部署コード', '部門責任者'], ['営業部', 'S1', ''], ['総務部', 'G1', '']], 2)
  const depts = page.getByTestId('setup-departments')
  await depts.getByRole('cell', { name: '営業部', exact: true }).waitFor()
  await depts.getByRole('cell', { name: '総務部', exact: true }).waitFor()
  await page.getByTestId('setup-next').click()

  // 4. The first people, with department, manager and employment type.
  await page.locator('h2', { hasText: '従業者' }).waitFor()
  await importCsv('people-imp', 'people.csv', [
    ['ログインID', '氏名', '部署', '上長', '雇用区分', '派遣元', 'ロール', '利用目的', '利用期限'],
    ['yamada', '山田 太郎', '営業部', '', '正社員', '', '部門責任者 従業者', '営業部の管理業務', ''],
    ['kato', '加藤 三郎', '営業部', 'yamada', '派遣社員', '株式会社ハケン', '従業者', '営業事務 (派遣契約)', '2027/3/31'],
    ['mori', '森 四郎', '総務部', 'yamada', 'パート・アルバイト', '', '', '総務の補助業務', ''],
  ], 3)
  const pw = page.getByTestId('setup-passwords')
  await pw.waitFor()
  for (const login of ['yamada', 'kato', 'mori']) {
    const row = pw.locator('tbody tr', { hasText: login })
    oneTime[login] = (await row.locator('code').textContent()).trim()
    assert.ok(oneTime[login].length >= 12, `${login} has a one-time password`)
  }
  // Each department's manager, chosen from the people just imported.
  await page.locator('select[name^=manager-]').first().waitFor()
  const sales = page.getByLabel('営業部', { exact: true })
  await sales.selectOption({ label: '山田 太郎 (yamada)' })
  await page.getByRole('button', { name: '部門責任者を保存' }).click()
  await page.locator('.notice-success', { hasText: '保存しました。' }).waitFor()
  await screenshot(page, 'setup-people')
  await page.getByTestId('setup-next').click()

  // 5. Yearly training: the starter course for everyone, with a due date.
  await page.locator('h2', { hasText: '教育' }).waitFor()
  const assign = page.locator('#su-assign')
  assert.ok(await assign.isChecked(), 'offered by default')
  assert.match(await page.locator('label[for=su-assign]').textContent(), /全員 \(派遣社員・パートタイマーを含む\)/)
  const due = new Date(Date.now() + 60 * 86400000).toISOString().slice(0, 10)
  await page.locator('input[name=due_date]').fill(due)
  await page.getByTestId('setup-next').click()

  // 6. The summary, then done.
  const summary = page.getByTestId('setup-summary')
  await summary.waitFor()
  assert.match(await summary.textContent(), new RegExp(ORG))
  assert.match(await summary.textContent(), /取得している \(審査機関への報告: 発見から 3 日以内\)/)
  await screenshot(page, 'setup-done')
  await page.getByTestId('setup-finish').click()
  await page.waitForURL((u) => u.pathname === '/')
  await page.getByTestId('toast').filter({ hasText: '初期設定が完了しました。' }).waitFor()
  await page.locator('.brand-org', { hasText: ORG }).waitFor()

  // The answers are settings like any other: stored, audited, and the wizard is done.
  const s = await admin.api.must('GET', '/settings')
  assert.deepEqual([s.org_name, s.privacy_officer, s.isms_officer, s.pmark_number, s.setup_state],
    [ORG, '佐藤 花子', '鈴木 一郎', '第12345678(01)号', 'done'])
  const inc = await admin.api.must('GET', '/incidents/settings')
  assert.deepEqual([inc.holds_pmark, inc.review_body, inc.review_body_days], [true, '一般社団法人 まもり審査センター', 3])
  const ev = await admin.api.must('GET', '/audit/events?action=settings.update')
  assert.ok(ev.items.some((e) => e.summary.after.org_name === ORG))
  const people = await admin.api.must('GET', '/users?q=kato')
  const kato = people.items.find((u) => u.login === 'kato')
  assert.deepEqual([kato.employment_type, kato.dispatch_agency, kato.manager_name, kato.department_name],
    ['dispatched', '株式会社ハケン', '山田 太郎', '営業部'])
  // Finished, the home page stays the home page.
  await page.goto('/')
  await page.locator('#tasks-title').waitFor()
  assert.equal(new URL(page.url()).pathname, '/')
  assert.deepEqual(page.problems, [])
})

test('an employee from the import sees the course on their home page', async () => {
  await page.locator('[data-testid=user-menu]').click()
  await page.getByRole('button', { name: 'サインアウト' }).click()
  await page.waitForURL(/\/signin/)
  await page.locator('input[name=login]').fill('kato')
  await page.locator('input[name=password]').fill(oneTime.kato)
  await page.locator('form button[type=submit]').click()
  await page.waitForURL(/\/password$/)
  await page.locator('input[name=current_password]').fill(oneTime.kato)
  await page.locator('input[name=new_password]').fill(EMP_PASSWORD)
  await page.locator('input[name=confirm]').fill(EMP_PASSWORD)
  await page.locator('form button[type=submit]').click()
  await page.waitForURL((u) => u.pathname === '/')
  const task = page.locator('.task-list li', { hasText: '情報セキュリティ・個人情報保護 基本教育' })
  await task.waitFor()
  assert.match(await task.textContent(), /教育/)
  await screenshot(page, 'home-course-assigned')
  assert.deepEqual(page.problems, [])
})

test("an incident's printed report carries the organisation and the review body's deadline", async () => {
  // Reported by the employee; the administrator prints it.
  const emp = new ApiClient(server.url)
  await emp.signIn('kato', EMP_PASSWORD)
  const made = await emp.must('POST', '/incidents', {
    category: 'loss', title: '顧客名簿を含むUSBメモリの紛失', description: '外出先で紛失しました。', pd_involved: true,
  })
  await page.locator('[data-testid=user-menu]').click()
  await page.getByRole('button', { name: 'サインアウト' }).click()
  await page.waitForURL(/\/signin/)
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
  // The wizard turned the Privacy Mark on with a target of the 3rd day (the day it was learned
  // of is the 1st): the review body's report is required, and the target is printed with it.
  const full = await admin.api.must('GET', `/incidents/${made.id}`)
  const row = full.reports.find((r) => r.kind === 'review_body_preliminary')
  assert.ok(row.required && row.due, `the review body's report is required: ${JSON.stringify(row)}`)
  const learned = Date.parse(full.discovered_at) + 9 * 3600000 // the day in Japan
  const third = new Date(learned + 2 * 86400000).toISOString().slice(0, 10)
  const target = row.target && row.target < row.due ? row.target : row.due
  assert.ok(target <= third, `target ${target} by the 3rd day ${third}: ${JSON.stringify(row)}`)
  const ja = (day) => {
    const [y, m, d] = day.split('-').map(Number)
    return `${y}年${m}月${d}日`
  }
  await page.goto(`/incidents/${made.id}/print?kind=review_body_preliminary`)
  const sheet = page.getByTestId('print-sheet')
  await sheet.waitFor()
  const org = sheet.locator('tr[data-item="org"]')
  assert.equal((await org.locator('td').textContent()).trim(), ORG)
  const line = await sheet.getByTestId('document-due').textContent()
  assert.ok(line.includes(ja(row.due)) && line.includes(ja(target)), `the review body's deadline is printed: ${line}`)
  await screenshot(page, 'incident-print-org')
  assert.deepEqual(page.problems, [])
})
