// The personal information register entry as the API returns it, and its lifecycle stages.

export const STAGES = ['acquire', 'transfer', 'use', 'store', 'dispose'] as const
export type Stage = (typeof STAGES)[number]

export const TEXT_FIELDS = [
  'name', 'items', 'purpose', 'storage_location', 'storage_method', 'access', 'use_until',
  'retention_until', 'subjects', 'acquisition', 'purpose_notice', 'consent', 'third_party',
  'contractor', 'disposal', 'notes',
  ...STAGES.flatMap((s) => [`lc_${s}_risks`, `lc_${s}_controls`]),
] as const

/** The seven columns JIS Q 15001 requires, in the order registers list them. */
export const REQUIRED = ['items', 'purpose', 'storage_location', 'storage_method', 'access', 'use_until', 'retention_until'] as const

export interface Pinfo extends Record<string, unknown> {
  id: number
  name: string
  department_id: number | null
  department_name: string | null
  record_count: number | null
  sensitive: boolean
  /** Holds My Numbers (特定個人情報). */
  mynumber: boolean
  direct_written: boolean
  subjects: string
  asset_ids: number[]
  assets: { id: number; name: string; classification_label: string }[]
  reviewed_on: string
  reviewed_by_name: string | null
  review_due: string
  review_overdue: boolean
  updated_at: string
  version: number
}
