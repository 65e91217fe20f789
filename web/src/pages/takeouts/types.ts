// The take-out API's shapes (src/modules/takeouts): a request, its items, what it needs.
import type { Move, TimelineEntry } from '../../workflow'
import type { Approval } from '../approvals/types'

export type ItemKind = 'asset' | 'pinfo' | 'device' | 'paper' | 'other'
export type ItemState = 'pending' | 'out' | 'back' | 'missing'
export type Protection = 'encrypted' | 'password' | 'copy' | 'minimum' | 'by_hand'
export const PROTECTIONS: Protection[] = ['encrypted', 'password', 'copy', 'minimum', 'by_hand']
export const STATUSES = ['submitted', 'approved', 'out', 'checking', 'returned', 'sent_back', 'rejected',
  'withdrawn', 'cancelled', 'expired'] as const

export interface Person {
  id: number
  name: string
}

export interface Level {
  id: number
  position: number
  label_ja: string
  label_en: string
  encryption_required: boolean
}

export interface TakeoutItem {
  id: number
  position: number
  kind: ItemKind
  asset_id: number | null
  pinfo_id: number | null
  asset_tag: string
  label: string
  medium: 'electronic' | 'paper'
  classification: { id: number; label: string; label_en: string } | null
  highest: boolean
  has_pinfo: boolean
  sensitive: boolean
  state: ItemState
  overdue: boolean
  back_at: string | null
  back_by: Person | null
  missing_at: string | null
  missing_by: Person | null
  missing_note: string
  incident: { id: number; link: string } | null
}

export interface Requirement {
  protection: Protection
  required: boolean
  stated: boolean
  missing: boolean
  why: string[]
  items: number[]
}

/** What the server says a request needs (on a record, and from the dry run). */
export interface Assessment {
  requirements: Requirement[]
  missing: Protection[]
  officer_needed: boolean
  officer_why: string[]
  approvers: string[]
}

/** An item as the dry run resolves it (before it is stored). */
export interface ResolvedItem {
  kind: ItemKind
  label: string
  class_label: string
  class_label_en: string
  has_pinfo: boolean
  sensitive: boolean
  highest: boolean
}

export interface Requirements extends Assessment {
  items: ResolvedItem[]
  errors: { field: string; code: string; message: string }[]
}

export interface Takeout extends Partial<Assessment> {
  id: number
  status: string
  requester: Person
  department: Person | null
  checker: Person
  purpose: string
  destination: string
  leave_on: string
  return_on: string
  repeating: boolean
  back_on: string | null
  trip: number
  protections: Record<Protection, boolean>
  officer_needed: boolean
  left_at: string | null
  returned_at: string | null
  checked_by: Person | null
  checked_at: string | null
  item_count: number
  first_label: string
  top_class: { label: string; label_en: string } | null
  has_pinfo: boolean
  sensitive: boolean
  out_count: number
  missing_count: number
  overdue: boolean
  created_at: string
  updated_at: string
  version: number
  items?: TakeoutItem[]
  approval?: Approval | null
  timeline?: TimelineEntry[]
  allowed_transitions?: Move[]
  can_report_missing?: boolean
  is_mine?: boolean
}

/** A register entry the search offers. */
export interface Candidate {
  kind: 'asset' | 'pinfo'
  asset_id?: number
  pinfo_id?: number
  label: string
  asset_type?: string
  classification?: { id: number; label: string; label_en: string }
  has_pinfo: boolean
  sensitive?: boolean
  medium?: 'electronic' | 'paper'
}
