// The home pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'
import { setupPending } from '../setup/setup'

export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'home',
    component: () => import('./HomePage.vue'),
    meta: { title: 'home.title' },
    // An administrator's first arrival goes to the setup wizard until it is finished or skipped.
    beforeEnter: async () => ((await setupPending()) ? { name: 'setup' } : true),
  },
]

export const nav: NavEntry[] = [
  { order: 0, to: '/', label: 'nav.home' },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['incidents']
