// The request form's model and the body the API takes (POST /takeouts, /requirements,
// /takeouts/{id}/resubmit). The server decides everything; this only shapes what was typed.
import { session } from '../../session'
import type { Candidate, ItemKind, Protection, Takeout } from './types'
import { PROTECTIONS } from './types'

/** Today in the organisation's time zone, YYYY-MM-DD (the server judges dates by it). */
export function orgToday(): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: session.org.timezone || 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
  } catch {
    return new Date().toISOString().slice(0, 10)
  }
}

/** One item on the form: from the registers (asset_id / pinfo_id) or described. */
export interface DraftItem {
  key: number
  kind: ItemKind
  asset_id?: number
  pinfo_id?: number
  label: string
  asset_tag: string
  medium: 'electronic' | 'paper'
  classification_id: number | ''
  has_pinfo: boolean
  sensitive: boolean
  /** What the register says (shown, not sent). */
  classText?: string
}

export interface TakeoutModel {
  purpose: string
  destination: string
  leave_on: string
  return_on: string
  repeating: boolean
  checker_id: number | ''
  protections: Record<Protection, boolean>
  items: DraftItem[]
}

let nextKey = 1

function noProtections(): Record<Protection, boolean> {
  return Object.fromEntries(PROTECTIONS.map((p) => [p, false])) as Record<Protection, boolean>
}

export function emptyModel(today: string): TakeoutModel {
  return { purpose: '', destination: '', leave_on: today, return_on: today, repeating: false, checker_id: '',
    protections: noProtections(), items: [] }
}

export function itemOfCandidate(c: Candidate, classText: string): DraftItem {
  return { key: nextKey++, kind: c.kind, asset_id: c.asset_id, pinfo_id: c.pinfo_id, label: c.label, asset_tag: '',
    medium: c.medium ?? 'electronic', classification_id: '', has_pinfo: c.has_pinfo, sensitive: !!c.sensitive, classText }
}

export function describedItem(kind: ItemKind): DraftItem {
  return { key: nextKey++, kind, label: '', asset_tag: '', medium: kind === 'paper' ? 'paper' : 'electronic',
    classification_id: '', has_pinfo: false, sensitive: false }
}

export function modelOf(t: Takeout): TakeoutModel {
  return {
    purpose: t.purpose, destination: t.destination, leave_on: t.leave_on, return_on: t.return_on,
    repeating: t.repeating, checker_id: t.checker.id, protections: { ...t.protections },
    items: (t.items ?? []).map((i) => ({
      key: nextKey++, kind: i.kind, asset_id: i.asset_id ?? undefined, pinfo_id: i.pinfo_id ?? undefined,
      label: i.label, asset_tag: i.asset_tag, medium: i.medium,
      classification_id: i.kind === 'asset' || i.kind === 'pinfo' ? '' : i.classification?.id ?? '',
      has_pinfo: i.has_pinfo, sensitive: i.sensitive, classText: i.classification?.label,
    })),
  }
}

export function itemBody(i: DraftItem): Record<string, unknown> {
  if (i.kind === 'asset') return { kind: i.kind, asset_id: i.asset_id }
  if (i.kind === 'pinfo') return { kind: i.kind, pinfo_id: i.pinfo_id, medium: i.medium }
  const b: Record<string, unknown> = { kind: i.kind, has_pinfo: i.has_pinfo || i.sensitive, sensitive: i.sensitive }
  if (i.label.trim()) b.label = i.label.trim()
  if (i.kind === 'device' && i.asset_tag.trim()) b.asset_tag = i.asset_tag.trim()
  if (i.kind === 'other') b.medium = i.medium
  if (i.classification_id !== '') b.classification_id = i.classification_id
  return b
}

/** The request body: every field for a request sent; for the dry run only what is filled. */
export function bodyOf(m: TakeoutModel, full: boolean): Record<string, unknown> {
  const b: Record<string, unknown> = { items: m.items.map(itemBody), repeating: m.repeating, ...m.protections }
  const text = { purpose: m.purpose.trim(), destination: m.destination.trim(), leave_on: m.leave_on, return_on: m.return_on }
  for (const [k, v] of Object.entries(text)) if (full || v) b[k] = v
  if (m.checker_id !== '') b.checker_id = m.checker_id
  else if (full) b.checker_id = null
  return b
}
