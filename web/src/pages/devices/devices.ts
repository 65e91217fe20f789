// Devices, loans and removable media as the API shows them (src/modules/devices), and the words
// for their codes. The server decides every rule (flags, who may move what); these only show.
import { i18n } from '../../i18n'
import type { Approval } from '../approvals/types'
import type { Move, TimelineEntry } from '../../workflow'

const t = (k: string, p?: Record<string, unknown>) => (p ? i18n.global.t(k, p) : i18n.global.t(k))

export interface Person {
  id: number
  name?: string
}

export const DEVICE_KINDS = ['pc', 'smartphone', 'tablet', 'usb_memory', 'external_disk', 'sd_card', 'router', 'other'] as const
export const LOAN_KINDS = ['pc', 'smartphone', 'tablet', 'router', 'other'] as const
export const DEVICE_STATUSES = ['in_use', 'in_stock', 'on_loan', 'lost', 'disposed'] as const
export const SETTABLE_STATUSES = ['in_use', 'in_stock', 'lost'] as const
export const DISPOSAL_METHODS = ['destruction', 'erasure_service', 'overwrite'] as const
export const LOAN_STATUSES = ['submitted', 'approved', 'rejected', 'sent_back', 'withdrawn', 'cancelled', 'lent', 'returned'] as const
export const MEDIA_STATUSES = ['submitted', 'approved', 'rejected', 'sent_back', 'withdrawn', 'finished', 'expired'] as const

export interface Device {
  id: number
  asset_tag: string
  kind: string
  media: boolean
  model: string
  serial: string
  department_id: number | null
  department_name: string | null
  holder_id: number | null
  holder_name: string | null
  status: string
  os: string
  os_version: string
  patched_on: string | null
  antivirus: string
  definitions_on: string | null
  disk_encrypted: boolean
  bios_password: boolean
  screen_lock_minutes: number | null
  p2p_present: boolean
  wire_lock: boolean
  portable: boolean
  asset_id: number | null
  asset_name: string | null
  notes: string
  disposal: {
    method: string
    certificate_no?: string | null
    disposed_by?: string | null
    disposed_on?: string | null
    witness?: string | null
    note?: string | null
    recorded_by: Person | null
  } | null
  current_loan: { id: number; borrower: Person; starts_on: string; due_on: string; overdue: boolean } | null
  flags: string[]
  attention: boolean
  created_at: string
  updated_at: string
  version: number
  loans?: Loan[]
  media_requests?: MediaRequest[]
}

export interface DeviceChoice {
  id: number
  asset_tag: string
  kind: string
  model: string
}

export interface DeviceSettings {
  definitions_max_days: number
  patch_max_days: number
  screen_lock_max_minutes: number
  version: number
}

export interface Loan {
  id: number
  borrower: Person
  department_id: number | null
  department_name: string | null
  device: { id: number; asset_tag: string; kind: string; model: string } | null
  device_kind: string
  duty: string
  contact: string | null
  starts_on: string
  due_on: string
  status: string
  overdue: boolean
  requested_by: Person | null
  lent_at: string | null
  lent_on: string | null
  lent_by: Person | null
  lent_encrypted: boolean | null
  lent_definitions_on: string | null
  lent_software_ok: boolean | null
  lent_note: string | null
  returned_at: string | null
  returned_on: string | null
  returned_by: Person | null
  return_data_erased: boolean | null
  return_virus_scanned: boolean | null
  return_software_ok: boolean | null
  return_condition: string | null
  return_note: string | null
  version: number
  allowed_transitions?: Move[]
  approval?: Approval | null
  timeline?: TimelineEntry[]
}

export interface MediaRequest {
  id: number
  requester: Person
  department_name: string | null
  device: { id: number; asset_tag: string; kind: string; model: string }
  purpose: string
  data_description: string
  classification: { id: number; label_ja: string; label_en: string; position: number; encryption_required: boolean }
  personal_info: boolean
  encrypted: boolean
  password_protected: boolean
  starts_on: string
  ends_on: string
  privacy_review: boolean
  status: string
  in_use: boolean
  finished_at: string | null
  finish_note: string | null
  version: number
  allowed_transitions?: Move[]
  approval?: Approval | null
  timeline?: TimelineEntry[]
}

export interface Classification {
  id: number
  position: number
  label_ja: string
  label_en: string
  encryption_required: boolean
}

export const kindLabel = (k: string) => t(`devices.kind.${k}`)
export const deviceStatusLabel = (s: string) => t(`devices.status.${s}`)
export const flagLabel = (f: string) => t(`devices.flag.${f}`)
export const loanStatusLabel = (s: string) => t(`loans.status.${s}`)
export const mediaStatusLabel = (s: string) => t(`media.status.${s}`)
export const methodLabel = (m: string) => t(`devices.method.${m}`)
export const classLabel = (c: { label_ja: string; label_en: string }) =>
  i18n.global.locale.value === 'en' ? c.label_en : c.label_ja

/** What the flag asks the holder to do, with the organisation's thresholds. */
export function flagHelp(f: string, s: DeviceSettings | null): string {
  const n = f === 'definitions' ? s?.definitions_max_days : f === 'patches' ? s?.patch_max_days : undefined
  return t(`devices.flagHelp.${f}`, { n: n ?? '-' })
}

/** The device a loan is about: its asset tag, or the kind asked for. */
export const loanDevice = (l: Loan) => (l.device ? `${l.device.asset_tag}（${kindLabel(l.device.kind)}）` : kindLabel(l.device_kind))

/** The tag class of a loan's status. */
export const loanStatusClass = (l: Loan) =>
  l.overdue ? 'tag-danger' : l.status === 'lent' ? 'tag-warn' : l.status === 'returned' ? 'tag-off' : ''

export const yesNo = (b: boolean | null | undefined, area = 'loans') =>
  b === null || b === undefined ? '—' : b ? t(`${area}.yes`) : t(`${area}.no`)

/** A timeline entry of a loan or media request in words. */
export function timelineText(area: 'loans' | 'media', e: TimelineEntry): string {
  const status = (s?: string | null) => (s ? (area === 'loans' ? loanStatusLabel(s) : mediaStatusLabel(s)) : '')
  switch (e.kind) {
    case 'status':
      return t('loans.tl.status', { from: status(e.from_status), to: status(e.to_status) })
    case 'approval': {
      const d = String(e.data?.decision ?? '')
      return t('loans.tl.approval', { decision: d ? t(`loans.decision.${d}`) : '' })
    }
    case 'created':
    case 'updated':
    case 'approval_requested':
    case 'handover':
    case 'return':
    case 'escalated':
    case 'reassigned':
      return t(`loans.tl.${e.kind}`)
    default:
      return e.kind
  }
}

/** Today in the organisation's zone (Asia/Tokyo by default) as YYYY-MM-DD, for date inputs. */
export function todayISO(plusDays = 0): string {
  const d = new Date(Date.now() + plusDays * 86400000)
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(d)
}
