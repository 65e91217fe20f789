// The web UI type-checks (vue-tsc, strict): vite build does not, so a wrong type would
// otherwise only show up in a browser.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web')

test('web/src type-checks with vue-tsc', () => {
  const r = spawnSync(path.join(web, 'node_modules/.bin/vue-tsc'), ['--noEmit', '-p', 'tsconfig.json'], {
    cwd: web,
    encoding: 'utf8',
    timeout: 180000,
  })
  assert.equal(r.status, 0, `vue-tsc failed:\n${r.stdout}${r.stderr}`)
})
