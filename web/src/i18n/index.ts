// Japanese first, English complete. Messages live in ja.json / en.json with identical keys
// (tests/e2e/i18n_keys.test.mjs checks). The chosen language is kept in localStorage before
// sign-in and on the server (PATCH /me) after it; the server's value wins at sign-in.

import { createI18n } from 'vue-i18n'
import jaCore from './ja.json'
import enCore from './en.json'
import type { Locale } from '../types'

// Each domain module keeps its messages in modules/<area>.ja.json and modules/<area>.en.json;
// they appear under the key <area> (e.g. assets → assets.title), so modules never edit the same
// file. tests/e2e/i18n_keys.test.mjs checks every pair has identical keys.
type Messages = Record<string, unknown>
const moduleFiles = import.meta.glob<{ default: Messages }>('./modules/*.json', { eager: true })

// A module's "taskKinds" ({kind: label}) are also merged into `tasks.kind`, where the home
// page's list of what waits for you (GET /me/tasks) looks up each task's kind, and its
// "recordTypes" into `tasks.record` (the approvals inbox names what each request is).
function withModules<T extends Messages>(core: T, locale: Locale): T {
  const merged: Messages = { ...core }
  const kinds: Record<string, unknown> = { ...((core.tasks as Messages | undefined)?.kind as Messages | undefined) }
  const records: Record<string, unknown> = {}
  for (const [path, mod] of Object.entries(moduleFiles)) {
    const m = /\/modules\/([a-z_]+)\.(ja|en)\.json$/.exec(path)
    if (m && m[2] === locale) {
      merged[m[1]] = mod.default
      Object.assign(kinds, (mod.default as Messages).taskKinds as Messages | undefined)
      Object.assign(records, (mod.default as Messages).recordTypes as Messages | undefined)
    }
  }
  merged.tasks = { ...((core.tasks as Messages | undefined) ?? {}), kind: kinds, record: records }
  return merged as T
}

const ja = withModules(jaCore, 'ja')
const en = withModules(enCore, 'en')

const LOCALE_KEY = 'mamori.locale'

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY)
    if (saved === 'ja' || saved === 'en') return saved
  } catch {
    // No storage: default below.
  }
  return 'ja'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'ja',
  messages: { ja, en },
  missingWarn: false,
  fallbackWarn: false,
})

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

/** Switches the UI language now and remembers it in this browser. */
export function applyLocale(l: Locale): void {
  i18n.global.locale.value = l
  document.documentElement.lang = l
  try {
    localStorage.setItem(LOCALE_KEY, l)
  } catch {
    // Ignore.
  }
}
