// The incidents pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/incidents',
    name: 'incidents',
    component: () => import('./IncidentListPage.vue'),
    meta: { perm: 'incidents.report', title: 'incidents.title' },
  },
  {
    path: '/incidents/new',
    name: 'incident-new',
    component: () => import('./IncidentReportPage.vue'),
    // Opened on phones: only the words the form uses.
    meta: { perm: 'incidents.report', title: 'incidents.newTitle', messages: ['actions', 'incidents'] },
  },
  {
    path: '/incidents/trends',
    name: 'incident-trends',
    component: () => import('./IncidentTrendsPage.vue'),
    meta: { perm: 'incidents.report', title: 'incidents.trendsTitle' },
  },
  {
    path: '/incidents/settings',
    name: 'incident-settings',
    component: () => import('./IncidentSettingsPage.vue'),
    meta: { perm: 'incidents.manage', title: 'incidents.settingsTitle' },
  },
  {
    path: '/incidents/:id(\\d+)',
    name: 'incident',
    component: () => import('./IncidentDetailPage.vue'),
    meta: { perm: 'incidents.report', title: 'incidents.detailTitle' },
    props: true,
  },
  {
    path: '/incidents/:id(\\d+)/notice',
    name: 'incident-notice',
    component: () => import('./IncidentNoticePage.vue'),
    meta: { perm: 'incidents.manage', title: 'incidents.notice.title' },
    props: true,
  },
  {
    path: '/incidents/:id(\\d+)/print',
    name: 'incident-print',
    component: () => import('./IncidentPrintPage.vue'),
    meta: { perm: 'incidents.read', title: 'incidents.printTitle' },
    props: true,
  },
]

export const nav: NavEntry[] = [
  { order: 10, to: '/incidents', label: 'incidents.nav', perm: 'incidents.report' },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['actions', 'incidents', 'takeouts']
