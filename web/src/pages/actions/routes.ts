// The actions pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/actions',
    name: 'actions',
    component: () => import('./ActionListPage.vue'),
    meta: { perm: 'actions.work', title: 'actions.title' },
  },
  {
    path: '/actions/new',
    name: 'action-new',
    component: () => import('./ActionNewPage.vue'),
    meta: { perm: 'actions.write', title: 'actions.newTitle' },
  },
  {
    path: '/actions/:id(\\d+)',
    name: 'action',
    component: () => import('./ActionDetailPage.vue'),
    meta: { perm: 'actions.work', title: 'actions.detailTitle' },
    props: true,
  },
]

export const nav: NavEntry[] = [
  { order: 20, to: '/actions', label: 'actions.nav', perm: 'actions.work' },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['actions', 'workflow']
