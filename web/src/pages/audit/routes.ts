// The audit pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/audit',
    name: 'audit',
    component: () => import('./AuditListPage.vue'),
    meta: { perm: 'audit.read', title: 'audit.title' },
  },
  {
    path: '/audit/:seq(\\d+)',
    name: 'audit-event',
    component: () => import('./AuditEventPage.vue'),
    meta: { perm: 'audit.read', title: 'audit.eventTitle' },
    props: true,
  },
]

export const nav: NavEntry[] = [
  { order: 80, to: '/audit', label: 'nav.audit', perm: 'audit.read' },
]

// The module message files these pages use (web/src/i18n/modules/): all of them, since
// every module words its own audit actions (labels.ts). The router loads them before a page shows.
export const messages = '*' as const
