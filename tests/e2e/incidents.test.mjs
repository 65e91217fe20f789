// Journey: an employee on a 360 px phone reports a lost USB memory holding 1,200 customer
// records — category, immediate steps, who is told, a few lines, sent. The privacy officer
// sees it on the home page and on the incident with the PPC deadlines (day 3 target, day 5
// limit, day 30 final report, the day learned being day 1), takes it through triage and
// investigation, opens a corrective
// action owned by the employee, records the reports and closes it; the employee finds the
// action on their home page. Finally the officer's pages in English.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, ApiClient,
} from './harness.mjs'
import { freshTotp } from './totp.mjs'

const PASSWORD = 'Mamoru-incident-2026'
let server, browser, admin, phone, desk, employee, officer

/** Creates a user through the API and takes them past the first sign-in (and MFA). */
async function prepareUser(login, name, roles, mfa) {
  const r = await admin.api.must('POST', '/users', {
    login, name, employment_type: 'regular', roles, purpose: '事故対応の確認',
  })
  const api = new ApiClient(server.url)
  await api.signIn(login, r.initial_password)
  await api.must('POST', '/me/password', { current_password: r.initial_password, new_password: PASSWORD })
  await api.must('GET', '/session').then((s) => (api.csrf = s.csrf_token ?? api.csrf))
  let secret = null
  if (mfa) {
    const enrol = await api.must('POST', '/me/mfa', {})
    await api.must('POST', '/me/mfa/confirm', { code: await freshTotp(enrol.secret) })
    secret = enrol.secret
  }
  return { login, name, id: r.user.id, api, secret }
}

/** Day `n` in Tokyo counting today as day 1, as the Japanese UI writes it (without weekday). */
function tokyoDay(n) {
  return tokyoDate(n - 1)
}

