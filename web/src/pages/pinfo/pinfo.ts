// The personal information register entry as the API returns it, and its lifecycle stages.

export const STAGES = ['acquire', 'transfer', 'use', 'store', 'dispose'] as const
export type Stage = (typeof STAGES)[number]

/** What each lifecycle stage records: the risks, the controls and the residual risk. */
export const STAGE_PARTS = ['risks', 'controls', 'residual'] as const

/** Provision to a third party: what APPI asks to be on record (required when provided). */
export const TP_FIELDS = ['tp_recipient', 'tp_when', 'tp_items', 'tp_consent'] as const
/** Provision to a third party abroad: the country and what the person was told. */
export const ABROAD_FIELDS = ['abroad_country', 'abroad_info'] as const

export const TEXT_FIELDS = [
  'name', 'items', 'purpose', 'storage_location', 'storage_method', 'access', 'use_until',
  'retention_until', 'subjects', 'acquisition', 'purpose_notice', 'consent', 'third_party',
  'contractor', 'disposal', 'notes', ...TP_FIELDS, ...ABROAD_FIELDS,
  ...STAGES.flatMap((s) => STAGE_PARTS.map((p) => `lc_${s}_${p}`)),
] as const

/** Yes/no facts of an entry. */
export const FLAGS = ['sensitive', 'direct_written', 'retained', 'my_number', 'tp_provided', 'abroad'] as const
export type Flag = (typeof FLAGS)[number]

export const PROCESSINGS = ['none', 'pseudonymised', 'anonymised'] as const

/** The seven columns JIS Q 15001:2023 (6.1) requires, in the order registers list them. */
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
  retained: boolean
  my_number: boolean
  tp_provided: boolean
  abroad: boolean
  processing: string
  subjects: string
  /** mamori's own data ("accounts", "training"…): registered and counted by mamori. */
  own: string | null
  asset_ids: number[]
  assets: { id: number; name: string; classification_label: string }[]
  reviewed_on: string
  reviewed_by_name: string | null
  review_due: string
  review_overdue: boolean
  updated_at: string
  version: number
}
