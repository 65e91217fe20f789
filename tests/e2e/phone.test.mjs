// Journey 5: on a 360 px wide phone — sign in (with the TOTP step), open the navigation and
// the user menu, read a list, sign out. Nothing may need sideways scrolling.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  startServer, launchBrowser, newPage, screenshot, prepareAdmin, ADMIN_PASSWORD,
} from './harness.mjs'
import { freshTotp } from './totp.mjs'

let server, browser, page, admin

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  await admin.api.must('POST', '/departments', { name: '営業部', code: 'S1' })
  await admin.api.must('POST', '/users', {
    login: 'suzuki', name: '鈴木 一郎', employment_type: 'part_time', roles: ['employee'],
    purpose: '店舗での顧客対応業務', valid_until: '2027-03-31',
  })
  browser = await launchBrowser()
  page = await newPage(browser, server.url, { width: 360, height: 740 })
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

async function assertFits(where) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(w <= 360, `${where}: page is ${w}px wide, wider than the 360px screen`)
}

test('phone: sign in, navigation, user menu, sign out', async () => {
  await page.goto('/')
  await page.waitForURL(/\/signin/)
  await assertFits('sign-in')
  await screenshot(page, 'phone-signin')

  // Repeated wrong passwords lock the account, and the page says so plainly.
  await page.locator('input[name=login]').fill('suzuki')
  const alert = page.getByRole('alert')
  let locked = false
  for (let i = 0; i < 8 && !locked; i++) {
    await page.locator('input[name=password]').fill(`wrong-pass-${i}`)
    await page.getByRole('button', { name: 'サインイン' }).click()
    await alert.waitFor()
    await page.waitForFunction(() => !document.querySelector('form button[type=submit]').disabled)
    locked = /ロックされています/.test(await alert.textContent())
  }
  assert.ok(locked, 'the lockout message appears')
  await assertFits('sign-in, locked')

  await page.locator('input[name=login]').fill('admin')
  await page.locator('input[name=password]').fill(ADMIN_PASSWORD)
  await page.getByRole('button', { name: 'サインイン' }).click()
  const code = page.locator('input[name=totp]')
  await code.waitFor()
  await assertFits('sign-in, code step')
  await code.fill(await freshTotp(admin.totpSecret))
  await page.getByRole('button', { name: 'サインイン' }).click()
  await page.waitForURL((u) => u.pathname === '/')
  await page.locator('[data-testid=tasks-empty]').waitFor()
  await assertFits('home')

  // The navigation folds behind a menu button.
  const nav = page.locator('#main-nav')
  assert.equal(await nav.isVisible(), false)
  const toggle = page.getByRole('button', { name: 'メニュー', exact: true })
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false')
  await toggle.click()
  await nav.waitFor({ state: 'visible' })
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true')
  await screenshot(page, 'phone-nav')
  await nav.getByRole('link', { name: '従業者' }).click()
  await page.waitForURL(/\/people$/)
  assert.equal(await nav.isVisible(), false, 'menu closes after choosing')
  await page.locator('table tbody tr', { hasText: 'suzuki' }).waitFor()
  await assertFits('people')
  await screenshot(page, 'phone-people')
  // Filters fold away on a phone; open them and search.
  const search = page.locator('#flt-q')
  assert.equal(await search.isVisible(), false)
  await page.getByRole('button', { name: /絞り込み/ }).click()
  await search.fill('suzuki')
  await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 1)
  assert.match(await page.locator('table tbody tr').textContent(), /鈴木 一郎/)
  await assertFits('people, filtered')

  // User menu: language, password, MFA, sign out — reachable by keyboard too.
  const menuButton = page.locator('[data-testid=user-menu]')
  await menuButton.focus()
  await page.keyboard.press('Enter')
  const panel = page.locator('#user-menu')
  await panel.waitFor({ state: 'visible' })
  for (const name of ['アカウント', 'パスワードの変更', '多要素認証']) await panel.getByRole('link', { name }).waitFor()
  await panel.getByRole('button', { name: 'English' }).waitFor()
  await assertFits('user menu')
  await screenshot(page, 'phone-user-menu')
  await page.keyboard.press('Escape')
  await panel.waitFor({ state: 'hidden' })
  await menuButton.click()
  await panel.getByRole('button', { name: 'サインアウト' }).click()
  await page.waitForURL(/\/signin/)
  await page.getByText('サインアウトしました。').waitFor()
  assert.deepEqual(page.problems, [])
})
