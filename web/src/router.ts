// Routes, and the one guard that decides where a visitor may go: signed out → sign-in;
// a pending gate (forced password change, MFA enrolment) → that page; a route's permission
// missing → the "not allowed" page. The server enforces all of this too; the guard only
// spares people a page that would refuse them.

import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { can, pendingGate, refreshSession, session, loadPublicSettings } from './session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean
    /** Permission the route needs. */
    perm?: string
    /** i18n key of the page title (document.title). */
    title?: string
    /** The page that clears a gate: reachable while that gate is pending. */
    gate?: 'password' | 'mfa'
    /** Shown without the app shell (sign-in and gate pages). */
    bare?: boolean
  }
}

const routes: RouteRecordRaw[] = [
  {
    path: '/signin',
    name: 'signin',
    component: () => import('./pages/auth/SignInPage.vue'),
    meta: { public: true, bare: true, title: 'signin.title' },
  },
  {
    path: '/password',
    name: 'password',
    component: () => import('./pages/auth/ChangePasswordPage.vue'),
    meta: { gate: 'password', title: 'password.title' },
  },
  {
    path: '/mfa/setup',
    name: 'mfa-setup',
    component: () => import('./pages/auth/MfaSetupPage.vue'),
    meta: { gate: 'mfa', title: 'mfa.setupTitle' },
  },
  {
    path: '/',
    name: 'home',
    component: () => import('./pages/home/HomePage.vue'),
    meta: { title: 'home.title' },
  },
  {
    path: '/account',
    name: 'account',
    component: () => import('./pages/account/AccountPage.vue'),
    meta: { title: 'account.title' },
  },
  {
    path: '/people',
    name: 'people',
    component: () => import('./pages/people/UserListPage.vue'),
    meta: { perm: 'users.read', title: 'people.title' },
  },
  {
    path: '/people/new',
    name: 'people-new',
    component: () => import('./pages/people/UserNewPage.vue'),
    meta: { perm: 'users.write', title: 'people.newTitle' },
  },
  {
    path: '/people/:id(\\d+)',
    name: 'person',
    component: () => import('./pages/people/UserDetailPage.vue'),
    meta: { perm: 'users.read', title: 'people.detailTitle' },
    props: true,
  },
  {
    path: '/departments',
    name: 'departments',
    component: () => import('./pages/people/DepartmentsPage.vue'),
    meta: { perm: 'departments.read', title: 'departments.title' },
  },
  {
    path: '/roles',
    name: 'roles',
    component: () => import('./pages/roles/RolesPage.vue'),
    meta: { perm: 'roles.read', title: 'roles.title' },
  },
  {
    path: '/roles/new',
    name: 'role-new',
    component: () => import('./pages/roles/RoleFormPage.vue'),
    meta: { perm: 'roles.write', title: 'roles.newTitle' },
  },
  {
    path: '/roles/:id(\\d+)',
    name: 'role',
    component: () => import('./pages/roles/RoleFormPage.vue'),
    meta: { perm: 'roles.read', title: 'roles.editTitle' },
    props: true,
  },
  {
    path: '/audit',
    name: 'audit',
    component: () => import('./pages/audit/AuditListPage.vue'),
    meta: { perm: 'audit.read', title: 'audit.title' },
  },
  {
    path: '/audit/:seq(\\d+)',
    name: 'audit-event',
    component: () => import('./pages/audit/AuditEventPage.vue'),
    meta: { perm: 'audit.read', title: 'audit.eventTitle' },
    props: true,
  },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('./pages/settings/SettingsPage.vue'),
    meta: { perm: 'settings.read', title: 'settings.title' },
  },
  {
    path: '/forbidden',
    name: 'forbidden',
    component: () => import('./pages/ForbiddenPage.vue'),
    meta: { title: 'forbidden.title' },
  },
  {
    path: '/:rest(.*)*',
    name: 'not-found',
    component: () => import('./pages/NotFoundPage.vue'),
    meta: { public: true, title: 'notFound.title' },
  },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (to, _from, saved) => saved ?? (to.hash ? { el: to.hash } : { top: 0 }),
})

let booted: Promise<void> | null = null

/** First visit: learn the organisation's settings and whether a session exists. */
function boot(): Promise<void> {
  if (!booted) {
    booted = Promise.all([loadPublicSettings(), refreshSession().catch(() => false)]).then(
      () => undefined,
    )
  }
  return booted
}

router.beforeEach(async (to) => {
  await boot()
  const user = session.user
  if (!user) {
    if (to.meta.public) return true
    return { name: 'signin', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  }
  if (to.name === 'signin') return { name: 'home' }

  const gate = pendingGate()
  if (gate === 'password' && to.name !== 'password') return { name: 'password' }
  if (gate === 'mfa' && to.name !== 'mfa-setup' && to.name !== 'password') {
    return { name: 'mfa-setup' }
  }
  if (to.meta.perm && !can(to.meta.perm)) return { name: 'forbidden' }
  return true
})
