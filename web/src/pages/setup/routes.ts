// The setup wizard's route, collected by router.ts (no navigation entry: it opens after the
// first sign-in and from the settings page).
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  {
    path: '/setup',
    name: 'setup',
    component: () => import('./SetupPage.vue'),
    meta: { perm: 'settings.write', title: 'setup.title' },
  },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['setup', 'training']
