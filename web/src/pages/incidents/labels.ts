// Words for the incident area's coded values, shared by its pages. Unknown codes show as they
// are rather than as nothing.
import { i18n } from '../../i18n'
import { word } from '../actions/labels'

export const kindLabel = word('incidents.kind')
export const categoryLabel = word('incidents.category')
export const statusLabel = word('incidents.status')
export const severityLabel = word('incidents.severity')
export const reportKindLabel = word('incidents.reportKind')
export const reportStateLabel = word('incidents.reportState')
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
