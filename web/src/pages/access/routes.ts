// The access pages' routes and navigation entries: account requests, access reviews and
// offboarding (collected by router.ts and nav.ts).
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/account-requests',
    name: 'account-requests',
    component: () => import('./AccountRequestListPage.vue'),
    meta: { perm: 'approvals.use', title: 'access.requests.title' },
  },
  {
    path: '/account-requests/new',
    name: 'account-request-new',
    component: () => import('./AccountRequestNewPage.vue'),
    meta: { perm: 'account_requests.create', title: 'access.requests.newTitle' },
  },
  {
    path: '/account-requests/:id(\\d+)',
    name: 'account-request',
    component: () => import('./AccountRequestPage.vue'),
    meta: { perm: 'approvals.use', title: 'access.requests.detailTitle' },
    props: true,
  },
  {
    path: '/access-reviews/new',
    name: 'access-review-new',
    component: () => import('./AccessReviewNewPage.vue'),
    meta: { perm: 'campaigns.manage', title: 'access.review.newTitle' },
  },
  {
    path: '/access-reviews/:id(\\d+)',
    name: 'access-review',
    component: () => import('./AccessReviewPage.vue'),
    meta: { perm: 'campaigns.take', title: 'access.review.title' },
    props: true,
  },
  {
    path: '/offboardings',
    name: 'offboardings',
    component: () => import('./OffboardingListPage.vue'),
    meta: { perm: 'offboarding.work', title: 'access.offboarding.title' },
  },
  {
    path: '/offboardings/:id(\\d+)',
    name: 'offboarding',
    component: () => import('./OffboardingPage.vue'),
    meta: { perm: 'offboarding.work', title: 'access.offboarding.detailTitle' },
    props: true,
  },
]

export const nav: NavEntry[] = [
  { order: 33, to: '/account-requests', label: 'access.nav.requests', perm: 'account_requests.create', match: ['account-requests', 'account-request-new', 'account-request'] },
  { order: 34, to: '/offboardings', label: 'access.nav.offboarding', perm: 'offboarding.work', match: ['offboardings', 'offboarding'] },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['access', 'approvals', 'campaigns', 'workflow']
