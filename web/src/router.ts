// Routes, and the one guard that decides where a visitor may go: signed out → sign-in;
// a pending gate (forced password change, MFA enrolment) → that page; a route's permission
// missing → the "not allowed" page. The server enforces all of this too; the guard only
// spares people a page that would refuse them.

import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import { can, pendingGate, refreshSession, session, loadPublicSettings } from './session'
import { loadMessages, localeReady } from './i18n'
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
    /** Module message files the page uses (default: its folder's `messages`); loaded before it shows. */
    messages?: readonly string[] | '*'
  }
}

// Each page folder declares its routes (and navigation entries) in pages/<area>/routes.ts;
// they are collected here, so adding an area never edits this file. A folder's `messages` names
// the module message files (web/src/i18n/modules/<area>.*.json) its pages use, '*' for all of
// them; tests/e2e/i18n_keys.test.mjs checks the list against the keys the pages name.
export interface PageModule {
  routes: RouteRecordRaw[]
  nav?: NavEntry[]
  messages?: readonly string[] | '*'
}
const found = import.meta.glob<PageModule>('./pages/*/routes.ts', { eager: true })
export const pageModules: PageModule[] = Object.keys(found)
  .sort()
  .map((k) => found[k])

const routes: RouteRecordRaw[] = [
  ...pageModules.flatMap((m) =>
    m.routes.map((r) => (m.messages && !r.meta?.messages ? { ...r, meta: { ...r.meta, messages: m.messages } } : r)),
  ),
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

/** Module message files the app shell (AppShell.vue and what it shows) uses. */
export const shellMessages = ['notifications']

/** The words of the page `to`, in the current language (after its core words). */
async function pageWords(to: RouteLocationNormalized): Promise<void> {
  await localeReady
  const lists = to.matched.map((r) => r.meta.messages ?? [])
  if (!to.meta.bare) lists.push(shellMessages)
  await loadMessages(lists.includes('*') ? '*' : lists.flat())
}

router.beforeEach(async (to) => {
  // The page's words start loading now, in parallel with the first visit's requests and the
  // page's code; beforeResolve waits for them.
  void pageWords(to).catch(() => undefined)
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

// A page whose words did not load still works (it shows their keys).
router.beforeResolve((to) => pageWords(to).catch(() => undefined))
