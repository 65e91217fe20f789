// The two message files (web/src/i18n/{ja,en}.json, plus each module's
// web/src/i18n/modules/<area>.{ja,en}.json, merged under <area>) must have exactly the same
// keys, no empty values, the same placeholders in each pair, and every key the app's code
// names must exist.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
// Core messages plus each module's web/src/i18n/modules/<area>.<l>.json under the key <area>,
// as web/src/i18n/index.ts merges them.
const load = (l) => {
  const dir = path.join(root, 'web/src/i18n')
  const messages = JSON.parse(readFileSync(path.join(dir, `${l}.json`), 'utf8'))
  const mods = path.join(dir, 'modules')
  let files = []
  try {
    files = readdirSync(mods)
  } catch {
    // No module messages yet.
  }
  for (const f of files) {
    const m = /^([a-z_]+)\.(ja|en)\.json$/.exec(f)
    if (m && m[2] === l) messages[m[1]] = JSON.parse(readFileSync(path.join(mods, f), 'utf8'))
  }
  return messages
}
const ja = load('ja')
const en = load('en')

function flatten(obj, prefix = '', out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object') flatten(v, key, out)
    else out.set(key, v)
  }
  return out
}
const fja = flatten(ja)
const fen = flatten(en)

test('every module message file has its pair', () => {
  let moduleFiles = []
  try {
    moduleFiles = readdirSync(path.join(root, 'web/src/i18n/modules')).filter((f) => f.endsWith('.json'))
  } catch {
    // No module messages yet.
  }
  for (const f of moduleFiles) {
    assert.match(f, /^[a-z_]+\.(ja|en)\.json$/, `${f}: name it <area>.ja.json / <area>.en.json`)
    const other = f.endsWith('.ja.json') ? f.replace('.ja.json', '.en.json') : f.replace('.en.json', '.ja.json')
    assert.ok(moduleFiles.includes(other), `${f} has no ${other}`)
  }
})

test('ja and en have the same keys', () => {
  const onlyJa = [...fja.keys()].filter((k) => !fen.has(k))
  const onlyEn = [...fen.keys()].filter((k) => !fja.has(k))
  assert.deepEqual(onlyJa, [], 'keys missing from en.json')
  assert.deepEqual(onlyEn, [], 'keys missing from ja.json')
})

test('no message is empty or not a string', () => {
  for (const [name, map] of [['ja', fja], ['en', fen]]) {
    for (const [k, v] of map) {
      assert.equal(typeof v, 'string', `${name}: ${k} is not a string`)
      assert.ok(v.trim().length > 0, `${name}: ${k} is empty`)
    }
  }
})

test('each pair uses the same placeholders', () => {
  const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',')
  for (const [k, v] of fja) assert.equal(holes(fen.get(k) ?? ''), holes(v), k)
})

test('messages avoid vue-i18n special characters that would break them', () => {
  for (const [name, map] of [['ja', fja], ['en', fen]]) {
    for (const [k, v] of map) assert.doesNotMatch(v, /[@|$]/, `${name}: ${k} has @, | or $`)
  }
})

test('every literal key used in web/src exists', () => {
  const files = []
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f)
      if (statSync(p).isDirectory()) walk(p)
      else if (/\.(vue|ts)$/.test(f)) files.push(p)
    }
  }
  walk(path.join(root, 'web/src'))
  const missing = []
  let seen = 0
  for (const f of files) {
    // Comments may mention keys as examples; only code counts.
    const src = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
    for (const m of src.matchAll(/\$?\bt\(\s*'([A-Za-z0-9_.]+)'/g)) {
      seen++
      if (!fja.has(m[1])) missing.push(`${path.relative(root, f)}: ${m[1]}`)
    }
    // Keys named in data (nav labels, route titles, task kinds).
    for (const m of src.matchAll(/(?:label|title|kindKey):\s*'([a-z][A-Za-z0-9]*\.[A-Za-z0-9_.]+)'/g)) {
      seen++
      if (!fja.has(m[1])) missing.push(`${path.relative(root, f)}: ${m[1]}`)
    }
  }
  assert.ok(seen > 100, `found ${seen} key uses (the scan works)`)
  assert.deepEqual(missing, [])
})
