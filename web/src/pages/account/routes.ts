// The account pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  {
    path: '/account',
    name: 'account',
    component: () => import('./AccountPage.vue'),
    meta: { title: 'account.title' },
  },
]
