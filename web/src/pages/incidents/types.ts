// Shapes of the incident records the API returns (docs/incidents.md). Only what the UI reads.

export type IncidentKind = 'incident' | 'near_miss'
export const CATEGORIES = [
  'loss',
  'missend',
  'virus',
  'pc_abnormal',
  'service_stop',
  'malfunction',
  'rule_violation',
  'tampering',
  'complaint',
  'other',
] as const
export type Category = (typeof CATEGORIES)[number]
export const STATUSES = [
  'reported',
  'triage',
  'containment',
  'investigation',
  'action',
  'closed',
  'rejected',
  'duplicate',
] as const
export type IncidentStatus = (typeof STATUSES)[number]
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const
export type ReportKind = 'ppc_preliminary' | 'ppc_final' | 'review_body' | 'subjects' | 'announce' | 'police'
export type Flag = 'open' | 'soon' | 'missed'

export interface PersonRef {
  id: number
  name: string
}

export interface IncidentListItem {
  id: number
  kind: IncidentKind
  category: Category
  title: string
  status: IncidentStatus
  severity: string | null
  discovered_on: string
  discovered_at: string
  anonymous: boolean
  reporter: PersonRef | null
  reporter_hidden: boolean
  reporter_department: string | null
  is_mine: boolean
  assignee?: PersonRef | null
  ppc_mandatory?: boolean
  created_at: string
  updated_at: string
  version: number
}

export interface TimelineEntry {
  at: string
  actor: PersonRef | null
  by_reporter: boolean
  kind: 'reported' | 'status' | 'comment' | 'updated' | 'report' | 'action' | 'takeout'
  from_status: IncidentStatus | null
  to_status: IncidentStatus | null
  internal: boolean
  body: string | null
  data: Record<string, unknown>
}

export interface ReportRow {
  kind: ReportKind
  required: boolean
  state: 'pending' | 'done' | 'not_needed'
  due: string | null
  target: string | null
  done_on: string | null
  note: string
  flag: Flag | null
}

export interface PpcDecision {
  mandatory: boolean
  reasons: string[]
  exempt_encrypted: boolean
  discovered_on: string
  preliminary_target: string | null
  preliminary_limit: string | null
  final_due: string | null
  final_days: number | null
  review_body: boolean
  review_body_due: string | null
}

export interface Impact {
  involved: boolean
  items: string
  count: number | null
  sensitive: boolean
  financial: boolean
  unauthorised: boolean
  encrypted: boolean
}

export interface ReportFields {
  cause: string
  secondary_damage: string
  subject_response: string
  announcement: string
  prevention: string
  other_notes: string
}

export interface ActionSummary {
  id: number
  title: string
  status: string
  due_on: string
  overdue: boolean
  owner: PersonRef | null
  kind: string
}

export interface Incident extends IncidentListItem {
  description: string | null
  location: string
  affected: string
  occurred_at: string | null
  resolution: string | null
  duplicate_of: number | null
  closed_at: string | null
  closed_by: string | null
  allowed_transitions: IncidentStatus[]
  can_comment: boolean
  timeline: TimelineEntry[]
  impact?: Impact
  ppc?: PpcDecision
  reports?: ReportRow[]
  reports_outstanding?: number
  report?: ReportFields
  actions?: ActionSummary[]
  personal_details?: string | null
}

export interface Deadline {
  incident_id: number
  title: string
  report: ReportKind
  due: string | null
  target: string | null
  flag: Flag | null
  status: IncidentStatus
}

export interface Dashboard {
  today: string
  deadlines: Deadline[]
  awaiting_triage: { id: number; kind: IncidentKind; category: Category; title: string; discovered_on: string }[]
  open_by_status: Record<string, number>
  missed: number
}

export interface IncidentSettings {
  holds_pmark: boolean
  review_body: string
  review_body_days: number
  version: number
  updated_at: string
}
