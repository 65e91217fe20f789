// Journey: an employee reports a near-miss without their name; the internal auditor reads the
// audit trail and sees 「（匿名）」 where the reporter would be, in the list and in the event,
// and the latest event's hash to note down, as `mamori audit verify --expect-head` takes it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, ApiClient } from './harness.mjs'
import { freshTotp } from './totp.mjs'

const PASSWORD = 'Trail-watch-2026'
let server, browser, page, admin, auditor, reporter

async function prepareUser(login, name, roles, mfa) {
  const r = await admin.api.must('POST', '/users', { login, name, employment_type: 'regular', roles, purpose: '監査ログの確認' })
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

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  auditor = await prepareUser('kansa', '監査 一郎', ['auditor'], true)
  reporter = await prepareUser('kato', '加藤 さくら', ['employee'], false)
  const nm = await reporter.api.must('POST', '/incidents', {
    kind: 'near_miss', category: 'missend', anonymous: true, title: '宛先を間違えかけた', description: '送信前に気づいた',
  })
  await reporter.api.must('GET', `/incidents/${nm.id}`)
  browser = await launchBrowser()
  page = await newPage(browser, server.url)
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('the auditor sees （匿名） for the anonymous reporter, in the list and the event', async () => {
  await uiSignIn(page, auditor.login, PASSWORD, auditor.secret)
  await page.goto('/audit?object_type=incident')
  const anon = page.getByTestId('anonymous-actor')
  await anon.first().waitFor()
  assert.equal(await anon.count(), 2) // the report and its reading
  assert.equal((await anon.first().textContent()).trim(), '（匿名）')
  const text = await page.locator('main').textContent()
  for (const secret of ['kato', '加藤']) assert.ok(!text.includes(secret), secret)
  await page.locator('table tbody tr').first().getByRole('link').click()
  await page.waitForURL(/\/audit\/\d+$/)
  await page.getByTestId('anonymous-actor').waitFor()
  const detail = await page.locator('main').textContent()
  for (const secret of ['kato', '加藤']) assert.ok(!detail.includes(secret), secret)
  assert.match(detail, /匿名のヒヤリハット報告/)
  assert.deepEqual(page.problems, [])
})

test('the latest event is shown to note down, as verify --expect-head takes it', async () => {
  await page.goto('/audit')
  const value = page.getByTestId('audit-head-value')
  await value.waitFor()
  const head = await auditor.api.must('GET', '/audit/head')
  assert.equal((await value.textContent()).trim(), head.expect_head)
  assert.match(head.expect_head, /^\d+:[0-9a-f]{64}$/)
  await page.getByTestId('verify').click()
  const result = page.getByTestId('verify-result')
  await result.waitFor()
  assert.equal(await result.getAttribute('data-intact'), 'true')
  await screenshot(page, 'audit-head')
  assert.deepEqual(page.problems, [])
})
