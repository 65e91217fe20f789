// The checklist pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  { path: '/checklists', name: 'checklists', component: () => import('./ChecklistsPage.vue'), meta: { perm: 'campaigns.take', title: 'checklists.title' } },
  { path: '/checklists/templates/:id(\\d+)', name: 'checklist-template', component: () => import('./TemplateEditPage.vue'), meta: { perm: 'checklists.manage', title: 'checklists.editor.title' }, props: true },
  { path: '/checklists/campaigns/new', name: 'checklist-campaign-new', component: () => import('./CampaignNewPage.vue'), meta: { perm: 'checklists.manage', title: 'checklists.campaignNew.title' } },
  { path: '/checklists/campaigns/:id(\\d+)', name: 'checklist-campaign', component: () => import('./CampaignPage.vue'), meta: { perm: 'campaigns.take', title: 'checklists.campaign.title' }, props: true },
  { path: '/checklists/items/:id(\\d+)', name: 'checklist-item', component: () => import('./AnswerPage.vue'), meta: { perm: 'campaigns.take', title: 'checklists.answer.title' }, props: true },
]

export const nav: NavEntry[] = [
  { order: 74, to: '/checklists', label: 'checklists.nav', perm: 'campaigns.take' },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['campaigns', 'checklists', 'training']
