// Registers journey: the officer registers an information asset and a personal information
// register entry in Japanese, sees the risk heat map and opens a cell's risks, downloads the
// register as Excel, and imports a CSV after checking its preview (a bad row first).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  startServer, launchBrowser, newPage, screenshot, uiSignIn, prepareAdmin, ADMIN_PASSWORD,
} from './harness.mjs'

let server, browser, page, admin

before(async () => {
  server = await startServer()
  admin = await prepareAdmin(server.url)
  await admin.api.must('POST', '/departments', { name: '営業部' })
  browser = await launchBrowser()
  page = await newPage(browser, server.url)
  await uiSignIn(page, 'admin', ADMIN_PASSWORD, admin.totpSecret)
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('register an information asset and a personal information entry in Japanese', async () => {
  await page.locator('#main-nav').getByRole('link', { name: '情報資産' }).click()
  await page.waitForURL(/\/assets$/)
  await page.getByRole('link', { name: '情報資産を登録' }).click()
  await page.waitForURL(/\/assets\/new$/)
  // Nothing typed: the server's field error shows next to the name.
  await page.getByRole('button', { name: '登録する' }).click()
  await page.locator('#f-name-error').waitFor()
  await page.locator('input[name=name]').fill('顧客管理データベース')
  await page.locator('select[name=department_id]').selectOption({ label: '営業部' })
  await page.locator('input[name=location]').fill('本社サーバ室')
  await page.locator('select[name=classification_id]').selectOption({ label: '機密' })
  await page.locator('select[name=c]').selectOption('3')
  await page.locator('input[name=has_pinfo]').check()
  await page.getByRole('button', { name: '登録する' }).click()
  await page.waitForURL(/\/assets\/\d+$/)
  await page.getByTestId('encrypt-note').waitFor()
  assert.equal((await page.getByTestId('asset-value').textContent()).trim(), '3')
  await screenshot(page, 'asset')

  await page.locator('#main-nav').getByRole('link', { name: '個人情報' }).click()
  await page.getByRole('link', { name: '台帳を登録' }).click()
  await page.waitForURL(/\/pinfo\/new$/)
  await page.locator('input[name=name]').fill('顧客名簿')
  await page.getByRole('button', { name: '登録する' }).click()
  await page.locator('#f-items-error').waitFor()   // the required columns are required
  await page.locator('textarea[name=items]').fill('氏名、住所、電話番号')
  await page.locator('textarea[name=purpose]').fill('ご注文の商品の発送')
  await page.locator('input[name=storage_location]').fill('顧客管理データベース')
  await page.locator('input[name=storage_method]').fill('暗号化して保存')
  await page.locator('input[name=access]').fill('営業部員')
  await page.locator('input[name=use_until]').fill('取引終了まで')
  await page.locator('input[name=retention_until]').fill('取引終了後5年')
  await page.locator('textarea[name=lc_transfer_risks]').fill('メールの誤送信')
  await page.locator('textarea[name=lc_transfer_controls]').fill('送信前の宛先確認とファイルの暗号化')
  await page.getByLabel('顧客管理データベース').check()
  await page.getByRole('button', { name: '登録する' }).click()
  await page.waitForURL(/\/pinfo\/\d+$/)
  await page.getByText('登録しました。').waitFor()
  await page.getByRole('link', { name: '顧客管理データベース' }).waitFor()
  await screenshot(page, 'pinfo')
  assert.deepEqual(page.problems, [])
})

test('the heat map counts risks and opens the list of a cell', async () => {
  const assets = await admin.api.must('GET', '/assets')
  const asset = assets.items[0]
  for (const [l, i] of [[3, 3], [3, 3], [1, 2]]) {
    await admin.api.must('POST', '/risks', {
      asset_id: asset.id, threat: l === 3 ? 'ランサムウェア感染' : '停電', vulnerability: 'バックアップが同じネットワーク上',
      likelihood: l, impact: i, treatment: 'reduce',
    })
  }
  await page.locator('#main-nav').getByRole('link', { name: 'リスク' }).click()
  await page.waitForURL(/\/risks$/)
  const cell = page.locator('[data-cell="3-3"]')
  await page.waitForFunction(() => document.querySelector('[data-cell="3-3"]')?.textContent.trim() === '2')
  await screenshot(page, 'risks')
  await cell.click()
  await page.waitForURL(/likelihood=3/)
  await page.getByTestId('cell-filter').waitFor()
  await page.waitForFunction(() => document.querySelectorAll('table.table tbody tr').length === 2)
  assert.match(await page.locator('table.table tbody').textContent(), /ランサムウェア感染/)
  assert.doesNotMatch(await page.locator('table.table tbody').textContent(), /停電/)

  await page.getByRole('link', { name: '適用宣言書' }).click()
  await page.waitForURL(/\/soa$/)
  await page.getByTestId('soa-summary').waitFor()
  assert.equal(await page.locator('.soa-theme table tbody tr').count(), 93)
  assert.deepEqual(page.problems, [])
})

test('download the asset register as Excel', async () => {
  await page.goto('/assets')
  const href = await page.getByTestId('export-xlsx').getAttribute('href')
  assert.equal(href, '/api/v1/assets.xlsx')
  const res = await page.request.get(href)
  assert.equal(res.status(), 200)
  assert.match(res.headers()['content-type'], /spreadsheetml/)
  const body = await res.body()
  assert.equal(body.subarray(0, 2).toString(), 'PK')
  assert.deepEqual(page.problems, [])
})

test('import a CSV: the preview lists a bad row, a good file imports', async () => {
  const dir = server.dataDir
  const bad = path.join(dir, 'bad.csv')
  const good = path.join(dir, 'good.csv')
  const head = '\ufeff資産名,種別,管理部署,機密区分,機密性,完全性,可用性\r\n'
  writeFileSync(bad, head + '見積書フォルダ,電子データ,営業部,社外秘,2,2,1\r\n社用車,乗り物,営業部,公開,1,1,1\r\n')
  writeFileSync(good, head + '見積書フォルダ,電子データ,営業部,社外秘,2,2,1\r\n契約書原本,紙文書,営業部,機密,3,3,1\r\n')
  await page.getByRole('link', { name: 'CSVから取り込む' }).click()
  await page.waitForURL(/\/assets\/import$/)
  await page.locator('input[type=file]').setInputFiles(bad)
  await page.getByTestId('import-check').click()
  await page.getByTestId('import-summary').waitFor()
  const row = page.locator('table.table tbody tr').first()
  assert.match(await row.textContent(), /3種別選べる値ではありません/)
  assert.equal(await page.getByTestId('import-commit').count(), 0, 'a file with errors cannot be imported')
  await screenshot(page, 'import-preview')

  await page.locator('input[type=file]').setInputFiles(good)
  await page.getByTestId('import-check').click()
  await page.getByTestId('import-commit').click()
  await page.getByText('2 行を取り込みました。').waitFor()
  const list = await admin.api.must('GET', '/assets?q=' + encodeURIComponent('契約書原本'))
  assert.equal(list.items.length, 1)
  assert.deepEqual(page.problems, [])
})

test('rename and add a classification level, change the risk scale, see an overdue review', async () => {
  await page.goto('/assets')
  await page.getByRole('link', { name: '機密区分' }).click()
  await page.waitForURL(/\/assets\/classifications$/)
  // Rename 社外秘 (No. 2).
  const second = page.locator('tr[data-level="2"]')
  await second.locator('input[name=label_ja]').fill('社内限り')
  await second.locator('input[name=label_en]').fill('Internal use only')
  await second.getByTestId('level-save').click()
  await page.getByText('「社内限り」の名称を保存しました。').waitFor()
  // A label another level has: the error is in Japanese, next to the input.
  await second.locator('input[name=label_ja]').fill('機密')
  await second.getByTestId('level-save').click()
  await second.getByText('この名称は他の区分で使われています。').waitFor()
  await second.locator('input[name=label_ja]').fill('社内限り')
  // Add a level after the last: the page says the former lowest will need encryption.
  await page.locator('input[name=new_label_ja]').fill('一般公開')
  await page.locator('input[name=new_label_en]').fill('Open')
  assert.match(await page.getByTestId('at-end-note').textContent(), /「公開」の資産は暗号化が必要/)
  await page.getByRole('button', { name: '追加する' }).click()
  await page.getByText('「一般公開」を追加しました。').waitFor()
  assert.equal(await page.locator('tbody tr').count(), 4)
  assert.match(await page.locator('tr[data-level="3"]').textContent(), /必要/)
  assert.match(await page.locator('tr[data-level="4"]').textContent(), /不要（最も低い区分）/)
  await screenshot(page, 'classifications')

  // The risk scale: 3 → 5, with what it means for existing risks explained.
  await page.goto('/risks')
  await page.getByTestId('risk-settings').click()
  await page.waitForURL(/\/risks\/settings$/)
  await page.getByText('既存のリスクへの影響').waitFor()
  await page.getByLabel('1〜5（リスク値1〜25）').check()
  assert.match(await page.getByTestId('scale-bands').textContent(), /高 15–25/)
  await page.getByRole('button', { name: '保存する' }).click()
  await page.getByText('尺度を保存しました。').waitFor()
  assert.equal((await admin.api.must('GET', '/risks/settings')).scale, 5)

  // An asset whose yearly review is overdue is on the home page's task list.
  await admin.api.must('POST', '/assets', {
    name: '旧顧客台帳', asset_type: 'paper', classification_id: 1, c: 2, i: 2, a: 2, reviewed_on: '2020-04-01',
  })
  await page.goto('/')
  const task = page.locator('li[data-kind="asset_review"][data-overdue="true"]', { hasText: '旧顧客台帳' })
  await task.waitFor()
  assert.match(await task.textContent(), /情報資産の見直し/)
  await task.getByRole('link', { name: '旧顧客台帳' }).waitFor()
  assert.deepEqual(page.problems, [])
})
