// The policy library's routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  { path: '/policies', name: 'policies', component: () => import('./PolicyLibraryPage.vue'), meta: { perm: 'policies.read', title: 'policies.title' } },
  { path: '/policies/:id(\\d+)', name: 'policy', component: () => import('./PolicyPage.vue'), meta: { perm: 'policies.read', title: 'policies.detail' }, props: true },
  { path: '/policies/versions/:id(\\d+)', name: 'policy-version', component: () => import('./VersionPage.vue'), meta: { perm: 'policies.read', title: 'policies.version.title' }, props: true },
]

export const nav: NavEntry[] = [
  { order: 76, to: '/policies', label: 'policies.nav', perm: 'policies.read' },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['approvals', 'policies', 'training', 'workflow']
