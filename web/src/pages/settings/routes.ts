// The settings pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/settings',
    name: 'settings',
    component: () => import('./SettingsPage.vue'),
    meta: { perm: 'settings.read', title: 'settings.title' },
  },
]

export const nav: NavEntry[] = [
  { order: 90, to: '/settings', label: 'nav.settings', perm: 'settings.read' },
]
