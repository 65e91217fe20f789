// The reception kiosk's state in this browser tab: its CSRF token and what its page shows.
// Kept in sessionStorage so that reloading the kiosk page keeps working, and nowhere else.
import type { KioskAnswer } from './types'

const KEY = 'mamori.kiosk'

export function saveKiosk(a: KioskAnswer): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(a))
  } catch {
    // Private mode without storage: the page keeps it in memory until reloaded.
  }
}

export function loadKiosk(): KioskAnswer | null {
  try {
    const s = sessionStorage.getItem(KEY)
    return s ? (JSON.parse(s) as KioskAnswer) : null
  } catch {
    return null
  }
}

export function forgetKiosk(): void {
  try {
    sessionStorage.removeItem(KEY)
  } catch {
    // Nothing kept.
  }
}
