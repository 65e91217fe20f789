// What a compliance review found, as a user meets it: the personal information list says
// いいえ / No (never a raw `false`); a count typed as words is refused next to the field instead
// of being saved empty — and every number field of every form does the same; each list offers
// UTF-8, Shift_JIS and Excel, and a Shift_JIS download that would lose characters says where
// and offers UTF-8 or '?' instead; the roles page words the registers' permissions; and the
// Statement of Applicability is frozen as a version and approved.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import {
  startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, ADMIN_PASSWORD,
} from './harness.mjs'

let server, browser, page, admin

const PINFO = {
  items: '氏名、会社名、電話番号', purpose: '商談の連絡', storage_location: '営業部の共有フォルダ',
  storage_method: 'アクセス権を限定して保存', access: '営業部員', use_until: '取引終了まで',
  retention_until: '取引終了後3年',
}
const NOT_A_NUMBER = '数字だけで入力してください'

function tokyoToday() {
  return new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10)
}

/** Unsafe API requests the page sends while `fn` runs. */
async function writesDuring(fn) {
  const sent = []
  const onRequest = (r) => {
    if (r.url().includes('/api/v1/') && r.method() !== 'GET') sent.push(`${r.method()} ${r.url()}`)
  }
  page.on('request', onRequest)
  try {
    await fn()
    await page.waitForTimeout(300)
  } finally {
    page.off('request', onRequest)
  }
  return sent
}

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  browser = await launchBrowser()
  page = await newPage(browser, server.url)
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('the register list says いいえ, and a count typed as words is refused, not dropped', async () => {
  await admin.api.must('POST', '/pinfo', { ...PINFO, name: '名刺管理台帳', sensitive: false })
  await admin.api.must('POST', '/pinfo', { ...PINFO, name: '健康診断の結果', sensitive: true })
  await page.goto('/pinfo')
  const row = page.locator('table.table tbody tr', { hasText: '名刺管理台帳' })
  await row.waitFor()
  const cells = await row.locator('td').allTextContents()
  assert.ok(cells.some((c) => c.trim() === 'いいえ'), cells.join('|'))
  const table = await page.locator('table.table').textContent()
  assert.doesNotMatch(table, /false|true/)
  assert.match(table, /要配慮/)
  await screenshot(page, 'pinfo-list')

  await page.goto('/pinfo/new')
  await page.locator('input[name=name]').fill('展示会の来場者名簿')
  for (const [k, v] of Object.entries(PINFO)) {
    const field = page.locator(`[name=${k}]`)
    await field.fill(v)
  }
  const before = (await admin.api.must('GET', '/pinfo?limit=200')).items.length
  await page.locator('input[name=record_count]').fill('約1,500件')
  const sent = await writesDuring(() => page.getByRole('button', { name: '登録する' }).click())
  assert.deepEqual(sent, [], 'nothing is sent while the count cannot be read')
  await page.locator('#f-record_count-error', { hasText: NOT_A_NUMBER }).waitFor()
  assert.equal(await page.locator('input[name=record_count]').getAttribute('aria-invalid'), 'true')
  assert.equal(await page.getByText('登録しました。').count(), 0)
  assert.match(page.url(), /\/pinfo\/new$/)
  assert.equal((await admin.api.must('GET', '/pinfo?limit=200')).items.length, before)
  // Digits with a thousands separator are a number.
  await page.locator('input[name=record_count]').fill('1,500')
  await page.getByRole('button', { name: '登録する' }).click()
  await page.waitForURL(/\/pinfo\/\d+$/)
  await page.getByText('登録しました。').waitFor()
  assert.equal(await page.locator('input[name=record_count]').inputValue(), '1500')
  assert.deepEqual(page.problems, [])
})

/** Every number field of the forms on the page: input the browser cannot read, then send
 * its form. The field says so, and nothing reaches the server. */
async function everyNumberField(label) {
  const inputs = page.locator('form input[type=number]:visible, form input[data-number]:visible')
  await inputs.first().waitFor()
  const n = await inputs.count()
  assert.ok(n > 0, label)
  for (let i = 0; i < n; i++) {
    const input = inputs.nth(i)
    const id = await input.getAttribute('id')
    const number = (await input.getAttribute('type')) === 'number'
    const kept = await input.inputValue()
    await input.fill('')
    await input.click()
    await page.keyboard.type(number ? '1e' : '約1,500件')
    const sent = await writesDuring(() => input.evaluate((el) => el.form.requestSubmit()))
    assert.deepEqual(sent, [], `${label} #${id}: nothing is sent`)
    await page.locator(`#${id}-error`, { hasText: NOT_A_NUMBER }).waitFor()
    await input.fill(kept)
    await page.locator(`#${id}-error`, { hasText: NOT_A_NUMBER }).waitFor({ state: 'detached' })
  }
  return n
}

test('every number field of every form refuses what it cannot read', async () => {
  let checked = 0
  // Settings (password length, lockout, timeouts…).
  await page.goto('/settings')
  checked += await everyNumberField('settings')
  // Reporting an incident: the number of people.
  await page.goto('/incidents/new')
  await page.locator('[data-category=loss]').click()
  await page.locator('#f-pd_involved').check()
  checked += await everyNumberField('incident report')
  // The Privacy Mark review body's days.
  await page.goto('/incidents/settings')
  checked += await everyNumberField('incident settings')
  // An incident's personal-data impact.
  const inc = await admin.api.must('POST', '/incidents', {
    category: 'loss', title: '書類の紛失', description: '会議室に置き忘れました。',
  })
  await page.goto(`/incidents/${inc.id}`)
  await page.locator('[data-tab=impact]').click()
  await page.locator('#imp-involved').check()
  checked += await everyNumberField('incident impact')
  // A course's quiz settings and a lesson's position.
  const courses = await admin.api.must('GET', '/courses')
  const starter = courses.items.find((c) => c.code === 'starter')
  await page.goto(`/training/manage/courses/${starter.id}`)
  await page.locator('input[type=number]').first().waitFor()
  await page.getByRole('button', { name: '章を追加' }).click()
  checked += await everyNumberField('course')
  // The register's count.
  await page.goto('/pinfo/new')
  checked += await everyNumberField('personal information register')
  assert.ok(checked >= 10, `${checked} number fields checked`)
  assert.deepEqual(page.problems, [])
})

