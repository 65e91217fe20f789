// The approvals pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/approvals',
    name: 'approvals',
    component: () => import('./ApprovalsPage.vue'),
    meta: { perm: 'approvals.use', title: 'approvals.title' },
  },
  {
    path: '/approvals/:id(\\d+)',
    name: 'approval',
    component: () => import('./ApprovalPage.vue'),
    meta: { perm: 'approvals.use', title: 'approvals.detailTitle' },
    props: true,
  },
]

export const nav: NavEntry[] = [{ order: 5, to: '/approvals', label: 'approvals.nav', perm: 'approvals.use' }]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['approvals']
