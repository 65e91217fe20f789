// The physical security logs' pages: visitor slips, the reception kiosk, the office log.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/visits',
    name: 'visits',
    component: () => import('./VisitListPage.vue'),
    meta: { perm: 'visits.register', title: 'visits.title' },
  },
  {
    path: '/visits/new',
    name: 'visit-new',
    component: () => import('./VisitNewPage.vue'),
    meta: { perm: 'visits.register', title: 'visits.newTitle' },
  },
  {
    path: '/visits/settings',
    name: 'visit-settings',
    component: () => import('./VisitSettingsPage.vue'),
    meta: { perm: 'visits.manage', title: 'visits.settings.title' },
  },
  {
    path: '/visits/kiosk',
    name: 'visit-kiosk-start',
    component: () => import('./KioskStartPage.vue'),
    meta: { perm: 'visits.manage', title: 'visits.kioskStart.title' },
  },
  {
    path: '/visits/:id(\\d+)',
    name: 'visit',
    component: () => import('./VisitPage.vue'),
    meta: { perm: 'visits.register', title: 'visits.detailTitle' },
    props: true,
  },
  {
    // The reception tablet: reachable without a person signed in (its own kiosk session).
    path: '/kiosk',
    name: 'kiosk',
    component: () => import('./KioskPage.vue'),
    meta: { public: true, bare: true, title: 'visits.kiosk.title' },
  },
  {
    path: '/office-log',
    name: 'office-log',
    component: () => import('./OfficeLogPage.vue'),
    meta: { perm: 'office_log.record', title: 'visits.office.title' },
  },
]

export const nav: NavEntry[] = [
  { order: 55, to: '/visits', label: 'visits.nav', perm: 'visits.register', match: ['visits', 'visit-new', 'visit', 'visit-settings', 'visit-kiosk-start'] },
  { order: 56, to: '/office-log', label: 'visits.office.nav', perm: 'office_log.record', match: ['office-log'] },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['visits', 'workflow']
