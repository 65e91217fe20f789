// Management review journeys: the office prepares a review (decisions recorded, sent for
// approval); top management opens the dashboard — the period's figures as charts — and approves
// the review there; its minutes' first PDF page is rendered next to the screenshots.
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
const people = {}
const ids = {}

async function person(login, name, roles, extra = {}) {
  const r = await admin.api.must('POST', '/users', {
    login, name, employment_type: 'regular', roles, purpose: '業務のため', ...extra,
  })
  const password = `Kq7-${Math.random().toString(36).slice(2, 10)}-zW9`
  const c = new ApiClient(server.url)
  await c.signIn(login, r.initial_password)
  await c.must('POST', '/me/password', { current_password: r.initial_password, new_password: password })
  const s = await c.must('GET', '/session')
  if (s.user.mfa_required) {
    const e = await c.must('POST', '/me/mfa', {})
    await c.must('POST', '/me/mfa/confirm', { code: await freshTotp(e.secret) })
  }
  ids[login] = r.user.id
  people[login] = { password, api: c }
  return c
}

// Calendar days as the organisation counts them (Asia/Tokyo, the default zone).
const iso = (d) => new Date(+d + 9 * 3600000).toISOString().slice(0, 10)

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  const officer = await person('office', '事務局 花子', ['officer'])
  await person('ceo', '社長 太郎', ['executive'])
  const staff = await person('staff', '従業 一郎', ['employee'], { employment_type: 'part_time' })
  // A few records for the period's figures.
  for (const [kind, title] of [['incident', '見積書の誤送信'], ['near_miss', '宛先の選び間違い'], ['near_miss', 'USBメモリの置き忘れ']]) {
    await staff.must('POST', '/incidents', { kind, category: 'missend', title, description: '送信前後に気づいた' })
  }
  const course = (await admin.api.must('GET', '/courses')).items[0].id
  const today = new Date()
  await admin.api.must('POST', '/training/assignments', {
    course_id: course, targets: ['all'], starts_on: iso(new Date(today - 40 * 86400000)), due_date: iso(new Date(today - 10 * 86400000)),
  })
  const from = iso(new Date(today - 180 * 86400000))
  let rv = await officer.must('POST', '/reviews', {
    title: '2026年度 マネジメントレビュー', period_from: from, period_to: iso(today), held_on: iso(today),
    attendees: '社長、個人情報保護管理者、ISMS事務局', context_changes: '個人情報保護法の改正に合わせて規程を見直す',
  })
  rv = await officer.must('POST', `/reviews/${rv.id}/decisions`, { kind: 'instruction', body: '誤送信防止のため、送信前の宛先確認を全部署で徹底すること', owner_id: ids.office, due_on: iso(new Date(+today + 60 * 86400000)) })
  rv = await officer.must('POST', `/reviews/${rv.id}/transition`, { version: rv.version, to: 'submitted' })
  ids.review = rv.id
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('top management approves a review from the dashboard', async () => {
  const page = await newPage(browser, server.url)
  await uiSignIn(page, 'ceo', people.ceo.password)
  await page.getByRole('link', { name: 'ダッシュボード' }).first().click()
  await page.waitForURL(/\/dashboard$/)
  // The period's figures: tiles and charts.
  await page.locator('[data-tile=near_misses] .tile-value', { hasText: '2' }).waitFor()
  assert.ok(await page.locator('canvas').count() >= 4, 'the charts are drawn')
  const waiting = page.locator(`[data-testid=awaiting] [data-review="${ids.review}"]`)
  await waiting.waitFor()
  assert.match(await waiting.textContent(), /2026年度 マネジメントレビュー/)
  await screenshot(page, 'dashboard')
  await waiting.locator('[data-decision=approve]').click()
  await page.locator('[data-testid=awaiting]').waitFor({ state: 'detached' })
  const rv = await people.office.api.must('GET', `/reviews/${ids.review}`)
  assert.equal(rv.status, 'approved')
  // The review page shows it approved, with the figures it was approved with.
  await page.goto(`/reviews/${ids.review}`)
  await page.locator('[data-testid=review-status]', { hasText: '承認済み' }).waitFor()
  await page.locator('[data-tile=incidents] .tile-value', { hasText: '1' }).waitFor()
  assert.deepEqual(page.problems, [])
  await page.context().close()

  // The minutes on paper: the first page next to the screenshots.
  const r = await fetch(`${server.url}/api/v1/reviews/${ids.review}/report.pdf`, { headers: { Cookie: people.office.api.cookie } })
  assert.equal(r.status, 200)
  mkdirSync(SHOTS, { recursive: true })
  const pdf = path.join(SHOTS, 'management-review.pdf')
  writeFileSync(pdf, Buffer.from(await r.arrayBuffer()))
  const out = spawnSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdf, path.join(SHOTS, 'management-review')])
  assert.equal(out.status, 0, String(out.stderr))
})
