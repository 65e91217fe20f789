// The take-out pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/takeouts',
    name: 'takeouts',
    component: () => import('./TakeoutListPage.vue'),
    meta: { perm: 'takeouts.request', title: 'takeouts.title' },
  },
  {
    path: '/takeouts/new',
    name: 'takeout-new',
    component: () => import('./TakeoutNewPage.vue'),
    meta: { perm: 'takeouts.request', title: 'takeouts.newTitle' },
  },
  {
    path: '/takeouts/:id(\\d+)',
    name: 'takeout',
    component: () => import('./TakeoutPage.vue'),
    meta: { perm: 'takeouts.request', title: 'takeouts.title' },
    props: true,
  },
  {
    path: '/takeouts/:id(\\d+)/return',
    name: 'takeout-return',
    component: () => import('./TakeoutReturnPage.vue'),
    meta: { perm: 'takeouts.request', title: 'takeouts.title' },
    props: true,
  },
]

export const nav: NavEntry[] = [{ order: 15, to: '/takeouts', label: 'takeouts.nav', perm: 'takeouts.request' }]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['approvals', 'takeouts', 'workflow']
