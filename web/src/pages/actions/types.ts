// Shapes of the corrective-action records the API returns (docs/actions.md).

export interface PersonRef {
  id: number
  name: string
}

export type ActionStatus = 'open' | 'in_progress' | 'done' | 'closed' | 'cancelled'

export interface HistoryEntry {
  at: string
  actor: PersonRef | null
  kind: string
  from_status: ActionStatus | null
  to_status: ActionStatus | null
  note: string | null
}

export interface Action {
  id: number
  source_type: string
  source_id: number | null
  source_title: string | null
  kind: 'corrective' | 'preventive'
  title: string
  cause: string
  plan: string
  owner: PersonRef
  due_on: string
  status: ActionStatus
  overdue: boolean
  result: string | null
  completed_at: string | null
  effectiveness_due: string | null
  effectiveness: 'effective' | 'not_effective' | null
  effectiveness_note: string | null
  checked_by: PersonRef | null
  checked_at: string | null
  created_by: PersonRef | null
  created_at: string
  updated_at: string
  version: number
  history?: HistoryEntry[]
  /** The moves the signed-in person may make now (the server decides). */
  allowed_transitions?: { to: ActionStatus; group?: string | null; comment_required?: boolean }[]
}

/** The fields of the action form, as the inputs hold them. */
export interface ActionModel {
  kind: 'corrective' | 'preventive'
  title: string
  cause: string
  plan: string
  owner_id: string
  due_on: string
  effectiveness_due: string
}