/** A calendar day `n` days after today in Tokyo, as the Japanese UI writes it. */
function tokyoDate(n) {
  const d = new Date(Date.now() + 9 * 3600 * 1000)
  d.setUTCDate(d.getUTCDate() + n)
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`
}

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  officer = await prepareUser('sato', '佐藤 守', ['officer'], true)
  employee = await prepareUser('yamada', '山田 花子', ['employee'], false)
  browser = await launchBrowser()
  phone = await newPage(browser, server.url, { width: 360, height: 740 })
  desk = await newPage(browser, server.url)
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

async function assertFits(page, where) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(w <= 360, `${where}: page is ${w}px wide, wider than the 360px screen`)
}

test('an employee reports a lost USB memory from a phone', async () => {
  const page = phone
  await uiSignIn(page, employee.login, PASSWORD)
  await page.getByRole('button', { name: 'メニュー', exact: true }).click()
  await page.locator('#main-nav').getByRole('link', { name: '事故・ヒヤリハット' }).click()
  await page.waitForURL(/\/incidents$/)
  await page.locator('[data-testid=report-button]').click()
  await page.waitForURL(/\/incidents\/new$/)
  await page.getByRole('heading', { name: '何がありましたか？' }).waitFor()
  await assertFits(page, 'choose a category')

  await page.locator('[data-category=loss]').click()
  // The immediate steps for a loss, and who will see the report.
  const steps = page.locator('[data-testid=immediate-steps]')
  await steps.waitFor()
  assert.match(await steps.textContent(), /警察にも届け出て/)
  assert.match(await page.locator('[data-testid=notified]').textContent(), /佐藤 守/)
  await assertFits(page, 'steps and form')

  await page.locator('input[name=title]').fill('USBメモリの紛失')
  await page.locator('textarea[name=description]').fill(
    '帰りの電車で、顧客名簿（1,200件）を保存したUSBメモリを網棚に置き忘れました。駅には問い合わせ済みです。')
  await page.locator('input[name=location]').fill('JR山手線の車内')
  await page.locator('input[name=affected]').fill('顧客名簿のファイル（暗号化なし）')
  await page.locator('#f-pd_involved').check()
  await page.locator('input[name=pd_count]').fill('1200')
  await page.getByRole('button', { name: '報告する', exact: true }).click()

  const sent = page.locator('[data-testid=report-sent]')
  await sent.waitFor()
  assert.match(await sent.textContent(), /報告しました（No\.1）/)
  await assertFits(page, 'sent')
  await screenshot(page, 'phone-incident-report')

  // The reporter follows their own report.
  await page.getByRole('link', { name: '報告を開く' }).click()
  await page.waitForURL(/\/incidents\/1$/)
  assert.equal(await page.locator('[data-testid=incident-status]').textContent(), '報告済み')
  assert.match(await page.locator('[data-testid=description]').textContent(), /1,200件/)
  assert.equal(await page.locator('[data-testid=ppc-decision]').count(), 0, 'the reporter sees no handling side')
  await assertFits(page, 'own report')

  // The phone list: the category stays in the value column, beside its type tag.
  await page.goto('/incidents')
  const cell = page.locator('[data-testid=category-cell]').first()
  await cell.waitFor()
  const where = await cell.evaluate((el) => {
    const td = el.closest('td').getBoundingClientRect()
    const text = [...el.childNodes].find((n) => n.nodeType === 3 && n.textContent.trim())
    const range = document.createRange()
    range.selectNodeContents(text)
    return { text: text.textContent.trim(), left: range.getClientRects()[0].left - td.left }
  })
  assert.equal(where.text, '紛失・き損・盗難')
  assert.ok(where.left > 80, `the category starts ${where.left}px into the card, under the label`)
  assert.deepEqual(page.problems, [])
})

test('the officer sees the PPC deadlines, handles it and closes it with an action', async () => {
  const page = desk
  await uiSignIn(page, officer.login, PASSWORD, officer.secret)
  // Home: the new report waits for triage, and the preliminary report is due.
  const tasks = page.locator('.task-list')
  await tasks.getByText('初期判断待ち').waitFor()
  // One server-side list (GET /me/tasks): the report's line names which report is due.
  await tasks.locator('li[data-kind=incident_report]', { hasText: 'No.1 USBメモリの紛失' }).getByText('PPCへの速報').waitFor()
  await tasks.locator('li[data-kind=incident_report]').getByRole('link', { name: 'No.1 USBメモリの紛失', exact: true }).first().click()
  await page.waitForURL(/\/incidents\/1$/)

  await page.locator('[data-tab=impact]').click()
  const decision = page.locator('[data-testid=ppc-decision]')
  await decision.waitFor()
  assert.match(await decision.textContent(), /個人情報保護委員会（PPC）への報告が必要です/)
  assert.match(await decision.textContent(), /本人の数が1,000人を超える/)
  // Dates with their weekday (and a mark on weekends and holidays).
  assert.match(await page.locator('[data-testid=ppc-prelim]').textContent(),
    new RegExp(`^速報: 目標 ${tokyoDay(3)}（.）.*、期限 ${tokyoDay(5)}（.）`))
  assert.match(await page.locator('[data-testid=ppc-final]').textContent(),
    new RegExp(`^確報: 期限 ${tokyoDay(30)}（.）.*（知った日から 30 日目）$`))
  await page.locator('[data-tab=reports]').click()
  const prelim = page.locator('[data-report=ppc_preliminary]')
  assert.match(await prelim.textContent(), /期限が近い/)
  // The page is grouped in tabs: no tab is several screens long.
  for (const tab of ['impact', 'reports', 'report', 'actions', 'timeline', 'overview']) {
    await page.locator(`[data-tab=${tab}]`).click()
    const h = await page.evaluate(() => document.documentElement.scrollHeight)
    assert.ok(h < 2600, `the ${tab} tab is ${h}px tall`)
  }

  const dialog = page.locator('dialog[open]')
  async function moveTo(to, label) {
    await page.locator(`[data-move=${to}]`).click()
    await dialog.getByRole('button', { name: label }).click()
    await dialog.waitFor({ state: 'hidden' })
  }
  await moveTo('triage', '初期判断を始める')
  await page.locator('[data-testid=incident-status]', { hasText: '初期判断' }).waitFor()
  await moveTo('investigation', '調査へ進む')
  await moveTo('action', '是正処置へ進む')
  await page.locator('[data-testid=incident-status]', { hasText: '是正処置' }).waitFor()

  // Closing is refused while the required reports are outstanding.
  await page.locator('[data-move=closed]').click()
  await dialog.getByRole('button', { name: '終了する' }).click()
  await dialog.getByText(/すべて記録してから終了してください/).waitFor()
  await dialog.getByRole('button', { name: 'キャンセル' }).click()

  // A corrective action, owned by the employee.
  await page.locator('[data-tab=actions]').click()
  await page.getByRole('button', { name: '処置を追加' }).click()
  await page.locator('input[name=title]').fill('USBメモリの持ち出しを暗号化付きの媒体に限る')
  await page.locator('textarea[name=plan]').fill('暗号化USBメモリを配布し、持ち出し申請の点検項目に加える。')
  await page.locator('select[name=owner_id]').selectOption({ label: '山田 花子 (yamada)' })
  await page.locator('input[name=due_on]').fill('2099-03-31')
  await page.locator('.subform').getByRole('button', { name: '処置を追加' }).click()
  await page.locator('[data-testid=incident-actions]').getByText('USBメモリの持ち出しを暗号化付きの媒体に限る').waitFor()

  // The reports to the PPC and the notice to the people affected.
  await page.locator('[data-tab=reports]').click()
  for (const kind of ['ppc_preliminary', 'ppc_final', 'subjects']) {
    await page.locator(`[data-record=${kind}]`).click()
    await dialog.getByRole('button', { name: '保存' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator(`[data-report=${kind}]`, { hasText: '実施日' }).waitFor()
  }
  await page.locator('[data-tab=overview]').click()
  await moveTo('closed', '終了する')
  await page.locator('[data-testid=incident-status]', { hasText: '終了' }).waitFor()
  await page.locator('[data-tab=timeline]').click()
  const timeline = await page.locator('[data-testid=timeline]').textContent()
  for (const s of ['報告しました', '報告済み → 初期判断', '是正処置 → 終了', '処置を追加しました']) {
    assert.ok(timeline.includes(s), `timeline shows “${s}”`)
  }
  await screenshot(page, 'incident-officer')

  // The printable report, laid out with the PPC's matters.
  await page.locator('[data-tab=report]').click()
  await page.locator('[data-document=ppc_final]').click()
  const sheet = page.locator('[data-testid=print-sheet]')
  await sheet.waitFor()
  const text = await sheet.textContent()
  for (const s of ['本人の数', '1,200人', '再発防止のための措置', 'USBメモリの持ち出しを暗号化付きの媒体に限る']) {
    assert.ok(text.includes(s), `report shows “${s}”`)
  }
  await screenshot(page, 'incident-print')

  // Reading the incident was recorded in the audit trail, by the officer.
  const reads = await admin.api.must('GET', '/audit/events?action=incident.read&object_type=incident&object_id=1')
  assert.ok(reads.items.some((e) => e.actor_login === 'sato'))
  assert.deepEqual(page.problems, [])
})

test('the action owner finds the action on their home page', async () => {
  const page = phone
  await page.goto('/')
  const task = page.locator('.task-list li', { hasText: 'USBメモリの持ち出しを暗号化付きの媒体に限る' })
  await task.waitFor()
  assert.match(await task.textContent(), /是正処置/)
  await task.getByRole('link').click()
  await page.waitForURL(/\/actions\/\d+$/)
  await page.getByRole('button', { name: '着手する' }).click()
  await page.locator('dialog[open]').getByRole('button', { name: '着手する' }).click()
  await page.locator('[data-testid=action-status]', { hasText: '対応中' }).waitFor()
  await assertFits(page, 'action')
  assert.deepEqual(page.problems, [])
})

test('the officer pages in English', async () => {
  const page = desk
  await page.locator('[data-testid=user-menu]').click()
  await page.getByRole('button', { name: 'English' }).click()
  await page.locator('#main-nav').getByRole('link', { name: 'Incidents and near-misses' }).click()
  await page.getByRole('heading', { name: 'Reporting deadlines' }).waitFor()
  await page.getByRole('table').getByRole('link', { name: 'No. 1 USBメモリの紛失' }).click()
  await page.locator('[data-testid=incident-status]', { hasText: 'Closed' }).waitFor()
  await page.locator('[data-tab=impact]').click()
  const decision = await page.locator('[data-testid=ppc-decision]').textContent()
  assert.match(decision, /A report to the Personal Information Protection Commission \(PPC\) is required/)
  assert.match(decision, /more than 1,000 people/)
  await page.goto('/incidents/new')
  await page.locator('[data-category=virus]').click()
  assert.match(await page.locator('[data-testid=immediate-steps]').textContent(), /Do not switch the PC off/)
  const body = await page.locator('main, .content').first().textContent()
  assert.doesNotMatch(body, /incidents\.[a-z]/, 'no untranslated keys')
  await page.goto('/actions')
  await page.getByRole('heading', { name: 'Corrective and preventive actions' }).waitFor()
  assert.deepEqual(page.problems, [])
})
