// The approvals the workflow engine keeps (src/workflow/approval.h), as the API shows them.

export interface Person {
  id: number
  name?: string
}

export interface ApprovalStep {
  position: number
  kind: 'manager' | 'user' | 'permission'
  permission?: string | null
  approver: Person | null
  status: 'waiting' | 'pending' | 'approved' | 'rejected' | 'sent_back' | 'skipped'
  decided_by: Person | null
  decided_at: string | null
  comment?: string | null
  on_behalf_of: number | null
  escalated_from: Person | null
  activated_at: string | null
}

export interface Approval {
  id: number
  record_type: string
  record_id: number
  title: string
  requester: Person
  status: 'pending' | 'approved' | 'rejected' | 'sent_back' | 'withdrawn'
  current_step: number
  due_on: string | null
  overdue?: boolean
  created_at: string
  updated_at: string
  decided_at: string | null
  version: number
  steps?: ApprovalStep[]
  can_decide?: boolean
  can_withdraw?: boolean
  link?: string | null
  waiting_for?: { kind: string; permission: string | null; approver: Person | null } | null
}

export interface Delegation {
  id: number
  user: Person
  delegate: Person
  starts_on: string
  ends_on: string
  note: string
  active: boolean
}
