// Every audit action the server can write has words in both languages, so the audit trail
// never shows a raw key such as `user.locale`. The actions are read from the C sources: every
// string literal shaped like an action (`area.verb`), less the permissions (route and
// permission tables, req_can), table.column names and header file names, plus the actions
// built at run time (exports, the registers' shared create / review / delete / import steps).
// A label lives in web/src/i18n/{ja,en}.json `auditAction.<action with _>` or in a module's
// message file under `auditAction`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

function walk(dir, re, out = []) {
  for (const f of readdirSync(dir)) {
    const p = path.join(dir, f)
    if (statSync(p).isDirectory()) walk(p, re, out)
    else if (re.test(f)) out.push(p)
  }
  return out
}
const strip = (s) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '')
const sources = walk(path.join(root, 'src'), /\.c$/).map((f) => [f, strip(readFileSync(f, 'utf8'))])
const sql = walk(path.join(root, 'src'), /\.sql$/).map((f) => readFileSync(f, 'utf8')).join('\n')

// Columns of every table, from the migrations.
const columns = new Map()
for (const m of sql.matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\n\);/g)) {
  columns.set(m[1], new Set([...m[2].matchAll(/^\s*(\w+)\s/gm)].map((c) => c[1])))
}
for (const m of sql.matchAll(/ALTER TABLE (\w+) ADD COLUMN (\w+)/g)) columns.get(m[1])?.add(m[2])

const permissions = new Set()
const actions = new Set()
const kinds = new Map() // C name of a register declaration -> its audit object type
for (const [, src] of sources) {
  for (const m of src.matchAll(/\{\s*"(?:GET|POST|PATCH|PUT|DELETE)",\s*"[^"]*",\s*"([^"]+)"/g)) permissions.add(m[1])
  for (const m of src.matchAll(/\{\s*"([a-z_]+\.[a-z_.]+)",\s*"[a-z_]+"\s*\}/g)) permissions.add(m[1])
  for (const m of src.matchAll(/req_can\(\s*\w+,\s*"([^"]+)"/g)) permissions.add(m[1])
  for (const m of src.matchAll(/wf_has_perm\(\s*[\w>.-]+,\s*"([^"]+)"/g)) permissions.add(m[1])
  // Field names of field errors ("answer.comment") are not actions either.
  for (const m of src.matchAll(/ferr_add\(\s*[\w>.-]+,\s*"([^"]+)"/g)) permissions.add(m[1])
  for (const m of src.matchAll(/const struct reg_record (\w+) = \{\s*"([a-z_]+)"/g)) kinds.set(m[1], m[2])
}
for (const [, src] of sources) {
  for (const m of src.matchAll(/"([a-z][a-z_]*(?:\.[a-z_]+){1,2})"/g)) {
    const s = m[1]
    const [head, tail] = s.split('.')
    if (head.length === 1 || /\.(h|json)$/.test(s) || permissions.has(s)) continue // file names are not actions
    if (columns.get(head)?.has(tail)) continue // a table.column name (sealed fields' labels)
    actions.add(s)
  }
  for (const m of src.matchAll(/reply_export\(\s*\w+,\s*\w+,\s*"([a-z_]+)"/g)) actions.add(`export.${m[1]}`)
  for (const [step, re] of [
    // reg_create(db, ..., &kind, ...) and the routes that carry their register:
    // { "POST", "/api/v1/x", "x.write", reg_create_route, ..., .arg = &kind }
    ['create', /reg_create\(\s*[^;]*?&(\w+)/g],
    ['create', /reg_create_route,[^}]*?\.arg\s*=\s*&(\w+)/g],
    ['review', /reg_review_route,[^}]*?\.arg\s*=\s*&(\w+)/g],
    ['delete', /reg_delete_route,[^}]*?\.arg\s*=\s*&(\w+)/g],
    ['import', /\.kind\s*=\s*&(\w+)[^;]*?;[\s\S]{0,400}?reg_import_csv/g],
  ]) {
    for (const m of src.matchAll(re)) if (kinds.has(m[1])) actions.add(`${kinds.get(m[1])}.${step}`)
  }
}

function messages(l) {
  const dir = path.join(root, 'web/src/i18n')
  const core = JSON.parse(readFileSync(path.join(dir, `${l}.json`), 'utf8'))
  const labels = new Map(Object.entries(core.auditAction ?? {}))
  for (const f of readdirSync(path.join(dir, 'modules'))) {
    if (!f.endsWith(`.${l}.json`)) continue
    const m = JSON.parse(readFileSync(path.join(dir, 'modules', f), 'utf8'))
    for (const [k, v] of Object.entries(m.auditAction ?? {})) labels.set(k, v)
  }
  return labels
}

test('the scan finds the audit actions (it works)', () => {
  for (const a of ['user.create', 'user.locale', 'settings.update', 'export.users', 'asset.review', 'risk.accept']) {
    assert.ok(actions.has(a), `${a} found`)
  }
  for (const p of ['users.read', 'settings.write', 'incidents.manage']) assert.ok(!actions.has(p), `${p} is a permission`)
})

for (const l of ['ja', 'en']) {
  test(`every audit action has a label in ${l}`, () => {
    const labels = messages(l)
    const missing = [...actions].sort().filter((a) => !labels.has(a.replace(/\./g, '_')))
    assert.deepEqual(missing, [], `audit actions without ${l} words (add auditAction.<action> to the messages)`)
  })
}
