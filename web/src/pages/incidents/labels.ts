// Words for the incident area's coded values, shared by its pages. Unknown codes show as they
// are rather than as nothing.
import { i18n, currentLocale } from '../../i18n'
import { formatDate, formatList } from '../../format'
import { word } from '../actions/labels'
import type { DayInfo } from './types'

export const kindLabel = word('incidents.kind')
export const categoryLabel = word('incidents.category')
export const statusLabel = word('incidents.status')
export const severityLabel = word('incidents.severity')
export const reportKindLabel = word('incidents.reportKind')
export const reportStatusLabel = word('incidents.reportStatus')
export const fieldNameLabel = word('incidents.fieldName')
export const clockStateLabel = word('incidents.basisState')
export const lawLabel = word('incidents.law')
export const flagLabel = word('incidents.flag')
export const reasonLabel = word('incidents.reason')

/** CSS class of a status tag: finished ones are grey, fresh ones stand out. */
export function statusClass(s: string): string {
  if (s === 'closed') return 'tag-ok'
  if (s === 'rejected' || s === 'duplicate') return 'tag-off'
  if (s === 'reported') return 'tag-warn'
  return ''
}

export function flagClass(f: string | null | undefined): string {
  return f === 'missed' ? 'tag-danger' : f === 'soon' ? 'tag-warn' : ''
}

/** The immediate steps for a category (or near-misses), in the UI language. */
export function stepsFor(key: string): string[] {
  const list = i18n.global.tm(`incidents.steps.${key}`) as unknown
  if (!Array.isArray(list)) return []
  return list.map((m) => i18n.global.rt(m as Parameters<typeof i18n.global.rt>[0]))
}

/** The reasons of a decision as one line in the UI language. */
export function reasonsText(codes: string[] | undefined): string {
  return formatList((codes ?? []).map(reasonLabel))
}

/**
 * A deadline as people read it: the date with its weekday, and a mark when it falls on a
 * Saturday, Sunday, national holiday or the year-end closure — 2026年4月29日（水）祝日（昭和の日）.
 */
export function deadlineText(date: string | null | undefined, days?: Record<string, DayInfo>): string {
  if (!date) return ''
  const ja = currentLocale() === 'ja'
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!m) return date
  const weekday = new Intl.DateTimeFormat(ja ? 'ja-JP' : 'en-US', { weekday: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])),
  )
  let text = ja ? `${formatDate(date)}（${weekday}）` : `${weekday}, ${formatDate(date)}`
  const d = days?.[date]
  if (d?.off) {
    const name = (ja ? d.holiday_ja : d.holiday_en) ?? ''
    const off = i18n.global.t(`incidents.dayOff.${d.off}`, { name })
    text += ja ? `・${off}` : ` (${off})`
  }
  return text
}
