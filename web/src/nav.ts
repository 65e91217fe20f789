// The areas in the main navigation, in order. A module adds one line; an entry shows only
// when the user holds its permission.

export interface NavItem {
  to: string
  /** i18n key of the label. */
  label: string
  perm?: string
  /** Route names that count as "inside" this area (for aria-current). */
  match: string[]
}

export const navItems: NavItem[] = [
  { to: '/', label: 'nav.home', match: ['home'] },
  { to: '/people', label: 'nav.people', perm: 'users.read', match: ['people', 'people-new', 'person'] },
  { to: '/departments', label: 'nav.departments', perm: 'departments.read', match: ['departments'] },
  { to: '/roles', label: 'nav.roles', perm: 'roles.read', match: ['roles', 'role', 'role-new'] },
  { to: '/audit', label: 'nav.audit', perm: 'audit.read', match: ['audit', 'audit-event'] },
  { to: '/settings', label: 'nav.settings', perm: 'settings.read', match: ['settings'] },
]
