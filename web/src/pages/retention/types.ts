// Shapes of the retention schedule, holds and purges the API returns (docs/retention.md).

export interface RetentionKind {
  kind: string
  label_ja: string
  label_en: string
  action: 'delete' | 'seal' | 'anonymise'
  months: number
  default_months: number
  min_months: number
  max_months: number
  basis_ja: string
  basis_en: string
  cutoff: string
  due: number
  held: number
  last_purge: { at: string; count: number } | null
  version: number
}

export interface Schedule {
  items: RetentionKind[]
  today: string
  active_holds: number
}

export interface Hold {
  id: number
  kind: string
  label_ja: string | null
  label_en: string | null
  record_id: number | null
  reason: string
  status: 'active' | 'lifted'
  placed_by: { id: number; name: string | null } | null
  placed_at: string
  lifted_by: { id: number; name: string | null } | null
  lifted_at: string | null
  lift_reason: string | null
  version: number
}

export interface Purge {
  id: number
  kind: string
  action: string
  at: string
  count: number
  first_id: number
  last_id: number
  months: number
  cutoff: string
  held: number
}
