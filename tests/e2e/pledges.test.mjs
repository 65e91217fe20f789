// Journeys with pledges (誓約書): the starter confidentiality pledge is approved (privacy
// officer, then top management) and asked on hire; a new part-time employee signs it at their
// first sign-in with their password and gets the printable record; the officer then opens who
// has and has not signed and downloads those who have not.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  ApiClient, startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin,
} from './harness.mjs'
import { freshTotp } from './totp.mjs'

let server, browser, admin, officer, officerSecret
const PW = { officer: 'Jimukyoku-2026', boss: 'Keiei-pledge-2026', part: 'Shinjin-sign-2026' }
const ids = {}

async function person(login, name, roles, extra = {}) {
  const r = await admin.api.must('POST', '/users', {
    login, name, employment_type: 'regular', roles, purpose: '業務のため', ...extra,
  })
  ids[login] = r.user.id
  return r
}

/** Signs a new account in, changes its one-time password and, if asked, enrols MFA. */
async function ready(login, initial, mfa) {
  const c = new ApiClient(server.url)
  await c.signIn(login, initial)
  await c.must('POST', '/me/password', { current_password: initial, new_password: PW[login] })
  let secret
  if (mfa) {
    const e = await c.must('POST', '/me/mfa', {})
    secret = e.secret
    await c.must('POST', '/me/mfa/confirm', { code: await freshTotp(secret) })
  }
  return { c, secret }
}

async function approveAs(client, versionId) {
  const w = (await client.must('GET', '/approvals?box=waiting')).items.find((a) => a.record_id === versionId)
  assert.ok(w, 'the approval waits for this person')
  await client.must('POST', `/approvals/${w.id}/decision`, { version: w.version, decision: 'approve' })
}

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  const d = await admin.api.must('POST', '/departments', { name: '店舗運営部' })
  ids.dept = d.id
  const o = await person('officer', '事務局 一郎', ['officer'])
  ;({ c: officer, secret: officerSecret } = await ready('officer', o.initial_password, true))
  const b = await person('boss', '社長 太郎', ['executive'])
  const { c: boss } = await ready('boss', b.initial_password, false)
  await person('veteran', '古参 三郎', ['employee'], { department_id: d.id, employment_type: 'dispatched' })

  // The starter pledge waits as a draft; the administrator submits it, the privacy officer and
  // top management approve it, and it is in force today.
  const pledge = (await admin.api.must('GET', '/policies?category=pledge')).items.find((p) => p.code === 'pledge-employee')
  ids.pledge = pledge.id
  const vid = pledge.open_version.id
  let v = await admin.api.must('GET', `/policy-versions/${vid}`)
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' })
  v = await admin.api.must('PATCH', `/policy-versions/${vid}`, { version: v.version, effective_on: today })
  await admin.api.must('POST', `/policy-versions/${vid}/transition`, { version: v.version, to: 'submitted' })
  await approveAs(officer, vid)
  await approveAs(boss, vid)
  v = await admin.api.must('GET', `/policy-versions/${vid}`)
  assert.equal(v.status, 'published')
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('a new part-time employee signs the confidentiality pledge at first sign-in', async () => {
  const r = await person('part', '新人 パート子', ['employee'], { department_id: ids.dept, employment_type: 'part_time' })
  const page = await newPage(browser, server.url, { width: 390, height: 844 })
  await page.goto('/signin')
  await page.locator('input[name=login]').fill('part')
  await page.locator('input[name=password]').fill(r.initial_password)
  await page.locator('form button[type=submit]').click()
  await page.waitForURL(/\/password$/)
  await page.locator('input[name=current_password]').fill(r.initial_password)
  await page.locator('input[name=new_password]').fill(PW.part)
  await page.locator('input[name=confirm]').fill(PW.part)
  await page.locator('form button[type=submit]').click()
  await page.waitForURL((u) => u.pathname === '/')
  const task = page.locator('[data-testid=tasks] li[data-kind=pledge_hire]')
  await task.waitFor()
  assert.match(await task.textContent(), /入社時/)
  await task.getByRole('link').click()
  await page.waitForURL(/\/pledges\/campaigns\/\d+$/)
  const panel = page.getByTestId('sign-panel')
  await panel.waitFor()
  assert.match(await page.getByTestId('pledge-text').textContent(), /秘密の保持/)
  const sign = page.getByTestId('sign')
  assert.ok(await sign.isDisabled(), 'signing waits for the tick and the password')
  await page.getByLabel('内容を読み、理解しました').check()
  // A wrong password is refused and said so.
  await page.locator('input[name=password]').fill('Wrong-pass-1')
  await sign.click()
  await page.getByText('パスワードが違います').waitFor()
  await page.locator('input[name=password]').fill(PW.part)
  await screenshot(page, 'phone-pledge')
  await sign.click()
  await page.waitForURL(/\/pledges\/acknowledgements\/\d+$/)
  const rec = page.getByTestId('pledge-record')
  await rec.waitFor()
  assert.match(await page.getByTestId('record-person').textContent(), /新人 パート子/)
  assert.match(await rec.textContent(), /パート・アルバイト/)
  assert.match(await rec.textContent(), /本人のパスワードで確認/)
  await screenshot(page, 'pledge-record')
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(w <= 390, `the record is ${w}px wide on a 390px phone`)
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('the officer sees who has not signed and downloads the list', async () => {
  const page = await newPage(browser, server.url)
  await uiSignIn(page, 'officer', PW.officer, officerSecret)
  await page.goto('/pledges')
  await page.getByTestId('pledge-list').getByTestId('status-link').click()
  await page.waitForURL(/\/pledges\/status\/\d+$/)
  const table = page.getByTestId('status-table')
  await table.locator('tr[data-login=part][data-state=current]').waitFor()
  await page.locator('select[name=state]').selectOption('unsigned')
  await table.locator('tr[data-login=part]').waitFor({ state: 'detached' })
  await table.locator('tr[data-login=veteran][data-state=never]').waitFor()
  await screenshot(page, 'pledge-status')
  const href = await page.getByTestId('status-csv').getAttribute('href')
  assert.match(href, /state=unsigned/)
  const res = await page.request.get(href)
  assert.equal(res.status(), 200)
  const text = await res.text()
  assert.match(text, /古参 三郎,veteran,店舗運営部,派遣社員,未提出/)
  assert.doesNotMatch(text, /新人 パート子/)
  const x = await page.request.get(await page.getByTestId('status-xlsx').getAttribute('href'))
  assert.equal((await x.body()).subarray(0, 2).toString(), 'PK')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})
