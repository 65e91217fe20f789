// Between the action form's inputs and the API's body.
import type { Action, ActionModel } from './types'

export function emptyModel(): ActionModel {
  return { kind: 'corrective', title: '', cause: '', plan: '', owner_id: '', due_on: '', effectiveness_due: '' }
}

export function modelOf(a: Action): ActionModel {
  return {
    kind: a.kind,
    title: a.title,
    cause: a.cause,
    plan: a.plan,
    owner_id: String(a.owner.id),
    due_on: a.due_on,
    effectiveness_due: a.effectiveness_due ?? '',
  }
}

/** The body of a new action. Empty optional fields are left out. */
export function createBody(m: ActionModel): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: m.kind, title: m.title.trim() }
  if (m.cause.trim()) out.cause = m.cause.trim()
  if (m.plan.trim()) out.plan = m.plan.trim()
  if (m.owner_id) out.owner_id = Number(m.owner_id)
  if (m.due_on) out.due_on = m.due_on
  if (m.effectiveness_due) out.effectiveness_due = m.effectiveness_due
  return out
}

/** Only what changed, with the version it was based on. */
export function patchBody(a: Action, m: ActionModel): Record<string, unknown> {
  const out: Record<string, unknown> = { version: a.version }
  if (m.kind !== a.kind) out.kind = m.kind
  if (m.title.trim() !== a.title) out.title = m.title.trim()
  if (m.cause.trim() !== a.cause) out.cause = m.cause.trim()
  if (m.plan.trim() !== a.plan) out.plan = m.plan.trim()
  if (m.owner_id && Number(m.owner_id) !== a.owner.id) out.owner_id = Number(m.owner_id)
  if (m.due_on && m.due_on !== a.due_on) out.due_on = m.due_on
  if ((m.effectiveness_due || null) !== (a.effectiveness_due ?? null)) out.effectiveness_due = m.effectiveness_due || null
  return out
}
