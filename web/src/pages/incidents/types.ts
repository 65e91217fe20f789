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
export type ReportKind =
  | 'ppc_preliminary'
  | 'ppc_final'
  | 'review_body_preliminary'
  | 'review_body'
  | 'subjects'
  | 'announce'
  | 'police'
/** The reports sent as documents (and kept as copies once done). */
export const DOCUMENT_KINDS = ['ppc_preliminary', 'ppc_final', 'review_body_preliminary', 'review_body'] as const
export type DocumentKind = (typeof DOCUMENT_KINDS)[number]
/** One word for a report's state, the same on every screen and printout. */
export type ReportStatus = 'pending' | 'done' | 'not_needed' | 'not_required'
export type ClockState = 'none' | 'not_required' | 'exempt' | 'contractor' | 'undetermined' | 'required'
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
  kind: 'reported' | 'status' | 'comment' | 'updated' | 'report' | 'action'
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
  status: ReportStatus
  due: string | null
  target: string | null
  /** 'promptly' when the date is when it turns overdue rather than a fixed limit. */
  due_rule: 'promptly' | null
  done_on: string | null
  note: string
  flag: Flag | null
  late: boolean
}

/** One reporting duty: to the PPC under one law, or to the review body. */
export interface ReportClock {
  state: ClockState
  reasons: string[]
  exempted: string[]
  preliminary: boolean
  preliminary_target: string | null
  preliminary_limit: string | null
  final_due: string | null
  final_days: number | null
  final_target: string | null
}

export interface PpcDecision extends ReportClock {
  mandatory: boolean
  undetermined: boolean
  exempt_encrypted: boolean
  discovered_on: string
  bases: (ReportClock & { law: 'appi' | 'mynumber' })[]
  review_body: boolean
  review_body_due: string | null
}

export interface ReviewBodyClock extends ReportClock {
  required: boolean
}

export interface RegisterLink {
  id: number
  name: string
  items: string
  record_count: number | null
  sensitive: boolean
  my_number: boolean
}

export interface Impact {
  involved: boolean
  items: string
  count: number | null
  sensitive: boolean
  financial: boolean
  unauthorised: boolean
  encrypted: boolean
  mynumber: boolean
  mn_network: boolean
  mn_public: boolean
  mn_misuse: boolean
  mn_unlawful: boolean
  mn_count: number | null
  media: string
  pinfo: RegisterLink[]
}

export interface ContractorFacts {
  handled_as_contractor: boolean
  client: string
  notified_on: string | null
}

export interface ReportFields {
  cause: string
  secondary_damage: string
  subject_response: string
  announcement: string
  prevention: string
  other_notes: string
  safeguards: string
  source: string
}

/** What kind of day a date is: weekday (0 Sunday) and why it is not a working day. */
export interface DayInfo {
  weekday: number
  off: 'saturday' | 'sunday' | 'holiday' | 'year_end' | null
  holiday_ja: string | null
  holiday_en: string | null
}

export interface ReportCopy {
  id: number
  kind: DocumentKind
  frozen_at: string
  done_on: string
  frozen_by: string | null
}

/** A report as a document (GET /incidents/{id}/document, or a frozen copy). */
export interface ReportDocument {
  form: 'ppc' | 'review_body'
  kind: DocumentKind
  title: string
  lang: 'ja' | 'en'
  items: { key: string; heading: string; value: string }[]
  text: string
  /** When the report is due (null when it is not required); not part of the form. */
  due: string | null
  /** The organisation's own earlier target, when it has one. */
  target: string | null
  copy_id?: number
  frozen_at?: string
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
  contractor?: ContractorFacts
  ppc?: PpcDecision
  review_body?: ReviewBodyClock
  reports?: ReportRow[]
  reports_outstanding?: number
  report?: ReportFields
  actions?: ActionSummary[]
  days?: Record<string, DayInfo>
  copies?: ReportCopy[]
  personal_details?: string | null
  notice_letter?: string | null
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
  pmark_number: string
  version: number
  updated_at: string
}
