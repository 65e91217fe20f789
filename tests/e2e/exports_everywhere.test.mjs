// Every list the server exports offers the same three downloads in the web UI — CSV (UTF-8),
// CSV (Shift_JIS) and Excel — through one component, with the list's filters: an administrator
// with some data visits each list and finds them; a Shift_JIS download of the incidents, whose
// title has a character Shift_JIS lacks, says so and gives a file with '?' on request; the
// actions list's Shift_JIS file is real Shift_JIS; and no list shows a raw code instead of words.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, ADMIN_PASSWORD } from './harness.mjs'

let server, browser, page, admin
const ids = {}

function tokyoToday() {
  return new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10)
}

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  const api = admin.api
  ids.admin = (await api.must('GET', '/session')).user.id
  const d = await api.must('POST', '/departments', { name: '営業部' })
  const a = await api.must('GET', `/users/${ids.admin}`)
  await api.must('PATCH', `/users/${ids.admin}`, { version: a.version, department_id: d.id })
  await api.must('POST', '/incidents', { category: 'loss', title: '𠮷田様の申込書を紛失', description: '会議室に置き忘れました。' })
  await api.must('POST', '/incidents', { category: 'loss', title: 'USBメモリの紛失', description: '帰宅途中に紛失しました。' })
  await api.must('POST', '/actions', { title: '鍵の管理を見直す', owner_id: ids.admin, due_on: tokyoToday() })
  await api.must('POST', '/visits', { visitor_name: '来訪 太郎', purpose: '打ち合わせ' })
  const starter = (await api.must('GET', '/courses')).items.find((c) => c.code === 'starter')
  await api.must('POST', '/training/assignments', { course_id: starter.id, targets: ['all'], due_date: tokyoToday() })
  const tele = (await api.must('GET', '/checklists')).items.find((x) => x.code === 'telework-home')
  ids.campaign = (await api.must('POST', '/checklist-campaigns', {
    template_id: tele.id, title: '在宅勤務の月次点検', targets: [`department:${d.id}`], starts_on: tokyoToday(),
    due_on: tokyoToday(), recurrence: 'monthly',
  })).id
  ids.pledge = (await api.must('GET', '/policies?category=pledge')).items.find((p) => p.code === 'pledge-employee').id
  browser = await launchBrowser()
  page = await newPage(browser, server.url)
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

// Each list: where it is, the export's path under /api/v1 and the buttons' data-testid prefix.
const LISTS = [
  ['/incidents', 'incidents', 'export'],
  ['/actions', 'actions', 'export'],
  ['/takeouts', 'takeouts', 'export'],
  ['/account-requests', 'account-requests', 'export'],
  ['/audit', 'audit/events', 'export'],
  ['/training/roster', 'training/roster', 'export'],
  ['/people', 'users', 'export'],
  ['/visits', 'visits', 'export'],
  ['/devices', 'devices', 'devices'],
  ['/loans', 'loans', 'loans'],
  ['/assets', 'assets', 'export'],
  ['/pinfo', 'pinfo', 'export'],
  ['/risks', 'risks', 'export'],
  ['/soa', 'soa', 'export'],
]

/** The three buttons with the prefix are there and point at the export (with `filter`, if given). */
async function threeButtons(where, what, prefix, filter) {
  const base = `/api/v1/${what}`
  const csv = page.getByTestId(`${prefix}-csv`).first()
  await csv.waitFor()
  const hrefs = {}
  for (const kind of ['csv', 'cp932', 'xlsx']) hrefs[kind] = await page.getByTestId(`${prefix}-${kind}`).first().getAttribute('href')
  assert.ok(hrefs.csv.startsWith(`${base}.csv`), `${where}: ${hrefs.csv}`)
  assert.doesNotMatch(hrefs.csv, /encoding=/, `${where}: ${hrefs.csv}`)
  assert.ok(hrefs.cp932.startsWith(`${base}.csv?`) && hrefs.cp932.includes('encoding=cp932'), `${where}: ${hrefs.cp932}`)
  assert.ok(hrefs.xlsx.startsWith(`${base}.xlsx`), `${where}: ${hrefs.xlsx}`)
  if (filter) for (const h of Object.values(hrefs)) assert.ok(h.includes(filter), `${where}: ${h} keeps ${filter}`)
  // Each answers with a file, not a refusal of its query (an undeclared parameter is a 400).
  const replace = [hrefs.cp932 + '&unmappable=replace']
  for (const href of [hrefs.csv, hrefs.cp932, hrefs.xlsx, ...replace]) {
    const r = await page.request.get(href)
    // Shift_JIS may be refused for what it lacks (the incidents' 𠮷) — never for the query.
    const lacking = href === hrefs.cp932 && r.status() === 422 && (await r.json()).code === 'unmappable'
    assert.ok(r.status() === 200 || lacking, `${where} ${href}: ${r.status()} ${await r.text()}`)
  }
  return hrefs
}

