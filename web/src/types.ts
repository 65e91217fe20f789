// Shapes of the records the API returns (see the API reference). Only what the UI reads.

export type EmploymentType = 'regular' | 'contract' | 'dispatched' | 'part_time' | 'contractor'
export const EMPLOYMENT_TYPES: EmploymentType[] = [
  'regular',
  'contract',
  'dispatched',
  'part_time',
  'contractor',
]
export type UserStatus = 'active' | 'disabled'
export type Locale = 'ja' | 'en'

export interface User {
  id: number
  login: string
  name: string
  email: string | null
  department_id: number | null
  department_name: string | null
  manager_id: number | null
  manager_name: string | null
  employment_type: EmploymentType
  /** The dispatching agency (派遣元) of dispatched staff. */
  dispatch_agency?: string | null
  roles: string[]
  purpose: string
  valid_until: string | null
  status: UserStatus
  /** Why the account is disabled (manual, expired, idle), when it is. */
  disabled_reason?: string | null
  must_change_password: boolean
  mfa_enabled: boolean
  mfa_required: boolean
  locale: Locale
  last_login_at: string | null
  created_at: string
  updated_at: string
  version: number
}

/** The signed-in user, as GET/POST /session return it. */
export interface SessionUser extends User {
  permissions: string[]
  idle_timeout_s: number
}

export interface SessionAnswer {
  user: SessionUser
  csrf_token: string
}

export interface PublicSettings {
  org_name: string
  timezone: string
  password_min_length: number
}

export type SetupState = 'pending' | 'skipped' | 'done'

export interface Settings {
  version: number
  org_name: string
  org_address: string
  privacy_officer: string
  isms_officer: string
  pmark_number: string
  isms_certified: boolean
  isms_scope: string
  isms_body: string
  setup_state: SetupState
  timezone: string
  password_min_length: number
  password_history: number
  lockout_threshold: number
  lockout_minutes: number
  idle_timeout_privileged_min: number
  idle_timeout_min: number
  session_absolute_hours: number
  idle_disable_days: number
  approval_escalation_days: number
  year_end_closure: number
}

export interface Department {
  id: number
  name: string
  code: string | null
  manager_id: number | null
  manager_name?: string | null
  member_count?: number
  version: number
}

export interface Role {
  id: number
  name: string
  label_ja: string
  label_en: string
  builtin: boolean
  privileged: boolean
  mfa_required: boolean
  permissions: string[]
  member_count?: number
  version: number
}

export interface Permission {
  name: string
  area: string
}

export interface AuditEvent {
  seq: number
  at: string
  actor_id: number | null
  actor_login: string | null
  ip: string | null
  action: string
  object_type: string | null
  object_id: string | number | null
  summary: Record<string, unknown> | null
  hash: string
  prev_hash: string
  /** The actor is sealed (an anonymous near-miss report): shown only to incident managers. */
  anonymous?: boolean
}

/** The trail's latest event as recorded now (GET /audit/head), for operators to note. */
export interface AuditHead {
  seq: number
  hash: string
  /** "seq:hash", as `mamori audit verify --expect-head` takes it. */
  expect_head: string
}

export interface VerifyResult {
  intact: boolean
  count: number
  head: { seq: number; hash: string } | null
  first_bad: { seq: number; reason: string } | null
  /** The first event recorded with the key (1 unless the trail was keyed later). */
  keyed_from?: number
}
