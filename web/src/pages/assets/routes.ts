// The assets pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/assets',
    name: 'assets',
    component: () => import('./AssetListPage.vue'),
    meta: { perm: 'assets.read', title: 'assets.title' },
  },
  {
    path: '/assets/new',
    name: 'asset-new',
    component: () => import('./AssetPage.vue'),
    meta: { perm: 'assets.write', title: 'assets.newTitle' },
  },
  {
    path: '/assets/import',
    name: 'asset-import',
    component: () => import('./ImportPage.vue'),
    meta: { perm: 'assets.write', title: 'assets.importTitle' },
    props: { register: 'assets' },
  },
  {
    path: '/assets/classifications',
    name: 'asset-classifications',
    component: () => import('./ClassificationsPage.vue'),
    meta: { perm: 'assets.configure', title: 'assets.levels.title' },
  },
  {
    path: '/assets/:id(\\d+)',
    name: 'asset',
    component: () => import('./AssetPage.vue'),
    meta: { perm: 'assets.read', title: 'assets.detailTitle' },
    props: true,
  },
]

export const nav: NavEntry[] = [
  { order: 40, to: '/assets', label: 'assets.nav', perm: 'assets.read' },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['assets', 'risks']
