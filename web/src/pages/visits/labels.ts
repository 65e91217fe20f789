// Words and times for visitor slips: statuses, where a slip came from, and the organisation's
// local date and time of an instant (what datetime-local inputs show and give back).
import { i18n } from '../../i18n'
import { dayStartInOrgZone, formatDateTime } from '../../format'
import { session } from '../../session'
import type { Visit, VisitStatus } from './types'

const t = (k: string) => i18n.global.t(k)

export const statusLabel = (s: VisitStatus | string | null | undefined) => (s ? t(`visits.status.${s}`) : '')
export const statusClass = (s: VisitStatus | string) =>
  s === 'arrived' ? 'tag-ok' : s === 'expected' ? 'tag-warn' : 'tag-off'
export const sourceLabel = (s: string) => t(`visits.source.${s}`)

/** The moment that says most about a slip: its arrival, else when it is expected. */
export const visitTime = (v: Visit) => formatDateTime(v.arrived_at ?? v.expected_arrival_at)

/** The host as people know them: the user, or what the visitor typed at the kiosk. */
export const hostLine = (v: Visit) => v.host?.name ?? (v.host_text ? `${v.host_text} (${t('visits.hostUnknown')})` : t('visits.hostUnknown'))

/** `YYYY-MM-DDTHH:MM` in the organisation's zone (for an input), from an RFC 3339 instant. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: session.org.timezone || 'UTC',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(d)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`
}

/** The instant (RFC 3339, UTC) of a `YYYY-MM-DDTHH:MM` in the organisation's zone; null if empty. */
export function fromLocalInput(v: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(v)
  if (!m) return v ? v : null
  const start = dayStartInOrgZone(m[1])
  if (!start) return null
  const t0 = new Date(start).getTime() + (+m[2] * 60 + +m[3]) * 60000
  return new Date(t0).toISOString().replace('.000Z', 'Z')
}
