// Journeys 2 and 3: the administrator adds a department and an employee, signs out; the
// employee signs in with the one-time password and sets their own; the audit trail shows all
// of it and "verify chain" reports intact. Also: a 409 conflict on a user edit, and the
// roles and settings screens.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, ADMIN_PASSWORD,
} from './harness.mjs'

const EMP_PASSWORD = 'Hanako-safe-2026'
let server, browser, page, admin
let initialPassword = ''

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
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

test('admin adds a department and an employee, then signs out', async () => {
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)

  await page.locator('#main-nav').getByRole('link', { name: '部署' }).click()
  await page.waitForURL(/\/departments$/)
  // Empty name: the server's field error appears next to the field.
  await page.getByRole('button', { name: '追加する' }).click()
  await page.locator('#f-name-error').waitFor()
  await page.locator('input[name=name]').fill('情報システム部')
  await page.locator('input[name=code]').fill('IS')
  await page.getByRole('button', { name: '追加する' }).click()
  await page.getByText('「情報システム部」を追加しました。').waitFor()
  await page.getByRole('cell', { name: '情報システム部', exact: true }).waitFor()
  await screenshot(page, 'departments')

  await page.locator('#main-nav').getByRole('link', { name: '従業者' }).click()
  await page.waitForURL(/\/people$/)
  await page.getByRole('link', { name: '従業者を登録' }).click()
  await page.waitForURL(/\/people\/new$/)
  await page.locator('input[name=login]').fill('tanaka')
  await page.locator('input[name=name]').fill('田中 花子')
  await page.locator('input[name=email]').fill('tanaka@example.jp')
  await page.locator('select[name=department_id]').selectOption({ label: '情報システム部' })
  await page.locator('select[name=employment_type]').selectOption('dispatched')
  await page.locator('input[name=valid_until]').fill('2027-03-31')
  // No purpose yet: the server refuses, the field says why, and nothing typed is lost.
  await page.getByRole('button', { name: '登録する' }).click()
  await page.locator('#f-purpose-error').waitFor()
  assert.equal(await page.locator('input[name=name]').inputValue(), '田中 花子')
  assert.equal(await page.locator('input[name=valid_until]').inputValue(), '2027-03-31')
  await page.locator('textarea[name=purpose]').fill('派遣契約による経理補助業務')
  await page.getByRole('button', { name: '登録する' }).click()

  const secret = page.locator('[data-testid=secret]')
  await secret.waitFor()
  initialPassword = (await secret.textContent()).trim()
  assert.ok(initialPassword.length >= 8, 'an initial password is shown')
  await screenshot(page, 'user-created')

  await page.getByRole('link', { name: '一覧へ戻る' }).click()
  await page.locator('#flt-q').fill('tanaka')
  const row = page.locator('table tbody tr', { hasText: 'tanaka' })
  await row.waitFor()
  assert.match(await row.textContent(), /派遣社員/)
  assert.match(await row.textContent(), /情報システム部/)
  await page.locator('#flt-q').fill('')
  await page.locator('table tbody tr', { hasText: 'admin' }).waitFor()
  await screenshot(page, 'people')
  assert.equal(await page.getByTestId('export-csv').getAttribute('href'), '/api/v1/users.csv')
  assert.equal(await page.getByTestId('export-cp932').getAttribute('href'), '/api/v1/users.csv?encoding=cp932')
  assert.equal(await page.getByTestId('export-xlsx').getAttribute('href'), '/api/v1/users.xlsx')

  await signOut()
  assert.deepEqual(page.problems, [])
})

test('the employee signs in with the initial password and sets their own', async () => {
  assert.ok(initialPassword, 'previous test created the employee')
  await page.locator('input[name=login]').fill('tanaka')
  // A slip first: refused, and audited as a failed sign-in.
  await page.locator('input[name=password]').fill('not-the-password-1')
  await page.locator('form button[type=submit]').click()
  await page.getByRole('alert').filter({ hasText: 'ログインIDまたはパスワードが違います' }).waitFor()
  await page.locator('input[name=password]').fill(initialPassword)
  await page.locator('form button[type=submit]').click()
  await page.waitForURL(/\/password$/)
  await page.locator('input[name=current_password]').fill(initialPassword)
  // A password containing the login is refused by the rules shown and by the server.
  await page.locator('input[name=new_password]').fill('tanaka2026x')
  await page.locator('input[name=confirm]').fill('tanaka2026x')
  assert.equal(await page.locator('[data-rule=login]').getAttribute('class'), 'violated')
  await page.locator('form button[type=submit]').click()
  await page.locator('#f-new_password-error').waitFor()
  await page.locator('input[name=new_password]').fill(EMP_PASSWORD)
  await page.locator('input[name=confirm]').fill(EMP_PASSWORD)
  await page.locator('form button[type=submit]').click()
  await page.waitForURL((u) => u.pathname === '/')
  await page.locator('[data-testid=tasks-empty]').waitFor()
  // An employee sees only what their permissions allow.
  const links = (await page.locator('#main-nav a').allTextContents()).map((s) => s.trim())
  assert.ok(links.includes('ホーム'))
  for (const hidden of ['従業者', 'ロールと権限', '監査ログ', '設定']) assert.ok(!links.includes(hidden), hidden)
  await page.goto('/audit')
  await page.waitForURL(/\/forbidden$/)
  await signOut()
  assert.deepEqual(page.problems, [])
})

