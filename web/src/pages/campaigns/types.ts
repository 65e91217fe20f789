// Campaigns (src/workflow/campaign.h) as the API shows them.
export interface Campaign {
  id: number
  kind: string
  title: string
  ref_id?: number | null
  starts_on: string
  due_on: string
  recurrence: 'once' | 'monthly' | 'yearly'
  status: 'running' | 'closed'
  cycle_start: string | null
  cycle_due: string | null
  totals: { total: number; done: number; overdue?: number }
  targets?: { target: string; kind: string; label?: string | null }[]
  progress?: { department: { id: number; name?: string } | null; total: number; done: number; overdue: number }[]
  can_manage?: boolean
  link?: string | null
  version?: number
}
