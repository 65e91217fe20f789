// The dashboard and the management reviews' pages, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/dashboard',
    name: 'dashboard',
    component: () => import('./DashboardPage.vue'),
    meta: { perm: 'reviews.read', title: 'reviews.dashboard.title' },
  },
  {
    path: '/reviews',
    name: 'reviews',
    component: () => import('./ReviewListPage.vue'),
    meta: { perm: 'reviews.read', title: 'reviews.title' },
  },
  {
    path: '/reviews/:id(\\d+)',
    name: 'review',
    component: () => import('./ReviewPage.vue'),
    meta: { perm: 'reviews.read', title: 'reviews.detailTitle' },
    props: true,
  },
]

export const nav: NavEntry[] = [
  { order: 3, to: '/dashboard', label: 'reviews.dashboard.nav', perm: 'reviews.read', match: ['dashboard'] },
  { order: 66, to: '/reviews', label: 'reviews.nav', perm: 'reviews.read', match: ['reviews', 'review'] },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['actions', 'approvals', 'internal_audit', 'reviews', 'workflow']
