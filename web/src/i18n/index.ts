// Japanese first, English complete. Messages live in ja.json / en.json with identical keys
// (tests/e2e/i18n_keys.test.mjs checks). The chosen language is kept in localStorage before
// sign-in and on the server (PATCH /me) after it; the server's value wins at sign-in.
//
// What loads when (a phone on a slow network pays for every kilobyte):
// - With the app: the Japanese core messages (ja.json) plus, from every module, the few words
//   every page needs (core.ja.ts: its navigation labels, `taskKinds`, `recordTypes`).
// - English core words (core.en.ts) only when English is chosen.
// - A module's own words (modules/<area>.<locale>.json) with the pages that use them: each page
//   folder lists them in its routes.ts (`export const messages`), and the router loads them,
//   in the current language only, before the page shows (no flash of raw keys).
// - Switching language loads the new language's words for everything loaded so far first.
// vue-i18n's message compiler is left out of the bundle (vite.config.ts): our messages are
// plain text with {name} placeholders (no @, | or $), which compileMessage below turns into
// functions. docs/operations.md (Performance) tells the whole story.

import { createI18n, type MessageContext, type MessageFunction } from 'vue-i18n'
import ja from './core.ja'
import type { Locale } from '../types'

type Messages = Record<string, unknown>

const cores: Record<Locale, () => Promise<Messages>> = {
  ja: () => Promise.resolve(ja),
  en: () => import('./core.en').then((m) => m.default as Messages),
}
const moduleFiles = import.meta.glob<Messages>('./modules/*.json', { import: 'default' })

/** The modules that have message files (the "<area>" of modules/<area>.ja.json). */
export const messageAreas: string[] = [
  ...new Set(Object.keys(moduleFiles).map((p) => /\/modules\/([a-z_]+)\.(?:ja|en)\.json$/.exec(p)?.[1] ?? '')),
].filter(Boolean)

const compiled = new Map<string, MessageFunction<string>>()

/**
 * vue-i18n's message compiler for our messages: text with {name} placeholders. Nothing else
 * is special (the message files have no @, | or $; tests/e2e/i18n_keys.test.mjs).
 */
export function compileMessage(source: unknown): MessageFunction<string> {
  const text = typeof source === 'string' ? source : ''
  let fn = compiled.get(text)
  if (!fn) {
    // split with a capture group: even indices are text, odd ones placeholder names.
    const parts = text.split(/\{(\w+)\}/)
    const value = (ctx: MessageContext<string>, name: string) => {
      const v = /^\d+$/.test(name) ? ctx.list(Number(name)) : ctx.named(name)
      return v == null ? '' : String(v)
    }
    fn = parts.length === 1 ? () => text : (ctx: MessageContext<string>) => parts.map((p, i) => (i % 2 ? value(ctx, p) : p)).join('')
    compiled.set(text, fn)
  }
  return fn
}

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
  // English arrives when chosen (loadCore); both have ja.json's keys.
  messages: { ja } as Record<Locale, typeof ja>,
  messageCompiler: compileMessage,
  missingWarn: false,
  fallbackWarn: false,
  // A key of a module whose words are not here yet (a page that forgot to list the module in
  // its routes.ts): load them; the text updates when they arrive.
  missing: (locale, key) => {
    const area = key.split('.')[0]
    if (messageAreas.includes(area) && locale === i18n.global.locale.value) {
      loadMessages([area], locale as Locale).catch(() => undefined)
    }
  },
})

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

// What is loaded or loading, by language: the core words and each module's.
const pending = new Map<string, Promise<void>>()

function once(id: string, load: () => Promise<void>): Promise<void> {
  let p = pending.get(id)
  if (!p) {
    p = load().catch((e: unknown) => {
      pending.delete(id) // Try again next time (a dropped connection).
      throw e
    })
    pending.set(id, p)
  }
  return p
}

/**
 * Adds words to language `l`. A new object rather than a merge into the old one: vue-i18n's
 * lookups notice a replaced language, not a key added inside it, so a page already showing
 * would keep a raw key.
 */
function addWords(l: Locale, words: Messages): void {
  i18n.global.setLocaleMessage(l, { ...i18n.global.getLocaleMessage(l), ...words } as typeof ja)
}

function loadCore(l: Locale): Promise<void> {
  if (l === 'ja') return Promise.resolve()
  return once(`${l}:`, async () => {
    const core = await cores[l]()
    // Module words that arrived first stay.
    i18n.global.setLocaleMessage(l, { ...core, ...i18n.global.getLocaleMessage(l) } as typeof ja)
  })
}

/**
 * Loads the words of these modules ('*': all of them) in language `l` (default: the current
 * one), and that language's core words. Resolves when they are there.
 */
export function loadMessages(areas: readonly string[] | '*', l: Locale = currentLocale()): Promise<void> {
  const list = areas === '*' ? messageAreas : areas.filter((a) => messageAreas.includes(a))
  return Promise.all([
    loadCore(l),
    ...list.map((area) =>
      once(`${l}:${area}`, async () => {
        const load = moduleFiles[`./modules/${area}.${l}.json`]
        if (!load) return
        const words = await load()
        await loadCore(l)
        addWords(l, { [area]: words })
      }),
    ),
  ]).then(() => undefined)
}

/** The modules whose words are loaded (or loading) in language `l`. */
function loadedAreas(l: Locale): string[] {
  const prefix = `${l}:`
  return [...pending.keys()].filter((k) => k.startsWith(prefix) && k.length > prefix.length).map((k) => k.slice(prefix.length))
}

/** Ready to show the first page: the chosen language's core words are here. */
export const localeReady: Promise<void> = loadCore(initialLocale()).catch(() => {
  // English did not load: show Japanese rather than nothing.
  i18n.global.locale.value = 'ja'
})

/**
 * Switches the UI language and remembers it in this browser, after loading that language's
 * words for everything shown so far (rejects, and keeps the language, if they cannot load).
 */
export async function applyLocale(l: Locale): Promise<void> {
  await loadMessages(loadedAreas(currentLocale()), l)
  i18n.global.locale.value = l
  document.documentElement.lang = l
  try {
    localStorage.setItem(LOCALE_KEY, l)
  } catch {
    // Ignore.
  }
}
