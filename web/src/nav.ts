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
  { to: '/incidents', label: 'incidents.nav', perm: 'incidents.report', match: ['incidents', 'incident-new', 'incident', 'incident-print', 'incident-trends', 'incident-settings'] },
  { to: '/actions', label: 'actions.nav', perm: 'actions.work', match: ['actions', 'action-new', 'action'] },
  { to: '/people', label: 'nav.people', perm: 'users.read', match: ['people', 'people-new', 'person'] },
  { to: '/departments', label: 'nav.departments', perm: 'departments.read', match: ['departments'] },
  { to: '/roles', label: 'nav.roles', perm: 'roles.read', match: ['roles', 'role', 'role-new'] },
  { to: '/assets', label: 'assets.nav', perm: 'assets.read', match: ['assets', 'asset', 'asset-new', 'asset-import', 'asset-classifications'] },
  { to: '/pinfo', label: 'pinfo.nav', perm: 'pinfo.read', match: ['pinfo', 'pinfo-entry', 'pinfo-new', 'pinfo-import'] },
  { to: '/risks', label: 'risks.nav', perm: 'risks.read', match: ['risks', 'risk', 'risk-new', 'soa', 'soa-control', 'risk-settings'] },
  { to: '/training', label: 'training.nav', perm: 'training.take', match: ['training', 'training-course', 'training-lesson', 'training-attempt', 'training-certificate', 'training-manage', 'training-course-edit', 'training-assignments', 'training-roster', 'training-person'] },
  { to: '/audit', label: 'nav.audit', perm: 'audit.read', match: ['audit', 'audit-event'] },
  { to: '/settings', label: 'nav.settings', perm: 'settings.read', match: ['settings'] },
]
