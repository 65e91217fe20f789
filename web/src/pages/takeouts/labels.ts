// Words for the take-out area's coded values.
import { i18n } from '../../i18n'
import { currentLocale } from '../../i18n'

const t = (k: string, p?: Record<string, unknown>) => (p ? i18n.global.t(k, p) : i18n.global.t(k))
const known = (k: string) => i18n.global.te(k) || i18n.global.te(k, 'ja')
const word = (prefix: string) => (code: string | null | undefined) =>
  code ? (known(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code) : ''

export const statusLabel = word('takeouts.status')
export const kindLabel = word('takeouts.kind')
export const stateLabel = word('takeouts.state')
export const protectionLabel = word('takeouts.protection')
export const whyLabel = word('takeouts.why')
export const approverLabel = word('takeouts.approver')

/** The reason a protection is asked for, in one line. */
export const protectionReason = (p: string) => t(`takeouts.reason.${p}`)

export function statusClass(s: string): string {
  if (s === 'returned' || s === 'approved') return 'tag-ok'
  if (s === 'out' || s === 'checking' || s === 'sent_back') return 'tag-warn'
  if (s === 'rejected' || s === 'withdrawn' || s === 'cancelled' || s === 'expired') return 'tag-off'
  return ''
}

/** A class label in the UI language. */
export function classLabel(c: { label?: string; label_en?: string; label_ja?: string } | null | undefined): string {
  if (!c) return ''
  const ja = c.label ?? c.label_ja ?? ''
  return currentLocale() === 'en' ? c.label_en || ja : ja
}

/** "顧客リスト ほか2点" — the first item and how many more. */
export function itemsLine(first: string, count: number): string {
  return count > 1 ? t('takeouts.andMore', { first, n: count - 1 }) : first
}
