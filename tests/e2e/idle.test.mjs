// The screen-lock rule in the browser: a minute before the idle time-out the app asks whether
// to stay signed in; "stay" keeps the session (it asks the server), and when the time runs out
// the app signs out and says why. The browser's clock is driven by the test, not waited for.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, newPage, uiSignIn, prepareAdmin, ADMIN_PASSWORD } from './harness.mjs'

let server, browser, page, admin

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  browser = await launchBrowser()
  page = await newPage(browser, server.url)
  await page.clock.install()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('idle warning, stay signed in, then sign-out when the time is up', async () => {
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
  await page.locator('[data-testid=tasks-empty]').waitFor()
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
  assert.match(cookie, /mamori_session=/)
  const { user } = await admin.api.must('GET', '/session')
  const idle = user.idle_timeout_s
  assert.ok(idle >= 120, `idle time-out is ${idle}s`)

  const dialog = page.getByRole('dialog')
  await page.clock.fastForward((idle - 90) * 1000)
  assert.equal(await dialog.isVisible(), false, 'no warning with 90 s left')
  await page.clock.fastForward(40 * 1000)
  await dialog.waitFor()
  assert.match(await dialog.textContent(), /サインアウトします/)

  await dialog.getByRole('button', { name: 'サインインを続ける' }).click()
  await dialog.waitFor({ state: 'hidden' })
  await page.clock.fastForward((idle - 90) * 1000)
  assert.equal(await dialog.isVisible(), false, 'the clock restarted after "stay"')

  await page.clock.fastForward(95 * 1000)
  await page.waitForURL(/\/signin\?reason=idle/)
  await page.getByText('操作がなかったため、サインアウトしました。').waitFor()
  // The session was ended on the server too.
  await page.waitForLoadState('networkidle')
  const r = await fetch(server.url + '/api/v1/session', { headers: { Cookie: cookie } })
  assert.equal(r.status, 401, 'the browser session no longer works')
  assert.deepEqual(page.problems, [])
})
