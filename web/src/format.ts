// Dates and times as people in the organisation read them: in the organisation's time zone
// (GET /settings/public), in the UI language's format — 2026年11月22日 14:05 / Nov 22, 2026, 14:05.

import { session } from './session'
import { currentLocale } from './i18n'

const cache = new Map<string, Intl.DateTimeFormat>()

function fmt(kind: 'datetime' | 'date', tz: string): Intl.DateTimeFormat {
  const locale = currentLocale()
  const key = `${kind}|${locale}|${tz}`
  let f = cache.get(key)
  if (!f) {
    const opts: Intl.DateTimeFormatOptions = {
      timeZone: tz,
      year: 'numeric',
      month: locale === 'ja' ? 'long' : 'short',
      day: 'numeric',
    }
    if (kind === 'datetime') Object.assign(opts, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    try {
      f = new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-US', opts)
    } catch {
      // An unknown zone name from the server: fall back to UTC rather than fail the page.
      f = new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-US', { ...opts, timeZone: 'UTC' })
    }
    cache.set(key, f)
  }
  return f
}

/** An RFC 3339 instant, shown in the organisation's time zone. Empty for null. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return fmt('datetime', session.org.timezone).format(d)
}

/** A calendar date `YYYY-MM-DD` (no time zone: it is the same day everywhere). */
export function formatDate(day: string | null | undefined): string {
  if (!day) return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return day
  return fmt('date', 'UTC').format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])))
}

/** Offset (ms) of `tz` from UTC at instant `t`. */
function tzOffset(t: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(t))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return asUtc - Math.floor(t / 1000) * 1000
}

/**
 * The instant (RFC 3339, UTC) when calendar day `day` (YYYY-MM-DD) starts in the organisation's
 * time zone; `plusDays` moves to a later day (1 gives the end of `day`, exclusive).
 */
export function dayStartInOrgZone(day: string, plusDays = 0): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return ''
  const tz = session.org.timezone || 'UTC'
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3] + plusDays)
  let t = wall - tzOffset(wall, tz)
  t = wall - tzOffset(t, tz) // second pass settles days when the offset changes (DST)
  return new Date(t).toISOString().replace('.000Z', 'Z')
}

/** Items as a list in the UI language: 「A、B、C」 in Japanese, "A, B, C" in English. */
export function formatList(items: readonly string[]): string {
  return items.filter(Boolean).join(currentLocale() === 'ja' ? '、' : ', ')
}

/**
 * A month `YYYY-MM` in the UI language: 2026年1月 / Jan 2026, or without the year (1月 / Jan)
 * when `short` — never "1/26", which an English reader takes for 26 January.
 */
export function formatMonth(month: string, short = false): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month)
  if (!m) return month
  const ja = currentLocale() === 'ja'
  const opts: Intl.DateTimeFormatOptions = { timeZone: 'UTC', month: ja ? 'long' : 'short' }
  if (!short) opts.year = 'numeric'
  return new Intl.DateTimeFormat(ja ? 'ja-JP' : 'en-US', opts).format(new Date(Date.UTC(+m[1], +m[2] - 1, 1)))
}
