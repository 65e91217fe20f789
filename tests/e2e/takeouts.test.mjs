// Take-out journeys: a sales employee asks on a phone to take a customer list out, the form
// says what is missing before it is sent, the manager approves in the inbox, the employee
// takes it out and returns it, and a colleague confirms the return; a second take-out ends
// with the list reported missing, and the incident appears for the privacy officer.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ApiClient, startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin } from './harness.mjs'
import { freshTotp } from './totp.mjs'

let server, browser, admin
const PW = { eigyo: 'Sales-bag-2026', kacho: 'Boss-desk-2026', doryo: 'Mate-chk-2026', hogo: 'Privacy-ofc-2026' }
const ids = {}
const api = {}
let officerTotp

/** Creates a user by API, changes the one-time password and, for an officer, enrols MFA. */
async function person(login, name, roles, extra = {}) {
  const r = await admin.api.must('POST', '/users', { login, name, employment_type: 'regular', roles, purpose: '業務のため', ...extra })
  const c = new ApiClient(server.url)
  await c.signIn(login, r.initial_password)
  await c.must('POST', '/me/password', { current_password: r.initial_password, new_password: PW[login] })
  await c.must('GET', '/session').then((s) => (c.csrf = s.csrf_token ?? c.csrf))
  if (roles.includes('officer')) {
    const enrol = await c.must('POST', '/me/mfa', {})
    await c.must('POST', '/me/mfa/confirm', { code: await freshTotp(enrol.secret) })
    officerTotp = enrol.secret
  }
  ids[login] = r.user.id
  api[login] = c
  return c
}

const today = () => new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10)

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  await person('kacho', '営業 部長', ['manager'])
  const d = await admin.api.must('POST', '/departments', { name: '営業部', manager_id: ids.kacho })
  ids.dept = d.id
  const k = await admin.api.must('GET', `/users/${ids.kacho}`)
  await admin.api.must('PATCH', `/users/${ids.kacho}`, { version: k.version, department_id: d.id })
  await person('eigyo', '営業 花子', ['employee'], { department_id: d.id, manager_id: ids.kacho })
  await person('doryo', '同僚 次郎', ['employee'], { department_id: d.id, manager_id: ids.kacho })
  await person('hogo', '保護 管理者', ['officer'])
  // The customer list: internal electronic data holding 300 customers' names and addresses.
  const levels = (await admin.api.must('GET', '/classifications')).items
  const asset = await admin.api.must('POST', '/assets', {
    name: '顧客リスト', asset_type: 'data', classification_id: levels[1].id, c: 2, i: 2, a: 2, has_pinfo: true, department_id: d.id,
  })
  ids.asset = asset.id
  await admin.api.must('POST', '/pinfo', {
    name: '顧客名簿', items: '氏名、住所、電話番号', purpose: '商品の発送', storage_location: '本社サーバ',
    storage_method: '暗号化して保存', access: '営業部員', use_until: '契約終了まで', retention_until: '契約終了後5年',
    department_id: d.id, record_count: 300, asset_ids: [asset.id],
  })
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('a sales employee takes a customer list out on a phone and a colleague confirms the return', async () => {
  const page = await newPage(browser, server.url, { width: 390, height: 844 })
  await uiSignIn(page, 'eigyo', PW.eigyo)
  await page.goto('/takeouts')
  await page.locator('[data-testid=takeout-new]').click()
  await page.waitForURL(/\/takeouts\/new$/)
  // The item is found in the registers by search and added with one tap.
  await page.locator('#item-search').fill('顧客')
  await page.locator('[data-testid=candidates] button', { hasText: '顧客リスト' }).click()
  await page.locator('[data-testid=form-items] li', { hasText: '顧客リスト' }).waitFor()
  await page.locator('#f-purpose').fill('新商品の提案で顧客を訪問する')
  await page.locator('#f-destination').fill('株式会社サンプル 本社')
  await page.locator('#f-checker_id').selectOption({ label: '同僚 次郎 (営業部)' })
  // Before sending, the form says what these items need and who approves.
  const missing = page.locator('[data-testid=missing]')
  await missing.waitFor()
  for (const word of ['パスワード', '複製', '必要最小限', '手元から離さない']) assert.match(await missing.textContent(), new RegExp(word))
  assert.doesNotMatch(await missing.textContent(), /暗号化する/)
  assert.match(await page.locator('[data-testid=approvers]').textContent(), /部門責任者/)
  assert.doesNotMatch(await page.locator('[data-testid=approvers]').textContent(), /個人情報保護管理者/)
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(w <= 390, `the request form is ${w}px wide on a 390px phone`)
  await screenshot(page, 'phone-takeout-form')
  // Sent as it is, the server refuses and the missing protection is marked.
  await page.locator('[data-testid=takeout-send]').click()
  await page.locator('[data-protection=by_hand] .field-error').waitFor()
  for (const p of ['password', 'copy', 'minimum', 'by_hand']) await page.locator(`#prot-${p}`).check()
  await page.locator('[data-testid=nothing-missing]').waitFor()
  await page.locator('[data-testid=takeout-send]').click()
  await page.waitForURL(/\/takeouts\/\d+$/)
  const id = Number(page.url().split('/').pop())
  await page.locator('[data-testid=takeout-status]', { hasText: '承認待ち' }).waitFor()

  // The manager approves it from the shared inbox.
  const mpage = await newPage(browser, server.url, { width: 390, height: 844 })
  await uiSignIn(mpage, 'kacho', PW.kacho)
  const task = mpage.locator('[data-testid=tasks] li[data-kind=approval]')
  await task.waitFor()
  await task.getByRole('link').click()
  await mpage.waitForURL(/\/approvals\/\d+$/)
  await mpage.locator('[data-decision=approve]').click()
  await mpage.locator('[data-testid=approval-status]', { hasText: '承認' }).waitFor()
  assert.deepEqual(mpage.problems, [])
  await mpage.context().close()

  // Approved: the employee takes it out, then returns it with one tick.
  await page.reload()
  await page.locator('[data-testid=takeout-status]', { hasText: '承認済み' }).waitFor()
  await page.locator('[data-testid=leave]').click()
  await page.locator('[data-testid=takeout-status]', { hasText: '持ち出し中' }).waitFor()
  await page.locator('[data-testid=go-return]').click()
  await page.waitForURL(new RegExp(`/takeouts/${id}/return$`))
  await page.getByLabel('戻った').check()
  await screenshot(page, 'phone-takeout-return')
  await page.locator('[data-testid=return-submit]').click()
  await page.locator('[data-testid=wait-checker]').waitFor()
  assert.match(await page.locator('[data-testid=wait-checker]').textContent(), /同僚 次郎/)
  assert.equal(await page.locator('[data-testid=confirm-return]').count(), 0, 'the requester cannot confirm')
  assert.deepEqual(page.problems, [])
  await page.context().close()

  // The colleague finds it on their home page and confirms.
  const cpage = await newPage(browser, server.url, { width: 390, height: 844 })
  await uiSignIn(cpage, 'doryo', PW.doryo)
  await cpage.locator('[data-testid=tasks] li[data-kind=takeout_check]').getByRole('link').click()
  await cpage.waitForURL(new RegExp(`/takeouts/${id}/return$`))
  await cpage.locator('[data-testid=confirm-return]').click()
  await cpage.locator('[data-testid=return-done]').waitFor()
  const t = await api.eigyo.must('GET', `/takeouts/${id}`)
  assert.equal(t.status, 'returned')
  assert.equal(t.checked_by.id, ids.doryo)
  assert.deepEqual(cpage.problems, [])
  await cpage.context().close()
})

