// Who is signed in, what the organisation is called and which time zone it keeps, and the
// idle clock. One reactive store shared by every page; the server stays the authority on all
// of it (the UI only mirrors GET /session and GET /settings/public).

import { reactive, readonly } from 'vue'
import { api, ApiError, setCsrfToken } from './api'
import type { PublicSettings, SessionAnswer, SessionUser } from './types'

interface State {
  user: SessionUser | null
  org: PublicSettings
  /** Set once the first GET /session has answered (or failed). */
  ready: boolean
  /** Time (ms) of the last answered API call, shared across tabs through localStorage. */
  lastActivity: number
}

const ACTIVITY_KEY = 'mamori.lastActivity'

const state = reactive<State>({
  user: null,
  org: { org_name: '', timezone: 'Asia/Tokyo', password_min_length: 8 },
  ready: false,
  lastActivity: Date.now(),
})

export const session = readonly(state)

/** True when the signed-in user holds `perm`. */
export function can(perm: string | undefined): boolean {
  if (!perm) return true
  return !!state.user && state.user.permissions.includes(perm)
}

/** The gate the user must clear before anything else, if any. */
export function pendingGate(): 'password' | 'mfa' | null {
  const u = state.user
  if (!u) return null
  if (u.must_change_password) return 'password'
  if (u.mfa_required && !u.mfa_enabled) return 'mfa'
  return null
}

export function setSession(a: SessionAnswer): void {
  state.user = a.user
  setCsrfToken(a.csrf_token)
  markActivity()
}

/** The server answered with a gate code: mirror it so the guard sends the user there. */
export function markGate(code: 'password_change_required' | 'mfa_enrollment_required'): void {
  if (!state.user) return
  if (code === 'password_change_required') state.user.must_change_password = true
  else {
    state.user.mfa_required = true
    state.user.mfa_enabled = false
  }
}

/** Mirror a change the user made to their own record (PATCH /me, MFA on/off). */
export function updateSessionUser(u: Partial<SessionUser>): void {
  if (state.user) Object.assign(state.user, u)
}

export function clearSession(): void {
  state.user = null
  setCsrfToken('')
}

/** Reads the public settings; failure keeps the defaults (the page still works). */
export async function loadPublicSettings(): Promise<void> {
  try {
    const s = await api.get<PublicSettings>('/settings/public', { passive: true, own401: true })
    state.org = { ...state.org, ...s }
  } catch {
    // Keep defaults.
  }
}

/** Asks the server who is signed in. Returns false when nobody is. */
export async function refreshSession(): Promise<boolean> {
  try {
    const a = await api.get<SessionAnswer>('/session', { own401: true })
    setSession(a)
    return true
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      clearSession()
      return false
    }
    throw e
  } finally {
    state.ready = true
  }
}

export function markActivity(): void {
  state.lastActivity = Date.now()
  try {
    localStorage.setItem(ACTIVITY_KEY, String(state.lastActivity))
  } catch {
    // Private mode: the clock stays per tab.
  }
}

// Another tab's API calls keep this tab's session alive too.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (ev) => {
    if (ev.key === ACTIVITY_KEY && ev.newValue) {
      const t = Number(ev.newValue)
      if (t > state.lastActivity) state.lastActivity = t
    }
  })
}

/** Seconds left before the server ends the session for inactivity (null when signed out). */
export function idleSecondsLeft(now = Date.now()): number | null {
  if (!state.user || !state.user.idle_timeout_s) return null
  return Math.round(state.user.idle_timeout_s - (now - state.lastActivity) / 1000)
}
