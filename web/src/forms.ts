// What every form does with the server's answer: keep what the user typed, show each field's
// error next to the field, say what went wrong in plain words, and disable submit while the
// request is in flight. Pages call useForm(fields) and wrap their request in `submit`.

import { reactive } from 'vue'
import { ApiError, type FieldError } from './api'
import { i18n } from './i18n'
import { session } from './session'

const t = (key: string, params?: Record<string, unknown>) =>
  params ? i18n.global.t(key, params) : i18n.global.t(key)
const te = (key: string) => i18n.global.te(key) || i18n.global.te(key, 'ja')

/**
 * A whole number as people type it: ASCII or full-width digits (１５００), thousands separators
 * (1,500 / 1，500), an optional minus sign, blanks around it. Returns the number, null for an
 * empty field, or undefined when the text is not a whole number ("約1,500件", "1.5", "1e3").
 */
export function parseWholeNumber(raw: unknown): number | null | undefined {
  if (raw === null || raw === undefined) return null
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : undefined
  const s = String(raw)
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[－−]/g, '-')
    .trim()
  if (s === '') return null
  if (!/^-?(\d{1,3}([,，]\d{3})+|\d+)$/.test(s)) return undefined
  const n = Number(s.replace(/[,，]/g, ''))
  return Number.isSafeInteger(n) ? n : undefined
}

/**
 * What a form sends for a number field: the number, null when the field is empty — and the
 * text itself when it is not a whole number, so that the server refuses it with a field error
 * instead of the entry being saved without the value. Bad input is never dropped silently.
 */
export function numberValue(raw: unknown): number | string | null {
  const n = parseWholeNumber(raw)
  return n === undefined ? String(raw).trim() : n
}

/** The field an error points at: `roles[2]` and `summary.x` belong to `roles` and `summary`. */
export function fieldKey(field: string): string {
  return field.split(/[.[]/)[0]
}

/**
 * Module error codes: a page of area `<area>` (e.g. `assets`) passes its area, and a code the
 * module words in `<area>.errors.<code>` (its own i18n file) is shown in those words before the
 * core's `errors.field.*` / `errors.code.*` are tried. The core never needs to know the code.
 */
function areaText(area: string | undefined, code: string): string | undefined {
  if (!area || !code) return undefined
  const key = `${area}.errors.${code}`
  return te(key) ? t(key) : undefined
}

/** A field error in the user's language: our text for known codes, else the server's words. */
export function fieldErrorText(e: FieldError, area?: string): string {
  const own = areaText(area, e.code)
  if (own) return own
  const key = `errors.field.${e.code}`
  if (te(key)) return t(key, { min: session.org.password_min_length })
  return e.message || t('errors.field.invalid')
}

/** A whole-request error in the user's language. */
export function problemText(e: unknown, area?: string): string {
  if (e instanceof ApiError) {
    const own = areaText(area, e.code)
    if (own) return own
    const key = `errors.code.${e.code}`
    if (te(key)) return t(key)
    return e.detail || e.title || t('errors.code.unknown')
  }
  return t('errors.code.unknown')
}

/** A whole-request error with every field error spelled out (for pages without fields). */
export function problemWithFields(e: unknown, area?: string): string {
  const head = problemText(e, area)
  if (!(e instanceof ApiError) || !e.errors.length) return head
  return [head, ...e.errors.map((fe) => `${fe.field}: ${fieldErrorText(fe, area)}`)].join(' ')
}

export interface Form {
  /** Error text per field name (absent when none). */
  errors: Record<string, string>
  /** Message for the whole form (shown above the buttons). */
  message: string
  /** True while a request is in flight. */
  sending: boolean
  /** The last error's code ('' when the last submit succeeded). */
  code: string
  clear: () => void
  /** Runs `fn`; on failure fills errors/message and returns undefined. */
  submit: <T>(fn: () => Promise<T>) => Promise<T | undefined>
}

/**
 * Form state for a form whose inputs are named `fields`. Errors for a field not in the list
 * are shown in the form's message so nothing the server says is lost. `area` (optional): the
 * module whose `<area>.errors.<code>` words its own codes.
 */
export function useForm(fields: string[], area?: string): Form {
  const f: Form = reactive({
    errors: {} as Record<string, string>,
    message: '',
    sending: false,
    code: '',
    clear,
    submit,
  })

  function clear() {
    for (const k of Object.keys(f.errors)) delete f.errors[k]
    f.message = ''
    f.code = ''
  }

  async function submit<T>(fn: () => Promise<T>): Promise<T | undefined> {
    if (f.sending) return undefined
    clear()
    f.sending = true
    try {
      return await fn()
    } catch (e) {
      if (e instanceof ApiError) {
        f.code = e.code
        if (e.handled) return undefined
        const stray: string[] = []
        for (const fe of e.errors) {
          const k = fieldKey(fe.field)
          const text = fieldErrorText(fe, area)
          if (fields.includes(k)) {
            f.errors[k] = f.errors[k] ? `${f.errors[k]} ${text}` : text
          } else {
            stray.push(`${fe.field}: ${text}`)
          }
        }
        if (e.errors.length && !stray.length) f.message = t('errors.checkFields')
        else f.message = [problemText(e, area), ...stray].join(' ')
      } else {
        f.code = 'unknown'
        f.message = problemText(e, area)
      }
      return undefined
    } finally {
      f.sending = false
    }
  }

  return f
}
