// The risks pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/risks',
    name: 'risks',
    component: () => import('./RiskListPage.vue'),
    meta: { perm: 'risks.read', title: 'risks.title' },
  },
  {
    path: '/risks/new',
    name: 'risk-new',
    component: () => import('./RiskPage.vue'),
    meta: { perm: 'risks.write', title: 'risks.newTitle' },
  },
  {
    path: '/risks/settings',
    name: 'risk-settings',
    component: () => import('./RiskSettingsPage.vue'),
    meta: { perm: 'risks.read', title: 'risks.settings.title' },
  },
  {
    path: '/risks/:id(\\d+)',
    name: 'risk',
    component: () => import('./RiskPage.vue'),
    meta: { perm: 'risks.read', title: 'risks.detailTitle' },
    props: true,
  },
  {
    path: '/soa',
    name: 'soa',
    component: () => import('./SoaPage.vue'),
    meta: { perm: 'soa.read', title: 'risks.soaTitle' },
  },
  {
    path: '/soa/versions/:id(\\d+)',
    name: 'soa-version',
    component: () => import('./SoaVersionPage.vue'),
    meta: { perm: 'soa.read', title: 'risks.versions.pageTitle' },
    props: true,
  },
  {
    path: '/soa/:id(\\d+)',
    name: 'soa-control',
    component: () => import('./SoaControlPage.vue'),
    meta: { perm: 'soa.read', title: 'risks.soaTitle' },
    props: true,
  },
]

export const nav: NavEntry[] = [
  { order: 60, to: '/risks', label: 'risks.nav', perm: 'risks.read' },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['approvals', 'assets', 'risks', 'workflow']
