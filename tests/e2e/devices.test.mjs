// Devices journey: an employee asks for a PC on a phone, their manager approves it in the
// approvals inbox, the lender hands it over from a phone with the security state, the employee
// returns it with the checklist (an unticked checklist is refused first), and the loan ledger
// downloads as an Excel file that openpyxl reads.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, ApiClient, ADMIN_PASSWORD,
} from './harness.mjs'

let server, browser, admin
const PASSWORD = { tanaka: 'Kasidasi-pc-2026', sato: 'Syonin-mgr-2026' }
let loanId

/** Creates a user by API and takes them past the one-time password. */
async function person(login, name, roles, extra = {}) {
  const r = await admin.api.must('POST', '/users', {
    login, name, employment_type: 'regular', roles, purpose: '端末貸出の確認', ...extra,
  })
  const c = new ApiClient(server.url)
  await c.signIn(login, r.initial_password)
  await c.must('POST', '/me/password', { current_password: r.initial_password, new_password: PASSWORD[login] })
  return r.user
}

async function assertFits(page, where) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(w <= 360, `${where}: page is ${w}px wide, wider than the 360px screen`)
}

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  const dept = await admin.api.must('POST', '/departments', { name: '営業部' })
  const sato = await person('sato', '佐藤 花子', ['manager'], { department_id: dept.id })
  await admin.api.must('PATCH', `/departments/${dept.id}`, { version: dept.version, manager_id: sato.id })
  await person('tanaka', '田中 次郎', ['employee'], { department_id: dept.id, manager_id: sato.id })
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(new Date())
  await admin.api.must('POST', '/devices', {
    asset_tag: 'PC-0101', kind: 'pc', model: 'ThinkPad X13', disk_encrypted: true, screen_lock_minutes: 5,
    definitions_on: today, patched_on: today, os: 'Windows 11', antivirus: 'Defender',
  })
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('an employee asks for a PC on a phone', async () => {
  const page = await newPage(browser, server.url, { width: 360, height: 740 })
  await uiSignIn(page, 'tanaka', PASSWORD.tanaka)
  await page.getByRole('button', { name: 'メニュー', exact: true }).click()
  await page.locator('#main-nav').getByRole('link', { name: '貸出' }).click()
  await page.waitForURL(/\/loans$/)
  await page.getByRole('link', { name: '貸出を申請' }).click()
  await page.waitForURL(/\/loans\/new$/)
  await assertFits(page, 'loan request')
  // Nothing typed: the server names the missing fields.
  await page.getByRole('button', { name: '申請する' }).click()
  await page.locator('#f-duty-error').waitFor()
  await page.locator('#f-contact-error').waitFor()
  await page.reload()
  await page.locator('select[name=device_id]').selectOption({ label: 'PC-0101 ThinkPad X13' })
  await page.locator('input[name=duty]').fill('取引先での製品デモ')
  await page.locator('input[name=contact]').fill('内線 2345')
  await screenshot(page, 'loan-request-phone')
  await page.getByRole('button', { name: '申請する' }).click()
  await page.waitForURL(/\/loans\/\d+$/)
  loanId = Number(page.url().split('/').pop())
  assert.equal((await page.getByTestId('loan-status').textContent()).trim(), '承認待ち')
  await page.getByTestId('approval-next').getByText('佐藤 花子').waitFor()
  await assertFits(page, 'loan page')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('the manager approves it in the approvals inbox', async () => {
  const page = await newPage(browser, server.url)
  await uiSignIn(page, 'sato', PASSWORD.sato)
  await page.locator('#main-nav').getByRole('link', { name: '承認' }).click()
  await page.waitForURL(/\/approvals/)
  await page.getByTestId('approval-link').filter({ hasText: 'PC-0101' }).click()
  await page.waitForURL(/\/approvals\/\d+$/)
  await screenshot(page, 'loan-approval')
  await page.locator('[data-decision=approve]').click()
  await page.getByTestId('approval-status').filter({ hasText: '承認' }).waitFor()
  await page.getByTestId('approval-record').click()
  await page.waitForURL(new RegExp(`/loans/${loanId}$`))
  assert.equal((await page.getByTestId('loan-status').textContent()).trim(), '承認済み（貸出待ち）')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('the lender hands it over from a phone with its security state', async () => {
  const page = await newPage(browser, server.url, { width: 360, height: 740 })
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
  await page.goto(`/loans/${loanId}`)
  await page.getByTestId('loan-handover').click()
  await page.waitForURL(/\/handover$/)
  await assertFits(page, 'hand-over')
  // The security state is not confirmed yet: the server refuses to lend.
  await page.getByRole('button', { name: '貸出を記録する' }).click()
  await page.locator('#f-security-error', { hasText: '確認してからチェックしてください' }).waitFor()
  assert.equal((await page.getByTestId('loan-status').count()), 0, 'still on the hand-over form')
  await page.locator('input[name=encrypted]').check()
  await page.locator('input[name=software_ok]').check()
  await page.locator('textarea[name=note]').fill('ACアダプタ付き')
  await screenshot(page, 'loan-handover-phone')
  await page.getByRole('button', { name: '貸出を記録する' }).click()
  await page.waitForURL(new RegExp(`/loans/${loanId}$`))
  assert.equal((await page.getByTestId('loan-status').textContent()).trim(), '貸出中')
  await page.getByText('ACアダプタ付き').waitFor()
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('the employee sees the return on their home page and returns it with the checklist', async () => {
  const page = await newPage(browser, server.url, { width: 360, height: 740 })
  await uiSignIn(page, 'tanaka', PASSWORD.tanaka)
  await page.goto('/')
  const task = page.locator('.task-list li', { hasText: 'PC-0101' })
  await task.getByText('端末の返却').waitFor()
  await task.getByRole('link').click()
  await page.waitForURL(new RegExp(`/loans/${loanId}$`))
  await page.getByTestId('loan-return').click()
  await page.waitForURL(/\/return$/)
  await assertFits(page, 'return')
  await screenshot(page, 'loan-return-phone')
  // An unticked checklist is refused, item by item.
  await page.getByRole('button', { name: '返却を記録する' }).click()
  await page.locator('.field-error').first().waitFor()
  assert.equal(await page.locator('.field-error').count() >= 3, true)
  for (const name of ['data_erased', 'virus_scanned', 'software_ok']) await page.locator(`input[name=${name}]`).check()
  await page.locator('input[name=condition][value=good]').check()
  await page.getByRole('button', { name: '返却を記録する' }).click()
  await page.waitForURL(new RegExp(`/loans/${loanId}$`))
  assert.equal((await page.getByTestId('loan-status').textContent()).trim(), '返却済み')
  await page.getByRole('heading', { name: '返却のチェック' }).waitFor()
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('the loan ledger downloads as an Excel file', async () => {
  const page = await newPage(browser, server.url)
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
  await page.locator('#main-nav').getByRole('link', { name: '貸出' }).click()
  await page.waitForURL(/\/loans$/)
  await page.locator('table tbody tr', { hasText: '田中 次郎' }).waitFor()
  await screenshot(page, 'loan-ledger')
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('loans-xlsx').click()])
  assert.match(download.suggestedFilename(), /^loans-\d{4}-\d{2}-\d{2}\.xlsx$/)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mamori-ledger-'))
  try {
    const file = path.join(dir, 'loans.xlsx')
    await download.saveAs(file)
    const code = 'import json,sys,openpyxl;wb=openpyxl.load_workbook(sys.argv[1]);' +
      'print(json.dumps([list(r) for r in wb.active.iter_rows(values_only=True)],default=str,ensure_ascii=False))'
    const r = spawnSync('/usr/bin/python3', ['-c', code, file], { encoding: 'utf8' })
    assert.equal(r.status, 0, r.stderr)
    const rows = JSON.parse(r.stdout)
    assert.deepEqual(rows[0].slice(0, 5), ['番号', '氏名', '所属', '担当業務', '管理番号'])
    const row = Object.fromEntries(rows[0].map((h, i) => [h, rows[1][i]]))
    assert.equal(row['氏名'], '田中 次郎')
    assert.equal(row['管理番号'], 'PC-0101')
    assert.equal(row['状況'], '返却済み')
    assert.equal(row['データ消去'], 'はい')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('the register flags what breaks a rule, and the device page keeps its history', async () => {
  await admin.api.must('POST', '/devices', {
    asset_tag: 'PC-0202', kind: 'pc', model: 'Let’s note', disk_encrypted: false, screen_lock_minutes: 30,
    p2p_present: true,
  })
  const page = await newPage(browser, server.url)
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
  await page.locator('#main-nav').getByRole('link', { name: '端末' }).click()
  await page.waitForURL(/\/devices$/)
  await page.getByTestId('attention-only').check()
  const row = page.locator('table tbody tr', { hasText: 'PC-0202' })
  await row.waitFor()
  // PC-0202 is on the unfiltered list too: wait for the filtered one (PC-0101 keeps the rules).
  await page.locator('table tbody tr', { hasText: 'PC-0101' }).waitFor({ state: 'detached' })
  assert.match(await row.locator('[data-flags]').getAttribute('data-flags'), /screen_lock.*encryption.*p2p/)
  await screenshot(page, 'devices-attention')
  await page.goto('/devices')
  await page.locator('table tbody tr', { hasText: 'PC-0101' }).getByRole('link', { name: 'PC-0101' }).click()
  await page.waitForURL(/\/devices\/\d+$/)
  await page.getByTestId('device-ok').waitFor()
  await page.getByRole('link', { name: `貸出 #${loanId}` }).waitFor()
  await screenshot(page, 'device')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('an employee asks to use a USB memory; the privacy officer is asked too for personal data', async () => {
  await admin.api.must('POST', '/devices', { asset_tag: 'USB-0001', kind: 'usb_memory', model: '暗号化USBメモリ 32GB', disk_encrypted: true })
  const page = await newPage(browser, server.url, { width: 360, height: 740 })
  await uiSignIn(page, 'tanaka', PASSWORD.tanaka)
  await page.goto('/media-requests/new')
  await page.locator('select[name=device_id]').selectOption({ index: 1 })
  await page.locator('textarea[name=purpose]').fill('展示会の来場者アンケートを本社へ運ぶ')
  await page.locator('textarea[name=data_description]').fill('来場者の氏名と連絡先')
  await page.locator('select[name=classification_id]').selectOption({ label: '機密' })
  await page.locator('input[name=personal_info]').check()
  await page.getByTestId('privacy-step').waitFor()
  await page.locator('input[name=encrypted]').uncheck()
  await page.getByRole('button', { name: '申請する' }).click()
  await page.getByText('この区分のデータは暗号化が必要です。').waitFor()
  await page.locator('input[name=encrypted]').check()
  await assertFits(page, 'media request')
  await page.getByRole('button', { name: '申請する' }).click()
  await page.waitForURL(/\/media-requests\/\d+$/)
  assert.equal((await page.getByTestId('media-status').textContent()).trim(), '承認待ち')
  assert.equal(await page.locator('[data-testid=approval-panel] .steps li').count(), 2)
  await screenshot(page, 'media-request-phone')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})
