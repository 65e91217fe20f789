// Risks and SoA controls as the API returns them.

export interface Risk {
  id: number
  asset_id: number | null
  pinfo_id: number | null
  target_type: 'asset' | 'pinfo'
  target_name: string | null
  department_name: string | null
  threat: string
  vulnerability: string
  likelihood: number
  impact: number
  level: number
  band: string
  treatment: string
  measures: string
  control_ids: number[]
  controls: { id: number; number: string; title_ja: string; title_en: string }[]
  residual_likelihood: number | null
  residual_impact: number | null
  residual_level: number | null
  residual_band: string | null
  owner_id: number | null
  owner_name: string | null
  accepted_by_name: string | null
  accepted_at: string | null
  /** The owner's reason for accepting the residual risk. */
  accept_comment: string | null
  review_on: string | null
  scale: number
  updated_at: string
  version: number
}

export interface Heatmap {
  scale: number
  basis: string
  total: number
  cells: { likelihood: number; impact: number; count: number; band: string }[]
}

export interface Control {
  id: number
  number: string
  theme: 'organizational' | 'people' | 'physical' | 'technological'
  title_ja: string
  title_en: string
  applicable: boolean
  justification: string
  status: string
  evidence: string
  risk_count: number
  risk_ids: number[]
  updated_at: string
  updated_by_name: string | null
  version: number
  risks?: Risk[]
}

/** A frozen version of the SoA (its controls only when one version is asked for). */
export interface SoaVersion {
  id: number
  number: number
  note: string
  state: 'pending' | 'approved' | 'rejected'
  applicable_count: number
  excluded_count: number
  created_by_name: string | null
  created_at: string
  decided_by_name: string | null
  decided_at: string | null
  decision_note: string
  version: number
  controls?: Pick<Control, 'number' | 'theme' | 'title_ja' | 'title_en' | 'applicable' | 'justification' | 'status' | 'evidence'>[]
}

export const THEMES = ['organizational', 'people', 'physical', 'technological'] as const
export const STATUSES = ['not_started', 'planned', 'partial', 'implemented'] as const
