// Small reference lists many pages need (departments, roles, people to pick as manager),
// fetched when a page asks and cached until something changes them.

import { api, type Page } from './api'
import { currentLocale } from './i18n'
import type { Department, Role, User } from './types'

let departments: Promise<Department[]> | null = null
let roles: Promise<Role[]> | null = null

export function loadDepartments(fresh = false): Promise<Department[]> {
  if (fresh || !departments) {
    departments = api.get<{ items: Department[] }>('/departments').then((r) => r.items)
    departments.catch(() => (departments = null))
  }
  return departments
}

export function loadRoles(fresh = false): Promise<Role[]> {
  if (fresh || !roles) {
    roles = api.get<{ items: Role[] }>('/roles').then((r) => r.items)
    roles.catch(() => (roles = null))
  }
  return roles
}

/** Forget cached lists (after a page changed one of them). */
export function invalidateLookups(): void {
  departments = null
  roles = null
}

/** A role's name in the UI language (its identifier when it has no label). */
export function roleLabel(r: Role | undefined, name: string): string {
  if (!r) return name
  return (currentLocale() === 'en' ? r.label_en : r.label_ja) || r.label_ja || r.label_en || name
}

/** Active people to choose a manager from; at most `max`, by following next_cursor. */
export async function loadPeopleChoices(max = 500): Promise<User[]> {
  const out: User[] = []
  let cursor: string | null = null
  do {
    const q = new URLSearchParams({ limit: '100', status: 'active' })
    if (cursor) q.set('cursor', cursor)
    const p: Page<User> = await api.get<Page<User>>(`/users?${q}`)
    out.push(...p.items)
    cursor = p.next_cursor
  } while (cursor && out.length < max)
  return out
}
