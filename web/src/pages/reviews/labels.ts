// Words for the management review's coded values.
import { word } from '../actions/labels'

export const reviewStatusLabel = word('reviews.status')
export const decisionKindLabel = word('reviews.decisionKind')
export const DECISION_KINDS = ['decision', 'instruction', 'improvement', 'change', 'resource'] as const

export function reviewStatusClass(s: string): string {
  if (s === 'approved') return 'tag-ok'
  if (s === 'submitted') return 'tag-warn'
  if (s === 'rejected') return 'tag-off'
  return ''
}
