// The internal audit as the API shows it (src/modules/internal_audit).
import type { Move, TimelineEntry } from '../../workflow'

export interface Named {
  id: number
  name?: string
}

export interface Programme {
  id: number
  year: number
  title: string
  objectives: string
  audits: number
  version: number
}

export interface AuditDepartment extends Named {
  manager: Named | null
  deputy: Named | null
}

export interface Audit {
  id: number
  programme: { id: number; year: number; title: string }
  title: string
  scope: string
  req_sets: string[]
  starts_on: string
  ends_on: string
  lead: Named
  auditors: (Named & { department: Named | null })[]
  departments: AuditDepartment[]
  status: string
  summary: string
  reported_at: string | null
  reported_by: Named | null
  closed_at: string | null
  version: number
  counts: { items: number; checked: number; major: number; minor: number; observation: number; findings_open: number }
  my_role?: 'lead' | 'auditor' | null
  allowed_transitions?: Move[]
  timeline?: TimelineEntry[]
}

export interface Attachment {
  id: number
  name: string
  content_type: string
  size: number
  uploaded_by: Named | null
  uploaded_at: string
}

export interface Item {
  id: number
  audit_id: number
  position: number
  set: string
  code: string
  title_ja: string
  title_en: string
  department: Named | null
  result: string | null
  evidence: string
  note: string
  checked_by: Named | null
  checked_at: string | null
  version: number
  attachments: Attachment[]
}

export interface Finding {
  id: number
  audit: { id: number; title: string; status: string }
  item_id: number | null
  item_code: string | null
  department: Named
  grade: string
  requirement: string
  statement: string
  evidence: string
  action: { id: number; status: string; due_on: string; owner: Named | null; overdue: boolean; effectiveness: string | null } | null
  status: string
  response_cause: string | null
  response_plan: string | null
  responded_by: Named | null
  responded_at: string | null
  version: number
}

export interface Requirement {
  id: number | null
  set: string
  code: string
  title_ja: string
  title_en: string
  active: boolean
  version: number | null
}

export interface Report {
  audit: Audit
  items: Item[]
  findings: Finding[]
  results: Record<string, number>
  generated_at: string
}
