// Account requests, access reviews and offboarding, as the API shows them (docs/workflow.md).
import type { Move, TimelineEntry } from '../../workflow'
import type { Approval, Person } from '../approvals/types'

export type RequestKind = 'new' | 'change' | 'end' | 'remove'
export type RequestStatus = 'draft' | 'submitted' | 'approved' | 'done' | 'rejected' | 'sent_back' | 'withdrawn'

export interface AccountRequest {
  id: number
  kind: RequestKind
  requester: Person
  target: Person | null
  target_login?: string | null
  login: string | null
  name: string | null
  email: string | null
  department: Person | null
  manager: Person | null
  employment_type: string | null
  roles: string[] | null
  valid_until: string | null
  purpose: string
  reason: string
  status: RequestStatus
  done_by: Person | null
  done_at: string | null
  created_at: string
  updated_at: string
  version: number
  approval?: Approval | null
  timeline?: TimelineEntry[]
  allowed_transitions?: Move[]
  can_carry_out?: boolean
  initial_password?: string
}

export interface RoleChoice {
  name: string
  label_ja: string
  label_en: string
}

export interface ReviewItem {
  id: number
  subject: {
    id: number
    name: string
    login: string
    employment_type: string
    valid_until: string | null
    department: Person | null
    last_login_at: string | null
    status: string
    roles: RoleChoice[]
  }
  reviewer: Person
  status: 'pending' | 'done'
  due_on: string
  overdue: boolean
  answer: { decision: 'keep' | 'change'; remove_roles?: string[]; valid_until?: string | null; comment?: string } | null
  version: number
}

export interface Offboarding {
  id: number
  person: { id: number; name: string; login: string; status: string; employment_type: string }
  manager: Person | null
  leaving_on: string
  reason: string
  status: 'open' | 'done'
  items: Record<string, { state: 'open' | 'done' | 'not_applicable'; note?: string | null }>
  item_names: string[]
  note: string
  done_by: Person | null
  done_at: string | null
  version: number
  timeline?: TimelineEntry[]
  allowed_transitions?: Move[]
}

/** The request form's inputs, as the inputs hold them. */
export interface RequestModel {
  kind: RequestKind
  target_user_id: string
  login: string
  name: string
  email: string
  department_id: string
  manager_id: string
  employment_type: string
  roles: string[]
  valid_until: string
  purpose: string
  reason: string
}
