// The home pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'home',
    component: () => import('./HomePage.vue'),
    meta: { title: 'home.title' },
  },
]

export const nav: NavEntry[] = [
  { order: 0, to: '/', label: 'nav.home' },
]
