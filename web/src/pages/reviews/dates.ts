// Calendar days in the organisation's time zone (not the browser's): the periods and dates the
// server counts by.
import { session } from '../../session'

/** "YYYY-MM-DD" of today in the organisation's zone, moved by `days` and `years`. */
export function orgDay(days = 0, years = 0): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: session.org.timezone || 'UTC', year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(new Date())
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  const d = new Date(Date.UTC(get('year') + years, get('month') - 1, get('day') + days))
  return d.toISOString().slice(0, 10)
}