test('lists offer UTF-8, Shift_JIS and Excel; a Shift_JIS file that would lose characters says where', async () => {
  const entry = await admin.api.must('POST', '/pinfo', { ...PINFO, name: '𠮷田様の会員情報' })
  await page.goto('/pinfo')
  for (const kind of ['csv', 'cp932', 'xlsx']) await page.getByTestId(`export-${kind}`).first().waitFor()
  await page.getByTestId('export-ra-xlsx').waitFor()
  // UTF-8 keeps everything, under a dated name.
  let [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
  assert.equal(dl.suggestedFilename(), `pinfo-${tokyoToday()}.csv`)
  assert.match(readFileSync(await dl.path(), 'utf8'), /𠮷田様の会員情報/)
  // Shift_JIS: the dialog names the row, the column and the character.
  await page.getByTestId('export-cp932').click()
  const dialog = page.getByTestId('export-loss')
  await dialog.waitFor()
  const text = await dialog.textContent()
  assert.match(text, /Shift_JIS/)
  assert.match(text, /台帳名/)
  assert.match(text, /𠮷/)
  assert.match(text, new RegExp(`\\(${entry.id}\\)`))
  await screenshot(page, 'export-unmappable')
  ;[dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-loss-utf8').click()])
  assert.match(readFileSync(await dl.path(), 'utf8'), /𠮷田様/)
  await dialog.waitFor({ state: 'hidden' })
  // Or Shift_JIS with '?' in its place, when the user says so.
  await page.getByTestId('export-cp932').click()
  await dialog.waitFor()
  ;[dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-loss-replace').click()])
  const sjis = new TextDecoder('shift_jis').decode(readFileSync(await dl.path()))
  assert.match(sjis, /\?田様の会員情報/)
  // The risk analysis, one table.
  ;[dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-ra-csv').click()])
  assert.equal(dl.suggestedFilename(), `pinfo-risk-analysis-${tokyoToday()}.csv`)
  assert.match(readFileSync(await dl.path(), 'utf8'), /段階,リスク,対策,残留リスク/)
  // The other registers use the same buttons.
  for (const p of ['/assets', '/risks', '/soa']) {
    await page.goto(p)
    await page.getByTestId('export-cp932').first().waitFor()
  }
  assert.deepEqual(page.problems, [])
})

test('the roles page words the registers\u2019 permissions in both languages', async () => {
  await page.goto('/roles')
  const matrix = page.locator('table')
  await matrix.getByText('個人情報管理台帳を見る').waitFor()
  for (const label of ['情報資産管理台帳を見る', 'リスクの評価尺度を設定する', '適用宣言書の版を承認する',
    'すべての部署の台帳とリスクを見る', '台帳とリスク']) {
    await matrix.getByText(label).first().waitFor()
  }
  // Outside <code>, no permission shows as its raw key.
  const raw = await matrix.evaluate((t) => [...t.querySelectorAll('th.matrix-perm')].map((th) => {
    const c = th.cloneNode(true)
    c.querySelectorAll('code').forEach((x) => x.remove())
    return c.textContent.trim()
  }).filter((s) => /^[a-z_]+\.[a-z_]+$/.test(s)))
  assert.deepEqual(raw, [])
  await page.locator('[data-testid=user-menu]').click()
  await page.getByRole('button', { name: 'English' }).click()
  await matrix.getByText('Read the personal information register').first().waitFor()
  await matrix.getByText('Approve versions of the Statement of Applicability').first().waitFor()
  const ja = page.getByRole('button', { name: '日本語' }).first()
  if (!(await ja.isVisible())) await page.locator('[data-testid=user-menu]').click()
  await ja.click()
  await matrix.getByText('個人情報管理台帳を見る').waitFor()
  assert.deepEqual(page.problems, [])
})

test('the Statement of Applicability is frozen as version 1 and approved', async () => {
  const soa = await admin.api.must('GET', '/soa')
  for (const c of soa.items) {
    await admin.api.must('PATCH', `/soa/${c.id}`, { version: c.version, justification: `当社の業務に必要 (${c.number})` })
  }
  await page.goto('/soa')
  await page.getByTestId('soa-versions').waitFor()
  assert.equal(await page.getByTestId('soa-missing').count(), 0)
  await page.locator('input[name=version_note]').fill('2026年度の初版')
  await page.getByRole('button', { name: 'この内容で版を確定する' }).click()
  await page.getByTestId('soa-pending').waitFor()
  await page.getByRole('button', { name: '承認する' }).click()
  await page.getByTestId('soa-approved').filter({ hasText: '第1版' }).waitFor()
  await page.getByTestId('export-v1-xlsx').waitFor()
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-v1-csv').click()])
  assert.equal(dl.suggestedFilename(), `soa-v1-${tokyoToday()}.csv`)
  assert.match(readFileSync(await dl.path(), 'utf8'), /当社の業務に必要 \(5\.1\)/)
  await screenshot(page, 'soa-versions')
  assert.deepEqual(page.problems, [])
})
