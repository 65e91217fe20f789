// Shapes of the visitor slips, sites and office log the API returns (docs/visits.md).
import type { Move, TimelineEntry } from '../../workflow'

export type VisitStatus = 'expected' | 'arrived' | 'departed' | 'cancelled'

export interface Ref {
  id: number
  name: string
}

export interface Visit {
  id: number
  status: VisitStatus
  source: 'advance' | 'reception' | 'kiosk'
  site: Ref | null
  host: Ref | null
  host_text: string
  visitor_name: string | null
  visitor_company: string | null
  purpose: string
  expected_arrival_at: string | null
  expected_departure_at: string | null
  arrived_at: string | null
  departed_at: string | null
  areas: string[]
  escorted: boolean
  badge_number: string | null
  badge_returned_at: string | null
  badge_out: boolean
  notice_accepted_at: string | null
  notice_version: number | null
  notice_locale: string | null
  kiosk_id: number | null
  created_by: Ref | null
  created_at: string
  updated_at: string
  version: number
  allowed_transitions?: (Move | string)[]
  timeline?: TimelineEntry[]
}

export interface Site {
  id: number
  name: string
  address: string
  manager: Ref | null
  track_closing: boolean
  active: boolean
  created_on: string
  version: number
}

export interface VisitSettings {
  notice_ja: string
  notice_en: string
  notice_version: number
  kiosk_idle_minutes: number
  version: number
}

/** What a kiosk's page knows: its site, the notice, its idle limit. */
export interface KioskConfig {
  id: number
  site: Ref | null
  notice_ja: string
  notice_en: string
  notice_version: number
  idle_timeout_s: number
}

export interface KioskAnswer {
  csrf_token: string
  kiosk: KioskConfig
}

export interface OfficeEntry {
  id: number
  by: Ref
  at: string
  windows?: boolean
  cabinets?: boolean
  pcs_off?: boolean
  alarm_set?: boolean
  note?: string
  late?: boolean
}

export interface OfficeDay {
  site_id: number
  site_name: string
  day: string
  opened: OfficeEntry | null
  closed: OfficeEntry | null
  opens: number
  closes: number
  working_day: boolean
  missing_close: boolean
}

export interface OfficeLog {
  sites: Site[]
  days: OfficeDay[]
  from: string
  to: string
  today: string
}

/** A visitor slip as its form holds it (times as datetime-local text, areas as one line). */
export interface VisitModel {
  visitor_name: string
  visitor_company: string
  purpose: string
  host_id: number | null
  site_id: number | null
  expected_arrival: string
  expected_departure: string
  areas: string
  escorted: boolean
  badge_number: string
}
