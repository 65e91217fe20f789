// The campaigns overview (access reviews, checklists, pledges…), collected by router.ts/nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/campaigns',
    name: 'campaigns',
    component: () => import('./CampaignListPage.vue'),
    meta: { perm: 'campaigns.take', title: 'campaigns.title' },
  },
]

export const nav: NavEntry[] = [{ order: 72, to: '/campaigns', label: 'campaigns.nav', perm: 'campaigns.take', match: ['campaigns', 'access-review', 'access-review-new'] }]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['access', 'campaigns']
