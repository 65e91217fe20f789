// The auth pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  {
    path: '/signin',
    name: 'signin',
    component: () => import('./SignInPage.vue'),
    meta: { public: true, bare: true, title: 'signin.title' },
  },
  {
    path: '/password',
    name: 'password',
    component: () => import('./ChangePasswordPage.vue'),
    meta: { gate: 'password', title: 'password.title' },
  },
  {
    path: '/mfa/setup',
    name: 'mfa-setup',
    component: () => import('./MfaSetupPage.vue'),
    meta: { gate: 'mfa', title: 'mfa.setupTitle' },
  },
]