/** Table cells that show a code (snake_case, true/false) instead of words. */
async function rawCodes() {
  const cells = await page.locator('table.table tbody td').allTextContents()
  return cells.map((c) => c.trim()).filter((c) => /^[a-z]+(_[a-z]+)+$|^(true|false|null|undefined)$/.test(c))
}

test('every exported list offers UTF-8, Shift_JIS and Excel', async () => {
  for (const [where, what, prefix] of LISTS) {
    await page.goto(where)
    await threeButtons(where, what, prefix)
    await page.locator('table.table').first().waitFor()
    assert.deepEqual(await rawCodes(), [], `${where} shows codes`)
  }
  // Lists with a record's own exports.
  await page.goto(`/checklists/campaigns/${ids.campaign}`)
  await threeButtons('checklist answers', `checklist-campaigns/${ids.campaign}/answers`, 'answers')
  const items = await page.getByTestId('campaign-xlsx').getAttribute('href')
  const cid = /campaigns\/(\d+)\/items/.exec(items)[1]
  await threeButtons('campaign items', `campaigns/${cid}/items`, 'campaign')
  await page.goto(`/pledges/status/${ids.pledge}`)
  await threeButtons('pledge status', 'pledges/status', 'status', `policy_id=${ids.pledge}`)
  await screenshot(page, 'exports-pledge-status')
  assert.deepEqual(page.problems, [])
})

test('the downloads keep the list\'s filters', async () => {
  await page.goto('/incidents?category=loss')
  await threeButtons('incidents (loss)', 'incidents', 'export', 'category=loss')
  await page.goto('/visits?view=inside')
  await threeButtons('visits (inside)', 'visits', 'export', 'view=inside')
  await page.goto('/people?status=active')
  await threeButtons('people (active)', 'users', 'export', 'status=active')
  await page.goto('/training/roster?status=pending')
  await page.locator('table.table').first().waitFor()
  const roster = await page.getByTestId('export-csv').getAttribute('href')
  const r = await page.request.get(roster)
  assert.equal(r.status(), 200, `${roster}: ${r.status()}`)
  assert.deepEqual(page.problems, [])
})

test('a Shift_JIS download explains what it lacks, and gives a file with "?" on request', async () => {
  await page.goto('/incidents')
  await page.locator('table.table tbody tr', { hasText: 'USBメモリの紛失' }).waitFor()
  await page.getByTestId('export-cp932').click()
  const dialog = page.getByTestId('export-loss')
  await dialog.waitFor()
  assert.match(await dialog.textContent(), /𠮷/)
  await screenshot(page, 'exports-incidents-unmappable')
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-loss-replace').click()])
  assert.equal(dl.suggestedFilename(), `incidents-${tokyoToday()}.csv`)
  const text = new TextDecoder('shift_jis').decode(readFileSync(await dl.path()))
  assert.match(text, /\?田様の申込書を紛失/)
  assert.match(text, /USBメモリの紛失/)

  // A list with nothing Shift_JIS lacks downloads at once, in Shift_JIS.
  await page.goto('/actions')
  await page.locator('table.table tbody tr', { hasText: '鍵の管理を見直す' }).waitFor()
  const [a] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-cp932').click()])
  assert.equal(a.suggestedFilename(), `actions-${tokyoToday()}.csv`)
  const bytes = readFileSync(await a.path())
  assert.match(new TextDecoder('shift_jis').decode(bytes), /鍵の管理を見直す/)
  assert.doesNotMatch(bytes.toString('utf8'), /鍵の管理を見直す/, 'the file is not UTF-8')
  assert.deepEqual(page.problems, [])
})
