// Routes, and the one guard that decides where a visitor may go: signed out → sign-in;
// a pending gate (forced password change, MFA enrolment) → that page; a route's permission
// missing → the "not allowed" page. The server enforces all of this too; the guard only
// spares people a page that would refuse them.

import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { can, pendingGate, refreshSession, session, loadPublicSettings } from './session'
import type { NavEntry } from './nav'

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

// Each page folder declares its routes (and navigation entries) in pages/<area>/routes.ts;
// they are collected here, so adding an area never edits this file.
export interface PageModule {
  routes: RouteRecordRaw[]
  nav?: NavEntry[]
}
const found = import.meta.glob<PageModule>('./pages/*/routes.ts', { eager: true })
export const pageModules: PageModule[] = Object.keys(found)
  .sort()
  .map((k) => found[k])

const routes: RouteRecordRaw[] = [
  ...pageModules.flatMap((m) => m.routes),
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
