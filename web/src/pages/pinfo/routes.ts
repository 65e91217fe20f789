// The pinfo pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/pinfo',
    name: 'pinfo',
    component: () => import('./PinfoListPage.vue'),
    meta: { perm: 'pinfo.read', title: 'pinfo.title' },
  },
  {
    path: '/pinfo/new',
    name: 'pinfo-new',
    component: () => import('./PinfoPage.vue'),
    meta: { perm: 'pinfo.write', title: 'pinfo.newTitle' },
  },
  {
    path: '/pinfo/import',
    name: 'pinfo-import',
    component: () => import('../assets/ImportPage.vue'),
    meta: { perm: 'pinfo.write', title: 'pinfo.importTitle' },
    props: { register: 'pinfo' },
  },
  {
    path: '/pinfo/:id(\\d+)',
    name: 'pinfo-entry',
    component: () => import('./PinfoPage.vue'),
    meta: { perm: 'pinfo.read', title: 'pinfo.detailTitle' },
    props: true,
  },
]

export const nav: NavEntry[] = [
  { order: 50, to: '/pinfo', label: 'pinfo.nav', perm: 'pinfo.read' },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['assets', 'pinfo', 'risks']
