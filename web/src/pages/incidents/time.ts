// Date-and-time inputs in the organisation's time zone: <input type="datetime-local"> holds a
// wall-clock time without a zone; the API wants RFC 3339 instants. The organisation's zone
// (not the browser's) is the one the deadlines are counted in.
import { dayStartInOrgZone } from '../../format'
import { session } from '../../session'

/** "YYYY-MM-DDTHH:mm" of an instant (default: now) in the organisation's zone. */
export function toLocalInput(iso?: string | null): string {
  const d = iso ? new Date(iso) : new Date()
  if (Number.isNaN(d.getTime())) return ''
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: session.org.timezone || 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00'
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`
}

/** The RFC 3339 instant of a "YYYY-MM-DDTHH:mm" wall-clock time in the organisation's zone. */
export function fromLocalInput(v: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/.exec(v)
  if (!m) return null
  const start = dayStartInOrgZone(m[1])
  if (!start) return null
  const t = new Date(start).getTime() + (Number(m[2]) * 60 + Number(m[3])) * 60000
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
