// Policies and pledges (src/modules/policies) as the API shows them.
import type { Loc, MdNode } from '../training/training'
import type { Approval } from '../approvals/types'
import type { Move, TimelineEntry } from '../../workflow'

export type Category = 'basic_policy' | 'privacy_policy' | 'standard' | 'procedure' | 'internal_rule' | 'pledge'
export const CATEGORIES: Category[] = ['basic_policy', 'privacy_policy', 'standard', 'procedure', 'internal_rule', 'pledge']

export interface Rendered {
  ja: MdNode
  en: MdNode
}

export interface VersionSummary {
  id: number
  number: number
  status: string
  format: 'markdown' | 'pdf'
  effective_on: string | null
  published_at: string | null
  change_note: string
  created_at: string
}

export interface Policy {
  id: number
  code: string | null
  category: Category
  title: Loc
  on_hire: boolean
  on_exit: boolean
  hire_due_days: number
  published: {
    id: number
    number: number
    effective_on: string | null
    published_at: string | null
    format: 'markdown' | 'pdf'
    document?: Rendered
    file?: { name: string; size: number } | null
  } | null
  open_version?: { id: number; status: string } | null
  versions?: VersionSummary[]
  version: number
}

export interface PolicyVersion {
  id: number
  policy: { id: number; title: Loc; category: Category }
  number: number
  status: string
  format: 'markdown' | 'pdf'
  body: Loc
  document: Rendered
  file: { hash: string; name: string | null; size: number } | null
  change_note: string
  effective_on: string | null
  submitted_by: { id: number; name: string } | null
  published_at: string | null
  version: number
  editable: boolean
  allowed_transitions: Move[]
  approval: Approval | null
  timeline: TimelineEntry[]
}
