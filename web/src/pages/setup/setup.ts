// Where the first-run setup stands (settings.setup_state), asked once per visit: the home page
// sends an administrator to the wizard while it is pending, and the wizard records "skipped"
// or "done" so that it happens only once. The wizard stays open to them from the settings page.
import { api } from '../../api'
import { can } from '../../session'
import type { Settings } from '../../types'

let pending: Promise<boolean> | null = null

/** True when the signed-in user may set the organisation up and it has not been done yet. */
export function setupPending(): Promise<boolean> {
  if (!can('settings.write')) return Promise.resolve(false)
  if (!pending) {
    pending = api
      .get<Settings>('/settings')
      .then((s) => s.setup_state === 'pending')
      .catch(() => false)
  }
  return pending
}

/** The wizard was finished or skipped (or reopened): remember it without asking again. */
export function setupSettled(): void {
  pending = Promise.resolve(false)
}