test('the audit trail shows those events and the chain verifies intact', async () => {
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
  await page.locator('#main-nav').getByRole('link', { name: '監査ログ' }).click()
  await page.waitForURL(/\/audit$/)
  const table = page.locator('table')
  for (const action of ['department.create', 'user.create', 'session.login', 'session.login_failed', 'password.change', 'session.logout']) {
    await table.locator('code', { hasText: new RegExp(`^${action.replace('.', '\\.')}$`) }).first().waitFor()
  }
  const tanakaRows = page.locator('table tbody tr', { hasText: 'tanaka' })
  assert.ok((await tanakaRows.count()) >= 2, 'the employee’s own events are there')

  await page.getByTestId('verify').click()
  const result = page.getByTestId('verify-result')
  await result.waitFor()
  assert.equal(await result.getAttribute('data-intact'), 'true')
  assert.match(await result.textContent(), /改ざんは見つかりませんでした/)
  await screenshot(page, 'audit')

  // Filter by action; open one event.
  await page.locator('#af-action').fill('user.create')
  await page.getByRole('button', { name: '検索', exact: true }).click()
  await page.waitForURL(/action=user\.create/)
  await page.waitForFunction(() => [...document.querySelectorAll('table tbody tr')].every((r) => r.textContent.includes('user.create')))
  await page.locator('table tbody tr').first().getByRole('link').click()
  await page.waitForURL(/\/audit\/\d+$/)
  await page.locator('code.hash').first().waitFor()
  await page.locator('table.changes').getByText('tanaka').first().waitFor()
  assert.deepEqual(page.problems, [])
})

test('an edit based on a stale version says so and offers the latest', async () => {
  const list = await admin.api.must('GET', '/users?q=tanaka')
  const tanaka = list.items.find((u) => u.login === 'tanaka')
  await page.goto(`/people/${tanaka.id}`)
  await page.locator('input[name=name]').waitFor()
  await page.waitForFunction(() => document.querySelector('input[name=name]').value !== '')
  // Someone else changes the record meanwhile.
  await admin.api.must('PATCH', `/users/${tanaka.id}`, { version: tanaka.version, purpose: '経理補助 (更新)' })
  await page.locator('input[name=name]').fill('田中 花子 (経理)')
  await page.getByRole('button', { name: '保存' }).click()
  await page.getByText('他の人が変更しました').waitFor()
  assert.equal(await page.locator('input[name=name]').inputValue(), '田中 花子 (経理)', 'the edit is kept')
  await screenshot(page, 'user-conflict')
  await page.getByRole('button', { name: /最新の内容を読み込む/ }).click()
  await page.waitForFunction(() => document.querySelector('textarea[name=purpose]').value === '経理補助 (更新)')
  await page.locator('input[name=name]').fill('田中 花子 (経理)')
  await page.getByRole('button', { name: '保存' }).click()
  await page.getByText('保存しました。').first().waitFor()
  assert.deepEqual(page.problems, [])
})

