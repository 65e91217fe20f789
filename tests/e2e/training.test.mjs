// Journey: education (教育). A dispatched employee sees the starter course assigned to their
// department on the home page, reads a lesson, takes the quiz in Japanese, fails, retakes and
// passes, and opens the certificate; the privacy officer then sees 100% completion for that
// department on the roster and downloads it as CSV.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  ROOT, ApiClient, startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin,
} from './harness.mjs'
import { freshTotp } from './totp.mjs'

const EMP_PASSWORD = 'Sakura-learns-2026'
const OFF_PASSWORD = 'Mamoru-office-2026'
let server, browser, page, admin, officerSecret

// The answer key of the shipped starter course: situation (ja) → right choice texts (ja).
const KEY = new Map(
  JSON.parse(readFileSync(path.join(ROOT, 'content/training/starter/questions.json'), 'utf8')).map((q) => [
    q.situation.ja,
    new Set(q.correct.map((n) => q.choices[n - 1].ja)),
  ]),
)

/** Creates a user by API and takes them through the first password change. */
async function newUser(body, password) {
  const r = await admin.api.must('POST', '/users', { purpose: '教育のテスト', ...body })
  const c = new ApiClient(server.url)
  await c.signIn(body.login, r.initial_password)
  await c.must('POST', '/me/password', { current_password: r.initial_password, new_password: password })
  return { id: r.user.id, client: c }
}

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  const dept = await admin.api.must('POST', '/departments', { name: '営業部' })
  await newUser({ login: 'haken', name: '派遣 花子', employment_type: 'dispatched', department_id: dept.id }, EMP_PASSWORD)
  const off = await newUser({ login: 'kyoiku', name: '教育 担当', employment_type: 'regular', roles: ['officer'] }, OFF_PASSWORD)
  await off.client.must('GET', '/session').then((s) => (off.client.csrf = s.csrf_token ?? off.client.csrf))
  const enrol = await off.client.must('POST', '/me/mfa', {})
  await off.client.must('POST', '/me/mfa/confirm', { code: await freshTotp(enrol.secret) })
  officerSecret = enrol.secret
  const courses = await admin.api.must('GET', '/courses')
  const starter = courses.items.find((c) => c.code === 'starter')
  const due = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10)
  await admin.api.must('POST', '/training/assignments', {
    course_id: starter.id, targets: [`department:${dept.id}`], due_date: due, recurrence: 'once',
  })
  browser = await launchBrowser()
  page = await newPage(browser, server.url)
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

async function signOut() {
  await page.locator('[data-testid=user-menu]').click()
  await page.getByRole('button', { name: 'サインアウト' }).click()
  await page.waitForURL(/\/signin/)
}

/** Answers every question on the quiz page: right, or deliberately wrong. */
async function answerAll(right) {
  const questions = page.locator('[data-testid=question]')
  await questions.first().waitFor()
  const n = await questions.count()
  assert.equal(n, 20, 'twenty questions are drawn')
  for (let i = 0; i < n; i++) {
    const q = questions.nth(i)
    const situation = (await q.locator('.q-text').textContent()).trim()
    const good = KEY.get(situation)
    assert.ok(good, `the question "${situation.slice(0, 30)}…" is from the starter course`)
    const labels = q.locator('label')
    const texts = (await labels.allTextContents()).map((s) => s.trim())
    const picks = right ? texts.map((s, k) => (good.has(s) ? k : -1)).filter((k) => k >= 0) : [texts.findIndex((s) => !good.has(s))]
    for (const k of picks) {
      await labels.nth(k).locator('input').check()
    }
  }
  await page.waitForFunction(() => !document.body.textContent.includes('保存しています'))
}

async function submitQuiz() {
  await page.getByTestId('submit-quiz').click()
  await page.getByRole('dialog').getByRole('button', { name: '回答を提出する' }).click()
  await page.getByTestId('quiz-result').waitFor()
}

