// Risks and SoA controls as the API returns them.
import type { Approval } from '../approvals/types'
import type { TimelineEntry } from '../../workflow'

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

/** A frozen version of the SoA (its controls, approval and timeline only when one version is
 * asked for). Its approval is the workflow engine's, decided in the approvals inbox. */
export interface SoaVersion {
  id: number
  number: number
  note: string
  status: 'pending' | 'approved' | 'rejected' | 'sent_back' | 'withdrawn'
  applicable_count: number
  excluded_count: number
  created_by_name: string | null
  created_at: string
  created_by: number | null
  decided_by: number | null
  decided_by_name: string | null
  decided_at: string | null
  decision_note: string
  version: number
  controls?: Pick<Control, 'number' | 'theme' | 'title_ja' | 'title_en' | 'applicable' | 'justification' | 'status' | 'evidence'>[]
  approval?: Approval | null
  timeline?: TimelineEntry[]
}

/** The tag colour of a version's status. */
export const versionTag = (v: SoaVersion) =>
  v.status === 'approved' ? 'tag-ok' : v.status === 'pending' ? 'tag-warn' : 'tag-off'

export const THEMES = ['organizational', 'people', 'physical', 'technological'] as const
export const STATUSES = ['not_started', 'planned', 'partial', 'implemented'] as const