test('roles: the permissions matrix saves a changed role', async () => {
  await page.locator('#main-nav').getByRole('link', { name: 'ロールと権限' }).click()
  await page.waitForURL(/\/roles$/)
  const adminBox = page.locator('input[data-role=admin][data-perm="users.read"]')
  await adminBox.waitFor()
  assert.ok(await adminBox.isDisabled(), 'admin permissions are fixed')
  // Every area's heading is in words, not a module's identifier (workflow was).
  const areas = (await page.locator('tr.matrix-area th').allTextContents()).map((s) => s.trim())
  assert.ok(areas.length > 10, `areas: ${areas}`)
  const raw = areas.filter((s) => /^[a-z_]+$/.test(s))
  assert.deepEqual(raw, [], `area headings shown as identifiers: ${raw}`)
  const box = page.locator('input[data-role=manager][data-perm="audit.read"]')
  const was = await box.isChecked()
  await box.setChecked(!was)
  await page.getByRole('button', { name: /保存 \(1 件のロール\)/ }).click()
  const notice = page.locator('section[aria-labelledby=roles-matrix] .notice')
  await notice.waitFor()
  assert.equal((await notice.textContent()).trim(), '保存しました。')
  assert.equal(await box.isChecked(), !was)
  await screenshot(page, 'roles')
  assert.deepEqual(page.problems, [])
})

test('settings: a refused value is explained, a good one is saved and shown', async () => {
  await page.locator('#main-nav').getByRole('link', { name: '設定' }).click()
  await page.waitForURL(/\/settings$/)
  const name = page.locator('input[name=org_name]')
  await name.waitFor()
  await page.locator('input[name=password_min_length]').fill('6')
  await page.getByRole('button', { name: '保存', exact: true }).click()
  await page.locator('#f-password_min_length-error').waitFor()
  await page.locator('input[name=password_min_length]').fill('10')
  await name.fill('株式会社まもり')
  await page.getByRole('button', { name: '保存', exact: true }).click()
  await page.getByText('保存しました。').first().waitFor()
  await page.locator('.brand-org', { hasText: '株式会社まもり' }).waitFor()
  await screenshot(page, 'settings')

  // The change is in the audit trail, before and after side by side.
  await page.goto('/audit?action=settings.update')
  await page.locator('table tbody tr').first().getByRole('link').click()
  const row = page.locator('table.changes tbody tr', { hasText: 'org_name' })
  await row.waitFor()
  assert.match(await row.textContent(), /株式会社まもり/)
  await screenshot(page, 'audit-event')
  assert.deepEqual(page.problems, [])
})

test('reset a password and disable an account, each after a confirmation', async () => {
  const list = await admin.api.must('GET', '/users?q=tanaka')
  const tanaka = list.items.find((u) => u.login === 'tanaka')
  await page.goto(`/people/${tanaka.id}`)
  await page.getByTestId('user-status').waitFor()

  await page.getByRole('button', { name: 'パスワードを再発行' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.waitFor()
  await dialog.getByRole('button', { name: 'キャンセル' }).click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByRole('button', { name: 'パスワードを再発行' }).click()
  await dialog.getByRole('button', { name: 'パスワードを再発行' }).click()
  const secret = page.locator('[data-testid=secret]')
  await secret.waitFor()
  const fresh = (await secret.textContent()).trim()
  assert.ok(fresh.length >= 8 && fresh !== initialPassword)

  await page.getByRole('button', { name: '無効にする' }).click()
  await dialog.getByRole('button', { name: '無効にする' }).click()
  await page.locator('[data-testid=user-status]', { hasText: '無効' }).waitFor()
  // A disabled account cannot sign in, even with the right password.
  const r = await fetch(server.url + '/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'tanaka', password: fresh }),
  })
  assert.equal(r.status, 401)
  await page.getByRole('button', { name: '有効に戻す' }).click()
  await dialog.getByRole('button', { name: '有効に戻す' }).click()
  await page.locator('[data-testid=user-status]', { hasText: '有効' }).waitFor()
  assert.deepEqual(page.problems, [])
})

test('create a custom role with its permissions', async () => {
  await page.goto('/roles/new')
  await page.locator('input[name=name]').fill('privacy_staff')
  await page.locator('input[name=label_ja]').fill('個人情報担当')
  // English label missing: the field says so, the rest stays.
  await page.locator('#perm-users\\.read').check()
  await page.getByRole('button', { name: '追加する' }).click()
  await page.locator('#f-label_en-error').waitFor()
  assert.ok(await page.locator('#perm-users\\.read').isChecked())
  await page.locator('input[name=label_en]').fill('Privacy staff')
  await page.locator('#perm-audit\\.read').check()
  await page.getByRole('button', { name: '追加する' }).click()
  await page.waitForURL(/\/roles\/\d+$/)
  await page.locator('h1', { hasText: '個人情報担当' }).waitFor()
  const roles = await admin.api.must('GET', '/roles')
  const made = roles.items.find((r) => r.name === 'privacy_staff')
  assert.deepEqual([...made.permissions].sort(), ['audit.read', 'users.read'])
  assert.deepEqual(page.problems, [])
})
