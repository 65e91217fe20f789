// What the three register areas (assets, pinfo, risks) share in the UI: record shapes, the
// choices and their labels and the wording of import problems (exports: ExportButtons).

import { i18n } from '../../i18n'

const t = (key: string, params?: Record<string, unknown>) =>
  params ? i18n.global.t(key, params) : i18n.global.t(key)
const te = (key: string) => i18n.global.te(key) || i18n.global.te(key, 'ja')

export const ASSET_TYPES = ['data', 'paper', 'software', 'hardware', 'cloud', 'people'] as const
export const TREATMENTS = ['reduce', 'avoid', 'transfer', 'accept'] as const

export interface Classification {
  id: number
  position: number
  label_ja: string
  label_en: string
  version: number
  encryption_required: boolean
  /** How many assets are classified at this level (a used level cannot be removed). */
  assets: number
}

export interface Asset {
  id: number
  name: string
  asset_type: string
  department_id: number | null
  department_name: string | null
  custodian: string
  location: string
  classification_id: number
  classification_label: string
  classification_label_en: string
  encryption_required: boolean
  c: number
  i: number
  a: number
  value: number
  has_pinfo: boolean
  retention: string
  disposal: string
  access: string
  notes: string
  reviewed_on: string
  reviewed_by_name: string | null
  review_due: string
  review_overdue: boolean
  created_at: string
  updated_at: string
  version: number
}

export interface ImportRowError {
  row: number
  column: string
  field: string
  code: string
  message: string
}

export interface ImportResult {
  dry_run: boolean
  encoding: string
  rows: number
  valid: number
  imported: number
  error_count: number
  ok: boolean
  errors: ImportRowError[]
}

/** A classification's label in the UI language. */
export function classLabel(c: { label_ja?: string; label_en?: string; classification_label?: string; classification_label_en?: string }): string {
  const ja = c.label_ja ?? c.classification_label ?? ''
  const en = c.label_en ?? c.classification_label_en ?? ''
  return i18n.global.locale.value === 'en' ? en || ja : ja || en
}

export function assetTypeLabel(v: string): string {
  return te(`assets.type.${v}`) ? t(`assets.type.${v}`) : v
}

export function treatmentLabel(v: string): string {
  return te(`risks.treatment.${v}`) ? t(`risks.treatment.${v}`) : v
}

export function bandLabel(v: string | null): string {
  return v && te(`risks.band.${v}`) ? t(`risks.band.${v}`) : ''
}

/** A row error of an import in the user's language (the server's words as fallback). */
export function importErrorText(e: ImportRowError): string {
  const key = `assets.importErr.${e.code}`
  if (te(key)) return t(key)
  const core = `errors.field.${e.code}`
  if (te(core)) return t(core)
  return e.message
}
