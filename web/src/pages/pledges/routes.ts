// The pledge pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  { path: '/pledges', name: 'pledges', component: () => import('./PledgesPage.vue'), meta: { perm: 'campaigns.take', title: 'pledges.title' } },
  { path: '/pledges/campaigns/:id(\\d+)', name: 'pledge-campaign', component: () => import('./PledgeCampaignPage.vue'), meta: { perm: 'campaigns.take', title: 'pledges.campaign.title' }, props: true },
  { path: '/pledges/items/:id(\\d+)', name: 'pledge-sign', component: () => import('./SignPage.vue'), meta: { perm: 'campaigns.take', title: 'pledges.sign.title' }, props: true },
  { path: '/pledges/acknowledgements/:id(\\d+)', name: 'pledge-record', component: () => import('./RecordPage.vue'), meta: { perm: 'campaigns.take', title: 'pledges.record.title' }, props: true },
  { path: '/pledges/status/:policy(\\d+)', name: 'pledge-status', component: () => import('./StatusPage.vue'), meta: { perm: 'pledges.read', title: 'pledges.status.title' }, props: true },
]

export const nav: NavEntry[] = [
  { order: 78, to: '/pledges', label: 'pledges.nav', perm: 'campaigns.take' },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['campaigns', 'checklists', 'pledges', 'training']
