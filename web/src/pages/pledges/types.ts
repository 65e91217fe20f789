// Pledges (src/modules/policies/pledges.c) as the API shows them.
import type { Loc, MdNode } from '../training/training'
import type { Campaign } from '../campaigns/types'
import type { Policy } from '../policies/types'

export interface PledgeItem {
  id: number
  campaign: { id: number; kind: string; title: string; status: string }
  cycle_start: string
  due_on: string
  status: 'pending' | 'done' | 'closed'
  overdue: boolean
  version: number
  person: string
  acknowledgement_id: number | null
  can_acknowledge: boolean
  policy: Policy
}

export interface PledgeCampaign extends Campaign {
  my_item: PledgeItem | null
  sees_progress: boolean
}

export interface Acknowledgement {
  id: number
  policy: { id: number; title: Loc }
  version: { id: number; number: number; effective_on: string | null; format: string; file_name: string | null; document: { ja: MdNode; en: MdNode } }
  person: { id: number; name: string; login: string; department: string | null; employment_type: string }
  occasion: 'hire' | 'exit' | 'yearly' | 'once'
  body_hash: string
  ip: string
  confirmed_with: string
  acknowledged_at: string
}

export interface StatusRow {
  user: { id: number; name: string; login: string }
  employment_type: string
  department: { id: number; name: string } | null
  state: 'current' | 'outdated' | 'never'
  acknowledgement: { id: number; number: number; acknowledged_at: string; occasion: string } | null
  pending: { due_on: string; overdue: boolean } | null
}

export interface PledgeSummary {
  id: number
  title: Loc
  on_hire: boolean
  on_exit: boolean
  published: { id: number; number: number; effective_on: string | null } | null
  people: number
  signed: number
}
