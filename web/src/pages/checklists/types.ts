// Checklists (src/modules/checklists) as the API shows them.
import type { Loc } from '../training/training'
import type { Campaign } from '../campaigns/types'

export interface ChecklistItemDef {
  key?: string
  statement: Loc
  why?: Loc
  fix?: Loc
}

export interface ChecklistSection {
  title: Loc
  items: ChecklistItemDef[]
}

export interface ChecklistContent {
  sections: ChecklistSection[]
}

export interface Template {
  id: number
  code: string | null
  title: Loc
  description: Loc
  archived: boolean
  draft_changed: boolean
  current_version: { id: number; number: number; published_at: string; item_count: number } | null
  version: number
  content?: ChecklistContent
  versions?: { id: number; number: number; published_at: string; item_count: number; published_by: string | null }[]
}

export interface ChecklistVersion {
  id: number
  template_id: number
  number: number
  title: Loc
  description: Loc
  content: ChecklistContent
  item_count: number
}

export type Answer = 'yes' | 'no' | 'na'

export interface AnswerRow {
  id: number
  key: string
  answer: Answer
  comment: string
  action: { id: number; title: string; status: string } | null
}

export interface ChecklistItem {
  id: number
  campaign: { id: number; title: string; status: string; recurrence: string }
  cycle_start: string
  due_on: string
  status: 'pending' | 'done' | 'closed'
  overdue: boolean
  version: number
  answer: { answers: Record<string, { answer?: Answer; comment?: string }> } | null
  done_at: string | null
  subject: { id: number; name: string }
  department: { id: number; name: string } | null
  can_answer: boolean
  checklist: ChecklistVersion
  rows: AnswerRow[]
}

export interface ChecklistCampaign extends Campaign {
  checklist: ChecklistVersion
  my_item: ChecklistItem | null
  sees_answers: boolean
}

export interface PersonAnswers {
  id: number
  subject: { id: number; name: string }
  employment_type: string
  department: { id: number; name: string } | null
  status: 'pending' | 'done'
  due_on: string
  overdue: boolean
  done_at: string | null
  counts: { yes: number; no: number; na: number }
  noes: { id: number; key: string; comment: string; action: { id: number; status: string } | null }[]
}

export interface Point {
  cycle: string
  yes: number
  no: number
  na: number
  rate: number | null
}

export interface Conformance {
  cycles: string[]
  items: { key: string; statement: Loc; section: Loc; series: Point[] }[]
  departments: { department: { id: number; name: string } | null; series: Point[] }[]
  overall: Point[]
}
