// Between the request form's inputs and the API's body.
import type { AccountRequest, RequestModel } from './types'

export function emptyRequest(): RequestModel {
  return {
    kind: 'new', target_user_id: '', login: '', name: '', email: '', department_id: '',
    manager_id: '', employment_type: 'regular', roles: ['employee'], valid_until: '', purpose: '', reason: '',
  }
}

export function modelOf(r: AccountRequest): RequestModel {
  return {
    kind: r.kind,
    target_user_id: r.target ? String(r.target.id) : '',
    login: r.login ?? '',
    name: r.name ?? '',
    email: r.email ?? '',
    department_id: r.department ? String(r.department.id) : '',
    manager_id: r.manager ? String(r.manager.id) : '',
    employment_type: r.employment_type ?? 'regular',
    roles: r.roles ?? [],
    valid_until: r.valid_until ?? '',
    purpose: r.purpose,
    reason: r.reason,
  }
}

/** The body for the kind: only what that kind asks; empty inputs are "not given". */
export function bodyOf(m: RequestModel, creating: boolean): Record<string, unknown> {
  const id = (s: string) => (s ? Number(s) : null)
  const text = (s: string) => (s.trim() ? s.trim() : null)
  const b: Record<string, unknown> = {}
  if (creating) {
    b.kind = m.kind
    if (m.kind !== 'new' && m.target_user_id) b.target_user_id = Number(m.target_user_id)
  }
  if (m.kind === 'new') {
    Object.assign(b, { login: text(m.login), name: text(m.name), email: text(m.email), employment_type: m.employment_type })
  }
  if (m.kind === 'new' || m.kind === 'change') {
    Object.assign(b, { department_id: id(m.department_id), manager_id: id(m.manager_id), roles: m.roles.length ? m.roles : null, purpose: text(m.purpose) })
  }
  if (m.kind !== 'remove') b.valid_until = m.valid_until || null
  b.reason = text(m.reason)
  return b
}
