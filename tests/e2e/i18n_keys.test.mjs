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

// The app loads a module's words (modules/<area>.<l>.json) only with the pages that use them
// (web/src/i18n/index.ts): each page folder names them in its routes.ts (`export const
// messages`, or a route's `meta.messages`), the app shell in router.ts (`shellMessages`). A
// page that uses words its list lacks would show raw keys until they load, so each list must
// cover every module key named by the page's code and the code it imports.
const src = path.join(root, 'web/src')
const areas = readdirSync(path.join(src, 'i18n/modules')).flatMap((f) => /^([a-z_]+)\.ja\.json$/.exec(f)?.[1] ?? [])
const moduleKeys = [...fja.keys()].filter((k) => areas.includes(k.split('.')[0]))
const codeOf = (f) =>
  readFileSync(f, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    // Permission names look like keys ('incidents.report') but are not words.
    .replace(/\bperm:\s*'[^']*'/g, '')
    .replace(/\bcan\(\s*'[^']*'/g, '')

/** The modules whose keys (or key prefixes, as in `incidents.category.${c}`) a file names. */
function namedAreas(f) {
  const out = new Set()
  for (const m of codeOf(f).matchAll(/['"`]([a-z_]+\.[A-Za-z0-9_.]*)/g)) {
    const lit = m[1]
    const area = lit.split('.')[0]
    if (!areas.includes(area)) continue
    const prefix = lit.endsWith('.') ? lit : lit + '.'
    if (moduleKeys.some((k) => k === lit || k.startsWith(prefix))) out.add(area)
  }
  return out
}

/** The modules named by these files and every file they import, with where. */
function areasReached(starts) {
  const seen = new Set()
  const found = new Map()
  const queue = [...starts]
  while (queue.length) {
    const f = queue.pop()
    if (seen.has(f) || !/\.(vue|ts)$/.test(f)) continue
    seen.add(f)
    for (const a of namedAreas(f)) if (!found.has(a)) found.set(a, path.relative(src, f))
    for (const m of codeOf(f).matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)) {
      const base = path.resolve(path.dirname(f), m[1])
      const hit = [base, `${base}.ts`, path.join(base, 'index.ts')].find((c) => {
        try {
          return statSync(c).isFile()
        } catch {
          return false
        }
      })
      if (hit) queue.push(hit)
    }
  }
  return found
}

/** `export const <name> = [...]` or `'*'` in a source file (null: none). */
function declared(text, name) {
  const m = new RegExp(`export const ${name}\\s*=\\s*(\\[[^\\]]*\\]|'\\*')`).exec(text)
  if (!m) return null
  return m[1] === "'*'" ? '*' : [...m[1].matchAll(/'([a-z_]+)'/g)].map((x) => x[1])
}

function assertCovers(list, needed, where) {
  if (list === '*') return
  const missing = [...needed].filter(([a]) => !(list ?? []).includes(a)).map(([a, f]) => `${a} (${f})`)
  assert.deepEqual(missing, [], `${where}: add these modules to its messages`)
}

test('each page folder loads the module words its pages use', () => {
  const pagesDir = path.join(src, 'pages')
  let folders = 0
  let routeLists = 0
  for (const d of readdirSync(pagesDir)) {
    const dir = path.join(pagesDir, d)
    if (!statSync(dir).isDirectory()) continue
    folders++
    const routesFile = path.join(dir, 'routes.ts')
    const text = readFileSync(routesFile, 'utf8')
    const list = declared(text, 'messages')
    for (const l of Array.isArray(list) ? list : []) assert.ok(areas.includes(l), `pages/${d}/routes.ts: no module ${l}`)
    assertCovers(list, areasReached(readdirSync(dir).map((f) => path.join(dir, f))), `pages/${d}/routes.ts`)
    // A route's own list (meta.messages) covers its page.
    for (const m of text.matchAll(/component:\s*\(\)\s*=>\s*import\('(\.\/[^']+)'\),\s*(?:\/\/.*\s*)*meta:\s*\{[^}]*messages:\s*(\[[^\]]*\])/g)) {
      routeLists++
      const list = [...m[2].matchAll(/'([a-z_]+)'/g)].map((x) => x[1])
      assertCovers(list, areasReached([path.join(dir, m[1])]), `pages/${d}/routes.ts, the route of ${m[1]}`)
    }
  }
  assert.ok(folders > 20 && routeLists >= 1, `checked ${folders} folders and ${routeLists} route lists (the scan works)`)
  // The scan finds what a page names through the code it imports.
  assert.ok(areasReached([path.join(pagesDir, 'home/HomePage.vue')]).has('incidents'), 'home names incidents.reportKind')
  assert.ok(areasReached([path.join(pagesDir, 'policies/VersionPage.vue')]).has('approvals'), 'ApprovalPanel names approvals.*')
})

test('the app shell loads the module words it uses', () => {
  const router = readFileSync(path.join(src, 'router.ts'), 'utf8')
  const list = declared(router, 'shellMessages')
  assert.ok(Array.isArray(list), 'router.ts has shellMessages')
  const needed = areasReached([path.join(src, 'components/AppShell.vue'), path.join(src, 'App.vue')])
  assert.ok(needed.has('notifications'), 'the scan finds the bell words')
  assertCovers(list, needed, 'router.ts shellMessages')
})

test('a module navigation label is a nav key (the first load carries those)', () => {
  // web/build-plugins.mjs sharedMessages: every key named nav, taskKinds or recordTypes.
  let labels = 0
  for (const d of readdirSync(path.join(src, 'pages'))) {
    const f = path.join(src, 'pages', d, 'routes.ts')
    let text
    try {
      text = readFileSync(f, 'utf8')
    } catch {
      continue
    }
    const at = text.indexOf('export const nav')
    const nav = at < 0 ? '' : text.slice(at).split('\nexport const ')[0]
    for (const m of nav.matchAll(/label:\s*'([^']+)'/g)) {
      labels++
      const key = m[1]
      if (!areas.includes(key.split('.')[0])) continue
      assert.ok(key.split('.').includes('nav'), `pages/${d}/routes.ts: ${key} is not a nav key`)
    }
  }
  assert.ok(labels > 20, `found ${labels} navigation labels`)
})

test('messages are plain text with {name} placeholders (what the app compiles)', () => {
  // web/src/i18n/index.ts compileMessage: nothing else is special.
  for (const [name, map] of [['ja', fja], ['en', fen]]) {
    for (const [k, v] of map) assert.doesNotMatch(v.replace(/\{\w+\}/g, ''), /[{}]/, `${name}: ${k} has a stray { or }`)
  }
})
