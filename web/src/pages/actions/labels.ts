// Words for the action area's coded values, and where an action came from.
import { i18n } from '../../i18n'
import type { Action } from './types'

const t = (k: string, p?: Record<string, unknown>) => (p ? i18n.global.t(k, p) : i18n.global.t(k))
const known = (k: string) => i18n.global.te(k) || i18n.global.te(k, 'ja')

/** A labeller for coded values under `prefix` (e.g. `actions.status`): the code itself when
 * there are no words for it, '' for none. */
export const word = (prefix: string) => (code: string | null | undefined) =>
  code ? (known(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code) : ''

export const actionKindLabel = word('actions.kind')
export const actionStatusLabel = word('actions.status')
export const sourceLabel = word('actions.source')
export const effectivenessLabel = word('actions.effectiveness')

export function actionStatusClass(s: string): string {
  if (s === 'closed') return 'tag-ok'
  if (s === 'cancelled') return 'tag-off'
  if (s === 'done') return 'tag-warn'
  return ''
}

/** "Incident No. 12" — the source in words, or '' for actions opened on their own. */
export function sourceLine(a: Pick<Action, 'source_type' | 'source_id'>): string {
  if (!a.source_id) return sourceLabel(a.source_type)
  return t('actions.sourceLine', { source: sourceLabel(a.source_type), id: a.source_id })
}

/** Where the source record lives in the UI, for the modules that have pages. */
export function sourceRoute(a: Pick<Action, 'source_type' | 'source_id'>): string | null {
  if (a.source_type === 'incident' && a.source_id) return `/incidents/${a.source_id}`
  if (a.source_type === 'finding' && a.source_id) return `/audit-findings/${a.source_id}`
  if (a.source_type === 'review' && a.source_id) return `/reviews/${a.source_id}`
  return null
}
