// Internal audit journeys: the office plans an audit and is stopped from naming an auditor of
// the audited department (the conflict named in Japanese); the auditor from another department
// builds the checklist, starts the audit, records a result and one finding that becomes a
// corrective action for the department's manager, who answers it. The report's PDF page is
// rendered with pdftoppm next to the screenshots.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  ApiClient, startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, SHOTS,
} from './harness.mjs'
import { freshTotp } from './totp.mjs'

let server, browser, admin
const ids = {}
const people = {}

/** A user by API, through the first password change (and MFA when the role needs it). */
async function person(login, name, roles, extra = {}) {
  const r = await admin.api.must('POST', '/users', {
    login, name, employment_type: 'regular', roles, purpose: '業務のため', ...extra,
  })
  const password = `Kq7-${Math.random().toString(36).slice(2, 10)}-zW9`
  const c = new ApiClient(server.url)
  await c.signIn(login, r.initial_password)
  await c.must('POST', '/me/password', { current_password: r.initial_password, new_password: password })
  let secret
  const s = await c.must('GET', '/session')
  if (s.user.mfa_required) {
    const e = await c.must('POST', '/me/mfa', {})
    secret = e.secret
    await c.must('POST', '/me/mfa/confirm', { code: await freshTotp(secret) })
  }
  ids[login] = r.user.id
  people[login] = { password, secret, api: c }
  return c
}

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  await person('sales_mgr', '営業 部長', ['manager'])
  const sales = await admin.api.must('POST', '/departments', { name: '営業部', manager_id: ids.sales_mgr })
  const it = await admin.api.must('POST', '/departments', { name: '情報システム部' })
  ids.sales = sales.id
  ids.it = it.id
  await person('aud_it', '監査 一郎', ['auditor'], { department_id: it.id })
  await person('aud_sales', '監査 次郎', ['auditor'], { department_id: sales.id })
  await admin.api.must('POST', '/audit-programmes', { year: new Date().getFullYear(), title: '年間内部監査計画' })
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('the office plans an audit: nobody audits their own department', async () => {
  const page = await newPage(browser, server.url)
  await uiSignIn(page, 'admin', 'Kanri-mamori-2026', admin.totpSecret)
  await page.goto('/audits/new')
  await page.locator('#f-title').fill('営業部の内部監査')
  await page.getByLabel('営業部', { exact: true }).check()
  await page.locator('#f-scope').fill('顧客情報の取扱いと持ち出し')
  await page.locator('#f-lead_id').selectOption({ label: '監査 次郎（営業部）' })
  await page.locator('form button[type=submit]').click()
  const conflict = page.locator('[data-testid=independence]')
  await conflict.waitFor()
  assert.match(await conflict.textContent(), /監査 次郎 さんは 営業部 に所属/)
  await screenshot(page, 'audit-independence')
  await page.locator('#f-lead_id').selectOption({ label: '監査 一郎（情報システム部）' })
  await page.locator('form button[type=submit]').click()
  await page.waitForURL(/\/audits\/\d+$/)
  ids.audit = Number(page.url().split('/').pop())
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('an auditor audits another department: one finding becomes a corrective action', async () => {
  const page = await newPage(browser, server.url)
  const aud = people.aud_it
  await uiSignIn(page, 'aud_it', aud.password, aud.secret)
  // The audit waits on the auditor's home page.
  const task = page.locator('[data-testid=tasks] li[data-kind=internal_audit]')
  await task.waitFor()
  await task.getByRole('link').click()
  await page.waitForURL(/\/audits\/\d+$/)
  // The checklist from the organisation's own rules, then the audit starts.
  await page.getByLabel('社内規程', { exact: true }).check()
  await page.locator('[data-testid=build-checklist]').click()
  await page.locator('tr[data-item="R-10"]').waitFor()
  await page.locator('[data-move=in_progress]').click()
  await page.locator('[data-testid=audit-status]', { hasText: '実施中' }).waitFor()
  // A result with the evidence seen.
  await page.locator('[data-edit="R-14"]').click()
  await page.locator('select[data-field=result]').selectOption('conforms')
  await page.locator('textarea[data-field=evidence]').fill('3月分のヒヤリハット報告を確認')
  await page.locator('[data-save=item]').click()
  await page.locator('tr[data-item="R-14"] .tag', { hasText: '適合' }).waitFor()
  // One finding: a minor nonconformity about the clear desk rule.
  const form = page.locator('[data-testid=finding-form]')
  await form.locator('#f-grade').selectOption('minor')
  await form.locator('#f-department_id').selectOption({ label: '営業部' })
  await form.locator('#f-item_id').selectOption({ label: 'R-10 クリアデスク・クリアスクリーンを守っている' })
  await form.locator('#f-statement').fill('退社時に机上へ顧客リストが残っていた')
  const due = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10)
  await form.locator('#f-due_on').fill(due)
  await form.locator('button[type=submit]').click()
  const link = page.locator('[data-testid=finding-action]')
  await link.waitFor()
  await screenshot(page, 'internal-audit')
  // The corrective action names the finding as its source and goes to the manager.
  await link.click()
  await page.waitForURL(/\/actions\/\d+$/)
  const actionId = Number(page.url().split('/').pop())
  const action = await admin.api.must('GET', `/actions/${actionId}`)
  assert.equal(action.source_type, 'finding')
  assert.equal(action.owner.id, ids.sales_mgr)
  const findings = await admin.api.must('GET', `/audits/${ids.audit}/findings`)
  assert.equal(findings.items[0].action.id, actionId)
  assert.deepEqual(page.problems, [])
  await page.context().close()

  // The department's manager answers from their task.
  const mgr = await newPage(browser, server.url)
  await uiSignIn(mgr, 'sales_mgr', people.sales_mgr.password)
  const answer = mgr.locator('[data-testid=tasks] li[data-kind=audit_finding]')
  await answer.waitFor()
  await answer.getByRole('link').click()
  await mgr.waitForURL(/\/audit-findings\/\d+$/)
  await mgr.locator('#f-cause').fill('最終退出者の点検手順がなかった')
  await mgr.locator('#f-plan').fill('最終退出者が机上を点検し記録する')
  await mgr.locator('[data-testid=respond]').click()
  await mgr.locator('[data-testid=finding-status]', { hasText: '回答済み' }).waitFor()
  const after = await admin.api.must('GET', `/actions/${actionId}`)
  assert.equal(after.plan, '最終退出者が机上を点検し記録する')
  assert.deepEqual(mgr.problems, [])
  await mgr.context().close()

  // The report on paper: its first page rendered next to the screenshots.
  const r = await fetch(`${server.url}/api/v1/audits/${ids.audit}/report.pdf`, { headers: { Cookie: admin.api.cookie } })
  assert.equal(r.status, 200)
  mkdirSync(SHOTS, { recursive: true })
  const pdf = path.join(SHOTS, 'internal-audit-report.pdf')
  writeFileSync(pdf, Buffer.from(await r.arrayBuffer()))
  const out = spawnSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdf, path.join(SHOTS, 'internal-audit-report')])
  assert.equal(out.status, 0, String(out.stderr))
})