test('a missing item opens an incident the privacy officer sees', async () => {
  const t = await api.eigyo.must('POST', '/takeouts', {
    purpose: '展示会で見込み客に説明する', destination: '東京ビッグサイト', leave_on: today(), return_on: today(),
    checker_id: ids.doryo, items: [{ kind: 'asset', asset_id: ids.asset }],
    password: true, copy: true, minimum: true, by_hand: true,
  })
  await api.kacho.must('POST', `/approvals/${t.approval.id}/decision`, { version: t.approval.version, decision: 'approve' })
  const approved = await api.eigyo.must('GET', `/takeouts/${t.id}`)
  await api.eigyo.must('POST', `/takeouts/${t.id}/transition`, { version: approved.version, to: 'out' })

  // On the way back the bag is gone: the employee reports the list missing from the phone.
  const page = await newPage(browser, server.url, { width: 390, height: 844 })
  await uiSignIn(page, 'eigyo', PW.eigyo)
  await page.goto(`/takeouts/${t.id}/return`)
  await page.locator('[data-missing]').click()
  await page.getByRole('dialog').locator('textarea').fill('帰りの電車の網棚に鞄を置き忘れた')
  await page.getByRole('dialog').getByRole('button', { name: '紛失を報告する' }).click()
  await page.locator('[data-testid=incident-opened]').waitFor()
  await page.locator('[data-item] [data-testid=item-state]', { hasText: '紛失' }).waitFor()
  await page.locator('[data-testid=return-submit]').click()
  await page.locator('[data-testid=wait-checker]').waitFor()
  assert.deepEqual(page.problems, [])
  await page.context().close()

  // The privacy officer finds the incident, with the facts from the registers and the way back.
  const opage = await newPage(browser, server.url)
  await uiSignIn(opage, 'hogo', PW.hogo, officerTotp)
  await opage.goto('/incidents')
  // It waits for triage at the top of the list, and is in the list itself.
  await opage.getByRole('table').getByRole('link', { name: /持ち出し品の紛失: 顧客リスト/ }).click()
  await opage.waitForURL(/\/incidents\/\d+$/)
  // The reporter's note is in the description (once the incident has loaded).
  await opage.getByText(/網棚に鞄を置き忘れた/).first().waitFor()
  await opage.locator('#tab-impact').click()
  assert.match(await opage.locator('#f-imp-items').inputValue(), /氏名、住所、電話番号/)
  assert.equal(await opage.locator('#f-imp-count').inputValue(), '300')
  await screenshot(opage, 'takeout-missing-incident')
  await opage.locator('#tab-timeline').click()
  await opage.locator('[data-testid=timeline-takeout]').click()
  await opage.waitForURL(new RegExp(`/takeouts/${t.id}$`))
  await opage.locator('[data-testid=item-incident]').waitFor()
  // The ledger, filtered to take-outs with missing items, shows it.
  await opage.goto('/takeouts?missing=1')
  await opage.getByRole('table').getByRole('link', { name: '顧客リスト' }).waitFor()
  assert.equal(await opage.getByRole('table').getByRole('link').count(), 1)
  await screenshot(opage, 'takeout-ledger')
  assert.deepEqual(opage.problems, [])
  await opage.context().close()
})
