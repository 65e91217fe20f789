// Words for the internal audit's coded values.
import { word } from '../actions/labels'

export const auditStatusLabel = word('internal_audit.status')
export const resultLabel = word('internal_audit.result')
export const gradeLabel = word('internal_audit.grade')
export const setLabel = word('internal_audit.set')
export const findingStatusLabel = word('internal_audit.findingStatus')

export const RESULTS = ['conforms', 'minor', 'major', 'observation', 'not_audited'] as const
export const GRADES = ['minor', 'major', 'observation'] as const
export const SETS = ['jisq15001', 'iso27001', 'annex_a', 'own'] as const

export function resultClass(r: string | null): string {
  if (r === 'conforms') return 'tag-ok'
  if (r === 'major') return 'tag-danger'
  if (r === 'minor') return 'tag-warn'
  if (r === 'observation') return ''
  return 'tag-off'
}

export function auditStatusClass(s: string): string {
  if (s === 'closed') return 'tag-ok'
  if (s === 'cancelled') return 'tag-off'
  if (s === 'reported') return 'tag-warn'
  return ''
}
