// Between a visitor slip and its form: what the form starts with, and the bodies it sends.
import type { Visit, VisitModel } from './types'
import { fromLocalInput, toLocalInput } from './labels'

export function emptyModel(): VisitModel {
  return {
    visitor_name: '', visitor_company: '', purpose: '', host_id: null, site_id: null,
    expected_arrival: '', expected_departure: '', areas: '', escorted: false, badge_number: '',
  }
}

export function modelOf(v: Visit): VisitModel {
  return {
    visitor_name: v.visitor_name ?? '',
    visitor_company: v.visitor_company ?? '',
    purpose: v.purpose,
    host_id: v.host?.id ?? null,
    site_id: v.site?.id ?? null,
    expected_arrival: toLocalInput(v.expected_arrival_at),
    expected_departure: toLocalInput(v.expected_departure_at),
    areas: v.areas.join('、'),
    escorted: v.escorted,
    badge_number: v.badge_number ?? '',
  }
}

/** Areas typed as one line: split at commas (either width) and 、. */
export const areasOf = (s: string) => s.split(/[,，、]/).map((a) => a.trim()).filter(Boolean)

/** The fields both registering and editing send. */
export function bodyOf(m: VisitModel): Record<string, unknown> {
  return {
    visitor_name: m.visitor_name.trim(),
    visitor_company: m.visitor_company.trim() || null,
    purpose: m.purpose.trim(),
    site_id: m.site_id,
    expected_arrival_at: fromLocalInput(m.expected_arrival),
    expected_departure_at: fromLocalInput(m.expected_departure),
    areas: areasOf(m.areas),
    escorted: m.escorted,
    badge_number: m.badge_number.trim() || null,
  }
}
