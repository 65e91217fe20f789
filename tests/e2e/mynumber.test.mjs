// Journey: the privacy officer records a leak of 150 employees' My Numbers (源泉徴収票の控え
// lost from the personnel office) — the facts taken from the personal information register,
// the decision under the My Number Act with its deadlines, the report items — and prints the
// PPC report; once the preliminary report is recorded as sent, its copy stays as it was sent
// while the record changes. The screen and the printed report use the same words.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, ApiClient } from './harness.mjs'
import { freshTotp } from './totp.mjs'

const PASSWORD = 'Mamoru-mynumber-2026'
let server, browser, admin, desk, officer

async function prepareOfficer() {
  const r = await admin.api.must('POST', '/users', {
    login: 'kato', name: '加藤 守', employment_type: 'regular', roles: ['officer'], purpose: '個人情報保護管理者',
  })
  const api = new ApiClient(server.url)
  await api.signIn('kato', r.initial_password)
  await api.must('POST', '/me/password', { current_password: r.initial_password, new_password: PASSWORD })
  await api.must('GET', '/session').then((s) => (api.csrf = s.csrf_token ?? api.csrf))
  const enrol = await api.must('POST', '/me/mfa', {})
  await api.must('POST', '/me/mfa/confirm', { code: await freshTotp(enrol.secret) })
  return { login: 'kato', api, secret: enrol.secret }
}

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  const s = await admin.api.must('GET', '/settings')
  await admin.api.must('PATCH', '/settings', { version: s.version, org_name: '株式会社まもり商事' })
  await admin.api.must('POST', '/pinfo', {
    name: '源泉徴収関係書類', items: '氏名、住所、個人番号、扶養親族', purpose: '源泉徴収事務',
    storage_location: '人事部キャビネット', storage_method: '施錠保管', access: '人事部員',
    use_until: '在籍中', retention_until: '退職後7年', record_count: 150, my_number: true,
  })
  officer = await prepareOfficer()
  browser = await launchBrowser()
  desk = await newPage(browser, server.url)
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('an officer records a My Number leak of 150 employees and prints the PPC report', async () => {
  const page = desk
  await uiSignIn(page, officer.login, PASSWORD, officer.secret)
  await page.goto('/incidents/new')
  await page.locator('[data-category=loss]').click()
  // The form asks when anyone in the organisation first learned of it: the clock starts then.
  assert.match(await page.locator('.incident-page').textContent(), /組織の誰かが最初に知った日を1日目として数えます/)
  await page.locator('input[name=title]').fill('源泉徴収票の控えの紛失')
  await page.locator('textarea[name=description]').fill('人事部のキャビネットから、従業員150人分の源泉徴収票の控えが見当たりません。')
  await page.locator('#f-pd_involved').check()
  await page.getByRole('button', { name: '報告する', exact: true }).click()
  await page.locator('[data-testid=report-sent]').waitFor()
  await page.getByRole('link', { name: '報告を開く' }).click()
  await page.waitForURL(/\/incidents\/1$/)

  // The count is not known yet: the clock already runs.
  await page.locator('[data-tab=impact]').click()
  const decision = page.locator('[data-testid=ppc-decision]')
  await decision.getByText('PPCへの報告はまだ決まっていません。期限は進んでいます').waitFor()

  // The facts from the register entry: 150 people, My Numbers.
  await page.locator('[data-testid=register-entries]').getByLabel(/源泉徴収関係書類/).check()
  await page.locator('[data-testid=register-fill]').click()
  assert.equal(await page.locator('#f-imp-count').inputValue(), '150')
  assert.ok(await page.locator('#imp-mynumber').isChecked())
  await page.locator('#f-imp-media').fill('紙')
  await page.getByRole('button', { name: '影響を保存' }).click()
  await decision.getByText('個人情報保護委員会（PPC）への報告が必要です').waitFor()
  const text = await decision.textContent()
  assert.match(text, /特定個人情報の本人の数が100人を超える/)
  const bases = page.locator('[data-testid=ppc-bases]')
  assert.match(await bases.locator('[data-law=mynumber]').textContent(), /番号法（第29条の4）: 必要/)
  assert.match(await bases.locator('[data-law=appi]').textContent(), /個人情報保護法（第26条）: 不要/)
  // The announcement is not required: the screen says 不要, as the report will.
  await page.locator('[data-tab=reports]').click()
  assert.equal(await page.locator('[data-report=announce] [data-testid=report-status]').textContent(), '不要')
  await page.locator('[data-tab=impact]').click()
  await screenshot(page, 'incident-mynumber-decision')

  // The report items.
  await page.locator('[data-tab=report]').click()
  await page.locator('#f-ppcr-cause').fill('キャビネットの施錠を確かめる手順がなかった。')
  await page.locator('#f-ppcr-secondary_damage').fill('現時点で、不正な利用は確認されていません。')
  await page.locator('#f-ppcr-prevention').fill('鍵の管理簿を作り、退出時に施錠を二人で確かめる。')
  await page.getByRole('button', { name: '記載事項を保存' }).click()
  await page.locator('[data-tab=timeline]').click()
  await page.locator('[data-testid=timeline]').getByText(/内容を更新しました: 原因、二次被害、再発防止策/).waitFor()

  // The PPC report, printed: every item with its value; the text for the PPC's web form.
  await page.locator('[data-tab=report]').click()
  await page.locator('[data-document=ppc_preliminary]').click()
  const sheet = page.locator('[data-testid=print-sheet]')
  await sheet.waitFor()
  const printed = await sheet.textContent()
  for (const s of ['個人情報保護委員会への漏えい等報告（速報）', '株式会社まもり商事', '番号法第29条の4第1項',
    '漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数', '150人',
    '氏名、住所、個人番号、扶養親族（個人番号を含む）', 'キャビネットの施錠を確かめる手順がなかった。', '公表: 不要']) {
    assert.ok(printed.includes(s), `the report shows “${s}”`)
  }
  const pasted = await page.locator('[data-testid=document-text]').inputValue()
  assert.ok(pasted.includes('【4. 原因】\nキャビネットの施錠を確かめる手順がなかった。'))
  await screenshot(page, 'incident-mynumber-ppc-report')

  // Sent: the preliminary report is recorded, and its copy kept as it was.
  await page.goto('/incidents/1?tab=reports')
  const dialog = page.locator('dialog[open]')
  await page.locator('[data-record=ppc_preliminary]').click()
  await dialog.getByRole('button', { name: '保存' }).click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator('[data-report=ppc_preliminary]', { hasText: '実施済み' }).waitFor()
  await page.locator('[data-tab=report]').click()
  await page.locator('#f-ppcr-cause').fill('鍵を掛け忘れた。')
  await page.getByRole('button', { name: '記載事項を保存' }).click()
  await page.locator('[data-testid=report-copies]').getByRole('link').first().click()
  await sheet.waitFor()
  assert.match(await page.locator('[data-testid=document-source]').textContent(), /提出した内容の控えです/)
  const copy = await sheet.textContent()
  assert.ok(copy.includes('キャビネットの施錠を確かめる手順がなかった。'), 'the copy keeps the cause as sent')
  assert.ok(!copy.includes('鍵を掛け忘れた。'))
  assert.deepEqual(page.problems, [])
})
