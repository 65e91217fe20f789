// The roles pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/roles',
    name: 'roles',
    component: () => import('./RolesPage.vue'),
    meta: { perm: 'roles.read', title: 'roles.title' },
  },
  {
    path: '/roles/new',
    name: 'role-new',
    component: () => import('./RoleFormPage.vue'),
    meta: { perm: 'roles.write', title: 'roles.newTitle' },
  },
  {
    path: '/roles/:id(\\d+)',
    name: 'role',
    component: () => import('./RoleFormPage.vue'),
    meta: { perm: 'roles.read', title: 'roles.editTitle' },
    props: true,
  },
]

export const nav: NavEntry[] = [
  { order: 32, to: '/roles', label: 'nav.roles', perm: 'roles.read' },
]

// The module message files these pages use (web/src/i18n/modules/): all of them, since
// every module words its own permissions (labels.ts). The router loads them before a page shows.
export const messages = '*' as const