test('a dispatched employee fails the starter quiz once, then passes on retake', async () => {
  await uiSignIn(page, 'haken', EMP_PASSWORD)
  // The home page lists the assigned course with its due date.
  const task = page.locator('.task-list li', { hasText: '情報セキュリティ・個人情報保護 基本教育' })
  await task.waitFor()
  assert.match(await task.textContent(), /教育/)
  assert.match(await task.textContent(), /期限/)
  await task.getByRole('link').click()
  await page.waitForURL(/\/training\/courses\/\d+$/)
  await page.getByRole('heading', { name: '理解度確認テスト' }).waitFor()

  // A lesson, rendered from Markdown as plain elements.
  await page.getByRole('link', { name: 'なぜ情報を守るのか ― 方針と私たちの役割' }).click()
  await page.waitForURL(/\/lessons\/1$/)
  await page.getByRole('heading', { name: '役割と責任' }).waitFor()
  assert.equal(await page.locator('.md script').count(), 0)
  await page.getByRole('link', { name: '次の章へ' }).click()
  await page.waitForURL(/\/lessons\/2$/)
  await screenshot(page, 'training-lesson')
  await page.getByRole('link', { name: '講座へ戻る' }).click()

  // First attempt: every answer wrong.
  await page.getByTestId('start-quiz').click()
  await page.waitForURL(/\/training\/attempts\/\d+$/)
  await page.getByText('回答済み 0 / 20問').waitFor()
  await screenshot(page, 'training-quiz')
  await answerAll(false)
  await submitQuiz()
  assert.equal(await page.getByTestId('quiz-result').getAttribute('data-passed'), 'false')
  await page.getByRole('heading', { name: '不合格です' }).waitFor()
  // After grading, each question shows the right answer and why.
  assert.ok((await page.locator('.q-expl').count()) === 20)

  // Retake: a new draw; every answer right.
  const firstUrl = page.url()
  await page.getByTestId('retake').click()
  await page.waitForURL((u) => u.href !== firstUrl && /\/training\/attempts\/\d+$/.test(u.pathname))
  await answerAll(true)
  await submitQuiz()
  assert.equal(await page.getByTestId('quiz-result').getAttribute('data-passed'), 'true')
  await page.getByText('100% (20問中 20問正解)').waitFor()
  await screenshot(page, 'training-result')

  await page.getByTestId('certificate-link').click()
  await page.waitForURL(/\/training\/certificates\/\d+$/)
  const cert = page.getByTestId('certificate')
  await cert.waitFor()
  assert.match(await cert.textContent(), /派遣 花子 殿/)
  assert.match(await cert.textContent(), /情報セキュリティ・個人情報保護 基本教育/)
  // The pass date once (no second, time-stamped copy of it), and every fact — the long course
  // title too — with its value beside its label, on a desktop and on a phone.
  const passed = (await page.getByTestId('cert-passed').textContent()).trim()
  assert.match(passed, /^\d{4}年\d{1,2}月\d{1,2}日$/)
  assert.equal((await cert.textContent()).split(passed).length - 1, 1, 'the pass date is printed once')
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 860 })
    for (const row of await cert.locator('.cert-facts > div').all()) {
      const dt = await row.locator('dt').boundingBox()
      const dd = await row.locator('dd').boundingBox()
      assert.ok(Math.abs(dt.y - dd.y) < 4 && dd.x > dt.x, `${await row.locator('dt').textContent()}: value beside its label at ${width}px`)
    }
  }
  await page.setViewportSize({ width: 1280, height: 860 })
  await screenshot(page, 'training-certificate')

  // The home page no longer lists it.
  await page.goto('/')
  await page.locator('[data-testid=tasks-empty]').waitFor()
  await signOut()
  assert.deepEqual(page.problems, [])
})

test('the officer sees 100% for that department and exports the roster', async () => {
  await uiSignIn(page, 'kyoiku', OFF_PASSWORD, officerSecret)
  await page.locator('#main-nav').getByRole('link', { name: '教育' }).click()
  await page.waitForURL(/\/training$/)
  await page.getByRole('link', { name: '受講者名簿' }).first().click()
  await page.waitForURL(/\/training\/roster/)
  const row = page.locator('[data-testid=roster-summary] tbody tr[data-department="営業部"]')
  await row.waitFor()
  assert.equal((await row.getByTestId('completion').textContent()).trim(), '100%')
  const person = page.locator('table.table tbody tr', { hasText: 'haken' })
  await person.waitFor()
  assert.match(await person.textContent(), /派遣社員/)
  assert.match(await person.textContent(), /完了/)
  await screenshot(page, 'training-roster')

  const href = await page.getByTestId('export-csv').getAttribute('href')
  assert.match(href, /^\/api\/v1\/training\/roster\.csv/)
  const csv = await page.request.get(href)
  assert.equal(csv.status(), 200)
  const text = await csv.text()
  assert.ok(text.startsWith('\ufeff氏名,'), text.slice(0, 20))
  assert.match(text, /派遣 花子,haken,営業部,派遣社員,.*,完了,/)
  const xlsx = await page.request.get(await page.getByTestId('export-xlsx').getAttribute('href'))
  assert.equal(xlsx.status(), 200)
  assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK')
  assert.deepEqual(page.problems, [])
})
