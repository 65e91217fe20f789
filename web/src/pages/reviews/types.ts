// Management reviews and the dashboard's figures as the API shows them (src/modules/reviews).
import type { Approval } from '../approvals/types'
import type { Move, TimelineEntry } from '../../workflow'

export interface Named {
  id: number
  name?: string
}

export interface Rate {
  assigned: number
  completed: number
  overdue: number
  percent: number
}

/** A part that another module brings: absent until that module is installed. */
export interface Optional {
  available?: boolean
}

export interface HeatCell {
  likelihood: number
  impact: number
  count: number
  band: string
}

export interface Heatmap {
  scale: number
  basis: string
  total: number
  cells: HeatCell[]
}

export interface Decision {
  id: number
  position: number
  kind: string
  body: string
  owner: Named | null
  due_on: string | null
  action: { id: number; status: string; due_on: string; overdue: boolean } | null
  version: number
}

export interface Inputs {
  period: { from: string; to: string }
  gathered_at: string
  live?: boolean
  training: {
    total: Rate
    by_department: (Rate & { department_id: number | null; department_name: string | null })[]
    by_employment_type: (Rate & { employment_type: string })[]
  }
  incidents: {
    incidents: number
    near_misses: number
    open: number
    ppc_mandatory: number
    ppc_reported: number
    review_body_reported: number
    personal_data: number
    by_month: { month: string; incidents: number; near_misses: number }[]
    by_category: { category: string; incidents: number; near_misses: number }[]
  }
  actions: { opened: number; open: number; overdue: number; awaiting_check: number; effective: number; not_effective: number; by_source: { source_type: string; opened: number }[] }
  audits: { audits: number; findings: number; major: number; minor: number; observation: number; unanswered: number; actions_open: number; by_department: { department_name: string; major: number; minor: number; observation: number }[] }
  checklists: Optional & { answers?: number; conforming?: number; nonconforming?: number; percent?: number }
  loans: Optional & { lent?: number; overdue?: number }
  takeouts: Optional & { out?: number; overdue?: number }
  registers: { total: { assets: number; assets_overdue: number; pinfo: number; pinfo_overdue: number }; by_department: { department_name: string; assets: number; assets_overdue: number; pinfo: number; pinfo_overdue: number }[] }
  risks: { total: number; above_acceptance: number; unaccepted: number; scale: number; acceptance_level: number; heatmap: Heatmap; residual_heatmap: Heatmap }
  previous_review: { id: number; title: string; period_from: string; period_to: string; held_on: string | null; decisions: Decision[] } | null
}

export interface Review {
  id: number
  title: string
  period_from: string
  period_to: string
  held_on: string | null
  attendees: string
  context_changes: string
  other_inputs: string
  summary: string
  status: string
  frozen: boolean
  frozen_at: string | null
  submitted_by: Named | null
  approved_at: string | null
  version: number
  figures?: Inputs
  decisions?: Decision[]
  approval?: Approval | null
  timeline?: TimelineEntry[]
  allowed_transitions?: Move[]
  editable?: boolean
}
