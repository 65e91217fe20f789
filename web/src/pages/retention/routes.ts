// The retention pages: the schedule (保存期間), legal holds and the log of purges.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/retention',
    name: 'retention',
    component: () => import('./RetentionPage.vue'),
    meta: { perm: 'retention.read', title: 'retention.title' },
  },
]

export const nav: NavEntry[] = [
  { order: 85, to: '/retention', label: 'retention.nav', perm: 'retention.read' },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['retention']
