// The devices pages' routes and navigation entries (the register, loans, removable media),
// collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  { path: '/devices', name: 'devices', component: () => import('./DeviceListPage.vue'), meta: { perm: 'devices.read', title: 'devices.title' } },
  { path: '/devices/new', name: 'device-new', component: () => import('./DevicePage.vue'), meta: { perm: 'devices.write', title: 'devices.newTitle' } },
  { path: '/devices/settings', name: 'device-settings', component: () => import('./DeviceSettingsPage.vue'), meta: { perm: 'devices.write', title: 'devices.settingsTitle' } },
  {
    path: '/devices/import',
    name: 'device-import',
    component: () => import('../assets/ImportPage.vue'),
    meta: { perm: 'devices.write', title: 'devices.importTitle' },
    props: { register: 'devices' },
  },
  { path: '/devices/:id(\\d+)', name: 'device', component: () => import('./DevicePage.vue'), meta: { perm: 'devices.read', title: 'devices.detailTitle' }, props: true },
  { path: '/loans', name: 'loans', component: () => import('./LoanListPage.vue'), meta: { perm: 'loans.request', title: 'loans.title' } },
  { path: '/loans/new', name: 'loan-new', component: () => import('./LoanFormPage.vue'), meta: { perm: 'loans.request', title: 'loans.newTitle' } },
  { path: '/loans/:id(\\d+)', name: 'loan', component: () => import('./LoanPage.vue'), meta: { perm: 'loans.request', title: 'loans.detailTitle' }, props: true },
  { path: '/loans/:id(\\d+)/edit', name: 'loan-edit', component: () => import('./LoanFormPage.vue'), meta: { perm: 'loans.request', title: 'loans.editTitle' }, props: true },
  { path: '/loans/:id(\\d+)/handover', name: 'loan-handover', component: () => import('./LoanHandoverPage.vue'), meta: { perm: 'loans.lend', title: 'loans.handover.title' }, props: true },
  { path: '/loans/:id(\\d+)/return', name: 'loan-return', component: () => import('./LoanReturnPage.vue'), meta: { perm: 'loans.request', title: 'loans.return.title' }, props: true },
  { path: '/media-requests', name: 'media', component: () => import('./MediaListPage.vue'), meta: { perm: 'media.request', title: 'media.title' } },
  { path: '/media-requests/new', name: 'media-new', component: () => import('./MediaFormPage.vue'), meta: { perm: 'media.request', title: 'media.newTitle' } },
  { path: '/media-requests/:id(\\d+)', name: 'media-request', component: () => import('./MediaPage.vue'), meta: { perm: 'media.request', title: 'media.detailTitle' }, props: true },
  { path: '/media-requests/:id(\\d+)/edit', name: 'media-edit', component: () => import('./MediaFormPage.vue'), meta: { perm: 'media.request', title: 'media.editTitle' }, props: true },
]

export const nav: NavEntry[] = [
  { order: 44, to: '/devices', label: 'devices.nav', perm: 'devices.read', match: ['devices', 'device-new', 'device-settings', 'device-import', 'device'] },
  { order: 45, to: '/loans', label: 'loans.nav', perm: 'loans.request', match: ['loans', 'loan-new', 'loan', 'loan-edit', 'loan-handover', 'loan-return'] },
  { order: 46, to: '/media-requests', label: 'media.nav', perm: 'media.request', match: ['media', 'media-new', 'media-request', 'media-edit'] },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['approvals', 'assets', 'devices', 'loans', 'media', 'risks', 'workflow']
